/* Working-day calendar: parsing the yearly data files and answering "is
 * this a working day" and "when is N working days after this". A file lists
 * only the exceptions to the Monday–Friday week, and the parser insists that
 * each exception really is one (a holiday on a weekday, a make-up workday on
 * a weekend); that keeps a typo in a date from silently doing nothing, and
 * it lets calendar_workdays_between count a span arithmetically instead of
 * walking it day by day. Years live in a fixed slot table (2000–2100), so
 * installing a year never allocates and cannot fail. */
#include "core/calendar.h"

#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"

#define NSLOTS (CAL_YEAR_MAX - CAL_YEAR_MIN + 1)

struct hm_calendar {
	pthread_rwlock_t lock;
	cal_year years[NSLOTS]; /* slot i holds year CAL_YEAR_MIN + i; year == 0 when empty */
};

/* ---- parsing ---------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Strict UTF-8 (no overlongs, no surrogates): names and sources end up in
 * JSON replies, where a broken byte sequence would break the reply. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

/* One entry being collected, indexed by day of year so that duplicates are
 * found in O(1) and the output comes out sorted without a sort. */
struct slot {
	size_t line; /* 0 = unused */
	bool workday;
	char name[48];
};

static hm_err bad_line(hm_error *e, size_t line, const char *what)
{
	return hm_failf(e, HM_E_CAL_BAD_FILE, NULL, "节假日数据第 %zu 行：%s", line, what);
}

/* Copy [p, p+n) into dst (cap bytes with NUL); false when it does not fit. */
static bool copy_text(char *dst, size_t cap, const char *p, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return true;
}

static hm_err parse_entry(const char *p, const char *end, size_t line, bool workday, int year,
			  struct slot *slots, hm_error *e)
{
	const char *q = p;
	char date[16];
	int32_t day;
	int y, m, d, wd;
	struct slot *s;
	hm_error ignored;

	while (q < end && !is_blank(*q))
		q++;
	if (!copy_text(date, sizeof date, p, (size_t)(q - p)) ||
	    hm_date_parse(date, &day, &ignored, NULL) != HM_OK)
		return bad_line(e, line, "日期应为有效的 YYYY-MM-DD");
	while (q < end && is_blank(*q))
		q++;
	if (q == end)
		return bad_line(e, line, "日期后缺少节日名称");
	hm_day_ymd(day, &y, &m, &d);
	if (y != year)
		return hm_failf(e, HM_E_CAL_BAD_FILE, NULL,
				"节假日数据第 %zu 行：%s 不在本文件声明的 %d 年内", line, date, year);
	wd = hm_weekday(day);
	if (workday && wd <= 5)
		return hm_failf(e, HM_E_CAL_BAD_FILE, NULL,
				"节假日数据第 %zu 行：%s 是周%s，本来就是工作日，调休上班日只能是周六或周日",
				line, date, (const char *[]){"一", "二", "三", "四", "五"}[wd - 1]);
	if (!workday && wd > 5)
		return hm_failf(e, HM_E_CAL_BAD_FILE, NULL,
				"节假日数据第 %zu 行：%s 是周%s，本来就不上班，只需列出周一至周五的放假日",
				line, date, wd == 6 ? "六" : "日");
	s = &slots[day - hm_ymd_day(year, 1, 1)];
	if (s->line)
		return hm_failf(e, HM_E_CAL_BAD_FILE, NULL,
				"节假日数据第 %zu 行：%s 重复（第 %zu 行已列出）", line, date, s->line);
	if (!copy_text(s->name, sizeof s->name, q, (size_t)(end - q)))
		return bad_line(e, line, "节日名称过长");
	s->line = line;
	s->workday = workday;
	return HM_OK;
}

void cal_year_fini(cal_year *y)
{
	if (!y)
		return;
	free(y->days);
	memset(y, 0, sizeof *y);
}

