/* The pure rules of donations: the unified social credit code, receipt
 * numbers and check codes, and the income-tax deduction limits with the
 * enterprises' three-year carry-forward. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "fund/donation.h"

static void uscc_published_examples_pass(void **state)
{
	(void)state;
	/* codes printed on public business licences */
	assert_true(donation_uscc_valid("91350100M000100Y43"));
	assert_true(donation_uscc_valid("91110000100017643K"));
	assert_int_equal(donation_uscc_check_char("91350100M000100Y4"), '3');
	assert_int_equal(donation_uscc_check_char("91110000100017643"), 'K');
}

static void uscc_refuses_what_is_wrong(void **state)
{
	(void)state;
	assert_false(donation_uscc_valid("91350100M000100Y44"));   /* check character */
	assert_false(donation_uscc_valid("91350100M000100Y4"));    /* 17 characters */
	assert_false(donation_uscc_valid("91350100M000100Y433"));  /* 19 */
	assert_false(donation_uscc_valid("91350100m000100Y43"));   /* lower case is not in the alphabet */
	assert_false(donation_uscc_valid("913501O0M000100Y43"));   /* O is not in the alphabet */
	assert_false(donation_uscc_valid("91A50100M000100Y43"));   /* characters 3–8 are a division code */
	assert_false(donation_uscc_valid(""));
	assert_int_equal(donation_uscc_check_char("9135010IM000100Y4"), 0);
	/* every single-character change of a valid code is caught */
	const char *alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char s[19];
	for (int i = 8; i < 18; i++)
		for (const char *a = alpha; *a; a++) {
			strcpy(s, "91350100M000100Y43");
			if (s[i] == *a)
				continue;
			s[i] = *a;
			assert_false(donation_uscc_valid(s));
		}
}

static void receipt_numbers(void **state)
{
	(void)state;
	char buf[16];
	assert_string_equal(donation_receipt_no_format(2026, 1, buf, sizeof buf), "2026-000001");
	assert_string_equal(donation_receipt_no_format(2026, 123456, buf, sizeof buf), "2026-123456");
	assert_string_equal(donation_receipt_no_format(2027, 1234567, buf, sizeof buf), "2027-1234567");
	int y;
	int64_t seq;
	assert_true(donation_receipt_no_parse("2026-000042", &y, &seq));
	assert_int_equal(y, 2026);
	assert_int_equal(seq, 42);
	assert_false(donation_receipt_no_parse("2026-000000", &y, &seq));
	assert_false(donation_receipt_no_parse("2026/000001", &y, &seq));
	assert_false(donation_receipt_no_parse("2026-00a001", &y, &seq));
}

static void check_code_is_keyed_and_binds_the_fields(void **state)
{
	(void)state;
	const char *k1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	const char *k2 = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	char a[11], b[11];
	donation_check_code(k1, "37040124", "2026-000001", "2026-03-05", 1234567, "王爱心", "", a);
	assert_int_equal(strlen(a), 10);
	for (int i = 0; i < 10; i++)
		assert_true(a[i] >= '0' && a[i] <= '9');
	donation_check_code(k1, "37040124", "2026-000001", "2026-03-05", 1234567, "王爱心", "", b);
	assert_string_equal(a, b);
	donation_check_code(k1, "37040124", "2026-000001", "2026-03-05", 1234568, "王爱心", "", b);
	assert_string_not_equal(a, b);
	donation_check_code(k1, "37040124", "2026-000002", "2026-03-05", 1234567, "王爱心", "", b);
	assert_string_not_equal(a, b);
	donation_check_code(k2, "37040124", "2026-000001", "2026-03-05", 1234567, "王爱心", "", b);
	assert_string_not_equal(a, b);
}

static void tax_individual_30_percent_rounded_down(void **state)
{
	(void)state;
	donation_tax t;
	/* ¥50,000 given, ¥100,000 taxable: cap ¥30,000, ¥20,000 not deductible */
	donation_tax_individual(5000000, 10000000, &t);
	assert_int_equal(t.limit, 3000000);
	assert_int_equal(t.deductible_now, 3000000);
	assert_int_equal(t.not_deductible, 2000000);
	/* under the cap: all of it */
	donation_tax_individual(100000, 10000000, &t);
	assert_int_equal(t.deductible_now, 100000);
	assert_int_equal(t.not_deductible, 0);
	/* 30% of 333 fen is 99.9 fen: the cap is 99, never 100 */
	donation_tax_individual(1000, 333, &t);
	assert_int_equal(t.limit, 99);
	assert_int_equal(t.deductible_now, 99);
	donation_tax_individual(1000, 0, &t);
	assert_int_equal(t.limit, 0);
	assert_int_equal(t.not_deductible, 1000);
	/* the largest accepted income does not overflow */
	donation_tax_individual(1, INT64_C(1000000000000), &t);
	assert_int_equal(t.limit, INT64_C(300000000000));
}

