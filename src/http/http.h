/* The HTTP layer's contract with handlers.
 *
 * Every request gets an hm_req. The dispatcher (server.c) finds the route,
 * reads the body within limits, parses JSON, checks the session, the CSRF
 * token and the route's permission, opens the transaction (a write
 * transaction for writes), calls the handler, and commits or rolls back.
 * A handler parses and checks its input, calls one domain operation, and
 * sets the reply. It frees nothing it got from here: the request owns it. */
#ifndef HM_HTTP_HTTP_H
#define HM_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/json_text.h"
#include "core/idcard.h"
#include "core/perm.h"
#include "store/store.h"

#define HM_MAX_PARAMS 4

/* Things every handler may need, shared by the whole server. */
typedef struct hm_app {
	hm_store *store;
	hm_calendar *calendar;
	hm_divisions *divisions;
	int session_ttl;         /* seconds */
	bool cookie_secure;      /* add Secure to cookies (behind TLS) */
	const char *web_root;    /* built web UI served at "/", NULL = none */
	const char *data_dir;    /* directory of the database file: attachments live below it */
} hm_app;

typedef struct hm_req hm_req;
typedef hm_err (*hm_handler)(hm_req *r);

struct hm_req {
	hm_app *app;
	const char *method;
	const char *path;
	const char *params[HM_MAX_PARAMS]; /* path {segments} in order; borrowed */
	int nparams;
	json_t *body;            /* parsed JSON body (object) or NULL; borrowed */
	const char *upload;      /* R_UPLOAD routes: the raw request body (a file); borrowed */
	size_t upload_len;
	hm_user user;            /* signed-in user; id == 0 when anonymous */
	hm_db *db;               /* connection, inside the route's transaction */
	hm_error err;            /* filled by the failing step */
	int64_t now;             /* request time, UTC seconds (hm_now) */
	/* reply */
	int status;              /* default 200 */
	json_t *reply;           /* steals: set with http_reply */
	char *raw;               /* reply body as text (new, freed by the request) */
	size_t raw_len;
	const char *raw_type;    /* its content type, static string */
	char set_cookie[512];
	char disposition[1024];   /* Content-Disposition of a download, "" for none */
	bool commit_on_error;    /* keep the transaction's writes even when failing */
	bool query_checked;      /* the handler vetted the query (http_query_allowed) */
	/* run after the transaction commits (e.g. refresh an in-memory cache);
	 * commit_arg is new memory, freed with the request */
	void (*on_commit)(hm_req *r);
	void *commit_arg;
	void *conn;              /* struct MHD_Connection *, for headers */
	/* the caller's session (session.c): a write's handler runs on the
	 * writer thread, so this lives in the request, not in the thread */
	char session_token[65];  /* "" when none */
	char session_csrf[65];
	/* password work done on the request's thread before the write was
	 * queued (a route's prepare step, server.c); NULL when none */
	struct hm_pwcheck *pw;
};

/* Bumped after every write group the server commits: a handler may keep a
 * read cache that is stale once this changes (server.c). */
uint64_t http_write_generation(void);

/* Set the JSON reply (steals j) and status; returns HM_OK. */
hm_err http_reply(hm_req *r, int status, json_t *j);
/* Set a non-JSON reply; body is copied. */
hm_err http_reply_raw(hm_req *r, int status, const char *type, const char *body, size_t len);
/* Set a JSON reply written with json_out (its text taken, o left empty);
 * HM_E_INTERNAL when the writing failed. */
hm_err http_reply_out(hm_req *r, int status, json_out *o);
/* The content type of every JSON reply (compared by address). */
extern const char http_json_type[];
/* Path parameter i as a positive id; HM_E_xxx (not_found) on anything else. */
hm_err http_param_id(hm_req *r, int i, int64_t *id, hm_err not_found);
/* Query argument or NULL; borrowed. */
const char *http_query(hm_req *r, const char *name);
/* Query argument, "" when absent; borrowed. */
const char *http_qarg(hm_req *r, const char *name);
/* Request header or NULL; borrowed. */
const char *http_header(hm_req *r, const char *name);
/* Reject any query argument not in the NULL-terminated list allowed. */
hm_err http_query_allowed(hm_req *r, const char *const *allowed);
/* Parse the standard page and page_size arguments (page >= 1, 1 <= size <= 100). */
hm_err http_page(hm_req *r, int *page, int *size);

/* Declared JSON input: the fields an object may have. Unknown fields,
 * wrong types, missing required fields, over-long strings and values out
 * of range are refused here, once, for every route. */
typedef enum { JF_STRING, JF_INT, JF_BOOL, JF_OBJECT, JF_STRING_ARRAY } jf_type;
typedef struct jfield {
	const char *name;
	jf_type type;
	bool required;
	int64_t min, max;            /* string: length in characters; int: value; array: items */
	const struct jfield *fields; /* JF_OBJECT: its fields (NULL-name terminated);
				      * NULL = any keys whose values are ints in [min,max] */
	int64_t item_max;            /* JF_STRING_ARRAY: max characters per item */
} jfield;
/* Check obj against spec (NULL-name terminated). Field paths in errors are
 * dotted ("aid.living"). */
hm_err json_check(const json_t *obj, const jfield *spec, hm_error *e);
/* The request body checked against spec; HM_E_MISSING_FIELD if absent. */
hm_err http_body(hm_req *r, const jfield *spec);

/* Accessors for checked input: defaults when the field is absent. */
const char *jstr(const json_t *o, const char *name);      /* "" when absent; borrowed */
int64_t jint(const json_t *o, const char *name, int64_t dflt);
bool jbool(const json_t *o, const char *name, bool dflt);
bool jhas(const json_t *o, const char *name);

/* Times in replies: ISO 8601 +08:00 string, or JSON null when t == 0. */
json_t *json_time(int64_t t);
void jo_time(json_out *o, int64_t t);
void jo_ktime(json_out *o, const char *key, int64_t t);

#endif
