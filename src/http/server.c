/* The dispatcher. libmicrohttpd calls access() several times per request:
 * first to announce it, then with body chunks, then once with no data, when
 * we answer. The request context lives from the first call to completed(),
 * which writes the access-log line and frees everything in one place.
 *
 * Writes are committed in groups. A request thread checks the session, the
 * CSRF token and the permission on its own connection, then suspends the
 * HTTP connection and queues the route for the one writer thread; the
 * request thread goes on serving other connections meanwhile, so a group
 * can hold as many writes as there are clients waiting. (A write that
 * finds nothing queued, running or syncing is run by its request thread
 * itself, on the writer's connection, as a group of one: writer_inline.) The writer takes
 * every write queued while it was busy with the group before (up to
 * WRITER_BATCH), opens one transaction, runs each handler in its own
 * savepoint (a failing request is rolled back to it alone) and commits
 * once. The group's log is then synced to disk by a second thread while
 * the writer runs the next group (pipelined: the CPU work of one group
 * overlaps the fsync of the one before, and one fsync may cover several
 * groups). Only after that fsync are the group's connections resumed to
 * send their replies, so no reply, error replies included, ever leaves
 * before the data it reports is durable; a failed COMMIT fails every
 * request of the group, a failed fsync stops the server. Other connections
 * may read a group's data in the moment between its COMMIT and its fsync;
 * a write that builds on it is later in the same log, so after a power cut
 * it is never kept without it. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/hmtime.h"
#include "core/json_text.h"
#include "core/log.h"
#include "core/users.h"
#include "http/session.h"
#include "http/static.h"

#define TX_RETRIES 8
#define WRITER_BATCH 64 /* requests committed together at most */
/* WAL frames after which the checkpointer copies the log into the database
 * (99 MB). SQLite's automatic checkpoint runs at 1000; a checkpoint copies
 * the last version of each page once, and the pages every write touches
 * (table ends, counters, index ends) are copied that much less often: at
 * 8,000 frames the checkpointer took 17% -> under 10% of the server's CPU
 * under a write load; at 24,000 the server's CPU per submit at 16
 * connections fell again by a quarter (0.55/0.39 -> 0.41/0.30 ms, runs
 * paired on the same minutes). Readers find a page in the log through one
 * more hash table per 4,096 frames; recovery after a crash reads the log. */
#define CHECKPOINT_FRAMES 24000
/* The log's limit (writer.log_limit) is half as much again as the
 * checkpoint interval, since the log goes on growing while a checkpoint
 * runs. Past it the writer finishes the checkpoint itself (run_group). The
 * file is grown to this size when the server starts, so that it is written
 * over, not appended to (db_reserve_log). */
#define LOG_FRAME_BYTES (4096 + 24)

typedef struct req_ctx req_ctx;

static atomic_uint_fast64_t write_generation;

uint64_t http_write_generation(void)
{
	return atomic_load(&write_generation);
}

/* A write waiting for (or being run by) the writer thread. Lives in the
 * request's context while its connection is suspended. */
typedef struct wjob {
	req_ctx *c;
	const char *idem_key;
	char idem_hash[65];
	bool ok;              /* the handler succeeded: run on_commit after COMMIT */
	struct wjob *next;
} wjob;

typedef struct writer {
	pthread_t th;
	bool running;
	pthread_mutex_t mu;
	pthread_cond_t work;  /* a job was queued, the connection is free, or stop */
	wjob *head, *tail;
	bool stop;
	/* the writer's connection, once open, and whether a group runs on it:
	 * the writer thread's or a request's own (writer_inline) */
	hm_db *db;
	bool busy;
	/* the syncer: committed groups waiting for the fsync that makes them
	 * durable, then their replies */
	pthread_t sync_th;
	bool sync_running;
	pthread_mutex_t sync_mu;
	pthread_cond_t sync_work;
	wjob *sync_head, *sync_tail;
	bool sync_stop;
	bool syncing;         /* the syncer is between taking groups and replying */
	hm_store *store;
	/* the checkpointer: copies the log into the database file beside the
	 * writer, which before did it inside a COMMIT now and then (a few ms
	 * that the whole group waited for) */
	pthread_t ckpt_th;
	bool ckpt_running;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_work;
	bool ckpt_due, ckpt_stop;
	int ckpt_frames;      /* log frames that call for a checkpoint */
	int log_limit;        /* log frames past which the writer checkpoints */
	/* the writer thread's own tally, read after it ended */
	long long committed, groups, largest;
} writer;

struct hm_server {
	struct MHD_Daemon *d;
	hm_app *app;
	int fd;
	int port;
	atomic_int in_flight;
	atomic_bool draining;
	writer w;
};

