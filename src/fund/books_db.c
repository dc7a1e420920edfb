/* The books' SQL. Statements are read from postings every time — no
 * stored totals that could drift from the journal. The books are kept by
 * city finance, so the reads here take an explicit district filter rather
 * than the caller's scope (books.c applies the scope). */
#include "fund/books_db.h"

#include <stdio.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

hm_err books_db_account_sums(hm_db *db, int64_t t0, int64_t t1, int64_t org_id, books_row *rows, int max, int *n,
			     int64_t *entries, hm_error *e)
{
	/* the district condition sits inside the join, so that every account
	 * keeps its row (with zeros) whatever the filter */
	hm_stmt *st = db_stmt(db,
			      "SELECT a.code, a.name, a.type,"
			      " coalesce(sum(CASE WHEN j.at < $1 THEN p.amount END), 0),"
			      " coalesce(sum(CASE WHEN j.at >= $1 AND j.at < $2 AND p.amount > 0 THEN p.amount END), 0),"
			      " coalesce(sum(CASE WHEN j.at >= $1 AND j.at < $2 AND p.amount < 0 THEN -p.amount END), 0)"
			      " FROM accounts a LEFT JOIN (postings p JOIN journal_entries j ON j.id = p.entry_id"
			      " AND ($3 = 0 OR j.org_id = $3)) ON p.account_id = a.id"
			      " GROUP BY a.id, a.code, a.name, a.type ORDER BY a.code",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, t0);
	db_bind_int(st, 2, t1);
	db_bind_int(st, 3, org_id);
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n >= max)
			return hm_failf(e, HM_E_INTERNAL, NULL, "会计科目超过 %d 个", max);
		books_row *r = &rows[(*n)++];
		memset(r, 0, sizeof *r);
		COPY(r->code, db_col_text(st, 0));
		COPY(r->name, db_col_text(st, 1));
		COPY(r->type, db_col_text(st, 2));
		r->opening = db_col_int(st, 3);
		r->debit = db_col_int(st, 4);
		r->credit = db_col_int(st, 5);
	}
	if (rc != DB_DONE)
		return db_error(db, e);
	st = db_stmt(db, "SELECT count(*) FROM journal_entries WHERE at >= $1 AND at < $2 AND ($3 = 0 OR org_id = $3)", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, t0);
	db_bind_int(st, 2, t1);
	db_bind_int(st, 3, org_id);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*entries = db_col_int(st, 0);
	return HM_OK;
}

hm_err books_db_district_sums(hm_db *db, int64_t t0, int64_t t1, int64_t org_id, const char *account,
			      books_district *out, int max, int *n, hm_error *e)
{
	hm_stmt *st = db_stmt(
		db,
		"SELECT coalesce(o.code, ''), coalesce(o.name, ''),"
		" coalesce(sum(CASE WHEN a.type = 'income' AND $1 = '' THEN -p.amount END), 0),"
		" coalesce(sum(CASE WHEN a.type = 'expense' AND ($1 = '' OR a.code = $1) THEN p.amount END), 0)"
		" FROM journal_entries j JOIN postings p ON p.entry_id = j.id JOIN accounts a ON a.id = p.account_id"
		" LEFT JOIN orgs o ON o.id = j.org_id"
		" WHERE j.at >= $2 AND j.at < $3 AND ($4 = 0 OR j.org_id = $4)"
		" GROUP BY o.code, o.name ORDER BY o.code",
		e);
	if (!st)
		return e->err;
	/* placeholders are numbered in order of first appearance */
	db_bind_text(st, 1, account ? account : "");
	db_bind_int(st, 2, t0);
	db_bind_int(st, 3, t1);
	db_bind_int(st, 4, org_id);
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n >= max)
			break;
		books_district *d = &out[(*n)++];
		COPY(d->code, db_col_text(st, 0));
		COPY(d->name, db_col_text(st, 1)[0] ? db_col_text(st, 1) : "市级（未分区）");
		d->income = db_col_int(st, 2);
		d->expense = db_col_int(st, 3);
	}
	return rc == DB_DONE || rc == DB_ROW ? HM_OK : db_error(db, e);
}

hm_err books_db_district_id(hm_db *db, const char *code, int64_t *id, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT id FROM orgs WHERE code = $1 AND level = 'district'", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, code);
	hm_err err = db_row(st, HM_E_BOOKS_DISTRICT, "district", e);
	if (!err)
		*id = db_col_int(st, 0);
	return err;
}

hm_err books_db_postings(hm_db *db, books_db_posting_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT j.id, j.at, j.memo, j.source, coalesce(o.code, ''), a.code, p.amount"
			      " FROM journal_entries j JOIN postings p ON p.entry_id = j.id"
			      " JOIN accounts a ON a.id = p.account_id LEFT JOIN orgs o ON o.id = j.org_id"
			      " ORDER BY j.at, j.id, p.id",
			      e);
	if (!st)
		return e->err;
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		visit(db_col_int(st, 0), db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
		      db_col_text(st, 5), db_col_int(st, 6), arg);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err books_db_accounts(hm_db *db, books_db_account_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT code, type, name FROM accounts ORDER BY code", e);
	if (!st)
		return e->err;
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		visit(db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), arg);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err books_db_has_table(hm_db *db, const char *name, bool *exists, hm_error *e)
{
	/* SQLite's catalogue; a PostgreSQL store would ask information_schema */
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, name);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*exists = db_col_int(st, 0) > 0;
	return HM_OK;
}

