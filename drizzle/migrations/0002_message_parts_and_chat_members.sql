CREATE TABLE `chat_members` (
	`chat_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`chat_id`, `user_id`),
	FOREIGN KEY (`chat_id`) REFERENCES `chats`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `chat_members_user_idx` ON `chat_members` (`user_id`);--> statement-breakpoint
ALTER TABLE `messages` ADD `parts` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `problem` text;
--> statement-breakpoint
-- Every message becomes ordered parts: its reasoning (if any) first, then its text (if any).
UPDATE `messages` SET `parts` = (
	SELECT json_group_array(json(part)) FROM (
		SELECT 0 AS position, json_object('type', 'reasoning', 'text', `reasoning`) AS part WHERE `reasoning` <> ''
		UNION ALL
		SELECT 1, json_object('type', 'text', 'text', `content`) WHERE `content` <> ''
		ORDER BY position
	)
);
--> statement-breakpoint
-- Known messages become their codes; any other text is kept word for word as the detail of answer_failed.
UPDATE `messages` SET `problem` = CASE `error`
	WHEN 'Stopped.' THEN json_object('code', 'stopped')
	WHEN 'The server restarted while this answer was being written.' THEN json_object('code', 'interrupted_by_restart')
	WHEN 'Forked while this answer was being written.' THEN json_object('code', 'forked_while_streaming')
	ELSE json_object('code', 'answer_failed', 'params', json_object('detail', `error`))
END WHERE `error` IS NOT NULL;
--> statement-breakpoint
-- Every chat's owner becomes its first member.
INSERT INTO `chat_members` (`chat_id`, `user_id`, `role`, `created_at`) SELECT `id`, `user_id`, 'owner', `created_at` FROM `chats`;
