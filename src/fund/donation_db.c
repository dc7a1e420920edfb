/* The donations' SQL: donors, donations, receipts and their prints. There
 * is no district scope: donations are the city federation's. */
#include "fund/donation_db.h"

#include <stdio.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* ---- donors ------------------------------------------------------------- */

hm_err donation_db_donor_insert(hm_db *db, int64_t user_id, int64_t now, donation_donor *d, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO donors (kind, name, uscc, contact_name, phone, address, publish_name,"
			      " publish_amount, note, created_by, created_at, updated_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, d->kind);
	db_bind_text(st, 2, d->name);
	db_bind_text(st, 3, d->uscc);
	db_bind_text(st, 4, d->contact_name);
	hm_err serr = db_bind_sealed(st, 5, d->phone, e);
	if (serr)
		return serr;
	db_bind_text(st, 6, d->address);
	db_bind_int(st, 7, d->publish_name);
	db_bind_int(st, 8, d->publish_amount);
	db_bind_text(st, 9, d->note);
	db_bind_int(st, 10, user_id);
	db_bind_int(st, 11, now);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_DONOR_USCC_DUP, "uscc");
	if (rc != DB_DONE)
		return db_error(db, e);
	d->id = db_last_id(db);
	return HM_OK;
}

hm_err donation_db_donor_update(hm_db *db, int64_t now, const donation_donor *d, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE donors SET contact_name = $1, phone = $2, address = $3, publish_name = $4,"
			      " publish_amount = $5, note = $6, updated_at = $7 WHERE id = $8",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, d->contact_name);
	hm_err serr = db_bind_sealed(st, 2, d->phone, e);
	if (serr)
		return serr;
	db_bind_text(st, 3, d->address);
	db_bind_int(st, 4, d->publish_name);
	db_bind_int(st, 5, d->publish_amount);
	db_bind_text(st, 6, d->note);
	db_bind_int(st, 7, now);
	db_bind_int(st, 8, d->id);
	return db_exec_stmt(st, e);
}

#define DONOR_COLS                                                                                              \
	"o.id, o.kind, o.name, o.uscc, o.contact_name, o.phone, o.address, o.publish_name, o.publish_amount,"    \
	" o.note, o.created_at, o.updated_at,"                                                                    \
	" (SELECT coalesce(sum(amount), 0) FROM donations x WHERE x.donor_id = o.id AND x.status = 'active'),"     \
	" (SELECT count(*) FROM donations x WHERE x.donor_id = o.id AND x.status = 'active')"

static void donor_row(hm_stmt *st, donation_donor *d)
{
	memset(d, 0, sizeof *d);
	d->id = db_col_int(st, 0);
	COPY(d->kind, db_col_text(st, 1));
	COPY(d->name, db_col_text(st, 2));
	COPY(d->uscc, db_col_text(st, 3));
	COPY(d->contact_name, db_col_text(st, 4));
	db_col_open(st, 5, d->phone, sizeof d->phone);
	COPY(d->address, db_col_text(st, 6));
	d->publish_name = db_col_int(st, 7);
	d->publish_amount = db_col_int(st, 8);
	COPY(d->note, db_col_text(st, 9));
	d->created_at = db_col_int(st, 10);
	d->updated_at = db_col_int(st, 11);
	d->total = db_col_int(st, 12);
	d->count = db_col_int(st, 13);
}

hm_err donation_db_donor_get(hm_db *db, int64_t id, donation_donor *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " DONOR_COLS " FROM donors o WHERE o.id = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	hm_err err = db_row(st, HM_E_DONOR_NOT_FOUND, "id", e);
	if (!err)
		donor_row(st, out);
	return err;
}

#define DONOR_FILTER " FROM donors o WHERE ($1 = '' OR o.name LIKE '%' || $1 || '%') AND ($2 = '' OR o.kind = $2)"

