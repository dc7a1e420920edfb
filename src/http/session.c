/* Cookie sessions with a per-session CSRF token. The cookie is HttpOnly and
 * SameSite=Strict; the CSRF token travels in the sign-in reply and comes back
 * in X-CSRF-Token on every write. */
#include "http/session.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/users.h"

bool session_optional(const char *pattern)
{
	(void)pattern;
	return false;
}

/* Sessions this request thread found lately, with the database's data
 * version when they were read: while no connection has committed since,
 * the session, its user and the user's organisation are as they were, and
 * the two queries need not run again. Any commit (a sign-out, a disabled
 * user, a new role, also by `huimin user` from another process) changes the
 * version and sends the next request back to the database. Only the
 * request threads use this (the writer never loads sessions). */
#define SESSION_CACHE 32
typedef struct cached_session {
	char token[65];
	int64_t version;
	int64_t expires_at;
	hm_user user;
	char csrf[65];
} cached_session;
static _Thread_local cached_session session_cache[SESSION_CACHE];

static cached_session *cache_slot(const char *tok)
{
	unsigned h = 0;
	for (const char *p = tok; *p; p++)
		h = h * 31 + (unsigned char)*p;
	return &session_cache[h % SESSION_CACHE];
}

hm_err session_load(hm_req *r)
{
	r->session_token[0] = r->session_csrf[0] = '\0';
	const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (!tok || strlen(tok) != 64)
		return HM_OK;
	hm_error e;
	hm_error_clear(&e);
	/* read before the session: a commit after it makes the entry stale */
	int64_t version;
	hm_err err = db_data_version(r->db, &version, &e);
	if (err) {
		r->err = e;
		return err;
	}
	cached_session *c = cache_slot(tok);
	if (c->token[0] && c->version == version && r->now < c->expires_at && sodium_memcmp(c->token, tok, 64) == 0) {
		r->user = c->user;
		snprintf(r->session_csrf, sizeof r->session_csrf, "%s", c->csrf);
		snprintf(r->session_token, sizeof r->session_token, "%s", tok);
		return HM_OK;
	}
	int64_t expires_at = 0;
	err = session_find(r->db, r->now, tok, &r->user, r->session_csrf, &expires_at, &e);
	if (err == HM_OK) {
		snprintf(c->token, sizeof c->token, "%s", tok);
		c->version = version;
		c->expires_at = expires_at;
		c->user = r->user;
		snprintf(c->csrf, sizeof c->csrf, "%s", r->session_csrf);
	} else {
		c->token[0] = '\0';
	}
	if (err == HM_E_AUTH_REQUIRED) {
		memset(&r->user, 0, sizeof r->user);
		r->session_csrf[0] = '\0';
		return HM_OK;
	}
	if (err) {
		r->err = e;
		return err;
	}
	snprintf(r->session_token, sizeof r->session_token, "%s", tok);
	return HM_OK;
}

hm_err session_check_csrf(hm_req *r)
{
	const char *h = http_header(r, "X-CSRF-Token");
	if (!h || strlen(h) != 64 || !r->session_csrf[0] || sodium_memcmp(h, r->session_csrf, 64) != 0)
		return hm_fail(&r->err, HM_E_AUTH_CSRF, "X-CSRF-Token");
	return HM_OK;
}

json_t *user_json(const hm_user *u)
{
	json_t *perms = json_array();
	if (u->role)
		for (const char *const *p = u->role->perms; *p; p++)
			json_array_append_new(perms, json_string(*p));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:I, s:s, s:s}, s:b, s:o}", "id", (json_int_t)u->id,
			 "username", u->username, "display_name", u->display_name, "role",
			 u->role ? u->role->code : "", "role_name", u->role ? u->role->name : "", "org", "id",
			 (json_int_t)u->org_id, "code", u->org_code, "name", u->org_name, "district_scoped",
			 u->scope_org_id != 0, "permissions", perms);
}

static const jfield login_spec[] = {
	{"username", JF_STRING, true, 1, 64, NULL, 0},
	{"password", JF_STRING, true, 1, 128, NULL, 0},
	{NULL, 0, false, 0, 0, NULL, 0},
};

hm_err session_login_handler(hm_req *r)
{
	hm_err err = http_body(r, login_spec);
	if (err)
		return err;
	char token[65], csrf[65];
	/* failed attempts must be counted even though the reply is an error */
	r->commit_on_error = true;
	err = login(r->db, r->now, r->app->session_ttl, jstr(r->body, "username"), jstr(r->body, "password"), r->pw,
		    token, csrf, &r->user, &r->err);
	if (err)
		return err;
	snprintf(r->set_cookie, sizeof r->set_cookie, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
		 SESSION_COOKIE, token, r->app->session_ttl, r->app->cookie_secure ? "; Secure" : "");
	sodium_memzero(token, sizeof token);
	return http_reply(r, 201, json_pack("{s:o, s:s, s:o}", "user", user_json(&r->user), "csrf_token", csrf,
					    "expires_at", json_time(r->now + r->app->session_ttl)));
}

/* The body is checked first; the result goes to r->pw, freed with the
 * request. */
static hm_err prepare_pw(hm_req *r, const jfield *spec)
{
	hm_err err = http_body(r, spec);
	if (err)
		return err;
	r->pw = calloc(1, sizeof *r->pw);
	if (!r->pw)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	return HM_OK;
}

hm_err session_login_prepare(hm_req *r)
{
	hm_err err = prepare_pw(r, login_spec);
	if (!err)
		login_precheck(r->db, r->now, jstr(r->body, "username"), jstr(r->body, "password"), r->pw);
	return err;
}

hm_err session_logout_handler(hm_req *r)
{
	hm_err err = session_delete(r->db, r->session_token, &r->err);
	if (err)
		return err;
	err = audit_append(r->db, r->now, r->user.id, "session.logout", "user", r->user.id, NULL, NULL, NULL, &r->err);
	if (err)
		return err;
	snprintf(r->set_cookie, sizeof r->set_cookie, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict", SESSION_COOKIE);
	return http_reply(r, 200, json_pack("{s:b}", "ok", 1));
}

hm_err session_me_handler(hm_req *r)
{
	return http_reply(r, 200, json_pack("{s:o, s:s}", "user", user_json(&r->user), "csrf_token", r->session_csrf));
}

static const jfield password_spec[] = {
	{"old_password", JF_STRING, true, 1, 128, NULL, 0},
	{"new_password", JF_STRING, true, 1, 128, NULL, 0},
	{NULL, 0, false, 0, 0, NULL, 0},
};

hm_err session_password_prepare(hm_req *r)
{
	hm_err err = prepare_pw(r, password_spec);
	if (!err)
		password_change_precheck(r->db, r->user.id, jstr(r->body, "old_password"), jstr(r->body, "new_password"),
					 r->pw);
	return err;
}

hm_err session_password_handler(hm_req *r)
{
	hm_err err = http_body(r, password_spec);
	if (err)
		return err;
	char th[65];
	session_token_hash(r->session_token, th);
	err = user_change_password(r->db, r->now, r->user.id, jstr(r->body, "old_password"),
				   jstr(r->body, "new_password"), th, r->pw, &r->err);
	if (err)
		return err;
	return http_reply(r, 200, json_pack("{s:b}", "ok", 1));
}
