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
--> statement-breakpoint
-- The counters of the conversations that already have entries, counted once here; from now on they are kept as entries commit.
INSERT INTO `conversation_lists` (`user_id`, `conv_id`, `counted_from`, `unread`, `mentions`)
SELECT mb.`user_id`, mb.`conv_id`, max(mb.`read_seq`, mb.`joined_seq`),
	(SELECT count(*) FROM `messages` m WHERE m.`conv_id` = mb.`conv_id` AND m.`seq` > max(mb.`read_seq`, mb.`joined_seq`)
		AND m.`sender_id` <> mb.`user_id` AND m.`type` IN ('text', 'file', 'image') AND (mb.`removed_seq` IS NULL OR m.`seq` <= mb.`removed_seq`)),
	(SELECT count(*) FROM `messages` m WHERE m.`conv_id` = mb.`conv_id` AND m.`seq` > max(mb.`read_seq`, mb.`joined_seq`)
		AND m.`sender_id` <> mb.`user_id` AND m.`type` IN ('text', 'file', 'image') AND (mb.`removed_seq` IS NULL OR m.`seq` <= mb.`removed_seq`)
		AND EXISTS (SELECT 1 FROM json_each(m.`body`, '$.mentions') j WHERE j.`value` IN (mb.`user_id`, 'all')))
FROM `members` mb JOIN `conversations` c ON c.`id` = mb.`conv_id`
WHERE c.`last_seq` > 0;
