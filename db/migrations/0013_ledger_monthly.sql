-- Money by month, kept by ledger_post in the same transaction as the
-- postings it adds up: the dashboard's twelve months read twelve small
-- groups of rows instead of every posting of the year (at a million
-- children, ten million postings: bench/results/notes.md). `huimin verify`
-- checks it against the postings.
CREATE TABLE ledger_monthly (
	month TEXT NOT NULL,              -- YYYY-MM of the entry, Beijing time
	account_id INTEGER NOT NULL REFERENCES accounts(id),
	org_id INTEGER NOT NULL,          -- district of the entry, 0 for none
	amount INTEGER NOT NULL,          -- fen: sum of the postings
	PRIMARY KEY (month, account_id, org_id)
) STRICT;

INSERT INTO ledger_monthly (month, account_id, org_id, amount)
	SELECT strftime('%Y-%m', j.at + 28800, 'unixepoch'), p.account_id, coalesce(j.org_id, 0), sum(p.amount)
	FROM postings p JOIN journal_entries j ON j.id = p.entry_id GROUP BY 1, 2, 3;

-- The overdue view (on every dashboard): decisions past due and unpaid
-- emergencies, found by range instead of row by row.
CREATE INDEX applications_status_due ON applications(status, decision_due);
CREATE INDEX applications_emergency_payment_due ON applications(emergency, status, payment_due);
