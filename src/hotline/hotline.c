/* The hotline's rules and operations: the catalogue and departments (data),
 * the state machine, the clocks and warning levels, repeats, and each step
 * from intake to the caller's verdict. SQL lives in hotline_db.c; this file
 * decides what is allowed and what it means. */
#include "hotline/hotline.h"
#include "hotline/hotline_search.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/embedded.h"
#include "core/filestore.h"
#include "core/hmtime.h"
#include "core/idcard.h"
#include "core/pdf.h"
#include "hotline/hotline_db.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* The seed's two hotline numbers (DOMAIN.md §2). */
const char *const hotline_lines[] = {"0632-3311161", "0632-3312400", NULL};

/* ---- catalogue and departments ----------------------------------------- */

static hotline_category cats[HOTLINE_CAT_MAX];
static size_t ncats;
static int cat_version;
static hotline_department depts[HOTLINE_DEPT_MAX];
static size_t ndepts;
#define HOTLINE_RULE_MAX 256
static hotline_dispatch_rule rules[HOTLINE_RULE_MAX];
static size_t nrules;
static hm_divisions *divisions;
static hotline_district zz[HOTLINE_DISTRICT_MAX];
static size_t nzz;
static pthread_once_t data_once = PTHREAD_ONCE_INIT;

/* Next line of an embedded file into line (n bytes); false at the end. */
static bool next_line(const char **p, char *line, size_t n)
{
	if (!**p)
		return false;
	const char *eol = strchr(*p, '\n');
	size_t len = eol ? (size_t)(eol - *p) : strlen(*p);
	snprintf(line, n, "%.*s", (int)len, *p);
	*p += len + (eol ? 1 : 0);
	return true;
}

/* Split line at tabs into at most max fields (in place); returns the count. */
static int split_tabs(char *line, char **f, int max)
{
	int k = 0;
	f[k++] = line;
	for (char *s = line; *s && k < max; s++)
		if (*s == '\t') {
			*s = '\0';
			f[k++] = s + 1;
		}
	return k;
}

/* Department id by code, among those loaded so far; 0 when unknown. */
static int64_t dept_by_code(const char *code)
{
	for (size_t i = 0; i < ndepts; i++)
		if (strcmp(depts[i].code, code) == 0)
			return depts[i].id;
	return 0;
}

static void data_load(void)
{
	/* both files are built into the binary and checked by the unit tests:
	 * a malformed line is a build defect, not a runtime condition */
	const struct hm_embedded_file *f = hm_embedded_find("data/hotline_catalog.tsv");
	if (!f)
		abort();
	const char *p = (const char *)f->data;
	char line[1024], *fl[8];
	while (next_line(&p, line, sizeof line)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		int k = split_tabs(line, fl, 8);
		if (k == 2 && strcmp(fl[0], "version") == 0) {
			cat_version = atoi(fl[1]);
			continue;
		}
		if (k != 7 || ncats >= HOTLINE_CAT_MAX)
			abort();
		hotline_category *c = &cats[ncats++];
		COPY(c->code, fl[0]);
		COPY(c->parent, fl[1]);
		COPY(c->name, fl[2]);
		c->since = atoi(fl[3]);
		c->until = atoi(fl[4]);
		c->workdays = atoi(fl[5]);
		COPY(c->description, fl[6]);
		if (c->workdays < 1 || c->workdays > HOTLINE_EXTENSION_MAX_WORKDAYS)
			abort();
	}
	if (cat_version < 1)
		abort();
	f = hm_embedded_find("data/hotline_departments.tsv");
	if (!f)
		abort();
	p = (const char *)f->data;
	while (next_line(&p, line, sizeof line)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (split_tabs(line, fl, 8) != 4 || ndepts >= HOTLINE_DEPT_MAX)
			abort();
		hotline_department *d = &depts[ndepts++];
		d->id = atoll(fl[0]);
		COPY(d->code, fl[1]);
		COPY(d->org, fl[2]);
		COPY(d->name, fl[3]);
		if (d->id <= 0)
			abort();
	}
	f = hm_embedded_find("data/divisions.tsv");
	hm_error e;
	if (!f || !(divisions = divisions_parse((const char *)f->data, f->len, &e)))
		abort();
	/* Zaozhuang's districts in the file's order, for pick lists */
	p = (const char *)f->data;
	while (next_line(&p, line, sizeof line)) {
		if (line[0] == '#' || line[0] == '\0' || split_tabs(line, fl, 8) < 2)
			continue;
		if (divisions_is_zaozhuang_county(divisions, fl[0]) && nzz < HOTLINE_DISTRICT_MAX) {
			COPY(zz[nzz].code, fl[0]);
			COPY(zz[nzz].name, fl[1]);
			nzz++;
		}
	}
	f = hm_embedded_find("data/hotline_dispatch.tsv");
	if (!f)
		abort();
	p = (const char *)f->data;
	while (next_line(&p, line, sizeof line)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (split_tabs(line, fl, 8) != 4 || nrules >= HOTLINE_RULE_MAX)
			abort();
		hotline_dispatch_rule *r = &rules[nrules++];
		COPY(r->category, fl[0]);
		COPY(r->district, fl[1]);
		/* every code must be known: a typo in the table is a build defect */
		bool cat_ok = false, dist_ok = strcmp(r->district, "*") == 0 || divisions_is_zaozhuang_county(divisions, r->district);
		for (size_t i = 0; i < ncats && !cat_ok; i++)
			cat_ok = strcmp(cats[i].code, r->category) == 0;
		r->lead = dept_by_code(fl[2]);
		if (!cat_ok || !dist_ok || !r->lead)
			abort();
		if (strcmp(fl[3], "-") != 0) {
			char *save = NULL;
			for (char *tok = strtok_r(fl[3], ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				int64_t a = dept_by_code(tok);
				if (!a || a == r->lead || r->nassists >= HOTLINE_ASSIST_MAX)
					abort();
				r->assists[r->nassists++] = a;
			}
		}
	}
}

int hotline_catalog_version(void)
{
	pthread_once(&data_once, data_load);
	return cat_version;
}

const hotline_category *hotline_categories(size_t *n)
{
	pthread_once(&data_once, data_load);
	*n = ncats;
	return cats;
}

const hotline_category *hotline_category_find(const char *code)
{
	size_t n;
	const hotline_category *c = hotline_categories(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].code, code) == 0)
			return &c[i];
	return NULL;
}

bool hotline_category_current(const char *code)
{
	const hotline_category *c = hotline_category_find(code);
	int v = hotline_catalog_version();
	return c && c->since <= v && (c->until == 0 || c->until >= v);
}

bool hotline_category_within(const char *code, const char *scope)
{
	/* the catalogue is at most a few levels deep; the bound guards a cycle */
	for (int depth = 0; code && code[0] && depth < 8; depth++) {
		if (strcmp(code, scope) == 0)
			return true;
		const hotline_category *c = hotline_category_find(code);
		code = c ? c->parent : NULL;
	}
	return false;
}

const hotline_department *hotline_departments(size_t *n)
{
	pthread_once(&data_once, data_load);
	*n = ndepts;
	return depts;
}

const hotline_department *hotline_department_find(int64_t id)
{
	size_t n;
	const hotline_department *d = hotline_departments(&n);
	for (size_t i = 0; i < n; i++)
		if (d[i].id == id)
			return &d[i];
	return NULL;
}

/* ---- dispatch table ------------------------------------------------------ */

bool hotline_district_valid(const char *code)
{
	pthread_once(&data_once, data_load);
	return divisions_is_zaozhuang_county(divisions, code);
}

const hotline_district *hotline_districts(size_t *n)
{
	pthread_once(&data_once, data_load);
	*n = nzz;
	return zz;
}

const char *hotline_district_name(const char *code)
{
	pthread_once(&data_once, data_load);
	const char *n = code[0] ? divisions_name(divisions, code) : NULL;
	return n ? n : "";
}

const hotline_dispatch_rule *hotline_dispatch_suggest(const char *category, const char *district)
{
	pthread_once(&data_once, data_load);
	/* walk up from the category itself; the bound guards a cycle */
	const char *code = category;
	for (int depth = 0; code && code[0] && depth < 8; depth++) {
		const hotline_dispatch_rule *any = NULL;
		for (size_t i = 0; i < nrules; i++) {
			if (strcmp(rules[i].category, code) != 0)
				continue;
			if (district[0] && strcmp(rules[i].district, district) == 0)
				return &rules[i];
			if (!any && strcmp(rules[i].district, "*") == 0)
				any = &rules[i];
		}
		if (any)
			return any;
		const hotline_category *c = hotline_category_find(code);
		code = c ? c->parent : NULL;
	}
	return NULL;
}

/* ---- names ------------------------------------------------------------- */

static const char *const status_codes[] = {"registered", "dispatched", "signed", "return_requested", "reply_review",
					   "replied",    "rework",     "closed", "merged", NULL};
static const char *const status_names[] = {"待派单", "待签收", "办理中", "退单待审", "答复待审核",
					   "待回访", "重办中", "已办结", "已合并"};
static const char *const channel_codes[] = {"phone", "wechat", "web", "programme", "butler", NULL};
static const char *const channel_names[] = {"电话", "微信留言", "网页表单", "直播节目", "项目管家转办"};
static const char *const kind_codes[] = {"consultation", "request", "complaint", "report", "suggestion", "praise", NULL};
static const char *const kind_names[] = {"咨询", "求助", "投诉", "举报", "建议", "表扬"};
static const char *const sat_codes[] = {"satisfied", "basically", "unsatisfied", NULL};
static const char *const sat_names[] = {"满意", "基本满意", "不满意"};

static const char *name_of(const char *const *codes, const char *const *names, const char *code)
{
	for (int i = 0; codes[i]; i++)
		if (strcmp(codes[i], code) == 0)
			return names[i];
	return code;
}

static bool in_list(const char *const *codes, const char *code)
{
	for (int i = 0; codes[i]; i++)
		if (strcmp(codes[i], code) == 0)
			return true;
	return false;
}

const char *hotline_status_name(const char *s) { return name_of(status_codes, status_names, s); }
const char *hotline_channel_name(const char *s) { return name_of(channel_codes, channel_names, s); }
const char *hotline_kind_name(const char *s) { return name_of(kind_codes, kind_names, s); }
const char *hotline_satisfaction_name(const char *s) { return name_of(sat_codes, sat_names, s); }
const char *const *hotline_statuses(void) { return status_codes; }
const char *const *hotline_channels(void) { return channel_codes; }
const char *const *hotline_kinds(void) { return kind_codes; }

