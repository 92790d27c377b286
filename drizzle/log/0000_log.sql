CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`title` text,
	`direct_key` text,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL,
	`topic` text,
	`avatar` text,
	`only_admins_send` integer DEFAULT false NOT NULL,
	`history` text DEFAULT 'since_join' NOT NULL,
	`closed_seq` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_direct_key` ON `conversations` (`direct_key`);--> statement-breakpoint
CREATE TABLE `members` (
	`conv_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`read_seq` integer DEFAULT 0 NOT NULL,
	`delivered_seq` integer DEFAULT 0 NOT NULL,
	`joined_at` integer NOT NULL,
	`joined_seq` integer DEFAULT 0 NOT NULL,
	`removed_seq` integer,
	`muted_until` integer,
	PRIMARY KEY(`conv_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `members_user` ON `members` (`user_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`conv_id` text NOT NULL,
	`seq` integer NOT NULL,
	`id` text NOT NULL,
	`sender_id` text NOT NULL,
	`client_id` text NOT NULL,
	`ts` integer NOT NULL,
	`body` text NOT NULL,
	`type` text DEFAULT 'text' NOT NULL,
	`target` integer,
	`upload_id` text,
	`edited_text` text,
	`edited_ts` integer,
	`edit_count` integer DEFAULT 0 NOT NULL,
	`recalled` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`conv_id`, `seq`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_client_id` ON `messages` (`conv_id`,`sender_id`,`client_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_id` ON `messages` (`id`);--> statement-breakpoint
CREATE INDEX `messages_target` ON `messages` (`conv_id`,`target`) WHERE target IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_upload` ON `messages` (`upload_id`) WHERE upload_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `reactions` (
	`conv_id` text NOT NULL,
	`seq` integer NOT NULL,
	`emoji` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`conv_id`, `seq`, `emoji`, `user_id`)
);
