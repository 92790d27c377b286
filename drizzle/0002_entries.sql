CREATE TABLE `reactions` (
	`conv_id` text NOT NULL,
	`seq` integer NOT NULL,
	`emoji` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`conv_id`, `seq`, `emoji`, `user_id`)
);
--> statement-breakpoint
ALTER TABLE `conversations` ADD `topic` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `avatar` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `only_admins_send` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `history` text DEFAULT 'since_join' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `closed_seq` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `joined_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `members` ADD `removed_seq` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `muted_until` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `type` text DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `target` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `edited_text` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `edited_ts` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `edit_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `recalled` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_target` ON `messages` (`conv_id`,`target`) WHERE target IS NOT NULL;