hm_err cal_year_parse(const char *text, size_t len, cal_year *out, hm_error *e)
{
	const char *p = text, *end = text + len;
	struct slot *slots;
	size_t line = 0, n = 0;
	int year = 0;
	bool have_source = false;
	hm_err rc = HM_OK;

	memset(out, 0, sizeof *out);
	slots = calloc(366, sizeof *slots);
	if (!slots)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) /* editors on Windows add a BOM */
		p += 3;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = eol ? eol : end, *kw_end;
		size_t kw_len;

		p = eol ? eol + 1 : end;
		line++;
		if (memchr(ls, '\0', (size_t)(le - ls)) || !utf8_valid((const unsigned char *)ls, (size_t)(le - ls))) {
			rc = bad_line(e, line, "包含无效字符（须为 UTF-8 文本）");
			goto out;
		}
		while (ls < le && is_blank(*ls))
			ls++;
		while (le > ls && (is_blank(le[-1]) || le[-1] == '\r'))
			le--;
		if (ls == le || *ls == '#')
			continue;
		for (kw_end = ls; kw_end < le && !is_blank(*kw_end); kw_end++)
			;
		kw_len = (size_t)(kw_end - ls);
		while (kw_end < le && is_blank(*kw_end))
			kw_end++;

		if (kw_len == 4 && memcmp(ls, "year", 4) == 0) {
			char buf[8];
			int v = 0;
			size_t vl = (size_t)(le - kw_end);
			if (year) {
				rc = bad_line(e, line, "重复的 year 行");
				goto out;
			}
			if (!copy_text(buf, sizeof buf, kw_end, vl) || vl != 4 ||
			    strspn(buf, "0123456789") != 4) {
				rc = bad_line(e, line, "year 后应为四位年份");
				goto out;
			}
			for (int i = 0; i < 4; i++)
				v = v * 10 + (buf[i] - '0');
			if (v < CAL_YEAR_MIN || v > CAL_YEAR_MAX) {
				rc = hm_failf(e, HM_E_CAL_YEAR_RANGE, NULL,
					      "节假日数据第 %zu 行：年份 %d 超出支持范围（%d–%d）",
					      line, v, CAL_YEAR_MIN, CAL_YEAR_MAX);
				goto out;
			}
			year = v;
		} else if (kw_len == 6 && memcmp(ls, "source", 6) == 0) {
			if (have_source) {
				rc = bad_line(e, line, "重复的 source 行");
				goto out;
			}
			if (kw_end == le) {
				rc = bad_line(e, line, "source 后应写明通知名称和发布日期");
				goto out;
			}
			if (!copy_text(out->source, sizeof out->source, kw_end, (size_t)(le - kw_end))) {
				rc = bad_line(e, line, "source 内容过长");
				goto out;
			}
			have_source = true;
		} else if ((kw_len == 7 && memcmp(ls, "holiday", 7) == 0) ||
			   (kw_len == 7 && memcmp(ls, "workday", 7) == 0)) {
			if (!year) {
				rc = bad_line(e, line, "日期行之前须先有 year 行");
				goto out;
			}
			rc = parse_entry(kw_end, le, line, ls[0] == 'w', year, slots, e);
			if (rc)
				goto out;
		} else {
			rc = bad_line(e, line, "无法识别的行，应以 year、source、holiday 或 workday 开头");
			goto out;
		}
	}
	if (!year || !have_source) {
		rc = hm_failf(e, HM_E_CAL_BAD_FILE, NULL, "节假日数据第 %zu 行（文件末尾）：缺少 %s 行",
			      line, !year ? "year" : "source");
		goto out;
	}

	for (int i = 0; i < 366; i++)
		n += slots[i].line != 0;
	if (n) {
		size_t k = 0;
		out->days = malloc(n * sizeof *out->days);
		if (!out->days) {
			rc = hm_fail(e, HM_E_INTERNAL, NULL);
			goto out;
		}
		for (int i = 0; i < 366; i++) {
			if (!slots[i].line)
				continue;
			out->days[k].day = hm_ymd_day(year, 1, 1) + i;
			out->days[k].workday = slots[i].workday;
			memcpy(out->days[k].name, slots[i].name, sizeof out->days[k].name);
			k++;
		}
	}
	out->year = year;
	out->n = n;
out:
	free(slots);
	if (rc)
		cal_year_fini(out);
	return rc;
}

/* ---- the calendar ---------------------------------------------------- */

