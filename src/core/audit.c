/* Append-only, hash-chained audit records. The hash covers every column
 * except itself, each field length-prefixed so no two records can serialise
 * alike. The genesis record's prev_hash is 64 zeros. */
#include "core/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char GENESIS[65] = "0000000000000000000000000000000000000000000000000000000000000000";

static void hex(const unsigned char *b, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, b, n);
}

void audit_digest(const char *text, char out[65])
{
	if (!text) {
		out[0] = '\0';
		return;
	}
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
	hex(h, sizeof h, out);
}

static void feed_str(crypto_generichash_state *st, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof len, "%zu:", n);
	crypto_generichash_update(st, (const unsigned char *)len, (size_t)k);
	if (n)
		crypto_generichash_update(st, (const unsigned char *)s, n);
}

static void feed_int(crypto_generichash_state *st, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	feed_str(st, buf);
}

void audit_chain_hash(const audit_rec *r, const char *prev_hash, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	feed_str(&st, prev_hash);
	feed_int(&st, r->id);
	feed_int(&st, r->at);
	feed_int(&st, r->actor_id);
	feed_str(&st, r->action);
	feed_str(&st, r->entity);
	feed_int(&st, r->entity_id);
	feed_str(&st, r->old_digest);
	feed_str(&st, r->new_digest);
	feed_str(&st, r->detail);
	crypto_generichash_final(&st, h, sizeof h);
	hex(h, sizeof h, out);
}

hm_err audit_append(hm_db *db, int64_t at, int64_t actor_id, const char *action, const char *entity,
		    int64_t entity_id, const char *old_json, const char *new_json, const char *detail,
		    hm_error *e)
{
	char prev[65], od[65], nd[65], hash[65];
	int64_t id = 1;
	hm_stmt *st = db_stmt(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", e);
	if (!st)
		return e->err;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0) + 1;
		snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
	} else if (rc == DB_DONE) {
		memcpy(prev, GENESIS, sizeof prev);
	} else {
		return db_error(db, e);
	}
	audit_digest(old_json, od);
	audit_digest(new_json, nd);
	audit_rec r = {id, at, actor_id, action, entity, entity_id, od, nd, detail ? detail : "{}"};
	audit_chain_hash(&r, prev, hash);
	st = db_stmt(db,
		     "INSERT INTO audit_log (id, at, actor_id, action, entity, entity_id, old_digest, new_digest,"
		     " detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, at);
	if (actor_id)
		db_bind_int(st, 3, actor_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, action);
	db_bind_text(st, 5, entity);
	db_bind_int(st, 6, entity_id);
	db_bind_text(st, 7, od);
	db_bind_text(st, 8, nd);
	db_bind_text(st, 9, r.detail);
	db_bind_text(st, 10, prev);
	db_bind_text(st, 11, hash);
	return db_exec_stmt(st, e);
}

hm_err audit_verify(hm_db *db, int64_t *count, int64_t *bad_id, hm_error *e)
{
	char prev[65], hash[65];
	memcpy(prev, GENESIS, sizeof prev);
	*count = 0;
	*bad_id = 0;
	hm_stmt *st = db_stmt(db,
			      "SELECT id, at, coalesce(actor_id, 0), action, entity, entity_id, old_digest, new_digest,"
			      " detail, prev_hash, hash FROM audit_log ORDER BY id",
			      e);
	if (!st)
		return e->err;
	int rc;
	int64_t expect_id = 1;
	while ((rc = db_step(st)) == DB_ROW) {
		audit_rec r = {db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2), db_col_text(st, 3),
			       db_col_text(st, 4), db_col_int(st, 5), db_col_text(st, 6), db_col_text(st, 7),
			       db_col_text(st, 8)};
		audit_chain_hash(&r, prev, hash);
		/* a deleted record shows as a gap in ids as well as a broken link */
		if (r.id != expect_id || strcmp(db_col_text(st, 9), prev) != 0 || strcmp(db_col_text(st, 10), hash) != 0) {
			*bad_id = r.id;
			return hm_failf(e, HM_E_INTERNAL, NULL, "审计记录 #%lld 与审计链不符（已被改动或删除）", (long long)r.id);
		}
		memcpy(prev, hash, sizeof prev);
		expect_id++;
		(*count)++;
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err audit_list(hm_db *db, const char *entity, int64_t entity_id, audit_visit visit, void *arg, int64_t *n, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT a.id, a.at, coalesce(a.actor_id, 0), a.action, a.entity, a.entity_id, a.old_digest,"
			      " a.new_digest, a.detail, coalesce(u.display_name, '系统')"
			      " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
			      " WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, entity);
	db_bind_int(st, 2, entity_id);
	*n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		audit_rec r = {db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2), db_col_text(st, 3),
			       db_col_text(st, 4), db_col_int(st, 5), db_col_text(st, 6), db_col_text(st, 7),
			       db_col_text(st, 8)};
		visit(&r, db_col_text(st, 9), arg);
		(*n)++;
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
