/* Working-day calendar: the real data files under data/calendar and the
 * deadlines computed from them. Run from the repository root. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/calendar.h"
#include "core/hmtime.h"

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

static void load(hm_calendar *c, const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	hm_error e;

	hm_error_clear(&e);
	if (calendar_load(c, text, len, &e) != HM_OK)
		fail_msg("%s: %s", path, hm_error_message(&e));
	free(text);
}

static int setup(void **state)
{
	hm_calendar *c = calendar_new();

	if (!c)
		return -1;
	load(c, "data/calendar/2024.txt");
	load(c, "data/calendar/2025.txt");
	load(c, "data/calendar/2026.txt");
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	calendar_free(*state);
	return 0;
}

static int64_t at(const char *iso)
{
	int64_t t;

	assert_int_equal(hm_time_parse(iso, &t, NULL, NULL), HM_OK);
	return t;
}

static int32_t day(int y, int m, int d)
{
	return hm_ymd_day(y, m, d);
}

/* Due time of n working days from `from`, formatted in Beijing time. */
static const char *due_after(hm_calendar *c, const char *from, int n, bool *estimated)
{
	static char buf[32];
	int64_t due;
	hm_error e;

	hm_error_clear(&e);
	assert_int_equal(calendar_add_workdays(c, at(from), n, &due, estimated, &e), HM_OK);
	return hm_time_format(due, buf, sizeof buf);
}

static hm_err parse_text(const char *text, hm_error *e)
{
	cal_year y;
	hm_err rc;

	hm_error_clear(e);
	rc = cal_year_parse(text, strlen(text), &y, e);
	if (rc == HM_OK)
		cal_year_fini(&y);
	else
		assert_null(y.days);
	return rc;
}

/* The files agree with FACTS.md's table of weekday holidays and weekend
 * make-up workdays, date for date. */
static void test_data_files_match_the_state_council_notices(void **state)
{
	static const struct {
		int year;
		const char *holidays, *workdays;
	} facts[] = {
		{2024, "01-01 02-12 02-13 02-14 02-15 02-16 04-04 04-05 05-01 05-02 05-03 06-10 09-16 09-17 10-01 10-02 10-03 10-04 10-07",
		 "02-04 02-18 04-07 04-28 05-11 09-14 09-29 10-12"},
		{2025, "01-01 01-28 01-29 01-30 01-31 02-03 02-04 04-04 05-01 05-02 05-05 06-02 10-01 10-02 10-03 10-06 10-07 10-08",
		 "01-26 02-08 04-27 09-28 10-11"},
		{2026, "01-01 01-02 02-16 02-17 02-18 02-19 02-20 02-23 04-06 05-01 05-04 05-05 06-19 09-25 10-01 10-02 10-05 10-06 10-07",
		 "01-04 02-14 02-28 05-09 09-20 10-10"},
	};
	hm_calendar *c = *state;

	for (size_t i = 0; i < 3; i++) {
		int y = facts[i].year;
		int listed = 0;
		for (int32_t d = day(y, 1, 1); d <= day(y, 12, 31); d++) {
			char md[6], full[11];
			bool est = true;
			bool work = calendar_is_workday(c, d, &est);
			hm_date_format(d, full, sizeof full);
			memcpy(md, full + 5, 6);
			bool is_holiday = strstr(facts[i].holidays, md) != NULL;
			bool is_makeup = strstr(facts[i].workdays, md) != NULL;
			bool expect = is_makeup || (!is_holiday && hm_weekday(d) <= 5);
			assert_false(est);
			if (work != expect)
				fail_msg("%s: working day %d, expected %d", full, work, expect);
			listed += is_holiday || is_makeup;
		}
		assert_int_equal(listed, (strlen(facts[i].holidays) + 1) / 6 + (strlen(facts[i].workdays) + 1) / 6);
	}
}

