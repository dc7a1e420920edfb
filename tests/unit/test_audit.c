/* The audit chain: what an auditor running `huimin verify` can and cannot
 * find. Every test starts from a fresh database holding three records. */
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
#include "store/store.h"

#define T0 1772409600 /* 2026-03-02T08:00:00+08:00 */

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

static void append(hm_db *db, int64_t at, int64_t actor, const char *action, const char *entity, int64_t entity_id,
		   const char *detail)
{
	hm_error e;

	hm_error_clear(&e);
	if (audit_append(db, at, actor, action, entity, entity_id, "{\"old\":1}", "{\"new\":2}", detail, &e) != HM_OK)
		fail_msg("audit_append %s: %s", action, hm_error_message(&e));
}

/* Records 1..3: an application filed by user 1, a user created by the
 * system, the application accepted by user 1. */
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
	f->store = store_open(f->path, &(store_options){.create = true, .migrate = true}, &e);
	if (!f->store || !(f->db = store_conn(f->store, &e))) {
		fprintf(stderr, "store: %s\n", hm_error_message(&e));
		return -1;
	}
	*state = f;
	if (db_exec(f->db,
		    "INSERT INTO orgs (id, code, name, level) VALUES (1, '370402', '枣庄市市中区慈善总会', 'district');"
		    "INSERT INTO users (id, username, display_name, role, org_id, pw_hash, created_at, pw_changed_at)"
		    " VALUES (1, 'wang', '王经办', 'caseworker', 1, 'x', 0, 0)",
		    &e) != HM_OK)
		return -1;
	if (db_begin(f->db, true, &e) != HM_OK)
		return -1;
	append(f->db, T0, 1, "application.create", "application", 7, "{\"no\":\"FA-370402-2026000007\"}");
	append(f->db, T0 + 60, 0, "user.create", "user", 2, "{\"username\":\"li\"}");
	append(f->db, T0 + 120, 1, "application.accept", "application", 7, NULL);
	return db_commit(f->db, &e) == HM_OK ? 0 : -1;
}

static int teardown(void **state)
{
	fixture *f = *state;

	store_close(f->store);
	remove_dir(f->dir);
	free(f);
	return 0;
}

static hm_err verify(hm_db *db, int64_t *count, int64_t *bad)
{
	hm_error e;

	hm_error_clear(&e);
	return audit_verify(db, count, bad, &e);
}

/* ---- the chain -------------------------------------------------------- */

static void test_untouched_chain_verifies(void **state)
{
	fixture *f = *state;
	int64_t count = -1, bad = -1;

	assert_int_equal(verify(f->db, &count, &bad), HM_OK);
	assert_int_equal(count, 3);
	assert_int_equal(bad, 0);
}

static void test_changing_any_column_of_a_record_is_found_at_that_record(void **state)
{
	static const char *const edits[] = {
		"UPDATE audit_log SET detail = '{\"no\":\"FA-370402-2026000099\"}' WHERE id = 2",
		"UPDATE audit_log SET action = 'user.disable' WHERE id = 2",
		"UPDATE audit_log SET at = at + 1 WHERE id = 2",
		"UPDATE audit_log SET actor_id = 1 WHERE id = 2",
		"UPDATE audit_log SET new_digest = old_digest WHERE id = 2",
		"UPDATE audit_log SET old_digest = '' WHERE id = 2",
		"UPDATE audit_log SET entity = 'child' WHERE id = 2",
		"UPDATE audit_log SET entity_id = 3 WHERE id = 2",
		"UPDATE audit_log SET hash = prev_hash WHERE id = 2",
	};
	fixture *f = *state;
	hm_error e;
	int64_t count, bad;

	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		/* each edit inside a transaction that is rolled back after */
		assert_int_equal(db_begin(f->db, true, &e), HM_OK);
		assert_int_equal(db_exec(f->db, edits[i], &e), HM_OK);
		assert_int_equal(db_changes(f->db), 1);
		if (verify(f->db, &count, &bad) == HM_OK)
			fail_msg("not detected: %s", edits[i]);
		if (bad != 2)
			fail_msg("%s: bad_id %lld, want 2", edits[i], (long long)bad);
		db_rollback(f->db);
		assert_int_equal(verify(f->db, &count, &bad), HM_OK);
	}
}

/* Someone who rewrites a record and recomputes its own hash still breaks
 * the link the next record holds. */
static void test_rewritten_record_with_recomputed_hash_is_found_at_the_next(void **state)
{
	fixture *f = *state;
	hm_error e;
	hm_stmt *st;
	char prev[65], hash[65];
	int64_t count, bad;

	st = db_stmt(f->db, "SELECT prev_hash FROM audit_log WHERE id = 2", &e);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(prev, sizeof prev, "%s", db_col_text(st, 0));
	db_release(f->db);

	char od[65], nd[65];
	audit_digest("{\"old\":1}", od);
	audit_digest("{\"new\":2}", nd);
	audit_rec forged = {2, T0 + 60, 0, "user.create", "user", 2, od, nd, "{\"username\":\"zhao\"}"};
	audit_chain_hash(&forged, prev, hash);

	st = db_stmt(f->db, "UPDATE audit_log SET detail = $1, hash = $2 WHERE id = 2", &e);
	assert_non_null(st);
	db_bind_text(st, 1, forged.detail);
	db_bind_text(st, 2, hash);
	assert_int_equal(db_exec_stmt(st, &e), HM_OK);
	assert_int_equal(db_changes(f->db), 1);

	assert_int_not_equal(verify(f->db, &count, &bad), HM_OK);
	assert_int_equal(bad, 3);
}

