/* Identity: organisations, users, passwords, sessions, throttling. */
#include "core/users.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/embedded.h"

hm_err org_by_code(hm_db *db, const char *code, org_info *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT id, code, name, level FROM orgs WHERE code = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, code);
	hm_err err = db_row(st, HM_E_ORG_NOT_FOUND, "org", e);
	if (err)
		return err;
	out->id = db_col_int(st, 0);
	snprintf(out->code, sizeof out->code, "%s", db_col_text(st, 1));
	snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 2));
	snprintf(out->level, sizeof out->level, "%s", db_col_text(st, 3));
	return HM_OK;
}

hm_err org_by_id(hm_db *db, int64_t id, org_info *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT code FROM orgs WHERE id = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	hm_err err = db_row(st, HM_E_ORG_NOT_FOUND, "org", e);
	if (err)
		return err;
	char code[16];
	snprintf(code, sizeof code, "%s", db_col_text(st, 0));
	return org_by_code(db, code, out, e);
}

hm_err orgs_seed(hm_db *db, hm_error *e)
{
	const struct hm_embedded_file *f = hm_embedded_find("data/orgs.tsv");
	if (!f)
		return hm_failf(e, HM_E_INTERNAL, NULL, "缺少机构数据 data/orgs.tsv");
	int64_t city = 0;
	const char *p = (const char *)f->data;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[256], code[16], level[16], name[128];
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (eol ? 1 : 0);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "%15[^\t]\t%15[^\t]\t%127[^\t\n]", code, level, name) != 3)
			return hm_failf(e, HM_E_INTERNAL, NULL, "机构数据行格式错误：%s", line);
		hm_stmt *st = db_stmt(db,
				      "INSERT INTO orgs (code, name, level, parent_id) VALUES ($1, $2, $3, $4)"
				      " ON CONFLICT (code) DO NOTHING",
				      e);
		if (!st)
			return e->err;
		db_bind_text(st, 1, code);
		db_bind_text(st, 2, name);
		db_bind_text(st, 3, level);
		if (city)
			db_bind_int(st, 4, city);
		else
			db_bind_null(st, 4);
		hm_err err = db_exec_stmt(st, e);
		if (err)
			return err;
		if (strcmp(level, "city") == 0) {
			org_info o;
			if ((err = org_by_code(db, code, &o, e)))
				return err;
			city = o.id;
		}
	}
	return HM_OK;
}

hm_err password_check_strength(const char *pw, hm_error *e)
{
	size_t n = strlen(pw);
	bool alpha = false, digit = false;
	for (size_t i = 0; i < n; i++) {
		if ((pw[i] >= 'a' && pw[i] <= 'z') || (pw[i] >= 'A' && pw[i] <= 'Z'))
			alpha = true;
		if (pw[i] >= '0' && pw[i] <= '9')
			digit = true;
	}
	if (n < 10 || n > 128 || !alpha || !digit)
		return hm_fail(e, HM_E_WEAK_PASSWORD, "password");
	return HM_OK;
}

/* argon2id with 12 MiB and 3 passes: one of the five settings the OWASP
 * Password Storage Cheat Sheet (cheatsheetseries.owasp.org, "Argon2id")
 * lists as giving an equal level of defence: m=47104 KiB t=1, m=19456 t=2,
 * m=12288 t=3, m=9216 t=4, m=7168 t=5. The smaller memory keeps a sign-in
 * beside a server holding a million children inside 64 MB (issue 6; it
 * was libsodium's INTERACTIVE, 64 MiB and 2 passes). Hashes made with other
 * settings still verify (the hash names its own) and are replaced by one
 * made with these at the user's next sign-in. */
#define PW_OPSLIMIT 3ULL
#define PW_MEMLIMIT ((size_t)12 * 1024 * 1024)

/* Each hash being computed takes PW_MEMLIMIT. Sign-ins arriving together
 * would each take their own, so at most PW_CONCURRENT hashes run at once
 * and the others queue here for the tens of milliseconds one takes: the
 * server's peak memory stays bounded whatever the burst. */
#define PW_CONCURRENT 1
static sem_t pw_sem;
static pthread_once_t pw_once = PTHREAD_ONCE_INIT;

static void pw_sem_init(void)
{
	if (sem_init(&pw_sem, 0, PW_CONCURRENT) != 0)
		abort();
}

static void pw_enter(void)
{
	pthread_once(&pw_once, pw_sem_init);
	while (sem_wait(&pw_sem) != 0 && errno == EINTR)
		;
}

