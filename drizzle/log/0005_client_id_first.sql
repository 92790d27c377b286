-- The idempotency index ordered client_id first (src/store/schema.ts): clients' time-ordered
-- (UUIDv7) ids put a commit's new keys at the index's right edge, not one leaf per conversation.
DROP INDEX `messages_client_id`;--> statement-breakpoint
CREATE UNIQUE INDEX `messages_client_id` ON `messages` (`client_id`,`conv_id`,`sender_id`);