/* The rules of care beyond cash: which provider may take which referral,
 * how a referral moves, what a session or visit must say, and how the
 * child's timeline is put in order. SQL lives in care_db.c. */
#include "fund/care.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/hmtime.h"
#include "fund/care_db.h"

/* A session or visit may be recorded a little ahead of the server's clock
 * (a phone's clock runs fast), never a day ahead. */
#define CARE_CLOCK_SLACK 300

static const char *const status_codes[] = {"referred", "in_service", "closed", NULL};
static const char *const status_names[] = {"已转介", "服务中", "已结束"};

const char *care_status_name(const char *status)
{
	for (int i = 0; status_codes[i]; i++)
		if (strcmp(status_codes[i], status) == 0)
			return status_names[i];
	return status;
}

const char *const *care_statuses(void)
{
	return status_codes;
}

bool care_status_allowed(const char *from, const char *to)
{
	/* forward only: a closed case is reopened by a new referral, so that
	 * the record of the first one stays as it was closed */
	if (strcmp(to, "in_service") == 0)
		return strcmp(from, "referred") == 0;
	if (strcmp(to, "closed") == 0)
		return strcmp(from, "referred") == 0 || strcmp(from, "in_service") == 0;
	return false;
}

const char *care_kind_name(const char *kind)
{
	if (strcmp(kind, "org") == 0)
		return "服务机构";
	if (strcmp(kind, "volunteer") == 0)
		return "志愿者";
	return kind;
}

bool care_phone_valid(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n == 0)
		return true;
	if (n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] != '-' && s[i] != ' ' && !(s[i] == '+' && i == 0))
			return false;
	}
	return digits >= 5;
}

/* ---- audit ------------------------------------------------------------ */

/* Care records are audited on the child (or for providers, on the
 * provider), so that one history shows all care given to a child. The
 * canonical text is digested, not stored. */
static hm_err audit_care(const fund_ctx *c, const char *action, const char *entity, int64_t entity_id,
			 const char *old_text, const char *new_text, const char *detail_fmt, int64_t ref_id, hm_error *e)
{
	char detail[128];
	snprintf(detail, sizeof detail, detail_fmt, (long long)ref_id);
	return audit_append(c->db, c->now, c->user->id, action, entity, entity_id, old_text, new_text, detail, e);
}

static void provider_canonical(const care_provider *p, char *buf, size_t n)
{
	int k = snprintf(buf, n, "care_provider|%lld|%s|%s|%s|%s|%s|%s|%s|%d", (long long)p->id, p->org_code, p->name,
			 p->kind, p->contact_name, p->contact_phone, p->address, p->note, p->active);
	for (int i = 0; i < p->nservices && k > 0 && (size_t)k < n; i++)
		k += snprintf(buf + k, n - (size_t)k, "|%s", p->services[i]);
}

static void referral_canonical(const care_referral *r, char *buf, size_t n)
{
	snprintf(buf, n, "care_referral|%lld|%lld|%lld|%lld|%s|%s|%s|%s|%lld|%lld", (long long)r->id,
		 (long long)r->child_id, (long long)r->provider_id, (long long)r->application_id, r->service, r->reason,
		 r->status, r->status_note, (long long)r->started_at, (long long)r->closed_at);
}

/* ---- providers -------------------------------------------------------- */

