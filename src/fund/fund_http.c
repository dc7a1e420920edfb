/* The fund's handlers: parse and check, call one operation, reply. */
#include "fund/fund_http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/crypt.h"
#include "core/hmtime.h"
#include "fund/fund.h"
#include "http/export.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define END {NULL, 0, false, 0, 0, NULL, 0}

static fund_ctx ctx_of(hm_req *r)
{
	return (fund_ctx){r->db, &r->user, r->now, r->app->calendar, r->app->divisions};
}

/* ---- children --------------------------------------------------------- */

static const jfield child_spec[] = {
	{"name", JF_STRING, true, 1, 32, NULL, 0},
	{"sex", JF_STRING, true, 1, 1, NULL, 0},
	{"birth_date", JF_STRING, true, 10, 10, NULL, 0},
	{"id_number", JF_STRING, true, 1, 20, NULL, 0},
	{"hukou_district", JF_STRING, true, 6, 6, NULL, 0},
	{"hukou_evidence", JF_STRING, true, 1, 200, NULL, 0},
	{"categories", JF_STRING_ARRAY, true, 0, FUND_MAX_CATEGORIES, NULL, 31},
	{"household_status", JF_STRING, true, 1, 12, NULL, 0},
	{"household_cert_no", JF_STRING, false, 0, 32, NULL, 0},
	{"household_cert_from", JF_STRING, false, 0, 10, NULL, 0},
	{"household_cert_to", JF_STRING, false, 0, 10, NULL, 0},
	{"guardian_name", JF_STRING, true, 1, 32, NULL, 0},
	{"guardian_relation", JF_STRING, true, 1, 16, NULL, 0},
	{"guardian_phone", JF_STRING, true, 1, 20, NULL, 0},
	{"address", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

/* The same fields without the ID number, which never changes. */
static const jfield child_update_spec[] = {
	{"name", JF_STRING, true, 1, 32, NULL, 0},
	{"sex", JF_STRING, true, 1, 1, NULL, 0},
	{"birth_date", JF_STRING, true, 10, 10, NULL, 0},
	{"hukou_district", JF_STRING, true, 6, 6, NULL, 0},
	{"hukou_evidence", JF_STRING, true, 1, 200, NULL, 0},
	{"categories", JF_STRING_ARRAY, true, 0, FUND_MAX_CATEGORIES, NULL, 31},
	{"household_status", JF_STRING, true, 1, 12, NULL, 0},
	{"household_cert_no", JF_STRING, false, 0, 32, NULL, 0},
	{"household_cert_from", JF_STRING, false, 0, 10, NULL, 0},
	{"household_cert_to", JF_STRING, false, 0, 10, NULL, 0},
	{"guardian_name", JF_STRING, true, 1, 32, NULL, 0},
	{"guardian_relation", JF_STRING, true, 1, 16, NULL, 0},
	{"guardian_phone", JF_STRING, false, 1, 20, NULL, 0}, /* absent: unchanged (replies only show it masked) */
	{"address", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

static void child_from_json(const json_t *b, fund_child *ch)
{
	memset(ch, 0, sizeof *ch);
	COPY(ch->name, jstr(b, "name"));
	COPY(ch->sex, jstr(b, "sex"));
	COPY(ch->birth_date, jstr(b, "birth_date"));
	COPY(ch->id_number, jstr(b, "id_number"));
	COPY(ch->hukou_district, jstr(b, "hukou_district"));
	COPY(ch->hukou_evidence, jstr(b, "hukou_evidence"));
	COPY(ch->household_status, jstr(b, "household_status"));
	COPY(ch->household_cert_no, jstr(b, "household_cert_no"));
	COPY(ch->household_cert_from, jstr(b, "household_cert_from"));
	COPY(ch->household_cert_to, jstr(b, "household_cert_to"));
	COPY(ch->guardian_name, jstr(b, "guardian_name"));
	COPY(ch->guardian_relation, jstr(b, "guardian_relation"));
	COPY(ch->guardian_phone, jstr(b, "guardian_phone"));
	COPY(ch->address, jstr(b, "address"));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(b, "categories"), i, v)
	{
		if (ch->ncategories < FUND_MAX_CATEGORIES)
			COPY(ch->categories[ch->ncategories++], json_string_value(v));
	}
}

static json_t *child_json(const fund_child *ch, const hm_user *u)
{
	char idm[20], phone[24];
	bool sensitive_ok = perm_has(u->role, "fund:child:sensitive");
	json_t *cats = json_array();
	for (int i = 0; i < ch->ncategories; i++) {
		const fund_item *it = fund_item_find(FUND_CATEGORY, ch->categories[i]);
		if (it && it->sensitive && !sensitive_ok)
			json_array_append_new(cats, json_pack("{s:s, s:s}", "code", "hidden", "name", "敏感类别（无权查看）"));
		else
			json_array_append_new(cats, json_pack("{s:s, s:s}", "code", ch->categories[i], "name",
							      it ? it->name : ch->categories[i]));
	}
	json_t *j = json_pack("{s:I, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			      "id", (json_int_t)ch->id, "org", "code", ch->org_code, "name", ch->org_name, "name",
			      ch->name, "sex", ch->sex, "birth_date", ch->birth_date, "id_number",
			      idcard_mask(ch->id_number, idm, sizeof idm), "hukou_district", ch->hukou_district,
			      "hukou_evidence", ch->hukou_evidence, "categories", cats, "household_status",
			      ch->household_status, "household_cert_no", ch->household_cert_no, "household_cert_from",
			      ch->household_cert_from, "household_cert_to", ch->household_cert_to, "guardian_name",
			      ch->guardian_name, "guardian_relation", ch->guardian_relation, "guardian_phone",
			      fund_mask_phone(ch->guardian_phone, phone, sizeof phone), "address", ch->address);
	json_object_set_new(j, "is_demo", json_boolean(ch->is_demo));
	json_object_set_new(j, "created_at", json_time(ch->created_at));
	json_object_set_new(j, "updated_at", json_time(ch->updated_at));
	return j;
}

hm_err fund_child_create_handler(hm_req *r)
{
	hm_err err = http_body(r, child_spec);
	if (err)
		return err;
	fund_child ch;
	child_from_json(r->body, &ch);
	fund_ctx c = ctx_of(r);
	if ((err = fund_child_create(&c, &ch, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "child", child_json(&ch, &r->user)));
}

hm_err fund_child_update_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_CHILD_NOT_FOUND);
	if (err || (err = http_body(r, child_update_spec)))
		return err;
	fund_child ch;
	child_from_json(r->body, &ch);
	fund_ctx c = ctx_of(r);
	if ((err = fund_child_update(&c, id, &ch, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "child", child_json(&ch, &r->user)));
}

hm_err fund_child_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_CHILD_NOT_FOUND);
	if (err)
		return err;
	fund_child ch;
	fund_ctx c = ctx_of(r);
	if ((err = fund_child_get(&c, id, &ch, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "child", child_json(&ch, &r->user)));
}

hm_err fund_child_id_number_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_CHILD_NOT_FOUND);
	if (err)
		return err;
	char full[19];
	fund_ctx c = ctx_of(r);
	if ((err = fund_child_reveal_id(&c, id, full, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:s}", "id_number", full));
}

struct list_acc {
	json_t *items;
	const hm_user *user;
	int64_t now;
};

static void child_visit(const fund_child *ch, void *arg)
{
	struct list_acc *a = arg;
	json_array_append_new(a->items, child_json(ch, a->user));
}

static const export_col child_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"name", "姓名", COL_TEXT, 12},
	{"sex", "性别", COL_TEXT, 6},
	{"birth_date", "出生日期", COL_TEXT, 12},
	{"id_number", "身份证号（已脱敏）", COL_TEXT, 22},
	{"org.name", "建档机构", COL_TEXT, 24},
	{"hukou_district", "户籍区（市）代码", COL_TEXT, 16},
	{"categories", "帮扶类别", COL_TAGS, 30},
	{"household_status", "家庭状况", COL_TEXT, 12},
	{"guardian_name", "监护人", COL_TEXT, 12},
	{"guardian_phone", "联系电话（已脱敏）", COL_TEXT, 16},
	{"created_at", "建档时间", COL_TEXT, 26},
};

