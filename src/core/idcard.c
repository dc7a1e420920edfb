/* 身份证 number checking and the division-code table. The table is small
 * (provinces, Shandong's prefectures, Zaozhuang's counties) and sorted by
 * code for binary search. Only the province of a number is checked against
 * it: the full national county list changes every year and numbers issued
 * under codes since abolished stay valid for life, so demanding a known
 * county would turn away real people. */
#include "core/idcard.h"

#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"

enum level { LEVEL_PROVINCE, LEVEL_PREFECTURE, LEVEL_COUNTY };

struct division {
	char code[7];
	enum level level;
	size_t line;
	char name[96];
};

struct hm_divisions {
	size_t n;
	struct division *v; /* sorted by code, unique */
};

/* ---- division table --------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int division_cmp(const void *a, const void *b)
{
	return strcmp(((const struct division *)a)->code, ((const struct division *)b)->code);
}

/* Parse one data line (already without its newline) into dv. */
static bool parse_division(const char *p, const char *end, struct division *dv, const char **why)
{
	const char *t1 = memchr(p, '\t', (size_t)(end - p));
	const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
	size_t lvl_len;
	const char *lvl;

	if (!t2 || memchr(t2 + 1, '\t', (size_t)(end - t2 - 1))) {
		*why = "应为三列：代码<TAB>名称<TAB>级别";
		return false;
	}
	if (t1 - p != 6 || !all_digits(p, 6)) {
		*why = "代码应为 6 位数字";
		return false;
	}
	memcpy(dv->code, p, 6);
	dv->code[6] = '\0';
	if (t2 == t1 + 1 || (size_t)(t2 - t1 - 1) >= sizeof dv->name) {
		*why = "名称为空或过长";
		return false;
	}
	memcpy(dv->name, t1 + 1, (size_t)(t2 - t1 - 1));
	dv->name[t2 - t1 - 1] = '\0';
	if (memchr(dv->name, '\0', (size_t)(t2 - t1 - 1))) {
		*why = "名称包含空字符";
		return false;
	}
	lvl = t2 + 1;
	lvl_len = (size_t)(end - lvl);
	if (lvl_len == 8 && memcmp(lvl, "province", 8) == 0)
		dv->level = LEVEL_PROVINCE;
	else if (lvl_len == 10 && memcmp(lvl, "prefecture", 10) == 0)
		dv->level = LEVEL_PREFECTURE;
	else if (lvl_len == 6 && memcmp(lvl, "county", 6) == 0)
		dv->level = LEVEL_COUNTY;
	else {
		*why = "级别应为 province、prefecture 或 county";
		return false;
	}
	/* GB/T 2260 encodes the level in the code; a mismatch is a typo. */
	bool prov = memcmp(dv->code + 2, "0000", 4) == 0;
	bool pref = !prov && memcmp(dv->code + 4, "00", 2) == 0;
	if ((dv->level == LEVEL_PROVINCE) != prov || (dv->level == LEVEL_PREFECTURE) != pref) {
		*why = "级别与代码不符（省级以 0000 结尾，地级以 00 结尾）";
		return false;
	}
	return true;
}

hm_divisions *divisions_parse(const char *text, size_t len, hm_error *e)
{
	const char *p = text, *end = text + len;
	hm_divisions *d = calloc(1, sizeof *d);
	size_t cap = 0, line = 0;

	if (!d)
		goto oom;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = eol ? eol : end;
		const char *why;

		p = eol ? eol + 1 : end;
		line++;
		if (le > ls && le[-1] == '\r')
			le--;
		if (ls == le || *ls == '#')
			continue;
		if (d->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct division *nv = realloc(d->v, ncap * sizeof *nv);
			if (!nv)
				goto oom;
			d->v = nv;
			cap = ncap;
		}
		if (!parse_division(ls, le, &d->v[d->n], &why)) {
			hm_failf(e, HM_E_INTERNAL, NULL, "行政区划数据第 %zu 行：%s", line, why);
			divisions_free(d);
			return NULL;
		}
		d->v[d->n++].line = line;
	}
	if (d->n)
		qsort(d->v, d->n, sizeof *d->v, division_cmp);
	for (size_t i = 1; i < d->n; i++) {
		if (strcmp(d->v[i - 1].code, d->v[i].code) == 0) {
			size_t a = d->v[i - 1].line, b = d->v[i].line;
			hm_failf(e, HM_E_INTERNAL, NULL, "行政区划数据第 %zu 行：代码 %s 与第 %zu 行重复",
				 a > b ? a : b, d->v[i].code, a > b ? b : a);
			divisions_free(d);
			return NULL;
		}
	}
	return d;
oom:
	divisions_free(d);
	hm_fail(e, HM_E_INTERNAL, NULL);
	return NULL;
}

void divisions_free(hm_divisions *d)
{
	if (!d)
		return;
	free(d->v);
	free(d);
}

static const struct division *find(const hm_divisions *d, const char *code6)
{
	struct division key;

	if (!code6 || strlen(code6) != 6 || !all_digits(code6, 6) || d->n == 0)
		return NULL;
	memcpy(key.code, code6, 7);
	return bsearch(&key, d->v, d->n, sizeof *d->v, division_cmp);
}