static hm_err provider_validate(care_provider *p, hm_error *e)
{
	if (strcmp(p->kind, "org") != 0 && strcmp(p->kind, "volunteer") != 0)
		return hm_failf(e, HM_E_BAD_VALUE, "kind", "类型应为 org（服务机构）或 volunteer（志愿者）");
	if (p->nservices == 0)
		return hm_failf(e, HM_E_MISSING_FIELD, "services", "请至少选择一项提供的服务");
	for (int i = 0; i < p->nservices; i++) {
		if (!fund_item_find(FUND_SERVICE, p->services[i]))
			return hm_failf(e, HM_E_PROVIDER_SERVICE, "services", "服务类型 %s 不存在", p->services[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(p->services[i], p->services[j]) == 0)
				return hm_failf(e, HM_E_BAD_VALUE, "services", "服务 %s 重复", p->services[i]);
	}
	if (!care_phone_valid(p->contact_phone))
		return hm_failf(e, HM_E_BAD_VALUE, "contact_phone", "联系电话只能含数字、空格、连字符和开头的 +");
	return HM_OK;
}

hm_err care_provider_create(const fund_ctx *c, care_provider *in, hm_error *e)
{
	/* a provider works with one district federation; city staff oversee */
	if (!c->user->scope_org_id)
		return hm_failf(e, HM_E_FORBIDDEN, NULL, "服务机构和志愿者由区（市）慈善总会登记");
	hm_err err = provider_validate(in, e);
	if (err || (err = care_db_provider_insert(c->db, c->user->scope_org_id, c->user->id, c->now, in, e)))
		return err;
	care_provider saved;
	if ((err = care_db_provider_get(c->db, 0, in->id, &saved, e)))
		return err;
	*in = saved;
	char text[4096];
	provider_canonical(&saved, text, sizeof text);
	return audit_care(c, "care_provider.create", "care_provider", saved.id, NULL, text, "{\"provider_id\":%lld}",
			  saved.id, e);
}

hm_err care_provider_update(const fund_ctx *c, int64_t id, care_provider *in, hm_error *e)
{
	care_provider old;
	hm_err err = care_db_provider_get(c->db, c->user->scope_org_id, id, &old, e);
	if (err || (err = provider_validate(in, e)))
		return err;
	in->id = id;
	if ((err = care_db_provider_update(c->db, c->now, in, e)))
		return err;
	care_provider saved;
	if ((err = care_db_provider_get(c->db, 0, id, &saved, e)))
		return err;
	*in = saved;
	char a[4096], b[4096];
	provider_canonical(&old, a, sizeof a);
	provider_canonical(&saved, b, sizeof b);
	return audit_care(c, "care_provider.update", "care_provider", id, a, b, "{\"provider_id\":%lld}", id, e);
}

hm_err care_provider_get(const fund_ctx *c, int64_t id, care_provider *out, hm_error *e)
{
	return care_db_provider_get(c->db, c->user->scope_org_id, id, out, e);
}

hm_err care_provider_list(const fund_ctx *c, const care_provider_filter *f, care_provider_visit visit, void *arg,
			  int64_t *total, hm_error *e)
{
	return care_db_provider_list(c->db, c->user->scope_org_id, f, visit, arg, total, e);
}

/* ---- referrals -------------------------------------------------------- */

static bool offers(const care_provider *p, const char *service)
{
	for (int i = 0; i < p->nservices; i++)
		if (strcmp(p->services[i], service) == 0)
			return true;
	return false;
}

hm_err care_referral_create(const fund_ctx *c, care_referral *in, hm_error *e)
{
	int64_t scope = c->user->scope_org_id;
	hm_err err = care_db_child(c->db, scope, in->child_id, &in->org_id, e);
	if (err)
		return err;
	if (!fund_item_find(FUND_SERVICE, in->service))
		return hm_fail(e, HM_E_PROVIDER_SERVICE, "service");
	care_provider p;
	if ((err = care_db_provider_get(c->db, scope, in->provider_id, &p, e)))
		return hm_fail(e, err, "provider_id");
	/* the provider must work with the child's own district */
	if (p.org_id != in->org_id)
		return hm_fail(e, HM_E_PROVIDER_NOT_FOUND, "provider_id");
	if (!p.active)
		return hm_fail(e, HM_E_PROVIDER_INACTIVE, "provider_id");
	if (!offers(&p, in->service))
		return hm_failf(e, HM_E_PROVIDER_NOT_OFFERED, "service", "%s不提供%s服务", p.name,
				fund_item_find(FUND_SERVICE, in->service)->name);
	if (in->application_id) {
		int64_t app_child;
		if ((err = care_db_app_child(c->db, scope, in->application_id, &app_child, e)))
			return err;
		if (app_child != in->child_id)
			return hm_fail(e, HM_E_REFERRAL_APP, "application_id");
	}
	bool dup;
	if ((err = care_db_referral_open_exists(c->db, in->child_id, in->provider_id, in->service, &dup, e)))
		return err;
	if (dup)
		return hm_fail(e, HM_E_REFERRAL_DUPLICATE, "provider_id");
	if ((err = care_db_referral_insert(c->db, c->user->id, c->now, in, e)))
		return err;
	care_referral saved;
	if ((err = care_db_referral_get(c->db, 0, in->id, &saved, e)))
		return err;
	*in = saved;
	char text[8192];
	referral_canonical(&saved, text, sizeof text);
	return audit_care(c, "care_referral.create", "child", saved.child_id, NULL, text, "{\"referral_id\":%lld}",
			  saved.id, e);
}

hm_err care_referral_get(const fund_ctx *c, int64_t id, care_referral *out, hm_error *e)
{
	return care_db_referral_get(c->db, c->user->scope_org_id, id, out, e);
}

/* Apply a status change to r in memory; the caller saves and audits. */
static hm_err referral_move(care_referral *r, const char *to, const char *note, int64_t now, hm_error *e)
{
	if (!care_status_allowed(r->status, to)) {
		if (strcmp(to, "in_service") != 0 && strcmp(to, "closed") != 0)
			return hm_failf(e, HM_E_BAD_VALUE, "status", "状态应为 in_service（服务中）或 closed（已结束）");
		return hm_failf(e, HM_E_REFERRAL_STATE, "status", "转介当前状态为“%s”，不能改为“%s”",
				care_status_name(r->status), care_status_name(to));
	}
	if (strcmp(to, "closed") == 0) {
		if (!note[0])
			return hm_fail(e, HM_E_REFERRAL_NOTE, "note");
		r->closed_at = now;
	} else {
		r->started_at = now;
	}
	snprintf(r->status, sizeof r->status, "%s", to);
	snprintf(r->status_note, sizeof r->status_note, "%s", note);
	return HM_OK;
}

hm_err care_referral_set_status(const fund_ctx *c, int64_t id, const char *status, const char *note,
				care_referral *out, hm_error *e)
{
	care_referral r;
	hm_err err = care_db_referral_get(c->db, c->user->scope_org_id, id, &r, e);
	if (err)
		return err;
	char old[8192], now_text[8192], from[12];
	referral_canonical(&r, old, sizeof old);
	snprintf(from, sizeof from, "%s", r.status);
	if ((err = referral_move(&r, status, note, c->now, e)) || (err = care_db_referral_save_status(c->db, c->now, &r, e)))
		return err;
	referral_canonical(&r, now_text, sizeof now_text);
	char detail[128];
	snprintf(detail, sizeof detail, "{\"referral_id\":%lld,\"from\":\"%s\",\"to\":\"%s\"}", (long long)id, from,
		 r.status);
	if ((err = audit_append(c->db, c->now, c->user->id, "care_referral.status", "child", r.child_id, old, now_text,
				detail, e)))
		return err;
	return care_db_referral_get(c->db, 0, id, out, e);
}

hm_err care_referral_list(const fund_ctx *c, const care_referral_filter *f, care_referral_visit visit, void *arg,
			  int64_t *total, hm_error *e)
{
	return care_db_referral_list(c->db, c->user->scope_org_id, f, visit, arg, total, e);
}

/* ---- sessions --------------------------------------------------------- */

hm_err care_session_create(const fund_ctx *c, int64_t referral_id, care_session *in, hm_error *e)
{
	care_referral r;
	hm_err err = care_db_referral_get(c->db, c->user->scope_org_id, referral_id, &r, e);
	if (err)
		return err;
	if (strcmp(r.status, "closed") == 0)
		return hm_failf(e, HM_E_REFERRAL_STATE, NULL, "转介已结束，不能再记录服务；如需继续服务请重新转介");
	if (in->held_at > c->now + CARE_CLOCK_SLACK)
		return hm_fail(e, HM_E_CARE_FUTURE, "held_at");
	/* a session belongs to the referral: not before the day it was made */
	if (hm_day_of(in->held_at) < hm_day_of(r.created_at))
		return hm_failf(e, HM_E_BAD_DATE, "held_at", "服务时间不能早于转介日期");
	in->referral_id = r.id;
	in->child_id = r.child_id;
	in->org_id = r.org_id;
	in->provider_id = r.provider_id;
	if ((err = care_db_session_insert(c->db, c->user->id, c->now, in, e)))
		return err;
	/* the first session shows that the service has begun */
	if (strcmp(r.status, "referred") == 0) {
		char old[8192], now_text[8192];
		referral_canonical(&r, old, sizeof old);
		if ((err = referral_move(&r, "in_service", "", c->now, e)) ||
		    (err = care_db_referral_save_status(c->db, c->now, &r, e)))
			return err;
		referral_canonical(&r, now_text, sizeof now_text);
		char detail[128];
		snprintf(detail, sizeof detail, "{\"referral_id\":%lld,\"from\":\"referred\",\"to\":\"in_service\"}",
			 (long long)r.id);
		if ((err = audit_append(c->db, c->now, c->user->id, "care_referral.status", "child", r.child_id, old,
					now_text, detail, e)))
			return err;
	}
	char text[24000];
	snprintf(text, sizeof text, "care_session|%lld|%lld|%lld|%s|%s", (long long)in->id, (long long)in->referral_id,
		 (long long)in->held_at, in->notes, in->outcome);
	if ((err = audit_care(c, "care_session.create", "child", in->child_id, NULL, text, "{\"session_id\":%lld}", in->id,
			      e)))
		return err;
	care_session saved;
	if ((err = care_db_session_get(c->db, 0, in->id, &saved, e)))
		return err;
	/* the reply to the writer carries no notes: they wrote them, and a
	 * reply is not a view that needs auditing */
	saved.notes[0] = '\0';
	*in = saved;
	return HM_OK;
}

hm_err care_session_get(const fund_ctx *c, int64_t id, care_session *out, hm_error *e)
{
	hm_err err = care_db_session_get(c->db, c->user->scope_org_id, id, out, e);
	if (err)
		return err;
	/* every full view of the notes is on the record, even an empty one:
	 * the viewer could not know there was nothing to see */
	return audit_care(c, "care_session.view_notes", "child", out->child_id, NULL, NULL, "{\"session_id\":%lld}", id,
			  e);
}

hm_err care_session_list(const fund_ctx *c, const care_session_filter *f, care_session_visit visit, void *arg,
			 int64_t *total, hm_error *e)
{
	return care_db_session_list(c->db, c->user->scope_org_id, f, visit, arg, total, e);
}

/* ---- visits ----------------------------------------------------------- */

hm_err care_visit_create(const fund_ctx *c, care_visit *in, hm_error *e)
{
	hm_err err = care_db_child(c->db, c->user->scope_org_id, in->child_id, &in->org_id, e);
	if (err)
		return err;
	if (in->visited_at > c->now + CARE_CLOCK_SLACK)
		return hm_fail(e, HM_E_CARE_FUTURE, "visited_at");
	if (in->follow_up_due[0]) {
		int32_t due;
		if ((err = hm_date_parse(in->follow_up_due, &due, e, "follow_up_due")))
			return err;
		if (due < hm_day_of(in->visited_at))
			return hm_failf(e, HM_E_BAD_DATE, "follow_up_due", "跟进期限不能早于家访日期");
		if (!in->follow_up[0])
			return hm_failf(e, HM_E_MISSING_FIELD, "follow_up", "填写跟进期限时须写明跟进事项");
	}
	if ((err = care_db_visit_insert(c->db, c->user->id, c->now, in, e)))
		return err;
	char text[40000];
	snprintf(text, sizeof text, "care_visit|%lld|%lld|%lld|%s|%s|%s|%s|%s", (long long)in->id, (long long)in->child_id,
		 (long long)in->visited_at, in->visitors, in->people_met, in->findings, in->follow_up, in->follow_up_due);
	if ((err = audit_care(c, "care_visit.create", "child", in->child_id, NULL, text, "{\"visit_id\":%lld}", in->id, e)))
		return err;
	return care_db_visit_get(c->db, 0, in->id, in, e);
}

hm_err care_visit_get(const fund_ctx *c, int64_t id, care_visit *out, hm_error *e)
{
	return care_db_visit_get(c->db, c->user->scope_org_id, id, out, e);
}

hm_err care_visit_list(const fund_ctx *c, const care_visit_filter *f, care_visit_visit visit, void *arg,
		       int64_t *total, hm_error *e)
{
	return care_db_visit_list(c->db, c->user->scope_org_id, f, visit, arg, total, e);
}

/* ---- timeline --------------------------------------------------------- */

static int tl_cmp(const void *pa, const void *pb)
{
	const care_tl_item *a = pa, *b = pb;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	/* same second: an application step before the payment it caused, then
	 * care in the order it was recorded */
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

void care_timeline_sort(care_tl_item *items, size_t n)
{
	/* keys are unique per (kind, seq), so qsort's instability cannot show */
	if (n > 1)
		qsort(items, n, sizeof *items, tl_cmp);
}

struct tl_acc {
	care_tl_item *items;
	size_t n, cap;
	bool oom;
};

static void tl_add(const care_tl_item *it, const char *name, void *arg)
{
	struct tl_acc *a = arg;
	if (a->oom)
		return;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		care_tl_item *p = realloc(a->items, cap * sizeof *p);
		if (!p) {
			a->oom = true;
			return;
		}
		a->items = p;
		a->cap = cap;
	}
	care_tl_item *x = &a->items[a->n++];
	*x = *it;
	/* referral and session items name the provider before their text */
	if (name[0]) {
		/* "name：text" when both fit whole; a cut would split a character */
		static const char sep[] = "：";
		size_t ln = strlen(name), lt = strlen(it->text);
		if (ln + sizeof sep - 1 + lt < sizeof x->text) {
			memcpy(x->text, name, ln);
			memcpy(x->text + ln, sep, sizeof sep - 1);
			memcpy(x->text + ln + sizeof sep - 1, it->text, lt + 1);
			if (!lt)
				x->text[ln] = '\0';
		} else if (ln < sizeof x->text) {
			memcpy(x->text, name, ln + 1);
		}
	}
}

hm_err care_timeline(const fund_ctx *c, int64_t child_id, care_tl_item **items, size_t *n, hm_error *e)
{
	*items = NULL;
	*n = 0;
	int64_t org_id;
	hm_err err = care_db_child(c->db, c->user->scope_org_id, child_id, &org_id, e);
	if (err)
		return hm_fail(e, err, "id");
	struct tl_acc a = {0};
	if ((err = care_db_timeline(c->db, c->user->scope_org_id, child_id, tl_add, &a, e))) {
		free(a.items);
		return err;
	}
	if (a.oom) {
		free(a.items);
		return hm_fail(e, HM_E_INTERNAL, NULL);
	}
	care_timeline_sort(a.items, a.n);
	*items = a.items;
	*n = a.n;
	return HM_OK;
}

hm_err care_entity_visible(const fund_ctx *c, const char *entity, int64_t id, hm_error *e)
{
	if (strcmp(entity, "care_provider") == 0) {
		care_provider p;
		return care_db_provider_get(c->db, c->user->scope_org_id, id, &p, e);
	}
	return hm_fail(e, HM_E_AUDIT_NOT_FOUND, "entity");
}
