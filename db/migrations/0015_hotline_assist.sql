-- The hotline's flow gaps of issue 7 that need new tables or columns
-- (hotline_appeals was rebuilt in 0014 and is only extended here):
--   assist opinions   a helping department's (协办) written opinion for the lead
--   attachments       documents and photos filed with an appeal, kept in the
--                     shared content-addressed store (attachment_blobs)
--   replied_by        the clerk whose reply the department head reviews, so
--                     the head is never the one who wrote it

-- 协办意见: what an assisting department tells the lead department.
CREATE TABLE hotline_assist_opinions (
	id INTEGER PRIMARY KEY,
	appeal_id INTEGER NOT NULL REFERENCES hotline_appeals(id),
	department_id INTEGER NOT NULL,      -- the assisting department (data/hotline_departments.tsv id)
	opinion TEXT NOT NULL,               -- the opinion as written
	by_id INTEGER REFERENCES users(id),  -- the clerk who wrote it
	at INTEGER NOT NULL                  -- when (UTC seconds)
) STRICT;
CREATE INDEX hotline_assist_opinions_appeal ON hotline_assist_opinions(appeal_id);

-- A document filed with an appeal; the bytes live in the shared store.
CREATE TABLE hotline_attachments (
	id INTEGER PRIMARY KEY,
	appeal_id INTEGER NOT NULL REFERENCES hotline_appeals(id),
	hash TEXT NOT NULL REFERENCES attachment_blobs(hash), -- hex BLAKE2b-256 of the bytes
	filename TEXT NOT NULL,              -- as uploaded, for display and download
	uploaded_by INTEGER REFERENCES users(id),
	uploaded_at INTEGER NOT NULL,
	UNIQUE (appeal_id, hash)             -- the same bytes filed twice on one appeal are one attachment
) STRICT;

-- The clerk who wrote the reply now waiting for (or past) the head's review.
ALTER TABLE hotline_appeals ADD COLUMN replied_by INTEGER REFERENCES users(id);

-- The callback list (待回访) reads replied appeals by their callback due.
CREATE INDEX hotline_appeals_callback ON hotline_appeals(status, callback_due);
-- Department scope reads dispatches by department and role.
CREATE INDEX hotline_dispatches_dept_role ON hotline_dispatches(department_id, active, role);