static void tax_enterprise_carry_forward_oldest_first(void **state)
{
	(void)state;
	donation_tax t;
	/* profit ¥1,000,000: cap ¥120,000. Carried ¥30,000 (Y-3), ¥50,000
	 * (Y-2), ¥60,000 (Y-1); this year ¥20,000. Oldest first: 30k + 50k
	 * + 40k of Y-1 fill the cap; 20k of Y-1 and all 20k of Y carry on. */
	int64_t carry[3] = {3000000, 5000000, 6000000};
	donation_tax_enterprise(2000000, 100000000, carry, &t);
	assert_int_equal(t.limit, 12000000);
	assert_int_equal(t.carry_used[0], 3000000);
	assert_int_equal(t.carry_used[1], 5000000);
	assert_int_equal(t.carry_used[2], 4000000);
	assert_int_equal(t.current_used, 0);
	assert_int_equal(t.deductible_now, 12000000);
	assert_int_equal(t.carry_expired, 0);
	assert_int_equal(t.carry_out[0], 0);
	assert_int_equal(t.carry_out[1], 2000000);
	assert_int_equal(t.carry_out[2], 2000000);

	/* a small cap leaves part of the Y-3 amount: its three years are up */
	int64_t old[3] = {2000000, 0, 0};
	donation_tax_enterprise(500000, 10000000, old, &t);
	assert_int_equal(t.limit, 1200000);
	assert_int_equal(t.carry_used[0], 1200000);
	assert_int_equal(t.carry_expired, 800000);
	assert_int_equal(t.current_used, 0);
	assert_int_equal(t.carry_out[2], 500000);

	/* room left after the carried amounts goes to this year's gifts */
	int64_t some[3] = {0, 1000000, 0};
	donation_tax_enterprise(20000000, 100000000, some, &t);
	assert_int_equal(t.deductible_now, 12000000);
	assert_int_equal(t.current_used, 11000000);
	assert_int_equal(t.carry_out[2], 9000000);

	/* a loss: nothing deductible, everything but Y-3 carries on */
	int64_t loss[3] = {100, 200, 300};
	donation_tax_enterprise(400, -5000000, loss, &t);
	assert_int_equal(t.limit, 0);
	assert_int_equal(t.deductible_now, 0);
	assert_int_equal(t.carry_expired, 100);
	assert_int_equal(t.carry_out[0], 200);
	assert_int_equal(t.carry_out[1], 300);
	assert_int_equal(t.carry_out[2], 400);

	/* 12% of 99 fen is 11.88: rounded down to 11 */
	int64_t none[3] = {0, 0, 0};
	donation_tax_enterprise(50, 99, none, &t);
	assert_int_equal(t.limit, 11);
	assert_int_equal(t.deductible_now, 11);
}

static void names_and_settings(void **state)
{
	(void)state;
	assert_string_equal(donation_name_of("bank_transfer"), "银行转账");
	assert_string_equal(donation_name_of("void"), "已作废");
	assert_string_equal(donation_name_of("nonsense"), "nonsense");
	assert_true(donation_channel_valid("cheque"));
	assert_false(donation_channel_valid("paypal"));
	const donation_settings *s = donation_settings_get();
	assert_string_equal(s->issuer, "枣庄市慈善总会");
	assert_string_equal(s->purpose, "枣慈留香·孤困和留守儿童关爱帮扶基金");
	assert_true(s->receipt_code[0] != '\0');
	assert_string_equal(s->qual_status, "待确认");
	donation_donor d = {0};
	strcpy(d.kind, "anonymous");
	strcpy(d.name, "内部知道的名字");
	assert_string_equal(donation_donor_display(&d), "匿名");
	strcpy(d.kind, "individual");
	assert_string_equal(donation_donor_display(&d), "内部知道的名字");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uscc_published_examples_pass),
		cmocka_unit_test(uscc_refuses_what_is_wrong),
		cmocka_unit_test(receipt_numbers),
		cmocka_unit_test(check_code_is_keyed_and_binds_the_fields),
		cmocka_unit_test(tax_individual_30_percent_rounded_down),
		cmocka_unit_test(tax_enterprise_carry_forward_oldest_first),
		cmocka_unit_test(names_and_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
