/* The API harness: the dispatcher's path from route lookup to handler,
 * without libmicrohttpd's socket. server.c's dispatch() needs a live
 * connection, so this file repeats its steps for a request that is already
 * signed in: find the route (route_match over hm_routes, as find_route
 * does), check the permission, parse the body as parse_body does (an
 * object, no duplicate keys), open the route's transaction, run the
 * handler, then roll back.
 *
 * Handlers read query arguments and headers through http_query and
 * http_header, which call libmicrohttpd's MHD_lookup_connection_value and
 * MHD_get_connection_values. This file defines those two functions itself
 * (the linker takes a definition in an object file over the shared
 * library's), backed by a fake connection holding the arguments of the
 * fuzzed query string, decoded as libmicrohttpd decodes them ('+' is a
 * space, %XX a byte; a key without '=' has a NULL value). */
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/calendar.h"
#include "core/crypt.h"
#include "core/embedded.h"
#include "core/hmtime.h"
#include "core/idcard.h"
#include "core/log.h"
#include "core/users.h"
#include "fund/fund.h"
#include "fund/fund_demo.h"
#include "fuzz/fuzz.h"
#include "http/core_http.h"
#include "http/server.h"

#define MAX_ARGS 32

struct fake_conn {
	int nargs;
	char *keys[MAX_ARGS];
	char *vals[MAX_ARGS];
	const char *content_type;
};

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
					const char *key)
{
	struct fake_conn *c = (struct fake_conn *)connection;
	if (!c || !key)
		return NULL;
	if (kind & MHD_GET_ARGUMENT_KIND)
		for (int i = 0; i < c->nargs; i++)
			if (strcmp(c->keys[i], key) == 0)
				return c->vals[i];
	if ((kind & MHD_HEADER_KIND) && strcasecmp(key, "Content-Type") == 0)
		return c->content_type;
	return NULL;
}

