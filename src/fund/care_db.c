/* The SQL of care services and visits. Every read takes the caller's scope
 * ($1: 0 = whole city, else one district's org id), so a district user
 * cannot reach another district's referral, session or visit whatever the
 * handler does. Session notes are selected only by the single-session
 * read: lists cannot leak what they never load. */
#include "fund/care_db.h"

#include <stdio.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

hm_err care_db_child(hm_db *db, int64_t scope, int64_t child_id, int64_t *org_id, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT org_id FROM children WHERE ($1 = 0 OR org_id = $1) AND id = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, child_id);
	hm_err err = db_row(st, HM_E_CHILD_NOT_FOUND, "child_id", e);
	if (!err)
		*org_id = db_col_int(st, 0);
	return err;
}

hm_err care_db_app_child(hm_db *db, int64_t scope, int64_t app_id, int64_t *child_id, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT child_id FROM applications WHERE ($1 = 0 OR org_id = $1) AND id = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, app_id);
	hm_err err = db_row(st, HM_E_APP_NOT_FOUND, "application_id", e);
	if (!err)
		*child_id = db_col_int(st, 0);
	return err;
}

/* ---- providers -------------------------------------------------------- */

static hm_err provider_services_save(hm_db *db, const care_provider *p, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "DELETE FROM care_provider_services WHERE provider_id = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, p->id);
	hm_err err = db_exec_stmt(st, e);
	for (int i = 0; !err && i < p->nservices; i++) {
		st = db_stmt(db, "INSERT INTO care_provider_services (provider_id, service) VALUES ($1, $2)", e);
		if (!st)
			return e->err;
		db_bind_int(st, 1, p->id);
		db_bind_text(st, 2, p->services[i]);
		err = db_exec_stmt(st, e);
	}
	return err;
}

static hm_err provider_services_load(hm_db *db, care_provider *p, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT service FROM care_provider_services WHERE provider_id = $1 ORDER BY service", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, p->id);
	int rc;
	p->nservices = 0;
	while ((rc = db_step(st)) == DB_ROW)
		if (p->nservices < CARE_MAX_SERVICES)
			COPY(p->services[p->nservices++], db_col_text(st, 0));
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err care_db_provider_insert(hm_db *db, int64_t org_id, int64_t user_id, int64_t now, care_provider *p, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO care_providers (org_id, name, kind, contact_name, contact_phone, address, note,"
			      " active, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, org_id);
	db_bind_text(st, 2, p->name);
	db_bind_text(st, 3, p->kind);
	db_bind_text(st, 4, p->contact_name);
	db_bind_text(st, 5, p->contact_phone);
	db_bind_text(st, 6, p->address);
	db_bind_text(st, 7, p->note);
	db_bind_int(st, 8, user_id);
	db_bind_int(st, 9, now);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	p->id = db_last_id(db);
	return provider_services_save(db, p, e);
}

hm_err care_db_provider_update(hm_db *db, int64_t now, const care_provider *p, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE care_providers SET name = $1, kind = $2, contact_name = $3, contact_phone = $4,"
			      " address = $5, note = $6, active = $7, updated_at = $8 WHERE id = $9",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, p->name);
	db_bind_text(st, 2, p->kind);
	db_bind_text(st, 3, p->contact_name);
	db_bind_text(st, 4, p->contact_phone);
	db_bind_text(st, 5, p->address);
	db_bind_text(st, 6, p->note);
	db_bind_int(st, 7, p->active);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, p->id);
	hm_err err = db_exec_stmt(st, e);
	return err ? err : provider_services_save(db, p, e);
}

#define PROVIDER_COLS                                                                                              \
	"p.id, p.org_id, o.code, o.name, p.name, p.kind, p.contact_name, p.contact_phone, p.address, p.note,"       \
	" p.active, p.created_at, p.updated_at,"                                                                     \
	" (SELECT count(*) FROM care_referrals r WHERE r.provider_id = p.id AND r.status <> 'closed')"

