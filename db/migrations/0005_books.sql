-- The books (issue 3, item 6): the service-expense accounts that complete
-- the chart of accounts, and bank statement imports whose lines are matched
-- to donations and payments so that finance can reconcile the bank account.
-- Nothing here refers to the donations table (0004): a line's donation_id is
-- a plain integer, so this migration applies with or without it.

-- Non-cash services (DOMAIN.md §1: 心理关爱、法律援助、家庭教育) cost money
-- when a provider is paid; each kind gets its own expense account so that
-- the income and expenditure statement shows them apart from cash aid.
INSERT INTO accounts (code, name, type) VALUES
	('5201', '服务支出-心理关爱', 'expense'),
	('5202', '服务支出-法律援助', 'expense'),
	('5203', '服务支出-家庭教育', 'expense');

-- One uploaded bank statement (CSV). The same file twice is refused by the
-- digest of its normalised text.
CREATE TABLE bank_imports (
	id INTEGER PRIMARY KEY,
	content_hash TEXT NOT NULL UNIQUE,  -- hex BLAKE2b-256 of the text (BOM dropped, CRLF → LF)
	filename TEXT NOT NULL,             -- as the user named it, '' if not given
	line_count INTEGER NOT NULL,        -- transaction lines (header not counted)
	matched_count INTEGER NOT NULL,     -- lines matched to a donation or a payment
	total_in INTEGER NOT NULL,          -- fen, sum of 收入金额
	total_out INTEGER NOT NULL,         -- fen, sum of 支出金额
	first_date TEXT NOT NULL,           -- YYYY-MM-DD, earliest 交易日期
	last_date TEXT NOT NULL,            -- YYYY-MM-DD, latest 交易日期
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL         -- UTC seconds
) STRICT;

-- One transaction line of a statement and what it was matched to.
CREATE TABLE bank_lines (
	id INTEGER PRIMARY KEY,
	import_id INTEGER NOT NULL REFERENCES bank_imports(id),
	line_no INTEGER NOT NULL,           -- line in the file (the header is line 1)
	txn_date TEXT NOT NULL,             -- 交易日期, YYYY-MM-DD
	summary TEXT NOT NULL,              -- 摘要
	amount_in INTEGER NOT NULL CHECK (amount_in >= 0),    -- 收入金额, fen
	amount_out INTEGER NOT NULL CHECK (amount_out >= 0),  -- 支出金额, fen
	counterparty TEXT NOT NULL,         -- 对方户名
	ref TEXT NOT NULL,                  -- 交易流水号/参考号, '' if none
	match_kind TEXT NOT NULL CHECK (match_kind IN ('', 'donation', 'payment')), -- '' = unmatched
	donation_id INTEGER,                -- donations.id when match_kind = 'donation'
	entry_id INTEGER REFERENCES journal_entries(id), -- the matched journal entry
	UNIQUE (import_id, line_no),
	CHECK ((amount_in > 0) <> (amount_out > 0))
) STRICT;
CREATE INDEX bank_lines_import ON bank_lines(import_id);
CREATE INDEX bank_lines_kind ON bank_lines(match_kind);
-- A donation or a payment is reconciled against one bank line at most.
CREATE UNIQUE INDEX bank_lines_donation ON bank_lines(donation_id) WHERE donation_id IS NOT NULL;
CREATE UNIQUE INDEX bank_lines_entry ON bank_lines(entry_id) WHERE entry_id IS NOT NULL;
