-- The dashboard's application figures (by status, district and category,
-- decided on time, emergencies paid on time) kept as counters, so that it
-- reads a few hundred rows instead of every application (at a million
-- children the counts took seconds: bench/results/notes.md).
--
-- One definition of what an application counts towards, the view
-- application_count_keys, serves three purposes: the seed below, the
-- triggers that keep the counters in the same transaction as every write
-- to applications and child_categories (whatever code path makes it), and
-- `huimin verify`, which compares the counters with the view recomputed.
-- A later migration that rebuilds applications or child_categories drops
-- their triggers with them and must create them again (verify would notice).

-- Every key an application adds one to: its status; decided, and decided
-- within its due time; emergencies paid, and paid within 24 hours (both of
-- decided applications only, as the dashboard has always counted them);
-- each category of its child.
CREATE VIEW application_count_keys (app_id, org_id, kind, code) AS
	SELECT id, org_id, 'status', status FROM applications
	UNION ALL SELECT id, org_id, 'decided', 'total' FROM applications WHERE decided_at IS NOT NULL
	UNION ALL SELECT id, org_id, 'decided', 'on_time' FROM applications
		WHERE decided_at IS NOT NULL AND decided_at <= decision_due
	UNION ALL SELECT id, org_id, 'emergency_paid', 'total' FROM applications
		WHERE decided_at IS NOT NULL AND emergency = 1 AND paid_at IS NOT NULL
	UNION ALL SELECT id, org_id, 'emergency_paid', 'on_time' FROM applications
		WHERE decided_at IS NOT NULL AND emergency = 1 AND paid_at IS NOT NULL AND paid_at <= payment_due
	UNION ALL SELECT a.id, a.org_id, 'category', k.category FROM applications a
		JOIN child_categories k ON k.child_id = a.child_id;

-- The counters: applications of a district (org_id) per key. A row may
-- fall to 0 and stay; readers skip those.
CREATE TABLE application_counts (
	org_id INTEGER NOT NULL,          -- the application's district (orgs.id)
	kind TEXT NOT NULL,               -- status | decided | emergency_paid | category
	code TEXT NOT NULL,               -- the status or category code; total | on_time
	n INTEGER NOT NULL,               -- applications counted under this key
	PRIMARY KEY (org_id, kind, code)
) STRICT, WITHOUT ROWID;

INSERT INTO application_counts (org_id, kind, code, n)
	SELECT org_id, kind, code, count(*) FROM application_count_keys GROUP BY 1, 2, 3;

-- A new application counts once it is in the table.
CREATE TRIGGER application_counts_insert AFTER INSERT ON applications BEGIN
	INSERT INTO application_counts (org_id, kind, code, n)
		SELECT org_id, kind, code, 1 FROM application_count_keys WHERE app_id = new.id
		ON CONFLICT (org_id, kind, code) DO UPDATE SET n = n + 1;
END;

-- A change of any column the keys depend on: the old keys are taken away
-- before the row changes, the new ones added after.
CREATE TRIGGER application_counts_update_old BEFORE UPDATE
	OF child_id, org_id, status, decided_at, decision_due, emergency, paid_at, payment_due ON applications BEGIN
	UPDATE application_counts SET n = n - 1
		WHERE (org_id, kind, code) IN (SELECT org_id, kind, code FROM application_count_keys WHERE app_id = old.id);
END;
CREATE TRIGGER application_counts_update_new AFTER UPDATE
	OF child_id, org_id, status, decided_at, decision_due, emergency, paid_at, payment_due ON applications BEGIN
	INSERT INTO application_counts (org_id, kind, code, n)
		SELECT org_id, kind, code, 1 FROM application_count_keys WHERE app_id = new.id
		ON CONFLICT (org_id, kind, code) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER application_counts_delete BEFORE DELETE ON applications BEGIN
	UPDATE application_counts SET n = n - 1
		WHERE (org_id, kind, code) IN (SELECT org_id, kind, code FROM application_count_keys WHERE app_id = old.id);
END;

-- A child's categories change (fund_db saves them as delete + insert):
-- each of the child's applications moves with them.
CREATE TRIGGER application_counts_category_insert AFTER INSERT ON child_categories BEGIN
	INSERT INTO application_counts (org_id, kind, code, n)
		SELECT org_id, 'category', new.category, count(*) FROM applications WHERE child_id = new.child_id
		GROUP BY org_id
		ON CONFLICT (org_id, kind, code) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER application_counts_category_delete AFTER DELETE ON child_categories BEGIN
	UPDATE application_counts SET n = n - (SELECT count(*) FROM applications a
						WHERE a.child_id = old.child_id AND a.org_id = application_counts.org_id)
		WHERE kind = 'category' AND code = old.category
		AND org_id IN (SELECT org_id FROM applications WHERE child_id = old.child_id);
END;
CREATE TRIGGER application_counts_category_update AFTER UPDATE ON child_categories BEGIN
	UPDATE application_counts SET n = n - (SELECT count(*) FROM applications a
						WHERE a.child_id = old.child_id AND a.org_id = application_counts.org_id)
		WHERE kind = 'category' AND code = old.category
		AND org_id IN (SELECT org_id FROM applications WHERE child_id = old.child_id);
	INSERT INTO application_counts (org_id, kind, code, n)
		SELECT org_id, 'category', new.category, count(*) FROM applications WHERE child_id = new.child_id
		GROUP BY org_id
		ON CONFLICT (org_id, kind, code) DO UPDATE SET n = n + excluded.n;
END;

-- The overdue view within a district (the dashboard of a district user):
-- the two kinds of lateness as index ranges of that district, read as a
-- union (src/fund/fund_db.c). The first index also serves what
-- applications_org_status did (its prefix), which goes.
CREATE INDEX applications_org_status_due ON applications(org_id, status, decision_due);
CREATE INDEX applications_org_emergency_payment_due ON applications(org_id, emergency, status, payment_due);
DROP INDEX applications_org_status;