/* ---- pure rules -------------------------------------------------------- */

const char *hotline_next_status(const char *from, hotline_action a)
{
#define IS(s) (strcmp(from, s) == 0)
	switch (a) {
	case HL_DISPATCH:
		return IS("registered") ? "dispatched" : NULL;
	case HL_SIGN:
		return IS("dispatched") ? "signed" : NULL;
	case HL_REPLY:
		/* a department may answer at once on signing day; signing first is
		 * required; its head reviews the reply before the hotline sees it */
		return IS("signed") || IS("rework") ? "reply_review" : NULL;
	case HL_REPLY_APPROVE:
		return IS("reply_review") ? "replied" : NULL;
	case HL_REPLY_SEND_BACK:
		/* the caller of this rule picks rework for a rework's reply */
		return IS("reply_review") ? "signed" : NULL;
	case HL_RETURN:
		return IS("dispatched") || IS("signed") ? "return_requested" : NULL;
	case HL_REDISPATCH:
		return IS("return_requested") ? "dispatched" : NULL;
	case HL_INSIST:
		return IS("dispatched") || IS("signed") ? from : NULL;
	case HL_CALLBACK_OK:
	case HL_CALLBACK_FINAL:
		return IS("replied") ? "closed" : NULL;
	case HL_CALLBACK_REWORK:
		return IS("replied") ? "rework" : NULL;
	case HL_MERGE:
		return IS("registered") || IS("dispatched") ? "merged" : NULL;
	}
#undef IS
	return NULL;
}

hotline_warning hotline_warning_at(hm_calendar *cal, int64_t due, bool in_hours, int64_t now)
{
	if (!due)
		return HL_WARN_NONE;
	if (now >= due)
		return HL_WARN_RED;
	if (in_hours)
		return due - now <= HOTLINE_EMERGENCY_YELLOW_SECONDS ? HL_WARN_YELLOW : HL_WARN_NONE;
	return due <= hotline_yellow_bound(cal, now) ? HL_WARN_YELLOW : HL_WARN_NONE;
}

int64_t hotline_yellow_bound(hm_calendar *cal, int64_t now)
{
	/* A working-day deadline ends at 24:00 of its last working day D. It is
	 * yellow from the working day before D onwards, i.e. when D is no later
	 * than the next working day after today: due <= 24:00 of that day. */
	int32_t day = hm_day_of(now) + 1;
	for (int i = 0; i < 60 && !calendar_is_workday(cal, day, NULL); i++)
		day++;
	return hm_day_start(day + 1);
}

const char *hotline_warning_code(hotline_warning w)
{
	return w == HL_WARN_RED ? "red" : w == HL_WARN_YELLOW ? "yellow" : "none";
}

/* The digit at s (ASCII or full-width ０–９): its byte length, else 0. */
static size_t digit_at(const unsigned char *s)
{
	if (s[0] >= '0' && s[0] <= '9')
		return 1;
	if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99)
		return 3;
	return 0;
}

/* An ID number's check character X at s (x, X, full-width ｘ Ｘ): its length, else 0. */
static size_t check_x_at(const unsigned char *s)
{
	if (s[0] == 'X' || s[0] == 'x')
		return 1;
	if (s[0] == 0xEF && ((s[1] == 0xBC && s[2] == 0xB8) || (s[1] == 0xBD && s[2] == 0x98)))
		return 3;
	return 0;
}

static void put(char *out, size_t n, size_t *k, const char *src, size_t len)
{
	/* whole characters only: a cut multi-byte sequence would not be UTF-8 */
	if (*k + len >= n) {
		*k = n; /* full: nothing after a dropped piece either */
		return;
	}
	memcpy(out + *k, src, len);
	*k += len;
	out[*k] = '\0';
}

char *hotline_redact(const char *text, const char *name, char *out, size_t n)
{
	static const char mask[] = "＊＊＊", someone[] = "某某";
	const unsigned char *s = (const unsigned char *)text;
	size_t k = 0, nlen = name ? strlen(name) : 0, nchars = 0;
	for (size_t i = 0; i < nlen; i++)
		nchars += ((unsigned char)name[i] & 0xC0) != 0x80;
	/* one character is no name to search for: it would blank common words */
	if (nchars < 2)
		nlen = 0;
	if (n)
		out[0] = '\0';
	while (*s) {
		if (nlen && strncmp((const char *)s, name, nlen) == 0) {
			put(out, n, &k, someone, sizeof someone - 1);
			s += nlen;
			continue;
		}
		size_t d = digit_at(s);
		if (!d) {
			/* copy one whole UTF-8 character */
			size_t len = *s < 0x80 ? 1 : *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : 2;
			for (size_t i = 1; i < len; i++)
				if (!s[i]) {
					len = i;
					break;
				}
			put(out, n, &k, (const char *)s, len);
			s += len;
			continue;
		}
		/* a run of digits, with single spaces or hyphens between them */
		const unsigned char *run = s;
		int digits = 0;
		while ((d = digit_at(s))) {
			s += d;
			digits++;
			if ((*s == ' ' || *s == '-') && digit_at(s + 1))
				s++;
		}
		size_t x;
		if (digits == 17 && (x = check_x_at(s)))
			s += x, digits++;
		if (digits >= 7)
			put(out, n, &k, mask, sizeof mask - 1);
		else
			put(out, n, &k, (const char *)run, (size_t)(s - run));
	}
	return out;
}

char *hotline_mask_phone(const char *phone, char *buf, size_t n)
{
	size_t len = strlen(phone);
	if (len < 7) {
		snprintf(buf, n, "%s", len ? "****" : "");
		return buf;
	}
	snprintf(buf, n, "%.3s****%s", phone, phone + len - 4);
	return buf;
}

bool hotline_phone_valid(const char *phone)
{
	size_t len = strlen(phone), digits = 0;
	if (len < 7 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = phone[i];
		if (isdigit((unsigned char)ch))
			digits++;
		else if (ch == '+' && i == 0)
			continue;
		else if ((ch == '-' || ch == ' ') && i > 0 && i + 1 < len)
			continue;
		else
			return false;
	}
	return digits >= 7;
}

/* ---- repeats ------------------------------------------------------------ */

/* Next code point of s (advanced past it); 0 at the end. Invalid bytes are
 * skipped one by one: a pasted text with a stray byte still compares. */
static uint32_t next_cp(const unsigned char **s)
{
	for (;;) {
		const unsigned char *p = *s;
		if (!*p)
			return 0;
		int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
		uint32_t cp = len == 1 ? *p : len == 2 ? *p & 0x1Fu : len == 3 ? *p & 0x0Fu : *p & 0x07u;
		bool ok = len > 0;
		for (int i = 1; ok && i < len; i++) {
			ok = (p[i] & 0xC0) == 0x80;
			cp = (cp << 6) | (p[i] & 0x3Fu);
		}
		if (!ok) {
			(*s)++;
			continue;
		}
		*s += len;
		return cp;
	}
}

/* The code point folded for comparison, or 0 when it is dropped. */
static uint32_t fold_cp(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
		cp -= 0xFEE0;
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return cp + 32;
		return isalnum((int)cp) ? cp : 0;
	}
	if (cp <= 0xBF                         /* Latin-1 spaces and signs */
	    || (cp >= 0x2000 && cp <= 0x206F)  /* general punctuation: — … “ ” */
	    || (cp >= 0x3000 && cp <= 0x303F)  /* CJK symbols: 、。「」【】 ideographic space */
	    || (cp >= 0xFE10 && cp <= 0xFE6F)  /* vertical, compatibility and small forms */
	    || (cp >= 0xFF00 && cp <= 0xFF65)) /* the rest of the full-width punctuation */
		return 0;
	return cp;
}

