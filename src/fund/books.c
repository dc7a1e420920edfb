/* The books' rules: statements from postings, the hledger export, bank
 * statement parsing and matching, and the quarterly public disclosure.
 *
 * Disclosure law: 慈善法（2023 年修正）第七十八条至第八十二条 — a charity
 * publishes its work and finances, a project running longer than six months
 * at least every three months, and never a beneficiary's personal privacy
 * nor a donor's name or contact without consent; 民政部令第81号《慈善组织信息
 * 公开办法》 (in force 2026-01-01) sets how. Hence the quarter as the unit,
 * aggregated figures only, and counts of children below three shown as "<3"
 * so that no child can be singled out in a small district or category. */
#include "fund/books.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/hmtime.h"
#include "core/ledger.h"
#include "core/money.h"
#include "fund/books_db.h"
#include "fund/fund.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* ---- pure parts ---------------------------------------------------------- */

bool books_quarter_days(int year, int q, int32_t *from, int32_t *to)
{
	if (year < 2000 || year > 2100 || q < 1 || q > 4)
		return false;
	*from = hm_ymd_day(year, 3 * q - 2, 1);
	*to = q == 4 ? hm_ymd_day(year + 1, 1, 1) - 1 : hm_ymd_day(year, 3 * q + 1, 1) - 1;
	return true;
}

static const char *ledger_top(const char *type)
{
	if (strcmp(type, "asset") == 0)
		return "资产";
	if (strcmp(type, "liability") == 0)
		return "负债";
	if (strcmp(type, "equity") == 0)
		return "净资产";
	if (strcmp(type, "income") == 0)
		return "收入";
	return "支出";
}

/* Append s (len bytes) to buf if it fits whole; false otherwise. */
static bool put(char *buf, size_t n, size_t *at, const char *s, size_t len)
{
	if (*at + len + 1 > n)
		return false;
	memcpy(buf + *at, s, len);
	*at += len;
	buf[*at] = '\0';
	return true;
}

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

char *books_ledger_name(const char *type, const char *name, char *buf, size_t n)
{
	static const char *const fw_open = "（", *const fw_close = "）";
	size_t at = 0, len = strlen(name);
	buf[0] = '\0';
	put(buf, n, &at, ledger_top(type), strlen(ledger_top(type)));
	/* drop a trailing remark in full-width brackets: it explains the
	 * account to people, and the account stays recognisable without it */
	size_t cl = strlen(fw_close);
	if (len > cl && strcmp(name + len - cl, fw_close) == 0) {
		const char *open = NULL;
		for (const char *p = strstr(name, fw_open); p; p = strstr(p + 1, fw_open))
			open = p;
		if (open && open > name && open[-1] != '-')
			len = (size_t)(open - name);
	}
	bool seg_start = true, space = false;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)name[i];
		size_t k = utf8_len(c);
		if (i + k > len)
			break;
		const char *rep = NULL;
		switch (c) {
		case '-':
			seg_start = true;
			space = false;
			i++;
			continue;
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			space = !seg_start;
			i++;
			continue;
		case ':': rep = "："; break;
		case ';': rep = "；"; break;
		case '|': rep = "｜"; break;
		case '(': rep = "（"; break;
		case ')': rep = "）"; break;
		case '[': rep = "［"; break;
		case ']': rep = "］"; break;
		default: break;
		}
		/* a new level only when it has a character; one space inside a
		 * level is fine for hledger, two would end the account name */
		if (seg_start && !put(buf, n, &at, ":", 1))
			break;
		if (space && !seg_start && !put(buf, n, &at, " ", 1))
			break;
		seg_start = space = false;
		if (!(rep ? put(buf, n, &at, rep, strlen(rep)) : put(buf, n, &at, name + i, k)))
			break;
		i += k;
	}
	return buf;
}

char *books_ledger_amount(int64_t fen, char *buf, size_t n)
{
	char m[32];
	snprintf(buf, n, "%s CNY", money_format(fen, m, sizeof m));
	return buf;
}

void books_suppress(books_cell *cells, int n, int64_t min, bool partition)
{
	int hidden = 0;
	for (int i = 0; i < n; i++) {
		cells[i].suppressed = cells[i].value > 0 && cells[i].value < min;
		hidden += cells[i].suppressed;
	}
	if (!partition || hidden != 1)
		return;
	int best = -1;
	for (int i = 0; i < n; i++)
		if (!cells[i].suppressed && cells[i].value > 0 && (best < 0 || cells[i].value < cells[best].value))
			best = i;
	if (best >= 0)
		cells[best].suppressed = true;
}

