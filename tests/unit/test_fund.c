/* The fund's pure rules: the state machine, who is eligible on a given day,
 * the catalogue and phone masking. "Today" is fixed at 2026-03-02 so the
 * tests do not age. Divisions come from the embedded data/divisions.tsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/embedded.h"
#include "core/hmtime.h"
#include "core/idcard.h"
#include "fund/fund.h"

static int32_t today;

static int setup(void **state)
{
	const struct hm_embedded_file *f = hm_embedded_find("data/divisions.tsv");
	hm_error e;
	hm_divisions *d;

	if (!f)
		return -1;
	d = divisions_parse((const char *)f->data, f->len, &e);
	if (!d) {
		fprintf(stderr, "divisions.tsv: %s\n", hm_error_message(&e));
		return -1;
	}
	today = hm_ymd_day(2026, 3, 2);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	divisions_free(*state);
	return 0;
}

/* ---- the state machine ------------------------------------------------ */

static const fund_action all_actions[] = {FUND_ACCEPT,      FUND_RETURN,  FUND_RESUBMIT, FUND_REVIEW_PASS,
					  FUND_REVIEW_REJECT, FUND_APPROVE, FUND_REJECT,   FUND_PAY};

/* Every allowed step (DOMAIN.md, docs/api-plan.md). Anything not listed is
 * refused. emergency_only: allowed only for an emergency application. */
static const struct step {
	const char *from;
	fund_action action;
	const char *to;
	bool emergency_only;
} allowed[] = {
	{"submitted", FUND_ACCEPT, "accepted", false},
	{"submitted", FUND_RETURN, "returned", false},
	{"accepted", FUND_RETURN, "returned", false},
	{"reviewed", FUND_RETURN, "returned", false},
	{"returned", FUND_RESUBMIT, "accepted", false},
	{"accepted", FUND_REVIEW_PASS, "reviewed", false},
	{"accepted", FUND_REVIEW_REJECT, "rejected", false},
	{"reviewed", FUND_APPROVE, "approved", false},
	{"accepted", FUND_APPROVE, "approved", true},
	{"accepted", FUND_REJECT, "rejected", true},
	{"reviewed", FUND_REJECT, "rejected", false},
	{"approved", FUND_PAY, "paid", false},
};

static const char *expected_next(const char *from, fund_action a, bool emergency)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (strcmp(allowed[i].from, from) == 0 && allowed[i].action == a &&
		    (emergency || !allowed[i].emergency_only))
			return allowed[i].to;
	return NULL;
}

static void test_every_status_and_action_follows_the_table(void **state)
{
	const char *const *statuses = fund_statuses();
	int nstatus = 0;

	(void)state;
	for (const char *const *s = statuses; *s; s++, nstatus++) {
		for (size_t a = 0; a < sizeof all_actions / sizeof all_actions[0]; a++) {
			for (int em = 0; em <= 1; em++) {
				const char *want = expected_next(*s, all_actions[a], em);
				const char *got = fund_next_status(*s, all_actions[a], em);
				if (!want && got)
					fail_msg("%s --action %zu (emergency %d)--> %s, want refused", *s, a, em, got);
				if (want && (!got || strcmp(got, want) != 0))
					fail_msg("%s --action %zu (emergency %d)--> %s, want %s", *s, a, em,
						 got ? got : "refused", want);
			}
		}
	}
	assert_int_equal(nstatus, 7);
}

static void test_only_an_emergency_is_approved_straight_from_accepted(void **state)
{
	(void)state;
	assert_null(fund_next_status("accepted", FUND_APPROVE, false));
	assert_string_equal(fund_next_status("accepted", FUND_APPROVE, true), "approved");
	/* the ordinary path is open to both */
	assert_string_equal(fund_next_status("reviewed", FUND_APPROVE, false), "approved");
	assert_string_equal(fund_next_status("reviewed", FUND_APPROVE, true), "approved");
}