hm_err donation_db_donor_list(hm_db *db, const donation_donor_filter *f, donation_donor_visit visit, void *arg,
			      int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" DONOR_FILTER, e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, f->q);
	db_bind_text(st, 2, f->kind);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db, "SELECT " DONOR_COLS DONOR_FILTER " ORDER BY o.id DESC LIMIT $3 OFFSET $4", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, f->q);
	db_bind_text(st, 2, f->kind);
	db_bind_int(st, 3, f->page_size);
	db_bind_int(st, 4, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		donation_donor d;
		donor_row(st, &d);
		visit(&d, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- donations ---------------------------------------------------------- */

hm_err donation_db_ref_taken(hm_db *db, const char *ref, bool *taken, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM donations WHERE bank_ref = $1 AND status = 'active'", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, ref);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*taken = db_col_int(st, 0) > 0;
	return HM_OK;
}

hm_err donation_db_insert(hm_db *db, int64_t user_id, int64_t now, donation *d, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO donations (donor_id, amount, received_on, channel, bank_ref, purpose, note,"
			      " status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, d->donor_id);
	db_bind_int(st, 2, d->amount);
	db_bind_text(st, 3, d->received_on);
	db_bind_text(st, 4, d->channel);
	db_bind_text(st, 5, d->bank_ref);
	db_bind_text(st, 6, d->purpose);
	db_bind_text(st, 7, d->note);
	db_bind_int(st, 8, user_id);
	db_bind_int(st, 9, now);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_DONATION_DUP_REF, "bank_ref");
	if (rc != DB_DONE)
		return db_error(db, e);
	d->id = db_last_id(db);
	return HM_OK;
}

hm_err donation_db_set_entry(hm_db *db, int64_t id, int64_t entry_id, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "UPDATE donations SET entry_id = $1 WHERE id = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, entry_id);
	db_bind_int(st, 2, id);
	return db_exec_stmt(st, e);
}

#define DONATION_COLS                                                                                          \
	"d.id, d.donor_id, o.kind, o.name, d.amount, d.received_on, d.channel, d.bank_ref, d.purpose, d.note,"  \
	" d.status, coalesce(d.entry_id, 0), coalesce(d.reversal_entry_id, 0), d.reversal_reason,"              \
	" coalesce(d.reversed_at, 0), d.created_at, coalesce(r.id, 0), coalesce(r.year, 0), coalesce(r.seq, 0)"
#define DONATION_FROM                                                                                           \
	" FROM donations d JOIN donors o ON o.id = d.donor_id"                                                   \
	" LEFT JOIN receipts r ON r.donation_id = d.id AND r.status = 'valid'"

static void donation_row(hm_stmt *st, donation *d)
{
	memset(d, 0, sizeof *d);
	d->id = db_col_int(st, 0);
	d->donor_id = db_col_int(st, 1);
	COPY(d->donor_kind, db_col_text(st, 2));
	COPY(d->donor_name, db_col_text(st, 3));
	d->amount = db_col_int(st, 4);
	COPY(d->received_on, db_col_text(st, 5));
	COPY(d->channel, db_col_text(st, 6));
	COPY(d->bank_ref, db_col_text(st, 7));
	COPY(d->purpose, db_col_text(st, 8));
	COPY(d->note, db_col_text(st, 9));
	COPY(d->status, db_col_text(st, 10));
	d->entry_id = db_col_int(st, 11);
	d->reversal_entry_id = db_col_int(st, 12);
	COPY(d->reversal_reason, db_col_text(st, 13));
	d->reversed_at = db_col_int(st, 14);
	d->created_at = db_col_int(st, 15);
	d->receipt_id = db_col_int(st, 16);
	if (d->receipt_id)
		donation_receipt_no_format((int)db_col_int(st, 17), db_col_int(st, 18), d->receipt_no,
					   sizeof d->receipt_no);
}

hm_err donation_db_get(hm_db *db, int64_t id, donation *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " DONATION_COLS DONATION_FROM " WHERE d.id = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	hm_err err = db_row(st, HM_E_DONATION_NOT_FOUND, "id", e);
	if (!err)
		donation_row(st, out);
	return err;
}

hm_err donation_db_mark_reversed(hm_db *db, int64_t id, int64_t entry_id, const char *reason, int64_t now,
				 int64_t user_id, hm_error *e)
{
	/* status = 'active' in the WHERE makes a concurrent second reversal
	 * change nothing, which the caller sees as zero rows */
	hm_stmt *st = db_stmt(db,
			      "UPDATE donations SET status = 'reversed', reversal_entry_id = $1, reversal_reason = $2,"
			      " reversed_at = $3, reversed_by = $4 WHERE id = $5 AND status = 'active'",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, entry_id);
	db_bind_text(st, 2, reason);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, user_id);
	db_bind_int(st, 5, id);
	hm_err err = db_exec_stmt(st, e);
	if (!err && db_changes(db) != 1)
		return hm_fail(e, HM_E_DONATION_REVERSED, NULL);
	return err;
}

#define DONATION_FILTER                                                                                         \
	" WHERE ($1 = 0 OR d.donor_id = $1) AND ($2 = '' OR d.channel = $2) AND ($3 = '' OR d.status = $3)"       \
	" AND ($4 = '' OR d.received_on >= $4) AND ($5 = '' OR d.received_on <= $5)"

static void bind_donation_filter(hm_stmt *st, const donation_filter *f)
{
	db_bind_int(st, 1, f->donor_id);
	db_bind_text(st, 2, f->channel);
	db_bind_text(st, 3, f->status);
	db_bind_text(st, 4, f->from);
	db_bind_text(st, 5, f->to);
}

hm_err donation_db_list(hm_db *db, const donation_filter *f, donation_visit visit, void *arg, int64_t *total,
			hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM donations d" DONATION_FILTER, e);
	if (!st)
		return e->err;
	bind_donation_filter(st, f);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db,
		     "SELECT " DONATION_COLS DONATION_FROM DONATION_FILTER
		     " ORDER BY d.received_on DESC, d.id DESC LIMIT $6 OFFSET $7",
		     e);
	if (!st)
		return e->err;
	bind_donation_filter(st, f);
	db_bind_int(st, 6, f->page_size);
	db_bind_int(st, 7, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		donation d;
		donation_row(st, &d);
		visit(&d, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- receipts ------------------------------------------------------------ */

hm_err donation_db_receipt_next_seq(hm_db *db, int year, int64_t *seq, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT coalesce(max(seq), 0) + 1 FROM receipts WHERE year = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, year);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*seq = db_col_int(st, 0);
	return HM_OK;
}

hm_err donation_db_receipt_insert(hm_db *db, int64_t user_id, int64_t now, donation_receipt *r, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO receipts (year, seq, code, check_code, donation_id, payer_name, payer_uscc, amount,"
			      " issued_on, handler_name, remarks, status, replaces_id, issued_by, issued_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'valid', $12, $13, $14)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, r->year);
	db_bind_int(st, 2, r->seq);
	db_bind_text(st, 3, r->code);
	db_bind_text(st, 4, r->check_code);
	db_bind_int(st, 5, r->donation_id);
	db_bind_text(st, 6, r->payer_name);
	db_bind_text(st, 7, r->payer_uscc);
	db_bind_int(st, 8, r->amount);
	db_bind_text(st, 9, r->issued_on);
	db_bind_text(st, 10, r->handler_name);
	db_bind_text(st, 11, r->remarks);
	if (r->replaces_id)
		db_bind_int(st, 12, r->replaces_id);
	else
		db_bind_null(st, 12);
	db_bind_int(st, 13, user_id);
	db_bind_int(st, 14, now);
	int rc = db_step(st);
	/* the only constraints a checked insert can meet: a valid receipt
	 * for the donation already (unique index), or a number taken */
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_RECEIPT_EXISTS, NULL);
	if (rc != DB_DONE)
		return db_error(db, e);
	r->id = db_last_id(db);
	return HM_OK;
}

#define RECEIPT_COLS                                                                                           \
	"r.id, r.year, r.seq, r.code, r.check_code, r.donation_id, d.donor_id, o.kind, r.payer_name, r.payer_uscc," \
	" r.amount, d.received_on, r.issued_on, r.handler_name, r.remarks, r.status, r.void_reason,"              \
	" coalesce(r.voided_at, 0), r.issued_at, coalesce(r.replaces_id, 0), coalesce(p.year, 0), coalesce(p.seq, 0)," \
	" coalesce(n.id, 0), coalesce(n.year, 0), coalesce(n.seq, 0),"                                            \
	" (SELECT count(*) FROM receipt_prints x WHERE x.receipt_id = r.id)"
#define RECEIPT_FROM                                                                                           \
	" FROM receipts r JOIN donations d ON d.id = r.donation_id JOIN donors o ON o.id = d.donor_id"          \
	" LEFT JOIN receipts p ON p.id = r.replaces_id LEFT JOIN receipts n ON n.replaces_id = r.id"

static void receipt_row(hm_stmt *st, donation_receipt *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_col_int(st, 0);
	r->year = (int)db_col_int(st, 1);
	r->seq = db_col_int(st, 2);
	donation_receipt_no_format(r->year, r->seq, r->no, sizeof r->no);
	COPY(r->code, db_col_text(st, 3));
	COPY(r->check_code, db_col_text(st, 4));
	r->donation_id = db_col_int(st, 5);
	r->donor_id = db_col_int(st, 6);
	COPY(r->donor_kind, db_col_text(st, 7));
	COPY(r->payer_name, db_col_text(st, 8));
	COPY(r->payer_uscc, db_col_text(st, 9));
	r->amount = db_col_int(st, 10);
	COPY(r->received_on, db_col_text(st, 11));
	COPY(r->issued_on, db_col_text(st, 12));
	COPY(r->handler_name, db_col_text(st, 13));
	COPY(r->remarks, db_col_text(st, 14));
	COPY(r->status, db_col_text(st, 15));
	COPY(r->void_reason, db_col_text(st, 16));
	r->voided_at = db_col_int(st, 17);
	r->issued_at = db_col_int(st, 18);
	r->replaces_id = db_col_int(st, 19);
	if (r->replaces_id)
		donation_receipt_no_format((int)db_col_int(st, 20), db_col_int(st, 21), r->replaces_no,
					   sizeof r->replaces_no);
	r->replaced_by_id = db_col_int(st, 22);
	if (r->replaced_by_id)
		donation_receipt_no_format((int)db_col_int(st, 23), db_col_int(st, 24), r->replaced_by_no,
					   sizeof r->replaced_by_no);
	r->prints = db_col_int(st, 25);
}

hm_err donation_db_receipt_get(hm_db *db, int64_t id, donation_receipt *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " RECEIPT_COLS RECEIPT_FROM " WHERE r.id = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	hm_err err = db_row(st, HM_E_RECEIPT_NOT_FOUND, "id", e);
	if (!err)
		receipt_row(st, out);
	return err;
}

hm_err donation_db_receipt_void(hm_db *db, int64_t id, const char *reason, int64_t now, int64_t user_id,
				hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE receipts SET status = 'void', void_reason = $1, voided_at = $2, voided_by = $3"
			      " WHERE id = $4 AND status = 'valid'",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, reason);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, user_id);
	db_bind_int(st, 4, id);
	hm_err err = db_exec_stmt(st, e);
	if (!err && db_changes(db) != 1)
		return hm_fail(e, HM_E_RECEIPT_VOID, NULL);
	return err;
}

