/* The fund's books: balanced entries only, never overdrawn, and a verify
 * that names the entry someone edited behind the program's back. Amounts
 * are fen; the opening capital is ¥2,000,000 = 200000000 fen. */
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

#include "core/ledger.h"
#include "core/log.h"
#include "store/store.h"

#define T0 1772409600 /* 2026-03-02T08:00:00+08:00 */
#define OPENING 200000000LL
#define N(a) (sizeof(a) / sizeof((a)[0]))

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

/* A fresh database with a write transaction open; teardown rolls back
 * whatever a test left uncommitted. */
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
	return db_begin(f->db, true, &e) == HM_OK ? 0 : -1;
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

static hm_err post(hm_db *db, const char *memo, const ledger_line *lines, size_t n, int64_t *entry, hm_error *e)
{
	hm_error_clear(e);
	return ledger_post(db, T0, memo, "test", 0, 0, 0, lines, n, entry, e);
}

static int64_t book_opening(hm_db *db)
{
	const ledger_line l[] = {{LEDGER_BANK, OPENING}, {LEDGER_OPENING, -OPENING}};
	hm_error e;
	int64_t id = 0;

	if (post(db, "起始注资", l, N(l), &id, &e) != HM_OK)
		fail_msg("opening: %s", hm_error_message(&e));
	return id;
}

static int64_t balance(hm_db *db, const char *account)
{
	hm_error e;
	int64_t b = -1;

	assert_int_equal(ledger_balance(db, account, &b, &e), HM_OK);
	return b;
}

static int64_t count_entries(hm_db *db)
{
	hm_error e;
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM journal_entries", &e);
	int64_t n;

	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	n = db_col_int(st, 0);
	db_release(db);
	return n;
}

static int64_t count_postings(hm_db *db)
{
	hm_error e;
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM postings", &e);
	int64_t n;

	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	n = db_col_int(st, 0);
	db_release(db);
	return n;
}

/* ---- the pure balance rule -------------------------------------------- */

static void test_entry_whose_lines_sum_to_zero_is_balanced(void **state)
{
	const ledger_line two[] = {{"5101", 300000}, {"1001", -300000}};
	const ledger_line three[] = {{"5101", 200000}, {"5103", 100000}, {"1001", -300000}};

	(void)state;
	assert_true(ledger_balanced(two, N(two)));
	assert_true(ledger_balanced(three, N(three)));
}

static void test_entry_whose_lines_do_not_sum_to_zero_is_not_balanced(void **state)
{
	const ledger_line l[] = {{"5101", 300000}, {"1001", -299999}};

	(void)state;
	assert_false(ledger_balanced(l, N(l)));
}

static void test_single_line_or_no_line_is_not_an_entry(void **state)
{
	const ledger_line one[] = {{"1001", 0}};

	(void)state;
	assert_false(ledger_balanced(one, 1));
	assert_false(ledger_balanced(one, 0));
}

static void test_zero_line_is_refused_even_if_the_sum_is_zero(void **state)
{
	const ledger_line l[] = {{"5101", 100}, {"5102", 0}, {"1001", -100}};

	(void)state;
	assert_false(ledger_balanced(l, N(l)));
}

/* Two huge debits wrap around to exactly cancel the credit in 64-bit
 * arithmetic; the check must see the overflow, not a zero sum. */
static void test_overflowing_lines_are_not_balanced(void **state)
{
	const ledger_line l[] = {{"5101", INT64_MAX}, {"5102", INT64_MAX}, {"1001", 2}};
	const ledger_line m[] = {{"1001", INT64_MIN}, {"4101", -1}, {"5101", 1}};

	(void)state;
	assert_false(ledger_balanced(l, N(l)));
	assert_false(ledger_balanced(m, N(m)));
}

/* ---- posting ---------------------------------------------------------- */

static void test_opening_then_payment_leaves_the_right_bank_balance(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5101", 300000}, {LEDGER_BANK, -300000}};
	hm_error e;
	int64_t id = 0;

	book_opening(f->db);
	assert_int_equal(post(f->db, "生活帮扶", pay, N(pay), &id, &e), HM_OK);
	assert_true(id > 0);
	assert_int_equal(balance(f->db, LEDGER_BANK), 199700000);
	assert_int_equal(balance(f->db, "5101"), 300000);
	assert_int_equal(balance(f->db, LEDGER_OPENING), -OPENING);
	assert_int_equal(count_entries(f->db), 2);
	assert_int_equal(count_postings(f->db), 4);
}

static void test_unbalanced_entry_is_refused_and_writes_nothing(void **state)
{
	fixture *f = *state;
	const ledger_line l[] = {{LEDGER_BANK, OPENING}, {LEDGER_OPENING, -OPENING + 1}};
	hm_error e;

	assert_int_equal(post(f->db, "起始注资", l, N(l), NULL, &e), HM_E_LEDGER_UNBALANCED);
	assert_int_equal(e.err, HM_E_LEDGER_UNBALANCED);
	assert_int_equal(count_entries(f->db), 0);
	assert_int_equal(count_postings(f->db), 0);
	assert_int_equal(balance(f->db, LEDGER_BANK), 0);
}