hm_calendar *calendar_new(void)
{
	hm_calendar *c = calloc(1, sizeof *c);

	if (c && pthread_rwlock_init(&c->lock, NULL) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

void calendar_free(hm_calendar *c)
{
	if (!c)
		return;
	for (int i = 0; i < NSLOTS; i++)
		cal_year_fini(&c->years[i]);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

/* The installed data for a year, or NULL. Caller holds the lock. */
static const cal_year *year_locked(const hm_calendar *c, int year)
{
	if (year < CAL_YEAR_MIN || year > CAL_YEAR_MAX)
		return NULL;
	const cal_year *y = &c->years[year - CAL_YEAR_MIN];
	return y->year ? y : NULL;
}

void calendar_set_year(hm_calendar *c, cal_year *y)
{
	cal_year old;

	assert(y->year >= CAL_YEAR_MIN && y->year <= CAL_YEAR_MAX);
	pthread_rwlock_wrlock(&c->lock);
	old = c->years[y->year - CAL_YEAR_MIN];
	c->years[y->year - CAL_YEAR_MIN] = *y;
	pthread_rwlock_unlock(&c->lock);
	/* Free outside the lock; nobody can reach the old days any more. */
	cal_year_fini(&old);
	memset(y, 0, sizeof *y);
}

hm_err calendar_load(hm_calendar *c, const char *text, size_t len, hm_error *e)
{
	cal_year y;
	hm_err rc = cal_year_parse(text, len, &y, e);

	if (rc == HM_OK)
		calendar_set_year(c, &y);
	return rc;
}

bool calendar_has_year(hm_calendar *c, int year)
{
	bool has;

	pthread_rwlock_rdlock(&c->lock);
	has = year_locked(c, year) != NULL;
	pthread_rwlock_unlock(&c->lock);
	return has;
}

size_t calendar_years(hm_calendar *c, int *out, size_t n)
{
	size_t k = 0;

	pthread_rwlock_rdlock(&c->lock);
	for (int i = 0; i < NSLOTS && k < n; i++)
		if (c->years[i].year)
			out[k++] = c->years[i].year;
	pthread_rwlock_unlock(&c->lock);
	return k;
}

bool calendar_source(hm_calendar *c, int year, char *buf, size_t n)
{
	const cal_year *y;

	pthread_rwlock_rdlock(&c->lock);
	y = year_locked(c, year);
	if (y && n)
		snprintf(buf, n, "%s", y->source);
	pthread_rwlock_unlock(&c->lock);
	return y != NULL;
}

/* Index of the first entry with day >= `day` (n when none). */
static size_t lower_bound(const cal_year *y, int32_t day)
{
	size_t lo = 0, hi = y->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (y->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_workday_locked(const hm_calendar *c, int32_t day, bool *estimated)
{
	int y, m, d;
	const cal_year *cy;

	hm_day_ymd(day, &y, &m, &d);
	cy = year_locked(c, y);
	if (cy) {
		size_t i = lower_bound(cy, day);
		if (i < cy->n && cy->days[i].day == day)
			return cy->days[i].workday;
	} else {
		*estimated = true;
	}
	return hm_weekday(day) <= 5;
}

bool calendar_is_workday(hm_calendar *c, int32_t day, bool *estimated)
{
	bool est = false, w;

	pthread_rwlock_rdlock(&c->lock);
	w = is_workday_locked(c, day, &est);
	pthread_rwlock_unlock(&c->lock);
	if (estimated)
		*estimated = est;
	return w;
}

hm_err calendar_add_workdays(hm_calendar *c, int64_t from, int n, int64_t *due,
			     bool *estimated, hm_error *e)
{
	int32_t day = hm_day_of(from);
	bool est = false;

	if (n < 1 || n > 3650)
		return hm_failf(e, HM_E_CAL_RANGE, NULL, "工作日数 %d 超出允许范围（1–3650）", n);
	/* Keeps the day arithmetic far from int32 limits. */
	if (day < hm_ymd_day(1900, 1, 1) || day > hm_ymd_day(2200, 12, 31))
		return hm_failf(e, HM_E_CAL_RANGE, NULL, "起算时间超出支持范围（1900–2200 年）");

	pthread_rwlock_rdlock(&c->lock);
	for (int counted = 0; counted < n;) {
		day++;
		if (is_workday_locked(c, day, &est))
			counted++;
	}
	pthread_rwlock_unlock(&c->lock);
	*due = hm_day_start(day + 1);
	if (estimated)
		*estimated = est;
	return HM_OK;
}

hm_err calendar_add_hours(int64_t from, int n, int64_t *due, hm_error *e)
{
	if (n < 1 || n > 87600)
		return hm_failf(e, HM_E_CAL_RANGE, NULL, "小时数 %d 超出允许范围（1–87600）", n);
	if (from > INT64_MAX - (int64_t)n * 3600)
		return hm_failf(e, HM_E_CAL_RANGE, NULL, "起算时间超出支持范围");
	*due = from + (int64_t)n * 3600;
	return HM_OK;
}

/* Monday–Friday days before `day`, counted from the Monday 1970-01-05 (day
 * 4); only differences of this are meaningful. */
static int64_t weekdays_before(int64_t day)
{
	int64_t k = day - 4;
	int64_t w = k / 7, r = k % 7;

	if (r < 0) {
		r += 7;
		w--;
	}
	return w * 5 + (r < 5 ? r : 5);
}

int calendar_workdays_between(hm_calendar *c, int32_t from_day, int32_t to_day, bool *estimated)
{
	int64_t a = (int64_t)from_day + 1, b = to_day, count;
	int ya, yb, m, d;
	bool est = false;

	if (b < a) {
		if (estimated)
			*estimated = false;
		return 0;
	}
	hm_day_ymd((int32_t)a, &ya, &m, &d);
	hm_day_ymd(to_day, &yb, &m, &d);
	count = weekdays_before(b + 1) - weekdays_before(a);

	pthread_rwlock_rdlock(&c->lock);
	/* Every listed day is an exception to Monday–Friday (the parser makes
	 * sure), so each one in range moves the weekday count by exactly one. */
	for (int64_t y = ya; y <= yb; y++) {
		const cal_year *cy = y >= CAL_YEAR_MIN && y <= CAL_YEAR_MAX ? year_locked(c, (int)y) : NULL;
		if (!cy) {
			est = true;
			/* Skip the long stretches before and after the table. */
			if (y < CAL_YEAR_MIN - 1)
				y = CAL_YEAR_MIN - 1;
			else if (y > CAL_YEAR_MAX)
				break;
			continue;
		}
		for (size_t i = lower_bound(cy, (int32_t)a); i < cy->n && cy->days[i].day <= b; i++)
			count += cy->days[i].workday ? 1 : -1;
	}
	pthread_rwlock_unlock(&c->lock);
	if (estimated)
		*estimated = est;
	return count > INT_MAX ? INT_MAX : (int)count;
}
