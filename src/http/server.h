/* The HTTP server: libmicrohttpd with a thread pool, one route table,
 * limits on input, security headers, an access-log line per request. */
#ifndef HM_HTTP_SERVER_H
#define HM_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

#define HM_MAX_BODY (1024 * 1024)          /* bytes of a JSON request body */
#define HM_MAX_UPLOAD (10 * 1024 * 1024 + 1) /* bytes of a file upload (R_UPLOAD routes) */

enum {
	R_PUBLIC = 1 << 0,   /* no sign-in needed */
	R_WRITE = 1 << 1,    /* runs in a write transaction; CSRF checked */
	R_NOTX = 1 << 2,     /* no database transaction (static replies) */
	R_NOCSRF = 1 << 3,   /* write without a session yet (sign-in) */
	R_UPLOAD = 1 << 4,   /* body is a file, not JSON: handler gets r->upload/upload_len */
};

typedef struct hm_route {
	const char *method;
	const char *pattern;   /* "/api/v1/fund/applications/{id}/approve" */
	hm_handler handler;
	unsigned flags;
	const char *perm;      /* permission needed, NULL = any signed-in user */
	const char *summary;   /* Chinese one-liner, for docs and the route list */
} hm_route;

/* The route table (routes.c); terminated by a zero entry. */
extern const hm_route hm_routes[];

typedef struct hm_server hm_server;

/* Bind listen ("host:port"; port 0 picks a free one) and start serving
 * with threads request threads; the write-ahead log is checkpointed every
 * checkpoint_frames pages (0: the default, 24,000). Returns new server or
 * NULL with e set (port in use gets a clear message). */
hm_server *server_start(hm_app *app, const char *listen, int threads, int checkpoint_frames, hm_error *e);
/* The port actually bound. */
int server_port(hm_server *s);
/* Stop accepting, let requests in flight finish (up to grace_ms), stop. */
void server_stop(hm_server *s, int grace_ms);

/* Match a path against a route pattern, filling params; exposed for tests
 * and the fuzzer. */
bool route_match(const char *pattern, const char *path, const char **params, size_t *lens, int *n);

#endif