int MHD_get_connection_values(struct MHD_Connection *connection, enum MHD_ValueKind kind,
			      MHD_KeyValueIterator iterator, void *iterator_cls)
{
	struct fake_conn *c = (struct fake_conn *)connection;
	if (!c)
		return -1;
	if (!(kind & MHD_GET_ARGUMENT_KIND))
		return 0;
	int n = 0;
	for (int i = 0; i < c->nargs; i++) {
		n++;
		if (iterator && iterator(iterator_cls, MHD_GET_ARGUMENT_KIND, c->keys[i], c->vals[i]) != MHD_YES)
			break;
	}
	return n;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decode in place: '+' → ' ', %XX → byte (a bad escape stays as it is). */
static void unescape(char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (*p == '+') {
			*w++ = ' ';
		} else if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			*w++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static void parse_query(struct fake_conn *c, char *q)
{
	while (q && *q && c->nargs < MAX_ARGS) {
		char *amp = strchr(q, '&');
		if (amp)
			*amp = '\0';
		char *eq = strchr(q, '=');
		if (eq)
			*eq = '\0';
		unescape(q);
		if (eq)
			unescape(eq + 1);
		c->keys[c->nargs] = q;
		c->vals[c->nargs] = eq ? eq + 1 : NULL;
		c->nargs++;
		q = amp ? amp + 1 : NULL;
	}
}

/* ---- the database every input starts from ----------------------------- */

static hm_app app;
static char dir[80];
static hm_user users[16];
static int nusers;

static const struct {
	const char *user, *role, *org;
} fuzz_users[] = {
	{"f_caseworker", "caseworker", "370402"},   {"f_reviewer", "reviewer", "370402"},
	{"f_approver", "approver", "370400"},       {"f_finance", "finance", "370400"},
	{"f_admin", "admin", "370400"},             {"f_leader", "leader", "370400"},
	{"f_hotline_operator", "hotline_operator", "370400"},
	{"f_hotline_supervisor", "hotline_supervisor", "370400"},
	{"f_dept_clerk", "dept_clerk", "370402"},   {"f_butler", "butler", "370406"},
	{"f_butler_admin", "butler_admin", "370406"}, {"f_caseworker_xc", "caseworker", "370403"},
};

static void die(const char *what, const hm_error *e)
{
	fprintf(stderr, "fuzz harness: %s: %s\n", what, e ? hm_error_message(e) : "");
	abort();
}

static void cleanup(void)
{
	store_close(app.store);
	calendar_free(app.calendar);
	divisions_free(app.divisions);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (dir[0] && system(cmd) != 0)
		fprintf(stderr, "fuzz harness: could not remove %s\n", dir);
}

static void setup(void)
{
	hm_error e;
	hm_error_clear(&e);
	hm_log_quiet(1);
	if (sodium_init() < 0)
		die("sodium_init", NULL);
	/* libFuzzer ends with _Exit (no atexit): fuzz/run points TMPDIR at a
	 * directory it removes afterwards */
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%.40s/huimin-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	char path[128];
	snprintf(path, sizeof path, "%s/huimin.db.key", dir);
	if (crypt_keyfile_create(path, &e) || crypt_keyfile_load(path, &e))
		die("key file", &e);
	snprintf(path, sizeof path, "%s/huimin.db", dir);
	store_options so = {.create = true, .migrate = true};
	app.store = store_open(path, &so, &e);
	if (!app.store)
		die("store_open", &e);
	app.calendar = calendar_new();
	const struct hm_embedded_file *f = hm_embedded_find("data/divisions.tsv");
	app.divisions = f ? divisions_parse((const char *)f->data, f->len, &e) : NULL;
	app.data_dir = dir;
	app.session_ttl = 3600;
	hm_db *db = store_conn(app.store, &e);
	if (!db || !app.calendar || !app.divisions || calendar_boot(&app, db, &e))
		die("boot", &e);
	int64_t now = hm_now();
	if (db_begin(db, true, &e) || orgs_seed(db, &e) || fund_book_opening(db, now, &e))
		die("seed", &e);
	int64_t ids[16];
	nusers = (int)(sizeof fuzz_users / sizeof fuzz_users[0]);
	/* one argon2id hash (slow on purpose), copied to the other users */
	if (user_create(db, now, 0, fuzz_users[0].user, fuzz_users[0].user, fuzz_users[0].role, fuzz_users[0].org,
			"Fuzz-pass-2026", false, &ids[0], &e))
		die(fuzz_users[0].user, &e);
	for (int i = 1; i < nusers; i++) {
		hm_stmt *st = db_stmt(db,
				      "INSERT INTO users (username, display_name, role, org_id, pw_hash, is_demo, created_at,"
				      " pw_changed_at) SELECT $1, $1, $2, o.id, u.pw_hash, 0, $3, $3 FROM users u, orgs o"
				      " WHERE u.id = $4 AND o.code = $5",
				      &e);
		if (!st)
			die("users", &e);
		db_bind_text(st, 1, fuzz_users[i].user);
		db_bind_text(st, 2, fuzz_users[i].role);
		db_bind_int(st, 3, now);
		db_bind_int(st, 4, ids[0]);
		db_bind_text(st, 5, fuzz_users[i].org);
		if (db_exec_stmt(st, &e))
			die(fuzz_users[i].user, &e);
		ids[i] = db_last_id(db);
	}
	for (int i = 0; i < nusers; i++)
		if (user_load(db, ids[i], &users[i], &e))
			die("user_load", &e);
	if (fund_demo_seed(db, app.calendar, app.divisions, now, ids[0], ids[1], ids[2], ids[3], &e) ||
	    db_commit(db, &e))
		die("demo", &e);
	atexit(cleanup);
}

static const hm_user *user_for(const char *role)
{
	if (!role || !*role || strcmp(role, "anonymous") == 0)
		return NULL;
	for (int i = 0; i < nusers; i++)
		if (users[i].role && strcmp(users[i].role->code, role) == 0)
			return &users[i];
	/* "caseworker_xc": the caseworker of another district */
	for (int i = 0; i < nusers; i++)
		if (strcmp(users[i].username + 2, role) == 0)
			return &users[i];
	return NULL;
}

void fuzz_api_request(const char *method, const char *target, const char *role, const char *body, size_t body_len,
		      const char *content_type)
{
	if (!app.store)
		setup();
	char *path = strdup(target);
	if (!path)
		abort();
	struct fake_conn conn = {.content_type = content_type};
	char *q = strchr(path, '?');
	if (q) {
		*q++ = '\0';
		parse_query(&conn, q);
	}
	/* find_route, as the dispatcher does it */
	const hm_route *rt = NULL;
	char params[HM_MAX_PARAMS][64];
	hm_req r;
	memset(&r, 0, sizeof r);
	for (const hm_route *x = hm_routes; x->pattern && !rt; x++) {
		const char *ps[HM_MAX_PARAMS];
		size_t lens[HM_MAX_PARAMS];
		int n;
		if (!route_match(x->pattern, path, ps, lens, &n) || strcmp(x->method, method) != 0)
			continue;
		for (int i = 0; i < n; i++) {
			size_t l = lens[i] < sizeof params[i] - 1 ? lens[i] : sizeof params[i] - 1;
			memcpy(params[i], ps[i], l);
			params[i][l] = '\0';
			r.params[i] = params[i];
		}
		r.nparams = n;
		rt = x;
	}
	/* routes that run argon2id on every call (sign-in, password change, new
	 * user) would make each input take a second; their bodies go through the
	 * same json_check as every other route's */
	if (rt && (strcmp(rt->pattern, "/api/v1/session") == 0 || strcmp(rt->pattern, "/api/v1/session/password") == 0 ||
		   (strcmp(rt->pattern, "/api/v1/users") == 0 && strcmp(rt->method, "POST") == 0)))
		rt = NULL;
	const hm_user *u = user_for(role);
	/* the static replies (R_NOTX) need no database; every other route needs
	 * a user with the permission, unless public */
	if (!rt || (rt->flags & R_NOTX && strcmp(rt->pattern, "/api/v1/calendar/deadline") != 0) ||
	    (!(rt->flags & R_PUBLIC) && !u) || (rt->perm && !(u && perm_has(u->role, rt->perm)))) {
		free(path);
		return;
	}
	r.app = &app;
	r.method = rt->method;
	r.path = path;
	r.conn = &conn;
	r.now = hm_now();
	r.status = 200;
	if (u)
		r.user = *u;
	if (rt->flags & R_UPLOAD) {
		r.upload = body;
		r.upload_len = body_len;
	} else if (body_len) {
		json_error_t je;
		json_t *j = json_loadb(body, body_len, JSON_REJECT_DUPLICATES, &je);
		if (!j || !json_is_object(j)) {
			json_decref(j);
			free(path);
			return;
		}
		r.body = j;
	}
	hm_error_clear(&r.err);
	if (rt->flags & R_NOTX) {
		rt->handler(&r);
	} else {
		r.db = store_conn(app.store, &r.err);
		if (!r.db || db_begin(r.db, rt->flags & R_WRITE, &r.err))
			die("begin", &r.err);
		rt->handler(&r);
		/* whatever the handler did, the next input starts from the same state */
		db_rollback(r.db);
		db_release(r.db);
	}
	/* a reply must serialise (the dispatcher sends it) */
	if (r.reply) {
		char *text = json_dumps(r.reply, JSON_COMPACT);
		if (!text)
			abort();
		free(text);
	}
	/* hostile input should get a 4xx; with FUZZ_STRICT=1 a 5xx is a finding */
	static int strict = -1;
	if (strict < 0)
		strict = getenv("FUZZ_STRICT") && strcmp(getenv("FUZZ_STRICT"), "1") == 0;
	hm_err rc = r.err.err;
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "# %s %s as %s -> %d %s\n", method, target, role ? role : "-",
			rc ? hm_err_status(rc) : r.status, rc ? hm_err_code(rc) : "");
	if (strict && (rc == HM_E_INTERNAL || (rc == HM_OK && r.status >= 500))) {
		fprintf(stderr, "fuzz harness: %s %s as %s: 5xx (%s: %s)\n", method, target, role ? role : "-",
			hm_err_code(rc), hm_error_message(&r.err));
		abort();
	}
	json_decref(r.body);
	json_decref(r.reply);
	free(r.raw);
	free(r.commit_arg);
	free(path);
}