static void test_data_files_name_their_notice(void **state)
{
	hm_calendar *c = *state;
	char src[256];
	int years[8];

	assert_int_equal(calendar_years(c, years, 8), 3);
	assert_int_equal(years[0], 2024);
	assert_int_equal(years[2], 2026);
	assert_int_equal(calendar_years(c, years, 1), 1);
	assert_true(calendar_source(c, 2026, src, sizeof src));
	assert_non_null(strstr(src, "国务院办公厅关于2026年部分节假日安排的通知"));
	assert_non_null(strstr(src, "2025年11月4日"));
	assert_true(calendar_source(c, 2025, src, sizeof src));
	assert_non_null(strstr(src, "2024年11月12日"));
	assert_true(calendar_source(c, 2024, src, sizeof src));
	assert_non_null(strstr(src, "2023年10月25日"));
	assert_false(calendar_source(c, 2027, src, sizeof src));
	assert_false(calendar_has_year(c, 2027));
	assert_true(calendar_has_year(c, 2025));
}

static void test_holidays_carry_festival_names(void **state)
{
	size_t len;
	char *text = read_file("data/calendar/2026.txt", &len);
	cal_year y;
	hm_error e;
	bool seen_spring = false, seen_makeup = false;

	(void)state;
	assert_int_equal(cal_year_parse(text, len, &y, &e), HM_OK);
	assert_int_equal(y.year, 2026);
	assert_int_equal(y.n, 25);
	for (size_t i = 0; i < y.n; i++) {
		if (i)
			assert_true(y.days[i - 1].day < y.days[i].day);
		if (y.days[i].day == day(2026, 2, 16))
			seen_spring = !y.days[i].workday && strcmp(y.days[i].name, "春节") == 0;
		if (y.days[i].day == day(2026, 2, 28))
			seen_makeup = y.days[i].workday && strcmp(y.days[i].name, "春节调休上班") == 0;
	}
	assert_true(seen_spring);
	assert_true(seen_makeup);
	cal_year_fini(&y);
	free(text);
}

static void test_deadline_skips_spring_festival_and_counts_makeup_saturdays(void **state)
{
	bool est = true;

	/* Fri 02-13 accepted; 02-14 Sat make-up (1), 02-15..02-23 break,
	 * 02-24..02-27 (2–5), 02-28 Sat make-up (6), 03-02 Mon (7). */
	assert_string_equal(due_after(*state, "2026-02-13T10:00:00+08:00", 7, &est),
			    "2026-03-03T00:00:00+08:00");
	assert_false(est);
	assert_string_equal(due_after(*state, "2026-02-13T10:00:00+08:00", 1, &est),
			    "2026-02-15T00:00:00+08:00");
	assert_string_equal(due_after(*state, "2026-02-13T10:00:00+08:00", 2, &est),
			    "2026-02-25T00:00:00+08:00");
}

static void test_event_day_never_counts_even_at_midnight_or_2359(void **state)
{
	/* Mon 2026-03-02: the first working day counted is Tue 03-03. */
	assert_string_equal(due_after(*state, "2026-03-02T00:00:00+08:00", 1, NULL),
			    "2026-03-04T00:00:00+08:00");
	assert_string_equal(due_after(*state, "2026-03-02T23:59:59+08:00", 1, NULL),
			    "2026-03-04T00:00:00+08:00");
	/* One second later it is Tuesday's event. */
	assert_string_equal(due_after(*state, "2026-03-03T00:00:00+08:00", 1, NULL),
			    "2026-03-05T00:00:00+08:00");
	/* The same instant written in UTC. */
	assert_string_equal(due_after(*state, "2026-03-01T16:00:00Z", 1, NULL),
			    "2026-03-04T00:00:00+08:00");
}

