CREATE TABLE `share_attachments` (
	`share_id` text NOT NULL,
	`attachment_id` text NOT NULL,
	PRIMARY KEY(`share_id`, `attachment_id`),
	FOREIGN KEY (`share_id`) REFERENCES `shares`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`attachment_id`) REFERENCES `attachments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `share_attachments_attachment_idx` ON `share_attachments` (`attachment_id`);--> statement-breakpoint
CREATE TABLE `share_messages` (
	`share_id` text NOT NULL,
	`position` integer NOT NULL,
	`role` text NOT NULL,
	`parts` text NOT NULL,
	`status` text NOT NULL,
	`model` text,
	`problem` text,
	PRIMARY KEY(`share_id`, `position`),
	FOREIGN KEY (`share_id`) REFERENCES `shares`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `shares` (
	`id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`chat_id` text NOT NULL,
	`user_id` text NOT NULL,
	`title` text NOT NULL,
	`model` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`chat_id`) REFERENCES `chats`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shares_token_unique` ON `shares` (`token`);--> statement-breakpoint
CREATE UNIQUE INDEX `shares_chat_id_unique` ON `shares` (`chat_id`);--> statement-breakpoint
CREATE INDEX `shares_user_idx` ON `shares` (`user_id`,`updated_at`);