/* Handlers of care services, home visits and the child's timeline: parse
 * and check, call one operation, reply. Session notes appear only in the
 * single-session reply (care_session_get audits that view). */
#include "fund/care_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"
#include "fund/attachment.h"
#include "fund/care.h"
#include "http/export.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define END {NULL, 0, false, 0, 0, NULL, 0}

static fund_ctx ctx_of(hm_req *r)
{
	return (fund_ctx){r->db, &r->user, r->now, r->app->calendar, r->app->divisions};
}

static const char *service_name(const char *code)
{
	const fund_item *it = fund_item_find(FUND_SERVICE, code);
	return it ? it->name : code;
}

/* ---- shared list plumbing -------------------------------------------- */

/* An optional positive id in the query; 0 when absent. */
static hm_err query_id(hm_req *r, const char *name, int64_t *out)
{
	const char *s = http_query(r, name);
	*out = 0;
	if (!s)
		return HM_OK;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v <= 0 || s[0] == '+')
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为正整数", name);
	*out = v;
	return HM_OK;
}

/* An optional text in the query, at most max bytes; "" when absent. */
static hm_err query_text(hm_req *r, const char *name, size_t max, const char **out)
{
	const char *s = http_query(r, name);
	*out = s ? s : "";
	if (strlen(*out) > max)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 过长", name);
	return HM_OK;
}

/* from/to dates (YYYY-MM-DD, both days included) as [from, to) seconds. */
static hm_err query_range(hm_req *r, int64_t *from, int64_t *to)
{
	*from = *to = 0;
	const char *f = http_query(r, "from"), *t = http_query(r, "to");
	int32_t d;
	if (f && *f) {
		if (hm_date_parse(f, &d, NULL, NULL))
			return hm_failf(&r->err, HM_E_BAD_QUERY, "from", "查询参数 from 应为日期 YYYY-MM-DD");
		*from = hm_day_start(d);
	}
	if (t && *t) {
		if (hm_date_parse(t, &d, NULL, NULL))
			return hm_failf(&r->err, HM_E_BAD_QUERY, "to", "查询参数 to 应为日期 YYYY-MM-DD");
		*to = hm_day_start(d + 1);
	}
	return HM_OK;
}

static hm_err query_service(hm_req *r, const char **out)
{
	hm_err err = query_text(r, "service", 15, out);
	if (!err && (*out)[0] && !fund_item_find(FUND_SERVICE, *out))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "service", "服务类型 %s 不存在", *out);
	return err;
}

/* A required time field (ISO 8601 with offset, or a date) into *t. */
static hm_err body_time(hm_req *r, const char *field, int64_t *t)
{
	return hm_time_parse(jstr(r->body, field), t, &r->err, field);
}

static json_t *services_json(const char (*codes)[16], int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code", codes[i], "name", service_name(codes[i])));
	return a;
}

/* ---- providers -------------------------------------------------------- */

static const jfield provider_spec[] = {
	{"name", JF_STRING, true, 1, 64, NULL, 0},
	{"kind", JF_STRING, true, 1, 12, NULL, 0},
	{"services", JF_STRING_ARRAY, true, 1, CARE_MAX_SERVICES, NULL, 15},
	{"contact_name", JF_STRING, false, 0, 32, NULL, 0},
	{"contact_phone", JF_STRING, false, 0, 20, NULL, 0},
	{"address", JF_STRING, false, 0, 200, NULL, 0},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	{"active", JF_BOOL, false, 0, 0, NULL, 0},
	END,
};

static void provider_from_json(const json_t *b, care_provider *p)
{
	memset(p, 0, sizeof *p);
	COPY(p->name, jstr(b, "name"));
	COPY(p->kind, jstr(b, "kind"));
	COPY(p->contact_name, jstr(b, "contact_name"));
	COPY(p->contact_phone, jstr(b, "contact_phone"));
	COPY(p->address, jstr(b, "address"));
	COPY(p->note, jstr(b, "note"));
	p->active = jbool(b, "active", true);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(b, "services"), i, v)
	{
		if (p->nservices < CARE_MAX_SERVICES)
			COPY(p->services[p->nservices++], json_string_value(v));
	}
}