static void provider_row(hm_stmt *st, care_provider *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(st, 0);
	p->org_id = db_col_int(st, 1);
	COPY(p->org_code, db_col_text(st, 2));
	COPY(p->org_name, db_col_text(st, 3));
	COPY(p->name, db_col_text(st, 4));
	COPY(p->kind, db_col_text(st, 5));
	COPY(p->contact_name, db_col_text(st, 6));
	COPY(p->contact_phone, db_col_text(st, 7));
	COPY(p->address, db_col_text(st, 8));
	COPY(p->note, db_col_text(st, 9));
	p->active = db_col_int(st, 10);
	p->created_at = db_col_int(st, 11);
	p->updated_at = db_col_int(st, 12);
	p->open_referrals = db_col_int(st, 13);
}

hm_err care_db_provider_get(hm_db *db, int64_t scope, int64_t id, care_provider *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT " PROVIDER_COLS " FROM care_providers p JOIN orgs o ON o.id = p.org_id"
			      " WHERE ($1 = 0 OR p.org_id = $1) AND p.id = $2",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_PROVIDER_NOT_FOUND, "id", e);
	if (err)
		return err;
	provider_row(st, out);
	return provider_services_load(db, out, e);
}

#define PROVIDER_FILTER                                                                                        \
	" FROM care_providers p JOIN orgs o ON o.id = p.org_id"                                                 \
	" WHERE ($1 = 0 OR p.org_id = $1) AND ($2 = '' OR p.name LIKE '%' || $2 || '%') AND ($3 = '' OR p.kind = $3)" \
	" AND ($4 = '' OR EXISTS (SELECT 1 FROM care_provider_services s WHERE s.provider_id = p.id AND s.service = $4))" \
	" AND ($5 < 0 OR p.active = $5)"

static void bind_provider_filter(hm_stmt *st, int64_t scope, const care_provider_filter *f)
{
	db_bind_int(st, 1, scope);
	db_bind_text(st, 2, f->q);
	db_bind_text(st, 3, f->kind);
	db_bind_text(st, 4, f->service);
	db_bind_int(st, 5, f->active);
}

hm_err care_db_provider_list(hm_db *db, int64_t scope, const care_provider_filter *f, care_provider_visit visit,
			     void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" PROVIDER_FILTER, e);
	if (!st)
		return e->err;
	bind_provider_filter(st, scope, f);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db, "SELECT " PROVIDER_COLS PROVIDER_FILTER " ORDER BY p.id DESC LIMIT $6 OFFSET $7", e);
	if (!st)
		return e->err;
	bind_provider_filter(st, scope, f);
	db_bind_int(st, 6, f->page_size);
	db_bind_int(st, 7, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		care_provider p;
		provider_row(st, &p);
		hm_err err = provider_services_load(db, &p, e);
		if (err)
			return err;
		visit(&p, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- referrals -------------------------------------------------------- */

hm_err care_db_referral_insert(hm_db *db, int64_t user_id, int64_t now, care_referral *r, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO care_referrals (child_id, org_id, provider_id, application_id, service, reason,"
			      " status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'referred', $7, $8, $8)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, r->child_id);
	db_bind_int(st, 2, r->org_id);
	db_bind_int(st, 3, r->provider_id);
	db_bind_int_or_null(st, 4, r->application_id);
	db_bind_text(st, 5, r->service);
	db_bind_text(st, 6, r->reason);
	db_bind_int(st, 7, user_id);
	db_bind_int(st, 8, now);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		r->id = db_last_id(db);
	return err;
}

hm_err care_db_referral_open_exists(hm_db *db, int64_t child_id, int64_t provider_id, const char *service, bool *exists,
				    hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT count(*) FROM care_referrals WHERE child_id = $1 AND provider_id = $2 AND service = $3"
			      " AND status <> 'closed'",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, child_id);
	db_bind_int(st, 2, provider_id);
	db_bind_text(st, 3, service);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*exists = db_col_int(st, 0) > 0;
	return HM_OK;
}

hm_err care_db_referral_save_status(hm_db *db, int64_t now, const care_referral *r, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE care_referrals SET status = $1, status_note = $2, started_at = $3, closed_at = $4,"
			      " updated_at = $5 WHERE id = $6",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, r->status);
	db_bind_text(st, 2, r->status_note);
	db_bind_int_or_null(st, 3, r->started_at);
	db_bind_int_or_null(st, 4, r->closed_at);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, r->id);
	return db_exec_stmt(st, e);
}

