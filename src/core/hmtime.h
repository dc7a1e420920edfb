/* Time on the wire and in Beijing. Everything stored is int64 UTC seconds;
 * what people see and type is Beijing time (UTC+8, no daylight saving since
 * 1991), so day boundaries, weekdays and deadlines are computed in +08:00
 * here with plain integer arithmetic — no libc time zone, no TZ variable.
 * A "day number" counts Beijing calendar days from 1970-01-01 (day 0). */
#ifndef HM_CORE_HMTIME_H
#define HM_CORE_HMTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Beijing is UTC+8 all year. */
#define HM_BEIJING_OFFSET (8 * 3600)

/* UTC seconds now, plus the offset in seconds from env HUIMIN_CLOCK_OFFSET
 * (may be negative; read once, thread-safe). Lets tests move the clock. An
 * unparsable offset is ignored (treated as 0). */
int64_t hm_now(void);

/* Beijing day number containing UTC second t (floor, right for t < 0).
 * Saturates at the int32 limits for absurd t. */
int32_t hm_day_of(int64_t t);
/* UTC seconds of 00:00 Beijing on that day. */
int64_t hm_day_start(int32_t day);
/* Civil (proleptic Gregorian) date of a day number. */
void hm_day_ymd(int32_t day, int *y, int *m, int *d);
/* Day number of a civil date; only meaningful for a real date (see
 * hm_ymd_valid) — out-of-range fields are not normalised. */
int32_t hm_ymd_day(int y, int m, int d);
/* True for a real date with 1900 <= y <= 2200 (leap years right). */
bool hm_ymd_valid(int y, int m, int d);
/* ISO weekday of a day number: 1 = Monday .. 7 = Sunday. */
int hm_weekday(int32_t day);

/* Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS][.fff](Z|+hh:mm|-hh:mm)" or a bare
 * date "YYYY-MM-DD" (= 00:00 Beijing) into UTC seconds. A datetime without an
 * offset is refused: its meaning would depend on whose clock typed it.
 * Fractions of a second are accepted and dropped. Returns HM_OK, or
 * HM_E_BAD_DATE with field set in e; *out untouched on error. */
hm_err hm_time_parse(const char *s, int64_t *out, hm_error *e, const char *field);
/* Parse exactly "YYYY-MM-DD" (a real date, 1900..2200) into a day number.
 * Returns HM_OK or HM_E_BAD_DATE; *out untouched on error. */
hm_err hm_date_parse(const char *s, int32_t *out, hm_error *e, const char *field);
/* Format t as "YYYY-MM-DDTHH:MM:SS+08:00" into buf (n >= 26; truncated
 * otherwise). Returns buf. */
char *hm_time_format(int64_t t, char *buf, size_t n);
/* Format a day as "YYYY-MM-DD" into buf (n >= 11; truncated otherwise).
 * Returns buf. */
char *hm_date_format(int32_t day, char *buf, size_t n);

#endif
