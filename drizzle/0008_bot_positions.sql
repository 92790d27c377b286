CREATE TABLE `bot_positions` (
	`bot_id` text NOT NULL,
	`conv_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`bot_id`, `conv_id`)
);
--> statement-breakpoint
-- Bots already in conversations start where their logs are now (their events so far were appended live).
INSERT INTO `bot_positions` (`bot_id`, `conv_id`, `seq`)
SELECT m.`user_id`, m.`conv_id`, c.`last_seq` FROM `members` m
JOIN `users` u ON u.`id` = m.`user_id` AND u.`bot` = 1
JOIN `conversations` c ON c.`id` = m.`conv_id`;