/* District and category filters name things that exist, or the list
 * would silently come back empty for a typo. */
static hm_err check_filters(hm_req *r, const char *district, const char *category)
{
	if (district[0] && !divisions_is_zaozhuang_county(r->app->divisions, district))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "district", "区（市）代码 %.16s 不存在", district);
	if (category[0] && !fund_item_find(FUND_CATEGORY, category))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "category", "帮扶类别 %.32s 不存在", category);
	return HM_OK;
}

hm_err fund_children_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"q", "id_number", "district", "category", "page", "page_size", "format", NULL};
	fund_child_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)))
		return err;
	f.q = http_qarg(r, "q");
	f.district = http_qarg(r, "district");
	f.category = http_qarg(r, "category");
	/* an exact ID number is found through its keyed hash: the stored
	 * number is sealed and cannot be compared */
	char blind[65] = "";
	const char *idq = http_qarg(r, "id_number");
	if (idq[0]) {
		idcard_info info;
		if (idcard_parse(r->app->divisions, idq, hm_day_of(r->now), &info, &r->err, "id_number")) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s", hm_error_message(&r->err));
			return hm_failf(&r->err, HM_E_BAD_QUERY, "id_number", "%s", msg);
		}
		crypt_blind(info.number, blind);
	}
	f.id_hash = blind;
	if (strlen(f.q) > 96)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "q", "查询条件过长");
	if ((err = check_filters(r, f.district, f.category)))
		return err;
	struct list_acc acc = {json_array(), &r->user, r->now};
	int64_t total;
	fund_ctx c = ctx_of(r);
	if ((err = fund_child_list(&c, &f, child_visit, &acc, &total, &r->err))) {
		json_decref(acc.items);
		return err;
	}
	return http_list_reply(r, acc.items, total, f.page, f.page_size, xlsx, "children", "儿童档案", child_cols,
			  sizeof child_cols / sizeof child_cols[0]);
}

