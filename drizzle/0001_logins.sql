ALTER TABLE `sessions` RENAME TO `logins`;--> statement-breakpoint
ALTER TABLE `refresh_tokens` RENAME COLUMN "session_id" TO "login_id";--> statement-breakpoint
DROP INDEX `sessions_user`;--> statement-breakpoint
CREATE INDEX `logins_user` ON `logins` (`user_id`);