/* ---- CSV ----------------------------------------------------------------- */

static hm_err csv_fail(hm_error *e, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static hm_err csv_fail(hm_error *e, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hm_failf(e, HM_E_BANK_CSV, "csv", "第 %d 行：%s", line, msg);
}

#define CSV_MAX_FIELDS 8
#define CSV_RECORD_MAX 2048

typedef struct csv_rec {
	char buf[CSV_RECORD_MAX];
	const char *f[CSV_MAX_FIELDS];
	int nf;
	int line;            /* physical line where the record starts */
} csv_rec;

static void trim(char *s)
{
	size_t a = 0, b = strlen(s);
	while (s[a] == ' ' || s[a] == '\t')
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	memmove(s, s + a, b - a);
	s[b - a] = '\0';
}

/* One RFC 4180 record from t[*pos..len). 1: a record; 0: end of input;
 * -1: error (e set). *line counts physical lines, quoted newlines too. */
static int csv_record(const char *t, size_t len, size_t *pos, int *line, csv_rec *r, hm_error *e)
{
	size_t p = *pos, b = 0;
	if (p >= len)
		return 0;
	r->line = *line;
	r->nf = 1;
	r->f[0] = r->buf;
	bool quoted = false, was_quoted = false, field_start = true;
	for (;;) {
		if (p >= len)
			break;
		char ch = t[p];
		if (quoted) {
			if (ch == '"') {
				if (p + 1 < len && t[p + 1] == '"') {
					ch = '"';
					p++;
				} else {
					quoted = false;
					p++;
					continue;
				}
			} else if (ch == '\n') {
				(*line)++;
			}
		} else if (ch == '"') {
			if (!field_start)
				return csv_fail(e, *line, "引号位置不正确（含引号的字段须整个用引号括起，内部引号写作两个）"), -1;
			quoted = was_quoted = true;
			field_start = false;
			p++;
			continue;
		} else if (ch == ',') {
			if (r->nf >= CSV_MAX_FIELDS)
				return csv_fail(e, r->line, "列数过多，应为 6 列"), -1;
			if (b + 1 >= sizeof r->buf)
				return csv_fail(e, r->line, "本行内容过长"), -1;
			r->buf[b++] = '\0';
			r->f[r->nf++] = r->buf + b;
			field_start = true;
			was_quoted = false;
			p++;
			continue;
		} else if (ch == '\r' || ch == '\n') {
			/* CRLF, LF, or a lone CR all end the record */
			p += ch == '\r' && p + 1 < len && t[p + 1] == '\n' ? 2 : 1;
			(*line)++;
			break;
		} else if (was_quoted && ch != ' ' && ch != '\t') {
			return csv_fail(e, *line, "右引号之后不应再有字符"), -1;
		}
		if (b + 2 >= sizeof r->buf)
			return csv_fail(e, r->line, "本行内容过长"), -1;
		r->buf[b++] = ch;
		field_start = false;
		p++;
	}
	if (quoted)
		return csv_fail(e, r->line, "引号没有闭合"), -1;
	r->buf[b] = '\0';
	for (int i = 0; i < r->nf; i++)
		trim((char *)r->f[i]);
	*pos = p;
	return 1;
}

static bool parse_date(const char *s, char out[11])
{
	int y, m, d;
	char sep1, sep2;
	size_t n = strlen(s);
	if (n == 8 && strspn(s, "0123456789") == 8) {
		if (sscanf(s, "%4d%2d%2d", &y, &m, &d) != 3)
			return false;
	} else if (n == 10 && strspn(s, "0123456789") == 4 && strspn(s + 5, "0123456789") == 2 &&
		   strspn(s + 8, "0123456789") == 2) {
		if (sscanf(s, "%4d%c%2d%c%2d", &y, &sep1, &m, &sep2, &d) != 5 || sep1 != sep2 || (sep1 != '-' && sep1 != '/'))
			return false;
	} else {
		return false;
	}
	if (!hm_ymd_valid(y, m, d))
		return false;
	hm_date_format(hm_ymd_day(y, m, d), out, 11);
	return true;
}

static hm_err csv_amount(const char *s, const char *col, int line, int64_t *fen, hm_error *e)
{
	*fen = 0;
	if (!*s)
		return HM_OK;
	hm_error tmp;
	hm_error_clear(&tmp);
	if (money_parse_yuan(s, fen, &tmp, NULL) != HM_OK)
		return csv_fail(e, line, "%s“%.40s”不正确，应为以元计、最多两位小数的金额（如 1234.56）", col, s);
	return HM_OK;
}

static bool copy_field(char *dst, size_t n, const char *src)
{
	if (strlen(src) >= n)
		return false;
	memcpy(dst, src, strlen(src) + 1);
	return true;
}

hm_err books_csv_parse(const char *text, size_t len, books_bank_line **lines, size_t *n, hm_error *e)
{
	static const char *const header[] = {"交易日期", "摘要", "收入金额", "支出金额", "对方户名", "交易流水号/参考号"};
	*lines = NULL;
	*n = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (memchr(text, '\0', len))
		return hm_failf(e, HM_E_BANK_CSV, "csv", "银行流水中含有空字符，不是文本 CSV 文件");
	csv_rec *r = malloc(sizeof *r);
	books_bank_line *out = NULL;
	size_t cap = 0, cnt = 0, pos = 0;
	int line = 1, rc;
	if (!r)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	rc = csv_record(text, len, &pos, &line, r, e);
	if (rc == 0) {
		hm_failf(e, HM_E_BANK_CSV, "csv", "银行流水为空：第 1 行应为表头 " BOOKS_CSV_COLUMNS);
		goto fail;
	}
	if (rc < 0)
		goto fail;
	bool header_ok = r->nf == 6;
	for (int i = 0; header_ok && i < 6; i++)
		header_ok = strcmp(r->f[i], header[i]) == 0;
	if (!header_ok) {
		csv_fail(e, r->line, "表头应为 %s", BOOKS_CSV_COLUMNS);
		goto fail;
	}
	while ((rc = csv_record(text, len, &pos, &line, r, e)) == 1) {
		if (r->nf == 1 && !r->f[0][0])
			continue; /* blank line */
		if (r->nf != 6) {
			csv_fail(e, r->line, "应有 6 列，实际为 %d 列", r->nf);
			goto fail;
		}
		if (cnt >= BOOKS_CSV_MAX_LINES) {
			csv_fail(e, r->line, "交易记录超过 %d 条，请分批导入", BOOKS_CSV_MAX_LINES);
			goto fail;
		}
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 64;
			books_bank_line *g = realloc(out, nc * sizeof *out);
			if (!g) {
				hm_fail(e, HM_E_INTERNAL, NULL);
				goto fail;
			}
			out = g;
			cap = nc;
		}
		books_bank_line *l = &out[cnt];
		memset(l, 0, sizeof *l);
		l->line_no = r->line;
		if (!parse_date(r->f[0], l->date)) {
			csv_fail(e, r->line, "交易日期“%.20s”不正确，应为 YYYY-MM-DD", r->f[0]);
			goto fail;
		}
		if (csv_amount(r->f[2], "收入金额", r->line, &l->amount_in, e) ||
		    csv_amount(r->f[3], "支出金额", r->line, &l->amount_out, e))
			goto fail;
		if ((l->amount_in > 0) == (l->amount_out > 0)) {
			csv_fail(e, r->line, "收入金额和支出金额须有且只有一项大于零");
			goto fail;
		}
		if (!copy_field(l->summary, 301, r->f[1]) || !copy_field(l->counterparty, 201, r->f[4]) ||
		    !copy_field(l->ref, 65, r->f[5])) {
			csv_fail(e, r->line, "摘要最长 300 字节、对方户名 200 字节、交易流水号 64 字节");
			goto fail;
		}
		cnt++;
	}
	if (rc < 0)
		goto fail;
	if (cnt == 0) {
		hm_failf(e, HM_E_BANK_CSV, "csv", "银行流水中没有交易记录（只有表头）");
		goto fail;
	}
	free(r);
	*lines = out;
	*n = cnt;
	return HM_OK;
fail:
	free(r);
	free(out);
	return e->err;
}