static void pw_leave(void)
{
	sem_post(&pw_sem);
}

hm_err password_hash(const char *pw, char *out, hm_error *e)
{
	pw_enter();
	int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13);
	pw_leave();
	if (rc != 0)
		return hm_failf(e, HM_E_INTERNAL, NULL, "密码哈希计算失败（内存不足）");
	return HM_OK;
}

bool password_verify(const char *hash, const char *pw)
{
	pw_enter();
	bool ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	pw_leave();
	return ok;
}

void password_dummy_verify(const char *pw)
{
	static char dummy[crypto_pwhash_STRBYTES];
	static int ready;
	static pthread_mutex_t make = PTHREAD_MUTEX_INITIALIZER;
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		/* made once; two first sign-ins must not both write it */
		pthread_mutex_lock(&make);
		hm_error e;
		hm_error_clear(&e);
		if (!ready && password_hash("huimin-dummy-password-1", dummy, &e) == HM_OK)
			__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&make);
		if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
			return;
	}
	(void)password_verify(dummy, pw);
}

static hm_err user_json_audit(hm_db *db, int64_t at, int64_t actor, const char *action, int64_t uid,
			      const char *detail, hm_error *e)
{
	return audit_append(db, at, actor, action, "user", uid, NULL, NULL, detail, e);
}

hm_err user_create(hm_db *db, int64_t at, int64_t actor_id, const char *username, const char *display_name,
		   const char *role, const char *org_code, const char *password, bool is_demo, int64_t *id,
		   hm_error *e)
{
	const hm_role *r = perm_role(role);
	if (!r)
		return hm_failf(e, HM_E_ROLE_UNKNOWN, "role", "角色 %s 不存在", role);
	size_t ulen = strlen(username);
	if (ulen < 2 || ulen > 32 || strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != ulen)
		return hm_failf(e, HM_E_BAD_VALUE, "username", "用户名须为 2–32 位小写字母、数字、下划线、点或连字符");
	org_info org;
	hm_err err = org_by_code(db, org_code, &org, e);
	if (err)
		return err;
	if (strcmp(r->level, "any") != 0 && strcmp(org.level, r->level) != 0)
		return hm_failf(e, HM_E_ORG_ROLE_MISMATCH, "org", "%s须属于%s级机构", r->name,
				strcmp(r->level, "city") == 0 ? "市" : "区（市）");
	if ((err = password_check_strength(password, e)))
		return err;
	char hash[crypto_pwhash_STRBYTES];
	if ((err = password_hash(password, hash, e)))
		return err;
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO users (username, display_name, role, org_id, pw_hash, is_demo, created_at, pw_changed_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, display_name);
	db_bind_text(st, 3, role);
	db_bind_int(st, 4, org.id);
	db_bind_text(st, 5, hash);
	db_bind_int(st, 6, is_demo);
	db_bind_int(st, 7, at);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_USER_EXISTS, "username");
	if (rc != DB_DONE)
		return db_error(db, e);
	int64_t uid = db_last_id(db);
	if (id)
		*id = uid;
	char detail[160];
	snprintf(detail, sizeof detail, "{\"username\":\"%s\",\"role\":\"%s\",\"org\":\"%s\"}", username, role, org_code);
	return user_json_audit(db, at, actor_id, "user.create", uid, detail, e);
}

static hm_err end_sessions(hm_db *db, int64_t user_id, const char *keep, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, keep ? keep : "");
	return db_exec_stmt(st, e);
}

/* The hash of a new password is made by the caller (strength checked). */
static hm_err store_password(hm_db *db, int64_t at, int64_t actor_id, int64_t user_id, const char *hash,
			     const char *keep_token_hash, hm_error *e)
{
	hm_err err;
	hm_stmt *st = db_stmt(db, "UPDATE users SET pw_hash = $1, pw_changed_at = $2 WHERE id = $3", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, at);
	db_bind_int(st, 3, user_id);
	if ((err = db_exec_stmt(st, e)))
		return err;
	if (db_changes(db) != 1)
		return hm_fail(e, HM_E_USER_NOT_FOUND, "user");
	if ((err = end_sessions(db, user_id, keep_token_hash, e)))
		return err;
	return user_json_audit(db, at, actor_id, "user.password", user_id, NULL, e);
}

hm_err user_set_password(hm_db *db, int64_t at, int64_t actor_id, int64_t user_id, const char *password,
			 const char *keep_token_hash, hm_error *e)
{
	hm_err err = password_check_strength(password, e);
	if (err)
		return err;
	char hash[crypto_pwhash_STRBYTES];
	if ((err = password_hash(password, hash, e)))
		return err;
	return store_password(db, at, actor_id, user_id, hash, keep_token_hash, e);
}

