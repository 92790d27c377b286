ALTER TABLE `messages` ADD `upload_id` text;--> statement-breakpoint
CREATE INDEX `messages_upload` ON `messages` (`upload_id`) WHERE upload_id IS NOT NULL;