static void test_deleting_a_middle_record_is_found_at_the_gap(void **state)
{
	fixture *f = *state;
	hm_error e;
	int64_t count, bad;

	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id = 2", &e), HM_OK);
	assert_int_not_equal(verify(f->db, &count, &bad), HM_OK);
	assert_int_equal(bad, 3);
	assert_int_equal(count, 1);
}

/* KNOWN LIMIT, not a bug: the chain only links each record to the one
 * before it, so removing the newest record leaves a shorter chain that is
 * still intact. Only a copy of the latest hash kept outside the database
 * (an external anchor: printed report, another system) can show the loss;
 * that is out of scope here. This test pins the limit down so that nobody
 * believes verify covers it. */
static void test_deleting_the_last_record_is_not_found_by_the_chain_alone(void **state)
{
	fixture *f = *state;
	hm_error e;
	int64_t count, bad;

	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id = 3", &e), HM_OK);
	assert_int_equal(verify(f->db, &count, &bad), HM_OK);
	assert_int_equal(count, 2);
}

static void test_appending_after_verify_keeps_the_chain_intact(void **state)
{
	fixture *f = *state;
	hm_error e;
	int64_t count, bad;

	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	append(f->db, T0 + 180, 1, "application.review_pass", "application", 7, NULL);
	assert_int_equal(db_commit(f->db, &e), HM_OK);
	assert_int_equal(verify(f->db, &count, &bad), HM_OK);
	assert_int_equal(count, 4);
}

/* ---- digests ---------------------------------------------------------- */

static bool is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static void test_digest_is_stable_and_tells_texts_apart(void **state)
{
	char a[65], b[65], c[65], none[65];

	(void)state;
	audit_digest("{\"name\":\"张三\"}", a);
	audit_digest("{\"name\":\"张三\"}", b);
	audit_digest("{\"name\":\"张四\"}", c);
	audit_digest(NULL, none);
	assert_true(is_hex64(a));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_equal(none, "");
}

static void test_chain_hash_depends_on_the_previous_hash(void **state)
{
	audit_rec r = {5, T0, 1, "application.approve", "application", 7, "", "", "{}"};
	char p1[65], p2[65], h1[65], h1again[65], h2[65];

	(void)state;
	memset(p1, '0', 64);
	p1[64] = '\0';
	memcpy(p2, p1, sizeof p2);
	p2[63] = '1';
	audit_chain_hash(&r, p1, h1);
	audit_chain_hash(&r, p1, h1again);
	audit_chain_hash(&r, p2, h2);
	assert_true(is_hex64(h1));
	assert_string_equal(h1, h1again);
	assert_string_not_equal(h1, h2);
}

/* Fields are length-prefixed: moving a character from one field to the
 * next gives a different hash. */
static void test_chain_hash_tells_field_boundaries_apart(void **state)
{
	audit_rec a = {5, T0, 1, "application.approve", "application", 7, "", "", "{}"};
	audit_rec b = {5, T0, 1, "application.approv", "eapplication", 7, "", "", "{}"};
	char prev[65], ha[65], hb[65];

	(void)state;
	memset(prev, '0', 64);
	prev[64] = '\0';
	audit_chain_hash(&a, prev, ha);
	audit_chain_hash(&b, prev, hb);
	assert_string_not_equal(ha, hb);
}

/* ---- history of one entity -------------------------------------------- */

typedef struct seen {
	int n;
	int64_t id[8];
	char action[8][40];
	char actor[8][40];
} seen;

static void collect(const audit_rec *r, const char *actor_name, void *arg)
{
	seen *s = arg;

	if (s->n >= 8)
		return;
	s->id[s->n] = r->id;
	snprintf(s->action[s->n], sizeof s->action[0], "%s", r->action);
	snprintf(s->actor[s->n], sizeof s->actor[0], "%s", actor_name);
	s->n++;
}

static void test_history_lists_one_entity_oldest_first_with_actor_names(void **state)
{
	fixture *f = *state;
	hm_error e;
	seen s = {0};
	int64_t n = -1;

	assert_int_equal(db_begin(f->db, true, &e), HM_OK);
	append(f->db, T0 + 180, 0, "application.overdue", "application", 7, NULL);
	append(f->db, T0 + 240, 1, "application.create", "application", 8, NULL);
	assert_int_equal(db_commit(f->db, &e), HM_OK);

	assert_int_equal(audit_list(f->db, "application", 7, collect, &s, &n, &e), HM_OK);
	assert_int_equal(n, 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.id[0], 1);
	assert_int_equal(s.id[1], 3);
	assert_int_equal(s.id[2], 4);
	assert_string_equal(s.action[0], "application.create");
	assert_string_equal(s.action[1], "application.accept");
	assert_string_equal(s.action[2], "application.overdue");
	assert_string_equal(s.actor[0], "王经办");
	assert_string_equal(s.actor[2], "系统");
}

static void test_history_of_an_entity_without_records_is_empty(void **state)
{
	fixture *f = *state;
	hm_error e;
	seen s = {0};
	int64_t n = -1;

	assert_int_equal(audit_list(f->db, "child", 7, collect, &s, &n, &e), HM_OK);
	assert_int_equal(n, 0);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_untouched_chain_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changing_any_column_of_a_record_is_found_at_that_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rewritten_record_with_recomputed_hash_is_found_at_the_next, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deleting_a_middle_record_is_found_at_the_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleting_the_last_record_is_not_found_by_the_chain_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_appending_after_verify_keeps_the_chain_intact, setup, teardown),
		cmocka_unit_test(test_digest_is_stable_and_tells_texts_apart),
		cmocka_unit_test(test_chain_hash_depends_on_the_previous_hash),
		cmocka_unit_test(test_chain_hash_tells_field_boundaries_apart),
		cmocka_unit_test_setup_teardown(test_history_lists_one_entity_oldest_first_with_actor_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_history_of_an_entity_without_records_is_empty, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	hm_log_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
