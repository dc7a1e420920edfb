-- The approval progress ledger (审批进度台账) of a key project: one row per
-- main approval the project needs before it can start, with the department
-- responsible, the progress, the problems (存在问题) and the measures taken
-- (采取措施) as their own fields, each with who wrote it last and when. The
-- ledger is what the bureau reports upward in the customary column order
-- 序号、项目名称、审批事项、责任单位、进展情况、存在问题、采取措施.
CREATE TABLE butler_ledger (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES butler_projects(id),
	approval TEXT NOT NULL,             -- 审批事项 (建筑工程施工许可证（26#厂房）)
	department TEXT NOT NULL,           -- 责任单位
	progress TEXT NOT NULL DEFAULT '',  -- 进展情况
	progress_by INTEGER REFERENCES users(id), -- who last changed progress
	progress_at INTEGER,                -- when (UTC seconds); NULL = never written
	problems TEXT NOT NULL DEFAULT '',  -- 存在问题
	problems_by INTEGER REFERENCES users(id),
	problems_at INTEGER,
	measures TEXT NOT NULL DEFAULT '',  -- 采取措施
	measures_by INTEGER REFERENCES users(id),
	measures_at INTEGER,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (project_id, approval)
) STRICT;

-- A question handed to a department goes through the hotline's dispatch
-- (issue 8): the department is one of data/hotline_departments.tsv, by id,
-- and the question points at the appeal created for it (channel 'butler').
-- Whether it is answered is read from the appeal (status replied or
-- closed) when the question is read. Rows from before keep their free-text
-- department and their own answer.
ALTER TABLE butler_questions ADD COLUMN department_id INTEGER; -- hotline department id (data/hotline_departments.tsv); NULL = free text of old rows
ALTER TABLE butler_questions ADD COLUMN appeal_id INTEGER REFERENCES hotline_appeals(id); -- the hotline appeal carrying the hand-over; NULL = on the spot or an old row
ALTER TABLE butler_questions ADD COLUMN appeal_no TEXT NOT NULL DEFAULT ''; -- the appeal's number (RX2026000012) the enterprise can quote
CREATE INDEX butler_questions_appeal ON butler_questions(appeal_id);

-- Photos of a site visit (JPEG or PNG, the type read from the bytes). The
-- bytes live in the content-addressed store the fund's attachments use
-- (attachment_blobs and <database directory>/attachments/<2 hex>/<hash>),
-- so a photo filed twice is stored once.
CREATE TABLE butler_visit_photos (
	id INTEGER PRIMARY KEY,
	visit_id INTEGER NOT NULL REFERENCES butler_visits(id),
	hash TEXT NOT NULL REFERENCES attachment_blobs(hash), -- hex BLAKE2b-256 of the bytes
	filename TEXT NOT NULL,             -- as uploaded, shown and sent back
	uploaded_by INTEGER REFERENCES users(id),
	uploaded_at INTEGER NOT NULL,
	UNIQUE (visit_id, hash)
) STRICT;
CREATE INDEX butler_visit_photos_visit ON butler_visit_photos(visit_id);