static void test_payment_beyond_the_bank_balance_is_refused_and_writes_nothing(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5102", OPENING + 1}, {LEDGER_BANK, -(OPENING + 1)}};
	hm_error e;

	book_opening(f->db);
	assert_int_equal(post(f->db, "重大疾病帮扶", pay, N(pay), NULL, &e), HM_E_LEDGER_FUNDS);
	assert_int_equal(e.err, HM_E_LEDGER_FUNDS);
	/* the message tells the finance officer what is available */
	assert_non_null(strstr(hm_error_message(&e), "2000000.00"));
	assert_int_equal(count_entries(f->db), 1);
	assert_int_equal(count_postings(f->db), 2);
	assert_int_equal(balance(f->db, LEDGER_BANK), OPENING);
}

static void test_payment_of_the_whole_balance_is_allowed(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5104", OPENING}, {LEDGER_BANK, -OPENING}};
	hm_error e;

	book_opening(f->db);
	assert_int_equal(post(f->db, "康复帮扶", pay, N(pay), NULL, &e), HM_OK);
	assert_int_equal(balance(f->db, LEDGER_BANK), 0);
}

static void test_payment_from_an_empty_fund_is_refused(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5101", 1}, {LEDGER_BANK, -1}};
	hm_error e;

	assert_int_equal(post(f->db, "生活帮扶", pay, N(pay), NULL, &e), HM_E_LEDGER_FUNDS);
	assert_int_equal(count_entries(f->db), 0);
}

static void test_unknown_account_is_refused(void **state)
{
	fixture *f = *state;
	const ledger_line l[] = {{LEDGER_BANK, 100}, {"9999", -100}};
	hm_error e;

	assert_int_equal(post(f->db, "未知科目", l, N(l), NULL, &e), HM_E_LEDGER_ACCOUNT);
	assert_non_null(strstr(hm_error_message(&e), "9999"));
}

/* The refusal comes before anything is written, so a caller that keeps
 * its transaction after an error cannot commit half an entry. */
static void test_unknown_account_writes_nothing(void **state)
{
	fixture *f = *state;
	const ledger_line l[] = {{LEDGER_BANK, 100}, {"9999", -100}};
	hm_error e;

	/* KNOWN BUG (reported): ledger_post inserts the journal entry and the
	 * lines before the unknown one, then fails. */
	assert_int_equal(post(f->db, "未知科目", l, N(l), NULL, &e), HM_E_LEDGER_ACCOUNT);
	assert_int_equal(count_entries(f->db), 0);
	assert_int_equal(count_postings(f->db), 0);
}

/* Balanced overall, but the bank lines alone add up past INT64_MAX: refused
 * as an entry no fund can hold, without signed overflow (UBSan build). */
static void test_bank_lines_that_overflow_together_are_refused(void **state)
{
	fixture *f = *state;
	const ledger_line l[] = {{LEDGER_BANK, INT64_MAX}, {LEDGER_OPENING, -INT64_MAX},
				 {LEDGER_BANK, INT64_MAX}, {LEDGER_OPENING, -INT64_MAX}};
	hm_error e;

	/* KNOWN BUG (reported): ledger.c sums bank lines with a plain +=.
	 * */
	assert_int_not_equal(post(f->db, "溢出", l, N(l), NULL, &e), HM_OK);
	assert_int_equal(count_entries(f->db), 0);
}

/* ---- verify ----------------------------------------------------------- */

static void test_verify_passes_on_good_books(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5103", 500000}, {LEDGER_BANK, -500000}};
	hm_error e;
	int64_t entries = -1, bad = -1;

	book_opening(f->db);
	assert_int_equal(post(f->db, "教育帮扶", pay, N(pay), NULL, &e), HM_OK);
	assert_int_equal(ledger_verify(f->db, &entries, &bad, &e), HM_OK);
	assert_int_equal(entries, 2);
	assert_int_equal(bad, 0);
}

static void test_verify_names_the_entry_whose_posting_was_edited(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5101", 300000}, {LEDGER_BANK, -300000}};
	hm_error e;
	int64_t opening, payment, entries, bad;

	opening = book_opening(f->db);
	assert_int_equal(post(f->db, "生活帮扶", pay, N(pay), &payment, &e), HM_OK);
	assert_int_not_equal(opening, payment);
	assert_int_equal(db_exec(f->db, "UPDATE postings SET amount = amount + 1 WHERE id = 1", &e), HM_OK);
	hm_error_clear(&e);
	assert_int_not_equal(ledger_verify(f->db, &entries, &bad, &e), HM_OK);
	assert_int_equal(bad, opening);
}

/* The running balance a payment checks against must be the postings' sum:
 * a balance changed behind the books' back is found by verify. */