/* ---- applications ----------------------------------------------------- */

static const jfield app_spec[] = {
	{"child_id", JF_INT, true, 1, INT64_MAX, NULL, 0},
	{"applicant_type", JF_STRING, true, 1, 12, NULL, 0},
	{"applicant_name", JF_STRING, true, 1, 32, NULL, 0},
	{"applicant_relation", JF_STRING, false, 0, 16, NULL, 0},
	{"aid", JF_OBJECT, false, 0, 100000000000LL, NULL, 0},
	{"services", JF_STRING_ARRAY, false, 0, 3, NULL, 15},
	{"description", JF_STRING, true, 1, 2000, NULL, 0},
	{"emergency", JF_BOOL, false, 0, 0, NULL, 0},
	{"emergency_reason", JF_STRING, false, 0, 500, NULL, 0},
	END,
};

/* Fills aid entries from an {"kind": fen} object; unknown kinds are
 * reported with the field path. */
static hm_err aid_from_json(hm_req *r, const json_t *obj, const char *field, fund_aid *aid, int *n)
{
	const char *k;
	json_t *v;
	*n = 0;
	json_object_foreach((json_t *)obj, k, v)
	{
		char path[64];
		snprintf(path, sizeof path, "%s.%s", field, k);
		if (!fund_item_find(FUND_AID, k))
			return hm_failf(&r->err, HM_E_APP_AID_KIND, path, "帮扶资金类型 %s 不存在", k);
		if (*n >= 4)
			return hm_fail(&r->err, HM_E_BAD_VALUE, path);
		COPY(aid[*n].kind, k);
		aid[*n].requested = aid[*n].approved = json_integer_value(v);
		(*n)++;
	}
	return HM_OK;
}

/* An application's members, in the order clients have always seen them;
 * the caller opens and closes the object. The one definition of an
 * application in replies: lists, exports and the dashboard use it too. */
