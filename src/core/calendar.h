/* The working-day calendar behind every statutory deadline ("7 个工作日",
 * "5 个工作日内答复"). A working day is Monday–Friday unless listed as a
 * holiday, plus the weekend days listed as make-up workdays (调休上班). The
 * lists come from the State Council General Office's yearly notice, one data
 * file per year (data/calendar/YYYY.txt); they cannot be derived by rule.
 * For a year without data, Monday–Friday is assumed and every answer says so
 * through its `estimated` flag, so the UI can mark the deadline as 预估. */
#ifndef HM_CORE_CALENDAR_H
#define HM_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Years a data file may declare (matches HM_E_CAL_YEAR_RANGE's message). */
#define CAL_YEAR_MIN 2000
#define CAL_YEAR_MAX 2100

typedef struct cal_day {
	int32_t day;   /* Beijing day number (hm_ymd_day) */
	bool workday;  /* true = make-up workday (调休上班) on a weekend, false = holiday on a weekday */
	char name[48]; /* e.g. "春节", "春节调休上班" (UTF-8) */
} cal_day;

typedef struct cal_year {
	int year;
	char source[256]; /* the notice the data comes from */
	size_t n;
	cal_day *days;    /* new; sorted by day, unique */
} cal_year;

/* Parse one year's data file (see data/calendar/2026.txt for the format).
 * Every date must fall in the declared year, appear once, a holiday must be
 * Monday–Friday and a make-up workday Saturday or Sunday (weekend days of a
 * break are non-working anyway and are not listed). On error returns
 * HM_E_CAL_BAD_FILE with a Chinese detail naming the line ("第 12 行：……")
 * or HM_E_CAL_YEAR_RANGE (HM_E_INTERNAL when out of memory), and *out is
 * left empty. On success out->days is
 * new: free with cal_year_fini. */
hm_err cal_year_parse(const char *text, size_t len, cal_year *out, hm_error *e);
/* Free y's days and leave it empty; NULL ok. */
void cal_year_fini(cal_year *y);

typedef struct hm_calendar hm_calendar;

/* New, empty calendar (NULL when out of memory); free with calendar_free.
 * All calendar_* functions are thread-safe: readers run concurrently,
 * calendar_set_year takes the lock exclusively. */
hm_calendar *calendar_new(void);
/* Free c and its years; NULL ok. */
void calendar_free(hm_calendar *c);
/* Install a year (CAL_YEAR_MIN..CAL_YEAR_MAX, as cal_year_parse ensures),
 * replacing any previous data for it. Steals y's contents (y is left empty).
 * Cannot fail: the calendar has a slot for every supported year. */
void calendar_set_year(hm_calendar *c, cal_year *y);
/* Parse one data file and install it: cal_year_parse + calendar_set_year.
 * Returns cal_year_parse's errors; c is unchanged on error. */
hm_err calendar_load(hm_calendar *c, const char *text, size_t len, hm_error *e);
/* Is there data for that year? */
bool calendar_has_year(hm_calendar *c, int year);
/* The years with data, ascending, into out (at most n); returns how many
 * were written. */
size_t calendar_years(hm_calendar *c, int *out, size_t n);
/* Source line of a year's data copied into buf (n bytes); false when the
 * year has no data. For showing "依据：……" next to a deadline. */
bool calendar_source(hm_calendar *c, int year, char *buf, size_t n);
/* Is that Beijing day a working day? *estimated (may be NULL) is set true
 * when the day's year has no data (Monday–Friday then counts as working). */
bool calendar_is_workday(hm_calendar *c, int32_t day, bool *estimated);
/* Deadline of n working days (1..3650) counted from event time `from`: the
 * day of `from` does not count, counting begins the next day (民法典第二百零一
 * 条), and the period ends at 24:00 Beijing (= 00:00 of the following day) of
 * the n-th working day. Because only working days are counted, the last day
 * is never a holiday (第二百零三条 is satisfied by construction). *estimated
 * (may be NULL) is true if any day examined fell in a year without data.
 * Returns HM_E_CAL_RANGE for n out of range or `from` outside 1900–2200. */
hm_err calendar_add_workdays(hm_calendar *c, int64_t from, int n, int64_t *due,
			     bool *estimated, hm_error *e);
/* Deadline of n clock hours (1..87600): from + n*3600, nights and holidays
 * included. HM_E_CAL_RANGE otherwise. */
hm_err calendar_add_hours(int64_t from, int n, int64_t *due, hm_error *e);
/* Working days strictly after from_day up to and including to_day (0 when
 * to_day <= from_day); for "time left" and "decided within N working days".
 * *estimated (may be NULL) as for calendar_is_workday, over the whole span. */
int calendar_workdays_between(hm_calendar *c, int32_t from_day, int32_t to_day, bool *estimated);

#endif
