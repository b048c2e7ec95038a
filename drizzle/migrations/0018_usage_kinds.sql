-- Every request recorded before titles were counted was an answer's.
ALTER TABLE `usage_records` ADD `kind` text DEFAULT 'answer' NOT NULL;