static size_t put_cp(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

char *hotline_text_fold(const char *text, char *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t k = 0;
	uint32_t cp;
	if (n)
		out[0] = '\0';
	while ((cp = next_cp(&s))) {
		if (!(cp = fold_cp(cp)))
			continue;
		char buf[4];
		size_t len = put_cp(buf, cp);
		if (k + len >= n)
			break;
		memcpy(out + k, buf, len);
		k += len;
		out[k] = '\0';
	}
	return out;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

bool hotline_grams_init(hotline_grams *g, const char *text)
{
	g->v = NULL;
	g->n = 0;
	size_t len = strlen(text);
	/* at most one gram per byte of input */
	uint64_t *v = malloc((len + 1) * sizeof *v);
	if (!v)
		return false;
	const unsigned char *s = (const unsigned char *)text;
	uint32_t prev = 0, cp;
	size_t n = 0, chars = 0;
	while ((cp = next_cp(&s))) {
		if (!(cp = fold_cp(cp)))
			continue;
		chars++;
		if (prev)
			v[n++] = (uint64_t)prev << 21 | cp;
		prev = cp;
	}
	if (chars == 1)
		v[n++] = (uint64_t)prev << 21; /* one character: a gram of its own */
	qsort(v, n, sizeof *v, cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || v[u - 1] != v[i])
			v[u++] = v[i];
	g->v = v;
	g->n = u;
	return true;
}

void hotline_grams_fini(hotline_grams *g)
{
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

int hotline_grams_dice(const hotline_grams *a, const hotline_grams *b)
{
	if (!a->n || !b->n)
		return 0;
	size_t i = 0, j = 0, common = 0;
	while (i < a->n && j < b->n) {
		if (a->v[i] == b->v[j])
			common++, i++, j++;
		else if (a->v[i] < b->v[j])
			i++;
		else
			j++;
	}
	return (int)(200 * common / (a->n + b->n));
}

int hotline_text_similarity(const char *a, const char *b)
{
	hotline_grams ga, gb;
	if (!hotline_grams_init(&ga, a))
		return -1;
	if (!hotline_grams_init(&gb, b)) {
		hotline_grams_fini(&ga);
		return -1;
	}
	int d = hotline_grams_dice(&ga, &gb);
	hotline_grams_fini(&ga);
	hotline_grams_fini(&gb);
	return d;
}

bool hotline_repeat_judge(bool same_phone, bool same_category, const char *place_a, const char *place_b, int text_pct,
			  hotline_repeat_match *m)
{
	memset(m, 0, sizeof *m);
	m->same_phone = same_phone;
	m->same_category = same_category;
	m->text_pct = text_pct;
	char fa[404], fb[404];
	hotline_text_fold(place_a, fa, sizeof fa);
	hotline_text_fold(place_b, fb, sizeof fb);
	if (fa[0] && fb[0]) {
		m->same_place = strcmp(fa, fb) == 0;
		m->place_pct = m->same_place ? 100 : hotline_text_similarity(fa, fb);
		if (m->place_pct < 0)
			m->place_pct = 0;
	}
	/* a place that only shares most characters with another (光明路86号,
	 * 光明路88号) is a neighbour; one written out further (光明路, 光明路88号)
	 * may be the same */
	m->close_place = !m->same_place && m->place_pct >= HOTLINE_REPEAT_PLACE_MIN &&
			 (strstr(fa, fb) || strstr(fb, fa));
	bool phone = same_phone && same_category, place = m->same_place || m->close_place,
	     text = text_pct >= HOTLINE_REPEAT_TEXT_MIN;
	/* the phone counts in the score even across categories: the same caller
	 * telling of the same place or in the same words is a strong sign */
	int score = (same_phone ? 40 : 0) + (place ? m->place_pct * 30 / 100 : 0) + (text ? text_pct * 60 / 100 : 0);
	m->score = score > 100 ? 100 : score;
	return phone || place || text;
}

bool hotline_merge_allowed(const char *src_status, int64_t src_main_id, const char *main_status, int64_t main_main_id)
{
	/* once a department has signed for the repeat, it handles it on its own:
	 * taking it away would throw away work under way and its clock */
	if (src_main_id || !hotline_next_status(src_status, HL_MERGE))
		return false;
	return !main_main_id && in_list((const char *const[]){"registered", "dispatched", "signed", "return_requested",
							       "reply_review", "rework", "replied", NULL},
					main_status);
}

void hotline_appeal_canonical(const hotline_appeal *a, char *buf, size_t n)
{
	snprintf(buf, n,
		 "appeal|%lld|%s|%s|%lld|%s|%d|%s|%s|%s|%s|%s|%d|%d|%s|%s|%lld|%lld|%lld|%lld|%d|%d|%s|%lld|%d|%d|%s|%lld|"
		 "%lld|%s|%d|%lld|%lld|%lld|%lld",
		 (long long)a->id, a->channel, a->line, (long long)a->programme_id, a->kind, a->anonymous, a->caller_name,
		 a->caller_phone, a->place, a->content, a->category, a->catalog_version, a->emergency, a->status,
		 a->answer, (long long)a->department_id, (long long)a->dispatched_at, (long long)a->signed_at,
		 (long long)a->due, a->due_in_hours, a->extended_workdays, a->reply, (long long)a->replied_at,
		 a->return_count, a->rework_count, a->satisfaction, (long long)a->main_id, (long long)a->closed_at,
		 a->district, a->programme_tier, (long long)a->callback_due, (long long)a->replied_by,
		 (long long)a->reply_reviewed_by, (long long)a->reply_reviewed_at);
}

/* ---- appeals ----------------------------------------------------------- */

int64_t hotline_scope(const hm_user *u)
{
	return perm_has(u->role, "hotline:appeal:handle") ? u->id : 0;
}

static void derive(const hotline_ctx *c, hotline_appeal *a)
{
	int year, m, d;
	hm_day_ymd(hm_day_of(a->created_at), &year, &m, &d);
	snprintf(a->no, sizeof a->no, "RX%04d%06lld", year, (long long)a->id);
	bool open = in_list((const char *const[]){"registered", "dispatched", "signed", "return_requested", "reply_review",
						  "rework", NULL},
			    a->status);
	a->warning = open ? hotline_warning_at(c->cal, a->due, a->due_in_hours, c->now) : HL_WARN_NONE;
	a->callback_warning = strcmp(a->status, "replied") == 0 ? hotline_warning_at(c->cal, a->callback_due, false, c->now)
								: HL_WARN_NONE;
}

hm_err hotline_appeal_get(const hotline_ctx *c, int64_t id, hotline_appeal *out, hm_error *e)
{
	hm_err err = hotline_db_appeal_get(c->db, hotline_scope(c->user), id, out, e);
	if (!err)
		derive(c, out);
	return err;
}

/* The audit record of a step: old and new states digested, the action and
 * status change in the detail (no personal data). */
static hm_err audit_step(const hotline_ctx *c, const char *action, const hotline_appeal *old, const hotline_appeal *now,
			 hm_error *e)
{
	char a[16384], b[16384], detail[160];
	if (old)
		hotline_appeal_canonical(old, a, sizeof a);
	hotline_appeal_canonical(now, b, sizeof b);
	snprintf(detail, sizeof detail, "{\"from\":\"%s\",\"to\":\"%s\"}", old ? old->status : "", now->status);
	return audit_append(c->db, c->now, c->user->id, action, "appeal", now->id, old ? a : NULL, b, detail, e);
}

/* Save a, write its timeline entry and its audit record; reload into out. */
static hm_err commit_step(const hotline_ctx *c, const char *action, const hotline_appeal *old, hotline_appeal *a,
			  const char *note, hotline_appeal *out, hm_error *e)
{
	hm_err err = hotline_db_appeal_save(c->db, c->now, a, e);
	if (err || (err = hotline_db_event(c->db, a->id, c->now, c->user->id, action, old->status, a->status,
					  a->department_id, note, e)))
		return err;
	char full[48];
	snprintf(full, sizeof full, "appeal.%s", action);
	if ((err = audit_step(c, full, old, a, e)))
		return err;
	if (out) {
		/* reload through the unscoped read: a return may have just taken the appeal out of the actor's scope */
		if ((err = hotline_db_appeal_get(c->db, 0, a->id, out, e)))
			return err;
		derive(c, out);
	}
	return HM_OK;
}

hm_err hotline_appeal_create(const hotline_ctx *c, hotline_appeal *in, hm_error *e)
{
	if (!in_list(channel_codes, in->channel))
		return hm_fail(e, HM_E_APPEAL_CHANNEL, "channel");
	bool phone_channel = strcmp(in->channel, "phone") == 0, on_air = strcmp(in->channel, "programme") == 0;
	if (phone_channel && !in_list(hotline_lines, in->line))
		return hm_fail(e, HM_E_APPEAL_LINE, "line");
	if (on_air && in->line[0] && !in_list(hotline_lines, in->line))
		return hm_fail(e, HM_E_APPEAL_LINE, "line");
	if (!phone_channel && !on_air && in->line[0])
		return hm_failf(e, HM_E_APPEAL_LINE, "line", "只有电话和直播节目渠道填写来电号码");
	if (!in_list(kind_codes, in->kind))
		return hm_fail(e, HM_E_APPEAL_KIND, "kind");
	if (!in->anonymous && !in->caller_name[0])
		return hm_fail(e, HM_E_APPEAL_CALLER, "caller_name");
	if (in->anonymous && in->caller_name[0])
		return hm_failf(e, HM_E_BAD_VALUE, "caller_name", "匿名诉求不应填写姓名");
	if (in->caller_phone[0] && !hotline_phone_valid(in->caller_phone))
		return hm_fail(e, HM_E_APPEAL_PHONE, "caller_phone");
	if (!in->content[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "content", "请填写诉求内容");
	if (!hotline_category_current(in->category))
		return hm_failf(e, HM_E_APPEAL_CATEGORY, "category", "诉求分类 %.48s 不存在或已停用", in->category);
	if (in->district[0] && !hotline_district_valid(in->district))
		return hm_fail(e, HM_E_APPEAL_DISTRICT, "district");
	if (on_air != (in->programme_id != 0))
		return hm_fail(e, HM_E_APPEAL_PROGRAMME, "programme_id");
	if (on_air) {
		hotline_programme p;
		hm_err err = hotline_db_programme_get(c->db, in->programme_id, &p, e);
		if (err)
			return hm_fail(e, HM_E_APPEAL_PROGRAMME, "programme_id");
		bool within = p.nscope == 0;
		for (int i = 0; i < p.nscope && !within; i++)
			within = hotline_category_within(in->category, p.scope[i]);
		if (!within)
			return hm_fail(e, HM_E_APPEAL_OUT_OF_SCOPE, "category");
	}
	bool answered = in->answer[0] != '\0';
	if (answered && strcmp(in->kind, "consultation") != 0)
		return hm_fail(e, HM_E_APPEAL_ANSWER, "answer");
	if (answered && in->emergency)
		return hm_failf(e, HM_E_APPEAL_ANSWER, "answer", "紧急诉求须派单办理，不能当场办结");
	in->catalog_version = hotline_catalog_version();
	in->due = 0;
	in->due_in_hours = false;
	if (answered) {
		/* 咨询类诉求当场答复即办结（国办发〔2020〕53号：能即时解答的直接答复） */
		COPY(in->status, "closed");
		in->closed_at = c->now;
	} else {
		COPY(in->status, "registered");
		in->closed_at = 0;
		if (in->emergency) {
			hm_err err = calendar_add_hours(c->now, HOTLINE_EMERGENCY_DISPATCH_HOURS, &in->due, e);
			if (err)
				return err;
			in->due_in_hours = true;
		}
	}
	hm_err err = hotline_db_appeal_insert(c->db, c->user->id, c->now, in, e);
	if (err || (err = hotline_db_event(c->db, in->id, c->now, c->user->id, "create", "", "registered", 0,
					  hotline_channel_name(in->channel), e)))
		return err;
	if (answered && (err = hotline_db_event(c->db, in->id, c->now, c->user->id, "answer", "registered", "closed", 0,
					       in->answer, e)))
		return err;
	hotline_appeal saved;
	if ((err = hotline_db_appeal_get(c->db, 0, in->id, &saved, e)))
		return err;
	derive(c, &saved);
	*in = saved;
	return audit_step(c, "appeal.create", NULL, &saved, e);
}

hm_err hotline_appeal_reveal_phone(const hotline_ctx *c, int64_t id, char out[24], hm_error *e)
{
	hm_err err = hotline_db_appeal_phone(c->db, hotline_scope(c->user), id, out, 24, e);
	if (err || (err = hotline_db_event(c->db, id, c->now, c->user->id, "view_phone", "", "", 0, "查看完整来电号码", e)))
		return err;
	return audit_append(c->db, c->now, c->user->id, "appeal.view_phone", "appeal", id, NULL, NULL,
			    "{\"field\":\"caller_phone\"}", e);
}

hm_err hotline_my_role(const hotline_ctx *c, const hotline_appeal *a, const char **role, hm_error *e)
{
	*role = "";
	int64_t scope = hotline_scope(c->user);
	if (!scope)
		return HM_OK;
	bool lead = false;
	hm_err err = a->department_id ? hotline_db_is_member(c->db, scope, a->department_id, &lead, e) : HM_OK;
	if (!err)
		/* visible to a department user and not through the lead: an assist */
		*role = lead ? "lead" : "assist";
	return err;
}

/* Only the lead department (主办) signs, returns, replies and answers
 * 督办单; an assisting one (协办) gives its opinion. Hotline staff pass. */
static hm_err require_lead(const hotline_ctx *c, const hotline_appeal *a, hm_error *e)
{
	const char *role;
	hm_err err = hotline_my_role(c, a, &role, e);
	if (err)
		return err;
	return strcmp(role, "assist") == 0 ? hm_fail(e, HM_E_APPEAL_NOT_LEAD, NULL) : HM_OK;
}

/* Load for a step: in scope, with the state moved by action. */
static hm_err load_for(const hotline_ctx *c, int64_t id, hotline_action act, hotline_appeal *old, hotline_appeal *a,
		       hm_error *e)
{
	hm_err err = hotline_appeal_get(c, id, old, e);
	if (err)
		return err;
	const char *next = hotline_next_status(old->status, act);
	if (!next)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "诉求当前为“%s”，不能执行此操作", hotline_status_name(old->status));
	if ((act == HL_SIGN || act == HL_REPLY || act == HL_RETURN || act == HL_REPLY_APPROVE ||
	     act == HL_REPLY_SEND_BACK) &&
	    (err = require_lead(c, old, e)))
		return err;
	*a = *old;
	COPY(a->status, next);
	return HM_OK;
}

/* Dispatch to a department now: the sign-for and reply clocks start. A
 * live programme's tier (2, 5, 10), when given, is the reply period. */
static hm_err start_dispatch(const hotline_ctx *c, hotline_appeal *a, int64_t dept_id, int tier, hm_error *e)
{
	const hotline_category *cat = hotline_category_find(a->category);
	int days = tier ? tier : cat ? cat->workdays : HOTLINE_HANDLE_WORKDAYS;
	bool est1 = false, est2 = false;
	hm_err err = calendar_add_workdays(c->cal, c->now, HOTLINE_SIGN_WORKDAYS, &a->sign_due, &est1, e);
	if (err)
		return err;
	if (a->emergency) {
		/* the emergency's 24 hours run from intake: the caller has waited since the call */
		err = calendar_add_hours(a->created_at, HOTLINE_EMERGENCY_REPLY_HOURS, &a->due, e);
		a->due_in_hours = true;
	} else {
		err = calendar_add_workdays(c->cal, c->now, days, &a->due, &est2, e);
		a->due_in_hours = false;
	}
	if (err)
		return err;
	a->estimated = est1 || est2;
	a->department_id = dept_id;
	a->dispatched_at = c->now;
	a->signed_at = 0;
	a->extended_workdays = 0;
	a->programme_tier = tier;
	return hotline_db_dispatch_insert(c->db, a->id, dept_id, c->now, c->user->id, e);
}

hm_err hotline_dispatch_ex(const hotline_ctx *c, int64_t id, int64_t dept_id, const int64_t *assists, int nassists,
			   int tier, const char *note, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_DISPATCH, &old, &a, e);
	if (err)
		return err;
	if (!hotline_department_find(dept_id))
		return hm_fail(e, HM_E_APPEAL_DEPARTMENT, "department_id");
	if (nassists < 0 || nassists > HOTLINE_ASSIST_MAX)
		return hm_failf(e, HM_E_APPEAL_ASSIST, "assists", "协办单位最多 %d 个", HOTLINE_ASSIST_MAX);
	for (int i = 0; i < nassists; i++) {
		if (!hotline_department_find(assists[i]))
			return hm_failf(e, HM_E_APPEAL_DEPARTMENT, "assists", "协办单位不存在");
		if (assists[i] == dept_id)
			return hm_failf(e, HM_E_APPEAL_ASSIST, "assists", "主办单位不能同时是协办单位");
		for (int j = 0; j < i; j++)
			if (assists[j] == assists[i])
				return hm_failf(e, HM_E_APPEAL_ASSIST, "assists", "协办单位重复");
	}
	if (tier) {
		if (tier != 2 && tier != 5 && tier != 10)
			return hm_fail(e, HM_E_APPEAL_TIER, "tier");
		/* tiers are for what was handed on the spot during a live programme */
		if (strcmp(old.channel, "programme") != 0)
			return hm_failf(e, HM_E_APPEAL_TIER, "tier", "只有直播节目中受理的诉求可以选择办理档次");
		if (old.emergency)
			return hm_failf(e, HM_E_APPEAL_TIER, "tier", "紧急诉求按小时计时，不选择办理档次");
	}
	if ((err = start_dispatch(c, &a, dept_id, tier, e)))
		return err;
	for (int i = 0; i < nassists; i++)
		if ((err = hotline_db_dispatch_assist_insert(c->db, id, assists[i], c->now, c->user->id, e)))
			return err;
	char text[1400];
	int k = snprintf(text, sizeof text, "%s", note);
	if (nassists) {
		k += snprintf(text + k, sizeof text - (size_t)k, "%s协办：", k ? "。" : "");
		for (int i = 0; i < nassists && k > 0 && (size_t)k < sizeof text; i++)
			k += snprintf(text + k, sizeof text - (size_t)k, "%s%s", i ? "、" : "",
				      hotline_department_find(assists[i])->name);
	}
	if (tier && k >= 0 && (size_t)k < sizeof text)
		snprintf(text + k, sizeof text - (size_t)k, "%s节目现场交办，%d 个工作日内答复", k ? "。" : "", tier);
	return commit_step(c, "dispatch", &old, &a, text, out, e);
}

hm_err hotline_dispatch(const hotline_ctx *c, int64_t id, int64_t dept_id, const char *note, hotline_appeal *out,
			hm_error *e)
{
	return hotline_dispatch_ex(c, id, dept_id, NULL, 0, 0, note, out, e);
}

hm_err hotline_dispatch_within(const hotline_ctx *c, int64_t id, int64_t dept_id, int workdays, const char *note,
			       hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_DISPATCH, &old, &a, e);
	if (err)
		return err;
	if (!hotline_department_find(dept_id))
		return hm_fail(e, HM_E_APPEAL_DEPARTMENT, "department_id");
	if (workdays < 1)
		return hm_fail(e, HM_E_OUT_OF_RANGE, "workdays");
	if ((err = start_dispatch(c, &a, dept_id, 0, e)))
		return err;
	if (!a.due_in_hours) {
		bool est = false;
		if ((err = calendar_add_workdays(c->cal, c->now, workdays, &a.due, &est, e)))
			return err;
		a.estimated = a.estimated || est;
	}
	return commit_step(c, "dispatch", &old, &a, note, out, e);
}

hm_err hotline_sign(const hotline_ctx *c, int64_t id, const char *note, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_SIGN, &old, &a, e);
	if (err)
		return err;
	a.signed_at = c->now;
	return commit_step(c, "sign", &old, &a, note, out, e);
}