struct req_ctx {
	hm_req r;
	char *body;
	size_t body_len;
	bool too_large;
	const hm_route *route;   /* found when the request arrived; NULL = none */
	bool path_known;         /* some route has this path (for 405 vs 404) */
	size_t limit;            /* body bytes allowed for this route */
	char params[HM_MAX_PARAMS][64];
	int64_t start_ns;
	hm_server *srv;
	wjob job;                /* the write, while the writer has it */
	bool written;            /* the writer is done: resumed to reply */
};

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

bool route_match(const char *pattern, const char *path, const char **params, size_t *lens, int *n)
{
	*n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return false;
			size_t len = strcspn(s, "/");
			if (len == 0 || *n >= HM_MAX_PARAMS)
				return false;
			params[*n] = s;
			lens[*n] = len;
			(*n)++;
			p = close + 1;
			s += len;
		} else if (*p++ != *s++) {
			return false;
		}
	}
	return *p == '\0' && *s == '\0';
}

static const hm_route *find_route(const char *method, const char *path, req_ctx *c, bool *path_known)
{
	*path_known = false;
	for (const hm_route *rt = hm_routes; rt->pattern; rt++) {
		const char *ps[HM_MAX_PARAMS];
		size_t lens[HM_MAX_PARAMS];
		int n;
		if (!route_match(rt->pattern, path, ps, lens, &n))
			continue;
		*path_known = true;
		if (strcmp(rt->method, method) != 0)
			continue;
		for (int i = 0; i < n; i++) {
			size_t l = lens[i] < sizeof c->params[i] - 1 ? lens[i] : sizeof c->params[i] - 1;
			memcpy(c->params[i], ps[i], l);
			c->params[i][l] = '\0';
			c->r.params[i] = c->params[i];
		}
		c->r.nparams = n;
		return rt;
	}
	return NULL;
}

static json_t *error_json(const hm_error *e)
{
	json_t *err = json_pack("{s:s, s:s}", "code", hm_err_code(e->err), "message", hm_error_message(e));
	if (e->field[0])
		json_object_set_new(err, "field", json_string(e->field));
	return json_pack("{s:o}", "error", err);
}

static void add_common_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
				" frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, req_ctx *c)
{
	hm_req *r = &c->r;
	char *text;
	size_t len;
	const char *type;
	if (r->raw) {
		text = r->raw;
		r->raw = NULL;
		len = r->raw_len;
		type = r->raw_type;
	} else {
		json_t *j = r->reply ? r->reply : json_object();
		r->reply = NULL;
		text = json_text(j, &len);
		json_decref(j);
		if (!text)
			return MHD_NO;
		type = http_json_type;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	add_common_headers(resp);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void fail_reply(hm_req *r)
{
	if (r->err.err == HM_OK)
		hm_fail(&r->err, HM_E_INTERNAL, NULL);
	json_decref(r->reply);
	r->reply = error_json(&r->err);
	r->status = hm_err_status(r->err.err);
	free(r->raw);
	r->raw = NULL;
}

/* Parse the JSON body: an object, no duplicate keys, valid UTF-8. */
static hm_err parse_body(req_ctx *c)
{
	hm_req *r = &c->r;
	if (c->body_len == 0)
		return HM_OK;
	const char *ct = http_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0)
		return hm_fail(&r->err, HM_E_UNSUPPORTED_MEDIA, NULL);
	json_error_t je;
	json_t *j = json_loadb(c->body, c->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return hm_failf(&r->err, HM_E_BAD_JSON, NULL, "请求内容不是有效的 JSON（第 %d 行第 %d 列）", je.line, je.column);
	if (!json_is_object(j)) {
		json_decref(j);
		return hm_failf(&r->err, HM_E_BAD_JSON, NULL, "请求内容应为 JSON 对象");
	}
	r->body = j;
	return HM_OK;
}

/* Idempotency: a write sent again with the same key gets the first reply.
 * The remembered reply is written in the same transaction as the write, so
 * either both exist or neither does. */
static void request_hash(req_ctx *c, char out[65])
{
	unsigned char h[32];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)c->r.method, strlen(c->r.method) + 1);
	crypto_generichash_update(&st, (const unsigned char *)c->r.path, strlen(c->r.path) + 1);
	if (c->body_len)
		crypto_generichash_update(&st, (const unsigned char *)c->body, c->body_len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static bool idem_key_valid(const char *k)
{
	size_t n = strlen(k);
	if (n < 8 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      k[i] == '-' || k[i] == '_'))
			return false;
	return true;
}

/* Returns 1 if a remembered reply was loaded into r, 0 if none, or an error. */
static int idem_lookup(req_ctx *c, const char *key, const char *hash)
{
	hm_req *r = &c->r;
	hm_stmt *st = db_stmt(r->db, "SELECT request_hash, status, body FROM idempotency WHERE user_id = $1 AND key = $2", &r->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, r->user.id);
	db_bind_text(st, 2, key);
	int rc = db_step(st);
	if (rc == DB_DONE)
		return 0;
	if (rc != DB_ROW) {
		db_error(r->db, &r->err);
		return -1;
	}
	if (strcmp(db_col_text(st, 0), hash) != 0) {
		hm_fail(&r->err, HM_E_IDEM_MISMATCH, "Idempotency-Key");
		return -1;
	}
	r->status = (int)db_col_int(st, 1);
	json_t *j = json_loads(db_col_text(st, 2), 0, NULL);
	json_decref(r->reply);
	r->reply = j ? j : json_object();
	return 1;
}

static hm_err idem_store(req_ctx *c, const char *key, const char *hash)
{
	hm_req *r = &c->r;
	/* the reply as the client gets it: written text, or the JSON value */
	char *dumped = NULL;
	const char *text = "{}";
	if (r->raw && r->raw_type == http_json_type) {
		text = r->raw;
	} else if (r->reply) {
		size_t len;
		if (!(text = dumped = json_text(r->reply, &len)))
			return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	}
	hm_stmt *st = db_stmt(r->db,
			      "INSERT INTO idempotency (user_id, key, request_hash, status, body, created_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6)",
			      &r->err);
	hm_err err = st ? HM_OK : r->err.err;
	if (st) {
		db_bind_int(st, 1, r->user.id);
		db_bind_text(st, 2, key);
		db_bind_text(st, 3, hash);
		db_bind_int(st, 4, r->status);
		db_bind_text(st, 5, text);
		db_bind_int(st, 6, r->now);
		err = db_exec_stmt(st, &r->err);
	}
	free(dumped);
	return err;
}

/* Routes that take no query arguments refuse any, like unknown JSON fields:
 * a handler that takes some vets them with http_query_allowed. Checked after
 * the handler so that no route can forget; the reply is then an error and
 * the transaction is rolled back. */
static hm_err query_vetted(hm_req *r)
{
	if (r->query_checked || MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, NULL, NULL) == 0)
		return HM_OK;
	json_decref(r->reply);
	r->reply = NULL;
	free(r->raw);
	r->raw = NULL;
	return hm_failf(&r->err, HM_E_BAD_QUERY, NULL, "此接口不接受查询参数");
}