static void test_money_is_paid_only_after_approval(void **state)
{
	const char *const *statuses = fund_statuses();

	(void)state;
	for (const char *const *s = statuses; *s; s++) {
		bool ok = strcmp(*s, "approved") == 0;
		if (ok)
			assert_string_equal(fund_next_status(*s, FUND_PAY, false), "paid");
		else
			assert_null(fund_next_status(*s, FUND_PAY, true));
	}
}

static void test_nothing_leads_out_of_paid_or_rejected(void **state)
{
	(void)state;
	for (size_t a = 0; a < sizeof all_actions / sizeof all_actions[0]; a++) {
		assert_null(fund_next_status("paid", all_actions[a], true));
		assert_null(fund_next_status("rejected", all_actions[a], true));
		assert_null(fund_next_status("no_such_status", all_actions[a], true));
	}
}

static void test_statuses_have_chinese_names(void **state)
{
	(void)state;
	assert_string_equal(fund_status_name("accepted"), "审核中");
	assert_string_equal(fund_status_name("returned"), "退回补正");
	assert_string_equal(fund_status_name("paid"), "已发放");
	assert_string_equal(fund_status_name("bogus"), "bogus");
}

/* ---- eligibility ------------------------------------------------------ */

static fund_child child(const char *birth, const char *hukou, const char *cat1, const char *cat2)
{
	fund_child ch;

	memset(&ch, 0, sizeof ch);
	snprintf(ch.name, sizeof ch.name, "李小明");
	snprintf(ch.birth_date, sizeof ch.birth_date, "%s", birth);
	snprintf(ch.hukou_district, sizeof ch.hukou_district, "%s", hukou);
	snprintf(ch.household_status, sizeof ch.household_status, "none");
	if (cat1)
		snprintf(ch.categories[ch.ncategories++], sizeof ch.categories[0], "%s", cat1);
	if (cat2)
		snprintf(ch.categories[ch.ncategories++], sizeof ch.categories[0], "%s", cat2);
	return ch;
}

static void with_certificate(fund_child *ch, const char *status, const char *from, const char *to)
{
	snprintf(ch->household_status, sizeof ch->household_status, "%s", status);
	snprintf(ch->household_cert_no, sizeof ch->household_cert_no, "枣民低保〔2026〕0123");
	snprintf(ch->household_cert_from, sizeof ch->household_cert_from, "%s", from);
	snprintf(ch->household_cert_to, sizeof ch->household_cert_to, "%s", to);
}

static hm_err eligible(const hm_divisions *d, const fund_child *ch, hm_error *e)
{
	hm_error_clear(e);
	return fund_eligibility(ch, d, today, e);
}

static void assert_eligible(const hm_divisions *d, const fund_child *ch)
{
	hm_error e;

	if (eligible(d, ch, &e) != HM_OK)
		fail_msg("%s born %s refused: %s", ch->categories[0], ch->birth_date, hm_error_message(&e));
}

static void assert_not_eligible(const hm_divisions *d, const fund_child *ch, const char *why)
{
	hm_error e;

	assert_int_equal(eligible(d, ch, &e), HM_E_APP_NOT_ELIGIBLE);
	if (why && !strstr(hm_error_message(&e), why))
		fail_msg("message \"%s\" does not say \"%s\"", hm_error_message(&e), why);
}

static void test_left_behind_child_aged_15_is_eligible(void **state)
{
	/* turns 16 tomorrow */
	fund_child ch = child("2010-03-03", "370402", "left_behind", NULL);

	assert_eligible(*state, &ch);
}

static void test_left_behind_child_aged_16_is_not(void **state)
{
	/* 留守儿童 are under 16: this child turns 16 today */
	fund_child ch = child("2010-03-02", "370402", "left_behind", NULL);

	assert_not_eligible(*state, &ch, "年龄");
}

static void test_orphan_is_helped_until_18(void **state)
{
	fund_child seventeen = child("2008-03-03", "370481", "scattered_orphan", NULL);
	fund_child eighteen = child("2008-03-02", "370481", "scattered_orphan", NULL);

	assert_eligible(*state, &seventeen);
	assert_not_eligible(*state, &eighteen, "年龄");
}

