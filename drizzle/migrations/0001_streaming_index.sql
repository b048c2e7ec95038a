DROP INDEX `messages_status_idx`;--> statement-breakpoint
CREATE INDEX `messages_streaming_idx` ON `messages` (`chat_id`) WHERE status = 'streaming';