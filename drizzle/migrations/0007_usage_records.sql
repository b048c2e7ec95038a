CREATE TABLE `usage_records` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`user_id` text,
	`model` text NOT NULL,
	`provider` text NOT NULL,
	`paid_by` text NOT NULL,
	`status` text NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `usage_records_created_idx` ON `usage_records` (`created_at`);--> statement-breakpoint
CREATE INDEX `usage_records_user_idx` ON `usage_records` (`user_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `answer_payers` ADD `asked_by` text REFERENCES users(id) ON DELETE set null;--> statement-breakpoint
-- Answers so far were asked by their chat's owner.
UPDATE `answer_payers` SET `asked_by` = (SELECT c.user_id FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = answer_payers.message_id);--> statement-breakpoint
-- What finished answers cost so far, from their stored stats.
INSERT INTO `usage_records` (`id`, `message_id`, `user_id`, `model`, `provider`, `paid_by`, `status`, `input_tokens`, `output_tokens`, `cost_usd`, `created_at`)
SELECT 'usage-' || m.id, m.id, c.user_id,
  coalesce(json_extract(m.stats, '$.model'), m.model, ''),
  coalesce(p.provider, CASE WHEN instr(coalesce(m.model, ''), ':') > 0 THEN substr(m.model, 1, instr(m.model, ':') - 1) ELSE '' END),
  coalesce(p.paid_by, 'server'), m.status,
  coalesce(json_extract(m.stats, '$.inputTokens'), 0), coalesce(json_extract(m.stats, '$.outputTokens'), 0), coalesce(json_extract(m.stats, '$.costUsd'), 0),
  m.updated_at
FROM messages m JOIN chats c ON c.id = m.chat_id LEFT JOIN answer_payers p ON p.message_id = m.id
WHERE m.role = 'assistant' AND m.stats IS NOT NULL AND m.status != 'streaming';