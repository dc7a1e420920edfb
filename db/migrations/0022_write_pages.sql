-- Fewer pages written per application write (bench/results/notes.md,
-- "Durable writes"). Every index entry an INSERT or a status change touches
-- is one more 4 KB page in the WAL and in its fsync: on this disk a page
-- costs about 40 µs of a durable commit, and a submit wrote 21 of them, a
-- payment 33.
--
-- applications_emergency_status (emergency, status) is the prefix of
-- applications_emergency_payment_due; applications_due (decision_due) is
-- read by no query (each one that asks for decision_due also names the
-- status, and has applications_status_due).
DROP INDEX applications_emergency_status;
DROP INDEX applications_due;

-- The overdue view reads decisions due among applications waiting for one,
-- and payments due among emergencies not yet paid (src/fund/fund_db.c, the
-- filter "overdue" and OVERDUE_IDS_SCOPE). Only those applications are in
-- these indexes now, so submitting, paying, rejecting and most steps no
-- longer move an entry in them. The WHERE of each index is written as the
-- queries write it: SQLite uses a partial index only when the query's terms
-- match. applications_emergency_payment_due stays whole: the list filtered
-- by emergency (a bound value) counts and pages with it.
DROP INDEX applications_status_due;
CREATE INDEX applications_status_due ON applications(status, decision_due)
	WHERE status IN ('accepted', 'reviewed');
DROP INDEX applications_org_status_due;
CREATE INDEX applications_org_status_due ON applications(org_id, status, decision_due)
	WHERE status IN ('accepted', 'reviewed');
DROP INDEX applications_org_emergency_payment_due;
CREATE INDEX applications_org_emergency_payment_due ON applications(org_id, emergency, status, payment_due)
	WHERE emergency = 1 AND status IN ('accepted', 'reviewed', 'approved');

-- The aid asked for and the services of an application are read and written
-- by application: keyed by (application_id, …) without a rowid, each is one
-- b-tree instead of a table and its key index (one page per write, not two).
CREATE TABLE application_aid_new (
	application_id INTEGER NOT NULL REFERENCES applications(id),
	kind TEXT NOT NULL,
	requested INTEGER NOT NULL CHECK (requested >= 0),   -- fen
	approved INTEGER CHECK (approved >= 0),              -- fen, NULL until approved
	PRIMARY KEY (application_id, kind)
) STRICT, WITHOUT ROWID;
INSERT INTO application_aid_new (application_id, kind, requested, approved)
	SELECT application_id, kind, requested, approved FROM application_aid;
DROP TABLE application_aid;
ALTER TABLE application_aid_new RENAME TO application_aid;

CREATE TABLE application_services_new (
	application_id INTEGER NOT NULL REFERENCES applications(id),
	service TEXT NOT NULL,
	PRIMARY KEY (application_id, service)
) STRICT, WITHOUT ROWID;
INSERT INTO application_services_new (application_id, service)
	SELECT application_id, service FROM application_services;
DROP TABLE application_services;
ALTER TABLE application_services_new RENAME TO application_services;
