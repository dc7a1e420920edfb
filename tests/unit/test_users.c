/* Identity: password rules, accounts, sign-in, throttling and sessions, as
 * a person signing in (or an administrator) would notice them. Each test
 * gets a fresh database with the seven federations. Password hashing is
 * argon2id (~0.1 s a call), so fixtures insert users with one hash made
 * once; only the tests about user_create go through it. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/log.h"
#include "core/users.h"
#include "store/store.h"

#define T0 1772409600 /* 2026-03-02T08:00:00+08:00 */
#define TTL 3600
#define PASSWORD "Zaozhuang2026"

static char password_hash_once[crypto_pwhash_STRBYTES]; /* hash of PASSWORD */

typedef struct fixture {
	char dir[32];
	char path[64];
	hm_store *store;
	hm_db *db;
} fixture;

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[320];

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
			unlink(p);
		}
	}
	closedir(d);
	rmdir(dir);
}

static int group_setup(void **state)
{
	hm_error e;

	(void)state;
	return password_hash(PASSWORD, password_hash_once, &e) == HM_OK ? 0 : -1;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	hm_error e;

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/hm-unit-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/huimin.db", f->dir);
	*state = f;
	f->store = store_open(f->path, &(store_options){.create = true, .migrate = true}, &e);
	if (!f->store || !(f->db = store_conn(f->store, &e))) {
		fprintf(stderr, "store: %s\n", hm_error_message(&e));
		return -1;
	}
	if (db_begin(f->db, true, &e) || orgs_seed(f->db, &e) || db_commit(f->db, &e)) {
		fprintf(stderr, "orgs_seed: %s\n", hm_error_message(&e));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	if (f->db)
		db_rollback(f->db);
	store_close(f->store);
	remove_dir(f->dir);
	free(f);
	return 0;
}

static int64_t org_id(hm_db *db, const char *code)
{
	org_info o;
	hm_error e;

	assert_int_equal(org_by_code(db, code, &o, &e), HM_OK);
	return o.id;
}

/* A user with password PASSWORD, inserted directly (no argon2 call). */
static int64_t add_user(hm_db *db, const char *username, const char *role, const char *org_code)
{
	hm_error e;
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO users (username, display_name, role, org_id, pw_hash, created_at, pw_changed_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $6)",
			      &e);

	assert_non_null(st);
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, "测试用户");
	db_bind_text(st, 3, role);
	db_bind_int(st, 4, org_id(db, org_code));
	db_bind_text(st, 5, password_hash_once);
	db_bind_int(st, 6, T0);
	assert_int_equal(db_exec_stmt(st, &e), HM_OK);
	return db_last_id(db);
}

/* user_create in its own committed transaction. */
static hm_err create(hm_db *db, const char *username, const char *role, const char *org_code, hm_error *e)
{
	hm_err err;

	hm_error_clear(e);
	assert_int_equal(db_begin(db, true, e), HM_OK);
	err = user_create(db, T0, 0, username, "测试用户", role, org_code, PASSWORD, false, NULL, e);
	if (err)
		db_rollback(db);
	else
		assert_int_equal(db_commit(db, e), HM_OK);
	return err;
}

typedef struct signin {
	char token[65];
	char csrf[65];
	hm_user user;
	hm_error e;
} signin;

/* Sign in at `now`; the transaction is committed even on failure, as the
 * server does, so failures are counted. */
static hm_err sign_in(hm_db *db, int64_t now, const char *username, const char *password, signin *out)
{
	hm_err err;
	hm_error e;

	memset(out, 0, sizeof *out);
	assert_int_equal(db_begin(db, true, &e), HM_OK);
	err = login(db, now, TTL, username, password, NULL, out->token, out->csrf, &out->user, &out->e);
	assert_int_equal(db_commit(db, &e), HM_OK);
	return err;
}

static hm_err find(hm_db *db, int64_t now, const char *token, hm_user *u)
{
	char csrf[65];
	hm_error e;
	hm_err err;

	assert_int_equal(db_begin(db, false, &e), HM_OK);
	hm_error_clear(&e);
	err = session_find(db, now, token, u, csrf, NULL, &e);
	assert_int_equal(db_commit(db, &e), HM_OK);
	return err;
}

