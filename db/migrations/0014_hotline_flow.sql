-- The hotline's fuller flow (issue 7) needs values the first schema's CHECKs
-- refuse, so hotline_appeals is rebuilt the way SQLite documents (new table,
-- copy, drop, rename; the runner turns foreign keys off around a migration
-- and runs foreign_key_check before it commits):
--   channel 'butler'      a question a project butler hands to a department
--                         through the hotline's dispatch and clocks (DOMAIN.md §3)
--   status 'reply_review' the department's reply waits for its head's review
--                         before the hotline sees it
-- and adds, for later migrations and code to use:
--   district              division code of the place (data/divisions.tsv), used by
--                         the category × district dispatch table and the figures
--   programme_tier        working days (2, 5 or 10) a live programme gave the department
--   callback_due          the working day after the reply, by when the hotline calls back
--   reply_reviewed_by/at  the department head who approved the reply
-- hotline_dispatches gets role: 'lead' (主办) holds the appeal and replies,
-- 'assist' (协办) helps the lead department.

CREATE TABLE hotline_appeals_new (
	id INTEGER PRIMARY KEY,
	channel TEXT NOT NULL CHECK (channel IN ('phone', 'wechat', 'web', 'programme', 'butler')),
	line TEXT NOT NULL,
	programme_id INTEGER REFERENCES hotline_programmes(id),
	kind TEXT NOT NULL CHECK (kind IN ('consultation', 'request', 'complaint', 'report', 'suggestion', 'praise')),
	anonymous INTEGER NOT NULL,
	caller_name TEXT NOT NULL,
	caller_phone TEXT NOT NULL,
	place TEXT NOT NULL,
	content TEXT NOT NULL,
	category TEXT NOT NULL,
	catalog_version INTEGER NOT NULL,
	emergency INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('registered', 'dispatched', 'signed', 'return_requested', 'reply_review',
		'replied', 'rework', 'closed', 'merged')),
	answer TEXT NOT NULL DEFAULT '',
	department_id INTEGER,
	dispatched_at INTEGER,
	sign_due INTEGER,
	signed_at INTEGER,
	due INTEGER,
	due_in_hours INTEGER NOT NULL DEFAULT 0,
	estimated_due INTEGER NOT NULL DEFAULT 0,
	extended_workdays INTEGER NOT NULL DEFAULT 0,
	reply TEXT NOT NULL DEFAULT '',
	replied_at INTEGER,
	replied_on_time INTEGER,
	return_count INTEGER NOT NULL DEFAULT 0,
	rework_count INTEGER NOT NULL DEFAULT 0,
	satisfaction TEXT NOT NULL DEFAULT '' CHECK (satisfaction IN ('', 'satisfied', 'basically', 'unsatisfied')),
	main_id INTEGER REFERENCES hotline_appeals(id),
	closed_at INTEGER,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	caller_phone_hash TEXT NOT NULL DEFAULT '',
	district TEXT NOT NULL DEFAULT '',
	programme_tier INTEGER CHECK (programme_tier IS NULL OR programme_tier IN (2, 5, 10)),
	callback_due INTEGER,
	reply_reviewed_by INTEGER REFERENCES users(id),
	reply_reviewed_at INTEGER
) STRICT;

INSERT INTO hotline_appeals_new (id, channel, line, programme_id, kind, anonymous, caller_name, caller_phone, place,
	content, category, catalog_version, emergency, status, answer, department_id, dispatched_at, sign_due, signed_at,
	due, due_in_hours, estimated_due, extended_workdays, reply, replied_at, replied_on_time, return_count,
	rework_count, satisfaction, main_id, closed_at, created_by, created_at, updated_at, caller_phone_hash)
SELECT id, channel, line, programme_id, kind, anonymous, caller_name, caller_phone, place,
	content, category, catalog_version, emergency, status, answer, department_id, dispatched_at, sign_due, signed_at,
	due, due_in_hours, estimated_due, extended_workdays, reply, replied_at, replied_on_time, return_count,
	rework_count, satisfaction, main_id, closed_at, created_by, created_at, updated_at, caller_phone_hash
FROM hotline_appeals;

DROP TABLE hotline_appeals;
ALTER TABLE hotline_appeals_new RENAME TO hotline_appeals;

CREATE INDEX hotline_appeals_status ON hotline_appeals(status, due);
CREATE INDEX hotline_appeals_phone ON hotline_appeals(caller_phone, category, created_at);
CREATE INDEX hotline_appeals_programme ON hotline_appeals(programme_id);
CREATE INDEX hotline_appeals_created ON hotline_appeals(created_at);
CREATE INDEX hotline_appeals_phone_hash ON hotline_appeals(caller_phone_hash, category);
CREATE INDEX hotline_appeals_district ON hotline_appeals(district, created_at);

ALTER TABLE hotline_dispatches ADD COLUMN role TEXT NOT NULL DEFAULT 'lead' CHECK (role IN ('lead', 'assist'));
