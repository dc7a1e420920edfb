/* The fund's SQL. Every read takes the caller's scope ($1: 0 = whole city,
 * else one district's org id), so a district user cannot reach another
 * district's records whatever the handler does. */
#include "fund/fund_db.h"

#include <stdio.h>
#include <string.h>

#include "core/crypt.h"
#include "core/hmtime.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* ---- children --------------------------------------------------------- */

static hm_err child_categories_save(hm_db *db, const fund_child *ch, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "DELETE FROM child_categories WHERE child_id = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, ch->id);
	hm_err err = db_exec_stmt(st, e);
	for (int i = 0; !err && i < ch->ncategories; i++) {
		st = db_stmt(db, "INSERT INTO child_categories (child_id, category) VALUES ($1, $2)", e);
		if (!st)
			return e->err;
		db_bind_int(st, 1, ch->id);
		db_bind_text(st, 2, ch->categories[i]);
		err = db_exec_stmt(st, e);
	}
	return err;
}

hm_err fund_db_child_insert(hm_db *db, int64_t org_id, int64_t user_id, int64_t now, fund_child *ch, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO children (org_id, name, sex, birth_date, id_number, hukou_district, hukou_evidence,"
			      " household_status, household_cert_no, household_cert_from, household_cert_to, guardian_name,"
			      " guardian_relation, guardian_phone, address, is_demo, created_by, created_at, updated_at,"
			      " id_number_hash)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)",
			      e);
	if (!st)
		return e->err;
	char blind[65];
	crypt_blind(ch->id_number, blind);
	hm_err err;
	if ((err = db_bind_sealed(st, 5, ch->id_number, e)) || (err = db_bind_sealed(st, 14, ch->guardian_phone, e)))
		return err;
	db_bind_text(st, 19, blind);
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, ch->name);
	db_bind_text(st, 3, ch->sex);
	db_bind_text(st, 4, ch->birth_date);
	db_bind_text(st, 6, ch->hukou_district);
	db_bind_text(st, 7, ch->hukou_evidence);
	db_bind_text(st, 8, ch->household_status);
	db_bind_text(st, 9, ch->household_cert_no);
	db_bind_text(st, 10, ch->household_cert_from);
	db_bind_text(st, 11, ch->household_cert_to);
	db_bind_text(st, 12, ch->guardian_name);
	db_bind_text(st, 13, ch->guardian_relation);
	db_bind_text(st, 15, ch->address);
	db_bind_int(st, 16, ch->is_demo);
	db_bind_int(st, 17, user_id);
	db_bind_int(st, 18, now);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_CHILD_DUPLICATE, "id_number");
	if (rc != DB_DONE)
		return db_error(db, e);
	ch->id = db_last_id(db);
	return child_categories_save(db, ch, e);
}

hm_err fund_db_child_update(hm_db *db, int64_t now, const fund_child *ch, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE children SET name = $1, sex = $2, birth_date = $3, hukou_district = $4,"
			      " hukou_evidence = $5, household_status = $6, household_cert_no = $7, household_cert_from = $8,"
			      " household_cert_to = $9, guardian_name = $10, guardian_relation = $11, guardian_phone = $12,"
			      " address = $13, updated_at = $14 WHERE id = $15",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, ch->name);
	db_bind_text(st, 2, ch->sex);
	db_bind_text(st, 3, ch->birth_date);
	db_bind_text(st, 4, ch->hukou_district);
	db_bind_text(st, 5, ch->hukou_evidence);
	db_bind_text(st, 6, ch->household_status);
	db_bind_text(st, 7, ch->household_cert_no);
	db_bind_text(st, 8, ch->household_cert_from);
	db_bind_text(st, 9, ch->household_cert_to);
	db_bind_text(st, 10, ch->guardian_name);
	db_bind_text(st, 11, ch->guardian_relation);
	hm_err err = db_bind_sealed(st, 12, ch->guardian_phone, e);
	if (err)
		return err;
	db_bind_text(st, 13, ch->address);
	db_bind_int(st, 14, now);
	db_bind_int(st, 15, ch->id);
	err = db_exec_stmt(st, e);
	return err ? err : child_categories_save(db, ch, e);
}