/* One attempt at running the route inside its transaction. */
static hm_err run_in_tx(req_ctx *c, const hm_route *rt, const char *idem_key, const char *idem_hash, bool *replayed)
{
	hm_req *r = &c->r;
	bool write = rt->flags & R_WRITE;
	hm_err err = db_begin(r->db, write, &r->err);
	if (err)
		return err;
	if (idem_key) {
		int got = idem_lookup(c, idem_key, idem_hash);
		if (got != 0) {
			db_rollback(r->db);
			*replayed = got == 1;
			return got == 1 ? HM_OK : r->err.err;
		}
	}
	r->status = 200;
	r->query_checked = false;
	err = rt->handler(r);
	if (!err)
		err = query_vetted(r);
	if (!err && idem_key)
		err = idem_store(c, idem_key, idem_hash);
	if (err && !r->commit_on_error) {
		db_rollback(r->db);
		return err;
	}
	hm_error ce;
	hm_error_clear(&ce);
	if (db_commit(r->db, &ce) != HM_OK) {
		db_rollback(r->db);
		r->err = ce;
		return ce.err;
	}
	if (!err && r->on_commit)
		r->on_commit(r);
	return err;
}

/* ---- the writer ------------------------------------------------------- */

/* One request of a group, in its own savepoint of the group's transaction:
 * the same steps as run_in_tx, with the savepoint in place of the
 * transaction. */
static hm_err run_in_savepoint(hm_db *db, wjob *j)
{
	req_ctx *c = j->c;
	hm_req *r = &c->r;
	const hm_route *rt = c->route;
	r->db = db;
	hm_err err = db_savepoint(db, &r->err);
	if (err)
		return err;
	if (j->idem_key) {
		int got = idem_lookup(c, j->idem_key, j->idem_hash[0] ? j->idem_hash : NULL);
		if (got != 0) {
			db_savepoint_rollback(db);
			return got == 1 ? HM_OK : r->err.err;
		}
	}
	r->status = 200;
	r->query_checked = false;
	err = rt->handler(r);
	if (!err)
		err = query_vetted(r);
	if (!err && j->idem_key)
		err = idem_store(c, j->idem_key, j->idem_hash[0] ? j->idem_hash : NULL);
	if (err && !r->commit_on_error) {
		db_savepoint_rollback(db);
		return err;
	}
	hm_error se;
	hm_error_clear(&se);
	if (db_savepoint_release(db, &se) != HM_OK) {
		db_savepoint_rollback(db);
		r->err = se;
		return se.err;
	}
	j->ok = !err;
	return err;
}