static json_t *provider_json(const care_provider *p)
{
	json_t *j = json_pack("{s:I, s:{s:s, s:s}, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:I}", "id",
			      (json_int_t)p->id, "org", "code", p->org_code, "name", p->org_name, "name", p->name, "kind",
			      p->kind, "kind_name", care_kind_name(p->kind), "services",
			      services_json(p->services, p->nservices), "contact_name", p->contact_name,
			      "contact_phone", p->contact_phone, "address", p->address, "note", p->note, "active",
			      p->active, "open_referrals", (json_int_t)p->open_referrals);
	json_object_set_new(j, "created_at", json_time(p->created_at));
	json_object_set_new(j, "updated_at", json_time(p->updated_at));
	return j;
}

hm_err care_provider_create_handler(hm_req *r)
{
	hm_err err = http_body(r, provider_spec);
	if (err)
		return err;
	if (jhas(r->body, "active"))
		return hm_failf(&r->err, HM_E_UNKNOWN_FIELD, "active", "新登记的服务机构总是启用状态，不能指定 active");
	care_provider p;
	provider_from_json(r->body, &p);
	fund_ctx c = ctx_of(r);
	if ((err = care_provider_create(&c, &p, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "provider", provider_json(&p)));
}

hm_err care_provider_update_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_PROVIDER_NOT_FOUND);
	if (err || (err = http_body(r, provider_spec)))
		return err;
	care_provider p;
	provider_from_json(r->body, &p);
	fund_ctx c = ctx_of(r);
	if ((err = care_provider_update(&c, id, &p, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "provider", provider_json(&p)));
}

hm_err care_provider_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_PROVIDER_NOT_FOUND);
	if (err)
		return err;
	care_provider p;
	fund_ctx c = ctx_of(r);
	if ((err = care_provider_get(&c, id, &p, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "provider", provider_json(&p)));
}

static void provider_visit(const care_provider *p, void *arg)
{
	json_array_append_new(arg, provider_json(p));
}

static const export_col provider_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"name", "名称", COL_TEXT, 28},
	{"kind_name", "类型", COL_TEXT, 10},
	{"services", "提供的服务", COL_TAGS, 24},
	{"org.name", "合作机构", COL_TEXT, 24},
	{"contact_name", "联系人", COL_TEXT, 12},
	{"contact_phone", "联系电话", COL_TEXT, 16},
	{"address", "地址", COL_TEXT, 30},
	{"active", "启用", COL_BOOL, 6},
	{"open_referrals", "在办转介", COL_INT, 10},
	{"created_at", "登记时间", COL_TEXT, 26},
};