hm_err hotline_reply(const hotline_ctx *c, int64_t id, const char *reply, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_REPLY, &old, &a, e);
	if (err)
		return err;
	if (!reply[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "reply", "请填写答复内容");
	/* the reply waits for the head; it reaches the hotline (and is timed) on approval */
	COPY(a.reply, reply);
	a.replied_by = c->user->id;
	return commit_step(c, "reply", &old, &a, reply, out, e);
}

static hm_err pass_reply_to_merged(const hotline_ctx *c, const hotline_appeal *main, hm_error *e);

hm_err hotline_reply_review(const hotline_ctx *c, int64_t id, bool approve, const char *note, hotline_appeal *out,
			    hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, approve ? HL_REPLY_APPROVE : HL_REPLY_SEND_BACK, &old, &a, e);
	if (err)
		return err;
	if (old.replied_by == c->user->id)
		return hm_fail(e, HM_E_APPEAL_SELF_REVIEW, NULL);
	if (!approve && !note[0])
		return hm_failf(e, HM_E_APPEAL_REASON, "note", "退回答复须写明修改意见");
	if (approve) {
		a.replied_at = c->now;
		a.replied_on_time = a.due && c->now < a.due;
		a.reply_reviewed_by = c->user->id;
		a.reply_reviewed_at = c->now;
		bool est = false;
		if ((err = calendar_add_workdays(c->cal, c->now, HOTLINE_CALLBACK_WORKDAYS, &a.callback_due, &est, e)))
			return err;
		if ((err = commit_step(c, "reply_approve", &old, &a, note[0] ? note : "部门负责人审核通过", out, e)))
			return err;
		/* every caller merged into this appeal gets the answer and a callback */
		return pass_reply_to_merged(c, &a, e);
	}
	COPY(a.status, old.rework_count ? "rework" : "signed");
	return commit_step(c, "reply_send_back", &old, &a, note, out, e);
}

hm_err hotline_assist_opinion(const hotline_ctx *c, int64_t id, const char *opinion, hotline_appeal *out, hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, id, &a, e);
	if (err)
		return err;
	if (!in_list((const char *const[]){"dispatched", "signed", "rework", "reply_review", NULL}, a.status))
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "诉求当前为“%s”，不能再提出协办意见", hotline_status_name(a.status));
	int64_t dept = 0;
	if ((err = hotline_db_assist_department(c->db, id, c->user->id, &dept, e)))
		return err;
	if (!dept)
		return hm_fail(e, HM_E_APPEAL_NOT_ASSIST, NULL);
	if (!opinion[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "opinion", "请填写协办意见");
	if ((err = hotline_db_assist_opinion_insert(c->db, id, dept, opinion, c->user->id, c->now, e)) ||
	    (err = hotline_db_event(c->db, id, c->now, c->user->id, "assist_opinion", a.status, a.status, dept, opinion, e)))
		return err;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"department_id\":%lld}", (long long)dept);
	if ((err = audit_append(c->db, c->now, c->user->id, "appeal.assist_opinion", "appeal", id, NULL, opinion, detail,
				e)))
		return err;
	if (out) {
		if ((err = hotline_db_appeal_get(c->db, 0, id, out, e)))
			return err;
		derive(c, out);
	}
	return HM_OK;
}