/* A request of a group whose transaction did not commit: nothing of it
 * stays, so its reply is the group's error and nothing it prepared for
 * success (a session cookie) may leave. */
static void job_fail(wjob *j, const hm_error *e)
{
	hm_req *r = &j->c->r;
	j->ok = false;
	r->err = *e;
	if (r->err.err == HM_OK)
		hm_fail(&r->err, HM_E_INTERNAL, NULL);
	r->set_cookie[0] = '\0';
}

static hm_err writer_begin(hm_db *db, hm_error *e)
{
	/* another process (huimin user add, a migration) may hold the lock
	 * longer than the busy timeout: retry a few times with growing pauses */
	for (int attempt = 0;; attempt++) {
		hm_error_clear(e);
		hm_err err = db_begin(db, true, e);
		if (err != HM_E_DB_BUSY || attempt == TX_RETRIES)
			return err;
		usleep((useconds_t)(1000 << attempt));
	}
}

static void run_group(writer *w, hm_db *db, const hm_error *open_err, wjob **b, int n)
{
	int first = 0; /* first request of the current transaction */
	while (first < n) {
		hm_error e;
		hm_error_clear(&e);
		if (!db || writer_begin(db, &e) != HM_OK) {
			for (int i = first; i < n; i++)
				job_fail(b[i], db ? &e : open_err);
			return;
		}
		int i;
		for (i = first; i < n; i++) {
			b[i]->ok = false;
			hm_error_clear(&b[i]->c->r.err);
			run_in_savepoint(db, b[i]);
			if (!db_tx_alive(db))
				break;
		}
		if (i < n) {
			/* SQLite rolled the whole transaction back (disk full, I/O
			 * error): the requests before this one are gone with it */
			hm_error lost = b[i]->c->r.err;
			if (lost.err == HM_OK)
				hm_fail(&lost, HM_E_INTERNAL, NULL);
			db_rollback(db);
			for (int k = first; k <= i; k++)
				job_fail(b[k], &lost);
			first = i + 1;
			continue;
		}
		hm_error ce;
		hm_error_clear(&ce);
		if (db_commit(db, &ce) != HM_OK) {
			db_rollback(db);
			for (int k = first; k < n; k++)
				job_fail(b[k], &ce);
			return;
		}
		int frames = db_log_frames(db);
		if (frames >= w->ckpt_frames) {
			pthread_mutex_lock(&w->ckpt_mu);
			w->ckpt_due = true;
			pthread_cond_signal(&w->ckpt_work);
			pthread_mutex_unlock(&w->ckpt_mu);
		}
		if (frames >= w->log_limit) {
			/* the checkpointer copies the log while groups keep coming
			 * and never gets all of it: the rest is copied here, with
			 * no group in between, so that the next group starts the
			 * log over instead of making the file longer */
			hm_error ke;
			hm_error_clear(&ke);
			if (db_checkpoint(db, &ke) != HM_OK)
				hm_log_error("writer: checkpoint failed: %s", hm_error_message(&ke));
		}
		w->committed += n - first;
		w->groups++;
		if (n - first > w->largest)
			w->largest = n - first;
		atomic_fetch_add(&write_generation, 1);
		for (int k = first; k < n; k++)
			if (b[k]->ok && b[k]->c->r.on_commit)
				b[k]->c->r.on_commit(&b[k]->c->r);
		return;
	}
}

/* To the syncer, in order: each of the group replies once it is on disk. */
static void syncer_queue(writer *w, wjob **b, int n)
{
	for (int i = 0; i < n; i++) {
		b[i]->c->r.db = NULL;
		b[i]->next = i + 1 < n ? b[i + 1] : NULL;
	}
	pthread_mutex_lock(&w->sync_mu);
	if (w->sync_tail)
		w->sync_tail->next = b[0];
	else
		w->sync_head = b[0];
	w->sync_tail = b[n - 1];
	pthread_cond_signal(&w->sync_work);
	pthread_mutex_unlock(&w->sync_mu);
}