void books_csv_digest(const char *text, size_t len, char out[65])
{
	unsigned char h[32];
	crypto_generichash_state st;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') {
			crypto_generichash_update(&st, (const unsigned char *)text + start, i - start);
			start = i + 1;
		}
	}
	crypto_generichash_update(&st, (const unsigned char *)text + start, len - start);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---- statements ---------------------------------------------------------- */

/* A district user (should the role table ever give one the books) sees only
 * its own district's entries. */
static int64_t scoped_org(const books_ctx *c, int64_t org_id)
{
	return c->user && c->user->scope_org_id ? c->user->scope_org_id : org_id;
}

/* hledger names for every account, unique: should two names of our chart
 * map to the same hledger name, the second gets its code appended, so
 * that hledger never merges two of our accounts. */
typedef struct name_map {
	char code[BOOKS_MAX_ACCOUNTS][16];
	char type[BOOKS_MAX_ACCOUNTS][12];
	char name[BOOKS_MAX_ACCOUNTS][192];
	int n;
} name_map;

static void name_visit(const char *code, const char *type, const char *name, void *arg)
{
	name_map *m = arg;
	if (m->n >= BOOKS_MAX_ACCOUNTS)
		return;
	int i = m->n++;
	COPY(m->code[i], code);
	COPY(m->type[i], type);
	books_ledger_name(type, name, m->name[i], sizeof m->name[i]);
	for (int j = 0; j < i; j++)
		if (strcmp(m->name[j], m->name[i]) == 0) {
			size_t l = strlen(m->name[i]);
			snprintf(m->name[i] + l, sizeof m->name[i] - l, "（%s）", code);
			break;
		}
}