static bool is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* ---- passwords -------------------------------------------------------- */

static void test_password_strength_rule(void **state)
{
	char long_pw[130];
	hm_error e;

	(void)state;
	assert_int_equal(password_check_strength("abc12345", &e), HM_E_WEAK_PASSWORD);
	assert_string_equal(e.field, "password");
	assert_int_equal(password_check_strength("abcdefghijkl", &e), HM_E_WEAK_PASSWORD);
	assert_int_equal(password_check_strength("123456789012", &e), HM_E_WEAK_PASSWORD);
	assert_int_equal(password_check_strength("慈善慈善慈善慈善12", &e), HM_E_WEAK_PASSWORD);
	assert_int_equal(password_check_strength("abc1234567", &e), HM_OK);
	memset(long_pw, 'a', 128);
	long_pw[0] = '1';
	long_pw[128] = '\0';
	assert_int_equal(password_check_strength(long_pw, &e), HM_OK);
	long_pw[128] = 'a';
	long_pw[129] = '\0';
	assert_int_equal(password_check_strength(long_pw, &e), HM_E_WEAK_PASSWORD);
}

static void test_password_hash_verifies_only_the_same_password(void **state)
{
	char h[crypto_pwhash_STRBYTES];
	hm_error e;

	(void)state;
	assert_int_equal(password_hash("Tengzhou2026x", h, &e), HM_OK);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_null(strstr(h, "Tengzhou2026x"));
	assert_true(password_verify(h, "Tengzhou2026x"));
	assert_false(password_verify(h, "tengzhou2026x"));
}

/* ---- creating users --------------------------------------------------- */

static void count_visit(const audit_rec *r, const char *actor_name, void *arg)
{
	(void)actor_name;
	assert_string_equal(r->action, "user.create");
	(*(int *)arg)++;
}

static void test_user_is_created_and_audited(void **state)
{
	fixture *f = *state;
	hm_error e;
	hm_user u;
	int64_t id = 0, n = 0;
	int seen = 0;

	assert_int_equal(create(f->db, "wang.jb", "caseworker", "370402", &e), HM_OK);
	assert_int_equal(user_id_by_name(f->db, "wang.jb", &id, &e), HM_OK);
	assert_int_equal(user_load(f->db, id, &u, &e), HM_OK);
	assert_string_equal(u.role->code, "caseworker");
	assert_string_equal(u.org_code, "370402");
	assert_int_equal(audit_list(f->db, "user", id, count_visit, &seen, &n, &e), HM_OK);
	assert_int_equal(n, 1);
	assert_int_equal(seen, 1);
}

static void test_duplicate_username_is_refused(void **state)
{
	fixture *f = *state;
	hm_error e;

	add_user(f->db, "li.sh", "reviewer", "370403");
	assert_int_equal(create(f->db, "li.sh", "reviewer", "370403", &e), HM_E_USER_EXISTS);
	assert_string_equal(e.field, "username");
}

static void test_district_role_at_the_city_is_refused(void **state)
{
	fixture *f = *state;
	hm_error e;

	assert_int_equal(create(f->db, "zhang", "caseworker", "370400", &e), HM_E_ORG_ROLE_MISMATCH);
	assert_string_equal(e.field, "org");
}

static void test_city_role_at_a_district_is_refused(void **state)
{
	fixture *f = *state;
	hm_error e;

	assert_int_equal(create(f->db, "zhao", "approver", "370481", &e), HM_E_ORG_ROLE_MISMATCH);
}

static void test_unknown_role_is_refused(void **state)
{
	fixture *f = *state;
	hm_error e;

	assert_int_equal(create(f->db, "sun", "superuser", "370400", &e), HM_E_ROLE_UNKNOWN);
	assert_string_equal(e.field, "role");
}

static void test_unknown_org_is_refused(void **state)
{
	fixture *f = *state;
	hm_error e;

	assert_int_equal(create(f->db, "sun", "caseworker", "370102", &e), HM_E_ORG_NOT_FOUND);
}

