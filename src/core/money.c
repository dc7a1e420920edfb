/* Money in integer fen. Parsing is strict because amounts arrive from
 * forms: anything but plain digits with at most two decimals is refused
 * rather than guessed at. The 大写 amount follows the bank rules for
 * vouchers; where those rules allow a choice (a 零 may or may not be written
 * before 角 when the 元 digit is 0, or before a 万 group that starts with its
 * 仟 digit) we make one fixed choice so a receipt number always prints the
 * same text. */
#include "core/money.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static hm_err bad_money(hm_error *e, const char *field)
{
	return hm_failf(e, HM_E_BAD_MONEY, field, "金额格式不正确，应以元为单位、最多两位小数，如 1234.56");
}

hm_err money_parse_yuan(const char *s, int64_t *fen, hm_error *e, const char *field)
{
	const char *p = s;
	int64_t yuan = 0, frac = 0;
	int digits = 0;

	if (!s)
		return bad_money(e, field);
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		yuan = yuan * 10 + (*p - '0');
		/* Stop early so the accumulation can never overflow. */
		if (yuan > MONEY_MAX_FEN / 100)
			return hm_failf(e, HM_E_BAD_MONEY, field, "金额超出上限（100 亿元）");
	}
	if (digits == 0)
		return bad_money(e, field);
	if (*p == '.') {
		int fd = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, fd++) {
			if (fd == 2)
				return hm_failf(e, HM_E_BAD_MONEY, field, "金额最多精确到分（两位小数）");
			frac = frac * 10 + (*p - '0');
		}
		if (fd == 0)
			return bad_money(e, field);
		if (fd == 1)
			frac *= 10;
	}
	if (*p != '\0')
		return bad_money(e, field);
	if (yuan * 100 + frac > MONEY_MAX_FEN)
		return hm_failf(e, HM_E_BAD_MONEY, field, "金额超出上限（100 亿元）");
	*fen = yuan * 100 + frac;
	return HM_OK;
}

/* |fen| without overflow for INT64_MIN. */
static uint64_t magnitude(int64_t fen)
{
	return fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
}

char *money_format(int64_t fen, char *buf, size_t n)
{
	uint64_t u = magnitude(fen);

	snprintf(buf, n, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", u / 100, (unsigned)(u % 100));
	return buf;
}

char *money_format_display(int64_t fen, char *buf, size_t n)
{
	uint64_t u = magnitude(fen), yuan = u / 100;
	char rev[32]; /* integer digits and commas, least significant first */
	char out[40];
	size_t k = 0, o = 0;

	do {
		if (k % 4 == 3)
			rev[k++] = ',';
		rev[k++] = (char)('0' + yuan % 10);
		yuan /= 10;
	} while (yuan);
	if (fen < 0)
		out[o++] = '-';
	memcpy(out + o, "\xC2\xA5", 2); /* ¥ U+00A5 */
	o += 2;
	while (k)
		out[o++] = rev[--k];
	snprintf(out + o, sizeof out - o, ".%02u", (unsigned)(u % 100));
	snprintf(buf, n, "%s", out);
	return buf;
}

static const char *const digit_cn[10] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};

/* Append UTF-8 text to b (capacity cap); false once it no longer fits. */
static bool put(char *b, size_t cap, size_t *len, const char *s)
{
	size_t l = strlen(s);

	if (*len + l >= cap)
		return false;
	memcpy(b + *len, s, l + 1);
	*len += l;
	return true;
}

/* Write a 1..9999 group: "壹仟零伍" for 1005 — one 零 for any run of inner
 * zeros, none for trailing zeros. */
static void put_group(char *b, size_t cap, size_t *len, int g)
{
	static const char *const unit[4] = {"仟", "佰", "拾", ""};
	static const int pow10[4] = {1000, 100, 10, 1};
	bool started = false, zero = false;

	for (int i = 0; i < 4; i++) {
		int dgt = g / pow10[i] % 10;
		if (dgt == 0) {
			zero = started;
			continue;
		}
		if (zero)
			put(b, cap, len, "零");
		put(b, cap, len, digit_cn[dgt]);
		put(b, cap, len, unit[i]);
		started = true;
		zero = false;
	}
}

hm_err money_to_chinese(int64_t fen, char *buf, size_t n)
{
	static const char *const section[3] = {"亿", "万", ""};
	char b[256];
	size_t len = 0;
	int64_t yuan, groups[3];
	int jiao, fen1;
	bool any = false, gap = false;

	if (n)
		buf[0] = '\0';
	if (fen < 0 || fen > MONEY_MAX_FEN)
		return HM_E_OUT_OF_RANGE;
	b[0] = '\0';
	yuan = fen / 100;
	jiao = (int)(fen / 10 % 10);
	fen1 = (int)(fen % 10);
	groups[0] = yuan / 100000000; /* up to 100 under MONEY_MAX_FEN */
	groups[1] = yuan / 10000 % 10000;
	groups[2] = yuan % 10000;

	for (int i = 0; i < 3; i++) {
		int g = (int)groups[i];
		if (g == 0) {
			gap = any; /* 壹亿零伍佰元: a zero group between two parts */
			continue;
		}
		/* A group under 1000 after a higher part starts with a zero digit:
		 * 壹拾万零壹元, 壹佰万零壹佰元. */
		if (any && (gap || g < 1000))
			put(b, sizeof b, &len, "零");
		put_group(b, sizeof b, &len, g);
		put(b, sizeof b, &len, section[i]);
		any = true;
		gap = false;
	}

	if (!any && jiao == 0 && fen1 == 0) {
		put(b, sizeof b, &len, "零元整");
	} else {
		if (any)
			put(b, sizeof b, &len, "元");
		if (jiao) {
			if (any && yuan % 10 == 0) /* 壹佰万元零壹角 */
				put(b, sizeof b, &len, "零");
			put(b, sizeof b, &len, digit_cn[jiao]);
			put(b, sizeof b, &len, "角");
		} else if (fen1 && any) {
			put(b, sizeof b, &len, "零"); /* required: 壹佰元零伍分 */
		}
		if (fen1) {
			put(b, sizeof b, &len, digit_cn[fen1]);
			put(b, sizeof b, &len, "分");
		} else if (!jiao) {
			put(b, sizeof b, &len, "整");
		}
		/* Nothing after 角: the rules make 整 optional there, and
		 * 壹佰万元零壹角 is how our receipts print it. */
	}
	if (len >= n)
		return HM_E_OUT_OF_RANGE;
	memcpy(buf, b, len + 1);
	return HM_OK;
}

bool money_add(int64_t a, int64_t b, int64_t *out)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return false;
	*out = a + b;
	return true;
}