hm_err hotline_appeal_assists(const hotline_ctx *c, int64_t id, hotline_assist_visit visit, void *arg, hm_error *e)
{
	return hotline_db_assists(c->db, id, visit, arg, e);
}

hm_err hotline_return(const hotline_ctx *c, int64_t id, const char *reason, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_RETURN, &old, &a, e);
	if (err)
		return err;
	if (!reason[0])
		return hm_fail(e, HM_E_APPEAL_REASON, "reason");
	int64_t limit;
	if ((err = calendar_add_workdays(c->cal, old.dispatched_at, HOTLINE_RETURN_WORKDAYS, &limit, NULL, e)))
		return err;
	if (c->now >= limit)
		return hm_fail(e, HM_E_APPEAL_RETURN_LATE, NULL);
	a.return_count++;
	if ((err = hotline_db_dispatch_returned(c->db, id, reason, c->now, e)))
		return err;
	return commit_step(c, "return", &old, &a, reason, out, e);
}

hm_err hotline_return_review(const hotline_ctx *c, int64_t id, bool redispatch, int64_t dept_id, const char *note,
			     hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_REDISPATCH, &old, &a, e);
	if (err)
		return err;
	if ((err = hotline_db_dispatch_reviewed(c->db, id, redispatch ? "redispatch" : "insist", note, e)))
		return err;
	if (redispatch) {
		if (!hotline_department_find(dept_id))
			return hm_fail(e, HM_E_APPEAL_DEPARTMENT, "department_id");
		if (dept_id == old.department_id)
			return hm_failf(e, HM_E_APPEAL_DEPARTMENT, "department_id", "改派须选择另一个承办单位");
		if ((err = start_dispatch(c, &a, dept_id, 0, e)))
			return err;
		return commit_step(c, "redispatch", &old, &a, note, out, e);
	}
	/* the dispatch stands: the department keeps it, and its clock, which
	 * ran on during the dispute, as before */
	COPY(a.status, old.signed_at ? "signed" : "dispatched");
	return commit_step(c, "insist", &old, &a, note, out, e);
}

hm_err hotline_extension_request(const hotline_ctx *c, int64_t id, int workdays, const char *reason,
				 hotline_appeal *out, hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, id, &a, e);
	if (err)
		return err;
	if ((err = require_lead(c, &a, e)))
		return err;
	/* a rework already has its own fresh period; extensions are for the first handling */
	if (strcmp(a.status, "signed") != 0 || a.rework_count)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "只有签收后办理中（非重办）的诉求可以申请延期");
	if (a.emergency)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "紧急诉求当日办结，不能延期");
	if (!reason[0])
		return hm_fail(e, HM_E_APPEAL_REASON, "reason");
	const hotline_category *cat = hotline_category_find(a.category);
	int current = a.extended_workdays ? a.extended_workdays : cat ? cat->workdays : HOTLINE_HANDLE_WORKDAYS;
	if (workdays > HOTLINE_EXTENSION_MAX_WORKDAYS || workdays <= current)
		return hm_failf(e, HM_E_APPEAL_EXT_LIMIT, "workdays",
				"延期后的办理期限须长于现在的 %d 个工作日，且合计不超过 %d 个工作日", current,
				HOTLINE_EXTENSION_MAX_WORKDAYS);
	if (c->now >= a.due)
		return hm_fail(e, HM_E_APPEAL_EXT_LATE, NULL);
	hotline_extension x;
	if (hotline_db_extension_pending(c->db, id, &x, e) == HM_OK)
		return hm_fail(e, HM_E_APPEAL_EXT_PENDING, NULL);
	hm_error_clear(e);
	if ((err = hotline_db_extension_insert(c->db, id, a.department_id, workdays, reason, c->user->id, c->now, e)))
		return err;
	char note[1200];
	snprintf(note, sizeof note, "申请延期至 %d 个工作日：%s", workdays, reason);
	return commit_step(c, "extension_request", &a, &a, note, out, e);
}

hm_err hotline_extension_decide(const hotline_ctx *c, int64_t id, bool approve, const char *note, hotline_appeal *out,
				hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = hotline_appeal_get(c, id, &old, e);
	if (err)
		return err;
	hotline_extension x;
	if ((err = hotline_db_extension_pending(c->db, id, &x, e)))
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "该诉求没有待审批的延期申请");
	a = old;
	if (approve) {
		if (strcmp(a.status, "signed") != 0)
			return hm_failf(e, HM_E_APPEAL_STATE, NULL, "诉求已不在办理中，不能批准延期");
		/* the extended period counts from the dispatch, as the first did */
		bool est = false;
		if ((err = calendar_add_workdays(c->cal, a.dispatched_at, x.workdays, &a.due, &est, e)))
			return err;
		a.estimated = a.estimated || est;
		a.extended_workdays = x.workdays;
	}
	if ((err = hotline_db_extension_decide(c->db, x.id, approve ? "approved" : "refused", note, c->user->id, c->now,
					       e)))
		return err;
	char text[1200];
	snprintf(text, sizeof text, "%s延期至 %d 个工作日%s%s", approve ? "批准" : "不批准", x.workdays, note[0] ? "：" : "",
		 note);
	return commit_step(c, approve ? "extension_approve" : "extension_refuse", &old, &a, text, out, e);
}

/* Reopen a replied appeal for rework (重办): the same department, a fresh period. */
static hm_err start_rework(const hotline_ctx *c, hotline_appeal *a, hm_error *e)
{
	COPY(a->status, hotline_next_status("replied", HL_CALLBACK_REWORK));
	a->rework_count++;
	bool est = false;
	hm_err err = calendar_add_workdays(c->cal, c->now, HOTLINE_REWORK_WORKDAYS, &a->due, &est, e);
	a->due_in_hours = false;
	a->estimated = est;
	a->extended_workdays = 0;
	a->replied_at = 0;
	a->replied_on_time = -1;
	a->callback_due = 0;
	return err;
}

/* 不满意 from the caller of a merged appeal (see "repeats and merging"):
 * the answer was the main's, so the main is what gets reworked. a is old
 * with the rating recorded; text the callback's timeline note. */
static hm_err merged_unsatisfied(const hotline_ctx *c, const hotline_appeal *old, hotline_appeal *a, const char *text,
				 hotline_appeal *out, hm_error *e)
{
	hotline_appeal *main = malloc(sizeof *main), *m2 = malloc(sizeof *m2);
	hm_err err = main && m2 ? hotline_db_appeal_get(c->db, 0, old->main_id, main, e) : hm_fail(e, HM_E_INTERNAL, NULL);
	char note[1400], back[200];
	if (err)
		goto done;
	derive(c, main);
	bool reworking = strcmp(main->status, "rework") == 0 || strcmp(main->status, "reply_review") == 0;
	if (reworking || (strcmp(main->status, "replied") == 0 && main->rework_count < HOTLINE_MAX_REWORKS)) {
		if (!reworking) {
			*m2 = *main;
			if ((err = start_rework(c, m2, e)))
				goto done;
			snprintf(back, sizeof back, "重复件 %s 的诉求人回访不满意，主诉求重办", old->no);
			if ((err = commit_step(c, "rework", main, m2, back, NULL, e)))
				goto done;
		} else {
			/* already being reworked: this caller hears its answer too */
			snprintf(back, sizeof back, "重复件 %s 的诉求人回访不满意，随本件重办答复再回访", old->no);
			if ((err = hotline_db_event(c->db, main->id, c->now, c->user->id, "merged_unsatisfied", main->status,
						    main->status, main->department_id, back, e)))
				goto done;
		}
		/* back to waiting for the main's (reworked) answer */
		COPY(a->status, "merged");
		a->callback_due = 0;
		a->rework_count++;
		snprintf(note, sizeof note, "%s。主诉求 %s 重办，答复审核通过后再次回访", text, main->no);
		err = commit_step(c, "rework", old, a, note, out, e);
		goto done;
	}
	/* the main's one rework is spent, or its own caller has closed it: this
	 * caller's verdict stands, and the office may supervise the main */
	COPY(a->status, "closed");
	a->closed_at = c->now;
	snprintf(note, sizeof note, "%s。主诉求 %s 已%s，可对主诉求督办", text, main->no,
		 strcmp(main->status, "closed") == 0 ? "办结" : "重办过");
	snprintf(back, sizeof back, "重复件 %s 的诉求人回访不满意，已办结", old->no);
	if (!(err = hotline_db_event(c->db, main->id, c->now, c->user->id, "merged_unsatisfied", main->status, main->status,
				     main->department_id, back, e)))
		err = commit_step(c, "callback", old, a, note, out, e);
done:
	free(main);
	free(m2);
	return err;
}

hm_err hotline_callback(const hotline_ctx *c, int64_t id, const char *result, const char *satisfaction,
			const char *note, hotline_appeal *out, hm_error *e)
{
	static const char *const results[] = {"reached", "no_answer", "busy", "unreachable", NULL};
	if (!in_list(results, result))
		return hm_fail(e, HM_E_APPEAL_CALLBACK, "result");
	bool reached = strcmp(result, "reached") == 0;
	if (reached ? !in_list(sat_codes, satisfaction) : satisfaction[0] != '\0')
		return hm_fail(e, HM_E_APPEAL_CALLBACK, "satisfaction");
	hotline_appeal old, a;
	hm_err err = hotline_appeal_get(c, id, &old, e);
	if (err)
		return err;
	if (strcmp(old.status, "replied") != 0)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "只有已答复的诉求可以回访");
	a = old;
	if ((err = hotline_db_callback_insert(c->db, id, 0, c->user->id, c->now, result, satisfaction, note, e)))
		return err;
	char text[1200];
	if (!reached) {
		/* the attempt is logged; the appeal waits for the next one */
		snprintf(text, sizeof text, "回访未接通（%s）%s", result, note);
		return commit_step(c, "callback_attempt", &old, &a, text, out, e);
	}
	COPY(a.satisfaction, satisfaction);
	snprintf(text, sizeof text, "回访：%s%s%s", hotline_satisfaction_name(satisfaction), note[0] ? "。" : "", note);
	if (strcmp(satisfaction, "unsatisfied") == 0 && old.main_id)
		return merged_unsatisfied(c, &old, &a, text, out, e);
	if (strcmp(satisfaction, "unsatisfied") == 0 && old.rework_count < HOTLINE_MAX_REWORKS) {
		/* 不满意 reopens the appeal once, to the same department, with a fresh period */
		if ((err = start_rework(c, &a, e)))
			return err;
		return commit_step(c, "rework", &old, &a, text, out, e);
	}
	COPY(a.status, "closed");
	a.closed_at = c->now;
	return commit_step(c, "callback", &old, &a, text, out, e);
}