static hm_err names_load(hm_db *db, name_map *m, hm_error *e)
{
	m->n = 0;
	return books_db_accounts(db, name_visit, m, e);
}

static const char *name_of(const name_map *m, const char *code)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->code[i], code) == 0)
			return m->name[i];
	return code;
}

static hm_err sums(const books_ctx *c, const books_filter *f, books_row *rows, int *n, int64_t *entries, hm_error *e)
{
	name_map *m = malloc(sizeof *m);
	if (!m)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = names_load(c->db, m, e);
	if (!err)
		err = books_db_account_sums(c->db, hm_day_start(f->from), hm_day_start(f->to + 1), scoped_org(c, f->org_id),
					    rows, BOOKS_MAX_ACCOUNTS, n, entries, e);
	for (int i = 0; !err && i < *n; i++) {
		rows[i].closing = rows[i].opening + rows[i].debit - rows[i].credit;
		COPY(rows[i].ledger_name, name_of(m, rows[i].code));
	}
	free(m);
	return err;
}

hm_err books_trial_balance(const books_ctx *c, const books_filter *f, books_trial *out, hm_error *e)
{
	memset(out, 0, sizeof *out);
	hm_err err = sums(c, f, out->rows, &out->n, &out->entries, e);
	for (int i = 0; !err && i < out->n; i++) {
		out->opening += out->rows[i].opening;
		out->debit += out->rows[i].debit;
		out->credit += out->rows[i].credit;
		out->closing += out->rows[i].closing;
	}
	return err;
}

hm_err books_income_statement(const books_ctx *c, const books_filter *f, books_statement *out, hm_error *e)
{
	memset(out, 0, sizeof *out);
	books_row *rows = malloc(BOOKS_MAX_ACCOUNTS * sizeof *rows);
	int n = 0;
	int64_t entries;
	if (!rows)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = sums(c, f, rows, &n, &entries, e);
	for (int i = 0; !err && i < n; i++) {
		books_row r = rows[i];
		if (strcmp(r.type, "income") == 0 && !f->account) {
			/* income is a credit: shown positive, net of any reversal */
			r.closing = r.credit - r.debit;
			out->income[out->nincome++] = r;
			out->income_total += r.closing;
		} else if (strcmp(r.type, "expense") == 0 && (!f->account || strcmp(f->account, r.code) == 0)) {
			r.closing = r.debit - r.credit;
			out->expense[out->nexpense++] = r;
			out->expense_total += r.closing;
		}
	}
	free(rows);
	out->surplus = out->income_total - out->expense_total;
	if (!err)
		err = books_db_district_sums(c->db, hm_day_start(f->from), hm_day_start(f->to + 1), scoped_org(c, f->org_id),
					     f->account, out->districts, BOOKS_MAX_DISTRICTS, &out->ndistricts, e);
	return err;
}