static void test_disabled_child_of_dibao_family_with_valid_certificate_is_eligible(void **state)
{
	fund_child ch = child("2015-06-01", "370403", "disabled_low_income", NULL);

	with_certificate(&ch, "dibao", "2026-01-01", "2026-12-31");
	assert_eligible(*state, &ch);
	/* valid through its last day, and from its first */
	with_certificate(&ch, "dibao_edge", "2025-03-02", "2026-03-02");
	assert_eligible(*state, &ch);
	with_certificate(&ch, "dibao", "2026-03-02", "2027-03-01");
	assert_eligible(*state, &ch);
}

static void test_disabled_child_with_expired_certificate_is_not(void **state)
{
	fund_child ch = child("2015-06-01", "370403", "disabled_low_income", NULL);

	with_certificate(&ch, "dibao", "2025-03-01", "2026-03-01");
	assert_not_eligible(*state, &ch, "低保");
}

static void test_disabled_child_with_certificate_not_yet_valid_is_not(void **state)
{
	fund_child ch = child("2015-06-01", "370403", "ill_low_income", NULL);

	with_certificate(&ch, "dibao", "2026-03-03", "2027-03-02");
	assert_not_eligible(*state, &ch, "低保");
}

static void test_disabled_child_of_a_family_without_dibao_is_not(void **state)
{
	fund_child ch = child("2015-06-01", "370403", "disabled_low_income", NULL);

	assert_not_eligible(*state, &ch, "低保");
	/* a leftover certificate does not count when the status is none */
	with_certificate(&ch, "none", "2026-01-01", "2026-12-31");
	assert_not_eligible(*state, &ch, "低保");
}

static void test_child_without_zaozhuang_hukou_is_not(void **state)
{
	fund_child jinan = child("2015-06-01", "370102", "left_behind", NULL);
	fund_child city = child("2015-06-01", "370400", "left_behind", NULL);
	fund_child placeholder = child("2015-06-01", "370401", "left_behind", NULL);

	assert_not_eligible(*state, &jinan, "枣庄户籍");
	assert_not_eligible(*state, &city, "枣庄户籍");
	assert_not_eligible(*state, &placeholder, "枣庄户籍");
}

static void test_one_passing_category_is_enough(void **state)
{
	/* 16: too old to be left behind, but disabled in a dibao family */
	fund_child ch = child("2010-03-02", "370405", "left_behind", "disabled_low_income");
	/* certificate expired, but left behind at 10 */
	fund_child other = child("2016-01-01", "370406", "disabled_low_income", "left_behind");

	with_certificate(&ch, "dibao", "2026-01-01", "2026-12-31");
	assert_eligible(*state, &ch);
	with_certificate(&other, "dibao", "2025-01-01", "2025-12-31");
	assert_eligible(*state, &other);
}

static void test_two_failing_categories_are_not_enough(void **state)
{
	fund_child ch = child("2010-03-02", "370405", "left_behind", "disabled_low_income");

	with_certificate(&ch, "dibao", "2025-01-01", "2025-12-31");
	assert_not_eligible(*state, &ch, NULL);
}

static void test_child_without_a_category_is_not(void **state)
{
	fund_child ch = child("2015-06-01", "370402", NULL, NULL);

	assert_not_eligible(*state, &ch, "类别");
}

/* ---- catalogue and display -------------------------------------------- */

static void test_phone_is_masked_for_display(void **state)
{
	char buf[24];

	(void)state;
	assert_string_equal(fund_mask_phone("13912345678", buf, sizeof buf), "139****5678");
	assert_string_equal(fund_mask_phone("0632-3311161", buf, sizeof buf), "063****1161");
	assert_null(strstr(fund_mask_phone("13912345678", buf, sizeof buf), "1234"));
	assert_string_equal(fund_mask_phone("12345", buf, sizeof buf), "****");
	assert_string_equal(fund_mask_phone("", buf, sizeof buf), "");
}

