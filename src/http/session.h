/* Sessions over HTTP: the cookie, the CSRF token, and the sign-in, sign-out,
 * "who am I" and password-change handlers. */
#ifndef HM_HTTP_SESSION_H
#define HM_HTTP_SESSION_H

#include <stdbool.h>

#include "http/http.h"

#define SESSION_COOKIE "hm_session"

/* Fill r->user from the session cookie, if any; no cookie is not an error. */
hm_err session_load(hm_req *r);
/* Require X-CSRF-Token to match the session's token (writes only). */
hm_err session_check_csrf(hm_req *r);
/* Routes that are public but use the session when there is one. */
bool session_optional(const char *pattern);

hm_err session_login_handler(hm_req *r);     /* POST /api/v1/session */
hm_err session_logout_handler(hm_req *r);    /* DELETE /api/v1/session */
hm_err session_me_handler(hm_req *r);        /* GET /api/v1/session */
hm_err session_password_handler(hm_req *r);  /* PUT /api/v1/session/password */
/* The password work of those two, done before their write is queued: they
 * need no write lock and take tens of milliseconds each (argon2id). */
hm_err session_login_prepare(hm_req *r);
hm_err session_password_prepare(hm_req *r);

/* The user as JSON (with permissions), for replies. New reference. */
json_t *user_json(const hm_user *u);

#endif