static void app_members(json_out *o, const fund_app *a, int64_t now)
{
	jo_kint(o, "id", a->id);
	jo_kstr(o, "no", a->no);
	jo_key(o, "child");
	jo_open_obj(o);
	jo_kint(o, "id", a->child_id);
	jo_kstr(o, "name", a->child_name);
	jo_close_obj(o);
	jo_key(o, "org");
	jo_open_obj(o);
	jo_kstr(o, "code", a->org_code);
	jo_kstr(o, "name", a->org_name);
	jo_close_obj(o);
	jo_kstr(o, "status", a->status);
	jo_kstr(o, "status_name", fund_status_name(a->status));
	jo_kbool(o, "emergency", a->emergency);
	jo_kstr(o, "emergency_reason", a->emergency_reason);
	jo_kstr(o, "applicant_type", a->applicant_type);
	jo_kstr(o, "applicant_name", a->applicant_name);
	jo_kstr(o, "applicant_relation", a->applicant_relation);
	jo_kstr(o, "description", a->description);
	int64_t req = 0, appr = 0;
	jo_key(o, "aid");
	jo_open_arr(o);
	for (int i = 0; i < a->naid; i++) {
		const fund_item *k = fund_item_find(FUND_AID, a->aid[i].kind);
		jo_open_obj(o);
		jo_kstr(o, "kind", a->aid[i].kind);
		jo_kstr(o, "name", k ? k->name : a->aid[i].kind);
		jo_kint(o, "requested", a->aid[i].requested);
		jo_key(o, "approved");
		if (a->aid[i].approved >= 0)
			jo_int(o, a->aid[i].approved);
		else
			jo_null(o);
		jo_close_obj(o);
		req += a->aid[i].requested;
		if (a->aid[i].approved > 0)
			appr += a->aid[i].approved;
	}
	jo_close_arr(o);
	jo_kint(o, "requested_total", req);
	jo_kint(o, "approved_total", appr);
	jo_key(o, "services");
	jo_open_arr(o);
	for (int i = 0; i < a->nservices; i++) {
		const fund_item *sv = fund_item_find(FUND_SERVICE, a->services[i]);
		jo_open_obj(o);
		jo_kstr(o, "code", a->services[i]);
		jo_kstr(o, "name", sv ? sv->name : "");
		jo_close_obj(o);
	}
	jo_close_arr(o);
	jo_kstr(o, "review_opinion", a->review_opinion);
	jo_kstr(o, "decision_reason", a->decision_reason);
	jo_ktime(o, "clock_start", a->clock_start);
	jo_ktime(o, "decision_due", a->decision_due);
	jo_ktime(o, "payment_due", a->payment_due);
	jo_ktime(o, "due", a->due);
	jo_key(o, "time_left_seconds");
	if (a->due)
		jo_int(o, a->due - now);
	else
		jo_null(o);
	jo_kbool(o, "overdue", a->overdue);
	jo_kbool(o, "estimated", a->estimated);
	jo_ktime(o, "decided_at", a->decided_at);
	jo_ktime(o, "paid_at", a->paid_at);
	jo_ktime(o, "created_at", a->created_at);
	jo_kbool(o, "is_demo", a->is_demo);
}

static void app_write(json_out *o, const fund_app *a, int64_t now)
{
	jo_open_obj(o);
	app_members(o, a, now);
	jo_close_obj(o);
}

/* The application as a Jansson value, for the Excel export (new; NULL when
 * out of memory). */
static json_t *app_json(const fund_app *a, int64_t now)
{
	json_out o = {0};
	app_write(&o, a, now);
	size_t len;
	char *text = jo_finish(&o, &len);
	json_t *j = text ? json_loadb(text, len, 0, NULL) : NULL;
	free(text);
	return j;
}

static void event_visit(int64_t at, const char *actor, const char *action, const char *from, const char *to,
			const char *note, void *arg)
{
	json_out *o = arg;
	jo_open_obj(o);
	jo_ktime(o, "at", at);
	jo_kstr(o, "actor", actor);
	jo_kstr(o, "action", action);
	jo_kstr(o, "from_status", from);
	jo_kstr(o, "to_status", to);
	jo_kstr(o, "to_status_name", fund_status_name(to));
	jo_kstr(o, "note", note);
	jo_close_obj(o);
}

/* The application with its timeline, as every single-application reply;
 * extra's members (stolen) follow "application". */