static void test_event_on_a_holiday_counts_from_the_next_working_day(void **state)
{
	/* Appeal on Sun 2026-02-15 (in the break): the first working day is
	 * 02-24; five working days end with Sat 02-28 (make-up) → 03-01 00:00. */
	assert_string_equal(due_after(*state, "2026-02-15T09:00:00+08:00", 5, NULL),
			    "2026-03-01T00:00:00+08:00");
}

static void test_deadline_over_national_day_2024(void **state)
{
	/* Fri 2024-09-27: Sun 09-29 make-up (1), Mon 09-30 (2), 10-01..10-07
	 * break, Tue 10-08 (3) ... Fri 10-11 (6), Sat 10-12 make-up (7). */
	assert_string_equal(due_after(*state, "2024-09-27T15:00:00+08:00", 7, NULL),
			    "2024-10-13T00:00:00+08:00");
	/* Mon 09-30 event: 10-08 (1) .. 10-11 (4), Sat 10-12 make-up (5). */
	assert_string_equal(due_after(*state, "2024-09-30T08:30:00+08:00", 5, NULL),
			    "2024-10-13T00:00:00+08:00");
}

static void test_deadline_over_national_day_and_mid_autumn_2025(void **state)
{
	/* Fri 2025-09-26: Sun 09-28 make-up (1), 09-29 (2), 09-30 (3),
	 * 10-01..10-08 break, Thu 10-09 (4), Fri 10-10 (5). */
	assert_string_equal(due_after(*state, "2025-09-26T10:00:00+08:00", 5, NULL),
			    "2025-10-11T00:00:00+08:00");
	/* ... Sat 10-11 make-up (6), Mon 10-13 (7). */
	assert_string_equal(due_after(*state, "2025-09-26T10:00:00+08:00", 7, NULL),
			    "2025-10-14T00:00:00+08:00");
}

static void test_deadline_into_a_year_without_data_is_estimated(void **state)
{
	bool est = false;

	/* Thu 2026-12-31: Fri 2027-01-01 counts (no 2027 data: Mon–Fri),
	 * Mon 01-04 (2), Tue 01-05 (3). */
	assert_string_equal(due_after(*state, "2026-12-31T10:00:00+08:00", 3, &est),
			    "2027-01-06T00:00:00+08:00");
	assert_true(est);
	/* Staying inside 2026 is exact. */
	assert_string_equal(due_after(*state, "2026-12-28T10:00:00+08:00", 3, &est),
			    "2027-01-01T00:00:00+08:00");
	assert_false(est);
}

static void test_year_without_data_counts_monday_to_friday(void **state)
{
	hm_calendar *c = *state;
	bool est = false;

	assert_true(calendar_is_workday(c, day(2027, 1, 1), &est)); /* Friday */
	assert_true(est);
	assert_false(calendar_is_workday(c, day(2027, 1, 2), &est)); /* Saturday */
	assert_true(est);
	est = true;
	assert_false(calendar_is_workday(c, day(2026, 10, 1), &est));
	assert_false(est);
	assert_true(calendar_is_workday(c, day(2026, 10, 10), NULL)); /* Saturday make-up */
}

static void test_emergency_24_hours_run_through_the_holiday(void **state)
{
	int64_t due;
	char buf[32];
	hm_error e;

	(void)state;
	assert_int_equal(calendar_add_hours(at("2026-02-16T10:00:00+08:00"), 24, &due, &e), HM_OK);
	assert_string_equal(hm_time_format(due, buf, sizeof buf), "2026-02-17T10:00:00+08:00");
	assert_int_equal(calendar_add_hours(0, 0, &due, &e), HM_E_CAL_RANGE);
	assert_int_equal(calendar_add_hours(0, 87601, &due, &e), HM_E_CAL_RANGE);
	assert_int_equal(calendar_add_hours(INT64_MAX - 3599, 1, &due, &e), HM_E_CAL_RANGE);
	assert_int_equal(calendar_add_hours(0, 87600, &due, &e), HM_OK);
	assert_int_equal(due, 87600LL * 3600);
}

