/* Beijing time: day boundaries, civil dates, parsing what browsers send and
 * formatting what staff read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/hmtime.h"

static int64_t parse_ok(const char *s)
{
	int64_t t = 0;
	hm_error e;

	hm_error_clear(&e);
	assert_int_equal(hm_time_parse(s, &t, &e, "at"), HM_OK);
	return t;
}

static void assert_parse_refused(const char *s)
{
	int64_t t = 12345;
	hm_error e;

	hm_error_clear(&e);
	assert_int_equal(hm_time_parse(s, &t, &e, "at"), HM_E_BAD_DATE);
	assert_string_equal(e.field, "at");
	assert_true(e.detail[0] != '\0');
	assert_int_equal(t, 12345); /* untouched */
}

static void test_epoch_is_thursday_0800_in_beijing(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(hm_time_format(0, buf, sizeof buf), "1970-01-01T08:00:00+08:00");
	assert_int_equal(hm_day_of(0), 0);
	assert_int_equal(hm_weekday(0), 4);
	assert_int_equal(hm_day_start(0), -8 * 3600);
}

static void test_beijing_midnight_is_1600_utc_the_day_before(void **state)
{
	int32_t day = hm_ymd_day(2026, 3, 2);
	int64_t t = parse_ok("2026-03-01T16:00:00Z");

	(void)state;
	assert_int_equal(hm_day_of(t), day);
	assert_int_equal(hm_day_of(t - 1), day - 1);
	assert_int_equal(hm_day_start(day), t);
}

static void test_day_of_floors_before_1970(void **state)
{
	(void)state;
	/* 1969-12-31T16:00Z is 00:00 on 1970-01-01 in Beijing. */
	assert_int_equal(hm_day_of(-8 * 3600), 0);
	assert_int_equal(hm_day_of(-8 * 3600 - 1), -1);
	assert_int_equal(hm_day_of(-86400 - 8 * 3600), -1);
	assert_int_equal(hm_day_of(-86400 - 8 * 3600 - 1), -2);
	assert_int_equal(hm_day_of(INT64_MIN), INT32_MIN);
	assert_int_equal(hm_day_of(INT64_MAX), INT32_MAX);
	assert_int_equal(hm_day_of(INT64_MIN + 1), INT32_MIN);
}

static void test_civil_dates_round_trip_over_three_centuries(void **state)
{
	int32_t prev = hm_ymd_day(1899, 12, 31);

	(void)state;
	for (int y = 1900; y <= 2200; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= 31; d++) {
				int yy, mm, dd;
				if (!hm_ymd_valid(y, m, d))
					continue;
				int32_t day = hm_ymd_day(y, m, d);
				assert_int_equal(day, prev + 1); /* no gaps, no repeats */
				hm_day_ymd(day, &yy, &mm, &dd);
				assert_int_equal(yy, y);
				assert_int_equal(mm, m);
				assert_int_equal(dd, d);
				prev = day;
			}
		}
	}
	assert_int_equal(hm_ymd_day(2000, 3, 1) - hm_ymd_day(2000, 2, 28), 2);
	assert_int_equal(hm_ymd_day(1900, 3, 1) - hm_ymd_day(1900, 2, 28), 1);
}

static void test_leap_years_follow_gregorian_rules(void **state)
{
	(void)state;
	assert_true(hm_ymd_valid(2024, 2, 29));
	assert_true(hm_ymd_valid(2000, 2, 29));
	assert_false(hm_ymd_valid(1900, 2, 29));
	assert_false(hm_ymd_valid(2100, 2, 29));
	assert_false(hm_ymd_valid(2026, 2, 29));
	assert_false(hm_ymd_valid(2026, 4, 31));
	assert_false(hm_ymd_valid(2026, 13, 1));
	assert_false(hm_ymd_valid(2026, 0, 1));
	assert_false(hm_ymd_valid(2026, 1, 0));
	assert_false(hm_ymd_valid(1899, 12, 31));
	assert_false(hm_ymd_valid(2201, 1, 1));
	assert_true(hm_ymd_valid(2200, 12, 31));
}