hm_err books_balance_sheet_get(const books_ctx *c, const books_filter *f, books_balance_sheet *out, hm_error *e)
{
	memset(out, 0, sizeof *out);
	books_row *rows = malloc(BOOKS_MAX_ACCOUNTS * sizeof *rows);
	int n = 0;
	int64_t entries;
	if (!rows)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = sums(c, f, rows, &n, &entries, e);
	for (int i = 0; !err && i < n; i++) {
		books_row r = rows[i];
		if (strcmp(r.type, "asset") == 0) {
			out->assets[out->nassets++] = r;
			out->assets_opening += r.opening;
			out->assets_closing += r.closing;
		} else if (strcmp(r.type, "liability") == 0) {
			/* a liability is a credit balance: shown positive */
			r.opening = -r.opening;
			r.closing = -r.closing;
			out->liabilities[out->nliabilities++] = r;
			out->liabilities_opening += r.opening;
			out->liabilities_closing += r.closing;
		} else {
			/* income, expense and equity accounts together are the net
			 * assets: what the fund has received less what it has used */
			out->net_opening -= r.opening;
			out->net_closing -= r.closing;
			if (strcmp(r.type, "income") == 0)
				out->income += r.credit - r.debit;
			else if (strcmp(r.type, "expense") == 0)
				out->expense += r.debit - r.credit;
		}
	}
	free(rows);
	return err;
}

hm_err books_district_id(const books_ctx *c, const char *code, int64_t *org_id, hm_error *e)
{
	return books_db_district_id(c->db, code, org_id, e);
}

/* ---- hledger ------------------------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int k = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (k < 0) {
			b->oom = true;
			return;
		}
		if (b->p && b->len + (size_t)k < b->cap) {
			b->len += (size_t)k;
			return;
		}
		size_t nc = b->cap ? b->cap * 2 : 65536;
		while (nc < b->len + (size_t)k + 1)
			nc *= 2;
		char *g = realloc(b->p, nc);
		if (!g) {
			b->oom = true;
			return;
		}
		b->p = g;
		b->cap = nc;
	}
}

/* A description hledger reads as one: no line breaks, and ";" (a comment)
 * and "|" (payee | note) made full-width. */
static void clean_text(const char *s, char *out, size_t n)
{
	size_t at = 0;
	out[0] = '\0';
	for (size_t i = 0; s[i];) {
		unsigned char c = (unsigned char)s[i];
		size_t k = utf8_len(c);
		const char *rep = c == ';' ? "；" : c == '|' ? "｜" : (c == '\n' || c == '\r' || c == '\t') ? " " : NULL;
		if (!(rep ? put(out, n, &at, rep, strlen(rep)) : put(out, n, &at, s + i, k)))
			break;
		for (size_t j = 0; j < k && s[i]; j++)
			i++;
	}
}

typedef struct hl_walk {
	sbuf *b;
	const name_map *m;
	int64_t last;
} hl_walk;

static void hl_posting(int64_t entry_id, int64_t at, const char *memo, const char *source, const char *org_code,
		       const char *account, int64_t amount, void *arg)
{
	hl_walk *w = arg;
	char date[16], desc[640], amt[40];
	if (entry_id != w->last) {
		clean_text(memo, desc, sizeof desc);
		sb_printf(w->b, "\n%s (#%lld) %s  ; source:%s%s%s\n", hm_date_format(hm_day_of(at), date, sizeof date),
			  (long long)entry_id, desc, source, org_code[0] ? ", district:" : "", org_code);
		w->last = entry_id;
	}
	sb_printf(w->b, "    %-40s  %20s\n", name_of(w->m, account), books_ledger_amount(amount, amt, sizeof amt));
}

