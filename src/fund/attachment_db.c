/* The SQL of attachments. Every read takes the caller's scope ($1), so a
 * district user cannot reach another district's document by its id. */
#include "fund/attachment_db.h"

#include <stdio.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static hm_err org_of(hm_db *db, const char *sql, int64_t scope, int64_t id, hm_err not_found, int64_t *org_id,
		     hm_error *e)
{
	hm_stmt *st = db_stmt(db, sql, e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, not_found, "id", e);
	if (!err)
		*org_id = db_col_int(st, 0);
	return err;
}

hm_err attachment_db_child_org(hm_db *db, int64_t scope, int64_t child_id, int64_t *org_id, hm_error *e)
{
	return org_of(db, "SELECT org_id FROM children WHERE ($1 = 0 OR org_id = $1) AND id = $2", scope, child_id,
		      HM_E_CHILD_NOT_FOUND, org_id, e);
}

hm_err attachment_db_app_org(hm_db *db, int64_t scope, int64_t app_id, int64_t *org_id, hm_error *e)
{
	return org_of(db, "SELECT org_id FROM applications WHERE ($1 = 0 OR org_id = $1) AND id = $2", scope, app_id,
		      HM_E_APP_NOT_FOUND, org_id, e);
}

hm_err attachment_db_find(hm_db *db, const attachment *a, int64_t *id, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT id FROM attachments WHERE hash = $1 AND coalesce(child_id, 0) = $2"
			      " AND coalesce(application_id, 0) = $3 ORDER BY id LIMIT 1",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, a->hash);
	db_bind_int(st, 2, a->child_id);
	db_bind_int(st, 3, a->application_id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	else if (rc == DB_DONE)
		*id = 0;
	else
		return db_error(db, e);
	return HM_OK;
}

hm_err attachment_db_blob_insert(hm_db *db, const attachment *a, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO attachment_blobs (hash, size, content_type, created_at) VALUES ($1, $2, $3, $4)"
			      " ON CONFLICT (hash) DO NOTHING",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, a->hash);
	db_bind_int(st, 2, a->size);
	db_bind_text(st, 3, a->content_type);
	db_bind_int(st, 4, now);
	return db_exec_stmt(st, e);
}

hm_err attachment_db_insert(hm_db *db, attachment *a, int64_t user_id, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO attachments (hash, org_id, child_id, application_id, doc_type, filename,"
			      " uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, a->hash);
	db_bind_int(st, 2, a->org_id);
	if (a->child_id)
		db_bind_int(st, 3, a->child_id);
	else
		db_bind_null(st, 3);
	if (a->application_id)
		db_bind_int(st, 4, a->application_id);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, a->doc_type);
	db_bind_text(st, 6, a->filename);
	db_bind_int(st, 7, user_id);
	db_bind_int(st, 8, now);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		a->id = db_last_id(db);
	return err;
}

#define ATT_COLS                                                                                                 \
	"a.id, a.hash, a.org_id, o.code, coalesce(a.child_id, 0), coalesce(a.application_id, 0),"                  \
	" coalesce(a.child_id, ap.child_id), coalesce(c.name, ''), a.doc_type, a.filename, b.content_type, b.size," \
	" coalesce(u.display_name, ''), a.uploaded_at"
#define ATT_FROM                                                                                               \
	" FROM attachments a JOIN attachment_blobs b ON b.hash = a.hash JOIN orgs o ON o.id = a.org_id"         \
	" LEFT JOIN applications ap ON ap.id = a.application_id"                                                \
	" LEFT JOIN children c ON c.id = coalesce(a.child_id, ap.child_id) LEFT JOIN users u ON u.id = a.uploaded_by"

static void att_row(hm_stmt *st, attachment *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_col_int(st, 0);
	COPY(a->hash, db_col_text(st, 1));
	a->org_id = db_col_int(st, 2);
	COPY(a->org_code, db_col_text(st, 3));
	a->child_id = db_col_int(st, 4);
	a->application_id = db_col_int(st, 5);
	a->owner_child_id = db_col_int(st, 6);
	COPY(a->child_name, db_col_text(st, 7));
	COPY(a->doc_type, db_col_text(st, 8));
	COPY(a->filename, db_col_text(st, 9));
	COPY(a->content_type, db_col_text(st, 10));
	a->size = db_col_int(st, 11);
	COPY(a->uploaded_by, db_col_text(st, 12));
	a->uploaded_at = db_col_int(st, 13);
}

hm_err attachment_db_get(hm_db *db, int64_t scope, int64_t id, attachment *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " ATT_COLS ATT_FROM " WHERE ($1 = 0 OR a.org_id = $1) AND a.id = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_ATTACHMENT_NOT_FOUND, "id", e);
	if (!err)
		att_row(st, out);
	return err;
}

#define ATT_FILTER                                                                                            \
	ATT_FROM " WHERE ($1 = 0 OR a.org_id = $1) AND ($2 = 0 OR a.child_id = $2 OR ap.child_id = $2)"          \
		 " AND ($3 = 0 OR a.application_id = $3) AND ($4 = '' OR o.code = $4) AND ($5 = '' OR a.doc_type = $5)"

static void bind_att_filter(hm_stmt *st, int64_t scope, const attachment_filter *f)
{
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, f->child_id);
	db_bind_int(st, 3, f->application_id);
	db_bind_text(st, 4, f->district);
	db_bind_text(st, 5, f->doc_type);
}

hm_err attachment_db_list(hm_db *db, int64_t scope, const attachment_filter *f, attachment_visit visit, void *arg,
			  int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" ATT_FILTER, e);
	if (!st)
		return e->err;
	bind_att_filter(st, scope, f);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db, "SELECT " ATT_COLS ATT_FILTER " ORDER BY a.id DESC LIMIT $6 OFFSET $7", e);
	if (!st)
		return e->err;
	bind_att_filter(st, scope, f);
	db_bind_int(st, 6, f->page_size);
	db_bind_int(st, 7, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		attachment a;
		att_row(st, &a);
		visit(&a, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