hm_err care_providers_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"q", "kind", "service", "active", "page", "page_size", "format", NULL};
	care_provider_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = query_text(r, "q", 96, &f.q)) ||
	    (err = query_text(r, "kind", 12, &f.kind)) || (err = query_service(r, &f.service)))
		return err;
	if (f.kind[0] && strcmp(f.kind, "org") != 0 && strcmp(f.kind, "volunteer") != 0)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "kind", "查询参数 kind 应为 org 或 volunteer");
	const char *active = http_query(r, "active");
	f.active = -1;
	if (active && *active) {
		if (strcmp(active, "true") != 0 && strcmp(active, "false") != 0)
			return hm_failf(&r->err, HM_E_BAD_QUERY, "active", "查询参数 active 应为 true 或 false");
		f.active = strcmp(active, "true") == 0;
	}
	json_t *items = json_array();
	int64_t total;
	fund_ctx c = ctx_of(r);
	if ((err = care_provider_list(&c, &f, provider_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "care-providers", "服务机构和志愿者", provider_cols,
			  sizeof provider_cols / sizeof provider_cols[0]);
}

/* ---- referrals -------------------------------------------------------- */

static const jfield referral_spec[] = {
	{"child_id", JF_INT, true, 1, INT64_MAX, NULL, 0},
	{"provider_id", JF_INT, true, 1, INT64_MAX, NULL, 0},
	{"service", JF_STRING, true, 1, 15, NULL, 0},
	{"reason", JF_STRING, true, 1, 500, NULL, 0},
	{"application_id", JF_INT, false, 1, INT64_MAX, NULL, 0},
	END,
};

static json_t *referral_json(const care_referral *x)
{
	json_t *j = json_pack("{s:I, s:{s:I, s:s}, s:{s:s, s:s}, s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
			      (json_int_t)x->id, "child", "id", (json_int_t)x->child_id, "name", x->child_name, "org",
			      "code", x->org_code, "name", x->org_name, "provider", "id", (json_int_t)x->provider_id,
			      "name", x->provider_name, "service", x->service, "service_name", service_name(x->service),
			      "reason", x->reason, "status", x->status, "status_name", care_status_name(x->status),
			      "status_note", x->status_note, "sessions", (json_int_t)x->sessions);
	json_object_set_new(j, "application_id", x->application_id ? json_integer(x->application_id) : json_null());
	json_object_set_new(j, "created_at", json_time(x->created_at));
	json_object_set_new(j, "started_at", json_time(x->started_at));
	json_object_set_new(j, "closed_at", json_time(x->closed_at));
	json_object_set_new(j, "updated_at", json_time(x->updated_at));
	return j;
}

static json_t *session_json(const care_session *s, bool with_notes)
{
	json_t *j = json_pack("{s:I, s:I, s:{s:I, s:s}, s:{s:I, s:s}, s:s, s:s, s:o, s:b, s:s}", "id", (json_int_t)s->id,
			      "referral_id", (json_int_t)s->referral_id, "child", "id", (json_int_t)s->child_id, "name",
			      s->child_name, "provider", "id", (json_int_t)s->provider_id, "name", s->provider_name,
			      "service", s->service, "service_name", service_name(s->service), "held_at",
			      json_time(s->held_at), "has_notes", s->has_notes, "outcome", s->outcome);
	if (with_notes)
		json_object_set_new(j, "notes", json_string(s->notes));
	json_object_set_new(j, "created_at", json_time(s->created_at));
	return j;
}

static void session_visit(const care_session *s, void *arg)
{
	json_array_append_new(arg, session_json(s, false));
}

/* A referral with its sessions (never their notes). */
static hm_err reply_referral(hm_req *r, int status, const care_referral *x)
{
	care_session_filter f = {.referral_id = x->id, .district = "", .service = "", .page = 1, .page_size = 100};
	json_t *sessions = json_array();
	int64_t total;
	fund_ctx c = ctx_of(r);
	hm_err err = care_session_list(&c, &f, session_visit, sessions, &total, &r->err);
	if (err) {
		json_decref(sessions);
		return err;
	}
	json_t *j = referral_json(x);
	json_object_set_new(j, "session_list", sessions);
	return http_reply(r, status, json_pack("{s:o}", "referral", j));
}

hm_err care_referral_create_handler(hm_req *r)
{
	hm_err err = http_body(r, referral_spec);
	if (err)
		return err;
	care_referral x;
	memset(&x, 0, sizeof x);
	x.child_id = jint(r->body, "child_id", 0);
	x.provider_id = jint(r->body, "provider_id", 0);
	x.application_id = jint(r->body, "application_id", 0);
	COPY(x.service, jstr(r->body, "service"));
	COPY(x.reason, jstr(r->body, "reason"));
	fund_ctx c = ctx_of(r);
	if ((err = care_referral_create(&c, &x, &r->err)))
		return err;
	return reply_referral(r, 201, &x);
}

hm_err care_referral_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_REFERRAL_NOT_FOUND);
	if (err)
		return err;
	care_referral x;
	fund_ctx c = ctx_of(r);
	if ((err = care_referral_get(&c, id, &x, &r->err)))
		return err;
	return reply_referral(r, 200, &x);
}

static const jfield status_spec[] = {
	{"status", JF_STRING, true, 1, 12, NULL, 0},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	END,
};

hm_err care_referral_status_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_REFERRAL_NOT_FOUND);
	if (err || (err = http_body(r, status_spec)))
		return err;
	care_referral x;
	fund_ctx c = ctx_of(r);
	if ((err = care_referral_set_status(&c, id, jstr(r->body, "status"), jstr(r->body, "note"), &x, &r->err)))
		return err;
	return reply_referral(r, 200, &x);
}

static const export_col referral_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"child.name", "儿童", COL_TEXT, 12},
	{"org.name", "所属机构", COL_TEXT, 24},
	{"service_name", "服务", COL_TEXT, 10},
	{"provider.name", "服务机构或志愿者", COL_TEXT, 26},
	{"reason", "转介原因", COL_TEXT, 40},
	{"status_name", "状态", COL_TEXT, 8},
	{"sessions", "服务次数", COL_INT, 10},
	{"created_at", "转介时间", COL_TEXT, 26},
	{"closed_at", "结束时间", COL_TEXT, 26},
	{"status_note", "结案说明", COL_TEXT, 30},
};

static void referral_visit(const care_referral *x, void *arg)
{
	json_array_append_new(arg, referral_json(x));
}