#define CHILD_COLS                                                                                                   \
	"c.id, c.org_id, o.code, o.name, c.name, c.sex, c.birth_date, c.id_number, c.hukou_district, c.hukou_evidence," \
	" c.household_status, c.household_cert_no, c.household_cert_from, c.household_cert_to, c.guardian_name,"      \
	" c.guardian_relation, c.guardian_phone, c.address, c.is_demo, c.created_at, c.updated_at"

static hm_err child_categories_load(hm_db *db, fund_child *ch, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT category FROM child_categories WHERE child_id = $1 ORDER BY category", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, ch->id);
	int rc;
	ch->ncategories = 0;
	while ((rc = db_step(st)) == DB_ROW)
		if (ch->ncategories < FUND_MAX_CATEGORIES)
			COPY(ch->categories[ch->ncategories++], db_col_text(st, 0));
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

static void child_row(hm_stmt *st, fund_child *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->id = db_col_int(st, 0);
	ch->org_id = db_col_int(st, 1);
	COPY(ch->org_code, db_col_text(st, 2));
	COPY(ch->org_name, db_col_text(st, 3));
	COPY(ch->name, db_col_text(st, 4));
	COPY(ch->sex, db_col_text(st, 5));
	COPY(ch->birth_date, db_col_text(st, 6));
	db_col_open(st, 7, ch->id_number, sizeof ch->id_number);
	COPY(ch->hukou_district, db_col_text(st, 8));
	COPY(ch->hukou_evidence, db_col_text(st, 9));
	COPY(ch->household_status, db_col_text(st, 10));
	COPY(ch->household_cert_no, db_col_text(st, 11));
	COPY(ch->household_cert_from, db_col_text(st, 12));
	COPY(ch->household_cert_to, db_col_text(st, 13));
	COPY(ch->guardian_name, db_col_text(st, 14));
	COPY(ch->guardian_relation, db_col_text(st, 15));
	db_col_open(st, 16, ch->guardian_phone, sizeof ch->guardian_phone);
	COPY(ch->address, db_col_text(st, 17));
	ch->is_demo = db_col_int(st, 18);
	ch->created_at = db_col_int(st, 19);
	ch->updated_at = db_col_int(st, 20);
}

hm_err fund_db_child_get(hm_db *db, int64_t scope, int64_t id, fund_child *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT " CHILD_COLS " FROM children c JOIN orgs o ON o.id = c.org_id"
			      " WHERE ($1 = 0 OR c.org_id = $1) AND c.id = $2",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_CHILD_NOT_FOUND, "id", e);
	if (err)
		return err;
	child_row(st, out);
	return child_categories_load(db, out, e);
}

#define CHILD_FILTER                                                                                         \
	" FROM children c JOIN orgs o ON o.id = c.org_id"                                                     \
	" WHERE ($1 = 0 OR c.org_id = $1) AND ($2 = '' OR c.name LIKE '%' || $2 || '%')"                      \
	" AND ($3 = '' OR o.code = $3)"                                                                        \
	" AND ($4 = '' OR EXISTS (SELECT 1 FROM child_categories k WHERE k.child_id = c.id AND k.category = $4))" \
	" AND ($5 = '' OR c.id_number_hash = $5)"

