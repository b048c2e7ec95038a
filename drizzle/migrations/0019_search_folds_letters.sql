-- Search folds letters as readers do (docs/decisions/174). The tokenizer
-- now also reads accented Latin letters as plain ones (é as e, İ as i) and
-- skips the combining accents it knows (a decomposed é is e); the triggers
-- store each text with the replacements of app/utils/search-fold.ts
-- (SEARCH_FOLDS) applied: a decomposed й and ї joined, ё as е, ß as ss,
-- dotless ı as i, and no Arabic tatweel or vowel marks. They are spelled out
-- below as nested replace() calls, the letters as char() code points; the
-- search tests check that the index holds what that module makes of a text.
-- The index is built again from the text as stored, with the same row ids.
DROP TRIGGER `message_search_insert`;
--> statement-breakpoint
DROP TRIGGER `message_search_update`;
--> statement-breakpoint
DROP TRIGGER `chat_search_insert`;
--> statement-breakpoint
DROP TRIGGER `chat_search_update`;
--> statement-breakpoint
DROP TABLE `message_search`;
--> statement-breakpoint
DROP TABLE `chat_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `message_search` USING fts5(body, files, tokenize = 'trigram remove_diacritics 2');
--> statement-breakpoint
-- Ranking: a hit in a message's own words counts twice one in its files.
INSERT INTO `message_search` (`message_search`, rank) VALUES ('rank', 'bm25(2.0, 1.0)');
--> statement-breakpoint
CREATE VIRTUAL TABLE `chat_search` USING fts5(title, tokenize = 'trigram remove_diacritics 2');
--> statement-breakpoint
-- A message's files: each file's name, and the text read from it (a PDF's
-- text layer), which exists by the time the message is sent. The files are
-- gathered in a subquery of their own, then folded: SQLite's parser nests
-- only so many calls, and the replacements take most of them.
CREATE TRIGGER `message_search_insert` AFTER INSERT ON `messages` BEGIN
	INSERT INTO `message_search_rows` (`message_id`) VALUES (new.`id`);
	INSERT INTO `message_search` (rowid, body, files) VALUES (
		(SELECT `id` FROM `message_search_rows` WHERE `message_id` = new.`id`),
		replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.`content`, char(0x438, 0x306), char(0x439)), char(0x418, 0x306), char(0x419)), char(0x456, 0x308), char(0x457)), char(0x406, 0x308), char(0x407)), char(0x451), char(0x435)), char(0x401), char(0x415)), char(0xdf), 'ss'), char(0x1e9e), 'SS'), char(0x131), 'i'), char(0x640), ''), char(0x64b), ''), char(0x64c), ''), char(0x64d), ''), char(0x64e), ''), char(0x64f), ''), char(0x650), ''), char(0x651), ''), char(0x652), ''), char(0x670), ''),
		(SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(f, char(0x438, 0x306), char(0x439)), char(0x418, 0x306), char(0x419)), char(0x456, 0x308), char(0x457)), char(0x406, 0x308), char(0x407)), char(0x451), char(0x435)), char(0x401), char(0x415)), char(0xdf), 'ss'), char(0x1e9e), 'SS'), char(0x131), 'i'), char(0x640), ''), char(0x64b), ''), char(0x64c), ''), char(0x64d), ''), char(0x64e), ''), char(0x64f), ''), char(0x650), ''), char(0x651), ''), char(0x652), ''), char(0x670), '') FROM (SELECT group_concat(json_extract(p.value, '$.name') || coalesce(char(10) || b.`extracted_text`, ''), char(10)) AS f
			FROM json_each(CASE WHEN json_valid(new.`parts`) THEN new.`parts` ELSE '[]' END) p
			LEFT JOIN `attachments` a ON a.`id` = json_extract(p.value, '$.attachmentId')
			LEFT JOIN `blobs` b ON b.`id` = a.`blob_id`
			WHERE json_extract(p.value, '$.type') = 'file')));
END;
--> statement-breakpoint
-- An answer is indexed once it ends (docs/decisions/085).
CREATE TRIGGER `message_search_update` AFTER UPDATE OF `content`, `status` ON `messages`
WHEN new.`status` != 'streaming' AND (old.`content` IS NOT new.`content` OR old.`status` = 'streaming') BEGIN
	UPDATE `message_search` SET body = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.`content`, char(0x438, 0x306), char(0x439)), char(0x418, 0x306), char(0x419)), char(0x456, 0x308), char(0x457)), char(0x406, 0x308), char(0x407)), char(0x451), char(0x435)), char(0x401), char(0x415)), char(0xdf), 'ss'), char(0x1e9e), 'SS'), char(0x131), 'i'), char(0x640), ''), char(0x64b), ''), char(0x64c), ''), char(0x64d), ''), char(0x64e), ''), char(0x64f), ''), char(0x650), ''), char(0x651), ''), char(0x652), ''), char(0x670), '')
	WHERE rowid = (SELECT `id` FROM `message_search_rows` WHERE `message_id` = new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `chat_search_insert` AFTER INSERT ON `chats` BEGIN
	INSERT INTO `chat_search_rows` (`chat_id`) VALUES (new.`id`);
	INSERT INTO `chat_search` (rowid, title) VALUES ((SELECT `id` FROM `chat_search_rows` WHERE `chat_id` = new.`id`), replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.`title`, char(0x438, 0x306), char(0x439)), char(0x418, 0x306), char(0x419)), char(0x456, 0x308), char(0x457)), char(0x406, 0x308), char(0x407)), char(0x451), char(0x435)), char(0x401), char(0x415)), char(0xdf), 'ss'), char(0x1e9e), 'SS'), char(0x131), 'i'), char(0x640), ''), char(0x64b), ''), char(0x64c), ''), char(0x64d), ''), char(0x64e), ''), char(0x64f), ''), char(0x650), ''), char(0x651), ''), char(0x652), ''), char(0x670), ''));
END;
--> statement-breakpoint
CREATE TRIGGER `chat_search_update` AFTER UPDATE OF `title` ON `chats` WHEN old.`title` IS NOT new.`title` BEGIN
	UPDATE `chat_search` SET title = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.`title`, char(0x438, 0x306), char(0x439)), char(0x418, 0x306), char(0x419)), char(0x456, 0x308), char(0x457)), char(0x406, 0x308), char(0x407)), char(0x451), char(0x435)), char(0x401), char(0x415)), char(0xdf), 'ss'), char(0x1e9e), 'SS'), char(0x131), 'i'), char(0x640), ''), char(0x64b), ''), char(0x64c), ''), char(0x64d), ''), char(0x64e), ''), char(0x64f), ''), char(0x650), ''), char(0x651), ''), char(0x652), ''), char(0x670), '') WHERE rowid = (SELECT `id` FROM `chat_search_rows` WHERE `chat_id` = new.`id`);
END;
--> statement-breakpoint
-- Existing chats and messages, under the ids they had.
INSERT INTO `chat_search` (rowid, title) SELECT r.`id`, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(c.`title`, char(0x438, 0x306), char(0x439)), char(0x418, 0x306), char(0x419)), char(0x456, 0x308), char(0x457)), char(0x406, 0x308), char(0x407)), char(0x451), char(0x435)), char(0x401), char(0x415)), char(0xdf), 'ss'), char(0x1e9e), 'SS'), char(0x131), 'i'), char(0x640), ''), char(0x64b), ''), char(0x64c), ''), char(0x64d), ''), char(0x64e), ''), char(0x64f), ''), char(0x650), ''), char(0x651), ''), char(0x652), ''), char(0x670), '') FROM `chat_search_rows` r JOIN `chats` c ON c.`id` = r.`chat_id`;
--> statement-breakpoint
INSERT INTO `message_search` (rowid, body, files)
SELECT r.`id`, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(m.`content`, char(0x438, 0x306), char(0x439)), char(0x418, 0x306), char(0x419)), char(0x456, 0x308), char(0x457)), char(0x406, 0x308), char(0x407)), char(0x451), char(0x435)), char(0x401), char(0x415)), char(0xdf), 'ss'), char(0x1e9e), 'SS'), char(0x131), 'i'), char(0x640), ''), char(0x64b), ''), char(0x64c), ''), char(0x64d), ''), char(0x64e), ''), char(0x64f), ''), char(0x650), ''), char(0x651), ''), char(0x652), ''), char(0x670), ''),
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace((SELECT group_concat(json_extract(p.value, '$.name') || coalesce(char(10) || b.`extracted_text`, ''), char(10))
		FROM json_each(CASE WHEN json_valid(m.`parts`) THEN m.`parts` ELSE '[]' END) p
		LEFT JOIN `attachments` a ON a.`id` = json_extract(p.value, '$.attachmentId')
		LEFT JOIN `blobs` b ON b.`id` = a.`blob_id`
		WHERE json_extract(p.value, '$.type') = 'file'), char(0x438, 0x306), char(0x439)), char(0x418, 0x306), char(0x419)), char(0x456, 0x308), char(0x457)), char(0x406, 0x308), char(0x407)), char(0x451), char(0x435)), char(0x401), char(0x415)), char(0xdf), 'ss'), char(0x1e9e), 'SS'), char(0x131), 'i'), char(0x640), ''), char(0x64b), ''), char(0x64c), ''), char(0x64d), ''), char(0x64e), ''), char(0x64f), ''), char(0x650), ''), char(0x651), ''), char(0x652), ''), char(0x670), '')
FROM `message_search_rows` r JOIN `messages` m ON m.`id` = r.`message_id`;