static void *writer_main(void *arg)
{
	hm_server *s = arg;
	writer *w = &s->w;
	hm_error open_err;
	hm_error_clear(&open_err);
	/* the writer's own connection: every write of the server goes through it */
	hm_db *db = store_conn(s->app->store, &open_err);
	/* a savepoint keeps the original of each page it changes (the statement
	 * journal); in memory that is a copy, on disk a temporary file opened,
	 * written and deleted for every group. The syncer makes the commits
	 * durable and the checkpointer copies them on (db_defer_sync). */
	if (db && (db_defer_sync(db, &open_err) != HM_OK || db_exec(db, "PRAGMA temp_store=MEMORY", &open_err) != HM_OK))
		db = NULL;
	if (db) {
		hm_error re;
		hm_error_clear(&re);
		if (db_reserve_log(db, (int64_t)w->log_limit * LOG_FRAME_BYTES, &re) != HM_OK)
			hm_log_error("writer: %s; the log grows as it is written", hm_error_message(&re));
	}
	pthread_mutex_lock(&w->mu);
	w->db = db;
	pthread_mutex_unlock(&w->mu);
	wjob *b[WRITER_BATCH];
	for (;;) {
		pthread_mutex_lock(&w->mu);
		/* a request running its own write (writer_inline) has the
		 * connection: what queued meanwhile waits for it, and so does
		 * the end */
		while (w->busy || (!w->head && !w->stop))
			pthread_cond_wait(&w->work, &w->mu);
		if (!w->head) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		int n = 0;
		while (w->head && n < WRITER_BATCH) {
			b[n++] = w->head;
			w->head = w->head->next;
		}
		if (!w->head)
			w->tail = NULL;
		w->busy = true;
		pthread_mutex_unlock(&w->mu);
		run_group(w, db, &open_err, b, n);
		if (db)
			db_release(db);
		/* queued for the syncer before the connection is free, so that
		 * a write arriving now does not find everything idle */
		syncer_queue(w, b, n);
		pthread_mutex_lock(&w->mu);
		w->busy = false;
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/* Checkpoints on request of the writer, on this thread's own connection. */
static void *checkpointer_main(void *arg)
{
	writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->ckpt_mu);
		while (!w->ckpt_due && !w->ckpt_stop)
			pthread_cond_wait(&w->ckpt_work, &w->ckpt_mu);
		bool stop = w->ckpt_stop;
		w->ckpt_due = false;
		pthread_mutex_unlock(&w->ckpt_mu);
		if (stop)
			break;
		hm_error e;
		hm_error_clear(&e);
		if (store_checkpoint(w->store, &e) != HM_OK)
			hm_log_error("writer: checkpoint failed: %s", hm_error_message(&e));
	}
	return NULL;
}

/* One fsync of the log for every group committed since the last one, then
 * their replies (each from its own request thread, resumed). */
static void *syncer_main(void *arg)
{
	writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->sync_mu);
		while (!w->sync_head && !w->sync_stop)
			pthread_cond_wait(&w->sync_work, &w->sync_mu);
		wjob *j = w->sync_head;
		w->sync_head = w->sync_tail = NULL;
		w->syncing = j != NULL;
		pthread_mutex_unlock(&w->sync_mu);
		if (!j)
			break;
		hm_error e;
		hm_error_clear(&e);
		if (store_sync_log(w->store, &e) != HM_OK) {
			/* what the disk holds is unknown now: no reply may claim
			 * anything, and a restart recovers what is durable */
			hm_log_error("writer: the disk refused to sync the log; stopping so that no unsaved write is "
				     "acknowledged");
			_exit(3);
		}
		while (j) {
			wjob *next = j->next;
			j->c->written = true;
			MHD_resume_connection(j->c->r.conn);
			j = next;
		}
		pthread_mutex_lock(&w->sync_mu);
		w->syncing = false;
		pthread_mutex_unlock(&w->sync_mu);
	}
	return NULL;
}

/* Is nothing on its way to the disk? Called with w->mu held. */
static bool writer_idle(writer *w)
{
	if (!w->db || w->head || w->busy)
		return false;
	pthread_mutex_lock(&w->sync_mu);
	bool idle = !w->sync_head && !w->syncing;
	pthread_mutex_unlock(&w->sync_mu);
	return idle;
}

/* A write that finds the writer idle runs on its request's own thread, on
 * the writer's connection, as a group of one, and goes from there to the
 * syncer like any group: handing it to the writer thread first cost one
 * more thread wake-up, a large part of the write when one client writes at
 * a time. The connection is suspended before the write, as on the writer
 * path, and this thread does not wait for the disk: requests of other
 * connections on it go on (and, finding the writer busy, queue for its
 * next group). Writes that arrive meanwhile wait for the writer thread,
 * which takes the connection back after this COMMIT. Called with w->mu
 * held and w->busy just taken; returns with it released. */
