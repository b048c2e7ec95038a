CREATE TABLE `moderation_flags` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`chat_id` text,
	`text` text NOT NULL,
	`categories` text NOT NULL,
	`model` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `moderation_flags_created_idx` ON `moderation_flags` (`created_at`);