#define REFERRAL_COLS                                                                                             \
	"r.id, r.child_id, c.name, r.org_id, o.code, o.name, r.provider_id, p.name, coalesce(r.application_id, 0),"  \
	" r.service, r.reason, r.status, r.status_note, coalesce(r.started_at, 0), coalesce(r.closed_at, 0),"        \
	" r.created_at, r.updated_at, (SELECT count(*) FROM care_sessions s WHERE s.referral_id = r.id)"
#define REFERRAL_FROM                                                                                        \
	" FROM care_referrals r JOIN children c ON c.id = r.child_id JOIN orgs o ON o.id = r.org_id"          \
	" JOIN care_providers p ON p.id = r.provider_id"

static void referral_row(hm_stmt *st, care_referral *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_col_int(st, 0);
	r->child_id = db_col_int(st, 1);
	COPY(r->child_name, db_col_text(st, 2));
	r->org_id = db_col_int(st, 3);
	COPY(r->org_code, db_col_text(st, 4));
	COPY(r->org_name, db_col_text(st, 5));
	r->provider_id = db_col_int(st, 6);
	COPY(r->provider_name, db_col_text(st, 7));
	r->application_id = db_col_int(st, 8);
	COPY(r->service, db_col_text(st, 9));
	COPY(r->reason, db_col_text(st, 10));
	COPY(r->status, db_col_text(st, 11));
	COPY(r->status_note, db_col_text(st, 12));
	r->started_at = db_col_int(st, 13);
	r->closed_at = db_col_int(st, 14);
	r->created_at = db_col_int(st, 15);
	r->updated_at = db_col_int(st, 16);
	r->sessions = db_col_int(st, 17);
}

hm_err care_db_referral_get(hm_db *db, int64_t scope, int64_t id, care_referral *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " REFERRAL_COLS REFERRAL_FROM " WHERE ($1 = 0 OR r.org_id = $1) AND r.id = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_REFERRAL_NOT_FOUND, "id", e);
	if (!err)
		referral_row(st, out);
	return err;
}

#define REFERRAL_FILTER                                                                                      \
	REFERRAL_FROM " WHERE ($1 = 0 OR r.org_id = $1) AND ($2 = 0 OR r.child_id = $2)"                       \
		      " AND ($3 = 0 OR r.provider_id = $3) AND ($4 = '' OR o.code = $4) AND ($5 = '' OR r.service = $5)" \
		      " AND ($6 = '' OR r.status = $6)"

static void bind_referral_filter(hm_stmt *st, int64_t scope, const care_referral_filter *f)
{
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, f->child_id);
	db_bind_int(st, 3, f->provider_id);
	db_bind_text(st, 4, f->district);
	db_bind_text(st, 5, f->service);
	db_bind_text(st, 6, f->status);
}

