/* Donations, receipts, acknowledgment and the tax helper: the rules and
 * the documents. SQL lives in donation_db.c, HTTP in donation_http.c; this
 * file decides what is allowed, what gets booked, and what a receipt or a
 * thank-you letter says. */
#include "fund/donation.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/embedded.h"
#include "core/hmtime.h"
#include "core/ledger.h"
#include "core/money.h"
#include "core/pdf.h"
#include "fund/donation_db.h"

/* Copy with truncation at a character boundary the caller has already
 * checked (input lengths are limited in characters by the handlers). */
static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}
#define COPY(dst, src) copy_str((dst), sizeof(dst), (src))

/* ---- settings ------------------------------------------------------------ */

static donation_settings settings;
static pthread_once_t settings_once = PTHREAD_ONCE_INIT;

static void settings_load(void)
{
	const struct hm_embedded_file *f = hm_embedded_find("data/donation.tsv");
	if (!f)
		abort(); /* built into the binary; a build without it is broken */
	static const struct {
		const char *key;
		size_t off, size;
	} keys[] = {
#define K(k, m) {k, offsetof(donation_settings, m), sizeof(((donation_settings *)0)->m)}
		K("receipt_name", receipt_name),
		K("receipt_code", receipt_code),
		K("issuer", issuer),
		K("purpose", purpose),
		K("qualification_holder", qual_holder),
		K("qualification_status", qual_status),
		K("qualification_from", qual_from),
		K("qualification_to", qual_to),
		K("qualification_document", qual_document),
#undef K
	};
	const char *p = (const char *)f->data;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *tab = memchr(p, '\t', len);
		if (p[0] != '#' && tab) {
			for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
				if (strlen(keys[i].key) == (size_t)(tab - p) && memcmp(keys[i].key, p, (size_t)(tab - p)) == 0)
					snprintf((char *)&settings + keys[i].off, keys[i].size, "%.*s",
						 (int)(len - (size_t)(tab - p) - 1), tab + 1);
		}
		p += len + (eol ? 1 : 0);
	}
	if (!settings.receipt_code[0] || !settings.issuer[0] || !settings.purpose[0])
		abort(); /* the data file is part of the build and tested */
	if (!settings.qual_status[0])
		COPY(settings.qual_status, "待确认");
}

const donation_settings *donation_settings_get(void)
{
	pthread_once(&settings_once, settings_load);
	return &settings;
}

/* ---- pure rules ------------------------------------------------------------ */

/* GB 32100-2015 §4: the code's alphabet is the digits and the capital
 * letters without I, O, Z, S, V (too easily mistaken for 1, 0, 2, 5, U). */
static const char USCC_CHARS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/* GB 32100-2015 §5, weights 3^(i-1) mod 31 of the first 17 positions. */
static const int USCC_WEIGHTS[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

char donation_uscc_check_char(const char *first17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		const char *at = first17[i] ? strchr(USCC_CHARS, first17[i]) : NULL;
		if (!at)
			return 0;
		sum += (int)(at - USCC_CHARS) * USCC_WEIGHTS[i];
	}
	int c = 31 - sum % 31;
	return USCC_CHARS[c == 31 ? 0 : c];
}