hm_err hotline_supervise(const hotline_ctx *c, int64_t id, const char *note, int64_t *notice_id, hotline_appeal *out,
			 hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, id, &a, e);
	if (err)
		return err;
	if (a.main_id)
		return hm_failf(e, HM_E_APPEAL_NOT_DUE, NULL, "重复件随主诉求办理，请对主诉求督办");
	const char *reason = NULL;
	int64_t left_unsatisfied = 0;
	if (a.department_id && a.warning == HL_WARN_RED)
		reason = "overdue";
	else if (a.department_id && strcmp(a.satisfaction, "unsatisfied") == 0)
		reason = "unsatisfied";
	else if (a.department_id &&
		 (err = hotline_db_merged_count(c->db, id, true, &left_unsatisfied, e)) == HM_OK && left_unsatisfied)
		/* a merged caller still unsatisfied after the main's rework */
		reason = "unsatisfied";
	if (err)
		return err;
	if (!reason)
		return hm_fail(e, HM_E_APPEAL_NOT_DUE, NULL);
	if (!note[0])
		return hm_fail(e, HM_E_APPEAL_REASON, "note");
	if ((err = hotline_db_supervision_insert(c->db, id, a.department_id, reason, note, c->user->id, c->now, notice_id,
						 e)))
		return err;
	char text[1200];
	snprintf(text, sizeof text, "督办单（%s）：%s", strcmp(reason, "overdue") == 0 ? "超期未办结" : "回访不满意", note);
	return commit_step(c, "supervise", &a, &a, text, out, e);
}

hm_err hotline_supervision_respond(const hotline_ctx *c, int64_t id, const char *response, hotline_appeal *out,
				   hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, id, &a, e);
	if (err)
		return err;
	if ((err = require_lead(c, &a, e)))
		return err;
	int64_t sid;
	if ((err = hotline_db_supervision_open(c->db, id, &sid, e)))
		return err;
	if (!response[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "response", "请填写督办反馈");
	if ((err = hotline_db_supervision_respond(c->db, sid, response, c->user->id, c->now, e)))
		return err;
	return commit_step(c, "supervision_response", &a, &a, response, out, e);
}

struct dup_acc {
	const hotline_ctx *c;
	hotline_appeal_visit visit;
	void *arg;
};

/* Visit an appeal read from the store with its derived fields. */
static void dup_visit(const hotline_appeal *a, void *arg)
{
	struct dup_acc *d = arg;
	hotline_appeal x = *a;
	derive(d->c, &x);
	d->visit(&x, d->arg);
}

/* ---- repeats and merging ------------------------------------------------
 *
 * A merged appeal (重复件) keeps its own row, caller and clocks of its own:
 *   merged   waits while the main appeal is handled;
 *   replied  when the main's reply is approved, it takes that reply as its
 *            own and enters 待回访 with its own callback due (a later
 *            approved reply, after a rework of the main, replaces it for
 *            a caller not yet reached);
 *   closed   after its own callback, with its caller's own rating.
 * 不满意 from a merged appeal's caller is the same matter left unresolved,
 * so it follows the main's rule (hotline_callback): the main is reworked
 * once, and the merged appeal waits again for the rework's answer; once
 * the main's rework is spent (or the main is closed), the merged appeal
 * closes 不满意 and the office may issue a 督办单 on the main. */

/* Pass the main's approved reply to one merged appeal: it becomes its
 * answer, and the callback clock starts for that caller. */
static hm_err pass_reply(const hotline_ctx *c, const hotline_appeal *main, int64_t id, hm_error *e)
{
	hotline_appeal *old = malloc(sizeof *old), *a = malloc(sizeof *a);
	hm_err err = old && a ? hotline_db_appeal_get(c->db, 0, id, old, e) : hm_fail(e, HM_E_INTERNAL, NULL);
	if (!err) {
		*a = *old;
		COPY(a->status, "replied");
		COPY(a->reply, main->reply);
		a->replied_at = main->replied_at;
		a->replied_on_time = main->replied_on_time;
		a->callback_due = main->callback_due;
		char note[96];
		snprintf(note, sizeof note, "主诉求 %s 的答复已审核通过，作为本件答复，待回访", main->no);
		err = commit_step(c, "main_replied", old, a, note, NULL, e);
	}
	free(old);
	free(a);
	return err;
}

struct id_list {
	int64_t *ids;
	size_t n, cap;
	bool oom;
};

/* The merged appeals an approved reply of the main reaches: those waiting
 * for it, and those still waiting for their callback on an earlier answer
 * (the main was reworked meanwhile: the call is about the latest answer). */
static void collect_id(const hotline_appeal *a, void *arg)
{
	struct id_list *l = arg;
	if (strcmp(a->status, "merged") != 0 && strcmp(a->status, "replied") != 0)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		int64_t *ids = realloc(l->ids, cap * sizeof *ids);
		if (!ids) {
			l->oom = true;
			return;
		}
		l->ids = ids;
		l->cap = cap;
	}
	l->ids[l->n++] = a->id;
}

/* The main's reply was approved: every appeal waiting in it takes it. */
static hm_err pass_reply_to_merged(const hotline_ctx *c, const hotline_appeal *main, hm_error *e)
{
	/* ids first, then the updates: no write while the read is open */
	struct id_list l = {0};
	hm_err err = hotline_db_merged(c->db, main->id, "", collect_id, &l, e);
	if (!err && l.oom)
		err = hm_fail(e, HM_E_INTERNAL, NULL);
	for (size_t i = 0; !err && i < l.n; i++)
		err = pass_reply(c, main, l.ids[i], e);
	free(l.ids);
	return err;
}

hm_err hotline_merge(const hotline_ctx *c, int64_t id, int64_t main_id, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a, main;
	hm_err err = hotline_appeal_get(c, id, &old, e);
	if (err)
		return err;
	if (main_id == id)
		return hm_failf(e, HM_E_APPEAL_MERGE, "main_id", "不能把诉求合并到它自己");
	if ((err = hotline_appeal_get(c, main_id, &main, e)))
		return hm_fail(e, err, "main_id");
	if (old.main_id || !hotline_next_status(old.status, HL_MERGE))
		return hm_failf(e, HM_E_APPEAL_MERGE, NULL, "诉求当前为“%s”，只有待派单或待签收的诉求可以合并到其他诉求",
				hotline_status_name(old.status));
	if (!hotline_merge_allowed(old.status, old.main_id, main.status, main.main_id))
		return hm_failf(e, HM_E_APPEAL_MERGE, "main_id", "主诉求当前为“%s”，不能再并入重复件",
				hotline_status_name(main.status));
	int64_t children;
	if ((err = hotline_db_merged_count(c->db, id, false, &children, e)))
		return err;
	if (children)
		/* one level only: the main's reply reaches its own merged appeals */
		return hm_failf(e, HM_E_APPEAL_MERGE, NULL, "已有 %lld 件诉求合并到本件，本件不能再合并到其他诉求",
				(long long)children);
	a = old;
	COPY(a.status, "merged");
	a.main_id = main_id;
	/* the main's clocks run for both; this appeal's own stop */
	a.due = 0;
	a.due_in_hours = false;
	a.sign_due = 0;
	char text[160], back[160];
	if (old.department_id) {
		/* not yet signed for: the department gives it up, and the timeline says so */
		const hotline_department *d = hotline_department_find(old.department_id);
		if ((err = hotline_db_dispatch_withdraw(c->db, id, e)))
			return err;
		snprintf(text, sizeof text, "合并到诉求 %s，撤回对%s的派单", main.no, d ? d->name : "承办单位");
		a.department_id = 0;
		a.dispatched_at = 0;
	} else {
		snprintf(text, sizeof text, "合并到诉求 %s", main.no);
	}
	snprintf(back, sizeof back, "重复件 %s 合并到本件", old.no);
	if ((err = hotline_db_event(c->db, main_id, c->now, c->user->id, "merged_in", main.status, main.status,
				    main.department_id, back, e)))
		return err;
	if ((err = commit_step(c, "merge", &old, &a, text, NULL, e)))
		return err;
	/* the main already has an approved answer: this caller gets it now */
	if (strcmp(main.status, "replied") == 0 && (err = pass_reply(c, &main, id, e)))
		return err;
	if (out) {
		if ((err = hotline_db_appeal_get(c->db, 0, id, out, e)))
			return err;
		derive(c, out);
	}
	return HM_OK;
}

hm_err hotline_merged_list(const hotline_ctx *c, int64_t main_id, hotline_appeal_visit visit, void *arg, hm_error *e)
{
	struct dup_acc d = {c, visit, arg};
	return hotline_db_merged(c->db, main_id, "", dup_visit, &d, e);
}

struct repeat_hit {
	int64_t id;
	hotline_repeat_match m;
};

struct repeat_acc {
	const hotline_appeal *x;
	hotline_grams xg;
	struct repeat_hit *hits;
	size_t n, cap;
	bool oom;
};

static void repeat_candidate(int64_t id, const char *place, const char *content, const char *category, bool same_phone,
			     void *arg)
{
	struct repeat_acc *r = arg;
	for (size_t i = 0; i < r->n; i++)
		if (r->hits[i].id == id)
			return; /* found by the phone and again by the district */
	hotline_grams g;
	if (!hotline_grams_init(&g, content)) {
		r->oom = true;
		return;
	}
	int text = hotline_grams_dice(&r->xg, &g);
	hotline_grams_fini(&g);
	hotline_repeat_match m;
	if (!hotline_repeat_judge(same_phone, strcmp(category, r->x->category) == 0, r->x->place, place, text, &m))
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct repeat_hit *h = realloc(r->hits, cap * sizeof *h);
		if (!h) {
			r->oom = true;
			return;
		}
		r->hits = h;
		r->cap = cap;
	}
	r->hits[r->n++] = (struct repeat_hit){id, m};
}

static int hit_cmp(const void *a, const void *b)
{
	const struct repeat_hit *x = a, *y = b;
	if (x->m.score != y->m.score)
		return y->m.score - x->m.score;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0; /* then the newest */
}