static void test_workday_count_out_of_range_is_refused(void **state)
{
	int64_t due = 42;
	hm_error e;

	hm_error_clear(&e);
	assert_int_equal(calendar_add_workdays(*state, at("2026-03-02"), 0, &due, NULL, &e), HM_E_CAL_RANGE);
	assert_int_equal(calendar_add_workdays(*state, at("2026-03-02"), -7, &due, NULL, &e), HM_E_CAL_RANGE);
	assert_int_equal(calendar_add_workdays(*state, at("2026-03-02"), 3651, &due, NULL, &e), HM_E_CAL_RANGE);
	assert_int_equal(calendar_add_workdays(*state, INT64_MAX, 1, &due, NULL, &e), HM_E_CAL_RANGE);
	assert_int_equal(due, 42);
	assert_int_equal(calendar_add_workdays(*state, at("2026-03-02"), 3650, &due, NULL, &e), HM_OK);
}

static void test_working_days_between_matches_day_by_day_count(void **state)
{
	hm_calendar *c = *state;
	bool est;

	/* Spring Festival 2026 fortnight: 02-14 (make-up), 02-24..02-27. */
	assert_int_equal(calendar_workdays_between(c, day(2026, 2, 13), day(2026, 2, 27), &est), 5);
	assert_false(est);
	assert_int_equal(calendar_workdays_between(c, day(2026, 2, 13), day(2026, 2, 13), &est), 0);
	assert_int_equal(calendar_workdays_between(c, day(2026, 2, 13), day(2026, 2, 1), &est), 0);
	/* Whole years: 2026 has 365 - 104 weekend days - 19 + 6 = 248. */
	assert_int_equal(calendar_workdays_between(c, day(2025, 12, 31), day(2026, 12, 31), &est), 248);
	assert_false(est);

	/* The arithmetic version must agree with walking the days. */
	for (int32_t a = day(2023, 12, 20); a < day(2027, 1, 10); a += 13) {
		for (int32_t b = a - 3; b < a + 200; b += 7) {
			bool e1 = false, e2;
			int walk = 0;
			for (int32_t d = a + 1; d <= b; d++) {
				bool ed = false;
				walk += calendar_is_workday(c, d, &ed);
				e1 |= ed;
			}
			assert_int_equal(calendar_workdays_between(c, a, b, &e2), walk);
			if (b > a)
				assert_int_equal(e2, e1);
		}
	}
	/* A span reaching far outside the supported years stays sane. */
	assert_true(calendar_workdays_between(c, INT32_MIN, INT32_MAX, &est) > 0);
	assert_true(est);
}

static void test_deadline_and_between_agree(void **state)
{
	hm_calendar *c = *state;

	/* n working days from t end on a day D with exactly n working days
	 * after the event day up to D, and D itself a working day. */
	for (int32_t d0 = day(2024, 1, 1); d0 < day(2026, 12, 20); d0 += 3) {
		for (int n = 1; n <= 12; n += 5) {
			int64_t due;
			assert_int_equal(calendar_add_workdays(c, hm_day_start(d0) + 3600, n, &due, NULL, NULL), HM_OK);
			int32_t last = hm_day_of(due) - 1;
			assert_int_equal(hm_day_start(last + 1), due);
			assert_int_equal(calendar_workdays_between(c, d0, last, NULL), n);
			assert_true(calendar_is_workday(c, last, NULL));
		}
	}
}