bool donation_uscc_valid(const char *s)
{
	if (strlen(s) != 18)
		return false;
	/* characters 3–8 are the registering authority's division code */
	for (int i = 2; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	char c = donation_uscc_check_char(s);
	return c && c == s[17];
}

char *donation_receipt_no_format(int year, int64_t seq, char *buf, size_t n)
{
	snprintf(buf, n, "%04d-%06lld", year, (long long)seq);
	return buf;
}

bool donation_receipt_no_parse(const char *s, int *year, int64_t *seq)
{
	size_t len = strlen(s);
	if (len < 11 || len > 15 || s[4] != '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (i != 4 && !isdigit((unsigned char)s[i]))
			return false;
	*year = atoi(s);
	*seq = strtoll(s + 5, NULL, 10);
	return *seq > 0;
}

void donation_check_code(const char *key_hex, const char *code, const char *no, const char *issued_on,
			 int64_t amount, const char *payer_name, const char *payer_uscc, char out[11])
{
	unsigned char key[32], h[32];
	size_t klen = 0;
	if (sodium_hex2bin(key, sizeof key, key_hex, strlen(key_hex), NULL, &klen, NULL) != 0)
		klen = 0;
	char msg[1024];
	int n = snprintf(msg, sizeof msg, "%s|%s|%s|%lld|%s|%s", code, no, issued_on, (long long)amount, payer_name,
			 payer_uscc);
	crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1,
			   klen ? key : NULL, klen);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	snprintf(out, 11, "%010llu", (unsigned long long)(v % 10000000000ULL));
	sodium_memzero(key, sizeof key);
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

void donation_tax_individual(int64_t donated, int64_t taxable_income, donation_tax *out)
{
	memset(out, 0, sizeof *out);
	out->donated = donated;
	/* 30% of 应纳税所得额, rounded down to the fen: the law sets a cap, and
	 * rounding up would put a fen over it */
	out->limit = taxable_income > 0 ? taxable_income * 30 / 100 : 0;
	out->current_used = out->deductible_now = min64(donated, out->limit);
	/* the individual income tax law has no carry-forward: the rest is lost */
	out->not_deductible = donated - out->deductible_now;
}

void donation_tax_enterprise(int64_t donated, int64_t profit, const int64_t carry[3], donation_tax *out)
{
	memset(out, 0, sizeof *out);
	out->donated = donated;
	/* 实施条例第五十三条: 12% of 年度利润总额 (accounting profit), rounded
	 * down; a year without profit deducts nothing and carries all */
	out->limit = profit > 0 ? profit * 12 / 100 : 0;
	int64_t room = out->limit;
	/* 财税〔2018〕15号 第二条: carried amounts first, the oldest first, then
	 * the year's own; all share the one 12% cap */
	for (int i = 0; i < 3; i++) {
		out->carry_in[i] = carry[i] > 0 ? carry[i] : 0;
		out->carry_used[i] = min64(out->carry_in[i], room);
		room -= out->carry_used[i];
		out->deductible_now += out->carry_used[i];
	}
	/* the amount from Y-3 has had its three years (Y-2, Y-1, Y): what is
	 * left of it now is lost */
	out->carry_expired = out->carry_in[0] - out->carry_used[0];
	out->carry_out[0] = out->carry_in[1] - out->carry_used[1];
	out->carry_out[1] = out->carry_in[2] - out->carry_used[2];
	out->current_used = min64(donated, room);
	out->deductible_now += out->current_used;
	out->carry_out[2] = donated - out->current_used;
}

static const char *const names[][2] = {
	{"bank_transfer", "银行转账"}, {"wechat_pay", "微信支付"}, {"alipay", "支付宝"}, {"cash", "现金"},
	{"cheque", "支票"},           {"individual", "个人"},      {"enterprise", "企业"}, {"anonymous", "匿名"},
	{"active", "有效"},           {"reversed", "已冲销"},      {"valid", "有效"},      {"void", "已作废"},
};

const char *donation_name_of(const char *code)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], code) == 0)
			return names[i][1];
	return code;
}

bool donation_channel_valid(const char *code)
{
	static const char *const ch[] = {"bank_transfer", "wechat_pay", "alipay", "cash", "cheque"};
	for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++)
		if (strcmp(ch[i], code) == 0)
			return true;
	return false;
}

/* "2026-03-05" → "2026年3月5日", for letters and receipts. */
static char *date_cn(const char *iso, char *buf, size_t n)
{
	int y, m, d;
	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
		snprintf(buf, n, "%d年%d月%d日", y, m, d);
	else
		snprintf(buf, n, "%s", iso);
	return buf;
}

static char *today(int64_t now, char *buf, size_t n)
{
	return hm_date_format(hm_day_of(now), buf, n);
}

/* ---- donors ----------------------------------------------------------------- */

const char *donation_donor_display(const donation_donor *d)
{
	return strcmp(d->kind, "anonymous") == 0 || !d->name[0] ? "匿名" : d->name;
}

static void donor_canonical(const donation_donor *d, char *buf, size_t n)
{
	snprintf(buf, n, "donor|%lld|%s|%s|%s|%s|%s|%s|%d|%d|%s", (long long)d->id, d->kind, d->name, d->uscc,
		 d->contact_name, d->phone, d->address, d->publish_name, d->publish_amount, d->note);
}

static hm_err phone_check(const char *p, hm_error *e)
{
	size_t len = strlen(p), digits = 0;
	if (!len)
		return HM_OK;
	for (size_t i = 0; i < len; i++) {
		if (isdigit((unsigned char)p[i]))
			digits++;
		else if (!(p[i] == ' ' || p[i] == '-' || (p[i] == '+' && i == 0)))
			return hm_fail(e, HM_E_DONOR_PHONE, "phone");
	}
	return digits >= 7 && len <= 20 ? HM_OK : hm_fail(e, HM_E_DONOR_PHONE, "phone");
}

