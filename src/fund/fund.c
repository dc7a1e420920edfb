/* The fund's rules and operations: catalogue, eligibility, the state
 * machine, clocks, and the steps from intake to payment. SQL lives in
 * fund_db.c; this file decides what is allowed and what it means. */
#include "fund/fund.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/embedded.h"
#include "core/hmtime.h"
#include "core/ledger.h"
#include "core/money.h"
#include "fund/fund_db.h"

/* ---- catalogue -------------------------------------------------------- */

static fund_item items[3][16];
static size_t nitems[3];
static pthread_once_t catalog_once = PTHREAD_ONCE_INIT;

static void catalog_load(void)
{
	const struct hm_embedded_file *f = hm_embedded_find("data/fund_catalog.tsv");
	if (!f)
		abort();
	const char *p = (const char *)f->data;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024], kind[16];
		fund_item it;
		int max_age, needs, sens;
		memset(&it, 0, sizeof it);
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (eol ? 1 : 0);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "%15[^\t]\t%31[^\t]\t%63[^\t]\t%d\t%d\t%d\t%399[^\n]", kind, it.code, it.name, &max_age,
			   &needs, &sens, it.extra) != 7)
			abort(); /* the catalogue is built into the binary and tested */
		it.max_age = max_age;
		it.needs_household = needs;
		it.sensitive = sens;
		int k = strcmp(kind, "category") == 0 ? FUND_CATEGORY : strcmp(kind, "aid") == 0 ? FUND_AID : FUND_SERVICE;
		if (nitems[k] < 16)
			items[k][nitems[k]++] = it;
	}
}

const fund_item *fund_catalog(fund_item_kind kind, size_t *n)
{
	pthread_once(&catalog_once, catalog_load);
	*n = nitems[kind];
	return items[kind];
}

const fund_item *fund_item_find(fund_item_kind kind, const char *code)
{
	size_t n;
	const fund_item *it = fund_catalog(kind, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(it[i].code, code) == 0)
			return &it[i];
	return NULL;
}

static const char *const status_codes[] = {"submitted", "returned", "accepted", "reviewed",
					   "approved", "rejected", "paid", NULL};
static const char *const status_names[] = {"已提交", "退回补正", "审核中", "初审通过", "已审批", "不予帮扶", "已发放"};

const char *fund_status_name(const char *status)
{
	for (int i = 0; status_codes[i]; i++)
		if (strcmp(status_codes[i], status) == 0)
			return status_names[i];
	return status;
}

const char *const *fund_statuses(void)
{
	return status_codes;
}

/* ---- pure rules ------------------------------------------------------- */

char *fund_mask_phone(const char *phone, char *buf, size_t n)
{
	size_t len = strlen(phone);
	if (len < 7) {
		snprintf(buf, n, "%s", len ? "****" : "");
		return buf;
	}
	snprintf(buf, n, "%.3s****%s", phone, phone + len - 4);
	return buf;
}

bool fund_phone_valid(const char *p)
{
	size_t n = strlen(p);
	/* a mobile number: 1, then 3–9, then nine digits */
	if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' && strspn(p, "0123456789") == 11)
		return true;
	/* a landline with its area code: 0NN(N)-NNNNNNN(N), the dash optional */
	size_t area = strspn(p, "0123456789");
	if (p[0] != '0' || area < 3)
		return false;
	if (p[area] == '-') {
		size_t local = strspn(p + area + 1, "0123456789");
		return area <= 4 && (local == 7 || local == 8) && p[area + 1 + local] == '\0';
	}
	return p[area] == '\0' && n >= 10 && n <= 12;
}

static bool household_valid(const fund_child *ch, int32_t today)
{
	if (strcmp(ch->household_status, "none") == 0)
		return false;
	int32_t from, to;
	if (hm_date_parse(ch->household_cert_from, &from, NULL, NULL) || hm_date_parse(ch->household_cert_to, &to, NULL, NULL))
		return false;
	return from <= today && today <= to;
}