hm_err care_referrals_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"child_id", "provider_id", "district", "service", "status",
					      "page",     "page_size",   "format",   NULL};
	care_referral_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = query_id(r, "child_id", &f.child_id)) ||
	    (err = query_id(r, "provider_id", &f.provider_id)) || (err = query_text(r, "district", 6, &f.district)) ||
	    (err = query_service(r, &f.service)) || (err = query_text(r, "status", 12, &f.status)))
		return err;
	if (f.status[0]) {
		bool known = false;
		for (const char *const *s = care_statuses(); *s; s++)
			known |= strcmp(*s, f.status) == 0;
		if (!known)
			return hm_failf(&r->err, HM_E_BAD_QUERY, "status", "状态 %s 不存在", f.status);
	}
	json_t *items = json_array();
	int64_t total;
	fund_ctx c = ctx_of(r);
	if ((err = care_referral_list(&c, &f, referral_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "care-referrals", "服务转介", referral_cols,
			  sizeof referral_cols / sizeof referral_cols[0]);
}

/* ---- sessions --------------------------------------------------------- */

static const jfield session_spec[] = {
	{"held_at", JF_STRING, true, 10, 40, NULL, 0},
	{"notes", JF_STRING, false, 0, 4000, NULL, 0},
	{"outcome", JF_STRING, true, 1, 500, NULL, 0},
	END,
};

hm_err care_session_create_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_REFERRAL_NOT_FOUND);
	if (err || (err = http_body(r, session_spec)))
		return err;
	care_session s;
	memset(&s, 0, sizeof s);
	if ((err = body_time(r, "held_at", &s.held_at)))
		return err;
	COPY(s.notes, jstr(r->body, "notes"));
	COPY(s.outcome, jstr(r->body, "outcome"));
	fund_ctx c = ctx_of(r);
	if ((err = care_session_create(&c, id, &s, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "session", session_json(&s, false)));
}

hm_err care_session_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_SESSION_NOT_FOUND);
	if (err)
		return err;
	/* a session is large (notes): keep it off the handler's stack */
	care_session *s = malloc(sizeof *s);
	if (!s)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	fund_ctx c = ctx_of(r);
	if (!(err = care_session_get(&c, id, s, &r->err)))
		err = http_reply(r, 200, json_pack("{s:o}", "session", session_json(s, true)));
	free(s);
	return err;
}

static const export_col session_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"held_at", "服务时间", COL_TEXT, 26},
	{"child.name", "儿童", COL_TEXT, 12},
	{"service_name", "服务", COL_TEXT, 10},
	{"provider.name", "服务机构或志愿者", COL_TEXT, 26},
	{"outcome", "服务成效", COL_TEXT, 40},
	{"has_notes", "有服务记录（不导出）", COL_BOOL, 18},
};

hm_err care_sessions_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"child_id", "referral_id", "provider_id", "district", "service", "from",
					      "to",       "page",        "page_size",   "format",   NULL};
	care_session_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = query_id(r, "child_id", &f.child_id)) ||
	    (err = query_id(r, "referral_id", &f.referral_id)) || (err = query_id(r, "provider_id", &f.provider_id)) ||
	    (err = query_text(r, "district", 6, &f.district)) || (err = query_service(r, &f.service)) ||
	    (err = query_range(r, &f.from, &f.to)))
		return err;
	json_t *items = json_array();
	int64_t total;
	fund_ctx c = ctx_of(r);
	if ((err = care_session_list(&c, &f, session_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "care-sessions", "服务记录", session_cols,
			  sizeof session_cols / sizeof session_cols[0]);
}

/* ---- visits ----------------------------------------------------------- */

static const jfield visit_spec[] = {
	{"child_id", JF_INT, true, 1, INT64_MAX, NULL, 0},
	{"visited_at", JF_STRING, true, 10, 40, NULL, 0},
	{"visitors", JF_STRING, true, 1, 100, NULL, 0},
	{"people_met", JF_STRING, true, 1, 200, NULL, 0},
	{"findings", JF_STRING, true, 1, 4000, NULL, 0},
	{"follow_up", JF_STRING, false, 0, 1000, NULL, 0},
	{"follow_up_due", JF_STRING, false, 0, 10, NULL, 0},
	END,
};

static json_t *visit_json(const care_visit *v)
{
	json_t *j = json_pack("{s:I, s:{s:I, s:s}, s:{s:s, s:s}, s:o, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
			      (json_int_t)v->id, "child", "id", (json_int_t)v->child_id, "name", v->child_name, "org",
			      "code", v->org_code, "name", v->org_name, "visited_at", json_time(v->visited_at),
			      "visitors", v->visitors, "people_met", v->people_met, "findings", v->findings,
			      "follow_up", v->follow_up, "follow_up_due", v->follow_up_due, "recorded_by", v->created_by);
	json_object_set_new(j, "created_at", json_time(v->created_at));
	return j;
}

hm_err care_visit_create_handler(hm_req *r)
{
	hm_err err = http_body(r, visit_spec);
	if (err)
		return err;
	care_visit *v = calloc(1, sizeof *v);
	if (!v)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	v->child_id = jint(r->body, "child_id", 0);
	COPY(v->visitors, jstr(r->body, "visitors"));
	COPY(v->people_met, jstr(r->body, "people_met"));
	COPY(v->findings, jstr(r->body, "findings"));
	COPY(v->follow_up, jstr(r->body, "follow_up"));
	COPY(v->follow_up_due, jstr(r->body, "follow_up_due"));
	fund_ctx c = ctx_of(r);
	if (!(err = body_time(r, "visited_at", &v->visited_at)) && !(err = care_visit_create(&c, v, &r->err)))
		err = http_reply(r, 201, json_pack("{s:o}", "visit", visit_json(v)));
	free(v);
	return err;
}

hm_err care_visit_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_VISIT_NOT_FOUND);
	if (err)
		return err;
	care_visit *v = malloc(sizeof *v);
	if (!v)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	fund_ctx c = ctx_of(r);
	if (!(err = care_visit_get(&c, id, v, &r->err)))
		err = http_reply(r, 200, json_pack("{s:o}", "visit", visit_json(v)));
	free(v);
	return err;
}

