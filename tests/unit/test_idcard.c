/* 身份证 numbers and the division table in data/divisions.tsv. Run from the
 * repository root. "Today" is fixed at 2026-03-02 so the tests do not age. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hmtime.h"
#include "core/idcard.h"

static int32_t today;

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int setup(void **state)
{
	size_t len;
	char *text = read_file("data/divisions.tsv", &len);
	hm_error e;
	hm_divisions *d = divisions_parse(text, len, &e);

	free(text);
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

static idcard_info parse_ok(const hm_divisions *d, const char *s)
{
	idcard_info info;
	hm_error e;

	hm_error_clear(&e);
	if (idcard_parse(d, s, today, &info, &e, "id_number") != HM_OK)
		fail_msg("%s refused: %s", s, hm_error_message(&e));
	return info;
}

static void assert_refused(const hm_divisions *d, const char *s, hm_err want)
{
	idcard_info info;
	hm_error e;

	memset(&info, 0x5a, sizeof info);
	hm_error_clear(&e);
	assert_int_equal(idcard_parse(d, s, today, &info, &e, "id_number"), want);
	assert_int_equal(e.err, want);
	assert_string_equal(e.field, "id_number");
	assert_int_equal((unsigned char)info.number[0], 0x5a); /* untouched */
}

static void test_published_examples_are_accepted(void **state)
{
	idcard_info a = parse_ok(*state, "11010519491231002X");
	idcard_info b = parse_ok(*state, "440524188001010014");

	assert_string_equal(a.number, "11010519491231002X");
	assert_int_equal(a.birth_day, hm_ymd_day(1949, 12, 31));
	assert_int_equal(a.sex, 'F');
	assert_string_equal(a.region, "110105");
	assert_int_equal(b.birth_day, hm_ymd_day(1880, 1, 1));
	assert_int_equal(b.sex, 'M');
	assert_string_equal(b.region, "440524");
}

static void test_zaozhuang_child_is_accepted_with_sex_from_17th_digit(void **state)
{
	idcard_info a = parse_ok(*state, "370402201003150012");
	idcard_info b = parse_ok(*state, "370481200802290020");

	assert_int_equal(a.sex, 'M');
	assert_int_equal(a.birth_day, hm_ymd_day(2010, 3, 15));
	assert_int_equal(b.sex, 'F');
	assert_int_equal(b.birth_day, hm_ymd_day(2008, 2, 29));
}

static void test_lowercase_x_and_surrounding_spaces_are_normalised(void **state)
{
	assert_string_equal(parse_ok(*state, "11010519491231002x").number, "11010519491231002X");
	assert_string_equal(parse_ok(*state, "  11010519491231002X\t").number, "11010519491231002X");
	/* Full-width space typed by a Chinese input method. */
	assert_string_equal(parse_ok(*state, "\xE3\x80\x80" "370402201003150012" "\xE3\x80\x80").number,
			    "370402201003150012");
}

static void test_wrong_check_digit_is_refused(void **state)
{
	assert_refused(*state, "110105194912310021", HM_E_IDCARD_CHECK);
	assert_refused(*state, "370402201003150013", HM_E_IDCARD_CHECK);
	/* Two digits swapped: the weights exist to catch this. */
	assert_refused(*state, "370402201003150102", HM_E_IDCARD_CHECK);
	assert_refused(*state, "440524188001010019", HM_E_IDCARD_CHECK);
}

static void test_wrong_length_is_refused(void **state)
{
	assert_refused(*state, "", HM_E_IDCARD_LENGTH);
	assert_refused(*state, "   ", HM_E_IDCARD_LENGTH);
	assert_refused(*state, "37040220100315001", HM_E_IDCARD_LENGTH);
	assert_refused(*state, "3704022010031500121", HM_E_IDCARD_LENGTH);
	/* First-generation 15-digit numbers are no longer valid. */
	assert_refused(*state, "370402100315001", HM_E_IDCARD_LENGTH);
	/* Full-width digits are longer in bytes. */
	assert_refused(*state, "３７０４０２２０１００３１５００１２", HM_E_IDCARD_LENGTH);
	assert_refused(*state, NULL, HM_E_IDCARD_LENGTH);
}

static void test_letters_are_refused(void **state)
{
	assert_refused(*state, "3704022010031500X2", HM_E_IDCARD_CHARS);
	assert_refused(*state, "37040220100315001Y", HM_E_IDCARD_CHARS);
	assert_refused(*state, "37040220100315 012", HM_E_IDCARD_CHARS);
	assert_refused(*state, "-37040220100315001", HM_E_IDCARD_CHARS);
}

