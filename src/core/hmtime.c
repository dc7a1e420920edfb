/* Beijing civil time from UTC seconds and back. The civil-date arithmetic
 * counts in 400-year eras of the proleptic Gregorian calendar, with years
 * starting on 1 March so that the leap day falls at the end of the year;
 * that makes both directions a handful of integer divisions, exact for any
 * int32 day number and independent of the host's time zone settings. */
#include "core/hmtime.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SECS_PER_DAY 86400
#define DAYS_PER_ERA 146097         /* days in 400 Gregorian years */
#define EPOCH_FROM_0000_03_01 719468 /* day 0 (1970-01-01) counted from 0000-03-01 */

static int64_t clock_offset;
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;

static void clock_offset_load(void)
{
	const char *s = getenv("HUIMIN_CLOCK_OFFSET");
	char *end;
	long long v;

	if (!s || !*s)
		return;
	v = strtoll(s, &end, 10);
	/* A mistyped offset must not silently throw the clock by years, but
	 * it must not stop the server either: ignore it. ±100 years is far
	 * beyond any test's need and keeps hm_now() + offset from overflowing. */
	if (*end || v < -3155760000LL || v > 3155760000LL)
		return;
	clock_offset = v;
}

int64_t hm_now(void)
{
	struct timespec ts;

	pthread_once(&clock_once, clock_offset_load);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec + clock_offset;
}

/* Floor division for a positive divisor; C's / truncates toward zero. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b < 0)
		q--;
	return q;
}

int32_t hm_day_of(int64_t t)
{
	/* Split before adding the offset, and take the remainder with %, so
	 * that t near either int64 limit cannot overflow. */
	int64_t q = t / SECS_PER_DAY, r = t % SECS_PER_DAY;

	if (r < 0) {
		r += SECS_PER_DAY;
		q--;
	}
	if (r + HM_BEIJING_OFFSET >= SECS_PER_DAY)
		q++;
	if (q > INT32_MAX)
		return INT32_MAX;
	if (q < INT32_MIN)
		return INT32_MIN;
	return (int32_t)q;
}

int64_t hm_day_start(int32_t day)
{
	return (int64_t)day * SECS_PER_DAY - HM_BEIJING_OFFSET;
}

void hm_day_ymd(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + EPOCH_FROM_0000_03_01;
	int64_t era = floor_div(z, DAYS_PER_ERA);
	int64_t doe = z - era * DAYS_PER_ERA;                  /* [0, 146096] */
	/* Year of era: remove the leap days seen so far, then divide. The
	 * corrections for 4, 100 and 400 years keep 29 Feb inside its year. */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365], 0 = 1 March */
	int64_t mp = (5 * doy + 2) / 153;                      /* month from March, [0, 11] */
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;
	int64_t yy = era * 400 + yoe + (mm <= 2);

	*y = (int)yy;
	*m = (int)mm;
	*d = (int)dd;
}