static void visit_visit(const care_visit *v, void *arg)
{
	json_array_append_new(arg, visit_json(v));
}

static const export_col visit_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"visited_at", "家访时间", COL_TEXT, 26},
	{"child.name", "儿童", COL_TEXT, 12},
	{"org.name", "所属机构", COL_TEXT, 24},
	{"visitors", "走访人员", COL_TEXT, 20},
	{"people_met", "见到的人", COL_TEXT, 20},
	{"findings", "了解到的情况", COL_TEXT, 50},
	{"follow_up", "跟进事项", COL_TEXT, 30},
	{"follow_up_due", "跟进期限", COL_TEXT, 12},
	{"recorded_by", "记录人", COL_TEXT, 14},
};

hm_err care_visits_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"child_id", "district", "from", "to", "page", "page_size", "format", NULL};
	care_visit_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = query_id(r, "child_id", &f.child_id)) ||
	    (err = query_text(r, "district", 6, &f.district)) || (err = query_range(r, &f.from, &f.to)))
		return err;
	json_t *items = json_array();
	int64_t total;
	fund_ctx c = ctx_of(r);
	if ((err = care_visit_list(&c, &f, visit_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "care-visits", "家访记录", visit_cols,
			  sizeof visit_cols / sizeof visit_cols[0]);
}

/* ---- timeline --------------------------------------------------------- */

static const char *action_name(const char *action)
{
	static const char *const names[][2] = {
		{"create", "提交申请"},       {"accept", "受理"},          {"return", "退回补正"},
		{"resubmit", "补正后重新提交"}, {"review_pass", "初审通过"}, {"review_reject", "初审不通过"},
		{"approve", "审批通过"},       {"reject", "不予帮扶"},      {"pay", "发放帮扶资金"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], action) == 0)
			return names[i][1];
	return action;
}

