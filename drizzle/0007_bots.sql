CREATE TABLE `bot_updates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bot_id` text NOT NULL,
	`conv_key` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `bot_updates_bot` ON `bot_updates` (`bot_id`,`id`);--> statement-breakpoint
CREATE INDEX `bot_updates_conv` ON `bot_updates` (`bot_id`,`conv_key`,`state`,`id`);--> statement-breakpoint
CREATE TABLE `bots` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`events` text NOT NULL,
	`created_at` integer NOT NULL,
	`webhook_url` text,
	`webhook_secret` text,
	`webhook_format` text,
	`last_error` text,
	`last_error_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bots_token_hash` ON `bots` (`token_hash`);--> statement-breakpoint
CREATE TABLE `tg_aliases` (
	`alias` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ref` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tg_aliases_ref_unique` ON `tg_aliases` (`ref`);--> statement-breakpoint
ALTER TABLE `users` ADD `bot` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `owner_id` text;--> statement-breakpoint
CREATE INDEX `users_owner` ON `users` (`owner_id`) WHERE owner_id IS NOT NULL;