hm_err fund_db_child_list(hm_db *db, int64_t scope, const fund_child_filter *f, fund_child_visit visit, void *arg,
			  int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" CHILD_FILTER, e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_text(st, 2, f->q);
	db_bind_text(st, 3, f->district);
	db_bind_text(st, 4, f->category);
	db_bind_text(st, 5, f->id_hash);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db, "SELECT " CHILD_COLS CHILD_FILTER " ORDER BY c.id DESC LIMIT $6 OFFSET $7", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_text(st, 2, f->q);
	db_bind_text(st, 3, f->district);
	db_bind_text(st, 4, f->category);
	db_bind_text(st, 5, f->id_hash);
	db_bind_int(st, 6, f->page_size);
	db_bind_int(st, 7, (int64_t)(f->page - 1) * f->page_size);
	/* SQLite runs the category statement beside this one on the connection */
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		fund_child ch;
		child_row(st, &ch);
		hm_err err = child_categories_load(db, &ch, e);
		if (err)
			return err;
		visit(&ch, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- applications ----------------------------------------------------- */

/* The bits of a child's categories (category_bits, migration 0026), as an
 * application keeps them in its column cats: written by the insert below,
 * checked by fund_db_cats_verify. child is an SQL expression. */
#define CHILD_CATS(child)                                                       \
	"(SELECT coalesce(sum(b.bit), 0) FROM child_categories k JOIN category_bits b" \
	" ON b.category = k.category WHERE k.child_id = " child ")"

hm_err fund_db_app_insert(hm_db *db, int64_t org_id, int64_t user_id, int64_t now, fund_app *a, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO applications (child_id, org_id, applicant_type, applicant_name, applicant_relation,"
			      " description, emergency, emergency_reason, status, is_demo, created_by, created_at, updated_at, cats)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, $10, $11, $11, " CHILD_CATS("$1") ")",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, a->child_id);
	db_bind_int(st, 2, org_id);
	db_bind_text(st, 3, a->applicant_type);
	db_bind_text(st, 4, a->applicant_name);
	db_bind_text(st, 5, a->applicant_relation);
	db_bind_text(st, 6, a->description);
	db_bind_int(st, 7, a->emergency);
	db_bind_text(st, 8, a->emergency_reason);
	db_bind_int(st, 9, a->is_demo);
	db_bind_int(st, 10, user_id);
	db_bind_int(st, 11, now);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	a->id = db_last_id(db);
	for (int i = 0; i < a->naid; i++) {
		st = db_stmt(db, "INSERT INTO application_aid (application_id, kind, requested) VALUES ($1, $2, $3)", e);
		if (!st)
			return e->err;
		db_bind_int(st, 1, a->id);
		db_bind_text(st, 2, a->aid[i].kind);
		db_bind_int(st, 3, a->aid[i].requested);
		if ((err = db_exec_stmt(st, e)))
			return err;
	}
	for (int i = 0; i < a->nservices; i++) {
		st = db_stmt(db, "INSERT INTO application_services (application_id, service) VALUES ($1, $2)", e);
		if (!st)
			return e->err;
		db_bind_int(st, 1, a->id);
		db_bind_text(st, 2, a->services[i]);
		if ((err = db_exec_stmt(st, e)))
			return err;
	}
	return HM_OK;
}

#define APP_COLS                                                                                                   \
	"a.id, a.child_id, c.name, a.org_id, o.code, o.name, a.applicant_type, a.applicant_name, a.applicant_relation," \
	" a.description, a.emergency, a.emergency_reason, a.status, coalesce(a.clock_start, 0),"                       \
	" coalesce(a.decision_due, 0), coalesce(a.payment_due, 0), coalesce(a.decided_at, 0), coalesce(a.paid_at, 0),"  \
	" a.created_at, a.estimated_due, a.review_opinion, a.decision_reason, coalesce(a.payment_entry_id, 0), a.is_demo"

static void app_row(hm_stmt *st, fund_app *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_col_int(st, 0);
	a->child_id = db_col_int(st, 1);
	COPY(a->child_name, db_col_text(st, 2));
	a->org_id = db_col_int(st, 3);
	COPY(a->org_code, db_col_text(st, 4));
	COPY(a->org_name, db_col_text(st, 5));
	COPY(a->applicant_type, db_col_text(st, 6));
	COPY(a->applicant_name, db_col_text(st, 7));
	COPY(a->applicant_relation, db_col_text(st, 8));
	COPY(a->description, db_col_text(st, 9));
	a->emergency = db_col_int(st, 10);
	COPY(a->emergency_reason, db_col_text(st, 11));
	COPY(a->status, db_col_text(st, 12));
	a->clock_start = db_col_int(st, 13);
	a->decision_due = db_col_int(st, 14);
	a->payment_due = db_col_int(st, 15);
	a->decided_at = db_col_int(st, 16);
	a->paid_at = db_col_int(st, 17);
	a->created_at = db_col_int(st, 18);
	a->estimated = db_col_int(st, 19);
	COPY(a->review_opinion, db_col_text(st, 20));
	COPY(a->decision_reason, db_col_text(st, 21));
	a->payment_entry_id = db_col_int(st, 22);
	a->is_demo = db_col_int(st, 23);
	int year, m, d;
	hm_day_ymd(hm_day_of(a->created_at), &year, &m, &d);
	snprintf(a->no, sizeof a->no, "FA-%s-%04d%06lld", a->org_code, year, (long long)a->id);
}

static hm_err app_details_load(hm_db *db, fund_app *a, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT kind, requested, coalesce(approved, -1) FROM application_aid"
			      " WHERE application_id = $1 ORDER BY kind",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, a->id);
	int rc;
	a->naid = 0;
	while ((rc = db_step(st)) == DB_ROW && a->naid < 4) {
		COPY(a->aid[a->naid].kind, db_col_text(st, 0));
		a->aid[a->naid].requested = db_col_int(st, 1);
		a->aid[a->naid].approved = db_col_int(st, 2);
		a->naid++;
	}
	if (rc != DB_DONE && rc != DB_ROW)
		return db_error(db, e);
	st = db_stmt(db, "SELECT service FROM application_services WHERE application_id = $1 ORDER BY service", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, a->id);
	a->nservices = 0;
	while ((rc = db_step(st)) == DB_ROW && a->nservices < 3)
		COPY(a->services[a->nservices++], db_col_text(st, 0));
	return rc == DB_DONE || rc == DB_ROW ? HM_OK : db_error(db, e);
}

hm_err fund_db_app_get(hm_db *db, int64_t scope, int64_t id, fund_app *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT " APP_COLS " FROM applications a JOIN children c ON c.id = a.child_id"
			      " JOIN orgs o ON o.id = a.org_id WHERE ($1 = 0 OR a.org_id = $1) AND a.id = $2",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_APP_NOT_FOUND, "id", e);
	if (err)
		return err;
	app_row(st, out);
	return app_details_load(db, out, e);
}

