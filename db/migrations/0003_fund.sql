-- The children's care fund: children, applications, review, approval,
-- payment. Personal data stays in these tables; the audit trail keeps only
-- digests of it.

-- A child known to a district federation.
CREATE TABLE children (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs(id),  -- district federation that keeps the file
	name TEXT NOT NULL,
	sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
	birth_date TEXT NOT NULL,                      -- YYYY-MM-DD
	id_number TEXT NOT NULL UNIQUE,                -- 身份证, normalised
	hukou_district TEXT NOT NULL,                  -- 户籍 county code, 3704xx
	hukou_evidence TEXT NOT NULL,                  -- what proves it (户口簿 page …)
	household_status TEXT NOT NULL CHECK (household_status IN ('none', 'dibao', 'dibao_edge')),
	household_cert_no TEXT NOT NULL,               -- 低保/低保边缘 certificate, '' if none
	household_cert_from TEXT NOT NULL,             -- validity YYYY-MM-DD, '' if none
	household_cert_to TEXT NOT NULL,
	guardian_name TEXT NOT NULL,
	guardian_relation TEXT NOT NULL,
	guardian_phone TEXT NOT NULL,
	address TEXT NOT NULL,
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX children_org ON children(org_id);

-- The categories (data/fund_categories.tsv) a child is in; several allowed.
CREATE TABLE child_categories (
	child_id INTEGER NOT NULL REFERENCES children(id),
	category TEXT NOT NULL,
	PRIMARY KEY (child_id, category)
) STRICT;
CREATE INDEX child_categories_category ON child_categories(category);

-- An application for aid, filed at a district federation.
CREATE TABLE applications (
	id INTEGER PRIMARY KEY,
	child_id INTEGER NOT NULL REFERENCES children(id),
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	applicant_type TEXT NOT NULL CHECK (applicant_type IN ('self', 'guardian', 'relative')),
	applicant_name TEXT NOT NULL,
	applicant_relation TEXT NOT NULL,
	description TEXT NOT NULL,
	emergency INTEGER NOT NULL,
	emergency_reason TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('submitted', 'returned', 'accepted', 'reviewed', 'approved', 'rejected', 'paid')),
	clock_start INTEGER,                 -- when the current 7-working-day clock started
	decision_due INTEGER,                -- 24:00 of the 7th working day after clock_start
	payment_due INTEGER,                 -- emergencies: clock_start + 24 h
	estimated_due INTEGER NOT NULL DEFAULT 0, -- 1 when a due time rests on a year without holiday data
	decided_at INTEGER,                  -- approval or rejection
	paid_at INTEGER,
	reviewer_id INTEGER REFERENCES users(id),
	review_opinion TEXT NOT NULL DEFAULT '',
	approver_id INTEGER REFERENCES users(id),
	decision_reason TEXT NOT NULL DEFAULT '',
	payment_entry_id INTEGER REFERENCES journal_entries(id),
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX applications_org_status ON applications(org_id, status);
CREATE INDEX applications_child ON applications(child_id);
CREATE INDEX applications_due ON applications(decision_due);

-- Money asked for and approved, per aid kind (living, medical, education, rehab).
CREATE TABLE application_aid (
	application_id INTEGER NOT NULL REFERENCES applications(id),
	kind TEXT NOT NULL,
	requested INTEGER NOT NULL CHECK (requested >= 0),   -- fen
	approved INTEGER CHECK (approved >= 0),              -- fen, NULL until approved
	PRIMARY KEY (application_id, kind)
) STRICT;

-- Services asked for (psychological care, legal aid, family education).
CREATE TABLE application_services (
	application_id INTEGER NOT NULL REFERENCES applications(id),
	service TEXT NOT NULL,
	PRIMARY KEY (application_id, service)
) STRICT;

-- The timeline of an application: every step, who, when, and why.
CREATE TABLE application_events (
	id INTEGER PRIMARY KEY,
	application_id INTEGER NOT NULL REFERENCES applications(id),
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id),
	action TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status TEXT NOT NULL,
	note TEXT NOT NULL
) STRICT;
CREATE INDEX application_events_app ON application_events(application_id);