int32_t hm_ymd_day(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t mp = m > 2 ? m - 3 : m + 9;
	/* 153/5 days per month from March reproduces 31,30,31,30,31,... */
	int64_t doy = (153 * mp + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int32_t)(era * DAYS_PER_ERA + doe - EPOCH_FROM_0000_03_01);
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool hm_ymd_valid(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

int hm_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday: shift so that day 0 of the cycle is Monday. */
	int64_t k = (int64_t)day + 3;

	return (int)(k - floor_div(k, 7) * 7) + 1;
}

/* Read exactly n ASCII digits at *p, advancing it; false if any is not one. */
static bool take_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* "YYYY-MM-DD" at *p, advancing it; false unless a real date in range. */
static bool take_date(const char **p, int32_t *day)
{
	const char *q = *p;
	int y, m, d;

	if (!take_digits(&q, 4, &y) || *q++ != '-' || !take_digits(&q, 2, &m) ||
	    *q++ != '-' || !take_digits(&q, 2, &d) || !hm_ymd_valid(y, m, d))
		return false;
	*day = hm_ymd_day(y, m, d);
	*p = q;
	return true;
}

static hm_err bad_date(hm_error *e, const char *field)
{
	return hm_failf(e, HM_E_BAD_DATE, field,
			"日期或时间格式不正确，应为 ISO 8601，如 2026-03-02 或 2026-03-02T09:30:00+08:00");
}

hm_err hm_time_parse(const char *s, int64_t *out, hm_error *e, const char *field)
{
	const char *p = s;
	int32_t day;
	int hh, mi, ss = 0, oh, om;
	int64_t off;

	if (!s || !take_date(&p, &day))
		return bad_date(e, field);
	if (*p == '\0') {
		*out = hm_day_start(day);
		return HM_OK;
	}
	if (*p++ != 'T' || !take_digits(&p, 2, &hh) || *p++ != ':' || !take_digits(&p, 2, &mi))
		return bad_date(e, field);
	if (*p == ':') {
		p++;
		if (!take_digits(&p, 2, &ss))
			return bad_date(e, field);
		if (*p == '.') {
			/* Milliseconds from browsers; sub-second precision is not kept. */
			int digits = 0;
			for (p++; *p >= '0' && *p <= '9'; p++)
				digits++;
			if (digits < 1 || digits > 9)
				return bad_date(e, field);
		}
	}
	/* No leap seconds and no 24:00: one spelling per instant. */
	if (hh > 23 || mi > 59 || ss > 59)
		return bad_date(e, field);
	if (*p == 'Z') {
		p++;
		off = 0;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		if (!take_digits(&p, 2, &oh) || *p++ != ':' || !take_digits(&p, 2, &om) ||
		    oh > 23 || om > 59)
			return bad_date(e, field);
		off = sign * (oh * 3600 + om * 60);
	} else {
		return hm_failf(e, HM_E_BAD_DATE, field,
				"时间缺少时区，请写明，如 2026-03-02T09:30:00+08:00");
	}
	if (*p != '\0')
		return bad_date(e, field);
	/* The civil fields are local to `off`; day 0 here is UTC-aligned. */
	*out = (int64_t)day * SECS_PER_DAY + hh * 3600 + mi * 60 + ss - off;
	return HM_OK;
}

hm_err hm_date_parse(const char *s, int32_t *out, hm_error *e, const char *field)
{
	const char *p = s;
	int32_t day;

	if (!s || !take_date(&p, &day) || *p != '\0')
		return hm_failf(e, HM_E_BAD_DATE, field, "日期格式不正确，应为 YYYY-MM-DD，如 2026-03-02");
	*out = day;
	return HM_OK;
}

char *hm_time_format(int64_t t, char *buf, size_t n)
{
	int32_t day = hm_day_of(t);
	int64_t sod = t - hm_day_start(day); /* second of the Beijing day */
	int y, m, d;

	if (sod < 0 || sod >= SECS_PER_DAY) /* only when hm_day_of saturated */
		sod = 0;
	hm_day_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999 || n < 26) {
		snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d,
			 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
		return buf;
	}
	/* every time of every reply passes here: digits by hand, as snprintf
	 * would write them (snprintf was 2-5% of a list page or the dashboard) */
	int hh = (int)(sod / 3600), mi = (int)(sod / 60 % 60), ss = (int)(sod % 60);
	memcpy(buf, "0000-00-00T00:00:00+08:00", 26);
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	const int two[5] = {m, d, hh, mi, ss};
	const int at[5] = {5, 8, 11, 14, 17};
	for (int i = 0; i < 5; i++) {
		buf[at[i]] = (char)('0' + two[i] / 10);
		buf[at[i] + 1] = (char)('0' + two[i] % 10);
	}
	return buf;
}

char *hm_date_format(int32_t day, char *buf, size_t n)
{
	int y, m, d;

	hm_day_ymd(day, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
	return buf;
}