hm_err fund_db_app_save(hm_db *db, int64_t now, const fund_app *a, int64_t actor_id, fund_action act, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE applications SET status = $1, clock_start = $2, decision_due = $3, payment_due = $4,"
			      " estimated_due = $5, decided_at = $6, paid_at = $7, review_opinion = $8, decision_reason = $9,"
			      " payment_entry_id = $10, updated_at = $11 WHERE id = $12",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, a->status);
	db_bind_int_or_null(st, 2, a->clock_start);
	db_bind_int_or_null(st, 3, a->decision_due);
	db_bind_int_or_null(st, 4, a->payment_due);
	db_bind_int(st, 5, a->estimated);
	db_bind_int_or_null(st, 6, a->decided_at);
	db_bind_int_or_null(st, 7, a->paid_at);
	db_bind_text(st, 8, a->review_opinion);
	db_bind_text(st, 9, a->decision_reason);
	if (a->payment_entry_id)
		db_bind_int(st, 10, a->payment_entry_id);
	else
		db_bind_null(st, 10);
	db_bind_int(st, 11, now);
	db_bind_int(st, 12, a->id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	if (act == FUND_REVIEW_PASS || act == FUND_REVIEW_REJECT || act == FUND_APPROVE || act == FUND_REJECT) {
		st = db_stmt(db,
			     "UPDATE applications SET reviewer_id = CASE WHEN $1 = 1 THEN $2 ELSE reviewer_id END,"
			     " approver_id = CASE WHEN $1 = 2 THEN $2 ELSE approver_id END WHERE id = $3",
			     e);
		if (!st)
			return e->err;
		db_bind_int(st, 1, act == FUND_REVIEW_PASS || act == FUND_REVIEW_REJECT ? 1 : 2);
		db_bind_int(st, 2, actor_id);
		db_bind_int(st, 3, a->id);
		if ((err = db_exec_stmt(st, e)))
			return err;
	}
	if (act == FUND_APPROVE) {
		for (int i = 0; i < a->naid; i++) {
			st = db_stmt(db, "UPDATE application_aid SET approved = $1 WHERE application_id = $2 AND kind = $3", e);
			if (!st)
				return e->err;
			db_bind_int(st, 1, a->aid[i].approved);
			db_bind_int(st, 2, a->id);
			db_bind_text(st, 3, a->aid[i].kind);
			if ((err = db_exec_stmt(st, e)))
				return err;
		}
	}
	return HM_OK;
}