static hm_err reply_app(hm_req *r, int status, const fund_app *a, json_t *extra)
{
	json_out o = {0};
	jo_open_obj(&o);
	jo_key(&o, "application");
	jo_open_obj(&o);
	app_members(&o, a, r->now);
	jo_key(&o, "events");
	jo_open_arr(&o);
	fund_ctx c = ctx_of(r);
	hm_err err = fund_app_events(&c, a->id, event_visit, &o, &r->err);
	jo_close_arr(&o);
	jo_close_obj(&o);
	jo_members(&o, extra);
	json_decref(extra);
	jo_close_obj(&o);
	if (err) {
		jo_fini(&o);
		return err;
	}
	return http_reply_out(r, status, &o);
}

hm_err fund_app_create_handler(hm_req *r)
{
	hm_err err = http_body(r, app_spec);
	if (err)
		return err;
	fund_app a;
	memset(&a, 0, sizeof a);
	a.child_id = jint(r->body, "child_id", 0);
	COPY(a.applicant_type, jstr(r->body, "applicant_type"));
	COPY(a.applicant_name, jstr(r->body, "applicant_name"));
	COPY(a.applicant_relation, jstr(r->body, "applicant_relation"));
	COPY(a.description, jstr(r->body, "description"));
	a.emergency = jbool(r->body, "emergency", false);
	COPY(a.emergency_reason, jstr(r->body, "emergency_reason"));
	if ((err = aid_from_json(r, json_object_get(r->body, "aid"), "aid", a.aid, &a.naid)))
		return err;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r->body, "services"), i, v)
	{
		if (a.nservices < 3)
			COPY(a.services[a.nservices++], json_string_value(v));
	}
	fund_ctx c = ctx_of(r);
	if ((err = fund_app_create(&c, &a, &r->err)))
		return err;
	return reply_app(r, 201, &a, NULL);
}

hm_err fund_app_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_APP_NOT_FOUND);
	if (err)
		return err;
	fund_app a;
	fund_ctx c = ctx_of(r);
	if ((err = fund_app_get(&c, id, &a, &r->err)))
		return err;
	return reply_app(r, 200, &a, NULL);
}

static const jfield note_spec[] = {{"note", JF_STRING, false, 0, 500, NULL, 0}, END};
static const jfield reason_spec[] = {{"reason", JF_STRING, true, 1, 500, NULL, 0}, END};
static const jfield review_spec[] = {
	{"decision", JF_STRING, true, 1, 8, NULL, 0},
	{"opinion", JF_STRING, false, 0, 500, NULL, 0},
	END,
};
static const jfield approve_spec[] = {
	{"approved", JF_OBJECT, true, 0, 100000000000LL, NULL, 0},
	{"opinion", JF_STRING, false, 0, 500, NULL, 0},
	END,
};

/* The common shape of a step: id from the path, optional body, one act. */
static hm_err act(hm_req *r, fund_action a, const jfield *spec, const char *note_field, const fund_aid *aid, int naid)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_APP_NOT_FOUND);
	if (err)
		return err;
	if (spec && (r->body || spec != note_spec) && (err = http_body(r, spec)))
		return err;
	const char *note = note_field && r->body ? jstr(r->body, note_field) : "";
	fund_app out;
	int64_t entry = 0, amount = 0;
	fund_ctx c = ctx_of(r);
	if ((err = fund_app_act(&c, id, a, note, aid, naid, &out, &entry, &amount, &r->err)))
		return err;
	json_t *extra = a == FUND_PAY ? json_pack("{s:{s:I, s:I}}", "payment", "entry_id", (json_int_t)entry, "amount",
						  (json_int_t)amount)
				      : NULL;
	return reply_app(r, 200, &out, extra);
}

hm_err fund_app_accept_handler(hm_req *r)
{
	return act(r, FUND_ACCEPT, note_spec, "note", NULL, 0);
}

hm_err fund_app_return_handler(hm_req *r)
{
	return act(r, FUND_RETURN, reason_spec, "reason", NULL, 0);
}

hm_err fund_app_resubmit_handler(hm_req *r)
{
	return act(r, FUND_RESUBMIT, note_spec, "note", NULL, 0);
}