static hm_err donor_validate(donation_donor *d, hm_error *e)
{
	bool ent = strcmp(d->kind, "enterprise") == 0, anon = strcmp(d->kind, "anonymous") == 0;
	if (!ent && !anon && strcmp(d->kind, "individual") != 0)
		return hm_fail(e, HM_E_DONOR_KIND, "kind");
	if (!anon && !d->name[0])
		return hm_fail(e, HM_E_DONOR_NAME, "name");
	if (ent) {
		/* people type the code in lower case; the standard is upper case */
		for (char *p = d->uscc; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (!donation_uscc_valid(d->uscc))
			return hm_fail(e, HM_E_DONOR_USCC, "uscc");
	} else if (d->uscc[0]) {
		return hm_failf(e, HM_E_BAD_VALUE, "uscc", "只有企业捐赠人填写统一社会信用代码");
	}
	if (anon && d->publish_name)
		return hm_failf(e, HM_E_BAD_VALUE, "publish_name", "匿名捐赠人的姓名不公开");
	return phone_check(d->phone, e);
}

hm_err donation_donor_create(const donation_ctx *c, donation_donor *in, hm_error *e)
{
	hm_err err = donor_validate(in, e);
	if (err || (err = donation_db_donor_insert(c->db, c->user->id, c->now, in, e)))
		return err;
	donation_donor saved;
	if ((err = donation_db_donor_get(c->db, in->id, &saved, e)))
		return err;
	*in = saved;
	char buf[2048];
	donor_canonical(&saved, buf, sizeof buf);
	char detail[64];
	snprintf(detail, sizeof detail, "{\"kind\":\"%s\"}", saved.kind);
	return audit_append(c->db, c->now, c->user->id, "donor.create", "donor", saved.id, NULL, buf, detail, e);
}

hm_err donation_donor_update(const donation_ctx *c, int64_t id, donation_donor *in, hm_error *e)
{
	donation_donor old;
	hm_err err = donation_db_donor_get(c->db, id, &old, e);
	if (err)
		return err;
	donation_donor d = old;
	COPY(d.contact_name, in->contact_name);
	COPY(d.phone, in->phone);
	COPY(d.address, in->address);
	COPY(d.note, in->note);
	d.publish_name = in->publish_name;
	d.publish_amount = in->publish_amount;
	if ((err = donor_validate(&d, e)) || (err = donation_db_donor_update(c->db, c->now, &d, e)) ||
	    (err = donation_db_donor_get(c->db, id, in, e)))
		return err;
	char a[2048], b[2048];
	donor_canonical(&old, a, sizeof a);
	donor_canonical(in, b, sizeof b);
	return audit_append(c->db, c->now, c->user->id, "donor.update", "donor", id, a, b, NULL, e);
}

hm_err donation_donor_get(const donation_ctx *c, int64_t id, donation_donor *out, hm_error *e)
{
	return donation_db_donor_get(c->db, id, out, e);
}

hm_err donation_donor_list(const donation_ctx *c, const donation_donor_filter *f, donation_donor_visit visit,
			   void *arg, int64_t *total, hm_error *e)
{
	return donation_db_donor_list(c->db, f, visit, arg, total, e);
}

/* ---- donations -------------------------------------------------------------- */

static void donation_canonical(const donation *d, char *buf, size_t n)
{
	snprintf(buf, n, "donation|%lld|%lld|%lld|%s|%s|%s|%s|%s|%lld|%lld|%s", (long long)d->id,
		 (long long)d->donor_id, (long long)d->amount, d->received_on, d->channel, d->bank_ref, d->note,
		 d->status, (long long)d->entry_id, (long long)d->reversal_entry_id, d->reversal_reason);
}

static const char *income_account(const char *kind)
{
	if (strcmp(kind, "enterprise") == 0)
		return DONATION_ACCOUNT_ENTERPRISE;
	if (strcmp(kind, "anonymous") == 0)
		return DONATION_ACCOUNT_ANONYMOUS;
	return DONATION_ACCOUNT_INDIVIDUAL;
}

static hm_err donation_validate(const donation_ctx *c, donation *d, hm_error *e)
{
	if (d->amount <= 0 || d->amount > MONEY_MAX_FEN)
		return hm_fail(e, HM_E_BAD_MONEY, "amount");
	if (!donation_channel_valid(d->channel))
		return hm_fail(e, HM_E_DONATION_CHANNEL, "channel");
	int32_t day, first;
	hm_err err = hm_date_parse(d->received_on, &day, e, "received_on");
	if (err)
		return err;
	hm_date_parse(DONATION_FIRST_DAY, &first, NULL, NULL);
	if (day > hm_day_of(c->now) || day < first)
		return hm_fail(e, HM_E_DONATION_DATE, "received_on");
	/* references are what the bank statement prints: letters, digits and a
	 * few separators; anything else is a typing accident */
	for (const char *p = d->bank_ref; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_/.", *p))
			return hm_failf(e, HM_E_BAD_VALUE, "bank_ref", "流水号只能包含字母、数字和 - _ / .");
	if (!d->bank_ref[0] && strcmp(d->channel, "cash") != 0)
		return hm_fail(e, HM_E_DONATION_REF_REQUIRED, "bank_ref");
	const donation_settings *s = donation_settings_get();
	if (d->purpose[0] && strcmp(d->purpose, "children_care_fund") != 0 && strcmp(d->purpose, s->purpose) != 0)
		return hm_fail(e, HM_E_DONATION_PURPOSE, "purpose");
	COPY(d->purpose, s->purpose);
	return HM_OK;
}

hm_err donation_create(const donation_ctx *c, donation *in, hm_error *e)
{
	donation_donor donor;
	hm_err err = donation_db_donor_get(c->db, in->donor_id, &donor, e);
	if (err)
		return hm_fail(e, err, "donor_id");
	if ((err = donation_validate(c, in, e)))
		return err;
	bool taken = false;
	if (in->bank_ref[0] && (err = donation_db_ref_taken(c->db, in->bank_ref, &taken, e)))
		return err;
	if (taken)
		return hm_failf(e, HM_E_DONATION_DUP_REF, "bank_ref", "流水号 %s 已登记过一笔有效捐赠，疑似重复录入", in->bank_ref);
	if ((err = donation_db_insert(c->db, c->user->id, c->now, in, e)))
		return err;
	/* the memo names no donor: the journal is exported (hledger) and
	 * disclosed in summaries, and a donor's name is theirs to publish */
	char memo[128];
	snprintf(memo, sizeof memo, "捐赠收入 #%lld（%s，%s）", (long long)in->id, donation_name_of(donor.kind),
		 donation_name_of(in->channel));
	ledger_line lines[] = {{LEDGER_BANK, in->amount}, {income_account(donor.kind), -in->amount}};
	int64_t entry;
	if ((err = ledger_post(c->db, c->now, memo, "donation", in->id, 0, c->user->id, lines, 2, &entry, e)) ||
	    (err = donation_db_set_entry(c->db, in->id, entry, e)))
		return err;
	donation saved;
	if ((err = donation_db_get(c->db, in->id, &saved, e)))
		return err;
	*in = saved;
	char buf[2048], detail[96];
	donation_canonical(&saved, buf, sizeof buf);
	snprintf(detail, sizeof detail, "{\"amount\":%lld,\"entry_id\":%lld}", (long long)saved.amount, (long long)entry);
	return audit_append(c->db, c->now, c->user->id, "donation.create", "donation", saved.id, NULL, buf, detail, e);
}

hm_err donation_get(const donation_ctx *c, int64_t id, donation *out, hm_error *e)
{
	return donation_db_get(c->db, id, out, e);
}

hm_err donation_reverse(const donation_ctx *c, int64_t id, const char *reason, donation *out, hm_error *e)
{
	donation d;
	hm_err err = donation_db_get(c->db, id, &d, e);
	if (err)
		return err;
	if (strcmp(d.status, "reversed") == 0)
		return hm_fail(e, HM_E_DONATION_REVERSED, NULL);
	/* a receipt still out could be used for a tax deduction of money the
	 * fund no longer books: it must be recovered and voided first */
	if (d.receipt_id)
		return hm_failf(e, HM_E_DONATION_RECEIPTED, NULL, "该捐赠已开具有效票据 %s，请先收回并作废票据再冲销",
				d.receipt_no);
	char old[2048];
	donation_canonical(&d, old, sizeof old);
	char memo[128];
	snprintf(memo, sizeof memo, "冲销捐赠 #%lld", (long long)id);
	ledger_line lines[] = {{income_account(d.donor_kind), d.amount}, {LEDGER_BANK, -d.amount}};
	int64_t entry;
	/* ledger_post refuses a reversal the bank can no longer cover */
	if ((err = ledger_post(c->db, c->now, memo, "donation_reversal", id, 0, c->user->id, lines, 2, &entry, e)) ||
	    (err = donation_db_mark_reversed(c->db, id, entry, reason, c->now, c->user->id, e)) ||
	    (err = donation_db_get(c->db, id, &d, e)))
		return err;
	char now_text[2048], detail[96];
	donation_canonical(&d, now_text, sizeof now_text);
	snprintf(detail, sizeof detail, "{\"amount\":%lld,\"entry_id\":%lld}", (long long)d.amount, (long long)entry);
	if ((err = audit_append(c->db, c->now, c->user->id, "donation.reverse", "donation", id, old, now_text, detail, e)))
		return err;
	if (out)
		*out = d;
	return HM_OK;
}

hm_err donation_list(const donation_ctx *c, const donation_filter *f, donation_visit visit, void *arg,
		     int64_t *total, hm_error *e)
{
	return donation_db_list(c->db, f, visit, arg, total, e);
}

/* ---- receipts ---------------------------------------------------------------- */

static void receipt_canonical(const donation_receipt *r, char *buf, size_t n)
{
	snprintf(buf, n, "receipt|%lld|%s|%s|%s|%lld|%s|%s|%lld|%s|%s|%s|%s|%s|%lld", (long long)r->id, r->no, r->code,
		 r->check_code, (long long)r->donation_id, r->payer_name, r->payer_uscc, (long long)r->amount,
		 r->issued_on, r->handler_name, r->remarks, r->status, r->void_reason, (long long)r->replaces_id);
}

static hm_err receipt_audit(const donation_ctx *c, const char *action, const donation_receipt *old,
			    const donation_receipt *now_r, hm_error *e)
{
	char a[4096], b[4096], detail[128];
	if (old)
		receipt_canonical(old, a, sizeof a);
	receipt_canonical(now_r, b, sizeof b);
	snprintf(detail, sizeof detail, "{\"no\":\"%s\",\"donation_id\":%lld}", now_r->no, (long long)now_r->donation_id);
	return audit_append(c->db, c->now, c->user->id, action, "receipt", now_r->id, old ? a : NULL, b, detail, e);
}

/* Issue a receipt for donation_id under the next number; replaces links a
 * reissue to the voided receipt (0 for none). */
static hm_err receipt_new(const donation_ctx *c, int64_t donation_id, int64_t replaces, const char *remarks,
			  donation_receipt *out, hm_error *e)
{
	donation d;
	hm_err err = donation_db_get(c->db, donation_id, &d, e);
	if (err)
		return err;
	if (strcmp(d.status, "reversed") == 0)
		return hm_failf(e, HM_E_DONATION_REVERSED, NULL, "该捐赠已冲销，不能开具票据");
	if (d.receipt_id)
		return hm_failf(e, HM_E_RECEIPT_EXISTS, NULL, "该捐赠已开具有效票据 %s，不能重复开具", d.receipt_no);
	donation_donor donor;
	if ((err = donation_db_donor_get(c->db, d.donor_id, &donor, e)))
		return err;
	const donation_settings *s = donation_settings_get();
	donation_receipt r;
	memset(&r, 0, sizeof r);
	int m, dd;
	hm_day_ymd(hm_day_of(c->now), &r.year, &m, &dd);
	if ((err = donation_db_receipt_next_seq(c->db, r.year, &r.seq, e)))
		return err;
	donation_receipt_no_format(r.year, r.seq, r.no, sizeof r.no);
	COPY(r.code, s->receipt_code);
	r.donation_id = donation_id;
	COPY(r.payer_name, donation_donor_display(&donor));
	COPY(r.payer_uscc, donor.uscc);
	r.amount = d.amount;
	today(c->now, r.issued_on, sizeof r.issued_on);
	COPY(r.handler_name, c->user->display_name);
	COPY(r.remarks, remarks);
	r.replaces_id = replaces;
	char key[65];
	if ((err = donation_db_key(c->db, key, e)))
		return err;
	donation_check_code(key, r.code, r.no, r.issued_on, r.amount, r.payer_name, r.payer_uscc, r.check_code);
	sodium_memzero(key, sizeof key);
	if ((err = donation_db_receipt_insert(c->db, c->user->id, c->now, &r, e)) ||
	    (err = donation_db_receipt_get(c->db, r.id, out, e)))
		return err;
	return receipt_audit(c, replaces ? "receipt.reissue" : "receipt.issue", NULL, out, e);
}

hm_err donation_receipt_issue(const donation_ctx *c, int64_t donation_id, const char *remarks,
			      donation_receipt *out, hm_error *e)
{
	return receipt_new(c, donation_id, 0, remarks, out, e);
}

hm_err donation_receipt_void(const donation_ctx *c, int64_t id, const char *reason, donation_receipt *out,
			     hm_error *e)
{
	donation_receipt old;
	hm_err err = donation_db_receipt_get(c->db, id, &old, e);
	if (err)
		return err;
	if (strcmp(old.status, "void") == 0)
		return hm_fail(e, HM_E_RECEIPT_VOID, NULL);
	if ((err = donation_db_receipt_void(c->db, id, reason, c->now, c->user->id, e)) ||
	    (err = donation_db_receipt_get(c->db, id, out, e)))
		return err;
	return receipt_audit(c, "receipt.void", &old, out, e);
}

hm_err donation_receipt_reissue(const donation_ctx *c, int64_t id, const char *reason, const char *remarks,
				donation_receipt *out, hm_error *e)
{
	donation_receipt old;
	hm_err err = donation_db_receipt_get(c->db, id, &old, e);
	if (err)
		return err;
	if (old.replaced_by_id)
		return hm_failf(e, HM_E_RECEIPT_EXISTS, NULL, "该票据已重开为 %s", old.replaced_by_no);
	if (strcmp(old.status, "valid") == 0) {
		donation_receipt voided;
		if ((err = donation_receipt_void(c, id, reason, &voided, e)))
			return err;
	}
	return receipt_new(c, old.donation_id, id, remarks[0] ? remarks : old.remarks, out, e);
}

hm_err donation_receipt_get(const donation_ctx *c, int64_t id, donation_receipt *out, hm_error *e)
{
	return donation_db_receipt_get(c->db, id, out, e);
}

hm_err donation_receipt_list(const donation_ctx *c, const donation_receipt_filter *f, donation_receipt_visit visit,
			     void *arg, int64_t *total, hm_error *e)
{
	return donation_db_receipt_list(c->db, f, visit, arg, total, e);
}

/* One part (联) of a receipt on its own page, 241 × 140 mm — the width of
 * the continuous forms receipt printers take. */
#define RC_W 241.0
#define RC_H 140.0

static void receipt_part(pdf_doc *d, const donation_receipt *r, const donation *dn, const char *part, int64_t print_n)
{
	const donation_settings *s = donation_settings_get();
	char fig[40], cap[128], date[32], line[1400];
	money_format_display(r->amount, fig, sizeof fig);
	if (money_to_chinese(r->amount, cap, sizeof cap) != HM_OK)
		COPY(cap, "");
	pdf_text(d, 15, 10, RC_W - 30, 20, PDF_CENTER | PDF_BOLD | PDF_SERIF, s->receipt_name);
	snprintf(line, sizeof line, "（%s）", part);
	pdf_text(d, 15, 21, RC_W - 30, 10, PDF_CENTER, line);
	if (print_n > 1) {
		snprintf(line, sizeof line, "补打（第 %lld 次打印）", (long long)print_n);
		pdf_text(d, RC_W - 75, 12, 60, 10, PDF_RIGHT | PDF_RED | PDF_BOLD, line);
	}
	snprintf(line, sizeof line, "票据代码：%s", r->code);
	pdf_text(d, 15, 30, 80, 9.5, PDF_LEFT, line);
	snprintf(line, sizeof line, "票据号码：%s", r->no);
	pdf_text(d, 95, 30, 70, 9.5, PDF_LEFT, line);
	snprintf(line, sizeof line, "校验码：%s", r->check_code);
	pdf_text(d, 165, 30, 61, 9.5, PDF_LEFT, line);
	snprintf(line, sizeof line, "开票日期：%s", date_cn(r->issued_on, date, sizeof date));
	pdf_text(d, 15, 36, 100, 9.5, PDF_LEFT, line);

	/* the table: label column 45 mm, value column the rest */
	const double x0 = 15, x1 = 60, x2 = RC_W - 15, y0 = 43, rh = 10;
	const char *rows[7][2];
	char payer_uscc[64], purpose[192], received[128];
	snprintf(payer_uscc, sizeof payer_uscc, "%s", r->payer_uscc[0] ? r->payer_uscc : "—");
	COPY(purpose, s->purpose);
	snprintf(received, sizeof received, "%s到账，%s%s%s", date_cn(r->received_on, date, sizeof date),
		 donation_name_of(dn->channel), dn->bank_ref[0] ? "，流水号 " : "", dn->bank_ref);
	rows[0][0] = "捐赠人（交款人）";
	rows[0][1] = r->payer_name;
	rows[1][0] = "统一社会信用代码";
	rows[1][1] = payer_uscc;
	rows[2][0] = "项目名称 / 用途";
	rows[2][1] = purpose;
	rows[3][0] = "捐赠项目";
	rows[3][1] = "捐赠（货币资金）";
	rows[4][0] = "金额（小写）";
	rows[4][1] = fig;
	rows[5][0] = "金额（大写）";
	rows[5][1] = cap;
	rows[6][0] = "备注";
	snprintf(line, sizeof line, "%s%s%s", received, r->remarks[0] ? "；" : "", r->remarks);
	rows[6][1] = line;
	pdf_rect(d, x0, y0, x2 - x0, rh * 7, 1.0);
	pdf_line(d, x1, y0, x1, y0 + rh * 7, 0.6);
	for (int i = 0; i < 7; i++) {
		if (i)
			pdf_line(d, x0, y0 + rh * i, x2, y0 + rh * i, 0.6);
		pdf_text(d, x0 + 2, y0 + rh * i + 2.5, x1 - x0 - 4, 9.5, PDF_BOLD, rows[i][0]);
		pdf_text(d, x1 + 3, y0 + rh * i + (i == 6 ? 1.2 : 2.5), x2 - x1 - 6, i == 6 ? 8 : 10, PDF_LEFT, rows[i][1]);
	}
	snprintf(line, sizeof line, "收款单位（盖章）：%s", s->issuer);
	pdf_text(d, 15, y0 + rh * 7 + 5, 120, 10, PDF_LEFT, line);
	snprintf(line, sizeof line, "经办人：%s", r->handler_name);
	pdf_text(d, 150, y0 + rh * 7 + 5, 76, 10, PDF_LEFT, line);
	pdf_text(d, 15, RC_H - 12, RC_W - 30, 7.5, PDF_LEFT,
		 "本票据依据《中华人民共和国慈善法》第三十八条、《公益事业捐赠票据使用管理暂行办法》开具，电子票据与纸质票据具有同等法律效力。");
	if (strcmp(r->status, "void") == 0) {
		pdf_stamp(d, RC_W / 2, 78, 48, -20, "作废");
		snprintf(line, sizeof line, "作废原因：%s", r->void_reason);
		pdf_text(d, 15, RC_H - 18, RC_W - 30, 8, PDF_RED, line);
	}
	if (print_n > 1)
		pdf_stamp(d, RC_W - 40, 100, 26, -12, "补打");
}

hm_err donation_receipt_print(const donation_ctx *c, int64_t id, char **pdf, size_t *len, hm_error *e)
{
	*pdf = NULL;
	*len = 0;
	donation_receipt r;
	donation dn;
	int64_t n;
	hm_err err = donation_db_receipt_get(c->db, id, &r, e);
	if (err || (err = donation_db_get(c->db, r.donation_id, &dn, e)) ||
	    (err = donation_db_print_add(c->db, id, c->now, c->user->id, &n, e)))
		return err;
	char detail[128];
	snprintf(detail, sizeof detail, "{\"no\":\"%s\",\"print\":%lld,\"reprint\":%s,\"status\":\"%s\"}", r.no, (long long)n,
		 n > 1 ? "true" : "false", r.status);
	if ((err = audit_append(c->db, c->now, c->user->id, "receipt.print", "receipt", id, NULL, NULL, detail, e)))
		return err;
	char title[96];
	snprintf(title, sizeof title, "公益事业捐赠票据 %s", r.no);
	pdf_doc *d = pdf_new(RC_W, RC_H, title, e);
	if (!d)
		return e->err;
	static const char *const parts[] = {"第一联 存根联", "第二联 捐赠人联", "第三联 会计联"};
	for (int i = 0; i < 3; i++) {
		if (i)
			pdf_page_next(d);
		receipt_part(d, &r, &dn, parts[i], n);
	}
	err = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	return err;
}

/* ---- acknowledgment -------------------------------------------------------- */

hm_err donation_thanks_pdf(const donation_ctx *c, int64_t id, char **pdf, size_t *len, hm_error *e)
{
	*pdf = NULL;
	*len = 0;
	donation dn;
	donation_donor donor;
	hm_err err = donation_db_get(c->db, id, &dn, e);
	if (err || (err = donation_db_donor_get(c->db, dn.donor_id, &donor, e)))
		return err;
	if (strcmp(dn.status, "reversed") == 0)
		return hm_failf(e, HM_E_DONATION_REVERSED, NULL, "该捐赠已冲销，不能出具感谢信");
	const donation_settings *s = donation_settings_get();
	char fig[40], cap[128], got[32], now_iso[16], now_cn[32], buf[2048];
	money_format_display(dn.amount, fig, sizeof fig);
	if (money_to_chinese(dn.amount, cap, sizeof cap) != HM_OK)
		COPY(cap, "");
	date_cn(dn.received_on, got, sizeof got);
	date_cn(today(c->now, now_iso, sizeof now_iso), now_cn, sizeof now_cn);
	pdf_doc *d = pdf_new(210, 297, "感谢信", e);
	if (!d)
		return e->err;
	pdf_text(d, 20, 30, 170, 26, PDF_CENTER | PDF_BOLD | PDF_SERIF, "感谢信");
	bool anon = strcmp(donor.kind, "anonymous") == 0 || !donor.name[0];
	snprintf(buf, sizeof buf, "尊敬的%s：", anon ? "爱心人士" : donor.name);
	double y = 55;
	y += pdf_text(d, 25, y, 160, 13, PDF_SERIF, buf) + 5;
	snprintf(buf, sizeof buf,
		 "　　您于%s通过%s向%s“%s”捐赠人民币%s（大写：%s）。善款已全部到账，将专项用于帮扶我市社会散居孤儿、"
		 "事实无人抚养儿童、留守儿童等困境儿童的生活、重大疾病、教育和康复，并为他们提供心理关爱、法律援助和家庭教育等服务。",
		 got, donation_name_of(dn.channel), s->issuer, s->purpose, fig, cap);
	y += pdf_text(d, 25, y, 160, 13, PDF_SERIF, buf) + 4;
	y += pdf_text(d, 25, y, 160, 13, PDF_SERIF,
		      "　　我们将依照《中华人民共和国慈善法》的规定，按照您指定的用途管理和使用每一笔善款，定期公开基金收支，"
		      "接受社会监督；您可以随时向我们查询捐赠资金的使用情况。") +
	     4;
	y += pdf_text(d, 25, y, 160, 13, PDF_SERIF, "　　您的善举为孩子们送去了温暖和希望。谨代表受助儿童及其家庭，向您致以衷心的感谢！") + 10;
	y += pdf_text(d, 25, y, 160, 13, PDF_SERIF, "　　此致") + 2;
	y += pdf_text(d, 25, y, 160, 13, PDF_SERIF, "敬礼！") + 25;
	y += pdf_text(d, 25, y, 160, 13, PDF_RIGHT | PDF_SERIF, s->issuer) + 3;
	pdf_text(d, 25, y, 160, 13, PDF_RIGHT | PDF_SERIF, now_cn);
	if (dn.receipt_id) {
		snprintf(buf, sizeof buf, "捐赠票据号码：%s", dn.receipt_no);
		pdf_text(d, 25, 270, 160, 9, PDF_LEFT, buf);
	}
	err = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	return err;
}

hm_err donation_honour_roll(hm_db *db, int year, donation_honour_visit visit, void *arg, int64_t *total,
			    int64_t *count, hm_error *e)
{
	return donation_db_honour(db, year, visit, arg, total, count, e);
}

/* ---- tax helper -------------------------------------------------------------- */

hm_err donation_tax_get(const donation_ctx *c, int64_t donor_id, const donation_tax_query *q, donation_donor *donor,
			donation_tax *out, donation_receipt_line visit, void *arg, hm_error *e)
{
	hm_err err = donation_db_donor_get(c->db, donor_id, donor, e);
	if (err)
		return err;
	if (strcmp(donor->kind, "anonymous") == 0)
		return hm_fail(e, HM_E_TAX_ANONYMOUS, NULL);
	bool ent = strcmp(donor->kind, "enterprise") == 0;
	if (ent && !q->enterprise_basis)
		return hm_failf(e, HM_E_BAD_QUERY, "accounting_profit", "企业捐赠人请提供 accounting_profit（年度会计利润总额，分）");
	if (!ent && q->enterprise_basis)
		return hm_failf(e, HM_E_BAD_QUERY, "taxable_income", "个人捐赠人请提供 taxable_income（应纳税所得额，分）");
	int64_t sum;
	if ((err = donation_db_tax_receipts(c->db, donor_id, q->year, visit, arg, &sum, e)))
		return err;
	if (ent)
		donation_tax_enterprise(sum, q->base, q->carry, out);
	else
		donation_tax_individual(sum, q->base, out);
	return HM_OK;
}