static void test_username_with_bad_characters_is_refused(void **state)
{
	static const char *const bad[] = {"Wang", "wang jb", "王经办", "w", "a23456789012345678901234567890123", "wang;--", ""};
	fixture *f = *state;
	hm_error e;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (create(f->db, bad[i], "caseworker", "370402", &e) != HM_E_BAD_VALUE)
			fail_msg("username \"%s\" accepted or refused for another reason", bad[i]);
		assert_string_equal(e.field, "username");
	}
}

/* ---- signing in ------------------------------------------------------- */

static void test_district_user_signs_in_and_sees_only_the_district(void **state)
{
	fixture *f = *state;
	signin s;
	hm_user u;
	int64_t id = add_user(f->db, "wang", "caseworker", "370402");

	assert_int_equal(sign_in(f->db, T0, "wang", PASSWORD, &s), HM_OK);
	assert_true(is_hex64(s.token));
	assert_true(is_hex64(s.csrf));
	assert_string_not_equal(s.token, s.csrf);
	assert_int_equal(s.user.id, id);
	assert_int_equal(find(f->db, T0 + 1, s.token, &u), HM_OK);
	assert_int_equal(u.id, id);
	assert_string_equal(u.username, "wang");
	assert_int_equal(u.org_id, org_id(f->db, "370402"));
	assert_int_equal(u.scope_org_id, u.org_id);
}

static void test_city_user_signs_in_with_the_whole_city_in_scope(void **state)
{
	fixture *f = *state;
	signin s;
	hm_user u;

	add_user(f->db, "zhou", "approver", "370400");
	assert_int_equal(sign_in(f->db, T0, "zhou", PASSWORD, &s), HM_OK);
	assert_int_equal(find(f->db, T0 + 1, s.token, &u), HM_OK);
	assert_string_equal(u.role->code, "approver");
	assert_int_equal(u.scope_org_id, 0);
}

/* A copy of the database must not let anyone take over a session. */
static void test_session_token_itself_is_not_stored(void **state)
{
	fixture *f = *state;
	signin s;
	hm_error e;
	hm_stmt *st;
	char th[65];

	add_user(f->db, "wang", "caseworker", "370402");
	assert_int_equal(sign_in(f->db, T0, "wang", PASSWORD, &s), HM_OK);
	session_token_hash(s.token, th);
	st = db_stmt(f->db, "SELECT count(*), sum(token_hash = $1), sum(token_hash = $2) FROM sessions", &e);
	assert_non_null(st);
	db_bind_text(st, 1, s.token);
	db_bind_text(st, 2, th);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_int_equal(db_col_int(st, 1), 0);
	assert_int_equal(db_col_int(st, 2), 1);
	db_release(f->db);
}

static void test_wrong_password_and_unknown_user_get_the_same_answer(void **state)
{
	fixture *f = *state;
	signin wrong, unknown;

	add_user(f->db, "wang", "caseworker", "370402");
	assert_int_equal(sign_in(f->db, T0, "wang", "Zaozhuang2025", &wrong), HM_E_AUTH_FAILED);
	assert_int_equal(sign_in(f->db, T0, "nobody", PASSWORD, &unknown), HM_E_AUTH_FAILED);
	assert_string_equal(hm_error_message(&wrong.e), hm_error_message(&unknown.e));
	assert_string_equal(wrong.e.field, unknown.e.field);
}

static void test_sixth_attempt_after_five_failures_is_throttled_even_with_the_right_password(void **state)
{
	fixture *f = *state;
	signin s;

	add_user(f->db, "wang", "caseworker", "370402");
	for (int i = 0; i < LOGIN_MAX_FAILURES; i++)
		assert_int_equal(sign_in(f->db, T0 + i, "wang", "wrong-password-1", &s), HM_E_AUTH_FAILED);
	assert_int_equal(sign_in(f->db, T0 + LOGIN_MAX_FAILURES, "wang", PASSWORD, &s), HM_E_AUTH_THROTTLED);
	assert_string_equal(s.token, "");
	/* the lock lifts after LOGIN_LOCK */
	assert_int_equal(sign_in(f->db, T0 + LOGIN_MAX_FAILURES - 1 + LOGIN_LOCK, "wang", PASSWORD, &s), HM_OK);
}

