CREATE TABLE `user_limits` (
	`user_id` text PRIMARY KEY NOT NULL,
	`chats` integer,
	`messages` integer,
	`window_seconds` integer,
	`tokens_per_month` integer,
	`spend_per_month_usd` real,
	`updated_by` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `answer_payers_asked_by_idx` ON `answer_payers` (`asked_by`,`created_at`);