hm_err hotline_repeats(const hotline_ctx *c, int64_t id, hotline_repeat_visit visit, void *arg, hm_error *e)
{
	hotline_appeal *x = malloc(sizeof *x), *a = malloc(sizeof *a);
	struct repeat_acc r = {.x = x};
	hm_err err = x && a ? hotline_appeal_get(c, id, x, e) : hm_fail(e, HM_E_INTERNAL, NULL);
	/* an appeal already merged, or closed, has nothing left to link */
	if (err || x->main_id || strcmp(x->status, "closed") == 0 || strcmp(x->status, "merged") == 0)
		goto done;
	if (!hotline_grams_init(&r.xg, x->content)) {
		err = hm_fail(e, HM_E_INTERNAL, NULL);
		goto done;
	}
	int64_t window = (int64_t)HOTLINE_REPEAT_WINDOW_DAYS * 86400, scope = hotline_scope(c->user);
	err = hotline_db_repeat_candidates(c->db, scope, x, window, true, HOTLINE_REPEAT_CANDIDATES, repeat_candidate, &r,
					   e);
	if (!err)
		err = hotline_db_repeat_candidates(c->db, scope, x, window, false, HOTLINE_REPEAT_CANDIDATES,
						   repeat_candidate, &r, e);
	if (!err && r.oom)
		err = hm_fail(e, HM_E_INTERNAL, NULL);
	if (err)
		goto done;
	if (r.n)
		qsort(r.hits, r.n, sizeof *r.hits, hit_cmp);
	int given = 0;
	int64_t mine;
	if ((err = hotline_db_merged_count(c->db, x->id, false, &mine, e)))
		goto done;
	for (size_t i = 0; i < r.n && given < HOTLINE_REPEAT_MAX; i++) {
		int64_t theirs;
		if ((err = hotline_appeal_get(c, r.hits[i].id, a, e)) ||
		    (err = hotline_db_merged_count(c->db, a->id, false, &theirs, e)))
			goto done;
		/* only what an operator can act on: a merge one way or the other */
		bool into = !mine && hotline_merge_allowed(x->status, x->main_id, a->status, a->main_id);
		bool from = !theirs && hotline_merge_allowed(a->status, a->main_id, x->status, x->main_id);
		if (!into && !from)
			continue;
		visit(a, &r.hits[i].m, into, from, arg);
		given++;
	}
done:
	if (r.xg.v)
		hotline_grams_fini(&r.xg);
	free(r.hits);
	free(x);
	free(a);
	return err;
}

hm_err hotline_appeal_list(const hotline_ctx *c, const hotline_filter *f, hotline_appeal_visit visit, void *arg,
			   int64_t *total, hm_error *e)
{
	struct dup_acc d = {c, visit, arg};
	/* q reads the full-text index, with the search's own rules and errors */
	hotline_filter g = *f;
	char match[HOTLINE_SEARCH_MATCH_MAX];
	g.match = NULL;
	if (f->q && f->q[0]) {
		hm_err err = hotline_list_match(f->q, match, sizeof match, e);
		if (err)
			return err;
		g.match = match;
	}
	return hotline_db_list(c->db, hotline_scope(c->user), c->now, hotline_yellow_bound(c->cal, c->now), &g, dup_visit,
			       &d, total, e);
}

hm_err hotline_appeal_events(const hotline_ctx *c, int64_t id, hotline_event_visit visit, void *arg, hm_error *e)
{
	return hotline_db_events(c->db, id, visit, arg, e);
}

hm_err hotline_appeal_extensions(const hotline_ctx *c, int64_t id, hotline_extension_visit visit, void *arg,
				 hm_error *e)
{
	return hotline_db_extensions(c->db, id, visit, arg, e);
}

hm_err hotline_appeal_supervisions(const hotline_ctx *c, int64_t id, hotline_supervision_visit visit, void *arg,
				   hm_error *e)
{
	return hotline_db_supervisions(c->db, id, visit, arg, e);
}

hm_err hotline_callbacks_list(const hotline_ctx *c, int64_t id, bool missed_call, hotline_callback_visit visit,
			      void *arg, hm_error *e)
{
	return hotline_db_callbacks(c->db, id, missed_call, visit, arg, e);
}

/* ---- programmes -------------------------------------------------------- */

hm_err hotline_programme_create(const hotline_ctx *c, hotline_programme *in, hm_error *e)
{
	if (in->ends_at <= in->starts_at || in->ends_at - in->starts_at > 24 * 3600)
		return hm_fail(e, HM_E_PROGRAMME_TIME, "ends_at");
	for (int i = 0; i < in->nscope; i++) {
		if (!hotline_category_current(in->scope[i]))
			return hm_failf(e, HM_E_APPEAL_CATEGORY, "scope", "诉求分类 %.48s 不存在或已停用", in->scope[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(in->scope[i], in->scope[j]) == 0)
				return hm_failf(e, HM_E_BAD_VALUE, "scope", "受理范围 %.48s 重复", in->scope[i]);
	}
	hm_err err = hotline_db_programme_insert(c->db, c->user->id, c->now, in, e);
	if (err || (err = hotline_db_programme_get(c->db, in->id, in, e)))
		return err;
	char buf[4096];
	snprintf(buf, sizeof buf, "programme|%lld|%s|%lld|%lld|%s|%s", (long long)in->id, in->title,
		 (long long)in->starts_at, (long long)in->ends_at, in->guests, in->note);
	return audit_append(c->db, c->now, c->user->id, "programme.create", "hotline_programme", in->id, NULL, buf, NULL, e);
}

hm_err hotline_programme_get(const hotline_ctx *c, int64_t id, hotline_programme *out, hm_error *e)
{
	return hotline_db_programme_get(c->db, id, out, e);
}

hm_err hotline_programme_list(const hotline_ctx *c, int page, int size, hotline_programme_visit visit, void *arg,
			      int64_t *total, hm_error *e)
{
	return hotline_db_programme_list(c->db, page, size, visit, arg, total, e);
}

/* ---- members ----------------------------------------------------------- */

static hm_err member_user(const hotline_ctx *c, int64_t dept_id, const char *username, int64_t *uid, hm_error *e)
{
	if (!hotline_department_find(dept_id))
		return hm_fail(e, HM_E_DEPARTMENT_NOT_FOUND, "id");
	char role[32];
	hm_err err = hotline_db_user_role(c->db, username, uid, role, sizeof role, e);
	if (err)
		return err;
	if (strcmp(role, "dept_clerk") != 0 && strcmp(role, "dept_head") != 0)
		return hm_fail(e, HM_E_DEPARTMENT_MEMBER, "username");
	return HM_OK;
}

hm_err hotline_member_add(const hotline_ctx *c, int64_t dept_id, const char *username, hm_error *e)
{
	int64_t uid;
	hm_err err = member_user(c, dept_id, username, &uid, e);
	if (err || (err = hotline_db_member_add(c->db, uid, dept_id, c->user->id, c->now, e)))
		return err;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"department_id\":%lld}", (long long)dept_id);
	return audit_append(c->db, c->now, c->user->id, "department.member_add", "user", uid, NULL, NULL, detail, e);
}

hm_err hotline_member_remove(const hotline_ctx *c, int64_t dept_id, const char *username, hm_error *e)
{
	int64_t uid;
	hm_err err = member_user(c, dept_id, username, &uid, e);
	if (err || (err = hotline_db_member_remove(c->db, uid, dept_id, e)))
		return err;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"department_id\":%lld}", (long long)dept_id);
	return audit_append(c->db, c->now, c->user->id, "department.member_remove", "user", uid, NULL, NULL, detail, e);
}

hm_err hotline_members(const hotline_ctx *c, int64_t dept_id, hotline_member_visit visit, void *arg, hm_error *e)
{
	if (!hotline_department_find(dept_id))
		return hm_fail(e, HM_E_DEPARTMENT_NOT_FOUND, "id");
	return hotline_db_members(c->db, dept_id, visit, arg, e);
}

hm_err hotline_user_departments(const hotline_ctx *c, int64_t *ids, int max, int *n, hm_error *e)
{
	return hotline_db_user_departments(c->db, c->user->id, ids, max, n, e);
}

/* ---- missed calls ------------------------------------------------------ */

hm_err hotline_missed_create(const hotline_ctx *c, hotline_missed_call *in, hm_error *e)
{
	if (!in_list(hotline_lines, in->line))
		return hm_fail(e, HM_E_APPEAL_LINE, "line");
	if (!hotline_phone_valid(in->caller_phone))
		return hm_fail(e, HM_E_APPEAL_PHONE, "caller_phone");
	if (in->missed_at > c->now)
		return hm_failf(e, HM_E_BAD_DATE, "missed_at", "未接来电时间不能晚于现在");
	hm_err err = hotline_db_missed_insert(c->db, c->user->id, c->now, in, e);
	if (err || (err = hotline_db_missed_get(c->db, in->id, in, e)))
		return err;
	return audit_append(c->db, c->now, c->user->id, "missed_call.create", "missed_call", in->id, NULL, NULL, NULL, e);
}

hm_err hotline_missed_attempt(const hotline_ctx *c, int64_t id, const char *result, const char *note,
			      int64_t appeal_id, hotline_missed_call *out, hm_error *e)
{
	static const char *const results[] = {"reached", "no_answer", "busy", "unreachable", NULL};
	if (!in_list(results, result))
		return hm_fail(e, HM_E_APPEAL_CALLBACK, "result");
	hotline_missed_call m;
	hm_err err = hotline_db_missed_get(c->db, id, &m, e);
	if (err)
		return err;
	if (strcmp(m.status, "open") != 0)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "该未接来电已回拨处理完毕");
	if (appeal_id) {
		hotline_appeal a;
		if (strcmp(result, "reached") != 0)
			return hm_failf(e, HM_E_BAD_VALUE, "appeal_id", "只有接通后登记的诉求可以关联");
		if ((err = hotline_appeal_get(c, appeal_id, &a, e)))
			return hm_fail(e, err, "appeal_id");
		m.appeal_id = appeal_id;
	}
	if ((err = hotline_db_callback_insert(c->db, 0, id, c->user->id, c->now, result, "", note, e)))
		return err;
	if (strcmp(result, "reached") == 0)
		COPY(m.status, "reached");
	else if (strcmp(result, "unreachable") == 0)
		COPY(m.status, "unreachable");
	if ((err = hotline_db_missed_save(c->db, &m, e)) || (err = hotline_db_missed_get(c->db, id, out, e)))
		return err;
	char detail[64];
	snprintf(detail, sizeof detail, "{\"result\":\"%s\"}", result);
	return audit_append(c->db, c->now, c->user->id, "missed_call.attempt", "missed_call", id, NULL, NULL, detail, e);
}