static void test_disabled_user_loses_sessions_and_cannot_sign_in(void **state)
{
	fixture *f = *state;
	signin s, again;
	hm_user u;
	hm_error e;
	int64_t id = add_user(f->db, "wang", "caseworker", "370402");

	assert_int_equal(sign_in(f->db, T0, "wang", PASSWORD, &s), HM_OK);
	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	assert_int_equal(user_set_disabled(f->db, T0 + 10, 0, id, true, &e), HM_OK);
	assert_int_equal(db_commit(f->db, &e), HM_OK);
	assert_int_equal(find(f->db, T0 + 11, s.token, &u), HM_E_AUTH_REQUIRED);
	assert_int_equal(sign_in(f->db, T0 + 12, "wang", PASSWORD, &again), HM_E_AUTH_DISABLED);
	assert_string_equal(again.token, "");
}

static void test_new_password_ends_other_sessions_but_keeps_the_given_one(void **state)
{
	fixture *f = *state;
	signin here, elsewhere;
	hm_user u;
	hm_error e;
	char keep[65];
	int64_t id = add_user(f->db, "wang", "caseworker", "370402");

	assert_int_equal(sign_in(f->db, T0, "wang", PASSWORD, &here), HM_OK);
	assert_int_equal(sign_in(f->db, T0 + 1, "wang", PASSWORD, &elsewhere), HM_OK);
	session_token_hash(here.token, keep);
	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	assert_int_equal(user_set_password(f->db, T0 + 2, id, id, "Shizhong2026new", keep, &e), HM_OK);
	assert_int_equal(db_commit(f->db, &e), HM_OK);
	assert_int_equal(find(f->db, T0 + 3, here.token, &u), HM_OK);
	assert_int_equal(find(f->db, T0 + 3, elsewhere.token, &u), HM_E_AUTH_REQUIRED);
}

static void test_weak_new_password_is_refused_and_sessions_stay(void **state)
{
	fixture *f = *state;
	signin s;
	hm_user u;
	hm_error e;
	int64_t id = add_user(f->db, "wang", "caseworker", "370402");

	assert_int_equal(sign_in(f->db, T0, "wang", PASSWORD, &s), HM_OK);
	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	assert_int_equal(user_set_password(f->db, T0 + 2, id, id, "short1", NULL, &e), HM_E_WEAK_PASSWORD);
	db_rollback(f->db);
	assert_int_equal(find(f->db, T0 + 3, s.token, &u), HM_OK);
}

/* The server checks a password before queueing the sign-in for the writer
 * (login_precheck); the write takes that verdict only for the hash it was
 * made against. */
static hm_err sign_in_prechecked(hm_db *db, int64_t now, const char *username, const char *password,
				 const hm_pwcheck *pre, signin *out)
{
	hm_err err;
	hm_error e;

	memset(out, 0, sizeof *out);
	assert_int_equal(db_begin(db, true, &e), HM_OK);
	err = login(db, now, TTL, username, password, pre, out->token, out->csrf, &out->user, &out->e);
	assert_int_equal(db_commit(db, &e), HM_OK);
	return err;
}

static void test_prechecked_sign_in_succeeds_and_a_wrong_password_still_counts(void **state)
{
	fixture *f = *state;
	hm_pwcheck pre;
	signin s;

	add_user(f->db, "wang", "caseworker", "370402");
	login_precheck(f->db, T0, "wang", PASSWORD, &pre);
	assert_true(pre.done);
	assert_true(pre.ok);
	assert_int_equal(sign_in_prechecked(f->db, T0, "wang", PASSWORD, &pre, &s), HM_OK);
	assert_true(is_hex64(s.token));
	for (int i = 0; i < LOGIN_MAX_FAILURES; i++) {
		login_precheck(f->db, T0 + 1 + i, "wang", "wrong-password-1", &pre);
		assert_true(pre.done);
		assert_false(pre.ok);
		assert_int_equal(sign_in_prechecked(f->db, T0 + 1 + i, "wang", "wrong-password-1", &pre, &s),
				 HM_E_AUTH_FAILED);
	}
	/* locked: the precheck does not even hash, and the write refuses */
	login_precheck(f->db, T0 + 10, "wang", PASSWORD, &pre);
	assert_false(pre.done);
	assert_int_equal(sign_in_prechecked(f->db, T0 + 10, "wang", PASSWORD, &pre, &s), HM_E_AUTH_THROTTLED);
}