static void test_replacing_a_year_takes_effect(void **state)
{
	hm_calendar *c = calendar_new();
	hm_error e;
	const char *v1 = "year 2027\nsource 测试\nholiday 2027-01-01 元旦\n";
	const char *v2 = "year 2027\nsource 测试二\n";
	char src[64];

	(void)state;
	assert_non_null(c);
	assert_int_equal(calendar_load(c, v1, strlen(v1), &e), HM_OK);
	assert_false(calendar_is_workday(c, day(2027, 1, 1), NULL));
	assert_int_equal(calendar_load(c, v2, strlen(v2), &e), HM_OK);
	assert_true(calendar_is_workday(c, day(2027, 1, 1), NULL));
	assert_true(calendar_source(c, 2027, src, sizeof src));
	assert_string_equal(src, "测试二");
	/* A bad file leaves the installed year alone. */
	assert_int_equal(calendar_load(c, "year 2027\n", 10, &e), HM_E_CAL_BAD_FILE);
	assert_true(calendar_has_year(c, 2027));
	calendar_free(c);
	calendar_free(NULL);
}

struct reader {
	hm_calendar *c;
	int wrong;
};

static void *read_deadlines(void *arg)
{
	struct reader *r = arg;
	int64_t from = hm_day_start(hm_ymd_day(2026, 2, 13)) + 36000;
	int64_t want = hm_day_start(hm_ymd_day(2026, 3, 3));

	for (int i = 0; i < 2000; i++) {
		int64_t due = 0;
		bool est = true;
		if (calendar_add_workdays(r->c, from, 7, &due, &est, NULL) != HM_OK || due != want || est)
			r->wrong++;
	}
	return NULL;
}

/* The server reloads a year while requests compute deadlines. */
static void test_reloading_a_year_while_deadlines_are_computed(void **state)
{
	struct reader r[4];
	pthread_t th[4];
	size_t len;
	char *text = read_file("data/calendar/2026.txt", &len);

	for (int i = 0; i < 4; i++) {
		r[i].c = *state;
		r[i].wrong = 0;
		assert_int_equal(pthread_create(&th[i], NULL, read_deadlines, &r[i]), 0);
	}
	for (int i = 0; i < 200; i++)
		assert_int_equal(calendar_load(*state, text, len, NULL), HM_OK);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(r[i].wrong, 0);
	}
	free(text);
}

static void test_bad_data_files_are_refused_with_line_numbers(void **state)
{
	hm_error e;

	(void)state;
	/* A make-up workday on a weekday would do nothing: surely a typo. */
	assert_int_equal(parse_text("year 2026\nsource x\n\n# c\nworkday 2026-02-13 春节调休上班\n", &e),
			 HM_E_CAL_BAD_FILE);
	assert_non_null(strstr(e.detail, "第 5 行"));
	assert_non_null(strstr(e.detail, "周五"));
	/* A holiday on a Sunday is not listed: it was never a working day. */
	assert_int_equal(parse_text("year 2026\nsource x\nholiday 2026-02-15 春节\n", &e), HM_E_CAL_BAD_FILE);
	assert_non_null(strstr(e.detail, "第 3 行"));
	/* Listed twice. */
	assert_int_equal(parse_text("year 2026\nsource x\nholiday 2026-02-16 春节\nholiday 2026-02-16 春节\n", &e),
			 HM_E_CAL_BAD_FILE);
	assert_non_null(strstr(e.detail, "第 4 行"));
	assert_non_null(strstr(e.detail, "第 3 行"));
	/* Outside the declared year. */
	assert_int_equal(parse_text("year 2026\nsource x\nholiday 2025-10-01 国庆节\n", &e), HM_E_CAL_BAD_FILE);
	assert_non_null(strstr(e.detail, "第 3 行"));
	/* Not a date, no name, unknown keyword, date before year. */
	assert_int_equal(parse_text("year 2026\nsource x\nholiday 2026-02-30 春节\n", &e), HM_E_CAL_BAD_FILE);
	assert_int_equal(parse_text("year 2026\nsource x\nholiday 2026-02-16\n", &e), HM_E_CAL_BAD_FILE);
	assert_int_equal(parse_text("year 2026\nsource x\nholidays 2026-02-16 春节\n", &e), HM_E_CAL_BAD_FILE);
	assert_int_equal(parse_text("holiday 2026-02-16 春节\nyear 2026\nsource x\n", &e), HM_E_CAL_BAD_FILE);
	assert_non_null(strstr(e.detail, "第 1 行"));
	/* Missing year or source. */
	assert_int_equal(parse_text("source x\n", &e), HM_E_CAL_BAD_FILE);
	assert_non_null(strstr(e.detail, "year"));
	assert_int_equal(parse_text("year 2026\n", &e), HM_E_CAL_BAD_FILE);
	assert_non_null(strstr(e.detail, "source"));
	assert_int_equal(parse_text("", &e), HM_E_CAL_BAD_FILE);
	/* Year out of range, or said twice. */
	assert_int_equal(parse_text("year 1999\nsource x\n", &e), HM_E_CAL_YEAR_RANGE);
	assert_int_equal(parse_text("year 2101\nsource x\n", &e), HM_E_CAL_YEAR_RANGE);
	assert_int_equal(parse_text("year 20266\nsource x\n", &e), HM_E_CAL_BAD_FILE);
	assert_int_equal(parse_text("year 2026\nyear 2026\nsource x\n", &e), HM_E_CAL_BAD_FILE);
	/* Over-long name, broken UTF-8. */
	assert_int_equal(parse_text("year 2026\nsource x\nholiday 2026-02-16 "
				    "春节春节春节春节春节春节春节春节春节春节春节春节春节春节春节春节\n", &e),
			 HM_E_CAL_BAD_FILE);
	assert_int_equal(parse_text("year 2026\nsource \xE6\x98\n", &e), HM_E_CAL_BAD_FILE);
}

