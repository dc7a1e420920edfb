-- Indexes for the appeal list and the dashboard at a million appeals
-- (src/hotline/hotline_db.c, hotline_db_list). The list now writes only the
-- filters given, each as a plain condition, so these ranges are used; before,
-- every count scanned the table (bench/results/hotline-search-2026-11-29.md).

-- Today's warnings: open statuses × a range of due. due_in_hours tells a
-- working-day clock from an hour clock, so the yellow count reads the index
-- alone. It replaces hotline_appeals_status (status, due), its prefix.
DROP INDEX hotline_appeals_status;
CREATE INDEX hotline_appeals_open_due ON hotline_appeals(status, due, due_in_hours);

-- One status, newest first: the rowid order within a status serves
-- ORDER BY id DESC LIMIT without sorting every appeal of that status.
CREATE INDEX hotline_appeals_status_id ON hotline_appeals(status);

-- One lead department (承办单位), newest first.
CREATE INDEX hotline_appeals_department ON hotline_appeals(department_id);

-- One district, newest first; hotline_appeals_district (district, created_at)
-- keeps serving a district within a period.
CREATE INDEX hotline_appeals_district_id ON hotline_appeals(district);

-- A clerk's scope as a set: the appeals actively dispatched to a department,
-- read from the index alone. It replaces hotline_dispatches_dept
-- (department_id, active), its prefix.
DROP INDEX hotline_dispatches_dept;
CREATE INDEX hotline_dispatches_scope ON hotline_dispatches(department_id, active, appeal_id);
