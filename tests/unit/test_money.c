/* Money in fen: what staff type, what the API sends, what receipts print. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/money.h"

static int64_t yuan(const char *s)
{
	int64_t fen = -1;
	hm_error e;

	hm_error_clear(&e);
	if (money_parse_yuan(s, &fen, &e, "amount") != HM_OK)
		fail_msg("'%s' refused: %s", s, hm_error_message(&e));
	return fen;
}

static void assert_refused(const char *s)
{
	int64_t fen = 777;
	hm_error e;

	hm_error_clear(&e);
	assert_int_equal(money_parse_yuan(s, &fen, &e, "amount"), HM_E_BAD_MONEY);
	assert_string_equal(e.field, "amount");
	assert_true(e.detail[0] != '\0');
	assert_int_equal(fen, 777);
}

static const char *cn(int64_t fen)
{
	static char buf[256];

	assert_int_equal(money_to_chinese(fen, buf, sizeof buf), HM_OK);
	return buf;
}

static void test_yuan_amounts_become_exact_fen(void **state)
{
	(void)state;
	assert_int_equal(yuan("1234"), 123400);
	assert_int_equal(yuan("1234.5"), 123450);
	assert_int_equal(yuan("1234.56"), 123456);
	assert_int_equal(yuan("0.01"), 1);
	assert_int_equal(yuan("0"), 0);
	assert_int_equal(yuan("0.10"), 10);
	/* Binary floating point would make this 1.1499999…: we never use it. */
	assert_int_equal(yuan("1.15"), 115);
	assert_int_equal(yuan("2000000"), 200000000);
	assert_int_equal(yuan("007.5"), 750);
}

static void test_upper_limit_is_ten_billion_yuan(void **state)
{
	(void)state;
	assert_int_equal(yuan("10000000000"), MONEY_MAX_FEN);
	assert_int_equal(yuan("10000000000.00"), MONEY_MAX_FEN);
	assert_int_equal(yuan("9999999999.99"), MONEY_MAX_FEN - 1);
	assert_refused("10000000000.01");
	assert_refused("10000000001");
	assert_refused("99999999999999999999999999999");
}

static void test_malformed_amounts_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+1", "1.234", "1.", ".5", "1e3", "1,234", "1 234", " 1", "1 ",
		"¥12", "12元", "１２", "0x10", "1..2", "1.2.3", "NaN", "abc", "12.3a",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refused(bad[i]);
	assert_refused(NULL);
}

static void test_wire_format_has_two_decimals(void **state)
{
	char buf[24];

	(void)state;
	assert_string_equal(money_format(123456, buf, sizeof buf), "1234.56");
	assert_string_equal(money_format(5, buf, sizeof buf), "0.05");
	assert_string_equal(money_format(0, buf, sizeof buf), "0.00");
	assert_string_equal(money_format(-1050, buf, sizeof buf), "-10.50");
	assert_string_equal(money_format(-5, buf, sizeof buf), "-0.05");
	assert_string_equal(money_format(INT64_MAX, buf, sizeof buf), "92233720368547758.07");
	assert_string_equal(money_format(INT64_MIN, buf, sizeof buf), "-92233720368547758.08");
}

static void test_display_format_groups_thousands(void **state)
{
	char buf[32], small[6];

	(void)state;
	assert_string_equal(money_format_display(200000000, buf, sizeof buf), "¥2,000,000.00");
	assert_string_equal(money_format_display(99999, buf, sizeof buf), "¥999.99");
	assert_string_equal(money_format_display(100000, buf, sizeof buf), "¥1,000.00");
	assert_string_equal(money_format_display(0, buf, sizeof buf), "¥0.00");
	assert_string_equal(money_format_display(-123456789, buf, sizeof buf), "-¥1,234,567.89");
	assert_string_equal(money_format_display(INT64_MIN, buf, sizeof buf), "-¥92,233,720,368,547,758.08");
	assert_string_equal(money_format_display(100, small, sizeof small), "¥1.0");
}

static void test_capital_amounts_from_the_brief(void **state)
{
	(void)state;
	assert_string_equal(cn(1234567), "壹万贰仟叁佰肆拾伍元陆角柒分");
	assert_string_equal(cn(200000000), "贰佰万元整");
	assert_string_equal(cn(100), "壹元整");
	assert_string_equal(cn(5), "伍分");
	assert_string_equal(cn(10005), "壹佰元零伍分");
	assert_string_equal(cn(100000010), "壹佰万元零壹角");
	assert_string_equal(cn(0), "零元整");
}