static void test_parser_tolerates_crlf_bom_and_blank_lines(void **state)
{
	hm_error e;
	cal_year y;
	const char *text = "\xEF\xBB\xBF# 注释\r\n\r\n  year 2026  \r\nsource 通知（2025年11月4日）\r\n"
			   "\tholiday\t2026-01-01\t元旦 \r\nworkday 2026-01-04 元旦调休上班";

	(void)state;
	assert_int_equal(cal_year_parse(text, strlen(text), &y, &e), HM_OK);
	assert_int_equal(y.year, 2026);
	assert_string_equal(y.source, "通知（2025年11月4日）");
	assert_int_equal(y.n, 2);
	assert_string_equal(y.days[0].name, "元旦");
	assert_true(y.days[1].workday);
	assert_string_equal(y.days[1].name, "元旦调休上班");
	cal_year_fini(&y);
	cal_year_fini(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_files_match_the_state_council_notices),
		cmocka_unit_test(test_data_files_name_their_notice),
		cmocka_unit_test(test_holidays_carry_festival_names),
		cmocka_unit_test(test_deadline_skips_spring_festival_and_counts_makeup_saturdays),
		cmocka_unit_test(test_event_day_never_counts_even_at_midnight_or_2359),
		cmocka_unit_test(test_event_on_a_holiday_counts_from_the_next_working_day),
		cmocka_unit_test(test_deadline_over_national_day_2024),
		cmocka_unit_test(test_deadline_over_national_day_and_mid_autumn_2025),
		cmocka_unit_test(test_deadline_into_a_year_without_data_is_estimated),
		cmocka_unit_test(test_year_without_data_counts_monday_to_friday),
		cmocka_unit_test(test_emergency_24_hours_run_through_the_holiday),
		cmocka_unit_test(test_workday_count_out_of_range_is_refused),
		cmocka_unit_test(test_working_days_between_matches_day_by_day_count),
		cmocka_unit_test(test_deadline_and_between_agree),
		cmocka_unit_test(test_replacing_a_year_takes_effect),
		cmocka_unit_test(test_reloading_a_year_while_deadlines_are_computed),
		cmocka_unit_test(test_bad_data_files_are_refused_with_line_numbers),
		cmocka_unit_test(test_parser_tolerates_crlf_bom_and_blank_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