static void test_running_balances_follow_postings_and_verify_checks_them(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5102", 123456}, {LEDGER_BANK, -123456}};
	hm_error e;
	int64_t bank, spent, entries, bad;

	book_opening(f->db);
	assert_int_equal(post(f->db, "重大疾病帮扶", pay, N(pay), NULL, &e), HM_OK);
	assert_int_equal(ledger_balance(f->db, LEDGER_BANK, &bank, &e), HM_OK);
	assert_int_equal(bank, 200000000 - 123456);
	assert_int_equal(ledger_balance(f->db, "5102", &spent, &e), HM_OK);
	assert_int_equal(spent, 123456);
	assert_int_equal(ledger_verify(f->db, &entries, &bad, &e), HM_OK);
	assert_int_equal(db_exec(f->db, "UPDATE account_balances SET balance = balance + 1000000"
				 " WHERE account_id = (SELECT id FROM accounts WHERE code = '1001')", &e), HM_OK);
	hm_error_clear(&e);
	assert_int_equal(ledger_verify(f->db, &entries, &bad, &e), HM_E_LEDGER_UNBALANCED);
	assert_non_null(strstr(hm_error_message(&e), "1001"));
}

/* The dashboard's money by month comes from ledger_monthly: it must hold
 * what the postings of each month add up to, and verify must notice if not. */
static void test_monthly_sums_follow_postings_and_verify_checks_them(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5101", 5000}, {LEDGER_BANK, -5000}};
	hm_error e;
	int64_t entries, bad;

	book_opening(f->db);
	assert_int_equal(post(f->db, "生活帮扶", pay, N(pay), NULL, &e), HM_OK);
	assert_int_equal(post(f->db, "生活帮扶", pay, N(pay), NULL, &e), HM_OK);
	hm_stmt *st = db_stmt(f->db,
			      "SELECT sum(m.amount) FROM ledger_monthly m JOIN accounts a ON a.id = m.account_id WHERE a.code = '5101'",
			      &e);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 10000);
	db_release(f->db);
	assert_int_equal(ledger_verify(f->db, &entries, &bad, &e), HM_OK);
	assert_int_equal(db_exec(f->db, "UPDATE ledger_monthly SET amount = amount + 1"
				 " WHERE account_id = (SELECT id FROM accounts WHERE code = '5101')", &e), HM_OK);
	hm_error_clear(&e);
	assert_int_equal(ledger_verify(f->db, &entries, &bad, &e), HM_E_LEDGER_UNBALANCED);
	assert_non_null(strstr(hm_error_message(&e), "分月合计"));
}

static void test_verify_names_a_later_entry_that_was_edited(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5101", 300000}, {LEDGER_BANK, -300000}};
	hm_error e;
	int64_t payment, entries, bad;

	book_opening(f->db);
	assert_int_equal(post(f->db, "生活帮扶", pay, N(pay), &payment, &e), HM_OK);
	assert_int_equal(db_exec(f->db, "DELETE FROM postings WHERE id = 4", &e), HM_OK);
	hm_error_clear(&e);
	assert_int_equal(ledger_verify(f->db, &entries, &bad, &e), HM_E_LEDGER_UNBALANCED);
	assert_int_equal(bad, payment);
}

/* A pair of edits that keeps every entry balanced but pays out money the
 * fund never had is still found: the bank went below zero. */
static void test_verify_finds_an_overdrawn_bank(void **state)
{
	fixture *f = *state;
	const ledger_line pay[] = {{"5101", 300000}, {LEDGER_BANK, -300000}};
	hm_error e;
	int64_t payment, entries, bad;

	book_opening(f->db);
	assert_int_equal(post(f->db, "生活帮扶", pay, N(pay), &payment, &e), HM_OK);
	assert_int_equal(db_exec(f->db,
				 "UPDATE postings SET amount = 300000000 WHERE id = 3;"
				 "UPDATE postings SET amount = -300000000 WHERE id = 4",
				 &e),
			 HM_OK);
	hm_error_clear(&e);
	assert_int_equal(ledger_verify(f->db, &entries, &bad, &e), HM_E_LEDGER_FUNDS);
	assert_int_equal(bad, payment);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_whose_lines_sum_to_zero_is_balanced),
		cmocka_unit_test(test_entry_whose_lines_do_not_sum_to_zero_is_not_balanced),
		cmocka_unit_test(test_single_line_or_no_line_is_not_an_entry),
		cmocka_unit_test(test_zero_line_is_refused_even_if_the_sum_is_zero),
		cmocka_unit_test(test_overflowing_lines_are_not_balanced),
		cmocka_unit_test_setup_teardown(test_opening_then_payment_leaves_the_right_bank_balance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbalanced_entry_is_refused_and_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payment_beyond_the_bank_balance_is_refused_and_writes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_payment_of_the_whole_balance_is_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payment_from_an_empty_fund_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_account_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_passes_on_good_books, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_names_the_entry_whose_posting_was_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_names_a_later_entry_that_was_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_balances_follow_postings_and_verify_checks_them, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monthly_sums_follow_postings_and_verify_checks_them, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_finds_an_overdrawn_bank, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_account_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bank_lines_that_overflow_together_are_refused, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	hm_log_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