#define RECEIPT_FILTER \
	" WHERE ($1 = 0 OR r.year = $1) AND ($2 = '' OR r.status = $2) AND ($3 = 0 OR r.donation_id = $3)"

hm_err donation_db_receipt_list(hm_db *db, const donation_receipt_filter *f, donation_receipt_visit visit,
				void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM receipts r" RECEIPT_FILTER, e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, f->year);
	db_bind_text(st, 2, f->status);
	db_bind_int(st, 3, f->donation_id);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db,
		     "SELECT " RECEIPT_COLS RECEIPT_FROM RECEIPT_FILTER " ORDER BY r.year DESC, r.seq DESC LIMIT $4 OFFSET $5",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, f->year);
	db_bind_text(st, 2, f->status);
	db_bind_int(st, 3, f->donation_id);
	db_bind_int(st, 4, f->page_size);
	db_bind_int(st, 5, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		donation_receipt r;
		receipt_row(st, &r);
		visit(&r, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err donation_db_print_add(hm_db *db, int64_t receipt_id, int64_t now, int64_t user_id, int64_t *n, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO receipt_prints (receipt_id, n, at, user_id)"
			      " SELECT $1, coalesce(max(n), 0) + 1, $2, $3 FROM receipt_prints WHERE receipt_id = $1"
			      " RETURNING n",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, receipt_id);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, user_id);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*n = db_col_int(st, 0);
	/* run the statement to its end so the insert completes */
	return db_step(st) == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err donation_db_key(hm_db *db, char out[65], hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT key_hex FROM receipt_key WHERE id = 1", e);
	if (!st)
		return e->err;
	hm_err err = db_row(st, HM_E_INTERNAL, NULL, e);
	if (!err)
		snprintf(out, 65, "%s", db_col_text(st, 0));
	return err;
}

/* ---- acknowledgment and tax ----------------------------------------------- */

hm_err donation_db_honour(hm_db *db, int year, donation_honour_visit visit, void *arg, int64_t *total,
			  int64_t *count, hm_error *e)
{
	char from[16], to[16];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	hm_stmt *st = db_stmt(db,
			      "SELECT coalesce(sum(amount), 0), count(*) FROM donations"
			      " WHERE status = 'active' AND received_on >= $1 AND received_on <= $2",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	*count = db_col_int(st, 1);
	/* only what the donor agreed to leaves this query: no contact columns
	 * at all, the name only with publish_name, the amount only with
	 * publish_amount; anonymous donors cannot have publish_name (CHECK) */
	st = db_stmt(db,
		     "SELECT CASE WHEN o.publish_name = 1 AND o.kind <> 'anonymous' AND o.name <> '' THEN o.name ELSE '' END,"
		     " CASE WHEN o.publish_amount = 1 THEN sum(d.amount) ELSE -1 END, count(*), o.kind"
		     " FROM donations d JOIN donors o ON o.id = d.donor_id"
		     " WHERE d.status = 'active' AND d.received_on >= $1 AND d.received_on <= $2"
		     " GROUP BY o.id ORDER BY 2 DESC, min(d.received_on), o.id",
		     e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		donation_honour h;
		memset(&h, 0, sizeof h);
		COPY(h.name, db_col_text(st, 0)[0] ? db_col_text(st, 0) : "爱心人士");
		h.amount = db_col_int(st, 1);
		h.count = db_col_int(st, 2);
		COPY(h.kind, db_col_text(st, 3));
		visit(&h, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err donation_db_tax_receipts(hm_db *db, int64_t donor_id, int year, donation_receipt_line visit, void *arg,
				int64_t *sum, hm_error *e)
{
	char from[16], to[16];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	hm_stmt *st = db_stmt(db,
			      "SELECT " RECEIPT_COLS RECEIPT_FROM
			      " WHERE d.donor_id = $1 AND d.status = 'active' AND r.status = 'valid'"
			      " AND d.received_on >= $2 AND d.received_on <= $3 ORDER BY d.received_on, r.id",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, donor_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	*sum = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		donation_receipt r;
		receipt_row(st, &r);
		*sum += r.amount;
		if (visit)
			visit(&r, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
