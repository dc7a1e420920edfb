/* Organisations, users, passwords, sessions and sign-in throttling: the
 * identity every system shares. Passwords are argon2id (libsodium); only a
 * hash of each session token is stored. All functions that take an hm_db
 * expect the caller's transaction where they write. */
#ifndef HM_CORE_USERS_H
#define HM_CORE_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/perm.h"
#include "store/store.h"

#define LOGIN_MAX_FAILURES 5
#define LOGIN_WINDOW (15 * 60)
#define LOGIN_LOCK (15 * 60)

typedef struct org_info {
	int64_t id;
	char code[16];
	char name[96];
	char level[16];
} org_info;

/* Create the city and district federations from data/orgs.tsv if missing. */
hm_err orgs_seed(hm_db *db, hm_error *e);
hm_err org_by_code(hm_db *db, const char *code, org_info *out, hm_error *e);
hm_err org_by_id(hm_db *db, int64_t id, org_info *out, hm_error *e);

/* Password rule: at least 10 characters with letters and digits. */
hm_err password_check_strength(const char *pw, hm_error *e);
/* argon2id hash into out (crypto_pwhash_STRBYTES). HM_E_INTERNAL if out of memory.
 * Hashes take 12 MiB each (verifying an older hash may take 64 MiB), so the
 * process runs one at a time and callers queue for it (users.c). */
hm_err password_hash(const char *pw, char *out, hm_error *e);
bool password_verify(const char *hash, const char *pw);
/* Spend the same time as a real verify (unknown user names). */
void password_dummy_verify(const char *pw);

/* Password work done before a write, on the request's own thread: argon2id
 * takes tens of milliseconds and 12 MiB, and the one writer thread must not
 * spend them while every other write waits (src/http/server.c). The write
 * uses the verdict only if the stored hash it was made against is still the
 * user's; otherwise it checks again itself. */
typedef struct hm_pwcheck {
	bool done;                 /* the check below was made */
	bool ok;                   /* the password matched stored */
	char stored[128];          /* the hash it was checked against, "" for no such user */
	char fresh[128];           /* a new password's hash, "" if none was made */
} hm_pwcheck;

/* Sign-in: check username's password against its stored hash (or spend the
 * same time on an unknown name). Leaves pre->done false when the account is
 * locked or the lookup fails: login() then decides alone. */
void login_precheck(hm_db *db, int64_t now, const char *username, const char *password, hm_pwcheck *pre);
/* Password change: check the old password and hash the new one (if strong
 * enough) for user_change_password. */
void password_change_precheck(hm_db *db, int64_t user_id, const char *old_pw, const char *new_pw, hm_pwcheck *pre);

/* Create a user. Checks role, org level and password strength; audited.
 * *id (may be NULL) gets the new id. */
hm_err user_create(hm_db *db, int64_t at, int64_t actor_id, const char *username, const char *display_name,
		   const char *role, const char *org_code, const char *password, bool is_demo, int64_t *id,
		   hm_error *e);
/* Set a new password (strength checked) and end the user's other sessions
 * (all of them when keep_token_hash is NULL). Audited. */
hm_err user_set_password(hm_db *db, int64_t at, int64_t actor_id, int64_t user_id, const char *password,
			 const char *keep_token_hash, hm_error *e);
/* A user changes their own password: old one checked (HM_E_WRONG_PASSWORD),
 * then as user_set_password, keeping the session keep_token_hash. */
hm_err user_change_password(hm_db *db, int64_t at, int64_t user_id, const char *old_pw, const char *new_pw,
			    const char *keep_token_hash, const hm_pwcheck *pre, hm_error *e);
/* Disable or enable; disabling ends every session at once. Audited. */
hm_err user_set_disabled(hm_db *db, int64_t at, int64_t actor_id, int64_t user_id, bool disabled, hm_error *e);
hm_err user_id_by_name(hm_db *db, const char *username, int64_t *id, hm_error *e);
/* Fill u from a user row (role, org, district scope). */
hm_err user_load(hm_db *db, int64_t user_id, hm_user *u, hm_error *e);

/* Sign in: throttling, password check, new session. On success fills
 * token (65), csrf (65) and u. Failures are counted (commit even on error). */
hm_err login(hm_db *db, int64_t now, int ttl, const char *username, const char *password, const hm_pwcheck *pre,
	     char *token, char *csrf, hm_user *u, hm_error *e);
/* Hex BLAKE2b-256 of a session token, into out (65). */
void session_token_hash(const char *token, char out[65]);
/* Look up a live session by its token: fills u and csrf (65). HM_E_AUTH_REQUIRED
 * when unknown, expired or the user is disabled. */
hm_err session_find(hm_db *db, int64_t now, const char *token, hm_user *u, char *csrf, int64_t *expires_at,
		    hm_error *e);
hm_err session_delete(hm_db *db, const char *token, hm_error *e);



typedef void (*org_visit)(const org_info *o, void *arg);
hm_err orgs_list(hm_db *db, org_visit visit, void *arg, hm_error *e);
typedef void (*user_visit)(const hm_user *u, bool disabled, bool is_demo, void *arg);
hm_err users_list(hm_db *db, user_visit visit, void *arg, hm_error *e);
#endif
