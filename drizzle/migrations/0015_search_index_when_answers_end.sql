-- An answer is indexed for search once it ends, not at every piece stored
-- while it streams (docs/decisions/085): each stored piece re-indexed the
-- whole text written so far, so a long answer cost work growing with the
-- square of its length. A streaming answer keeps what was indexed before
-- (nothing, for a new answer; the earlier text, for a continued one).
DROP TRIGGER `message_search_update`;
--> statement-breakpoint
CREATE TRIGGER `message_search_update` AFTER UPDATE OF `content`, `status` ON `messages`
WHEN new.`status` != 'streaming' AND (old.`content` IS NOT new.`content` OR old.`status` = 'streaming') BEGIN
	UPDATE `message_search` SET body = new.`content`
	WHERE rowid = (SELECT `id` FROM `message_search_rows` WHERE `message_id` = new.`id`);
END;