hm_err care_db_referral_list(hm_db *db, int64_t scope, const care_referral_filter *f, care_referral_visit visit,
			     void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" REFERRAL_FILTER, e);
	if (!st)
		return e->err;
	bind_referral_filter(st, scope, f);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db, "SELECT " REFERRAL_COLS REFERRAL_FILTER " ORDER BY r.id DESC LIMIT $7 OFFSET $8", e);
	if (!st)
		return e->err;
	bind_referral_filter(st, scope, f);
	db_bind_int(st, 7, f->page_size);
	db_bind_int(st, 8, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		care_referral r;
		referral_row(st, &r);
		visit(&r, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- sessions --------------------------------------------------------- */

hm_err care_db_session_insert(hm_db *db, int64_t user_id, int64_t now, care_session *s, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO care_sessions (referral_id, child_id, org_id, provider_id, held_at, notes, outcome,"
			      " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, s->referral_id);
	db_bind_int(st, 2, s->child_id);
	db_bind_int(st, 3, s->org_id);
	db_bind_int(st, 4, s->provider_id);
	db_bind_int(st, 5, s->held_at);
	hm_err serr = db_bind_sealed(st, 6, s->notes, e);
	if (serr)
		return serr;
	db_bind_text(st, 7, s->outcome);
	db_bind_int(st, 8, user_id);
	db_bind_int(st, 9, now);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		s->id = db_last_id(db);
	return err;
}

/* Notes are deliberately not among the list columns. */
#define SESSION_COLS                                                                                            \
	"s.id, s.referral_id, s.child_id, c.name, s.org_id, o.code, s.provider_id, p.name, r.service, s.held_at,"  \
	" s.notes <> '', s.outcome, s.created_at"
#define SESSION_FROM                                                                                           \
	" FROM care_sessions s JOIN care_referrals r ON r.id = s.referral_id JOIN children c ON c.id = s.child_id" \
	" JOIN orgs o ON o.id = s.org_id JOIN care_providers p ON p.id = s.provider_id"

static void session_row(hm_stmt *st, care_session *s)
{
	memset(s, 0, sizeof *s);
	s->id = db_col_int(st, 0);
	s->referral_id = db_col_int(st, 1);
	s->child_id = db_col_int(st, 2);
	COPY(s->child_name, db_col_text(st, 3));
	s->org_id = db_col_int(st, 4);
	COPY(s->org_code, db_col_text(st, 5));
	s->provider_id = db_col_int(st, 6);
	COPY(s->provider_name, db_col_text(st, 7));
	COPY(s->service, db_col_text(st, 8));
	s->held_at = db_col_int(st, 9);
	s->has_notes = db_col_int(st, 10);
	COPY(s->outcome, db_col_text(st, 11));
	s->created_at = db_col_int(st, 12);
}

hm_err care_db_session_get(hm_db *db, int64_t scope, int64_t id, care_session *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT " SESSION_COLS ", s.notes" SESSION_FROM " WHERE ($1 = 0 OR s.org_id = $1) AND s.id = $2",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_SESSION_NOT_FOUND, "id", e);
	if (err)
		return err;
	session_row(st, out);
	db_col_open(st, 13, out->notes, sizeof out->notes);
	return HM_OK;
}

#define SESSION_FILTER                                                                                          \
	SESSION_FROM " WHERE ($1 = 0 OR s.org_id = $1) AND ($2 = 0 OR s.child_id = $2) AND ($3 = 0 OR s.referral_id = $3)" \
		     " AND ($4 = 0 OR s.provider_id = $4) AND ($5 = '' OR o.code = $5) AND ($6 = '' OR r.service = $6)" \
		     " AND ($7 = 0 OR s.held_at >= $7) AND ($8 = 0 OR s.held_at < $8)"

static void bind_session_filter(hm_stmt *st, int64_t scope, const care_session_filter *f)
{
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, f->child_id);
	db_bind_int(st, 3, f->referral_id);
	db_bind_int(st, 4, f->provider_id);
	db_bind_text(st, 5, f->district);
	db_bind_text(st, 6, f->service);
	db_bind_int(st, 7, f->from);
	db_bind_int(st, 8, f->to);
}

hm_err care_db_session_list(hm_db *db, int64_t scope, const care_session_filter *f, care_session_visit visit,
			    void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" SESSION_FILTER, e);
	if (!st)
		return e->err;
	bind_session_filter(st, scope, f);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db, "SELECT " SESSION_COLS SESSION_FILTER " ORDER BY s.held_at DESC, s.id DESC LIMIT $9 OFFSET $10", e);
	if (!st)
		return e->err;
	bind_session_filter(st, scope, f);
	db_bind_int(st, 9, f->page_size);
	db_bind_int(st, 10, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		care_session s;
		session_row(st, &s);
		visit(&s, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- visits ----------------------------------------------------------- */

hm_err care_db_visit_insert(hm_db *db, int64_t user_id, int64_t now, care_visit *v, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO care_visits (child_id, org_id, visited_at, visitors, people_met, findings, follow_up,"
			      " follow_up_due, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, v->child_id);
	db_bind_int(st, 2, v->org_id);
	db_bind_int(st, 3, v->visited_at);
	db_bind_text(st, 4, v->visitors);
	db_bind_text(st, 5, v->people_met);
	hm_err serr = db_bind_sealed(st, 6, v->findings, e);
	if (serr)
		return serr;
	db_bind_text(st, 7, v->follow_up);
	db_bind_text(st, 8, v->follow_up_due);
	db_bind_int(st, 9, user_id);
	db_bind_int(st, 10, now);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		v->id = db_last_id(db);
	return err;
}

#define VISIT_COLS                                                                                             \
	"v.id, v.child_id, c.name, v.org_id, o.code, o.name, v.visited_at, v.visitors, v.people_met, v.findings," \
	" v.follow_up, v.follow_up_due, coalesce(u.display_name, ''), v.created_at"
#define VISIT_FROM                                                                                           \
	" FROM care_visits v JOIN children c ON c.id = v.child_id JOIN orgs o ON o.id = v.org_id"             \
	" LEFT JOIN users u ON u.id = v.created_by"

static void visit_row(hm_stmt *st, care_visit *v)
{
	memset(v, 0, sizeof *v);
	v->id = db_col_int(st, 0);
	v->child_id = db_col_int(st, 1);
	COPY(v->child_name, db_col_text(st, 2));
	v->org_id = db_col_int(st, 3);
	COPY(v->org_code, db_col_text(st, 4));
	COPY(v->org_name, db_col_text(st, 5));
	v->visited_at = db_col_int(st, 6);
	COPY(v->visitors, db_col_text(st, 7));
	COPY(v->people_met, db_col_text(st, 8));
	db_col_open(st, 9, v->findings, sizeof v->findings);
	COPY(v->follow_up, db_col_text(st, 10));
	COPY(v->follow_up_due, db_col_text(st, 11));
	COPY(v->created_by, db_col_text(st, 12));
	v->created_at = db_col_int(st, 13);
}

hm_err care_db_visit_get(hm_db *db, int64_t scope, int64_t id, care_visit *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " VISIT_COLS VISIT_FROM " WHERE ($1 = 0 OR v.org_id = $1) AND v.id = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_VISIT_NOT_FOUND, "id", e);
	if (!err)
		visit_row(st, out);
	return err;
}

#define VISIT_FILTER                                                                                        \
	VISIT_FROM " WHERE ($1 = 0 OR v.org_id = $1) AND ($2 = 0 OR v.child_id = $2) AND ($3 = '' OR o.code = $3)" \
		   " AND ($4 = 0 OR v.visited_at >= $4) AND ($5 = 0 OR v.visited_at < $5)"

static void bind_visit_filter(hm_stmt *st, int64_t scope, const care_visit_filter *f)
{
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, f->child_id);
	db_bind_text(st, 3, f->district);
	db_bind_int(st, 4, f->from);
	db_bind_int(st, 5, f->to);
}

hm_err care_db_visit_list(hm_db *db, int64_t scope, const care_visit_filter *f, care_visit_visit visit, void *arg,
			  int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" VISIT_FILTER, e);
	if (!st)
		return e->err;
	bind_visit_filter(st, scope, f);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db, "SELECT " VISIT_COLS VISIT_FILTER " ORDER BY v.visited_at DESC, v.id DESC LIMIT $6 OFFSET $7", e);
	if (!st)
		return e->err;
	bind_visit_filter(st, scope, f);
	db_bind_int(st, 6, f->page_size);
	db_bind_int(st, 7, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		care_visit v;
		visit_row(st, &v);
		visit(&v, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- timeline --------------------------------------------------------- */

static hm_err tl_run(hm_db *db, hm_stmt *st, int64_t scope, int64_t child_id, care_tl_kind kind, care_tl_add add,
		     void *arg, hm_error *e)
{
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, child_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		/* columns: at, ref_id, seq, action, status, text, amount, name */
		care_tl_item it;
		memset(&it, 0, sizeof it);
		it.kind = kind;
		it.at = db_col_int(st, 0);
		it.ref_id = db_col_int(st, 1);
		it.seq = db_col_int(st, 2);
		COPY(it.action, db_col_text(st, 3));
		COPY(it.status, db_col_text(st, 4));
		COPY(it.text, db_col_text(st, 5));
		it.amount = db_col_int(st, 6);
		add(&it, db_col_text(st, 7), arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err care_db_timeline(hm_db *db, int64_t scope, int64_t child_id, care_tl_add add, void *arg, hm_error *e)
{
	static const char *const sql[] = {
		[CARE_TL_APPLICATION] =
			"SELECT ev.at, ev.application_id, ev.id, ev.action, ev.to_status, ev.note, 0, ''"
			" FROM application_events ev JOIN applications a ON a.id = ev.application_id"
			" WHERE ($1 = 0 OR a.org_id = $1) AND a.child_id = $2",
		/* the money that left the bank account for this child's applications */
		[CARE_TL_PAYMENT] =
			"SELECT j.at, a.id, j.id, '', '', j.memo, -p.amount, ''"
			" FROM applications a JOIN journal_entries j ON j.id = a.payment_entry_id"
			" JOIN postings p ON p.entry_id = j.id JOIN accounts ac ON ac.id = p.account_id"
			" WHERE ($1 = 0 OR a.org_id = $1) AND a.child_id = $2 AND ac.code = '1001'",
		[CARE_TL_REFERRAL] =
			"SELECT r.created_at, r.id, r.id, '', r.service, r.reason, 0, p.name"
			" FROM care_referrals r JOIN care_providers p ON p.id = r.provider_id"
			" WHERE ($1 = 0 OR r.org_id = $1) AND r.child_id = $2",
		[CARE_TL_REFERRAL_CLOSED] =
			"SELECT r.closed_at, r.id, r.id, '', r.service, r.status_note, 0, p.name"
			" FROM care_referrals r JOIN care_providers p ON p.id = r.provider_id"
			" WHERE ($1 = 0 OR r.org_id = $1) AND r.child_id = $2 AND r.closed_at IS NOT NULL",
		/* the outcome only: notes stay out of the timeline */
		[CARE_TL_SESSION] =
			"SELECT s.held_at, s.id, s.id, '', r.service, s.outcome, 0, p.name"
			" FROM care_sessions s JOIN care_referrals r ON r.id = s.referral_id"
			" JOIN care_providers p ON p.id = s.provider_id"
			" WHERE ($1 = 0 OR s.org_id = $1) AND s.child_id = $2",
		[CARE_TL_VISIT] =
			"SELECT v.visited_at, v.id, v.id, '', '', v.visitors, 0, ''"
			" FROM care_visits v WHERE ($1 = 0 OR v.org_id = $1) AND v.child_id = $2",
	};
	for (size_t k = 0; k < sizeof sql / sizeof sql[0]; k++) {
		hm_stmt *st = db_stmt(db, sql[k], e);
		if (!st)
			return e->err;
		hm_err err = tl_run(db, st, scope, child_id, (care_tl_kind)k, add, arg, e);
		if (err)
			return err;
	}
	return HM_OK;
}