static void test_capital_zero_between_sections(void **state)
{
	(void)state;
	assert_string_equal(cn(10000100), "壹拾万零壹元整");       /* 100001 元 */
	assert_string_equal(cn(100010000), "壹佰万零壹佰元整");    /* 1000100 元 */
	assert_string_equal(cn(10000000000), "壹亿元整");
	assert_string_equal(cn(10000050000), "壹亿零伍佰元整");    /* empty 万 section */
	assert_string_equal(cn(10001000000), "壹亿零壹万元整");
	assert_string_equal(cn(10000100000), "壹亿零壹仟元整");    /* 万 empty, 仟 not */
	assert_string_equal(cn(1000000100), "壹仟万零壹元整");
	assert_string_equal(cn(1010100000), "壹仟零壹拾万壹仟元整");
	assert_string_equal(cn(MONEY_MAX_FEN), "壹佰亿元整");
}

static void test_capital_zero_inside_a_section(void **state)
{
	(void)state;
	/* The bank rules' own examples. */
	assert_string_equal(cn(140950), "壹仟肆佰零玖元伍角");
	assert_string_equal(cn(600714), "陆仟零柒元壹角肆分");
	assert_string_equal(cn(1640902), "壹万陆仟肆佰零玖元零贰分");
	assert_string_equal(cn(32504), "叁佰贰拾伍元零肆分");
	assert_string_equal(cn(168032), "壹仟陆佰捌拾元零叁角贰分");
	assert_string_equal(cn(10700053), "壹拾万柒仟元零伍角叁分");
	assert_string_equal(cn(1000), "壹拾元整");
	assert_string_equal(cn(110), "壹元壹角");
}

static void test_capital_amounts_under_one_yuan(void **state)
{
	(void)state;
	assert_string_equal(cn(1), "壹分");
	assert_string_equal(cn(50), "伍角");
	assert_string_equal(cn(55), "伍角伍分");
	assert_string_equal(cn(99), "玖角玖分");
}

static void test_capital_refuses_negative_large_or_short_buffer(void **state)
{
	char buf[256], tiny[10];

	(void)state;
	assert_int_equal(money_to_chinese(-1, buf, sizeof buf), HM_E_OUT_OF_RANGE);
	assert_string_equal(buf, "");
	assert_int_equal(money_to_chinese(MONEY_MAX_FEN + 1, buf, sizeof buf), HM_E_OUT_OF_RANGE);
	assert_int_equal(money_to_chinese(INT64_MAX, buf, sizeof buf), HM_E_OUT_OF_RANGE);
	/* "壹元整" is 9 bytes + NUL: fits in 10, "壹拾元整" does not. */
	assert_int_equal(money_to_chinese(100, tiny, sizeof tiny), HM_OK);
	assert_string_equal(tiny, "壹元整");
	assert_int_equal(money_to_chinese(1000, tiny, sizeof tiny), HM_E_OUT_OF_RANGE);
	assert_string_equal(tiny, "");
	assert_int_equal(money_to_chinese(1000, tiny, 0), HM_E_OUT_OF_RANGE);
	/* The longest text fits the documented 128 bytes. */
	assert_int_equal(money_to_chinese(999999999999, buf, 128), HM_OK);
	assert_string_equal(buf, "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
}

static void test_parse_format_round_trip(void **state)
{
	char buf[24];

	(void)state;
	for (int64_t f = 0; f < MONEY_MAX_FEN; f = f * 3 + 7)
		assert_int_equal(yuan(money_format(f, buf, sizeof buf)), f);
}

static void test_add_detects_overflow(void **state)
{
	int64_t out = 3;

	(void)state;
	assert_true(money_add(200000000, 150, &out));
	assert_int_equal(out, 200000150);
	assert_true(money_add(-5, 5, &out));
	assert_int_equal(out, 0);
	assert_true(money_add(INT64_MAX - 1, 1, &out));
	assert_int_equal(out, INT64_MAX);
	out = 3;
	assert_false(money_add(INT64_MAX, 1, &out));
	assert_false(money_add(INT64_MIN, -1, &out));
	assert_false(money_add(1, INT64_MAX, &out));
	assert_int_equal(out, 3);
	assert_true(money_add(INT64_MIN, INT64_MAX, &out));
	assert_int_equal(out, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yuan_amounts_become_exact_fen),
		cmocka_unit_test(test_upper_limit_is_ten_billion_yuan),
		cmocka_unit_test(test_malformed_amounts_are_refused),
		cmocka_unit_test(test_wire_format_has_two_decimals),
		cmocka_unit_test(test_display_format_groups_thousands),
		cmocka_unit_test(test_capital_amounts_from_the_brief),
		cmocka_unit_test(test_capital_zero_between_sections),
		cmocka_unit_test(test_capital_zero_inside_a_section),
		cmocka_unit_test(test_capital_amounts_under_one_yuan),
		cmocka_unit_test(test_capital_refuses_negative_large_or_short_buffer),
		cmocka_unit_test(test_parse_format_round_trip),
		cmocka_unit_test(test_add_detects_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
