-- Full-text search over the hotline's appeals (issue 7 item 7), and an
-- index for its figures (item 8, at the end): what the
-- caller asked (content), where (place), the department's reply and the
-- answer given at intake to a consultation. An FTS5 index with external
-- content: the text lives only in hotline_appeals, the index holds tokens
-- and is kept in step by the triggers below, so no code path has to
-- remember it. Tokenizer hm_cjk (src/store/cjk_tokenizer.c, registered on
-- every connection by store.c) cuts Chinese into overlapping bigrams, so a
-- two-character query such as 噪音 finds its appeals; FTS5's trigram
-- tokenizer cannot match two characters and unicode61 does not split Chinese.
-- The caller's name and phone are never indexed.
--
-- The triggers call hm_hotline_fts (same file) rather than write the index
-- themselves: with trusted_schema=OFF SQLite refuses a virtual table inside
-- a trigger. Any program that writes hotline_appeals therefore needs both
-- registered (huimin does it on every connection; bench/hotline_search
-- builds them as a loadable extension for the sqlite3 shell and Python).

-- One row per appeal, rowid = hotline_appeals.id.
CREATE VIRTUAL TABLE hotline_appeals_fts USING fts5(
	content,                             -- hotline_appeals.content
	place,                               -- hotline_appeals.place
	reply,                               -- hotline_appeals.reply (the latest reply)
	answer,                              -- hotline_appeals.answer (consultation answered at intake)
	content = 'hotline_appeals',
	content_rowid = 'id',
	tokenize = 'hm_cjk'
);

-- Keep the index in step with every insert, change of the indexed text and
-- delete (an external-content index must be given the old text to remove).
CREATE TRIGGER hotline_appeals_fts_insert AFTER INSERT ON hotline_appeals BEGIN
	SELECT hm_hotline_fts('index', new.id, new.content, new.place, new.reply, new.answer);
END;

CREATE TRIGGER hotline_appeals_fts_delete AFTER DELETE ON hotline_appeals BEGIN
	SELECT hm_hotline_fts('remove', old.id, old.content, old.place, old.reply, old.answer);
END;

-- Every step saves the whole appeal; only a change of the text re-indexes it.
CREATE TRIGGER hotline_appeals_fts_update AFTER UPDATE OF content, place, reply, answer ON hotline_appeals
WHEN old.content IS NOT new.content OR old.place IS NOT new.place OR old.reply IS NOT new.reply
	OR old.answer IS NOT new.answer
BEGIN
	SELECT hm_hotline_fts('remove', old.id, old.content, old.place, old.reply, old.answer);
	SELECT hm_hotline_fts('index', new.id, new.content, new.place, new.reply, new.answer);
END;

-- The appeals taken before this migration.
INSERT INTO hotline_appeals_fts (hotline_appeals_fts) VALUES ('rebuild');

-- The figures (src/hotline/hotline_stats.c) read these columns of every
-- appeal of a period: a covering index lets them skip the appeals' text,
-- which is most of each row (at a million appeals, 60 MB instead of 700).
CREATE INDEX hotline_appeals_figures ON hotline_appeals(created_at, channel, category, district, department_id,
	status, dispatched_at, signed_at, replied_at, replied_on_time, satisfaction, return_count, extended_workdays,
	main_id);
