-- A running balance per account, kept by ledger_post in the same
-- transaction as the postings it sums. Payments check the bank balance
-- before paying; summing every bank posting each time took seconds at a
-- year of a million children (bench/results/notes.md). `huimin verify`
-- checks every balance against the sum of its postings.
CREATE TABLE account_balances (
	account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
	balance INTEGER NOT NULL          -- fen: sum of the account's postings
) STRICT;

INSERT INTO account_balances (account_id, balance)
	SELECT a.id, coalesce((SELECT sum(p.amount) FROM postings p WHERE p.account_id = a.id), 0) FROM accounts a;