hm_err hotline_missed_list(const hotline_ctx *c, const char *status, int page, int size, hotline_missed_visit visit,
			   void *arg, int64_t *total, hm_error *e)
{
	return hotline_db_missed_list(c->db, status, page, size, visit, arg, total, e);
}

hm_err hotline_missed_get(const hotline_ctx *c, int64_t id, hotline_missed_call *out, hm_error *e)
{
	return hotline_db_missed_get(c->db, id, out, e);
}

/* ---- attachments ------------------------------------------------------- */

hm_err hotline_attachment_upload(const hotline_ctx *c, const char *data_dir, int64_t appeal_id, const char *filename,
				 const void *data, size_t len, const char *declared_type, hotline_attachment *out,
				 bool *existed, hm_error *e)
{
	*existed = false;
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, appeal_id, &a, e);
	if (err)
		return err;
	if (!filestore_filename_valid(filename))
		return hm_fail(e, HM_E_ATTACHMENT_NAME, "filename");
	const char *type;
	if ((err = filestore_check(data, len, HOTLINE_ATTACHMENT_MAX_BYTES, declared_type, &type, e)))
		return err;
	memset(out, 0, sizeof *out);
	out->appeal_id = appeal_id;
	filestore_hash(data, len, out->hash);
	COPY(out->filename, filename);
	COPY(out->content_type, type);
	out->size = (int64_t)len;
	int64_t prior = 0;
	if ((err = hotline_db_attachment_find(c->db, appeal_id, out->hash, &prior, e)))
		return err;
	if (prior) {
		/* the same document filed twice on one appeal: once is enough */
		*existed = true;
		return hotline_db_attachment_get(c->db, appeal_id, prior, out, e);
	}
	/* the file first, then the rows that point at it */
	if ((err = filestore_store(data_dir, out->hash, data, len, e)) ||
	    (err = hotline_db_attachment_insert(c->db, out, c->user->id, c->now, e)))
		return err;
	char text[640], detail[160];
	snprintf(text, sizeof text, "hotline_attachment|%lld|%lld|%s|%s|%s|%lld", (long long)out->id,
		 (long long)appeal_id, out->hash, out->filename, out->content_type, (long long)out->size);
	snprintf(detail, sizeof detail, "{\"attachment_id\":%lld,\"hash\":\"%s\"}", (long long)out->id, out->hash);
	char note[480];
	snprintf(note, sizeof note, "上传附件：%s", out->filename);
	if ((err = hotline_db_event(c->db, appeal_id, c->now, c->user->id, "attachment", a.status, a.status, 0, note, e)) ||
	    (err = audit_append(c->db, c->now, c->user->id, "appeal.attachment_upload", "appeal", appeal_id, NULL, text,
				detail, e)))
		return err;
	return hotline_db_attachment_get(c->db, appeal_id, out->id, out, e);
}

hm_err hotline_attachments_list(const hotline_ctx *c, int64_t appeal_id, hotline_attachment_visit visit, void *arg,
				hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, appeal_id, &a, e);
	if (err)
		return err;
	return hotline_db_attachments(c->db, appeal_id, visit, arg, e);
}

hm_err hotline_attachment_download(const hotline_ctx *c, const char *data_dir, int64_t appeal_id, int64_t att_id,
				   hotline_attachment *out, char **data, hm_error *e)
{
	*data = NULL;
	hotline_appeal a;
	/* the appeal's scope first: another department's file is "not found" */
	hm_err err = hotline_appeal_get(c, appeal_id, &a, e);
	if (err || (err = hotline_db_attachment_get(c->db, appeal_id, att_id, out, e)) ||
	    (err = filestore_read(data_dir, out->hash, (size_t)out->size, data, e)))
		return err;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"attachment_id\":%lld}", (long long)att_id);
	err = audit_append(c->db, c->now, c->user->id, "appeal.attachment_download", "appeal", appeal_id, NULL, NULL,
			   detail, e);
	if (err) {
		free(*data);
		*data = NULL;
	}
	return err;
}

/* ---- the programme's outcome report -------------------------------------- */

struct outcome_acc {
	hotline_outcome_visit visit;
	void *arg;
};

static void outcome_row_of(const hotline_appeal *a, void *arg)
{
	struct outcome_acc *acc = arg;
	/* the row lives on the heap: its texts are large */
	hotline_outcome_row *row = calloc(1, sizeof *row);
	if (!row)
		return;
	int year, m, d;
	hm_day_ymd(hm_day_of(a->created_at), &year, &m, &d);
	snprintf(row->no, sizeof row->no, "RX%04d%06lld", year, (long long)a->id);
	COPY(row->category, a->category);
	COPY(row->district, a->district);
	const char *name = a->anonymous ? "" : a->caller_name;
	hotline_redact(a->place, name, row->place, sizeof row->place);
	hotline_redact(a->content, name, row->content, sizeof row->content);
	row->department_id = a->department_id;
	COPY(row->status, a->status);
	row->programme_tier = a->programme_tier;
	/* only an answer the hotline has: approved by the head, or given at intake */
	if (a->answer[0]) {
		hotline_redact(a->answer, name, row->answer, sizeof row->answer);
		row->answered_at = a->closed_at;
	} else if (a->replied_at && a->reply[0] && !in_list((const char *const[]){"reply_review", "rework", NULL}, a->status)) {
		hotline_redact(a->reply, name, row->answer, sizeof row->answer);
		row->answered_at = a->replied_at;
	}
	acc->visit(row, acc->arg);
	free(row);
}

hm_err hotline_programme_outcome(const hotline_ctx *c, int64_t programme_id, hotline_programme *p,
				 hotline_outcome_visit visit, void *arg, hm_error *e)
{
	hm_err err = hotline_db_programme_get(c->db, programme_id, p, e);
	if (err)
		return hm_fail(e, err, "id");
	struct outcome_acc acc = {visit, arg};
	return hotline_db_programme_appeals(c->db, programme_id, outcome_row_of, &acc, e);
}

struct pdf_acc {
	pdf_doc *d;
	double y;
	int n;
};

/* Beijing time to the minute, as read aloud: 2024-03-20 07:20. */
static char *minute_text(int64_t t, char *buf, size_t n)
{
	char iso[40];
	hm_time_format(t, iso, sizeof iso); /* 2024-03-20T07:20:00+08:00 */
	snprintf(buf, n, "%.10s %.5s", iso, iso + 11);
	return buf;
}

static void outcome_pdf_row(const hotline_outcome_row *row, void *arg)
{
	struct pdf_acc *acc = arg;
	const hotline_category *cat = hotline_category_find(row->category);
	const hotline_department *dept = hotline_department_find(row->department_id);
	char head[700], body[9000], ans[9000], when[40] = "";
	/* a row starts on a fresh page when little room is left */
	if (acc->y > 240) {
		pdf_page_next(acc->d);
		acc->y = 20;
	}
	acc->n++;
	snprintf(head, sizeof head, "%d. %s　%s　%s%s%s", acc->n, row->no, cat ? cat->name : row->category,
		 row->district[0] ? hotline_district_name(row->district) : "", row->place[0] ? "　" : "", row->place);
	acc->y += pdf_text(acc->d, 20, acc->y, 170, 11, PDF_BOLD, head) + 1.5;
	snprintf(body, sizeof body, "诉求：%s", row->content);
	acc->y += pdf_text(acc->d, 24, acc->y, 166, 10, PDF_LEFT, body) + 1;
	if (row->answered_at)
		minute_text(row->answered_at, when, sizeof when);
	/* no department and an answer: a consultation the hotline answered on the spot */
	const char *who = dept ? dept->name : row->answer[0] ? "热线当场答复" : "尚未派单";
	snprintf(ans, sizeof ans, "承办单位：%s　状态：%s%s%s%s%s", who, hotline_status_name(row->status),
		 row->answer[0] ? "\n答复：" : "", row->answer, when[0] ? "（" : "", when[0] ? when : "");
	if (when[0])
		snprintf(ans + strlen(ans), sizeof ans - strlen(ans), "）");
	acc->y += pdf_text(acc->d, 24, acc->y, 166, 10, PDF_LEFT, ans) + 4;
}

hm_err hotline_outcome_pdf(const hotline_ctx *c, int64_t programme_id, char **out, size_t *len, hm_error *e)
{
	*out = NULL;
	hotline_programme p;
	hm_err err = hotline_db_programme_get(c->db, programme_id, &p, e);
	if (err)
		return hm_fail(e, err, "id");
	pdf_doc *d = pdf_new(210, 297, "直播节目诉求办理结果", e);
	if (!d)
		return e->err;
	char line[1600], from[40], to[40];
	pdf_text(d, 20, 18, 170, 18, PDF_CENTER | PDF_BOLD, "直播节目诉求办理结果");
	snprintf(line, sizeof line, "%s", p.title);
	pdf_text(d, 20, 30, 170, 12, PDF_CENTER, line);
	snprintf(line, sizeof line, "播出时间：%s 至 %s　上线嘉宾：%s", minute_text(p.starts_at, from, sizeof from),
		 minute_text(p.ends_at, to, sizeof to) + 11, p.guests);
	double h = pdf_text(d, 20, 38, 170, 10, PDF_CENTER, line);
	pdf_line(d, 20, 40 + h, 190, 40 + h, 0.6);
	struct pdf_acc acc = {d, 44 + h, 0};
	struct outcome_acc oacc = {outcome_pdf_row, &acc};
	err = hotline_db_programme_appeals(c->db, programme_id, outcome_row_of, &oacc, e);
	if (!err && acc.n == 0)
		pdf_text(d, 20, acc.y, 170, 11, PDF_LEFT, "本期节目没有受理诉求。");
	if (!err) {
		snprintf(line, sizeof line, "共 %d 件。本表供节目回访播报使用，已隐去诉求人姓名、电话和证件号码。", acc.n);
		pdf_text(d, 20, acc.y > 270 ? 280 : acc.y + 4, 170, 9, PDF_LEFT, line);
		err = pdf_finish(d, out, len, e);
	}
	pdf_free(d);
	return err;
}
