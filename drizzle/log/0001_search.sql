CREATE TABLE `search_positions` (
	`conv_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `search_rows` (
	`id` integer PRIMARY KEY NOT NULL,
	`conv_id` text NOT NULL,
	`seq` integer NOT NULL,
	`sender_id` text NOT NULL,
	`ts` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_rows_entry` ON `search_rows` (`conv_id`,`seq`);--> statement-breakpoint
CREATE INDEX `search_rows_ts` ON `search_rows` (`ts`);--> statement-breakpoint
-- Not in drizzle's schema (a virtual table): the words of each indexed entry, rowid = search_rows.id.
CREATE VIRTUAL TABLE `search_index` USING fts5(body, uni, tokenize = 'unicode61 remove_diacritics 2');