hm_err books_hledger_export(const books_ctx *c, char **text, size_t *len, hm_error *e)
{
	static const char *const letters[][2] = {
		{"asset", "A"}, {"liability", "L"}, {"equity", "E"}, {"income", "R"}, {"expense", "X"}};
	*text = NULL;
	*len = 0;
	name_map *m = malloc(sizeof *m);
	sbuf b = {0};
	if (!m)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = names_load(c->db, m, e);
	if (err)
		goto out;
	char now[32];
	sb_printf(&b,
		  "; 枣慈留香·孤困和留守儿童关爱帮扶基金 — 全部记账分录（hledger 格式）\n"
		  "; 枣庄市慈善总会 huimin 导出于 %s；金额单位：元（CNY）\n"
		  "; 核对：hledger -f 本文件 balance；hledger -f 本文件 incomestatement\n\n"
		  "commodity 1000.00 CNY\n\n",
		  hm_time_format(c->now, now, sizeof now));
	/* account types declared, since hledger can only guess them from
	 * English names; incomestatement and balancesheet need them */
	for (int i = 0; i < m->n; i++) {
		const char *t = "A";
		for (size_t k = 0; k < sizeof letters / sizeof letters[0]; k++)
			if (strcmp(letters[k][0], m->type[i]) == 0)
				t = letters[k][1];
		sb_printf(&b, "account %s  ; type: %s, code: %s\n", m->name[i], t, m->code[i]);
	}
	hl_walk w = {&b, m, 0};
	if ((err = books_db_postings(c->db, hl_posting, &w, e)))
		goto out;
	if (b.oom) {
		err = hm_fail(e, HM_E_INTERNAL, NULL);
		goto out;
	}
	*text = b.p;
	*len = b.len;
	b.p = NULL;
out:
	free(b.p);
	free(m);
	return err;
}

/* ---- bank statements ----------------------------------------------------- */

hm_err books_bank_import(const books_ctx *c, const char *csv, size_t len, const char *filename, books_import *out,
			 books_bank_line **lines_out, size_t *nlines, hm_error *e)
{
	books_bank_line *lines = NULL;
	size_t n = 0;
	if (lines_out)
		*lines_out = NULL;
	if (nlines)
		*nlines = 0;
	memset(out, 0, sizeof *out);
	hm_err err = books_csv_parse(csv, len, &lines, &n, e);
	if (err)
		return err;
	books_csv_digest(csv, len, out->hash);
	bool dup = false, donations = false;
	if ((err = books_db_import_hash_exists(c->db, out->hash, &dup, e)) ||
	    (err = books_db_has_table(c->db, "donations", &donations, e)))
		goto out;
	if (dup) {
		err = hm_fail(e, HM_E_BANK_DUPLICATE, "csv");
		goto out;
	}
	out->donations_checked = donations;
	COPY(out->filename, filename ? filename : "");
	out->line_count = (int64_t)n;
	out->created_at = c->now;
	COPY(out->first_date, lines[0].date);
	COPY(out->last_date, lines[0].date);
	for (size_t i = 0; i < n; i++) {
		out->total_in += lines[i].amount_in;
		out->total_out += lines[i].amount_out;
		if (strcmp(lines[i].date, out->first_date) < 0)
			COPY(out->first_date, lines[i].date);
		if (strcmp(lines[i].date, out->last_date) > 0)
			COPY(out->last_date, lines[i].date);
	}
	COPY(out->created_by, c->user->display_name);
	if ((err = books_db_import_insert(c->db, out, c->user->id, e)))
		goto out;
	/* each line is stored right after it is matched, so that a later line
	 * with the same reference and amount cannot take the same target */
	for (size_t i = 0; i < n; i++) {
		books_bank_line *l = &lines[i];
		if (l->ref[0] && l->amount_in > 0 && donations)
			err = books_db_match_donation(c->db, l->ref, l->amount_in, &l->donation_id, &l->entry_id, e);
		else if (l->ref[0] && l->amount_out > 0)
			err = books_db_match_payment(c->db, l->ref, l->amount_out, &l->entry_id, e);
		if (err)
			goto out;
		COPY(l->match_kind, l->donation_id ? "donation" : l->entry_id ? "payment" : "");
		out->matched_count += l->match_kind[0] != '\0';
		if ((err = books_db_line_insert(c->db, out->id, l, e)))
			goto out;
	}
	if ((err = books_db_import_counts(c->db, out, e)))
		goto out;
	char detail[256];
	snprintf(detail, sizeof detail,
		 "{\"lines\":%lld,\"matched\":%lld,\"total_in\":%lld,\"total_out\":%lld,\"hash\":\"%s\"}",
		 (long long)out->line_count, (long long)out->matched_count, (long long)out->total_in,
		 (long long)out->total_out, out->hash);
	if ((err = audit_append(c->db, c->now, c->user->id, "bank_import.create", "bank_import", out->id, NULL, NULL,
				detail, e)))
		goto out;
	if (lines_out) {
		*lines_out = lines;
		*nlines = n;
		lines = NULL;
	}
out:
	free(lines);
	return err;
}

