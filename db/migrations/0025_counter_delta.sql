-- The counters' triggers for a changed application (0018, 0024) as one:
-- the old keys were taken away by a BEFORE trigger and the new ones added by
-- an AFTER trigger, each reading the view application_count_keys for the
-- row (seven lookups of it), so a payment moved every key of the
-- application down and up again, its categories included. Three quarters
-- of the UPDATE a payment makes went to them (50-81 us of 70-100 at 10k;
-- bench/results/notes.md, session 6). This trigger writes the keys from
-- old.* and new.* themselves, minus for the old and plus for the new; the
-- keys of a category are left out when the child and the district stay (and
-- those of a status with a category, when the status stays too), where the
-- two would cancel. A key in both lists gets -1 and +1, which is right.
--
-- The keys are those of the view, written twice more here; the view stays
-- the definition the insert and delete triggers, the seeds and `huimin
-- verify` use, and tests/unit/test_store.c changes applications at random
-- and has verify compare the counters with it after every step.
DROP TRIGGER application_counts_update_old;
DROP TRIGGER application_counts_update_new;
CREATE TRIGGER application_counts_update AFTER UPDATE
	OF child_id, org_id, status, decided_at, decision_due, emergency, paid_at, payment_due ON applications BEGIN
	INSERT INTO application_counts (org_id, kind, code, n)
	SELECT org_id, kind, code, d FROM (
		SELECT old.org_id AS org_id, 'status' AS kind, old.status AS code, -1 AS d
		UNION ALL SELECT old.org_id, 'decided', 'total', -1 WHERE old.decided_at IS NOT NULL
		UNION ALL SELECT old.org_id, 'decided', 'on_time', -1
			WHERE old.decided_at IS NOT NULL AND old.decided_at <= old.decision_due
		UNION ALL SELECT old.org_id, 'emergency_paid', 'total', -1
			WHERE old.decided_at IS NOT NULL AND old.emergency = 1 AND old.paid_at IS NOT NULL
		UNION ALL SELECT old.org_id, 'emergency_paid', 'on_time', -1
			WHERE old.decided_at IS NOT NULL AND old.emergency = 1 AND old.paid_at IS NOT NULL
			AND old.paid_at <= old.payment_due
		UNION ALL SELECT old.org_id, 'category', k.category, -1 FROM child_categories k
			WHERE k.child_id = old.child_id AND (old.child_id IS NOT new.child_id OR old.org_id IS NOT new.org_id)
		UNION ALL SELECT old.org_id, 'status_category', old.status || ' ' || k.category, -1 FROM child_categories k
			WHERE k.child_id = old.child_id AND (old.child_id IS NOT new.child_id OR old.org_id IS NOT new.org_id OR old.status IS NOT new.status)
		UNION ALL SELECT new.org_id AS org_id, 'status' AS kind, new.status AS code, 1 AS d
		UNION ALL SELECT new.org_id, 'decided', 'total', 1 WHERE new.decided_at IS NOT NULL
		UNION ALL SELECT new.org_id, 'decided', 'on_time', 1
			WHERE new.decided_at IS NOT NULL AND new.decided_at <= new.decision_due
		UNION ALL SELECT new.org_id, 'emergency_paid', 'total', 1
			WHERE new.decided_at IS NOT NULL AND new.emergency = 1 AND new.paid_at IS NOT NULL
		UNION ALL SELECT new.org_id, 'emergency_paid', 'on_time', 1
			WHERE new.decided_at IS NOT NULL AND new.emergency = 1 AND new.paid_at IS NOT NULL
			AND new.paid_at <= new.payment_due
		UNION ALL SELECT new.org_id, 'category', k.category, 1 FROM child_categories k
			WHERE k.child_id = new.child_id AND (old.child_id IS NOT new.child_id OR old.org_id IS NOT new.org_id)
		UNION ALL SELECT new.org_id, 'status_category', new.status || ' ' || k.category, 1 FROM child_categories k
			WHERE k.child_id = new.child_id AND (old.child_id IS NOT new.child_id OR old.org_id IS NOT new.org_id OR old.status IS NOT new.status))
	WHERE true
	ON CONFLICT (org_id, kind, code) DO UPDATE SET n = n + excluded.n;
END;
