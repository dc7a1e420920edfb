/* The built web UI (web/dist) served from disk at "/": hashed assets with a
 * long cache life, index.html for every other non-API path so the browser
 * app can route itself. */
#ifndef HM_HTTP_STATIC_H
#define HM_HTTP_STATIC_H

#include <stdbool.h>

/* Queue the file for path (GET/HEAD, not under /api/). Returns false when
 * there is no web root or no such file and no index.html. */
bool static_serve(void *mhd_conn, const char *web_root, const char *path, int *status);

#endif