hm_err fund_eligibility(const fund_child *ch, const hm_divisions *div, int32_t today, hm_error *e)
{
	if (!divisions_is_zaozhuang_county(div, ch->hukou_district))
		return hm_failf(e, HM_E_APP_NOT_ELIGIBLE, "child_id", "不符合帮扶条件：儿童须具有枣庄户籍");
	int32_t birth;
	if (hm_date_parse(ch->birth_date, &birth, NULL, NULL))
		return hm_failf(e, HM_E_APP_NOT_ELIGIBLE, "child_id", "不符合帮扶条件：出生日期无效");
	int age = hm_age_years(birth, today);
	if (ch->ncategories == 0)
		return hm_failf(e, HM_E_APP_NOT_ELIGIBLE, "child_id", "不符合帮扶条件：儿童不属于任何帮扶类别");
	const char *why = "年龄超出帮扶类别的范围";
	for (int i = 0; i < ch->ncategories; i++) {
		const fund_item *cat = fund_item_find(FUND_CATEGORY, ch->categories[i]);
		if (!cat)
			continue;
		if (age >= cat->max_age) {
			why = "年龄超出帮扶类别的范围";
			continue;
		}
		if (cat->needs_household && !household_valid(ch, today)) {
			why = "低保或低保边缘家庭证明缺失或已过有效期";
			continue;
		}
		return HM_OK;
	}
	return hm_failf(e, HM_E_APP_NOT_ELIGIBLE, "child_id", "不符合帮扶条件：%s", why);
}

const char *fund_next_status(const char *from, fund_action a, bool emergency)
{
#define IS(s) (strcmp(from, s) == 0)
	switch (a) {
	case FUND_ACCEPT:
		return IS("submitted") ? "accepted" : NULL;
	case FUND_RETURN:
		return IS("submitted") || IS("accepted") || IS("reviewed") ? "returned" : NULL;
	case FUND_RESUBMIT:
		return IS("returned") ? "accepted" : NULL;
	case FUND_REVIEW_PASS:
		return IS("accepted") ? "reviewed" : NULL;
	case FUND_REVIEW_REJECT:
		return IS("accepted") ? "rejected" : NULL;
	case FUND_APPROVE:
		return IS("reviewed") || (emergency && IS("accepted")) ? "approved" : NULL;
	case FUND_REJECT:
		/* the city decides after the district review, except for an
		 * emergency, which it may decide in one step either way */
		return IS("reviewed") || (emergency && IS("accepted")) ? "rejected" : NULL;
	case FUND_PAY:
		return IS("approved") ? "paid" : NULL;
	}
#undef IS
	return NULL;
}

void fund_child_canonical(const fund_child *ch, char *buf, size_t n)
{
	int k = snprintf(buf, n, "child|%lld|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", (long long)ch->id,
			 ch->org_code, ch->name, ch->sex, ch->birth_date, ch->id_number, ch->hukou_district,
			 ch->hukou_evidence, ch->household_status, ch->household_cert_no, ch->household_cert_from,
			 ch->household_cert_to, ch->guardian_name, ch->guardian_relation, ch->guardian_phone,
			 ch->address);
	for (int i = 0; i < ch->ncategories && k > 0 && (size_t)k < n; i++)
		k += snprintf(buf + k, n - (size_t)k, "|%s", ch->categories[i]);
}

void fund_app_canonical(const fund_app *a, char *buf, size_t n)
{
	int k = snprintf(buf, n, "application|%lld|%lld|%s|%s|%s|%s|%d|%s|%s|%lld|%lld|%lld|%lld|%lld|%s|%s",
			 (long long)a->id, (long long)a->child_id, a->org_code, a->applicant_type, a->applicant_name,
			 a->applicant_relation, a->emergency, a->emergency_reason, a->status, (long long)a->clock_start,
			 (long long)a->decision_due, (long long)a->payment_due, (long long)a->decided_at,
			 (long long)a->paid_at, a->review_opinion, a->decision_reason);
	for (int i = 0; i < a->naid && k > 0 && (size_t)k < n; i++)
		k += snprintf(buf + k, n - (size_t)k, "|%s:%lld:%lld", a->aid[i].kind, (long long)a->aid[i].requested,
			      (long long)a->aid[i].approved);
	for (int i = 0; i < a->nservices && k > 0 && (size_t)k < n; i++)
		k += snprintf(buf + k, n - (size_t)k, "|%s", a->services[i]);
}

/* ---- children --------------------------------------------------------- */

