-- Core tables shared by all three systems: organisations, users, sessions,
-- login throttling, the audit chain, idempotent replies and calendar years.
-- Times are UTC seconds (INTEGER). Kept to SQL that PostgreSQL also speaks,
-- except STRICT, which a PostgreSQL migration set simply leaves out.

-- An organisation: the city federation, a district federation, later hotline
-- departments and butler teams. code is the GB/T 2260 division code for
-- federations.
CREATE TABLE orgs (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,        -- stable code, e.g. 370402
	name TEXT NOT NULL,               -- 枣庄市市中区慈善总会
	level TEXT NOT NULL CHECK (level IN ('city', 'district')),
	parent_id INTEGER REFERENCES orgs(id)
) STRICT;

-- A person who signs in. role is one of the codes in src/core/perm.c.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	role TEXT NOT NULL,
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	pw_hash TEXT NOT NULL,            -- argon2id encoded string (libsodium)
	disabled INTEGER NOT NULL DEFAULT 0,
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	pw_changed_at INTEGER NOT NULL
) STRICT;

-- A signed-in browser. Only a hash of the cookie token is kept, so a copy
-- of the database does not let anyone sign in.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,      -- hex BLAKE2b-256 of the cookie token
	user_id INTEGER NOT NULL REFERENCES users(id),
	csrf TEXT NOT NULL,               -- token the client echoes in X-CSRF-Token
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins per user name, for throttling guessing.
CREATE TABLE login_failures (
	username TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,        -- consecutive failures in the window
	window_start INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The audit trail: append-only, each row chained to the one before by
-- hash = BLAKE2b-256(prev_hash, fields). Digests, not values, of the record
-- before and after, so the trail itself holds no personal data.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor_id INTEGER,                 -- NULL for the system itself
	action TEXT NOT NULL,             -- e.g. application.approve
	entity TEXT NOT NULL,             -- e.g. application
	entity_id INTEGER NOT NULL,
	old_digest TEXT NOT NULL,         -- hex BLAKE2b of the old JSON, '' if none
	new_digest TEXT NOT NULL,         -- hex BLAKE2b of the new JSON, '' if none
	detail TEXT NOT NULL,             -- short non-sensitive note (JSON)
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- Replies remembered for requests sent with an Idempotency-Key, so that a
-- client retry gets the first answer instead of a second write.
CREATE TABLE idempotency (
	user_id INTEGER NOT NULL,
	key TEXT NOT NULL,
	request_hash TEXT NOT NULL,       -- method, path and body digest
	status INTEGER NOT NULL,
	body TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
) STRICT;

-- Holiday calendars loaded by administrators after the State Council's
-- notice; they override the data files built into the binary.
CREATE TABLE calendar_years (
	year INTEGER PRIMARY KEY,
	data TEXT NOT NULL,               -- the data/calendar file format
	loaded_at INTEGER NOT NULL,
	loaded_by INTEGER REFERENCES users(id)
) STRICT;
