/* The journal and its checks. */
#include "core/ledger.h"

#include <stdio.h>
#include <string.h>

#include "core/hmtime.h"
#include "core/money.h"

bool ledger_balanced(const ledger_line *lines, size_t n)
{
	if (n < 2)
		return false;
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		if (lines[i].amount == 0 || !money_add(sum, lines[i].amount, &sum))
			return false;
	return sum == 0;
}

hm_err ledger_balance(hm_db *db, const char *account, int64_t *balance, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT coalesce((SELECT b.balance FROM account_balances b JOIN accounts a ON a.id = b.account_id"
			      " WHERE a.code = $1), 0)",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, account);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*balance = db_col_int(st, 0);
	return HM_OK;
}

hm_err ledger_post(hm_db *db, int64_t at, const char *memo, const char *source, int64_t source_id,
		   int64_t org_id, int64_t user_id, const ledger_line *lines, size_t n, int64_t *entry_id,
		   hm_error *e)
{
	if (!ledger_balanced(lines, n))
		return hm_fail(e, HM_E_LEDGER_UNBALANCED, NULL);
	int64_t bank_change = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(lines[i].account, LEDGER_BANK) == 0 && !money_add(bank_change, lines[i].amount, &bank_change))
			return hm_fail(e, HM_E_LEDGER_UNBALANCED, NULL);
		/* check every account before writing anything, so a refused entry
		 * leaves no half behind even if the caller commits */
		hm_stmt *acc = db_stmt(db, "SELECT id FROM accounts WHERE code = $1", e);
		if (!acc)
			return e->err;
		db_bind_text(acc, 1, lines[i].account);
		hm_err aerr = db_row(acc, HM_E_LEDGER_ACCOUNT, NULL, e);
		if (aerr == HM_E_LEDGER_ACCOUNT)
			return hm_failf(e, HM_E_LEDGER_ACCOUNT, NULL, "会计科目 %s 不存在", lines[i].account);
		if (aerr)
			return aerr;
	}
	if (bank_change < 0) {
		int64_t bank;
		hm_err err = ledger_balance(db, LEDGER_BANK, &bank, e);
		if (err)
			return err;
		if (bank < -bank_change)
			return hm_failf(e, HM_E_LEDGER_FUNDS, NULL, "基金余额不足：可用 %lld.%02lld 元，需支付 %lld.%02lld 元",
					(long long)(bank / 100), (long long)(bank % 100),
					(long long)(-bank_change / 100), (long long)(-bank_change % 100));
	}
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO journal_entries (at, memo, source, source_id, org_id, created_by, created_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, at);
	db_bind_text(st, 2, memo);
	db_bind_text(st, 3, source);
	db_bind_int(st, 4, source_id);
	if (org_id)
		db_bind_int(st, 5, org_id);
	else
		db_bind_null(st, 5);
	if (user_id)
		db_bind_int(st, 6, user_id);
	else
		db_bind_null(st, 6);
	db_bind_int(st, 7, at);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	int64_t id = db_last_id(db);
	/* the month the dashboard files the entry under, in Beijing time */
	char month[16];
	int y, m, d;
	hm_day_ymd(hm_day_of(at), &y, &m, &d);
	snprintf(month, sizeof month, "%04d-%02d", y % 10000, m % 100);
	for (size_t i = 0; i < n; i++) {
		st = db_stmt(db,
			     "INSERT INTO postings (entry_id, account_id, amount)"
			     " SELECT $1, id, $2 FROM accounts WHERE code = $3",
			     e);
		if (!st)
			return e->err;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, lines[i].amount);
		db_bind_text(st, 3, lines[i].account);
		if ((err = db_exec_stmt(st, e)))
			return err;
		if (db_changes(db) != 1)
			return hm_failf(e, HM_E_LEDGER_ACCOUNT, NULL, "会计科目 %s 不存在", lines[i].account);
		/* the running balance moves with its postings, in this transaction */
		st = db_stmt(db,
			     "INSERT INTO account_balances (account_id, balance) SELECT id, $1 FROM accounts WHERE code = $2"
			     " ON CONFLICT (account_id) DO UPDATE SET balance = account_balances.balance + excluded.balance",
			     e);
		if (!st)
			return e->err;
		db_bind_int(st, 1, lines[i].amount);
		db_bind_text(st, 2, lines[i].account);
		if ((err = db_exec_stmt(st, e)))
			return err;
		st = db_stmt(db,
			     "INSERT INTO ledger_monthly (month, account_id, org_id, amount) SELECT $1, id, $2, $3 FROM accounts"
			     " WHERE code = $4 ON CONFLICT (month, account_id, org_id)"
			     " DO UPDATE SET amount = ledger_monthly.amount + excluded.amount",
			     e);
		if (!st)
			return e->err;
		db_bind_text(st, 1, month);
		db_bind_int(st, 2, org_id);
		db_bind_int(st, 3, lines[i].amount);
		db_bind_text(st, 4, lines[i].account);
		if ((err = db_exec_stmt(st, e)))
			return err;
	}
	if (entry_id)
		*entry_id = id;
	return HM_OK;
}