/* Does password match hash? The verdict of a check made before the write
 * (pre) stands only if it was made against this very hash; otherwise the
 * password is checked now. *same tells which. */
static bool password_matches(const hm_pwcheck *pre, const char *hash, const char *password, bool *same)
{
	*same = pre && pre->done && strcmp(pre->stored, hash) == 0;
	return *same ? pre->ok : password_verify(hash, password);
}

/* The stored hash of a user by id (id > 0) or name; "" when there is none. */
static hm_err stored_hash(hm_db *db, int64_t user_id, const char *username, char out[crypto_pwhash_STRBYTES],
			  hm_error *e)
{
	out[0] = '\0';
	hm_stmt *st = user_id > 0 ? db_stmt(db, "SELECT pw_hash FROM users WHERE id = $1", e)
				  : db_stmt(db, "SELECT pw_hash FROM users WHERE username = $1", e);
	if (!st)
		return e->err;
	if (user_id > 0)
		db_bind_int(st, 1, user_id);
	else
		db_bind_text(st, 1, username);
	int rc = db_step(st);
	if (rc == DB_ROW)
		snprintf(out, crypto_pwhash_STRBYTES, "%s", db_col_text(st, 0));
	else if (rc != DB_DONE)
		return db_error(db, e);
	return HM_OK;
}

void password_change_precheck(hm_db *db, int64_t user_id, const char *old_pw, const char *new_pw, hm_pwcheck *pre)
{
	memset(pre, 0, sizeof *pre);
	hm_error e;
	hm_error_clear(&e);
	bool found = old_pw && new_pw && stored_hash(db, user_id, NULL, pre->stored, &e) == HM_OK && pre->stored[0];
	/* no read stays open during the hashing */
	db_release(db);
	if (!found)
		return;
	pre->ok = password_verify(pre->stored, old_pw);
	if (pre->ok && password_check_strength(new_pw, &e) == HM_OK && password_hash(new_pw, pre->fresh, &e) != HM_OK)
		pre->fresh[0] = '\0';
	pre->done = true;
}

hm_err user_change_password(hm_db *db, int64_t at, int64_t user_id, const char *old_pw, const char *new_pw,
			    const char *keep_token_hash, const hm_pwcheck *pre, hm_error *e)
{
	char hash[crypto_pwhash_STRBYTES];
	hm_err err = stored_hash(db, user_id, NULL, hash, e);
	if (err)
		return err;
	if (!hash[0])
		return hm_fail(e, HM_E_USER_NOT_FOUND, "user");
	bool same;
	if (!password_matches(pre, hash, old_pw, &same))
		return hm_fail(e, HM_E_WRONG_PASSWORD, "old_password");
	if (same && pre->fresh[0])
		err = store_password(db, at, user_id, user_id, pre->fresh, keep_token_hash, e);
	else
		err = user_set_password(db, at, user_id, user_id, new_pw, keep_token_hash, e);
	if (err && strcmp(e->field, "password") == 0)
		snprintf(e->field, sizeof e->field, "new_password");
	return err;
}

hm_err user_set_disabled(hm_db *db, int64_t at, int64_t actor_id, int64_t user_id, bool disabled, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "UPDATE users SET disabled = $1 WHERE id = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, disabled);
	db_bind_int(st, 2, user_id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	if (db_changes(db) != 1)
		return hm_fail(e, HM_E_USER_NOT_FOUND, "user");
	if (disabled && (err = end_sessions(db, user_id, NULL, e)))
		return err;
	return user_json_audit(db, at, actor_id, disabled ? "user.disable" : "user.enable", user_id, NULL, e);
}

hm_err user_id_by_name(hm_db *db, const char *username, int64_t *id, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT id FROM users WHERE username = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, username);
	hm_err err = db_row(st, HM_E_USER_NOT_FOUND, "username", e);
	if (err)
		return err;
	*id = db_col_int(st, 0);
	return HM_OK;
}

