-- The citizen hotline (枣庄市民热线, 《政风行风热线》《市长上线》, DOMAIN.md §2):
-- appeals (诉求) from every channel, their dispatch to a 承办单位, the
-- department's work and reply, the hotline's callback, extensions, disputed
-- dispatches, supervision notices (督办单), repeats, live programmes and
-- missed calls. The category catalogue and the departments are data
-- (data/hotline_catalog.tsv, data/hotline_departments.tsv), referred to here
-- by their stable codes and ids. Times are UTC seconds.

-- A scheduled live programme, e.g. 《政风行风热线》 special 《市长上线》.
CREATE TABLE hotline_programmes (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL,                 -- 《政风行风热线》·《市长上线》
	starts_at INTEGER NOT NULL,          -- on air from
	ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
	guests TEXT NOT NULL,                -- leaders and departments in the studio
	note TEXT NOT NULL,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;

-- The catalogue codes a programme takes calls about (first or second level).
CREATE TABLE hotline_programme_scope (
	programme_id INTEGER NOT NULL REFERENCES hotline_programmes(id),
	category TEXT NOT NULL,
	PRIMARY KEY (programme_id, category)
) STRICT;

-- One appeal (诉求) as taken by the hotline.
CREATE TABLE hotline_appeals (
	id INTEGER PRIMARY KEY,
	channel TEXT NOT NULL CHECK (channel IN ('phone', 'wechat', 'web', 'programme')),
	line TEXT NOT NULL,                  -- the hotline number called (phone), '' otherwise
	programme_id INTEGER REFERENCES hotline_programmes(id), -- taken on air
	kind TEXT NOT NULL CHECK (kind IN ('consultation', 'request', 'complaint', 'report', 'suggestion', 'praise')),
	anonymous INTEGER NOT NULL,          -- 1: the caller gave no name
	caller_name TEXT NOT NULL,           -- '' when anonymous
	caller_phone TEXT NOT NULL,          -- personal data: read and written only through hotline_db.c's phone functions
	place TEXT NOT NULL,                 -- where the matter is
	content TEXT NOT NULL,               -- what the caller asks
	category TEXT NOT NULL,              -- catalogue code
	catalog_version INTEGER NOT NULL,    -- catalogue version the category was chosen under
	emergency INTEGER NOT NULL,          -- same-day handling, clocks in hours
	status TEXT NOT NULL CHECK (status IN ('registered', 'dispatched', 'signed', 'return_requested', 'replied',
		'rework', 'closed', 'merged')),
	answer TEXT NOT NULL DEFAULT '',     -- consultation answered at intake
	department_id INTEGER,               -- current 承办单位 (data id), NULL before dispatch
	dispatched_at INTEGER,               -- current dispatch
	sign_due INTEGER,                    -- 签收 deadline of the current dispatch
	signed_at INTEGER,
	due INTEGER,                         -- the deadline that applies now (dispatch for a registered emergency, else reply)
	due_in_hours INTEGER NOT NULL DEFAULT 0, -- 1: due runs on the clock (emergency), not in working days
	estimated_due INTEGER NOT NULL DEFAULT 0, -- 1: due rests on a year without holiday data
	extended_workdays INTEGER NOT NULL DEFAULT 0, -- total handling period after an approved extension, 0 = none
	reply TEXT NOT NULL DEFAULT '',      -- the department's latest reply
	replied_at INTEGER,
	replied_on_time INTEGER,             -- latest reply before its due (for the on-time rate)
	return_count INTEGER NOT NULL DEFAULT 0,  -- 退单 bounces
	rework_count INTEGER NOT NULL DEFAULT 0,  -- 重办 rounds (at most one)
	satisfaction TEXT NOT NULL DEFAULT '' CHECK (satisfaction IN ('', 'satisfied', 'basically', 'unsatisfied')),
	main_id INTEGER REFERENCES hotline_appeals(id), -- merged into this appeal (国办函〔2025〕66号)
	closed_at INTEGER,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX hotline_appeals_status ON hotline_appeals(status, due);
CREATE INDEX hotline_appeals_phone ON hotline_appeals(caller_phone, category, created_at);
CREATE INDEX hotline_appeals_programme ON hotline_appeals(programme_id);
CREATE INDEX hotline_appeals_created ON hotline_appeals(created_at);

-- Every dispatch of an appeal to a department; active = the one that holds it.
-- A department clerk's every read joins this with their membership.
CREATE TABLE hotline_dispatches (
	id INTEGER PRIMARY KEY,
	appeal_id INTEGER NOT NULL REFERENCES hotline_appeals(id),
	department_id INTEGER NOT NULL,      -- data/hotline_departments.tsv id
	dispatched_at INTEGER NOT NULL,
	dispatched_by INTEGER REFERENCES users(id),
	active INTEGER NOT NULL,             -- 1 for the current dispatch, 0 once re-dispatched
	return_reason TEXT NOT NULL DEFAULT '', -- 退单 reason given by the department
	returned_at INTEGER,
	review TEXT NOT NULL DEFAULT '' CHECK (review IN ('', 'redispatch', 'insist')), -- hotline office's ruling
	review_note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX hotline_dispatches_appeal ON hotline_dispatches(appeal_id, active);
CREATE INDEX hotline_dispatches_dept ON hotline_dispatches(department_id, active);

-- Which users (role dept_clerk) work for which department.
CREATE TABLE hotline_department_members (
	user_id INTEGER NOT NULL REFERENCES users(id),
	department_id INTEGER NOT NULL,
	added_by INTEGER REFERENCES users(id),
	added_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, department_id)
) STRICT;
CREATE INDEX hotline_department_members_dept ON hotline_department_members(department_id);

-- The timeline of an appeal: every step, who, when, and why.
CREATE TABLE hotline_appeal_events (
	id INTEGER PRIMARY KEY,
	appeal_id INTEGER NOT NULL REFERENCES hotline_appeals(id),
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id),
	action TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status TEXT NOT NULL,
	department_id INTEGER,               -- department concerned, if any
	note TEXT NOT NULL
) STRICT;
CREATE INDEX hotline_appeal_events_appeal ON hotline_appeal_events(appeal_id);

-- Extension requests (延期): total handling period asked for, the office's decision.
CREATE TABLE hotline_extensions (
	id INTEGER PRIMARY KEY,
	appeal_id INTEGER NOT NULL REFERENCES hotline_appeals(id),
	department_id INTEGER NOT NULL,
	workdays INTEGER NOT NULL,           -- total working days from dispatch asked for
	reason TEXT NOT NULL,
	requested_by INTEGER REFERENCES users(id),
	requested_at INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
	decided_by INTEGER REFERENCES users(id),
	decided_at INTEGER,
	decision_note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX hotline_extensions_appeal ON hotline_extensions(appeal_id);

-- Supervision notices (督办单) and the department's answer to each.
CREATE TABLE hotline_supervisions (
	id INTEGER PRIMARY KEY,
	appeal_id INTEGER NOT NULL REFERENCES hotline_appeals(id),
	department_id INTEGER NOT NULL,
	reason TEXT NOT NULL CHECK (reason IN ('overdue', 'unsatisfied')),
	note TEXT NOT NULL,                  -- what the office demands
	issued_by INTEGER REFERENCES users(id),
	issued_at INTEGER NOT NULL,
	response TEXT NOT NULL DEFAULT '',
	responded_by INTEGER REFERENCES users(id),
	responded_at INTEGER
) STRICT;
CREATE INDEX hotline_supervisions_appeal ON hotline_supervisions(appeal_id);

-- Calls that rang out unanswered (未接来电), to be called back.
CREATE TABLE hotline_missed_calls (
	id INTEGER PRIMARY KEY,
	line TEXT NOT NULL,                  -- hotline number that was called
	caller_phone TEXT NOT NULL,          -- personal data, same rule as hotline_appeals.caller_phone
	missed_at INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('open', 'reached', 'unreachable')),
	appeal_id INTEGER REFERENCES hotline_appeals(id), -- appeal registered on the call-back
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX hotline_missed_calls_status ON hotline_missed_calls(status, missed_at);

-- Callback attempts (回访) on appeals, and call-backs of missed calls.
CREATE TABLE hotline_callbacks (
	id INTEGER PRIMARY KEY,
	appeal_id INTEGER REFERENCES hotline_appeals(id),
	missed_call_id INTEGER REFERENCES hotline_missed_calls(id),
	at INTEGER NOT NULL,
	by_id INTEGER REFERENCES users(id),
	result TEXT NOT NULL CHECK (result IN ('reached', 'no_answer', 'busy', 'unreachable')),
	satisfaction TEXT NOT NULL CHECK (satisfaction IN ('', 'satisfied', 'basically', 'unsatisfied')),
	note TEXT NOT NULL,
	CHECK ((appeal_id IS NULL) <> (missed_call_id IS NULL))
) STRICT;
CREATE INDEX hotline_callbacks_appeal ON hotline_callbacks(appeal_id);
CREATE INDEX hotline_callbacks_missed ON hotline_callbacks(missed_call_id);
