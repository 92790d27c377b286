DROP INDEX `search_rows_ts`;--> statement-breakpoint
-- The index keeps the words only, no copy of each text (content=''): a search reads the texts
-- from messages. contentless_delete=1 (SQLite 3.43+): an edit or a recall still deletes a row's
-- words. The words indexed so far move over, so nothing is indexed again.
ALTER TABLE `search_index` RENAME TO `search_index_old`;--> statement-breakpoint
CREATE VIRTUAL TABLE `search_index` USING fts5(body, uni, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');--> statement-breakpoint
INSERT INTO `search_index` (rowid, body, uni) SELECT rowid, body, uni FROM `search_index_old`;--> statement-breakpoint
DROP TABLE `search_index_old`;