hm_err fund_db_app_event(hm_db *db, int64_t app_id, int64_t now, int64_t actor_id, const char *action,
			 const char *from, const char *to, const char *note, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO application_events (application_id, at, actor_id, action, from_status, to_status, note)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, app_id);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, actor_id);
	db_bind_text(st, 4, action);
	db_bind_text(st, 5, from);
	db_bind_text(st, 6, to);
	db_bind_text(st, 7, note ? note : "");
	return db_exec_stmt(st, e);
}

/* The list's WHERE holds only the filters given, each a fixed fragment
 * with a bound value, so SQLite can use the indexes on applications (a
 * "$n = '' OR col = $n" form for every filter defeats them, and counting a
 * million rows took seconds: bench/results/notes.md). Values are never
 * written into the text. */
typedef struct app_where {
	char sql[1024];
	size_t len;
	int n;                  /* placeholders so far */
	struct {
		bool text;
		int64_t i;
		const char *s;
	} args[12];
} app_where;

/* Append fragment; every "?" in it becomes the next $n, bound to the
 * value (the same value for each "?" of one fragment). */
static void where_add(app_where *w, const char *frag, bool text, int64_t i, const char *s)
{
	w->n++;
	w->args[w->n - 1].text = text;
	w->args[w->n - 1].i = i;
	w->args[w->n - 1].s = s;
	for (const char *p = frag; *p && w->len + 8 < sizeof w->sql; p++) {
		if (*p == '?')
			w->len += (size_t)snprintf(w->sql + w->len, sizeof w->sql - w->len, "$%d", w->n);
		else
			w->sql[w->len++] = *p;
	}
	w->sql[w->len] = '\0';
}

static void app_where_build(app_where *w, int64_t scope, int64_t now, const fund_app_filter *f)
{
	memset(w, 0, sizeof *w);
	w->len = (size_t)snprintf(w->sql, sizeof w->sql, " WHERE 1 = 1");
	if (scope)
		where_add(w, " AND a.org_id = ?", false, scope, NULL);
	if (f->district[0])
		where_add(w, " AND a.org_id = (SELECT id FROM orgs WHERE code = ?)", true, 0, f->district);
	if (f->status[0])
		where_add(w, " AND a.status = ?", true, 0, f->status);
	if (f->category[0])
		/* the child's categories are on the application and in the
		 * list's indexes as bits (migration 0026): no probe per row */
		where_add(w, " AND a.cats & (SELECT bit FROM category_bits WHERE category = ?) <> 0", true, 0, f->category);
	if (f->emergency >= 0)
		where_add(w, " AND a.emergency = ?", false, f->emergency, NULL);
	/* overdue: a decision past its 7 working days, or an emergency not
	 * paid within 24 hours */
	if (f->overdue)
		where_add(w,
			  " AND ((a.status IN ('accepted', 'reviewed') AND a.decision_due <= ?)"
			  " OR (a.emergency = 1 AND a.status IN ('accepted', 'reviewed', 'approved') AND a.payment_due <= ?))",
			  false, now, NULL);
	if (f->child_id)
		where_add(w, " AND a.child_id = ?", false, f->child_id, NULL);
}

static void app_where_bind(hm_stmt *st, const app_where *w)
{
	for (int i = 0; i < w->n; i++) {
		if (w->args[i].text)
			db_bind_text(st, i + 1, w->args[i].s);
		else
			db_bind_int(st, i + 1, w->args[i].i);
	}
}