hm_err fund_app_reject_handler(hm_req *r)
{
	return act(r, FUND_REJECT, reason_spec, "reason", NULL, 0);
}

hm_err fund_app_pay_handler(hm_req *r)
{
	return act(r, FUND_PAY, note_spec, "note", NULL, 0);
}

hm_err fund_app_review_handler(hm_req *r)
{
	hm_err err = http_body(r, review_spec);
	if (err)
		return err;
	const char *d = jstr(r->body, "decision");
	fund_action a;
	if (strcmp(d, "pass") == 0)
		a = FUND_REVIEW_PASS;
	else if (strcmp(d, "reject") == 0)
		a = FUND_REVIEW_REJECT;
	else
		return hm_failf(&r->err, HM_E_BAD_VALUE, "decision", "初审结论应为 pass（通过）或 reject（不通过）");
	if (a == FUND_REVIEW_REJECT && !jstr(r->body, "opinion")[0])
		return hm_fail(&r->err, HM_E_APP_REASON, "opinion");
	return act(r, a, NULL, "opinion", NULL, 0);
}

hm_err fund_app_approve_handler(hm_req *r)
{
	hm_err err = http_body(r, approve_spec);
	if (err)
		return err;
	fund_aid aid[4];
	int n;
	if ((err = aid_from_json(r, json_object_get(r->body, "approved"), "approved", aid, &n)))
		return err;
	return act(r, FUND_APPROVE, NULL, "opinion", aid, n);
}

/* A page of applications: written as JSON text, or collected as values
 * for the Excel export. */
struct app_page {
	json_out out;
	json_t *items; /* the export's rows; NULL for a JSON page */
	int64_t now;
};

static void app_visit(const fund_app *a, void *arg)
{
	struct app_page *p = arg;
	if (p->items)
		json_array_append_new(p->items, app_json(a, p->now));
	else
		app_write(&p->out, a, p->now);
}

static hm_err query_bool(hm_req *r, const char *name, int *out)
{
	const char *v = http_query(r, name);
	*out = -1;
	if (!v || !*v)
		return HM_OK;
	if (strcmp(v, "true") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0)
		*out = 0;
	else
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为 true 或 false", name);
	return HM_OK;
}

static const export_col app_cols[] = {
	{"no", "申请编号", COL_TEXT, 22},
	{"child.name", "儿童", COL_TEXT, 12},
	{"org.name", "受理机构", COL_TEXT, 24},
	{"status_name", "状态", COL_TEXT, 10},
	{"emergency", "紧急", COL_BOOL, 6},
	{"applicant_name", "申请人", COL_TEXT, 12},
	{"applicant_relation", "与儿童关系", COL_TEXT, 10},
	{"requested_total", "申请金额（元）", COL_MONEY, 14},
	{"approved_total", "核定金额（元）", COL_MONEY, 14},
	{"created_at", "提交时间", COL_TEXT, 26},
	{"clock_start", "受理时间", COL_TEXT, 26},
	{"due", "办理期限", COL_TEXT, 26},
	{"overdue", "已超期", COL_BOOL, 8},
	{"decided_at", "审批时间", COL_TEXT, 26},
	{"paid_at", "发放时间", COL_TEXT, 26},
};

hm_err fund_apps_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"district", "status", "category", "emergency", "overdue", "child_id", "page",
					      "page_size", "format", NULL};
	fund_app_filter f = {0};
	int overdue;
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = query_bool(r, "emergency", &f.emergency)) ||
	    (err = query_bool(r, "overdue", &overdue)))
		return err;
	f.overdue = overdue == 1;
	const char *cid = http_qarg(r, "child_id");
	if (cid[0]) {
		char *end;
		f.child_id = strtoll(cid, &end, 10);
		if (*end || f.child_id <= 0)
			return hm_failf(&r->err, HM_E_BAD_QUERY, "child_id", "查询参数 child_id 应为正整数");
	}
	f.district = http_qarg(r, "district");
	f.status = http_qarg(r, "status");
	f.category = http_qarg(r, "category");
	if (f.status[0]) {
		bool known = false;
		for (const char *const *s = fund_statuses(); *s; s++)
			known |= strcmp(*s, f.status) == 0;
		if (!known)
			return hm_failf(&r->err, HM_E_BAD_QUERY, "status", "状态 %s 不存在", f.status);
	}
	if ((err = check_filters(r, f.district, f.category)))
		return err;
	struct app_page p = {.items = xlsx ? json_array() : NULL, .now = r->now};
	int64_t total;
	fund_ctx c = ctx_of(r);
	if (!xlsx)
		http_page_open(&p.out);
	if ((err = fund_app_list(&c, &f, app_visit, &p, &total, &r->err))) {
		json_decref(p.items);
		jo_fini(&p.out);
		return err;
	}
	if (!xlsx)
		return http_page_reply(r, &p.out, total, f.page, f.page_size);
	return http_list_reply(r, p.items, total, f.page, f.page_size, xlsx, "applications", "帮扶申请", app_cols,
			       sizeof app_cols / sizeof app_cols[0]);
}