static void writer_inline(writer *w, wjob *j)
{
	hm_db *db = w->db;
	pthread_mutex_unlock(&w->mu);
	MHD_suspend_connection(j->c->r.conn);
	wjob *b[1] = {j};
	run_group(w, db, NULL, b, 1);
	db_release(db);
	/* with the syncer before the connection is free: the writer thread
	 * ends only with the connection free, and the syncer only after it,
	 * so a stopping server still syncs and answers this write */
	syncer_queue(w, b, 1);
	pthread_mutex_lock(&w->mu);
	w->busy = false;
	/* the writer thread waits for the connection only when there is work
	 * or an end; waking it for nothing would cost what this path saves */
	if (w->head || w->stop)
		pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

/* Hand the write to the writer (or run it here, writer_inline): the
 * connection is suspended until its group has committed (or failed) and is
 * on disk, and the syncer resumes it; true then. False when the writer has
 * stopped taking work (r->err set): the reply is ready. */
static bool writer_queue(req_ctx *c, const char *idem_key, const char *idem_hash)
{
	writer *w = &c->srv->w;
	/* end any read this thread's connection holds: the thread serves other
	 * connections while this one waits */
	db_release(c->r.db);
	c->r.db = NULL;
	wjob *j = &c->job;
	*j = (wjob){.c = c, .idem_key = idem_key};
	if (idem_hash)
		snprintf(j->idem_hash, sizeof j->idem_hash, "%s", idem_hash);
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		hm_failf(&c->r.err, HM_E_UNAVAILABLE, NULL, "服务正在停止，请稍后重试");
		return false;
	}
	if (writer_idle(w)) {
		w->busy = true;
		writer_inline(w, j);
		return true;
	}
	/* suspended before the writer can see it, so its resume always comes
	 * after */
	MHD_suspend_connection(c->r.conn);
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	return true;
}

static bool writer_start(hm_server *s)
{
	writer *w = &s->w;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_mutex_init(&w->sync_mu, NULL);
	pthread_cond_init(&w->sync_work, NULL);
	w->store = s->app->store;
	pthread_mutex_init(&w->ckpt_mu, NULL);
	pthread_cond_init(&w->ckpt_work, NULL);
	/* named for top, perf and /proc/PID/task: each shows its own CPU */
	w->ckpt_running = pthread_create(&w->ckpt_th, NULL, checkpointer_main, w) == 0;
	if (!w->ckpt_running)
		return false;
	pthread_setname_np(w->ckpt_th, "hm-checkpoint");
	w->sync_running = pthread_create(&w->sync_th, NULL, syncer_main, w) == 0;
	if (!w->sync_running)
		return false;
	pthread_setname_np(w->sync_th, "hm-syncer");
	w->running = pthread_create(&w->th, NULL, writer_main, s) == 0;
	if (w->running)
		pthread_setname_np(w->th, "hm-writer");
	return w->running;
}

/* Tell a thread of the writer to end (flag set under its mutex, its
 * condition signalled), wait for it and free both. */
static void end_thread(pthread_t th, bool *running, pthread_mutex_t *mu, pthread_cond_t *cv, bool *flag)
{
	if (*running) {
		pthread_mutex_lock(mu);
		*flag = true;
		pthread_cond_signal(cv);
		pthread_mutex_unlock(mu);
		pthread_join(th, NULL);
		*running = false;
	}
	pthread_cond_destroy(cv);
	pthread_mutex_destroy(mu);
}

/* Answer what is queued, then end the writer thread; after it the syncer
 * (the groups the writer handed over are synced and answered), then the
 * checkpointer. */
static void writer_stop(hm_server *s)
{
	writer *w = &s->w;
	bool ran = w->running;
	end_thread(w->th, &w->running, &w->mu, &w->work, &w->stop);
	if (ran)
		hm_log_info("writer: %lld requests committed in %lld groups (largest %lld)", w->committed, w->groups,
			    w->largest);
	end_thread(w->sync_th, &w->sync_running, &w->sync_mu, &w->sync_work, &w->sync_stop);
	end_thread(w->ckpt_th, &w->ckpt_running, &w->ckpt_mu, &w->ckpt_work, &w->ckpt_stop);
}

/* Work a write route does on the request's own thread, outside any
 * transaction, before it is queued: what needs no write lock and would
 * hold up every other write if the writer did it (argon2id, tens of
 * milliseconds). Its result travels in the request. */
static hm_handler write_prepare(const hm_route *rt)
{
	static const struct {
		hm_handler handler, prepare;
	} prepares[] = {
		{session_login_handler, session_login_prepare},
		{session_password_handler, session_password_prepare},
	};
	for (size_t i = 0; i < sizeof prepares / sizeof prepares[0]; i++)
		if (prepares[i].handler == rt->handler)
			return prepares[i].prepare;
	return NULL;
}

/* Run the request; true when it went to the writer and its connection is
 * suspended until the writer is done with it. */