hm_err user_load(hm_db *db, int64_t user_id, hm_user *u, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT u.id, u.username, u.display_name, u.role, o.id, o.code, o.name, o.level, u.disabled"
			      " FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, user_id);
	hm_err err = db_row(st, HM_E_USER_NOT_FOUND, "user", e);
	if (err)
		return err;
	memset(u, 0, sizeof *u);
	u->id = db_col_int(st, 0);
	snprintf(u->username, sizeof u->username, "%s", db_col_text(st, 1));
	snprintf(u->display_name, sizeof u->display_name, "%s", db_col_text(st, 2));
	u->role = perm_role(db_col_text(st, 3));
	u->org_id = db_col_int(st, 4);
	snprintf(u->org_code, sizeof u->org_code, "%s", db_col_text(st, 5));
	snprintf(u->org_name, sizeof u->org_name, "%s", db_col_text(st, 6));
	u->scope_org_id = strcmp(db_col_text(st, 7), "district") == 0 ? u->org_id : 0;
	if (db_col_int(st, 8))
		return hm_fail(e, HM_E_AUTH_DISABLED, NULL);
	return HM_OK;
}

void session_token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void random_hex(char out[65])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, 65, b, sizeof b);
}

static hm_err note_failure(hm_db *db, int64_t now, const char *username, hm_error *e)
{
	/* a new window after LOGIN_WINDOW; lock once the window holds too many */
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO login_failures (username, failures, window_start, locked_until) VALUES ($1, 1, $2, 0)"
			      " ON CONFLICT (username) DO UPDATE SET"
			      " failures = CASE WHEN login_failures.window_start < $3 THEN 1 ELSE login_failures.failures + 1 END,"
			      " window_start = CASE WHEN login_failures.window_start < $3 THEN $2 ELSE login_failures.window_start END,"
			      " locked_until = CASE WHEN login_failures.window_start >= $3 AND login_failures.failures + 1 >= $4"
			      " THEN $2 + $5 ELSE login_failures.locked_until END",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, username);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now - LOGIN_WINDOW);
	db_bind_int(st, 4, LOGIN_MAX_FAILURES);
	db_bind_int(st, 5, LOGIN_LOCK);
	return db_exec_stmt(st, e);
}