hm_err fund_balance_handler(hm_req *r)
{
	fund_balance b;
	fund_ctx c = ctx_of(r);
	hm_err err = fund_balance_get(&c, &b, &r->err);
	if (err)
		return err;
	return http_reply(r, 200, json_pack("{s:I, s:I, s:I}", "bank", (json_int_t)b.bank, "income", (json_int_t)b.income,
					    "expense", (json_int_t)b.expense));
}

json_t *fund_dicts_json(void)
{
	json_t *cats = json_array(), *aids = json_array(), *svcs = json_array(), *sts = json_array();
	size_t n;
	const fund_item *it = fund_catalog(FUND_CATEGORY, &n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(cats, json_pack("{s:s, s:s, s:i, s:b, s:b, s:s}", "code", it[i].code, "name", it[i].name,
						      "max_age", it[i].max_age, "needs_household", it[i].needs_household,
						      "sensitive", it[i].sensitive, "description", it[i].extra));
	it = fund_catalog(FUND_AID, &n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(aids, json_pack("{s:s, s:s}", "code", it[i].code, "name", it[i].name));
	it = fund_catalog(FUND_SERVICE, &n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(svcs, json_pack("{s:s, s:s, s:s}", "code", it[i].code, "name", it[i].name,
						      "description", it[i].extra));
	for (const char *const *s = fund_statuses(); *s; s++)
		json_array_append_new(sts, json_pack("{s:s, s:s}", "code", *s, "name", fund_status_name(*s)));
	return json_pack("{s:o, s:o, s:o, s:o}", "categories", cats, "aid_kinds", aids, "services", svcs, "statuses", sts);
}

hm_err fund_audit_visible(hm_req *r, const char *entity, int64_t id)
{
	fund_ctx c = ctx_of(r);
	return fund_entity_visible(&c, entity, id, &r->err);
}

static json_t *counts_json(const fund_count *c, int n, const char *(*name)(const char *))
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "code", c[i].code, "name", name(c[i].code), "count",
						   (json_int_t)c[i].count));
	return a;
}

static const char *category_name(const char *code)
{
	const fund_item *it = fund_item_find(FUND_CATEGORY, code);
	return it ? it->name : code;
}

static const char *district_name(const char *code)
{
	static const char *const names[][2] = {{"370402", "市中区"}, {"370403", "薛城区"}, {"370404", "峄城区"},
					       {"370405", "台儿庄区"}, {"370406", "山亭区"}, {"370481", "滕州市"}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], code) == 0)
			return names[i][1];
	return code;
}

/* The overdue view beside the dashboard's figures: its total and first page
 * read every overdue application (107k in the 1M bench set, 0.1 s, and
 * several MB of sorting per concurrent request), while the figures
 * themselves are counters. So it is kept per scope until any write
 * commits (http_write_generation) or OVERDUE_TTL passes, for deadlines
 * that pass with time alone. The page's time left is computed at each
 * reply. */
#define OVERDUE_TTL_NS (10LL * 1000 * 1000 * 1000)
#define OVERDUE_PAGE 20
typedef struct overdue_view {
	bool used;
	int64_t scope;
	uint64_t generation;
	int64_t at_ns;
	int64_t total;
	int n;
	fund_app apps[OVERDUE_PAGE];
} overdue_view;
static overdue_view overdue_views[8];
static pthread_mutex_t overdue_lock = PTHREAD_MUTEX_INITIALIZER;