/* Check a child's file against the ID number, the catalogue and the
 * household rules; normalises the ID number in place. */
static hm_err child_validate(const fund_ctx *c, fund_child *ch, bool check_id, hm_error *e)
{
	int32_t today = hm_day_of(c->now);
	/* the fields' own form first, then what they say together */
	if (strcmp(ch->sex, "M") != 0 && strcmp(ch->sex, "F") != 0)
		return hm_failf(e, HM_E_BAD_VALUE, "sex", "性别应为 M（男）或 F（女）");
	int32_t birth;
	hm_err err = hm_date_parse(ch->birth_date, &birth, e, "birth_date");
	if (err)
		return err;
	if (check_id) {
		idcard_info id;
		err = idcard_parse(c->div, ch->id_number, today, &id, e, "id_number");
		if (err)
			return err;
		memcpy(ch->id_number, id.number, sizeof id.number);
		char bd[11];
		hm_date_format(id.birth_day, bd, sizeof bd);
		if (strcmp(bd, ch->birth_date) != 0)
			return hm_failf(e, HM_E_CHILD_ID_BIRTH, "birth_date", "出生日期与身份证号码不一致（号码中为 %s）", bd);
		if (ch->sex[0] != id.sex)
			return hm_fail(e, HM_E_CHILD_ID_SEX, "sex");
	}
	if (birth > today)
		return hm_failf(e, HM_E_BAD_DATE, "birth_date", "出生日期不能晚于今天");
	if (!divisions_is_zaozhuang_county(c->div, ch->hukou_district))
		return hm_fail(e, HM_E_CHILD_DISTRICT, "hukou_district");
	if (!fund_phone_valid(ch->guardian_phone))
		return hm_failf(e, HM_E_BAD_VALUE, "guardian_phone",
				"联系电话应为 11 位手机号码或带区号的固定电话（如 0632-3311161）");
	if (ch->ncategories == 0)
		return hm_fail(e, HM_E_CHILD_NO_CATEGORY, "categories");
	for (int i = 0; i < ch->ncategories; i++) {
		if (!fund_item_find(FUND_CATEGORY, ch->categories[i]))
			return hm_failf(e, HM_E_CHILD_CATEGORY, "categories", "帮扶类别 %s 不存在", ch->categories[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(ch->categories[i], ch->categories[j]) == 0)
				return hm_failf(e, HM_E_BAD_VALUE, "categories", "帮扶类别 %s 重复", ch->categories[i]);
	}
	const char *hs = ch->household_status;
	if (strcmp(hs, "none") != 0 && strcmp(hs, "dibao") != 0 && strcmp(hs, "dibao_edge") != 0)
		return hm_failf(e, HM_E_BAD_VALUE, "household_status", "家庭状况应为 none、dibao（低保）或 dibao_edge（低保边缘）");
	bool needs = false;
	for (int i = 0; i < ch->ncategories; i++)
		needs |= fund_item_find(FUND_CATEGORY, ch->categories[i])->needs_household;
	if (strcmp(hs, "none") != 0 || needs) {
		if (strcmp(hs, "none") == 0)
			return hm_failf(e, HM_E_CHILD_CERT, "household_status", "所选类别须为低保或低保边缘家庭");
		int32_t from, to;
		if (!ch->household_cert_no[0])
			return hm_fail(e, HM_E_CHILD_CERT, "household_cert_no");
		if ((err = hm_date_parse(ch->household_cert_from, &from, e, "household_cert_from")) ||
		    (err = hm_date_parse(ch->household_cert_to, &to, e, "household_cert_to")))
			return err;
		if (from > to)
			return hm_failf(e, HM_E_BAD_DATE, "household_cert_to", "证书有效期结束日期不能早于开始日期");
	} else if (ch->household_cert_no[0] || ch->household_cert_from[0] || ch->household_cert_to[0]) {
		return hm_failf(e, HM_E_BAD_VALUE, "household_cert_no", "家庭状况为“无”时不应填写低保证书");
	}
	return HM_OK;
}

static hm_err audit_child(const fund_ctx *c, const char *action, const fund_child *old, const fund_child *new_,
			  hm_error *e)
{
	char a[4096], b[4096];
	if (old)
		fund_child_canonical(old, a, sizeof a);
	if (new_)
		fund_child_canonical(new_, b, sizeof b);
	return audit_append(c->db, c->now, c->user->id, action, "child", new_ ? new_->id : old->id, old ? a : NULL,
			    new_ ? b : NULL, NULL, e);
}

hm_err fund_child_create(const fund_ctx *c, fund_child *in, hm_error *e)
{
	if (!c->user->scope_org_id)
		return hm_fail(e, HM_E_CHILD_OUT_OF_SCOPE, NULL);
	hm_err err = child_validate(c, in, true, e);
	if (err)
		return err;
	if ((err = fund_db_child_insert(c->db, c->user->scope_org_id, c->user->id, c->now, in, e)))
		return err;
	fund_child saved;
	if ((err = fund_db_child_get(c->db, 0, in->id, &saved, e)))
		return err;
	*in = saved;
	return audit_child(c, "child.create", NULL, &saved, e);
}

hm_err fund_child_update(const fund_ctx *c, int64_t id, fund_child *in, hm_error *e)
{
	fund_child old;
	hm_err err = fund_db_child_get(c->db, c->user->scope_org_id, id, &old, e);
	if (err)
		return err;
	in->id = id;
	memcpy(in->id_number, old.id_number, sizeof in->id_number);
	if (!in->guardian_phone[0])
		memcpy(in->guardian_phone, old.guardian_phone, sizeof in->guardian_phone);
	if ((err = child_validate(c, in, false, e)))
		return err;
	/* the ID number fixes birth date and sex for life */
	idcard_info idi;
	if (idcard_parse(c->div, old.id_number, hm_day_of(c->now), &idi, NULL, NULL) == HM_OK) {
		char bd[11];
		hm_date_format(idi.birth_day, bd, sizeof bd);
		if (strcmp(bd, in->birth_date) != 0)
			return hm_failf(e, HM_E_CHILD_ID_BIRTH, "birth_date", "出生日期与身份证号码不一致（号码中为 %s）", bd);
		if (in->sex[0] != idi.sex)
			return hm_fail(e, HM_E_CHILD_ID_SEX, "sex");
	}
	if ((err = fund_db_child_update(c->db, c->now, in, e)))
		return err;
	fund_child saved;
	if ((err = fund_db_child_get(c->db, 0, id, &saved, e)))
		return err;
	*in = saved;
	return audit_child(c, "child.update", &old, &saved, e);
}

hm_err fund_child_get(const fund_ctx *c, int64_t id, fund_child *out, hm_error *e)
{
	return fund_db_child_get(c->db, c->user->scope_org_id, id, out, e);
}

hm_err fund_child_reveal_id(const fund_ctx *c, int64_t id, char out[19], hm_error *e)
{
	fund_child ch;
	hm_err err = fund_db_child_get(c->db, c->user->scope_org_id, id, &ch, e);
	if (err)
		return err;
	memcpy(out, ch.id_number, 19);
	return audit_append(c->db, c->now, c->user->id, "child.view_sensitive", "child", id, NULL, NULL,
			    "{\"field\":\"id_number\"}", e);
}

hm_err fund_child_list(const fund_ctx *c, const fund_child_filter *f, fund_child_visit visit, void *arg,
		       int64_t *total, hm_error *e)
{
	return fund_db_child_list(c->db, c->user->scope_org_id, f, visit, arg, total, e);
}

/* ---- applications ----------------------------------------------------- */

/* The deadline that applies now and whether it has passed. */
static void app_derive(fund_app *a, int64_t now)
{
	a->due = 0;
	bool open = strcmp(a->status, "accepted") == 0 || strcmp(a->status, "reviewed") == 0;
	if (a->emergency && a->payment_due && (open || strcmp(a->status, "approved") == 0))
		a->due = a->payment_due;
	else if (open)
		a->due = a->decision_due;
	a->overdue = a->due && now >= a->due;
}

hm_err fund_app_get(const fund_ctx *c, int64_t id, fund_app *out, hm_error *e)
{
	hm_err err = fund_db_app_get(c->db, c->user->scope_org_id, id, out, e);
	if (!err)
		app_derive(out, c->now);
	return err;
}

hm_err fund_app_create(const fund_ctx *c, fund_app *in, hm_error *e)
{
	if (!c->user->scope_org_id)
		return hm_fail(e, HM_E_CHILD_OUT_OF_SCOPE, NULL);
	fund_child ch;
	hm_err err = fund_db_child_get(c->db, c->user->scope_org_id, in->child_id, &ch, e);
	if (err)
		return hm_fail(e, err, "child_id");
	const char *t = in->applicant_type;
	if (strcmp(t, "self") != 0 && strcmp(t, "guardian") != 0 && strcmp(t, "relative") != 0)
		return hm_fail(e, HM_E_APP_APPLICANT, "applicant_type");
	if (strcmp(t, "self") != 0 && !in->applicant_relation[0])
		return hm_failf(e, HM_E_APP_APPLICANT, "applicant_relation", "请注明申请人与儿童的关系");
	if (!in->applicant_name[0])
		return hm_fail(e, HM_E_APP_APPLICANT, "applicant_name");
	if (in->emergency && !in->emergency_reason[0])
		return hm_fail(e, HM_E_APP_EMERGENCY_REASON, "emergency_reason");
	if (!in->emergency && in->emergency_reason[0])
		return hm_failf(e, HM_E_BAD_VALUE, "emergency_reason", "非紧急申请不应填写紧急情况说明");
	int64_t total = 0;
	for (int i = 0; i < in->naid; i++) {
		if (!fund_item_find(FUND_AID, in->aid[i].kind))
			return hm_failf(e, HM_E_APP_AID_KIND, "aid", "帮扶资金类型 %s 不存在", in->aid[i].kind);
		total += in->aid[i].requested;
	}
	for (int i = 0; i < in->nservices; i++) {
		if (!fund_item_find(FUND_SERVICE, in->services[i]))
			return hm_failf(e, HM_E_APP_SERVICE, "services", "关爱服务类型 %s 不存在", in->services[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(in->services[i], in->services[j]) == 0)
				return hm_failf(e, HM_E_BAD_VALUE, "services", "关爱服务 %s 重复", in->services[i]);
	}
	if (total == 0 && in->nservices == 0)
		return hm_fail(e, HM_E_APP_NO_AID, "aid");
	if ((err = fund_eligibility(&ch, c->div, hm_day_of(c->now), e)))
		return err;
	if ((err = fund_db_app_insert(c->db, c->user->scope_org_id, c->user->id, c->now, in, e)))
		return err;
	if ((err = fund_db_app_event(c->db, in->id, c->now, c->user->id, "create", "", "submitted", "", e)))
		return err;
	fund_app saved;
	if ((err = fund_app_get(c, in->id, &saved, e)))
		return err;
	*in = saved;
	char buf[16384];
	fund_app_canonical(&saved, buf, sizeof buf);
	return audit_append(c->db, c->now, c->user->id, "application.create", "application", saved.id, NULL, buf,
			    "{\"to\":\"submitted\"}", e);
}

static const char *const action_codes[] = {
	[FUND_ACCEPT] = "accept",           [FUND_RETURN] = "return",   [FUND_RESUBMIT] = "resubmit",
	[FUND_REVIEW_PASS] = "review_pass", [FUND_REVIEW_REJECT] = "review_reject",
	[FUND_APPROVE] = "approve",         [FUND_REJECT] = "reject",   [FUND_PAY] = "pay",
};

/* Approved amounts: only kinds that were requested, each >= 0, and some
 * money unless the application asked only for services. */
static hm_err apply_approved(fund_app *a, const fund_aid *approved, int naid, hm_error *e)
{
	int64_t total = 0;
	for (int i = 0; i < a->naid; i++)
		a->aid[i].approved = 0;
	for (int i = 0; i < naid; i++) {
		int k = 0;
		while (k < a->naid && strcmp(a->aid[k].kind, approved[i].kind) != 0)
			k++;
		if (!fund_item_find(FUND_AID, approved[i].kind))
			return hm_failf(e, HM_E_APP_AID_KIND, "approved", "帮扶资金类型 %s 不存在", approved[i].kind);
		if (k == a->naid && approved[i].approved > 0)
			return hm_failf(e, HM_E_APP_AMOUNT, "approved", "未申请%s，不能核定该项金额",
					fund_item_find(FUND_AID, approved[i].kind)->name);
		if (approved[i].approved < 0)
			return hm_fail(e, HM_E_APP_AMOUNT, "approved");
		if (k < a->naid)
			a->aid[k].approved = approved[i].approved;
		if (!money_add(total, approved[i].approved, &total))
			return hm_fail(e, HM_E_APP_AMOUNT, "approved");
	}
	int64_t requested = 0;
	for (int i = 0; i < a->naid; i++)
		requested += a->aid[i].requested;
	if (total == 0 && requested > 0)
		return hm_failf(e, HM_E_APP_AMOUNT, "approved", "请至少核定一项大于零的金额；如不予帮扶请选择“不予帮扶”");
	return HM_OK;
}

static hm_err pay(const fund_ctx *c, fund_app *a, int64_t *entry_id, int64_t *amount, hm_error *e)
{
	ledger_line lines[5];
	size_t n = 0;
	int64_t total = 0;
	for (int i = 0; i < a->naid; i++) {
		if (a->aid[i].approved <= 0)
			continue;
		const fund_item *k = fund_item_find(FUND_AID, a->aid[i].kind);
		lines[n++] = (ledger_line){k->extra, a->aid[i].approved};
		total += a->aid[i].approved;
	}
	if (total == 0)
		return hm_failf(e, HM_E_APP_STATE, NULL, "该申请没有核定金额，无需发放资金");
	lines[n++] = (ledger_line){LEDGER_BANK, -total};
	char memo[96];
	snprintf(memo, sizeof memo, "帮扶资金发放 %s", a->no);
	hm_err err = ledger_post(c->db, c->now, memo, "payment", a->id, a->org_id, c->user->id, lines, n, &a->payment_entry_id, e);
	if (err)
		return err;
	if (entry_id)
		*entry_id = a->payment_entry_id;
	if (amount)
		*amount = total;
	return HM_OK;
}

hm_err fund_app_act(const fund_ctx *c, int64_t id, fund_action act, const char *note, const fund_aid *approved,
		    int naid, fund_app *out, int64_t *entry_id, int64_t *amount, hm_error *e)
{
	fund_app a;
	hm_err err = fund_app_get(c, id, &a, e);
	if (err)
		return err;
	char old[16384];
	fund_app_canonical(&a, old, sizeof old);
	const char *from = a.status;
	const char *to = fund_next_status(from, act, a.emergency);
	if (!to) {
		if ((act == FUND_APPROVE || act == FUND_REJECT) && strcmp(from, "accepted") == 0)
			return hm_failf(e, HM_E_APP_NOT_EMERGENCY, NULL, "申请尚未通过初审；只有紧急申请可以一步审批");
		return hm_failf(e, HM_E_APP_STATE, NULL, "申请当前状态为“%s”，不能执行此操作", fund_status_name(from));
	}
	bool needs_note = act == FUND_RETURN || act == FUND_REJECT || act == FUND_REVIEW_REJECT;
	if (needs_note && !note[0])
		return hm_fail(e, HM_E_APP_REASON, "reason");
	char from_copy[12];
	snprintf(from_copy, sizeof from_copy, "%s", from);
	switch (act) {
	case FUND_ACCEPT:
	case FUND_RESUBMIT: {
		bool est = false;
		a.clock_start = c->now;
		if ((err = calendar_add_workdays(c->cal, c->now, FUND_REVIEW_WORKDAYS, &a.decision_due, &est, e)))
			return err;
		a.estimated = est;
		a.payment_due = 0;
		if (a.emergency && (err = calendar_add_hours(c->now, FUND_EMERGENCY_HOURS, &a.payment_due, e)))
			return err;
		break;
	}
	case FUND_RETURN:
		/* the clock stops; resubmission starts a fresh one */
		a.clock_start = a.decision_due = a.payment_due = 0;
		a.estimated = false;
		break;
	case FUND_REVIEW_PASS:
	case FUND_REVIEW_REJECT:
		snprintf(a.review_opinion, sizeof a.review_opinion, "%s", note);
		if (act == FUND_REVIEW_REJECT) {
			snprintf(a.decision_reason, sizeof a.decision_reason, "%s", note);
			a.decided_at = c->now;
		}
		break;
	case FUND_APPROVE:
		if ((err = apply_approved(&a, approved, naid, e)))
			return err;
		snprintf(a.decision_reason, sizeof a.decision_reason, "%s", note);
		a.decided_at = c->now;
		break;
	case FUND_REJECT:
		snprintf(a.decision_reason, sizeof a.decision_reason, "%s", note);
		a.decided_at = c->now;
		break;
	case FUND_PAY:
		if ((err = pay(c, &a, entry_id, amount, e)))
			return err;
		a.paid_at = c->now;
		break;
	}
	snprintf(a.status, sizeof a.status, "%s", to);
	if ((err = fund_db_app_save(c->db, c->now, &a, c->user->id, act, e)))
		return err;
	if ((err = fund_db_app_event(c->db, id, c->now, c->user->id, action_codes[act], from_copy, to, note, e)))
		return err;
	char now_text[16384], detail[96], action[48];
	fund_app_canonical(&a, now_text, sizeof now_text);
	snprintf(detail, sizeof detail, "{\"from\":\"%s\",\"to\":\"%s\"}", from_copy, to);
	snprintf(action, sizeof action, "application.%s", action_codes[act]);
	if ((err = audit_append(c->db, c->now, c->user->id, action, "application", id, old, now_text, detail, e)))
		return err;
	if (out)
		err = fund_app_get(c, id, out, e);
	return err;
}

struct derive_visit {
	fund_app_visit visit;
	void *arg;
	int64_t now;
};

static void derive_then_visit(const fund_app *a, void *arg)
{
	struct derive_visit *d = arg;
	fund_app copy = *a;
	app_derive(&copy, d->now);
	d->visit(&copy, d->arg);
}

hm_err fund_app_list(const fund_ctx *c, const fund_app_filter *f, fund_app_visit visit, void *arg, int64_t *total,
		     hm_error *e)
{
	struct derive_visit d = {visit, arg, c->now};
	return fund_db_app_list(c->db, c->user->scope_org_id, c->now, f, derive_then_visit, &d, total, e);
}

hm_err fund_app_events(const fund_ctx *c, int64_t id, fund_event_visit visit, void *arg, hm_error *e)
{
	return fund_db_app_events(c->db, id, visit, arg, e);
}

hm_err fund_book_opening(hm_db *db, int64_t at, hm_error *e)
{
	bool exists;
	hm_err err = fund_db_entry_exists(db, "opening", &exists, e);
	if (err || exists)
		return err;
	ledger_line lines[] = {{LEDGER_BANK, FUND_OPENING_FEN}, {LEDGER_OPENING, -FUND_OPENING_FEN}};
	int64_t id;
	if ((err = ledger_post(db, at, "基金起始额度（政府及社会各界注资）", "opening", 0, 0, 0, lines, 2, &id, e)))
		return err;
	return audit_append(db, at, 0, "ledger.opening", "journal_entry", id, NULL, NULL, "{\"amount\":200000000}", e);
}

hm_err fund_balance_get(const fund_ctx *c, fund_balance *out, hm_error *e)
{
	return fund_db_balance(c->db, out, e);
}

hm_err fund_entity_visible(const fund_ctx *c, const char *entity, int64_t id, hm_error *e)
{
	if (strcmp(entity, "child") == 0) {
		fund_child ch;
		return fund_db_child_get(c->db, c->user->scope_org_id, id, &ch, e);
	}
	if (strcmp(entity, "application") == 0) {
		fund_app a;
		return fund_db_app_get(c->db, c->user->scope_org_id, id, &a, e);
	}
	return hm_fail(e, HM_E_AUDIT_NOT_FOUND, "entity");
}

hm_err fund_stats_get(const fund_ctx *c, fund_stats *out, hm_error *e)
{
	memset(out, 0, sizeof *out);
	int y, m, d;
	hm_day_ymd(hm_day_of(c->now), &y, &m, &d);
	/* the last twelve months, oldest first, ending with this one */
	int by = y, bm = m - 11;
	while (bm < 1) {
		bm += 12;
		by--;
	}
	for (int i = 0; i < 12; i++) {
		snprintf(out->monthly[i].month, sizeof out->monthly[i].month, "%04d-%02d", by % 10000, bm % 100);
		if (++bm > 12) {
			bm = 1;
			by++;
		}
	}
	return fund_db_stats(c->db, c->user->scope_org_id, out, e);
}
