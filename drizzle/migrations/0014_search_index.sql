-- Full-text search over chat titles and messages (docs/decisions/075), in
-- FTS5 tables inside this database. The trigram tokenizer finds any
-- substring of three characters or more, in any script, without case.
-- Triggers keep the index current on every write path (send, streamed
-- answer, edit, branch and chat delete, rename), including deletes made by
-- ON DELETE CASCADE. Each FTS row is keyed by a row of a plain table with an
-- INTEGER PRIMARY KEY: VACUUM may renumber the implicit rowids of tables with
-- text keys (messages, chats), but never these.
CREATE TABLE `message_search_rows` (
	`id` integer PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL UNIQUE
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `message_search` USING fts5(body, files, tokenize = 'trigram');
--> statement-breakpoint
-- Ranking: a hit in a message's own words counts twice one in its files.
INSERT INTO `message_search` (`message_search`, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
--> statement-breakpoint
CREATE TABLE `chat_search_rows` (
	`id` integer PRIMARY KEY NOT NULL,
	`chat_id` text NOT NULL UNIQUE
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `chat_search` USING fts5(title, tokenize = 'trigram');
--> statement-breakpoint
-- A message's files: each file's name, and the text read from it (a PDF's
-- text layer), which exists by the time the message is sent.
CREATE TRIGGER `message_search_insert` AFTER INSERT ON `messages` BEGIN
	INSERT INTO `message_search_rows` (`message_id`) VALUES (new.`id`);
	INSERT INTO `message_search` (rowid, body, files) VALUES (
		(SELECT `id` FROM `message_search_rows` WHERE `message_id` = new.`id`),
		new.`content`,
		(SELECT group_concat(json_extract(p.value, '$.name') || coalesce(char(10) || b.`extracted_text`, ''), char(10))
			FROM json_each(CASE WHEN json_valid(new.`parts`) THEN new.`parts` ELSE '[]' END) p
			LEFT JOIN `attachments` a ON a.`id` = json_extract(p.value, '$.attachmentId')
			LEFT JOIN `blobs` b ON b.`id` = a.`blob_id`
			WHERE json_extract(p.value, '$.type') = 'file'));
END;
--> statement-breakpoint
-- An answer's text grows while it streams (each persisted piece) and is final
-- once stored; a message's files never change (an edit is a new message).
CREATE TRIGGER `message_search_update` AFTER UPDATE OF `content` ON `messages` WHEN old.`content` IS NOT new.`content` BEGIN
	UPDATE `message_search` SET body = new.`content`
	WHERE rowid = (SELECT `id` FROM `message_search_rows` WHERE `message_id` = new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_delete` AFTER DELETE ON `messages` BEGIN
	DELETE FROM `message_search` WHERE rowid = (SELECT `id` FROM `message_search_rows` WHERE `message_id` = old.`id`);
	DELETE FROM `message_search_rows` WHERE `message_id` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `chat_search_insert` AFTER INSERT ON `chats` BEGIN
	INSERT INTO `chat_search_rows` (`chat_id`) VALUES (new.`id`);
	INSERT INTO `chat_search` (rowid, title) VALUES ((SELECT `id` FROM `chat_search_rows` WHERE `chat_id` = new.`id`), new.`title`);
END;
--> statement-breakpoint
CREATE TRIGGER `chat_search_update` AFTER UPDATE OF `title` ON `chats` WHEN old.`title` IS NOT new.`title` BEGIN
	UPDATE `chat_search` SET title = new.`title` WHERE rowid = (SELECT `id` FROM `chat_search_rows` WHERE `chat_id` = new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `chat_search_delete` AFTER DELETE ON `chats` BEGIN
	DELETE FROM `chat_search` WHERE rowid = (SELECT `id` FROM `chat_search_rows` WHERE `chat_id` = old.`id`);
	DELETE FROM `chat_search_rows` WHERE `chat_id` = old.`id`;
END;
--> statement-breakpoint
-- Existing chats and messages, oldest first.
INSERT INTO `chat_search_rows` (`chat_id`) SELECT `id` FROM `chats` ORDER BY `created_at`, `id`;
--> statement-breakpoint
INSERT INTO `chat_search` (rowid, title) SELECT r.`id`, c.`title` FROM `chat_search_rows` r JOIN `chats` c ON c.`id` = r.`chat_id`;
--> statement-breakpoint
INSERT INTO `message_search_rows` (`message_id`) SELECT `id` FROM `messages` ORDER BY `created_at`, `id`;
--> statement-breakpoint
INSERT INTO `message_search` (rowid, body, files)
SELECT r.`id`, m.`content`,
	(SELECT group_concat(json_extract(p.value, '$.name') || coalesce(char(10) || b.`extracted_text`, ''), char(10))
		FROM json_each(CASE WHEN json_valid(m.`parts`) THEN m.`parts` ELSE '[]' END) p
		LEFT JOIN `attachments` a ON a.`id` = json_extract(p.value, '$.attachmentId')
		LEFT JOIN `blobs` b ON b.`id` = a.`blob_id`
		WHERE json_extract(p.value, '$.type') = 'file')
FROM `message_search_rows` r JOIN `messages` m ON m.`id` = r.`message_id`;