static json_t *tl_json(const care_tl_item *it)
{
	static const char *const kinds[] = {
		[CARE_TL_APPLICATION] = "application", [CARE_TL_PAYMENT] = "payment",
		[CARE_TL_REFERRAL] = "referral",       [CARE_TL_REFERRAL_CLOSED] = "referral_closed",
		[CARE_TL_SESSION] = "session",         [CARE_TL_VISIT] = "visit",
	};
	static const char *const kind_names[] = {
		[CARE_TL_APPLICATION] = "帮扶申请", [CARE_TL_PAYMENT] = "资金发放", [CARE_TL_REFERRAL] = "服务转介",
		[CARE_TL_REFERRAL_CLOSED] = "转介结束", [CARE_TL_SESSION] = "关爱服务", [CARE_TL_VISIT] = "家访",
	};
	static const char *const ref_types[] = {
		[CARE_TL_APPLICATION] = "application", [CARE_TL_PAYMENT] = "application",
		[CARE_TL_REFERRAL] = "referral",       [CARE_TL_REFERRAL_CLOSED] = "referral",
		[CARE_TL_SESSION] = "session",         [CARE_TL_VISIT] = "visit",
	};
	char title[96];
	switch (it->kind) {
	case CARE_TL_APPLICATION:
		snprintf(title, sizeof title, "帮扶申请：%s", action_name(it->action));
		break;
	case CARE_TL_PAYMENT:
		snprintf(title, sizeof title, "发放帮扶资金");
		break;
	case CARE_TL_REFERRAL:
		snprintf(title, sizeof title, "转介%s服务", service_name(it->status));
		break;
	case CARE_TL_REFERRAL_CLOSED:
		snprintf(title, sizeof title, "%s转介结束", service_name(it->status));
		break;
	case CARE_TL_SESSION:
		snprintf(title, sizeof title, "%s服务", service_name(it->status));
		break;
	case CARE_TL_VISIT:
		snprintf(title, sizeof title, "家访");
		break;
	}
	json_t *j = json_pack("{s:o, s:s, s:s, s:s, s:s, s:{s:s, s:I}}", "at", json_time(it->at), "kind", kinds[it->kind],
			      "kind_name", kind_names[it->kind], "title", title, "text", it->text, "ref", "type",
			      ref_types[it->kind], "id", (json_int_t)it->ref_id);
	if (it->kind == CARE_TL_APPLICATION) {
		json_object_set_new(j, "action", json_string(it->action));
		json_object_set_new(j, "to_status", json_string(it->status));
		json_object_set_new(j, "to_status_name", json_string(fund_status_name(it->status)));
	}
	if (it->kind == CARE_TL_PAYMENT)
		json_object_set_new(j, "amount", json_integer(it->amount));
	if (it->kind == CARE_TL_REFERRAL || it->kind == CARE_TL_REFERRAL_CLOSED || it->kind == CARE_TL_SESSION)
		json_object_set_new(j, "service", json_string(it->status));
	return j;
}

static const export_col timeline_cols[] = {
	{"at", "时间", COL_TEXT, 26},
	{"kind_name", "类别", COL_TEXT, 10},
	{"title", "事项", COL_TEXT, 24},
	{"text", "说明", COL_TEXT, 50},
	{"amount", "金额（元）", COL_MONEY, 14},
};

hm_err care_child_timeline_handler(hm_req *r)
{
	static const char *const allowed[] = {"format", NULL};
	int64_t id;
	bool xlsx;
	hm_err err = http_param_id(r, 0, &id, HM_E_CHILD_NOT_FOUND);
	if (err || (err = http_query_allowed(r, allowed)) || (err = export_wanted(r, &xlsx)))
		return err;
	care_tl_item *items;
	size_t n;
	fund_ctx c = ctx_of(r);
	if ((err = care_timeline(&c, id, &items, &n, &r->err)))
		return err;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, tl_json(&items[i]));
	free(items);
	if (xlsx) {
		err = export_reply_xlsx(r, "child-timeline", "儿童帮扶时间线", timeline_cols,
					sizeof timeline_cols / sizeof timeline_cols[0], arr);
		json_decref(arr);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:I, s:o}", "child_id", (json_int_t)id, "items", arr));
}

/* ---- dictionaries and audit ------------------------------------------ */

json_t *care_dicts_json(void)
{
	json_t *st = json_array(), *kinds = json_array(), *docs = json_array();
	for (const char *const *s = care_statuses(); *s; s++)
		json_array_append_new(st, json_pack("{s:s, s:s}", "code", *s, "name", care_status_name(*s)));
	json_array_append_new(kinds, json_pack("{s:s, s:s}", "code", "org", "name", care_kind_name("org")));
	json_array_append_new(kinds, json_pack("{s:s, s:s}", "code", "volunteer", "name", care_kind_name("volunteer")));
	for (const char *const *d = attachment_doc_types(); *d; d++)
		json_array_append_new(docs, json_pack("{s:s, s:s}", "code", *d, "name", attachment_doc_type_name(*d)));
	return json_pack("{s:o, s:o, s:o}", "referral_statuses", st, "provider_kinds", kinds, "doc_types", docs);
}

hm_err care_audit_visible(hm_req *r, const char *entity, int64_t id)
{
	fund_ctx c = ctx_of(r);
	return care_entity_visible(&c, entity, id, &r->err);
}