static void test_weekdays_of_known_dates(void **state)
{
	(void)state;
	assert_int_equal(hm_weekday(hm_ymd_day(2026, 2, 13)), 5); /* Friday */
	assert_int_equal(hm_weekday(hm_ymd_day(2026, 2, 14)), 6);
	assert_int_equal(hm_weekday(hm_ymd_day(2026, 2, 15)), 7);
	assert_int_equal(hm_weekday(hm_ymd_day(2026, 2, 16)), 1);
	assert_int_equal(hm_weekday(hm_ymd_day(1949, 10, 1)), 6); /* before day 0 */
	assert_int_equal(hm_weekday(hm_ymd_day(1900, 1, 1)), 1);
}

static void test_offsets_name_the_same_instant(void **state)
{
	int64_t z = parse_ok("2026-02-13T02:00:00Z");

	(void)state;
	assert_int_equal(parse_ok("2026-02-13T10:00:00+08:00"), z);
	assert_int_equal(parse_ok("2026-02-13T10:00+08:00"), z);
	assert_int_equal(parse_ok("2026-02-12T21:00:00-05:00"), z);
	assert_int_equal(parse_ok("2026-02-13T07:30:00+05:30"), z);
	assert_int_equal(parse_ok("2026-02-13T10:00:00.123+08:00"), z);
	assert_int_equal(parse_ok("2026-02-13T10:00:00.999999999+08:00"), z);
}

static void test_bare_date_means_beijing_midnight(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-02-13"), hm_day_start(hm_ymd_day(2026, 2, 13)));
	assert_int_equal(parse_ok("2026-02-13"), parse_ok("2026-02-13T00:00:00+08:00"));
}

static void test_datetime_without_offset_is_refused(void **state)
{
	hm_error e;
	int64_t t;

	(void)state;
	hm_error_clear(&e);
	assert_int_equal(hm_time_parse("2026-02-13T10:00:00", &t, &e, "accepted_at"), HM_E_BAD_DATE);
	assert_string_equal(e.field, "accepted_at");
	assert_non_null(strstr(e.detail, "时区"));
	assert_parse_refused("2026-02-13T10:00");
}

static void test_malformed_times_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "2026", "2026-2-13", "2026-02-3", "26-02-13", "2026/02/13", "2026-02-13 ",
		" 2026-02-13", "2026-02-29", "2026-04-31", "1899-12-31", "2201-01-01",
		"2026-02-13T24:00:00+08:00", "2026-02-13T10:60:00+08:00", "2026-02-13T10:00:60+08:00",
		"2026-02-13 10:00:00+08:00", "2026-02-13t10:00:00+08:00", "2026-02-13T10:00:00z",
		"2026-02-13T10:00:00+0800", "2026-02-13T10:00:00+8:00", "2026-02-13T10:00:00+08",
		"2026-02-13T10:00:00.+08:00", "2026-02-13T10:00:00.1234567890+08:00",
		"2026-02-13T10:00:00+08:00x", "2026-02-13T10+08:00", "2026-02-13T1:00+08:00",
		"2026-02-13T10:00:00+24:00", "２０２６-02-13", "2026-02-13T10:00.5+08:00",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_parse_refused(bad[i]);
	assert_parse_refused(NULL);
}

static void test_date_parse_is_strict(void **state)
{
	int32_t day = 7;
	hm_error e;

	(void)state;
	hm_error_clear(&e);
	assert_int_equal(hm_date_parse("2024-02-29", &day, &e, "d"), HM_OK);
	assert_int_equal(day, hm_ymd_day(2024, 2, 29));
	assert_int_equal(hm_date_parse("2025-02-29", &day, &e, "birth"), HM_E_BAD_DATE);
	assert_string_equal(e.field, "birth");
	assert_int_equal(hm_date_parse("2024-02-29T00:00:00+08:00", &day, &e, "d"), HM_E_BAD_DATE);
	assert_int_equal(hm_date_parse("2024-2-29", &day, &e, "d"), HM_E_BAD_DATE);
	assert_int_equal(day, hm_ymd_day(2024, 2, 29));
}