/* A district's overdue view (overdue alone, as its dashboard asks) as a
 * union of two covering index ranges of the district, one per kind of
 * lateness. With the generic WHERE SQLite walks the district's whole
 * org_id range and reads every row (3 s for a district of the 1M set with
 * 45k overdue); this way it reads the overdue index entries only. For the
 * whole city the generic WHERE is faster (an OR of two index ranges
 * without the union's sort). */
static bool overdue_only(const fund_app_filter *f)
{
	return f->overdue && !f->district[0] && !f->status[0] && !f->category[0] && f->emergency < 0 && !f->child_id;
}

#define OVERDUE_IDS_SCOPE                                                                                          \
	"SELECT id FROM applications WHERE org_id = $1 AND status IN ('accepted', 'reviewed') AND decision_due <= $2" \
	" UNION SELECT id FROM applications WHERE org_id = $1 AND emergency = 1"                                     \
	" AND status IN ('accepted', 'reviewed', 'approved') AND payment_due <= $2"

static hm_err overdue_list(hm_db *db, int64_t scope, int64_t now, const fund_app_filter *f, fund_app_visit visit,
			   void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM (" OVERDUE_IDS_SCOPE ")", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, now);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db,
		     "SELECT " APP_COLS " FROM (SELECT id FROM (" OVERDUE_IDS_SCOPE ") ORDER BY id DESC LIMIT $3 OFFSET $4) p"
		     " JOIN applications a ON a.id = p.id JOIN children c ON c.id = a.child_id"
		     " JOIN orgs o ON o.id = a.org_id ORDER BY a.id DESC",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, f->page_size);
	db_bind_int(st, 4, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		fund_app a;
		app_row(st, &a);
		hm_err err = app_details_load(db, &a, e);
		if (err)
			return err;
		visit(&a, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* The list's total from the counters of application_counts (migrations
 * 0018, 0021) when the filters are only district, status and category:
 * counting them from the applications read up to every application (a
 * category with a status took 2–3 s at 1M). The counters are kept in the
 * same transaction as every write, so the total is as exact as the count.
 * *counted stays false when other filters are given: count the rows. */
static hm_err counted_total(hm_db *db, int64_t scope, const fund_app_filter *f, bool *counted, int64_t *total,
			    hm_error *e)
{
	*counted = false;
	if (f->emergency >= 0 || f->overdue || f->child_id)
		return HM_OK;
	const char *kind, *code;
	char both[96];
	if (f->status[0] && f->category[0]) {
		snprintf(both, sizeof both, "%s %s", f->status, f->category);
		kind = "status_category", code = both;
	} else if (f->category[0]) {
		kind = "category", code = f->category;
	} else if (f->status[0]) {
		kind = "status", code = f->status;
	} else {
		/* every application has exactly one status */
		kind = "status", code = NULL;
	}
	hm_stmt *st = db_stmt(db,
			      "SELECT coalesce(sum(n), 0) FROM application_counts WHERE kind = $1"
			      " AND ($2 IS NULL OR code = $2) AND ($3 = 0 OR org_id = $3)"
			      " AND ($4 = '' OR org_id = (SELECT id FROM orgs WHERE code = $4))",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, code);
	db_bind_int(st, 3, scope);
	db_bind_text(st, 4, f->district);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	*counted = true;
	return HM_OK;
}

hm_err fund_db_app_list(hm_db *db, int64_t scope, int64_t now, const fund_app_filter *f, fund_app_visit visit,
			void *arg, int64_t *total, hm_error *e)
{
	if (scope && overdue_only(f))
		return overdue_list(db, scope, now, f, visit, arg, total, e);
	app_where w;
	app_where_build(&w, scope, now, f);
	char sql[2048];
	hm_stmt *st;
	bool counted;
	hm_err err = counted_total(db, scope, f, &counted, total, e);
	if (err)
		return err;
	if (!counted) {
		/* the count needs no joins: every filter is on applications */
		snprintf(sql, sizeof sql, "SELECT count(*) FROM applications a%s", w.sql);
		st = db_stmt_text(db, sql, e);
		if (!st)
			return e->err;
		app_where_bind(st, &w);
		if (db_step(st) != DB_ROW)
			return db_error(db, e);
		*total = db_col_int(st, 0);
	}
	/* the page's ids first, from applications alone, then the joins for
	 * those twenty: joining children for every matching row before the
	 * LIMIT cost 2.3 s for the 107k overdue applications of the 1M set */
	snprintf(sql, sizeof sql,
		 "SELECT " APP_COLS " FROM (SELECT a.id FROM applications a%s ORDER BY a.id DESC LIMIT $%d OFFSET $%d) p"
		 " JOIN applications a ON a.id = p.id JOIN children c ON c.id = a.child_id JOIN orgs o ON o.id = a.org_id"
		 " ORDER BY a.id DESC",
		 w.sql, w.n + 1, w.n + 2);
	st = db_stmt_text(db, sql, e);
	if (!st)
		return e->err;
	app_where_bind(st, &w);
	db_bind_int(st, w.n + 1, f->page_size);
	db_bind_int(st, w.n + 2, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		fund_app a;
		app_row(st, &a);
		if ((err = app_details_load(db, &a, e)))
			return err;
		visit(&a, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err fund_db_app_events(hm_db *db, int64_t id, fund_event_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT ev.at, coalesce(u.display_name, ''), ev.action, ev.from_status, ev.to_status, ev.note"
			      " FROM application_events ev LEFT JOIN users u ON u.id = ev.actor_id"
			      " WHERE ev.application_id = $1 ORDER BY ev.id",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		visit(db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
		      db_col_text(st, 5), arg);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err fund_db_entry_exists(hm_db *db, const char *source, bool *exists, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM journal_entries WHERE source = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, source);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*exists = db_col_int(st, 0) > 0;
	return HM_OK;
}

hm_err fund_db_balance(hm_db *db, fund_balance *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT coalesce(sum(CASE WHEN a.code = '1001' THEN b.balance ELSE 0 END), 0),"
			      " coalesce(sum(CASE WHEN a.type = 'income' THEN -b.balance ELSE 0 END), 0),"
			      " coalesce(sum(CASE WHEN a.type = 'expense' THEN b.balance ELSE 0 END), 0)"
			      " FROM account_balances b JOIN accounts a ON a.id = b.account_id",
			      e);
	if (!st)
		return e->err;
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	out->bank = db_col_int(st, 0);
	out->income = db_col_int(st, 1);
	out->expense = db_col_int(st, 2);
	return HM_OK;
}

static hm_err counts(hm_db *db, const char *sql, int64_t scope, fund_count *out, int *n, hm_error *e)
{
	hm_stmt *st = db_stmt(db, sql, e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW && *n < 8) {
		COPY(out[*n].code, db_col_text(st, 0));
		out[*n].count = db_col_int(st, 1);
		(*n)++;
	}
	return rc == DB_DONE || rc == DB_ROW ? HM_OK : db_error(db, e);
}

hm_err fund_db_stats(hm_db *db, int64_t scope, fund_stats *out, hm_error *e)
{
	hm_err err = fund_db_balance(db, &out->balance, e);
	if (err)
		return err;
	/* money by month: income credited, aid expense debited, within scope
	 * (a district sees the aid paid to its children; income is city-wide);
	 * the twelve months as one range of ledger_monthly, one statement */
	hm_stmt *st = db_stmt(db,
			      "SELECT m.month, coalesce(sum(CASE WHEN a.type = 'income' AND $1 = 0 THEN -m.amount ELSE 0 END), 0),"
			      " coalesce(sum(CASE WHEN a.type = 'expense' AND ($1 = 0 OR m.org_id = $1) THEN m.amount ELSE 0 END), 0)"
			      " FROM ledger_monthly m JOIN accounts a ON a.id = m.account_id WHERE m.month BETWEEN $2 AND $3"
			      " GROUP BY m.month",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_text(st, 2, out->monthly[0].month);
	db_bind_text(st, 3, out->monthly[11].month);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *month = db_col_text(st, 0);
		for (int i = 0; i < 12; i++) {
			if (strcmp(out->monthly[i].month, month) == 0) {
				out->monthly[i].income = db_col_int(st, 1);
				out->monthly[i].expense = db_col_int(st, 2);
				break;
			}
		}
	}
	if (rc != DB_DONE)
		return db_error(db, e);
	/* the application figures come from the counters that triggers keep
	 * in the same transaction as every write (migration 0018): a few
	 * hundred rows, whatever the number of applications */
	if ((err = counts(db,
			  "SELECT code, sum(n) FROM application_counts WHERE kind = 'status' AND ($1 = 0 OR org_id = $1)"
			  " GROUP BY code HAVING sum(n) > 0 ORDER BY code",
			  scope, out->by_status, &out->nstatus, e)) ||
	    (err = counts(db,
			  "SELECT o.code, coalesce((SELECT sum(c.n) FROM application_counts c WHERE c.org_id = o.id"
			  " AND c.kind = 'status'), 0) FROM orgs o WHERE o.level = 'district' AND ($1 = 0 OR o.id = $1)"
			  " ORDER BY o.code",
			  scope, out->by_district, &out->ndistrict, e)) ||
	    (err = counts(db,
			  "SELECT code, sum(n) FROM application_counts WHERE kind = 'category' AND ($1 = 0 OR org_id = $1)"
			  " GROUP BY code HAVING sum(n) > 0 ORDER BY code",
			  scope, out->by_category, &out->ncategory, e)))
		return err;
	st = db_stmt(db,
		     "SELECT coalesce(sum(CASE WHEN kind = 'decided' AND code = 'total' THEN n END), 0),"
		     " coalesce(sum(CASE WHEN kind = 'decided' AND code = 'on_time' THEN n END), 0),"
		     " coalesce(sum(CASE WHEN kind = 'emergency_paid' AND code = 'total' THEN n END), 0),"
		     " coalesce(sum(CASE WHEN kind = 'emergency_paid' AND code = 'on_time' THEN n END), 0)"
		     " FROM application_counts WHERE kind IN ('decided', 'emergency_paid') AND ($1 = 0 OR org_id = $1)",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	out->decided = db_col_int(st, 0);
	out->decided_on_time = db_col_int(st, 1);
	out->emergencies_paid = db_col_int(st, 2);
	out->emergencies_on_time = db_col_int(st, 3);
	return HM_OK;
}

hm_err fund_db_counts_verify(hm_db *db, hm_error *e)
{
	/* both ways: a counter no application accounts for, and a key of some
	 * application whose counter disagrees or is missing */
	hm_stmt *st = db_stmt(db,
			      "SELECT org_id, kind, code, n FROM (SELECT org_id, kind, code, n FROM application_counts WHERE n <> 0"
			      " EXCEPT SELECT org_id, kind, code, count(*) FROM application_count_keys GROUP BY 1, 2, 3)"
			      " UNION ALL SELECT org_id, kind, code, n FROM (SELECT org_id, kind, code, count(*) AS n"
			      " FROM application_count_keys GROUP BY 1, 2, 3"
			      " EXCEPT SELECT org_id, kind, code, n FROM application_counts) LIMIT 1",
			      e);
	if (!st)
		return e->err;
	int rc = db_step(st);
	if (rc == DB_ROW)
		return hm_failf(e, HM_E_INTERNAL, NULL, "申请统计计数（机构 #%lld，%s %s）与申请记录不符",
				(long long)db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2));
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err fund_db_cats_verify(hm_db *db, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT a.id FROM applications a WHERE a.cats IS NOT " CHILD_CATS("a.child_id")
			      " OR EXISTS (SELECT 1 FROM child_categories k WHERE k.child_id = a.child_id AND k.category NOT IN"
			      " (SELECT category FROM category_bits)) LIMIT 1",
			      e);
	if (!st)
		return e->err;
	int rc = db_step(st);
	if (rc == DB_ROW)
		return hm_failf(e, HM_E_INTERNAL, NULL, "申请 #%lld 记录的儿童类别与儿童档案不符", (long long)db_col_int(st, 0));
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