hm_err books_import_list(const books_ctx *c, int page, int size, books_import_visit visit, void *arg,
			 int64_t *total, hm_error *e)
{
	return books_db_import_list(c->db, page, size, visit, arg, total, e);
}

hm_err books_import_get(const books_ctx *c, int64_t id, books_import *out, hm_error *e)
{
	return books_db_import_get(c->db, id, out, e);
}

hm_err books_lines_list(const books_ctx *c, int64_t import_id, bool unmatched_only, books_line_visit visit, void *arg,
			hm_error *e)
{
	return books_db_lines(c->db, import_id, unmatched_only, visit, arg, e);
}

/* ---- public disclosure --------------------------------------------------- */

hm_err books_disclosure_get(const books_ctx *c, int year, int quarter, books_disclosure *out, hm_error *e)
{
	memset(out, 0, sizeof *out);
	int32_t from, to, today = hm_day_of(c->now);
	if (!books_quarter_days(year, quarter, &from, &to))
		return hm_failf(e, HM_E_DISCLOSURE_QUARTER, quarter < 1 || quarter > 4 ? "quarter" : "year",
				"年度应为 2000–2100，季度应为 1–4");
	if (from > today)
		return hm_failf(e, HM_E_DISCLOSURE_QUARTER, "quarter", "%d 年第 %d 季度尚未开始，没有可公开的数据", year,
				quarter);
	out->year = year;
	out->quarter = quarter;
	out->complete = to < today;
	hm_date_format(from, out->from, sizeof out->from);
	hm_date_format(to, out->to, sizeof out->to);
	int64_t t0 = hm_day_start(from), t1 = hm_day_start(to + 1);

	/* money: from the postings, city-wide (the public sees the whole fund) */
	books_ctx city = {c->db, NULL, c->now};
	books_filter f = {from, to, 0, NULL};
	books_row *rows = malloc(BOOKS_MAX_ACCOUNTS * sizeof *rows);
	int n = 0;
	int64_t entries;
	if (!rows)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = sums(&city, &f, rows, &n, &entries, e);
	for (int i = 0; !err && i < n; i++) {
		books_cell cell = {0};
		COPY(cell.code, rows[i].code);
		COPY(cell.name, rows[i].name);
		if (strcmp(rows[i].type, "income") == 0) {
			cell.value = rows[i].credit - rows[i].debit;
			out->income[out->nincome++] = cell;
			out->income_total += cell.value;
		} else if (strcmp(rows[i].type, "expense") == 0) {
			cell.value = rows[i].debit - rows[i].credit;
			out->spent[out->nspent++] = cell;
			out->spent_total += cell.value;
		} else if (strcmp(rows[i].code, LEDGER_BANK) == 0) {
			out->bank_closing = rows[i].closing;
		}
	}
	free(rows);
	if (err)
		return err;
	if ((err = books_db_has_table(c->db, "donations", &out->donations_available, e)))
		return err;
	if (out->donations_available &&
	    (err = books_db_donation_totals(c->db, out->from, out->to, &out->donation_count, &out->donation_total, e)))
		return err;

	/* children: counts only, never who */
	COPY(out->children_total.code, "total");
	COPY(out->children_total.name, "受助儿童（人）");
	if ((err = books_db_children_paid(c->db, t0, t1, &out->children_total.value, e)))
		return err;
	size_t ncat;
	const fund_item *cats = fund_catalog(FUND_CATEGORY, &ncat);
	for (size_t i = 0; i < ncat && out->ncategory < BOOKS_MAX_CATEGORIES; i++) {
		books_cell *cell = &out->by_category[out->ncategory++];
		COPY(cell->code, cats[i].code);
		COPY(cell->name, cats[i].name);
	}
	if ((err = books_db_children_by_category(c->db, t0, t1, out->by_category, out->ncategory, e)) ||
	    (err = books_db_children_by_district(c->db, t0, t1, out->by_district, BOOKS_MAX_DISTRICTS, &out->ndistrict,
						 e)))
		return err;
	books_suppress(&out->children_total, 1, BOOKS_MIN_CELL, false);
	/* a child may be in several categories, so they do not add up to the
	 * total; the districts do, hence the second suppression there */
	books_suppress(out->by_category, out->ncategory, BOOKS_MIN_CELL, false);
	books_suppress(out->by_district, out->ndistrict, BOOKS_MIN_CELL, !out->children_total.suppressed);
	return HM_OK;
}