static void test_precheck_of_a_replaced_password_does_not_let_the_old_one_in(void **state)
{
	fixture *f = *state;
	hm_pwcheck pre;
	signin s;
	hm_error e;
	int64_t id = add_user(f->db, "wang", "caseworker", "370402");

	/* checked against the old hash, then the password changes before the
	 * sign-in is written: the verdict is for a hash no longer stored */
	login_precheck(f->db, T0, "wang", PASSWORD, &pre);
	assert_true(pre.ok);
	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	assert_int_equal(user_set_password(f->db, T0 + 1, 0, id, "Shizhong2026new", NULL, &e), HM_OK);
	assert_int_equal(db_commit(f->db, &e), HM_OK);
	assert_int_equal(sign_in_prechecked(f->db, T0 + 2, "wang", PASSWORD, &pre, &s), HM_E_AUTH_FAILED);
	assert_string_equal(s.token, "");
	/* a verdict of "wrong" made for the old hash does not keep out the new password */
	login_precheck(f->db, T0 + 3, "wang", "Shizhong2026new", &pre);
	assert_true(pre.ok);
	memset(pre.stored, 0, sizeof pre.stored);
	snprintf(pre.stored, sizeof pre.stored, "%s", password_hash_once);
	pre.ok = false;
	assert_int_equal(sign_in_prechecked(f->db, T0 + 3, "wang", "Shizhong2026new", &pre, &s), HM_OK);
}

static void test_hash_with_old_settings_is_replaced_at_sign_in(void **state)
{
	fixture *f = *state;
	hm_pwcheck pre;
	signin s;
	hm_error e;
	char old[crypto_pwhash_STRBYTES];
	int64_t id = add_user(f->db, "wang", "caseworker", "370402");
	hm_stmt *st;

	/* made as before: libsodium's INTERACTIVE settings, 64 MiB */
	assert_int_equal(crypto_pwhash_str_alg(old, PASSWORD, strlen(PASSWORD), crypto_pwhash_OPSLIMIT_INTERACTIVE,
					       crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13),
			 0);
	st = db_stmt(f->db, "UPDATE users SET pw_hash = $1 WHERE id = $2", &e);
	assert_non_null(st);
	db_bind_text(st, 1, old);
	db_bind_int(st, 2, id);
	assert_int_equal(db_exec_stmt(st, &e), HM_OK);
	/* new hashes take 12 MiB and 3 passes */
	assert_non_null(strstr(password_hash_once, "$m=12288,t=3,"));
	login_precheck(f->db, T0, "wang", PASSWORD, &pre);
	assert_true(pre.ok);
	assert_non_null(strstr(pre.fresh, "$m=12288,t=3,"));
	assert_int_equal(sign_in_prechecked(f->db, T0, "wang", PASSWORD, &pre, &s), HM_OK);
	st = db_stmt(f->db, "SELECT pw_hash FROM users WHERE id = $1", &e);
	assert_non_null(st);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), pre.fresh);
	db_release(f->db);
	/* the same password signs in with the new hash; a wrong one still fails */
	assert_int_equal(sign_in(f->db, T0 + 1, "wang", PASSWORD, &s), HM_OK);
	assert_int_equal(sign_in(f->db, T0 + 2, "wang", "wrong-password-1", &s), HM_E_AUTH_FAILED);
}