static void test_february_29_only_in_leap_years(void **state)
{
	assert_refused(*state, "370402202502290014", HM_E_IDCARD_BIRTH);
	parse_ok(*state, "37040320240229003X");
	assert_refused(*state, "370402201013010012", HM_E_IDCARD_BIRTH);
	assert_refused(*state, "370402201004310012", HM_E_IDCARD_BIRTH);
	assert_refused(*state, "370402201000010012", HM_E_IDCARD_BIRTH);
}

static void test_birth_in_the_future_is_refused(void **state)
{
	hm_error e;

	/* Born today is fine; tomorrow is not. */
	parse_ok(*state, "370402202603020021");
	assert_refused(*state, "370402202603030019", HM_E_IDCARD_BIRTH);
	assert_refused(*state, "370402202603030019", HM_E_IDCARD_BIRTH);
	hm_error_clear(&e);
	idcard_info info;
	assert_int_equal(idcard_parse(*state, "370402202603030019", today, &info, &e, NULL), HM_E_IDCARD_BIRTH);
	assert_non_null(strstr(e.detail, "20260303"));
}

static void test_birth_before_1880_is_refused(void **state)
{
	assert_refused(*state, "370402187912310011", HM_E_IDCARD_BIRTH);
	parse_ok(*state, "370402190001010015");
}

static void test_unknown_province_is_refused_before_the_check_digit(void **state)
{
	assert_refused(*state, "990101199001010019", HM_E_IDCARD_REGION);
	/* Wrong check digit too: the region is reported first. */
	assert_refused(*state, "990101199001010010", HM_E_IDCARD_REGION);
	/* Not a province code (830000 is used on Taiwan residents' residence
	 * permits, outside GB/T 2260). */
	assert_refused(*state, "830000199001010012", HM_E_IDCARD_REGION);
	/* An abolished prefecture still validates: only the province counts. */
	parse_ok(*state, "371200198506120037");
}

static void test_check_char_matches_the_standard(void **state)
{
	(void)state;
	assert_int_equal(idcard_check_char("11010519491231002"), 'X');
	assert_int_equal(idcard_check_char("44052418800101001"), '4');
	assert_int_equal(idcard_check_char("37040220100315001"), '2');
	assert_int_equal(idcard_check_char("3704022010031500"), '\0');
	assert_int_equal(idcard_check_char("3704022010031500a"), '\0');
	/* Every generated number passes. */
	for (unsigned seq = 0; seq < 1000; seq += 7) {
		char num[24];
		snprintf(num, sizeof num, "37040620150601%03u", seq);
		num[17] = idcard_check_char(num);
		num[18] = '\0';
		parse_ok(*state, num);
	}
}

static void test_mask_shows_only_first_and_last_four(void **state)
{
	char buf[19], small[8];

	(void)state;
	assert_string_equal(idcard_mask("370402201003150012", buf, sizeof buf), "3704**********0012");
	assert_string_equal(idcard_mask("12345", buf, sizeof buf), "*****");
	assert_string_equal(idcard_mask("", buf, sizeof buf), "");
	assert_string_equal(idcard_mask(NULL, buf, sizeof buf), "");
	assert_string_equal(idcard_mask("37040220100315001234567", buf, sizeof buf), "******************");
	assert_string_equal(idcard_mask("370402201003150012", small, sizeof small), "3704***");
}

static void test_age_turns_on_the_birthday(void **state)
{
	int32_t birth = hm_ymd_day(2010, 3, 15);
	int32_t leap = hm_ymd_day(2008, 2, 29);

	(void)state;
	assert_int_equal(hm_age_years(birth, hm_ymd_day(2026, 3, 14)), 15);
	assert_int_equal(hm_age_years(birth, hm_ymd_day(2026, 3, 15)), 16);
	assert_int_equal(hm_age_years(birth, birth), 0);
	assert_int_equal(hm_age_years(birth, birth - 1), 0);
	/* A 29 February child turns 18 on 1 March of a common year. */
	assert_int_equal(hm_age_years(leap, hm_ymd_day(2026, 2, 28)), 17);
	assert_int_equal(hm_age_years(leap, hm_ymd_day(2026, 3, 1)), 18);
	assert_int_equal(hm_age_years(leap, hm_ymd_day(2028, 2, 29)), 20);
}

