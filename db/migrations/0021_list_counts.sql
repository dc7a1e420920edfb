-- The application list's total for a status with a category (with or
-- without a district) as a counter, like the single filters of 0018: at a
-- million children that count read every application of the status and
-- probed child_categories for each (2–3 s and more; bench/results/notes.md
-- "Filtered list at 1M"). A new kind of key, status_category, whose code is
-- "<status> <category>" (neither code holds a space), is added to the one
-- definition of what an application counts towards; the triggers on
-- applications read that view and so keep it with no change, `huimin
-- verify` compares it with the rest, and the triggers on child_categories
-- below move it when a child's categories change.

DROP VIEW application_count_keys;
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
		JOIN child_categories k ON k.child_id = a.child_id
	UNION ALL SELECT a.id, a.org_id, 'status_category', a.status || ' ' || k.category FROM applications a
		JOIN child_categories k ON k.child_id = a.child_id;

INSERT INTO application_counts (org_id, kind, code, n)
	SELECT a.org_id, 'status_category', a.status || ' ' || k.category, count(*)
	FROM applications a JOIN child_categories k ON k.child_id = a.child_id GROUP BY 1, 3;

-- A child's categories change: each of the child's applications moves
-- with them, under its own status.
CREATE TRIGGER application_counts_status_category_insert AFTER INSERT ON child_categories BEGIN
	INSERT INTO application_counts (org_id, kind, code, n)
		SELECT org_id, 'status_category', status || ' ' || new.category, count(*) FROM applications
		WHERE child_id = new.child_id GROUP BY org_id, status
		ON CONFLICT (org_id, kind, code) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER application_counts_status_category_delete AFTER DELETE ON child_categories BEGIN
	UPDATE application_counts SET n = n - (SELECT count(*) FROM applications a
						WHERE a.child_id = old.child_id AND a.org_id = application_counts.org_id
						AND a.status || ' ' || old.category = application_counts.code)
		WHERE kind = 'status_category'
		AND (org_id, code) IN (SELECT org_id, status || ' ' || old.category FROM applications
					WHERE child_id = old.child_id);
END;
CREATE TRIGGER application_counts_status_category_update AFTER UPDATE ON child_categories BEGIN
	UPDATE application_counts SET n = n - (SELECT count(*) FROM applications a
						WHERE a.child_id = old.child_id AND a.org_id = application_counts.org_id
						AND a.status || ' ' || old.category = application_counts.code)
		WHERE kind = 'status_category'
		AND (org_id, code) IN (SELECT org_id, status || ' ' || old.category FROM applications
					WHERE child_id = old.child_id);
	INSERT INTO application_counts (org_id, kind, code, n)
		SELECT org_id, 'status_category', status || ' ' || new.category, count(*) FROM applications
		WHERE child_id = new.child_id GROUP BY org_id, status
		ON CONFLICT (org_id, kind, code) DO UPDATE SET n = n + excluded.n;
END;

-- The list's page, newest first, as one index range for every combination
-- of district and status, each entry carrying the child so that the
-- category test (a probe of child_categories) needs no read of the row.
-- Without them a district's page sorted the whole district (509k rows for
-- 滕州) and a status with a rare category read a row per application.
-- applications(status) is the prefix of the first and goes.
CREATE INDEX applications_status_id_child ON applications(status, id, child_id);
CREATE INDEX applications_org_status_id_child ON applications(org_id, status, id, child_id);
CREATE INDEX applications_org_id_child ON applications(org_id, id, child_id);
DROP INDEX applications_status;