/* Seconds the account stays locked after too many failures, 0 if it is not. */
static hm_err locked_for(hm_db *db, int64_t now, const char *username, int64_t *left, hm_error *e)
{
	*left = 0;
	hm_stmt *st = db_stmt(db, "SELECT locked_until FROM login_failures WHERE username = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, username);
	int rc = db_step(st);
	if (rc == DB_ROW && db_col_int(st, 0) > now)
		*left = db_col_int(st, 0) - now;
	if (rc != DB_ROW && rc != DB_DONE)
		return db_error(db, e);
	return HM_OK;
}

void login_precheck(hm_db *db, int64_t now, const char *username, const char *password, hm_pwcheck *pre)
{
	memset(pre, 0, sizeof *pre);
	hm_error e;
	hm_error_clear(&e);
	int64_t left;
	bool go = username && password && locked_for(db, now, username, &left, &e) == HM_OK && left == 0 &&
		  stored_hash(db, 0, username, pre->stored, &e) == HM_OK;
	/* no read stays open during the hashing */
	db_release(db);
	if (!go)
		return;
	if (pre->stored[0])
		pre->ok = password_verify(pre->stored, password);
	else
		password_dummy_verify(password);
	/* a hash made with other settings is replaced as the user signs in */
	if (pre->ok && crypto_pwhash_str_needs_rehash(pre->stored, PW_OPSLIMIT, PW_MEMLIMIT) != 0 &&
	    password_hash(password, pre->fresh, &e) != HM_OK)
		pre->fresh[0] = '\0';
	pre->done = true;
}

hm_err login(hm_db *db, int64_t now, int ttl, const char *username, const char *password, const hm_pwcheck *pre,
	     char *token, char *csrf, hm_user *u, hm_error *e)
{
	int64_t left;
	hm_err lerr = locked_for(db, now, username, &left, e);
	if (lerr)
		return lerr;
	if (left > 0)
		return hm_failf(e, HM_E_AUTH_THROTTLED, NULL, "登录失败次数过多，请 %lld 分钟后再试",
				(long long)((left + 59) / 60));
	int rc;
	hm_stmt *st = db_stmt(db, "SELECT id, pw_hash, disabled FROM users WHERE username = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, username);
	rc = db_step(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_error(db, e);
	bool ok = false, upgrade = false;
	int64_t uid = 0;
	bool disabled = false;
	if (rc == DB_ROW) {
		uid = db_col_int(st, 0);
		disabled = db_col_int(st, 2) != 0;
		char hash[crypto_pwhash_STRBYTES];
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 1));
		bool same;
		ok = password_matches(pre, hash, password, &same);
		upgrade = same && ok && pre->fresh[0];
	} else if (!(pre && pre->done && !pre->stored[0])) {
		password_dummy_verify(password);
	}
	hm_err err;
	if (!ok) {
		if ((err = note_failure(db, now, username, e)))
			return err;
		return hm_fail(e, HM_E_AUTH_FAILED, "password");
	}
	if (disabled)
		return hm_fail(e, HM_E_AUTH_DISABLED, "username");
	st = db_stmt(db, "DELETE FROM login_failures WHERE username = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, username);
	if ((err = db_exec_stmt(st, e)))
		return err;
	/* expired sessions are dropped here, where sign-ins happen anyway */
	st = db_stmt(db, "DELETE FROM sessions WHERE expires_at < $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, now);
	if ((err = db_exec_stmt(st, e)))
		return err;
	if ((err = user_load(db, uid, u, e)))
		return err;
	if (upgrade) {
		/* the same password under the current hash settings (made before
		 * the write, login_precheck): not a change of password */
		st = db_stmt(db, "UPDATE users SET pw_hash = $1 WHERE id = $2 AND pw_hash = $3", e);
		if (!st)
			return e->err;
		db_bind_text(st, 1, pre->fresh);
		db_bind_int(st, 2, uid);
		db_bind_text(st, 3, pre->stored);
		if ((err = db_exec_stmt(st, e)))
			return err;
	}
	char th[65];
	random_hex(token);
	random_hex(csrf);
	session_token_hash(token, th);
	st = db_stmt(db, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, th);
	db_bind_int(st, 2, uid);
	db_bind_text(st, 3, csrf);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, now + ttl);
	if ((err = db_exec_stmt(st, e)))
		return err;
	return audit_append(db, now, uid, "session.login", "user", uid, NULL, NULL, NULL, e);
}

hm_err session_find(hm_db *db, int64_t now, const char *token, hm_user *u, char *csrf, int64_t *expires_at,
		    hm_error *e)
{
	char th[65];
	session_token_hash(token, th);
	hm_stmt *st = db_stmt(db, "SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, th);
	db_bind_int(st, 2, now);
	int rc = db_step(st);
	if (rc == DB_DONE)
		return hm_fail(e, HM_E_AUTH_REQUIRED, NULL);
	if (rc != DB_ROW)
		return db_error(db, e);
	int64_t uid = db_col_int(st, 0);
	snprintf(csrf, 65, "%s", db_col_text(st, 1));
	if (expires_at)
		*expires_at = db_col_int(st, 2);
	hm_err err = user_load(db, uid, u, e);
	/* a disabled user's session is dead even if it was not deleted */
	return err == HM_E_AUTH_DISABLED ? hm_fail(e, HM_E_AUTH_REQUIRED, NULL) : err;
}

hm_err session_delete(hm_db *db, const char *token, hm_error *e)
{
	char th[65];
	session_token_hash(token, th);
	hm_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE token_hash = $1", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, th);
	return db_exec_stmt(st, e);
}

hm_err orgs_list(hm_db *db, org_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT id, code, name, level FROM orgs ORDER BY code", e);
	if (!st)
		return e->err;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		org_info o;
		o.id = db_col_int(st, 0);
		snprintf(o.code, sizeof o.code, "%s", db_col_text(st, 1));
		snprintf(o.name, sizeof o.name, "%s", db_col_text(st, 2));
		snprintf(o.level, sizeof o.level, "%s", db_col_text(st, 3));
		visit(&o, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err users_list(hm_db *db, user_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT u.id, u.username, u.display_name, u.role, o.id, o.code, o.name, o.level, u.disabled,"
			      " u.is_demo FROM users u JOIN orgs o ON o.id = u.org_id ORDER BY u.id",
			      e);
	if (!st)
		return e->err;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hm_user u;
		memset(&u, 0, sizeof u);
		u.id = db_col_int(st, 0);
		snprintf(u.username, sizeof u.username, "%s", db_col_text(st, 1));
		snprintf(u.display_name, sizeof u.display_name, "%s", db_col_text(st, 2));
		u.role = perm_role(db_col_text(st, 3));
		u.org_id = db_col_int(st, 4);
		snprintf(u.org_code, sizeof u.org_code, "%s", db_col_text(st, 5));
		snprintf(u.org_name, sizeof u.org_name, "%s", db_col_text(st, 6));
		u.scope_org_id = strcmp(db_col_text(st, 7), "district") == 0 ? u.org_id : 0;
		visit(&u, db_col_int(st, 8) != 0, db_col_int(st, 9) != 0, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