static void test_division_table_names_every_province(void **state)
{
	static const char *const prov[] = {
		"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
		"35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
		"53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
	};
	hm_divisions *d = *state;

	for (size_t i = 0; i < sizeof prov / sizeof prov[0]; i++) {
		char code[7];
		snprintf(code, sizeof code, "%s0000", prov[i]);
		if (!divisions_name(d, code))
			fail_msg("province %s missing", code);
	}
	assert_string_equal(divisions_name(d, "370000"), "山东省");
	assert_string_equal(divisions_name(d, "710000"), "台湾省");
	assert_string_equal(divisions_name(d, "820000"), "澳门特别行政区");
	assert_string_equal(divisions_name(d, "370400"), "枣庄市");
	assert_string_equal(divisions_name(d, "371700"), "菏泽市");
	assert_non_null(strstr(divisions_name(d, "371200"), "已撤销"));
	assert_null(divisions_name(d, "990000"));
	assert_null(divisions_name(d, "3704"));
	assert_null(divisions_name(d, NULL));
}

static void test_only_zaozhuang_districts_count_as_zaozhuang_huji(void **state)
{
	static const char *const yes[] = {"370402", "370403", "370404", "370405", "370406", "370481"};
	hm_divisions *d = *state;

	for (size_t i = 0; i < 6; i++) {
		assert_true(divisions_is_zaozhuang_county(d, yes[i]));
		assert_non_null(divisions_name(d, yes[i]));
	}
	assert_string_equal(divisions_name(d, "370405"), "台儿庄区");
	assert_string_equal(divisions_name(d, "370481"), "滕州市");
	assert_false(divisions_is_zaozhuang_county(d, "370400")); /* the city itself */
	assert_false(divisions_is_zaozhuang_county(d, "370401")); /* 市辖区 placeholder */
	assert_false(divisions_is_zaozhuang_county(d, "370482")); /* not listed */
	assert_false(divisions_is_zaozhuang_county(d, "370100"));
	assert_false(divisions_is_zaozhuang_county(d, "370000"));
	assert_false(divisions_is_zaozhuang_county(d, "37040"));
	assert_false(divisions_is_zaozhuang_county(d, NULL));
}

static void expect_bad_table(const char *text, const char *line_tag)
{
	hm_error e;

	hm_error_clear(&e);
	assert_null(divisions_parse(text, strlen(text), &e));
	assert_int_equal(e.err, HM_E_INTERNAL);
	if (!strstr(e.detail, line_tag))
		fail_msg("detail '%s' lacks '%s'", e.detail, line_tag);
}

static void test_broken_division_data_names_the_line(void **state)
{
	const char *crlf = "370000\t山东省\tprovince\r\n";
	hm_error e;
	hm_divisions *d;

	(void)state;
	expect_bad_table("# c\n370400\t枣庄市\n", "第 2 行");
	expect_bad_table("370400\t枣庄市\tcity\n", "第 1 行");
	expect_bad_table("37040\t枣庄市\tprefecture\n", "第 1 行");
	expect_bad_table("370400\t\tprefecture\n", "第 1 行");
	expect_bad_table("370400\t枣庄市\tprefecture\textra\n", "第 1 行");
	expect_bad_table("370400\t枣庄市\tcounty\n", "第 1 行");   /* level does not match code */
	expect_bad_table("370000\t山东省\tprefecture\n", "第 1 行");
	expect_bad_table("370400\t枣庄市\tprefecture\n\n370400\t枣庄\tprefecture\n", "第 3 行");

	d = divisions_parse("", 0, &e);
	assert_non_null(d);
	assert_null(divisions_name(d, "370000"));
	divisions_free(d);
	d = divisions_parse(crlf, strlen(crlf), &e);
	assert_non_null(d);
	assert_string_equal(divisions_name(d, "370000"), "山东省");
	divisions_free(d);
	divisions_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_examples_are_accepted),
		cmocka_unit_test(test_zaozhuang_child_is_accepted_with_sex_from_17th_digit),
		cmocka_unit_test(test_lowercase_x_and_surrounding_spaces_are_normalised),
		cmocka_unit_test(test_wrong_check_digit_is_refused),
		cmocka_unit_test(test_wrong_length_is_refused),
		cmocka_unit_test(test_letters_are_refused),
		cmocka_unit_test(test_february_29_only_in_leap_years),
		cmocka_unit_test(test_birth_in_the_future_is_refused),
		cmocka_unit_test(test_birth_before_1880_is_refused),
		cmocka_unit_test(test_unknown_province_is_refused_before_the_check_digit),
		cmocka_unit_test(test_check_char_matches_the_standard),
		cmocka_unit_test(test_mask_shows_only_first_and_last_four),
		cmocka_unit_test(test_age_turns_on_the_birthday),
		cmocka_unit_test(test_division_table_names_every_province),
		cmocka_unit_test(test_only_zaozhuang_districts_count_as_zaozhuang_huji),
		cmocka_unit_test(test_broken_division_data_names_the_line),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
