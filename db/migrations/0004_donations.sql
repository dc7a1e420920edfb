-- Donations to the children's care fund, their receipts (公益事业捐赠票据)
-- and their acknowledgment. Nothing here is ever deleted: a mistaken
-- donation is reversed by an opposite journal entry, a mistaken receipt is
-- voided (its number stays) and reissued under the next number.

-- Donation income by source, so that the books and the disclosure reports
-- can say who gave. 4102 (社会捐赠) stays for entries booked before these.
INSERT INTO accounts (code, name, type) VALUES
	('4103', '捐赠收入-个人', 'income'),
	('4104', '捐赠收入-企业', 'income'),
	('4105', '捐赠收入-匿名', 'income');

-- A donor. Contact data is personal: replies mask the phone, the public
-- honour roll never shows it, and the audit trail keeps only digests.
CREATE TABLE donors (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('individual', 'enterprise', 'anonymous')),
	name TEXT NOT NULL,                 -- person or enterprise; may be '' for anonymous
	uscc TEXT NOT NULL,                 -- 统一社会信用代码 (GB 32100-2015), enterprises only, else ''
	contact_name TEXT NOT NULL,         -- enterprises: the person to talk to
	phone TEXT NOT NULL,
	address TEXT NOT NULL,
	publish_name INTEGER NOT NULL CHECK (publish_name IN (0, 1)),     -- consents to the name on the honour roll
	publish_amount INTEGER NOT NULL CHECK (publish_amount IN (0, 1)), -- consents to the amount on the honour roll
	note TEXT NOT NULL,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK (kind = 'enterprise' OR uscc = ''),
	CHECK (kind <> 'anonymous' OR publish_name = 0)
) STRICT;
-- an enterprise is registered once
CREATE UNIQUE INDEX donors_uscc ON donors(uscc) WHERE uscc <> '';

-- A gift of money received into the fund's bank account.
CREATE TABLE donations (
	id INTEGER PRIMARY KEY,
	donor_id INTEGER NOT NULL REFERENCES donors(id),
	amount INTEGER NOT NULL CHECK (amount > 0),  -- fen
	received_on TEXT NOT NULL,          -- YYYY-MM-DD (Beijing), the day the money arrived
	channel TEXT NOT NULL CHECK (channel IN ('bank_transfer', 'wechat_pay', 'alipay', 'cash', 'cheque')),
	bank_ref TEXT NOT NULL,             -- bank/payment reference (流水号, cheque number); '' for cash
	purpose TEXT NOT NULL,              -- always this fund: restricted gifts stay restricted (慈善法第五十四条)
	note TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('active', 'reversed')),
	entry_id INTEGER REFERENCES journal_entries(id),  -- debit bank, credit income; set in the same transaction as the insert
	reversal_entry_id INTEGER REFERENCES journal_entries(id),  -- the opposite entry (冲销)
	reversal_reason TEXT NOT NULL DEFAULT '',
	reversed_at INTEGER,
	reversed_by INTEGER REFERENCES users(id),
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX donations_donor ON donations(donor_id);
CREATE INDEX donations_received ON donations(received_on);
-- the same bank reference twice is a likely double entry; a reversed
-- donation frees its reference so the corrected one can be booked
CREATE UNIQUE INDEX donations_bank_ref ON donations(bank_ref) WHERE bank_ref <> '' AND status = 'active';

-- A donation receipt (公益事业捐赠票据, 财综〔2024〕1号). Payer and amount
-- are copied at issue: a receipt is a document and does not change when
-- the donor's record does.
CREATE TABLE receipts (
	id INTEGER PRIMARY KEY,
	year INTEGER NOT NULL,              -- numbering year (Beijing date of issue)
	seq INTEGER NOT NULL CHECK (seq > 0), -- 1, 2, 3 … within the year, no gaps
	code TEXT NOT NULL,                 -- 票据代码 at issue (data/donation.tsv)
	check_code TEXT NOT NULL,           -- 校验码 (keyed digest, see donation.c)
	donation_id INTEGER NOT NULL REFERENCES donations(id),
	payer_name TEXT NOT NULL,           -- donor's name, or 匿名
	payer_uscc TEXT NOT NULL,           -- enterprises' 统一社会信用代码, else ''
	amount INTEGER NOT NULL CHECK (amount > 0),
	issued_on TEXT NOT NULL,            -- 开票日期 YYYY-MM-DD
	handler_name TEXT NOT NULL,         -- 经办人: display name of the issuing user
	remarks TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('valid', 'void')),
	void_reason TEXT NOT NULL DEFAULT '',
	voided_at INTEGER,
	voided_by INTEGER REFERENCES users(id),
	replaces_id INTEGER REFERENCES receipts(id), -- reissue (重开) of this void receipt
	issued_by INTEGER REFERENCES users(id),
	issued_at INTEGER NOT NULL,
	UNIQUE (year, seq)
) STRICT;
-- at most one valid receipt per donation
CREATE UNIQUE INDEX receipts_valid_donation ON receipts(donation_id) WHERE status = 'valid';
CREATE INDEX receipts_donation ON receipts(donation_id);

-- Every print of a receipt; the second and later are reprints (补打).
CREATE TABLE receipt_prints (
	id INTEGER PRIMARY KEY,
	receipt_id INTEGER NOT NULL REFERENCES receipts(id),
	n INTEGER NOT NULL,                 -- 1 = first print
	at INTEGER NOT NULL,
	user_id INTEGER REFERENCES users(id),
	UNIQUE (receipt_id, n)
) STRICT;

-- The key of the receipts' check codes (校验码): 32 random bytes made once
-- per database, so that a check code cannot be computed without it.
CREATE TABLE receipt_key (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	key_hex TEXT NOT NULL
) STRICT;
INSERT INTO receipt_key (id, key_hex) VALUES (1, lower(hex(randomblob(32))));