const char *divisions_name(const hm_divisions *d, const char *code6)
{
	const struct division *dv = find(d, code6);

	return dv ? dv->name : NULL;
}

bool divisions_is_zaozhuang_county(const hm_divisions *d, const char *code6)
{
	const struct division *dv = find(d, code6);

	/* xxxx01 is GB/T 2260's 市辖区 placeholder, not a place one lives in. */
	return dv && dv->level == LEVEL_COUNTY && memcmp(dv->code, "3704", 4) == 0 &&
	       strcmp(dv->code + 4, "01") != 0;
}

/* ---- ID numbers ------------------------------------------------------- */

char idcard_check_char(const char *first17)
{
	static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
	int sum = 0;

	for (int i = 0; i < 17; i++) {
		if (first17[i] < '0' || first17[i] > '9')
			return '\0';
		sum += (first17[i] - '0') * weight[i];
	}
	return check[sum % 11];
}

/* Blanks trimmed around a number: ASCII space and tab, and U+3000, which
 * Chinese input methods type in full-width mode. */
static bool is_space_at(const char *p, const char *end)
{
	return p < end && (*p == ' ' || *p == '\t');
}

static bool is_ideo_space_at(const char *p, const char *end)
{
	return end - p >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0;
}

hm_err idcard_parse(const hm_divisions *d, const char *s, int32_t today, idcard_info *out,
		    hm_error *e, const char *field)
{
	const char *p = s, *end;
	char num[19], prov[7];
	int y, m, dd, yy, mm, ddd;
	int32_t birth;

	if (!s)
		return hm_fail(e, HM_E_IDCARD_LENGTH, field);
	end = s + strlen(s);
	for (;;) {
		if (is_space_at(p, end))
			p++;
		else if (is_ideo_space_at(p, end))
			p += 3;
		else
			break;
	}
	for (;;) {
		if (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		else if (end - p >= 3 && is_ideo_space_at(end - 3, end))
			end -= 3;
		else
			break;
	}
	if (end - p != 18)
		return hm_failf(e, HM_E_IDCARD_LENGTH, field, "身份证号码应为 18 位，当前为 %d 个字符",
				(int)(end - p) > 99 ? 99 : (int)(end - p));
	memcpy(num, p, 18);
	num[18] = '\0';
	if (num[17] == 'x')
		num[17] = 'X';
	if (!all_digits(num, 17) || !(num[17] == 'X' || (num[17] >= '0' && num[17] <= '9')))
		return hm_fail(e, HM_E_IDCARD_CHARS, field);

	memcpy(prov, num, 2);
	memcpy(prov + 2, "0000", 5);
	if (!divisions_name(d, prov))
		return hm_failf(e, HM_E_IDCARD_REGION, field,
				"身份证号码前两位 %.2s 不是有效的省级行政区划代码", num);

	y = (num[6] - '0') * 1000 + (num[7] - '0') * 100 + (num[8] - '0') * 10 + (num[9] - '0');
	m = (num[10] - '0') * 10 + (num[11] - '0');
	dd = (num[12] - '0') * 10 + (num[13] - '0');
	/* 1880, not 1900: GB 11643's own published example 440524188001010014
	 * is born in 1880, and the oldest living people were born in the 1900s,
	 * so the earlier bound only costs a few impossible dates. */
	if (y < 1880 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return hm_failf(e, HM_E_IDCARD_BIRTH, field, "身份证号码中的出生日期 %.8s 无效", num + 6);
	birth = hm_ymd_day(y, m, dd);
	hm_day_ymd(birth, &yy, &mm, &ddd);
	if (yy != y || mm != m || ddd != dd) /* 0229 in a common year, 0431, ... */
		return hm_failf(e, HM_E_IDCARD_BIRTH, field, "身份证号码中的出生日期 %.8s 无效", num + 6);
	if (birth > today)
		return hm_failf(e, HM_E_IDCARD_BIRTH, field, "身份证号码中的出生日期 %.8s 晚于今天",
				num + 6);

	if (idcard_check_char(num) != num[17])
		return hm_fail(e, HM_E_IDCARD_CHECK, field);

	memcpy(out->number, num, sizeof out->number);
	out->birth_day = birth;
	out->sex = (num[16] - '0') % 2 ? 'M' : 'F';
	memcpy(out->region, num, 6);
	out->region[6] = '\0';
	return HM_OK;
}

char *idcard_mask(const char *number, char *buf, size_t n)
{
	size_t len = number ? strlen(number) : 0;
	char tmp[19];

	if (n == 0)
		return buf;
	if (len == 18) {
		memcpy(tmp, number, 4);
		memset(tmp + 4, '*', 10);
		memcpy(tmp + 14, number + 14, 4);
	} else {
		if (len > 18)
			len = 18;
		memset(tmp, '*', len);
	}
	tmp[len] = '\0';
	if (len >= n)
		len = n - 1;
	memcpy(buf, tmp, len);
	buf[len] = '\0';
	return buf;
}

int hm_age_years(int32_t birth_day, int32_t today)
{
	int by, bm, bd, ty, tm, td, age;

	if (today < birth_day)
		return 0;
	hm_day_ymd(birth_day, &by, &bm, &bd);
	hm_day_ymd(today, &ty, &tm, &td);
	age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age;
}
