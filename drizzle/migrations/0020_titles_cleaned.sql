-- Titles are stored without direction controls and invisible characters
-- (docs/decisions/173): those stored before are cleaned as
-- app/utils/chat-title.ts cleans a title (`invisible`), chats' and shares'
-- alike. A title holding one is rebuilt a character at a time without them,
-- then trimmed of the spaces JavaScript trims (`spaces`); one left with
-- nothing is its owner's words for a new chat. The search index follows the
-- chats' titles by its trigger.
WITH RECURSIVE
  `marks`(`invisible`, `spaces`) AS (
    SELECT
      char(0x00AD, 0x061C, 0x115F, 0x1160, 0x180E, 0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9, 0xFFFA, 0xFFFB),
      char(0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x00A0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)
  ),
  `walk`(`id`, `rest`, `kept`) AS (
    SELECT `id`, `title`, '' FROM `chats`, `marks` WHERE `title` GLOB '*[' || `invisible` || ']*'
    UNION ALL
    SELECT `id`, substr(`rest`, 2), `kept` || iif(instr(`invisible`, substr(`rest`, 1, 1)), '', substr(`rest`, 1, 1)) FROM `walk`, `marks` WHERE `rest` <> ''
  ),
  `cleaned`(`id`, `title`) AS (SELECT `id`, trim(`kept`, `spaces`) FROM `walk`, `marks` WHERE `rest` = '')
UPDATE `chats` SET `title` = coalesce(
  nullif((SELECT `title` FROM `cleaned` WHERE `cleaned`.`id` = `chats`.`id`), ''),
  (SELECT iif(`locale` = 'ru', 'Новый чат', 'New chat') FROM `users` WHERE `users`.`id` = `chats`.`user_id`)
)
WHERE `id` IN (SELECT `id` FROM `cleaned`);
--> statement-breakpoint
WITH RECURSIVE
  `marks`(`invisible`, `spaces`) AS (
    SELECT
      char(0x00AD, 0x061C, 0x115F, 0x1160, 0x180E, 0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9, 0xFFFA, 0xFFFB),
      char(0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x00A0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)
  ),
  `walk`(`id`, `rest`, `kept`) AS (
    SELECT `id`, `title`, '' FROM `shares`, `marks` WHERE `title` GLOB '*[' || `invisible` || ']*'
    UNION ALL
    SELECT `id`, substr(`rest`, 2), `kept` || iif(instr(`invisible`, substr(`rest`, 1, 1)), '', substr(`rest`, 1, 1)) FROM `walk`, `marks` WHERE `rest` <> ''
  ),
  `cleaned`(`id`, `title`) AS (SELECT `id`, trim(`kept`, `spaces`) FROM `walk`, `marks` WHERE `rest` = '')
UPDATE `shares` SET `title` = coalesce(
  nullif((SELECT `title` FROM `cleaned` WHERE `cleaned`.`id` = `shares`.`id`), ''),
  (SELECT iif(`locale` = 'ru', 'Новый чат', 'New chat') FROM `users` WHERE `users`.`id` = `shares`.`user_id`)
)
WHERE `id` IN (SELECT `id` FROM `cleaned`);