static void test_catalogue_has_seven_categories(void **state)
{
	size_t n;
	const fund_item *it = fund_catalog(FUND_CATEGORY, &n);
	const fund_item *lb = fund_item_find(FUND_CATEGORY, "left_behind");
	const fund_item *dl = fund_item_find(FUND_CATEGORY, "disabled_low_income");

	(void)state;
	assert_int_equal(n, 7);
	assert_non_null(it);
	assert_non_null(lb);
	assert_string_equal(lb->name, "留守儿童");
	assert_int_equal(lb->max_age, 16);
	assert_false(lb->needs_household);
	assert_non_null(dl);
	assert_true(dl->needs_household);
	assert_true(dl->sensitive);
	assert_null(fund_item_find(FUND_CATEGORY, "living"));
}

static void test_each_aid_kind_books_to_its_own_expense_account(void **state)
{
	static const char *const kinds[][2] = {
		{"living", "5101"}, {"medical", "5102"}, {"education", "5103"}, {"rehab", "5104"}};
	const struct hm_embedded_file *chart = hm_embedded_find("db/migrations/0002_ledger.sql");
	size_t n;
	char quoted[16];

	(void)state;
	fund_catalog(FUND_AID, &n);
	assert_int_equal(n, 4);
	assert_non_null(chart);
	for (size_t i = 0; i < 4; i++) {
		const fund_item *it = fund_item_find(FUND_AID, kinds[i][0]);
		if (!it)
			fail_msg("aid kind %s missing", kinds[i][0]);
		assert_string_equal(it->extra, kinds[i][1]);
		/* and that account exists in the chart of accounts */
		snprintf(quoted, sizeof quoted, "('%s',", kinds[i][1]);
		assert_non_null(strstr((const char *)chart->data, quoted));
	}
}

static void test_catalogue_has_three_services(void **state)
{
	size_t n;

	(void)state;
	fund_catalog(FUND_SERVICE, &n);
	assert_int_equal(n, 3);
	assert_non_null(fund_item_find(FUND_SERVICE, "psych"));
	assert_non_null(fund_item_find(FUND_SERVICE, "legal"));
	assert_non_null(fund_item_find(FUND_SERVICE, "family_edu"));
	assert_null(fund_item_find(FUND_SERVICE, "left_behind"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_status_and_action_follows_the_table),
		cmocka_unit_test(test_only_an_emergency_is_approved_straight_from_accepted),
		cmocka_unit_test(test_money_is_paid_only_after_approval),
		cmocka_unit_test(test_nothing_leads_out_of_paid_or_rejected),
		cmocka_unit_test(test_statuses_have_chinese_names),
		cmocka_unit_test(test_left_behind_child_aged_15_is_eligible),
		cmocka_unit_test(test_left_behind_child_aged_16_is_not),
		cmocka_unit_test(test_orphan_is_helped_until_18),
		cmocka_unit_test(test_disabled_child_of_dibao_family_with_valid_certificate_is_eligible),
		cmocka_unit_test(test_disabled_child_with_expired_certificate_is_not),
		cmocka_unit_test(test_disabled_child_with_certificate_not_yet_valid_is_not),
		cmocka_unit_test(test_disabled_child_of_a_family_without_dibao_is_not),
		cmocka_unit_test(test_child_without_zaozhuang_hukou_is_not),
		cmocka_unit_test(test_one_passing_category_is_enough),
		cmocka_unit_test(test_two_failing_categories_are_not_enough),
		cmocka_unit_test(test_child_without_a_category_is_not),
		cmocka_unit_test(test_phone_is_masked_for_display),
		cmocka_unit_test(test_catalogue_has_seven_categories),
		cmocka_unit_test(test_each_aid_kind_books_to_its_own_expense_account),
		cmocka_unit_test(test_catalogue_has_three_services),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
