ALTER TABLE `messages` DROP COLUMN `reasoning`;--> statement-breakpoint
ALTER TABLE `messages` DROP COLUMN `error`;