/* ---- bank statements ----------------------------------------------------- */

hm_err books_db_import_hash_exists(hm_db *db, const char *hash, bool *exists, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM bank_imports WHERE content_hash = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, hash);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*exists = db_col_int(st, 0) > 0;
	return HM_OK;
}

hm_err books_db_import_insert(hm_db *db, books_import *imp, int64_t user_id, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO bank_imports (content_hash, filename, line_count, matched_count, total_in,"
			      " total_out, first_date, last_date, created_by, created_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, imp->hash);
	db_bind_text(st, 2, imp->filename);
	db_bind_int(st, 3, imp->line_count);
	db_bind_int(st, 4, imp->matched_count);
	db_bind_int(st, 5, imp->total_in);
	db_bind_int(st, 6, imp->total_out);
	db_bind_text(st, 7, imp->first_date);
	db_bind_text(st, 8, imp->last_date);
	if (user_id)
		db_bind_int(st, 9, user_id);
	else
		db_bind_null(st, 9);
	db_bind_int(st, 10, imp->created_at);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_BANK_DUPLICATE, "csv");
	if (rc != DB_DONE)
		return db_error(db, e);
	imp->id = db_last_id(db);
	return HM_OK;
}

hm_err books_db_import_counts(hm_db *db, const books_import *imp, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "UPDATE bank_imports SET matched_count = $1 WHERE id = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, imp->matched_count);
	db_bind_int(st, 2, imp->id);
	return db_exec_stmt(st, e);
}