static bool dispatch(req_ctx *c)
{
	hm_req *r = &c->r;
	const hm_route *rt = c->route;
	if (!rt) {
		hm_fail(&r->err, c->path_known ? HM_E_METHOD : HM_E_NOT_FOUND, NULL);
		return false;
	}
	if (c->too_large) {
		hm_failf(&r->err, HM_E_TOO_LARGE, NULL, "请求内容过大（上限 %zu KB）", c->limit / 1024);
		return false;
	}
	if (atomic_load(&c->srv->draining)) {
		hm_failf(&r->err, HM_E_UNAVAILABLE, NULL, "服务正在停止，请稍后重试");
		return false;
	}
	if (rt->flags & R_UPLOAD) {
		/* a file: its bytes go to the handler unparsed, which checks them */
		r->upload = c->body;
		r->upload_len = c->body_len;
	} else if (parse_body(c)) {
		return false;
	}
	if (rt->flags & R_NOTX) {
		r->status = 200;
		if ((rt->handler(r) != HM_OK || query_vetted(r) != HM_OK) && r->err.err == HM_OK)
			hm_fail(&r->err, HM_E_INTERNAL, NULL);
		return false;
	}
	r->db = store_conn(r->app->store, &r->err);
	if (!r->db)
		return false;
	if (!(rt->flags & R_PUBLIC) || session_optional(rt->pattern)) {
		if (session_load(r) != HM_OK)
			return false;
		if (!(rt->flags & R_PUBLIC) && r->user.id == 0) {
			hm_fail(&r->err, HM_E_AUTH_REQUIRED, NULL);
			return false;
		}
	}
	if ((rt->flags & R_WRITE) && !(rt->flags & R_NOCSRF) && session_check_csrf(r) != HM_OK)
		return false;
	if (rt->perm && !perm_has(r->user.role, rt->perm)) {
		hm_fail(&r->err, HM_E_FORBIDDEN, NULL);
		return false;
	}
	const char *idem_key = (rt->flags & R_WRITE) ? http_header(r, "Idempotency-Key") : NULL;
	char idem_hash[65] = "";
	if (idem_key) {
		if (!idem_key_valid(idem_key) || r->user.id == 0) {
			hm_fail(&r->err, HM_E_IDEM_BAD, "Idempotency-Key");
			return false;
		}
		request_hash(c, idem_hash);
	}
	if (rt->flags & R_WRITE) {
		hm_handler prepare = write_prepare(rt);
		if (prepare && prepare(r) != HM_OK) {
			if (r->err.err == HM_OK)
				hm_fail(&r->err, HM_E_INTERNAL, NULL);
			return false;
		}
		return writer_queue(c, idem_key, idem_key ? idem_hash : NULL);
	}
	/* SQLite's busy timeout already waits for the lock; a busy result here
	 * means a longer jam, so retry a few times with growing pauses. */
	for (int attempt = 0;; attempt++) {
		bool replayed = false;
		json_decref(r->reply);
		r->reply = NULL;
		r->set_cookie[0] = '\0';
		hm_error_clear(&r->err);
		hm_err err = run_in_tx(c, rt, idem_key, idem_hash, &replayed);
		if (err != HM_E_DB_BUSY || attempt == TX_RETRIES)
			return false;
		usleep((useconds_t)(1000 << attempt));
	}
}

/* Each pool thread keeps the context of its last finished request for its
 * next one: a context (2.9 KB) is past glibc's per-thread cache, and
 * allocating one per request made glibc consolidate its small free blocks
 * every time (`malloc_consolidate`, about 3% of a write's CPU at 16
 * connections, bench/results/notes.md). */
static pthread_key_t spare_ctx;
static pthread_once_t spare_ctx_once = PTHREAD_ONCE_INIT;

static void spare_ctx_make(void)
{
	if (pthread_key_create(&spare_ctx, free) != 0)
		abort();
}

static req_ctx *ctx_new(void)
{
	pthread_once(&spare_ctx_once, spare_ctx_make);
	req_ctx *c = pthread_getspecific(spare_ctx);
	if (!c)
		return calloc(1, sizeof *c);
	pthread_setspecific(spare_ctx, NULL);
	memset(c, 0, sizeof *c);
	return c;
}

static void ctx_free(req_ctx *c)
{
	if (pthread_getspecific(spare_ctx) || pthread_setspecific(spare_ctx, c) != 0)
		free(c);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				 const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	(void)version;
	hm_server *srv = cls;
	req_ctx *c = *con_cls;
	if (!c) {
		c = ctx_new();
		if (!c)
			return MHD_NO;
		c->start_ns = mono_ns();
		c->srv = srv;
		c->r.app = srv->app;
		c->r.method = method;
		c->r.path = url;
		c->r.conn = conn;
		c->r.now = hm_now();
		c->r.status = 200;
		/* the route decides how much body it takes: files more than JSON */
		c->route = find_route(method, url, c, &c->path_known);
		c->limit = c->route && (c->route->flags & R_UPLOAD) ? HM_MAX_UPLOAD : HM_MAX_BODY;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > c->limit)
			c->too_large = true;
		atomic_fetch_add(&srv->in_flight, 1);
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!c->too_large && c->body_len + *upload_size <= c->limit) {
			char *nb = realloc(c->body, c->body_len + *upload_size + 1);
			if (!nb)
				return MHD_NO;
			c->body = nb;
			memcpy(c->body + c->body_len, upload_data, *upload_size);
			c->body_len += *upload_size;
			c->body[c->body_len] = '\0';
		} else {
			/* keep reading and discarding so the client gets our 413 */
			c->too_large = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->written) {
		/* resumed by the writer: the reply is ready */
		c->written = false;
	} else {
		if ((strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) && strncmp(url, "/api/", 5) != 0 &&
		    strcmp(url, "/healthz") != 0 && static_serve(conn, srv->app->web_root, url, &c->r.status))
			return MHD_YES;
		if (dispatch(c))
			return MHD_YES;
	}
	if (c->r.db)
		db_release(c->r.db);
	if (c->r.err.err != HM_OK)
		fail_reply(&c->r);
	return send_reply(conn, c);
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	hm_server *srv = cls;
	req_ctx *c = *con_cls;
	if (!c)
		return;
	int64_t us = (mono_ns() - c->start_ns) / 1000;
	/* the path only: query strings may carry personal data */
	hm_log_info("access %s %s %d %lld.%03lldms user=%lld%s", c->r.method, c->r.path, c->r.status,
		    (long long)(us / 1000), (long long)(us % 1000), (long long)c->r.user.id,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	json_decref(c->r.body);
	json_decref(c->r.reply);
	free(c->r.raw);
	free(c->r.commit_arg);
	if (c->r.pw)
		sodium_memzero(c->r.pw, sizeof *c->r.pw);
	free(c->r.pw);
	free(c->body);
	ctx_free(c);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->in_flight, 1);
}