static void test_password_change_uses_the_prechecked_hash_only_for_the_same_old_hash(void **state)
{
	fixture *f = *state;
	hm_pwcheck pre;
	signin s;
	hm_error e;
	int64_t id = add_user(f->db, "wang", "caseworker", "370402");

	password_change_precheck(f->db, id, PASSWORD, "Shizhong2026new", &pre);
	assert_true(pre.done);
	assert_true(pre.ok);
	assert_true(pre.fresh[0] != '\0');
	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	assert_int_equal(user_change_password(f->db, T0 + 1, id, PASSWORD, "Shizhong2026new", NULL, &pre, &e), HM_OK);
	assert_int_equal(db_commit(f->db, &e), HM_OK);
	assert_int_equal(sign_in(f->db, T0 + 2, "wang", "Shizhong2026new", &s), HM_OK);
	assert_int_equal(sign_in(f->db, T0 + 3, "wang", PASSWORD, &s), HM_E_AUTH_FAILED);
	/* the same precheck again is stale now (the stored hash moved on): the
	 * old password is checked afresh and refused */
	hm_error_clear(&e);
	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	assert_int_equal(user_change_password(f->db, T0 + 4, id, PASSWORD, "Another2026pw", NULL, &pre, &e),
			 HM_E_WRONG_PASSWORD);
	db_rollback(f->db);
	/* a weak new password is refused even when the old one was right */
	password_change_precheck(f->db, id, "Shizhong2026new", "short1", &pre);
	assert_true(pre.ok);
	assert_string_equal(pre.fresh, "");
	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	assert_int_equal(user_change_password(f->db, T0 + 5, id, "Shizhong2026new", "short1", NULL, &pre, &e),
			 HM_E_WEAK_PASSWORD);
	db_rollback(f->db);
}

static void test_session_expires_after_its_lifetime(void **state)
{
	fixture *f = *state;
	signin s;
	hm_user u;

	add_user(f->db, "wang", "caseworker", "370402");
	assert_int_equal(sign_in(f->db, T0, "wang", PASSWORD, &s), HM_OK);
	assert_int_equal(find(f->db, T0 + TTL - 1, s.token, &u), HM_OK);
	assert_int_equal(find(f->db, T0 + TTL, s.token, &u), HM_E_AUTH_REQUIRED);
	assert_int_equal(find(f->db, T0 + 30 * 86400, s.token, &u), HM_E_AUTH_REQUIRED);
}

static void test_signed_out_session_is_gone(void **state)
{
	fixture *f = *state;
	signin s;
	hm_user u;
	hm_error e;

	add_user(f->db, "wang", "caseworker", "370402");
	assert_int_equal(sign_in(f->db, T0, "wang", PASSWORD, &s), HM_OK);
	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	assert_int_equal(session_delete(f->db, s.token, &e), HM_OK);
	assert_int_equal(db_commit(f->db, &e), HM_OK);
	assert_int_equal(find(f->db, T0 + 1, s.token, &u), HM_E_AUTH_REQUIRED);
}

static void test_made_up_token_finds_nothing(void **state)
{
	fixture *f = *state;
	hm_user u;

	assert_int_equal(find(f->db, T0, "0000000000000000000000000000000000000000000000000000000000000000", &u),
			 HM_E_AUTH_REQUIRED);
	assert_int_equal(find(f->db, T0, "", &u), HM_E_AUTH_REQUIRED);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_strength_rule),
		cmocka_unit_test(test_password_hash_verifies_only_the_same_password),
		T(test_user_is_created_and_audited),
		T(test_duplicate_username_is_refused),
		T(test_district_role_at_the_city_is_refused),
		T(test_city_role_at_a_district_is_refused),
		T(test_unknown_role_is_refused),
		T(test_unknown_org_is_refused),
		T(test_username_with_bad_characters_is_refused),
		T(test_district_user_signs_in_and_sees_only_the_district),
		T(test_city_user_signs_in_with_the_whole_city_in_scope),
		T(test_session_token_itself_is_not_stored),
		T(test_wrong_password_and_unknown_user_get_the_same_answer),
		T(test_sixth_attempt_after_five_failures_is_throttled_even_with_the_right_password),
		T(test_disabled_user_loses_sessions_and_cannot_sign_in),
		T(test_new_password_ends_other_sessions_but_keeps_the_given_one),
		T(test_weak_new_password_is_refused_and_sessions_stay),
		T(test_prechecked_sign_in_succeeds_and_a_wrong_password_still_counts),
		T(test_precheck_of_a_replaced_password_does_not_let_the_old_one_in),
		T(test_password_change_uses_the_prechecked_hash_only_for_the_same_old_hash),
		T(test_hash_with_old_settings_is_replaced_at_sign_in),
		T(test_session_expires_after_its_lifetime),
		T(test_signed_out_session_is_gone),
		T(test_made_up_token_finds_nothing),
	};

	if (sodium_init() < 0)
		return 1;
	hm_log_quiet(1);
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
