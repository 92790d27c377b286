CREATE TABLE `conversation_lists` (
	`user_id` text NOT NULL,
	`conv_id` text NOT NULL,
	`pinned` integer DEFAULT false NOT NULL,
	`muted_until` integer,
	`archived` integer DEFAULT false NOT NULL,
	`hidden` integer DEFAULT false NOT NULL,
	`cleared_seq` integer DEFAULT 0 NOT NULL,
	`counted_from` integer DEFAULT 0 NOT NULL,
	`unread` integer DEFAULT 0 NOT NULL,
	`mentions` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`user_id`, `conv_id`)
);
--> statement-breakpoint
CREATE TABLE `hidden_entries` (
	`user_id` text NOT NULL,
	`conv_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`user_id`, `conv_id`, `seq`)
);