hm_err books_db_line_insert(hm_db *db, int64_t import_id, const books_bank_line *l, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO bank_lines (import_id, line_no, txn_date, summary, amount_in, amount_out,"
			      " counterparty, ref, match_kind, donation_id, entry_id)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, import_id);
	db_bind_int(st, 2, l->line_no);
	db_bind_text(st, 3, l->date);
	db_bind_text(st, 4, l->summary);
	db_bind_int(st, 5, l->amount_in);
	db_bind_int(st, 6, l->amount_out);
	db_bind_text(st, 7, l->counterparty);
	db_bind_text(st, 8, l->ref);
	db_bind_text(st, 9, l->match_kind);
	if (l->donation_id)
		db_bind_int(st, 10, l->donation_id);
	else
		db_bind_null(st, 10);
	if (l->entry_id)
		db_bind_int(st, 11, l->entry_id);
	else
		db_bind_null(st, 11);
	return db_exec_stmt(st, e);
}

hm_err books_db_match_donation(hm_db *db, const char *ref, int64_t amount, int64_t *donation_id, int64_t *entry_id,
			       hm_error *e)
{
	*donation_id = *entry_id = 0;
	/* prepared only when the table exists (books.c checks): a statement on a
	 * missing table cannot be prepared at all */
	hm_stmt *st = db_stmt(db,
			      "SELECT d.id, coalesce(d.entry_id, 0) FROM donations d"
			      " WHERE d.bank_ref = $1 AND d.bank_ref <> '' AND d.amount = $2 AND d.status = 'active'"
			      " AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.donation_id = d.id)"
			      " AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.entry_id = d.entry_id)"
			      " ORDER BY d.id LIMIT 1",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, ref);
	db_bind_int(st, 2, amount);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*donation_id = db_col_int(st, 0);
		*entry_id = db_col_int(st, 1);
		return HM_OK;
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err books_db_match_payment(hm_db *db, const char *ref, int64_t amount, int64_t *entry_id, hm_error *e)
{
	*entry_id = 0;
	/* the reference must be a whole word of the memo ("帮扶资金发放
	 * FA-370402-2026000001"), so "FA-370402-202600000" matches nothing;
	 * instr, not LIKE, so that % and _ in a reference are plain characters */
	hm_stmt *st = db_stmt(db,
			      "SELECT j.id FROM journal_entries j JOIN postings p ON p.entry_id = j.id"
			      " JOIN accounts a ON a.id = p.account_id"
			      " WHERE j.source = 'payment' AND a.code = '1001' AND p.amount = -$1"
			      " AND instr(' ' || j.memo || ' ', ' ' || $2 || ' ') > 0"
			      " AND NOT EXISTS (SELECT 1 FROM bank_lines b WHERE b.entry_id = j.id)"
			      " ORDER BY j.id LIMIT 1",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, amount);
	db_bind_text(st, 2, ref);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*entry_id = db_col_int(st, 0);
		return HM_OK;
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

#define IMPORT_COLS                                                                                         \
	"i.id, i.content_hash, i.filename, i.line_count, i.matched_count, i.total_in, i.total_out, i.first_date," \
	" i.last_date, i.created_at, coalesce(u.display_name, '')"

static void import_row(hm_stmt *st, books_import *imp)
{
	memset(imp, 0, sizeof *imp);
	imp->id = db_col_int(st, 0);
	COPY(imp->hash, db_col_text(st, 1));
	COPY(imp->filename, db_col_text(st, 2));
	imp->line_count = db_col_int(st, 3);
	imp->matched_count = db_col_int(st, 4);
	imp->total_in = db_col_int(st, 5);
	imp->total_out = db_col_int(st, 6);
	COPY(imp->first_date, db_col_text(st, 7));
	COPY(imp->last_date, db_col_text(st, 8));
	imp->created_at = db_col_int(st, 9);
	COPY(imp->created_by, db_col_text(st, 10));
}

hm_err books_db_import_list(hm_db *db, int page, int size, books_import_visit visit, void *arg, int64_t *total,
			    hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM bank_imports", e);
	if (!st)
		return e->err;
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db,
		     "SELECT " IMPORT_COLS " FROM bank_imports i LEFT JOIN users u ON u.id = i.created_by"
		     " ORDER BY i.id DESC LIMIT $1 OFFSET $2",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, size);
	db_bind_int(st, 2, (int64_t)(page - 1) * size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		books_import imp;
		import_row(st, &imp);
		visit(&imp, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err books_db_import_get(hm_db *db, int64_t id, books_import *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT " IMPORT_COLS " FROM bank_imports i LEFT JOIN users u ON u.id = i.created_by"
			      " WHERE i.id = $1",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	hm_err err = db_row(st, HM_E_BANK_NOT_FOUND, "id", e);
	if (!err)
		import_row(st, out);
	return err;
}

hm_err books_db_lines(hm_db *db, int64_t import_id, bool unmatched_only, books_line_visit visit, void *arg,
		      hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT import_id, line_no, txn_date, summary, amount_in, amount_out, counterparty, ref,"
			      " match_kind, coalesce(donation_id, 0), coalesce(entry_id, 0) FROM bank_lines"
			      " WHERE ($1 = 0 OR import_id = $1) AND ($2 = 0 OR match_kind = '')"
			      " ORDER BY import_id, line_no",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, import_id);
	db_bind_int(st, 2, unmatched_only);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		books_bank_line l;
		memset(&l, 0, sizeof l);
		l.line_no = (int)db_col_int(st, 1);
		COPY(l.date, db_col_text(st, 2));
		COPY(l.summary, db_col_text(st, 3));
		l.amount_in = db_col_int(st, 4);
		l.amount_out = db_col_int(st, 5);
		COPY(l.counterparty, db_col_text(st, 6));
		COPY(l.ref, db_col_text(st, 7));
		COPY(l.match_kind, db_col_text(st, 8));
		l.donation_id = db_col_int(st, 9);
		l.entry_id = db_col_int(st, 10);
		visit(&l, db_col_int(st, 0), arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- disclosure ---------------------------------------------------------- */

hm_err books_db_donation_totals(hm_db *db, const char *d0, const char *d1, int64_t *count, int64_t *total,
				hm_error *e)
{
	/* only active donations: a reversed one (冲销) was never received */
	hm_stmt *st = db_stmt(db,
			      "SELECT count(*), coalesce(sum(amount), 0) FROM donations"
			      " WHERE status = 'active' AND received_on >= $1 AND received_on <= $2",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, d0);
	db_bind_text(st, 2, d1);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*count = db_col_int(st, 0);
	*total = db_col_int(st, 1);
	return HM_OK;
}

hm_err books_db_children_paid(hm_db *db, int64_t t0, int64_t t1, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT count(DISTINCT child_id) FROM applications"
			      " WHERE status = 'paid' AND paid_at >= $1 AND paid_at < $2",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, t0);
	db_bind_int(st, 2, t1);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	return HM_OK;
}

hm_err books_db_children_by_category(hm_db *db, int64_t t0, int64_t t1, books_cell *cells, int n, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT k.category, count(DISTINCT a.child_id) FROM applications a"
			      " JOIN child_categories k ON k.child_id = a.child_id"
			      " WHERE a.status = 'paid' AND a.paid_at >= $1 AND a.paid_at < $2 GROUP BY k.category",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, t0);
	db_bind_int(st, 2, t1);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		for (int i = 0; i < n; i++)
			if (strcmp(cells[i].code, db_col_text(st, 0)) == 0)
				cells[i].value = db_col_int(st, 1);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err books_db_children_by_district(hm_db *db, int64_t t0, int64_t t1, books_cell *cells, int max, int *n,
				     hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT o.code, o.name, count(DISTINCT a.child_id) FROM orgs o"
			      " LEFT JOIN applications a ON a.org_id = o.id AND a.status = 'paid'"
			      " AND a.paid_at >= $1 AND a.paid_at < $2"
			      " WHERE o.level = 'district' GROUP BY o.id, o.code, o.name ORDER BY o.code",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, t0);
	db_bind_int(st, 2, t1);
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n >= max)
			continue;
		books_cell *c = &cells[(*n)++];
		memset(c, 0, sizeof *c);
		COPY(c->code, db_col_text(st, 0));
		COPY(c->name, db_col_text(st, 1));
		c->value = db_col_int(st, 2);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
