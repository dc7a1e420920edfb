-- Indexes for the application list's filters now that its WHERE names only
-- the filters given (src/fund/fund_db.c): by status, and by emergency and
-- status for the overdue view; each entry also carries the row id, so the
-- newest-first order comes from the index.
CREATE INDEX applications_status ON applications(status);
CREATE INDEX applications_emergency_status ON applications(emergency, status);