hm_err ledger_verify(hm_db *db, int64_t *entries, int64_t *bad_entry, hm_error *e)
{
	*entries = 0;
	*bad_entry = 0;
	hm_stmt *st = db_stmt(db,
			      "SELECT j.id, count(p.id), coalesce(sum(p.amount), 0),"
			      " coalesce(sum(CASE WHEN a.code = '1001' THEN p.amount ELSE 0 END), 0)"
			      " FROM journal_entries j LEFT JOIN postings p ON p.entry_id = j.id"
			      " LEFT JOIN accounts a ON a.id = p.account_id GROUP BY j.id ORDER BY j.id",
			      e);
	if (!st)
		return e->err;
	int64_t bank = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		(*entries)++;
		if (db_col_int(st, 1) < 2 || db_col_int(st, 2) != 0) {
			*bad_entry = id;
			return hm_failf(e, HM_E_LEDGER_UNBALANCED, NULL, "记账分录 #%lld 借贷不平衡", (long long)id);
		}
		bank += db_col_int(st, 3);
		if (bank < 0) {
			*bad_entry = id;
			return hm_failf(e, HM_E_LEDGER_FUNDS, NULL, "记账分录 #%lld 之后银行存款为负", (long long)id);
		}
	}
	if (rc != DB_DONE)
		return db_error(db, e);
	/* the running balances must equal what their postings add up to */
	st = db_stmt(db,
		     "SELECT a.code, coalesce(b.balance, 0), coalesce((SELECT sum(p.amount) FROM postings p WHERE p.account_id = a.id), 0)"
		     " FROM accounts a LEFT JOIN account_balances b ON b.account_id = a.id ORDER BY a.code",
		     e);
	if (!st)
		return e->err;
	while ((rc = db_step(st)) == DB_ROW)
		if (db_col_int(st, 1) != db_col_int(st, 2))
			return hm_failf(e, HM_E_LEDGER_UNBALANCED, NULL, "科目 %s 的余额 %lld 与其分录合计 %lld 不符", db_col_text(st, 0),
					(long long)db_col_int(st, 1), (long long)db_col_int(st, 2));
	if (rc != DB_DONE)
		return db_error(db, e);
	/* and so must the monthly sums, group by group, both ways */
	st = db_stmt(db,
		     "SELECT month FROM (SELECT month, account_id, org_id, amount FROM ledger_monthly WHERE amount <> 0"
		     " EXCEPT SELECT strftime('%Y-%m', j.at + 28800, 'unixepoch'), p.account_id, coalesce(j.org_id, 0), sum(p.amount)"
		     " FROM postings p JOIN journal_entries j ON j.id = p.entry_id GROUP BY 1, 2, 3)"
		     " UNION ALL SELECT month FROM (SELECT strftime('%Y-%m', j.at + 28800, 'unixepoch') AS month, p.account_id,"
		     " coalesce(j.org_id, 0), sum(p.amount) AS amount FROM postings p JOIN journal_entries j ON j.id = p.entry_id"
		     " GROUP BY 1, 2, 3 HAVING sum(p.amount) <> 0"
		     " EXCEPT SELECT month, account_id, org_id, amount FROM ledger_monthly) LIMIT 1",
		     e);
	if (!st)
		return e->err;
	rc = db_step(st);
	if (rc == DB_ROW)
		return hm_failf(e, HM_E_LEDGER_UNBALANCED, NULL, "%s 月的分月合计与分录不符", db_col_text(st, 0));
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
