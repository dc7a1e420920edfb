-- Double-entry books. A journal entry has postings that sum to zero:
-- amount > 0 is a debit, amount < 0 a credit, in fen.

-- Chart of accounts.
CREATE TABLE accounts (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,        -- 1001 bank, 41xx income, 51xx aid expense
	name TEXT NOT NULL,
	type TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense'))
) STRICT;

-- One business event in the books.
CREATE TABLE journal_entries (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,              -- when it happened
	memo TEXT NOT NULL,
	source TEXT NOT NULL,             -- opening, payment, donation, refund …
	source_id INTEGER,                -- the record that caused it
	org_id INTEGER REFERENCES orgs(id), -- district it belongs to, for reports
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX journal_source ON journal_entries(source, source_id);

-- The lines of an entry.
CREATE TABLE postings (
	id INTEGER PRIMARY KEY,
	entry_id INTEGER NOT NULL REFERENCES journal_entries(id),
	account_id INTEGER NOT NULL REFERENCES accounts(id),
	amount INTEGER NOT NULL CHECK (amount <> 0)
) STRICT;
CREATE INDEX postings_entry ON postings(entry_id);
CREATE INDEX postings_account ON postings(account_id);

INSERT INTO accounts (code, name, type) VALUES
	('1001', '银行存款', 'asset'),
	('4101', '捐赠收入-起始注资（政府及社会各界）', 'income'),
	('4102', '捐赠收入-社会捐赠', 'income'),
	('5101', '帮扶支出-生活帮扶', 'expense'),
	('5102', '帮扶支出-重大疾病帮扶', 'expense'),
	('5103', '帮扶支出-教育帮扶', 'expense'),
	('5104', '帮扶支出-康复帮扶', 'expense');