static void overdue_collect(const fund_app *a, void *arg)
{
	overdue_view *v = arg;
	if (v->n < OVERDUE_PAGE)
		v->apps[v->n++] = *a;
}

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The overdue total and page of the caller's scope: fresh or kept. gen
 * must be read before the request's transaction read anything, so that a
 * view is never filed under a generation newer than its snapshot. */
static hm_err overdue_get(hm_req *r, const fund_ctx *c, uint64_t gen, json_out *items, int64_t *total)
{
	int64_t scope = r->user.scope_org_id;
	int64_t now_ns = mono_ns();
	hm_err err = HM_OK;
	/* one request computes while the others of its scope wait for it */
	pthread_mutex_lock(&overdue_lock);
	overdue_view *v = NULL;
	for (size_t i = 0; i < sizeof overdue_views / sizeof overdue_views[0] && !v; i++)
		if (overdue_views[i].used && overdue_views[i].scope == scope)
			v = &overdue_views[i];
	for (size_t i = 0; i < sizeof overdue_views / sizeof overdue_views[0] && !v; i++)
		if (!overdue_views[i].used)
			v = &overdue_views[i];
	if (!v) /* more scopes than slots: reuse the first */
		v = &overdue_views[0];
	if (!v->used || v->scope != scope || v->generation != gen || now_ns - v->at_ns > OVERDUE_TTL_NS) {
		v->used = false;
		v->n = 0;
		fund_app_filter f = {.district = "", .status = "", .category = "", .emergency = -1, .overdue = true,
				     .page = 1, .page_size = OVERDUE_PAGE};
		err = fund_app_list(c, &f, overdue_collect, v, &v->total, &r->err);
		if (!err) {
			v->used = true;
			v->scope = scope;
			v->generation = gen;
			v->at_ns = now_ns;
		}
	}
	if (!err) {
		*total = v->total;
		for (int i = 0; i < v->n; i++)
			app_write(items, &v->apps[i], r->now);
	}
	pthread_mutex_unlock(&overdue_lock);
	return err;
}

hm_err fund_stats_handler(hm_req *r)
{
	uint64_t gen = http_write_generation();
	fund_stats s;
	fund_ctx c = ctx_of(r);
	hm_err err = fund_stats_get(&c, &s, &r->err);
	if (err)
		return err;
	json_t *monthly = json_array();
	for (int i = 0; i < 12; i++)
		json_array_append_new(monthly, json_pack("{s:s, s:I, s:I}", "month", s.monthly[i].month, "income",
							 (json_int_t)s.monthly[i].income, "expense",
							 (json_int_t)s.monthly[i].expense));
	json_t *j = json_pack(
		"{s:{s:I, s:I, s:I}, s:o, s:o, s:o, s:o, s:{s:I, s:I}, s:{s:I, s:I}}", "balance", "bank",
		(json_int_t)s.balance.bank, "income", (json_int_t)s.balance.income, "expense", (json_int_t)s.balance.expense,
		"monthly", monthly, "by_status", counts_json(s.by_status, s.nstatus, fund_status_name), "by_district",
		counts_json(s.by_district, s.ndistrict, district_name), "by_category",
		counts_json(s.by_category, s.ncategory, category_name), "decided", "total", (json_int_t)s.decided, "on_time",
		(json_int_t)s.decided_on_time, "emergencies_paid", "total", (json_int_t)s.emergencies_paid, "on_time",
		(json_int_t)s.emergencies_on_time);
	/* then the overdue list: the first page of overdue applications */
	json_out o = {0};
	jo_open_obj(&o);
	jo_members(&o, j);
	json_decref(j);
	jo_key(&o, "overdue");
	jo_open_arr(&o);
	int64_t total;
	if ((err = overdue_get(r, &c, gen, &o, &total))) {
		jo_fini(&o);
		return err;
	}
	jo_close_arr(&o);
	jo_kint(&o, "overdue_total", total);
	jo_close_obj(&o);
	return http_reply_out(r, 200, &o);
}
