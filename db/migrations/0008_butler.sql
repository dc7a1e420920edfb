-- The project butler (项目管家) of DOMAIN.md §3: key projects, the butler
-- teams that serve them one to one, each project's checklist of approval
-- procedures, the 一次性告知书 given to the enterprise, site visits and the
-- questions raised on them. A district is its GB/T 2260 code (370406 山亭区):
-- the teams are seeded here, before any organisation row exists.

-- A butler team (项目管家团队) of a district's administrative approval bureau.
CREATE TABLE butler_teams (
	id INTEGER PRIMARY KEY,
	district TEXT NOT NULL,             -- division code, e.g. 370406
	name TEXT NOT NULL,                 -- 山亭区项目管家第一团队
	phone TEXT NOT NULL DEFAULT '',     -- team contact printed on the 告知书 when a butler has none
	created_at INTEGER NOT NULL,
	UNIQUE (district, name)
) STRICT;

-- The seven teams of 山亭区 (seed: 组建了7个项目管家团队).
INSERT INTO butler_teams (district, name, phone, created_at) VALUES
	('370406', '山亭区项目管家第一团队', '', 1709251200),
	('370406', '山亭区项目管家第二团队', '', 1709251200),
	('370406', '山亭区项目管家第三团队', '', 1709251200),
	('370406', '山亭区项目管家第四团队', '', 1709251200),
	('370406', '山亭区项目管家第五团队', '', 1709251200),
	('370406', '山亭区项目管家第六团队', '', 1709251200),
	('370406', '山亭区项目管家第七团队', '', 1709251200);

-- Who belongs to a team (users with role butler); history kept by left_at.
CREATE TABLE butler_members (
	id INTEGER PRIMARY KEY,
	team_id INTEGER NOT NULL REFERENCES butler_teams(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	is_leader INTEGER NOT NULL DEFAULT 0, -- 1 = team leader (团队负责人)
	phone TEXT NOT NULL DEFAULT '',     -- contact given to enterprises
	joined_at INTEGER NOT NULL,
	left_at INTEGER                     -- NULL while a member
) STRICT;
-- a butler serves in one team at a time
CREATE UNIQUE INDEX butler_members_current ON butler_members(user_id) WHERE left_at IS NULL;
CREATE INDEX butler_members_team ON butler_members(team_id);

-- A key project (省/市/区重点项目) and its approval ledger header.
CREATE TABLE butler_projects (
	id INTEGER PRIMARY KEY,
	district TEXT NOT NULL,             -- division code
	town TEXT NOT NULL,                 -- 镇（街道）
	name TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('province', 'city', 'district')),
	industry TEXT NOT NULL,
	enterprise TEXT NOT NULL,
	uscc TEXT NOT NULL,                 -- 统一社会信用代码 (GB 32100-2015)
	contact_name TEXT NOT NULL,
	contact_phone TEXT NOT NULL,
	investment INTEGER NOT NULL CHECK (investment >= 0), -- total investment, fen
	floor_area INTEGER CHECK (floor_area >= 0),          -- 0.01 m²; NULL = none or not known
	planned_start TEXT NOT NULL,        -- YYYY-MM-DD
	planned_finish TEXT NOT NULL,       -- YYYY-MM-DD or ''
	stage TEXT NOT NULL CHECK (stage IN ('land', 'engineering', 'construction', 'acceptance', 'completed')),
	problems TEXT NOT NULL DEFAULT '',  -- 存在问题
	measures TEXT NOT NULL DEFAULT '',  -- 采取措施
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX butler_projects_district ON butler_projects(district);

-- One-to-one assignment (一对一帮包) of a team to a project, with history.
CREATE TABLE butler_assignments (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES butler_projects(id),
	team_id INTEGER NOT NULL REFERENCES butler_teams(id),
	note TEXT NOT NULL DEFAULT '',
	assigned_by INTEGER REFERENCES users(id),
	assigned_at INTEGER NOT NULL,
	ended_at INTEGER                    -- NULL = current
) STRICT;
CREATE UNIQUE INDEX butler_assignments_current ON butler_assignments(project_id) WHERE ended_at IS NULL;
CREATE INDEX butler_assignments_team ON butler_assignments(team_id);

-- The project's checklist: one row per procedure of data/butler_procedures.tsv
-- that applies (and per building for the procedures done building by building).
CREATE TABLE butler_procedures (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES butler_projects(id),
	code TEXT NOT NULL,                 -- catalogue code
	item TEXT NOT NULL DEFAULT '',      -- building (26#厂房), '' for the whole project
	status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done', 'exempt')),
	exempt_reason TEXT NOT NULL DEFAULT '', -- rule cited, or the note of a manual waiver
	by_rule INTEGER NOT NULL DEFAULT 0, -- 1 = exempted by a rule (re-evaluated when the project changes)
	started_on TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
	finished_on TEXT NOT NULL DEFAULT '',
	doc_name TEXT NOT NULL DEFAULT '',  -- permit or document obtained
	doc_no TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	UNIQUE (project_id, code, item)
) STRICT;

-- A 一次性告知书 issued for a project: what was open at the time (items),
-- who gave it, how many times it was printed and how it was delivered.
CREATE TABLE butler_notices (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES butler_projects(id),
	team_id INTEGER REFERENCES butler_teams(id),
	contact_name TEXT NOT NULL,         -- butler named on the notice
	contact_phone TEXT NOT NULL,
	issued_by INTEGER REFERENCES users(id),
	issued_at INTEGER NOT NULL,
	prints INTEGER NOT NULL DEFAULT 0,
	recipient TEXT NOT NULL DEFAULT '', -- who received it
	method TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'in_person', 'mail', 'electronic')),
	delivered_at INTEGER,
	delivery_note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX butler_notices_project ON butler_notices(project_id);

-- The procedures a notice lists (snapshot at issue).
CREATE TABLE butler_notice_items (
	notice_id INTEGER NOT NULL REFERENCES butler_notices(id),
	procedure_id INTEGER NOT NULL REFERENCES butler_procedures(id),
	code TEXT NOT NULL,
	item TEXT NOT NULL,
	PRIMARY KEY (notice_id, procedure_id)
) STRICT;

-- A site visit (实地帮包).
CREATE TABLE butler_visits (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES butler_projects(id),
	team_id INTEGER REFERENCES butler_teams(id),
	visited_on TEXT NOT NULL,           -- YYYY-MM-DD
	staff TEXT NOT NULL,                -- butlers who went (一行3人)
	people_met TEXT NOT NULL,           -- enterprise people met
	notes TEXT NOT NULL,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX butler_visits_project ON butler_visits(project_id);

-- A question an enterprise raised: answered on the spot, or handed to a
-- department with a deadline in working days and followed to its answer.
CREATE TABLE butler_questions (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES butler_projects(id),
	team_id INTEGER REFERENCES butler_teams(id), -- the project's team when raised
	visit_id INTEGER REFERENCES butler_visits(id),
	raised_at INTEGER NOT NULL,
	asker TEXT NOT NULL,
	content TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('handed_over', 'answered')),
	department TEXT NOT NULL DEFAULT '', -- handed to
	handed_at INTEGER,
	due_at INTEGER,                     -- 24:00 of the N-th working day after handed_at
	estimated_due INTEGER NOT NULL DEFAULT 0,
	answer TEXT NOT NULL DEFAULT '',
	answered_on_site INTEGER NOT NULL DEFAULT 0,
	answered_at INTEGER,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX butler_questions_project ON butler_questions(project_id);
CREATE INDEX butler_questions_answered ON butler_questions(answered_at);