static void test_format_shows_beijing_wall_clock(void **state)
{
	char buf[26], small[11];

	(void)state;
	assert_string_equal(hm_time_format(parse_ok("2026-12-31T16:00:00Z"), buf, sizeof buf),
			    "2027-01-01T00:00:00+08:00");
	assert_string_equal(hm_time_format(parse_ok("2026-12-31T15:59:59Z"), buf, sizeof buf),
			    "2026-12-31T23:59:59+08:00");
	assert_string_equal(hm_time_format(-8 * 3600 - 1, buf, sizeof buf), "1969-12-31T23:59:59+08:00");
	assert_string_equal(hm_date_format(hm_ymd_day(2024, 2, 29), small, sizeof small), "2024-02-29");
	/* Absurd instants print something, without overflowing. */
	hm_time_format(INT64_MIN, buf, sizeof buf);
	hm_time_format(INT64_MAX, buf, sizeof buf);
	/* Too small a buffer truncates instead of overflowing. */
	assert_string_equal(hm_time_format(0, small, sizeof small), "1970-01-01");
}

/* The formatter writes its digits by hand; it must print what the printf
 * format it replaced prints, for every second of years 0 to 9999. */
static void test_format_matches_printf_everywhere(void **state)
{
	(void)state;
	const int64_t lo = (int64_t)hm_ymd_day(0, 1, 1) * 86400 - 8 * 3600;
	const int64_t hi = (int64_t)hm_ymd_day(9999, 12, 31) * 86400 + 86399 - 8 * 3600;
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 300000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* a third near the edges of years 0 and 9999 and of days, the rest anywhere */
		int64_t t = i % 3 == 0 ? (i % 2 ? lo : hi - 172799) + (int64_t)(x % 172800) : lo + (int64_t)(x % (uint64_t)(hi - lo + 1));
		int32_t day = hm_day_of(t);
		int64_t sod = t - hm_day_start(day);
		int y, m, d;
		hm_day_ymd(day, &y, &m, &d);
		char want[64], got[26];
		snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d, (int)(sod / 3600),
			 (int)(sod / 60 % 60), (int)(sod % 60));
		assert_string_equal(hm_time_format(t, got, sizeof got), want);
	}
}

static void test_format_then_parse_is_identity(void **state)
{
	char buf[26];

	(void)state;
	for (int64_t t = -2208988800LL; t < 7258118400LL; t += 86400LL * 37 + 3607)
		assert_int_equal(parse_ok(hm_time_format(t, buf, sizeof buf)), t);
}

static void test_clock_offset_moves_now(void **state)
{
	int64_t real = (int64_t)time(NULL);
	int64_t now;

	(void)state;
	/* Read once: set before the first call in this process. */
	setenv("HUIMIN_CLOCK_OFFSET", "-86400", 1);
	now = hm_now();
	assert_true(now >= real - 86400 - 2 && now <= real - 86400 + 2);
	setenv("HUIMIN_CLOCK_OFFSET", "0", 1);
	now = hm_now();
	assert_true(now <= real - 86400 + 5); /* still the first value */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_is_thursday_0800_in_beijing),
		cmocka_unit_test(test_beijing_midnight_is_1600_utc_the_day_before),
		cmocka_unit_test(test_day_of_floors_before_1970),
		cmocka_unit_test(test_civil_dates_round_trip_over_three_centuries),
		cmocka_unit_test(test_leap_years_follow_gregorian_rules),
		cmocka_unit_test(test_weekdays_of_known_dates),
		cmocka_unit_test(test_offsets_name_the_same_instant),
		cmocka_unit_test(test_bare_date_means_beijing_midnight),
		cmocka_unit_test(test_datetime_without_offset_is_refused),
		cmocka_unit_test(test_malformed_times_are_refused),
		cmocka_unit_test(test_date_parse_is_strict),
		cmocka_unit_test(test_format_shows_beijing_wall_clock),
		cmocka_unit_test(test_format_matches_printf_everywhere),
		cmocka_unit_test(test_format_then_parse_is_identity),
		cmocka_unit_test(test_clock_offset_moves_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
