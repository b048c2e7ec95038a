CREATE TABLE `answer_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `answer_requests_user_idx` ON `answer_requests` (`user_id`,`created_at`);--> statement-breakpoint
-- The answers already asked for, from who paid for them, so a window open at the upgrade keeps its count.
INSERT INTO `answer_requests` (`id`, `user_id`, `created_at`)
SELECT p.`message_id`, p.`asked_by`, p.`created_at` FROM `answer_payers` p JOIN `users` u ON u.`id` = p.`asked_by`;