static int bind_listen(const char *addr, int *port_out, hm_error *e)
{
	char host[64];
	const char *colon = strrchr(addr, ':');
	if (!colon || (size_t)(colon - addr) >= sizeof host) {
		hm_failf(e, HM_E_BAD_VALUE, "listen", "监听地址 %s 格式应为 主机:端口，例如 127.0.0.1:8080", addr);
		return -1;
	}
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (*end || port < 0 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		hm_failf(e, HM_E_BAD_VALUE, "listen", "监听地址 %s 无效（需要 IPv4 地址和 0–65535 的端口）", addr);
		return -1;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 512) != 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		if (err == EADDRINUSE)
			hm_failf(e, HM_E_UNAVAILABLE, "listen", "端口 %s 已被占用，请换一个端口或停止占用它的程序", addr);
		else
			hm_failf(e, HM_E_UNAVAILABLE, "listen", "无法监听 %s：%s", addr, strerror(err));
		return -1;
	}
	socklen_t sl = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port_out = ntohs(sa.sin_port);
	return fd;
}

hm_server *server_start(hm_app *app, const char *listen_addr, int threads, int checkpoint_frames, hm_error *e)
{
	hm_server *s = calloc(1, sizeof *s);
	if (!s) {
		hm_fail(e, HM_E_INTERNAL, NULL);
		return NULL;
	}
	s->app = app;
	/* one malloc arena per thread (the default, up to 8 per core) keeps
	 * freed memory in each: two are enough for this many threads and keep
	 * the resident size down (bench/results/notes.md) */
	mallopt(M_ARENA_MAX, 2);
	s->fd = bind_listen(listen_addr, &s->port, e);
	if (s->fd < 0) {
		free(s);
		return NULL;
	}
	s->w.ckpt_frames = checkpoint_frames > 0 ? checkpoint_frames : CHECKPOINT_FRAMES;
	s->w.log_limit = s->w.ckpt_frames + s->w.ckpt_frames / 2;
	if (!writer_start(s)) {
		close(s->fd);
		writer_stop(s);
		free(s);
		hm_fail(e, HM_E_INTERNAL, NULL);
		return NULL;
	}
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
				0, NULL, NULL,
				access_cb, s, MHD_OPTION_LISTEN_SOCKET, s->fd, MHD_OPTION_THREAD_POOL_SIZE,
				(unsigned)(threads > 0 ? threads : 8), MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
	if (!s->d) {
		close(s->fd);
		writer_stop(s);
		free(s);
		hm_failf(e, HM_E_UNAVAILABLE, "listen", "HTTP 服务无法启动（%s）", listen_addr);
		return NULL;
	}
	return s;
}

int server_port(hm_server *s)
{
	return s->port;
}

void server_stop(hm_server *s, int grace_ms)
{
	if (!s)
		return;
	/* refuse new work first, then give the requests in flight time to end */
	atomic_store(&s->draining, true);
	int fd = MHD_quiesce_daemon(s->d);
	for (int waited = 0; atomic_load(&s->in_flight) > 0 && waited < grace_ms; waited += 10)
		usleep(10000);
	/* every write still queued is committed and its connection resumed (the
	 * daemon must not stop with a connection suspended); then its reply has
	 * a moment to leave */
	writer_stop(s);
	for (int waited = 0; atomic_load(&s->in_flight) > 0 && waited < 1000; waited += 10)
		usleep(10000);
	MHD_stop_daemon(s->d);
	if (fd >= 0)
		close(fd);
	free(s);
}
