-- search_rows (and so the FTS5 rowids) are numbered by the entry's time now (src/store/sql/search.ts):
-- the index is emptied, and the indexer builds it again from every log's first entry on start.
DELETE FROM `search_index`;--> statement-breakpoint
DELETE FROM `search_rows`;--> statement-breakpoint
DELETE FROM `search_positions`;
