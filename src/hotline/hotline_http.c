/* The hotline's handlers: parse and check, call one operation, reply.
 * Caller phone numbers leave the server masked in every reply except the
 * audited reveal route. */
#include "hotline/hotline_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"
#include "hotline/hotline.h"
#include "http/export.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define END {NULL, 0, false, 0, 0, NULL, 0}
#define SET(j, k, v) json_object_set_new((j), (k), (v))

static hotline_ctx ctx_of(hm_req *r)
{
	return (hotline_ctx){r->db, &r->user, r->now, r->app->calendar};
}

static json_t *dept_json(int64_t id)
{
	const hotline_department *d = id ? hotline_department_find(id) : NULL;
	if (!d)
		return json_null();
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d->id, "code", d->code, "name", d->name);
}

static json_t *category_json(const char *code)
{
	const hotline_category *c = hotline_category_find(code);
	const hotline_category *p = c && c->parent[0] ? hotline_category_find(c->parent) : NULL;
	char path[160];
	snprintf(path, sizeof path, "%s%s%s", p ? p->name : "", p ? " / " : "", c ? c->name : code);
	return json_pack("{s:s, s:s, s:s}", "code", code, "name", c ? c->name : code, "path", path);
}

static json_t *appeal_json(const hotline_appeal *a, int64_t now)
{
	char phone[24];
	json_t *j = json_object();
	SET(j, "id", json_integer(a->id));
	SET(j, "no", json_string(a->no));
	SET(j, "channel", json_string(a->channel));
	SET(j, "channel_name", json_string(hotline_channel_name(a->channel)));
	SET(j, "line", json_string(a->line));
	SET(j, "programme_id", a->programme_id ? json_integer(a->programme_id) : json_null());
	SET(j, "kind", json_string(a->kind));
	SET(j, "kind_name", json_string(hotline_kind_name(a->kind)));
	SET(j, "anonymous", json_boolean(a->anonymous));
	SET(j, "caller_name", json_string(a->caller_name));
	SET(j, "caller_phone", json_string(hotline_mask_phone(a->caller_phone, phone, sizeof phone)));
	SET(j, "place", json_string(a->place));
	SET(j, "content", json_string(a->content));
	SET(j, "category", category_json(a->category));
	SET(j, "catalog_version", json_integer(a->catalog_version));
	SET(j, "emergency", json_boolean(a->emergency));
	SET(j, "status", json_string(a->status));
	SET(j, "status_name", json_string(hotline_status_name(a->status)));
	SET(j, "answer", json_string(a->answer));
	SET(j, "department", dept_json(a->department_id));
	SET(j, "dispatched_at", json_time(a->dispatched_at));
	SET(j, "sign_due", json_time(a->sign_due));
	SET(j, "signed_at", json_time(a->signed_at));
	SET(j, "due", json_time(a->due));
	SET(j, "due_in_hours", json_boolean(a->due_in_hours));
	SET(j, "estimated", json_boolean(a->estimated));
	bool running = a->due && strcmp(a->status, "replied") != 0 && strcmp(a->status, "closed") != 0 &&
		       strcmp(a->status, "merged") != 0;
	SET(j, "time_left_seconds", running ? json_integer(a->due - now) : json_null());
	SET(j, "warning", json_string(hotline_warning_code(a->warning)));
	SET(j, "extended_workdays", json_integer(a->extended_workdays));
	SET(j, "reply", json_string(a->reply));
	SET(j, "replied_at", json_time(a->replied_at));
	SET(j, "replied_on_time", a->replied_on_time < 0 ? json_null() : json_boolean(a->replied_on_time));
	SET(j, "return_count", json_integer(a->return_count));
	SET(j, "rework_count", json_integer(a->rework_count));
	SET(j, "satisfaction", json_string(a->satisfaction));
	SET(j, "satisfaction_name", json_string(a->satisfaction[0] ? hotline_satisfaction_name(a->satisfaction) : ""));
	SET(j, "main_id", a->main_id ? json_integer(a->main_id) : json_null());
	SET(j, "closed_at", json_time(a->closed_at));
	SET(j, "created_at", json_time(a->created_at));
	SET(j, "district", json_string(a->district));
	SET(j, "district_name", json_string(hotline_district_name(a->district)));
	SET(j, "programme_tier", a->programme_tier ? json_integer(a->programme_tier) : json_null());
	SET(j, "callback_due", json_time(a->callback_due));
	SET(j, "callback_warning", json_string(hotline_warning_code(a->callback_warning)));
	SET(j, "reply_reviewed_at", json_time(a->reply_reviewed_at));
	return j;
}

static void assist_visit(const hotline_assist *x, void *arg)
{
	/* one entry per department, its opinions inside */
	json_t *list = arg, *last = json_array_size(list) ? json_array_get(list, json_array_size(list) - 1) : NULL;
	json_t *dept = last ? json_object_get(last, "department") : NULL;
	if (!dept || json_integer_value(json_object_get(dept, "id")) != x->department_id) {
		last = json_pack("{s:o, s:[]}", "department", dept_json(x->department_id), "opinions");
		json_array_append_new(list, last);
	}
	if (x->opinion_id) {
		json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)x->opinion_id, "opinion", x->opinion, "by", x->by);
		SET(o, "at", json_time(x->at));
		json_array_append_new(json_object_get(last, "opinions"), o);
	}
}

static json_t *hl_attachment_json(const hotline_attachment *a)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)a->id, "appeal_id",
			      (json_int_t)a->appeal_id, "hash", a->hash, "filename", a->filename, "content_type",
			      a->content_type, "size", (json_int_t)a->size, "uploaded_by", a->uploaded_by);
	SET(j, "uploaded_at", json_time(a->uploaded_at));
	return j;
}

static void hl_attachment_visit(const hotline_attachment *a, void *arg)
{
	json_array_append_new(arg, hl_attachment_json(a));
}

static void event_visit(int64_t at, const char *actor, const char *action, const char *from, const char *to,
			int64_t dept, const char *note, void *arg)
{
	json_t *ev = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s}", "at", json_time(at), "actor", actor, "action", action,
			       "from_status", from, "to_status", to, "to_status_name", to[0] ? hotline_status_name(to) : "",
			       "note", note);
	SET(ev, "department", dept_json(dept));
	json_array_append_new(arg, ev);
}

static void ext_visit(const hotline_extension *x, void *arg)
{
	json_t *j = json_pack("{s:I, s:i, s:s, s:s, s:s}", "id", (json_int_t)x->id, "workdays", x->workdays, "reason",
			      x->reason, "status", x->status, "decision_note", x->decision_note);
	SET(j, "department", dept_json(x->department_id));
	SET(j, "requested_at", json_time(x->requested_at));
	SET(j, "decided_at", json_time(x->decided_at));
	json_array_append_new(arg, j);
}

static void sup_visit(const hotline_supervision *s, void *arg)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)s->id, "reason", s->reason, "note", s->note,
			      "response", s->response);
	SET(j, "department", dept_json(s->department_id));
	SET(j, "issued_at", json_time(s->issued_at));
	SET(j, "responded_at", json_time(s->responded_at));
	json_array_append_new(arg, j);
}

static void cb_visit(const hotline_callback_rec *cb, void *arg)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)cb->id, "by", cb->by, "result", cb->result,
			      "satisfaction", cb->satisfaction, "note", cb->note);
	SET(j, "at", json_time(cb->at));
	json_array_append_new(arg, j);
}

/* An appeal merged into the one shown: enough to follow each caller. */
static void merged_visit(const hotline_appeal *a, void *arg)
{
	char phone[24];
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->id, "no", a->no, "caller_name",
			      a->caller_name, "caller_phone", hotline_mask_phone(a->caller_phone, phone, sizeof phone),
			      "status", a->status, "status_name", hotline_status_name(a->status), "satisfaction",
			      a->satisfaction);
	SET(j, "satisfaction_name", json_string(a->satisfaction[0] ? hotline_satisfaction_name(a->satisfaction) : ""));
	SET(j, "callback_due", json_time(a->callback_due));
	SET(j, "created_at", json_time(a->created_at));
	json_array_append_new(arg, j);
}

/* The appeal with its timeline, extensions, 督办单 and callbacks: every
 * single-appeal reply. extra (stolen, may be NULL) is merged in. */
static hm_err reply_appeal(hm_req *r, int status, const hotline_appeal *a, json_t *extra)
{
	hotline_ctx c = ctx_of(r);
	json_t *events = json_array(), *exts = json_array(), *sups = json_array(), *cbs = json_array();
	hm_err err = hotline_appeal_events(&c, a->id, event_visit, events, &r->err);
	if (!err)
		err = hotline_appeal_extensions(&c, a->id, ext_visit, exts, &r->err);
	if (!err)
		err = hotline_appeal_supervisions(&c, a->id, sup_visit, sups, &r->err);
	if (!err)
		err = hotline_callbacks_list(&c, a->id, false, cb_visit, cbs, &r->err);
	json_t *assists = json_array(), *atts = json_array();
	const char *role = "";
	if (!err)
		err = hotline_appeal_assists(&c, a->id, assist_visit, assists, &r->err);
	if (!err)
		err = hotline_attachments_list(&c, a->id, hl_attachment_visit, atts, &r->err);
	if (!err)
		err = hotline_my_role(&c, a, &role, &r->err);
	/* a merged appeal names its main; a main lists its merged appeals */
	json_t *main = json_null(), *merged = json_array();
	if (!err && a->main_id) {
		hotline_appeal *m = malloc(sizeof *m);
		err = m ? hotline_appeal_get(&c, a->main_id, m, &r->err) : hm_fail(&r->err, HM_E_INTERNAL, NULL);
		if (!err)
			main = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)m->id, "no", m->no, "status", m->status,
					 "status_name", hotline_status_name(m->status), "department", dept_json(m->department_id));
		free(m);
	}
	if (!err)
		err = hotline_merged_list(&c, a->id, merged_visit, merged, &r->err);
	json_t *j = appeal_json(a, r->now);
	SET(j, "main", main);
	SET(j, "merged", merged);
	SET(j, "events", events);
	SET(j, "extensions", exts);
	SET(j, "supervisions", sups);
	SET(j, "callbacks", cbs);
	SET(j, "assists", assists);
	SET(j, "attachments", atts);
	SET(j, "my_role", role[0] ? json_string(role) : json_null());
	json_t *out = json_pack("{s:o}", "appeal", j);
	if (extra)
		json_object_update(out, extra);
	json_decref(extra);
	if (err) {
		json_decref(out);
		return err;
	}
	return http_reply(r, status, out);
}

/* ---- intake ------------------------------------------------------------ */

static const jfield appeal_spec[] = {
	{"channel", JF_STRING, true, 1, 16, NULL, 0},
	{"line", JF_STRING, false, 0, 16, NULL, 0},
	{"programme_id", JF_INT, false, 1, INT64_MAX, NULL, 0},
	{"kind", JF_STRING, true, 1, 16, NULL, 0},
	{"anonymous", JF_BOOL, false, 0, 0, NULL, 0},
	{"caller_name", JF_STRING, false, 0, 32, NULL, 0},
	{"caller_phone", JF_STRING, false, 0, 20, NULL, 0},
	{"place", JF_STRING, false, 0, 100, NULL, 0},
	{"content", JF_STRING, true, 1, 2000, NULL, 0},
	{"category", JF_STRING, true, 1, 47, NULL, 0},
	{"emergency", JF_BOOL, false, 0, 0, NULL, 0},
	{"answer", JF_STRING, false, 0, 1000, NULL, 0},
	{"district", JF_STRING, false, 0, 6, NULL, 0},
	END,
};

hm_err hotline_appeal_create_handler(hm_req *r)
{
	hm_err err = http_body(r, appeal_spec);
	if (err)
		return err;
	hotline_appeal a;
	memset(&a, 0, sizeof a);
	/* the butler's hand-overs come from src/butler, never from the intake desk */
	if (strcmp(jstr(r->body, "channel"), "butler") == 0)
		return hm_failf(&r->err, HM_E_APPEAL_CHANNEL, "channel", "项目管家转办的诉求由项目管家在企业问题中转交，受理台不能登记");
	COPY(a.channel, jstr(r->body, "channel"));
	COPY(a.line, jstr(r->body, "line"));
	a.programme_id = jint(r->body, "programme_id", 0);
	COPY(a.kind, jstr(r->body, "kind"));
	a.anonymous = jbool(r->body, "anonymous", false);
	COPY(a.caller_name, jstr(r->body, "caller_name"));
	COPY(a.caller_phone, jstr(r->body, "caller_phone"));
	COPY(a.place, jstr(r->body, "place"));
	COPY(a.content, jstr(r->body, "content"));
	COPY(a.category, jstr(r->body, "category"));
	a.emergency = jbool(r->body, "emergency", false);
	COPY(a.answer, jstr(r->body, "answer"));
	COPY(a.district, jstr(r->body, "district"));
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_appeal_create(&c, &a, &r->err)))
		return err;
	return reply_appeal(r, 201, &a, NULL);
}

hm_err hotline_appeal_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_APPEAL_NOT_FOUND);
	if (err)
		return err;
	hotline_appeal a;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_appeal_get(&c, id, &a, &r->err)))
		return err;
	return reply_appeal(r, 200, &a, NULL);
}

hm_err hotline_appeal_phone_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_APPEAL_NOT_FOUND);
	if (err || (r->body && (err = http_body(r, (const jfield[]){END}))))
		return err;
	char phone[24];
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_appeal_reveal_phone(&c, id, phone, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:s}", "caller_phone", phone));
}

/* ---- steps ------------------------------------------------------------- */

static const jfield note_spec[] = {{"note", JF_STRING, false, 0, 500, NULL, 0}, END};
static const jfield reason_spec[] = {{"reason", JF_STRING, true, 1, 500, NULL, 0}, END};
static const jfield reply_spec[] = {{"reply", JF_STRING, true, 1, 2000, NULL, 0}, END};
static const jfield dispatch_spec[] = {
	{"department_id", JF_INT, true, 1, INT64_MAX, NULL, 0},
	{"assists", JF_STRING_ARRAY, false, 0, HOTLINE_ASSIST_MAX, NULL, 47},
	{"tier", JF_INT, false, 2, 10, NULL, 0},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	END,
};
static const jfield reply_review_spec[] = {
	{"decision", JF_STRING, true, 1, 16, NULL, 0},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	END,
};
static const jfield opinion_spec[] = {{"opinion", JF_STRING, true, 1, 1000, NULL, 0}, END};
static const jfield review_spec[] = {
	{"decision", JF_STRING, true, 1, 16, NULL, 0},
	{"department_id", JF_INT, false, 1, INT64_MAX, NULL, 0},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	END,
};
static const jfield extension_spec[] = {
	{"workdays", JF_INT, true, 1, 3650, NULL, 0},
	{"reason", JF_STRING, true, 1, 500, NULL, 0},
	END,
};
static const jfield decision_spec[] = {
	{"decision", JF_STRING, true, 1, 16, NULL, 0},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	END,
};
static const jfield callback_spec[] = {
	{"result", JF_STRING, true, 1, 16, NULL, 0},
	{"satisfaction", JF_STRING, false, 0, 16, NULL, 0},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	END,
};
static const jfield supervise_spec[] = {{"note", JF_STRING, true, 1, 500, NULL, 0}, END};
static const jfield response_spec[] = {{"response", JF_STRING, true, 1, 1000, NULL, 0}, END};
static const jfield merge_spec[] = {{"main_id", JF_INT, true, 1, INT64_MAX, NULL, 0}, END};

/* Path id and body: the start of every step. A note-only body may be absent. */
static hm_err step_input(hm_req *r, const jfield *spec, int64_t *id)
{
	hm_err err = http_param_id(r, 0, id, HM_E_APPEAL_NOT_FOUND);
	if (err)
		return err;
	if (spec == note_spec && !r->body)
		return HM_OK;
	return http_body(r, spec);
}

hm_err hotline_appeal_dispatch_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, dispatch_spec, &id);
	if (err)
		return err;
	/* assisting departments by code, as the dictionaries list them */
	int64_t assists[HOTLINE_ASSIST_MAX];
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r->body, "assists"), i, v)
	{
		size_t nd;
		const hotline_department *d = hotline_departments(&nd);
		int64_t found = 0;
		for (size_t k = 0; k < nd && !found; k++)
			if (strcmp(d[k].code, json_string_value(v)) == 0)
				found = d[k].id;
		if (!found)
			return hm_failf(&r->err, HM_E_APPEAL_DEPARTMENT, "assists", "协办单位 %.47s 不存在", json_string_value(v));
		if (n < HOTLINE_ASSIST_MAX)
			assists[n++] = found;
	}
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_dispatch_ex(&c, id, jint(r->body, "department_id", 0), assists, n, (int)jint(r->body, "tier", 0),
				       jstr(r->body, "note"), &out, &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_reply_review_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, reply_review_spec, &id);
	if (err)
		return err;
	const char *d = jstr(r->body, "decision");
	bool approve = strcmp(d, "approve") == 0;
	if (!approve && strcmp(d, "send_back") != 0)
		return hm_failf(&r->err, HM_E_BAD_VALUE, "decision", "审核结论应为 approve（同意答复）或 send_back（退回修改）");
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_reply_review(&c, id, approve, jstr(r->body, "note"), &out, &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_assist_opinion_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, opinion_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_assist_opinion(&c, id, jstr(r->body, "opinion"), &out, &r->err)))
		return err;
	return reply_appeal(r, 201, &out, NULL);
}

/* The dispatch table's suggestion for category × district (both as the
 * intake form has them, before or after the appeal is saved). */
hm_err hotline_dispatch_suggestion_handler(hm_req *r)
{
	static const char *const allowed[] = {"category", "district", NULL};
	hm_err err = http_query_allowed(r, allowed);
	if (err)
		return err;
	const char *cat = http_qarg(r, "category"), *district = http_qarg(r, "district");
	if (!cat[0])
		return hm_failf(&r->err, HM_E_BAD_QUERY, "category", "请给出诉求分类");
	if (!hotline_category_find(cat))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "category", "诉求分类 %.48s 不存在", cat);
	if (district[0] && !hotline_district_valid(district))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "district", "区（市）代码 %.8s 不是枣庄市的区（市）", district);
	const hotline_dispatch_rule *rule = hotline_dispatch_suggest(cat, district);
	if (!rule)
		return http_reply(r, 200, json_pack("{s:n, s:[], s:n}", "lead", "assists", "rule"));
	json_t *assists = json_array();
	for (int i = 0; i < rule->nassists; i++)
		json_array_append_new(assists, dept_json(rule->assists[i]));
	return http_reply(r, 200,
			  json_pack("{s:o, s:o, s:{s:s, s:s}}", "lead", dept_json(rule->lead), "assists", assists, "rule",
				    "category", rule->category, "district", rule->district));
}

hm_err hotline_appeal_sign_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, note_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_sign(&c, id, r->body ? jstr(r->body, "note") : "", &out, &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_reply_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, reply_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_reply(&c, id, jstr(r->body, "reply"), &out, &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_return_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, reason_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_return(&c, id, jstr(r->body, "reason"), &out, &r->err)))
		return err;
	/* the department no longer holds it in its list once redispatched; the
	 * reply still shows the outcome of its own request */
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_return_review_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, review_spec, &id);
	if (err)
		return err;
	const char *d = jstr(r->body, "decision");
	bool redispatch = strcmp(d, "redispatch") == 0;
	if (!redispatch && strcmp(d, "insist") != 0)
		return hm_failf(&r->err, HM_E_BAD_VALUE, "decision", "审核结论应为 redispatch（改派）或 insist（维持原派单）");
	if (redispatch && !jhas(r->body, "department_id"))
		return hm_failf(&r->err, HM_E_MISSING_FIELD, "department_id", "改派须选择承办单位");
	if (!redispatch && jhas(r->body, "department_id"))
		return hm_failf(&r->err, HM_E_BAD_VALUE, "department_id", "维持原派单时不应选择承办单位");
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_return_review(&c, id, redispatch, jint(r->body, "department_id", 0), jstr(r->body, "note"), &out,
					 &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_extension_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, extension_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_extension_request(&c, id, (int)jint(r->body, "workdays", 0), jstr(r->body, "reason"), &out,
					     &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_extension_review_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, decision_spec, &id);
	if (err)
		return err;
	const char *d = jstr(r->body, "decision");
	bool approve = strcmp(d, "approve") == 0;
	if (!approve && strcmp(d, "refuse") != 0)
		return hm_failf(&r->err, HM_E_BAD_VALUE, "decision", "审批结论应为 approve（批准）或 refuse（不批准）");
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_extension_decide(&c, id, approve, jstr(r->body, "note"), &out, &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_callback_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, callback_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_callback(&c, id, jstr(r->body, "result"), jstr(r->body, "satisfaction"), jstr(r->body, "note"),
				    &out, &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_supervise_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, supervise_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	int64_t notice = 0;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_supervise(&c, id, jstr(r->body, "note"), &notice, &out, &r->err)))
		return err;
	return reply_appeal(r, 201, &out, json_pack("{s:I}", "supervision_id", (json_int_t)notice));
}

hm_err hotline_appeal_supervision_response_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, response_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_supervision_respond(&c, id, jstr(r->body, "response"), &out, &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

hm_err hotline_appeal_merge_handler(hm_req *r)
{
	int64_t id;
	hm_err err = step_input(r, merge_spec, &id);
	if (err)
		return err;
	hotline_appeal out;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_merge(&c, id, jint(r->body, "main_id", 0), &out, &r->err)))
		return err;
	return reply_appeal(r, 200, &out, NULL);
}

/* ---- lists ------------------------------------------------------------- */

struct list_acc {
	json_t *items;
	int64_t now;
	/* a department user's departments: the list marks lead (主办) or assist (协办) */
	bool scoped;
	int nmine;
	int64_t mine[HOTLINE_DEPT_MAX];
};

static void appeal_visit(const hotline_appeal *a, void *arg)
{
	struct list_acc *acc = arg;
	json_t *j = appeal_json(a, acc->now);
	if (acc->scoped) {
		bool lead = false;
		for (int i = 0; i < acc->nmine && !lead; i++)
			lead = acc->mine[i] == a->department_id;
		SET(j, "my_role", json_string(lead ? "lead" : "assist"));
	}
	json_array_append_new(acc->items, j);
}

/* One suggestion: the appeal (phone masked as everywhere), its reasons in
 * Chinese with a code each, the score, and the merges allowed. */
static void repeat_visit(const hotline_appeal *a, const hotline_repeat_match *m, bool into, bool from, void *arg)
{
	json_t *j = appeal_json(a, 0), *reasons = json_array();
	json_object_del(j, "time_left_seconds");
	char text[48];
	if (m->same_phone)
		json_array_append_new(reasons, json_pack("{s:s, s:s}", "code", "phone", "text", "同一来电号码"));
	if (m->same_place)
		json_array_append_new(reasons, json_pack("{s:s, s:s}", "code", "place", "text", "同一地点"));
	else if (m->close_place) {
		snprintf(text, sizeof text, "地点相近 %d%%", m->place_pct);
		json_array_append_new(reasons, json_pack("{s:s, s:s, s:i}", "code", "place", "text", text, "percent", m->place_pct));
	}
	if (m->text_pct >= HOTLINE_REPEAT_TEXT_MIN) {
		snprintf(text, sizeof text, "内容相近 %d%%", m->text_pct);
		json_array_append_new(reasons, json_pack("{s:s, s:s, s:i}", "code", "text", "text", text, "percent", m->text_pct));
	}
	json_t *s = json_pack("{s:o, s:o, s:i, s:b, s:b}", "appeal", j, "reasons", reasons, "score", m->score, "merge_into",
			      into, "merge_from", from);
	json_array_append_new(arg, s);
}

hm_err hotline_appeal_duplicates_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_APPEAL_NOT_FOUND);
	if (err || (err = http_query_allowed(r, (const char *const[]){NULL})))
		return err;
	json_t *items = json_array();
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_repeats(&c, id, repeat_visit, items, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200,
			  json_pack("{s:o, s:i, s:i, s:i}", "items", items, "window_days", HOTLINE_REPEAT_WINDOW_DAYS,
				    "text_threshold", HOTLINE_REPEAT_TEXT_MIN, "place_threshold", HOTLINE_REPEAT_PLACE_MIN));
}

static const export_col appeal_cols[] = {
	{"no", "诉求编号", COL_TEXT, 16},
	{"created_at", "受理时间", COL_TEXT, 26},
	{"channel_name", "渠道", COL_TEXT, 10},
	{"line", "来电号码", COL_TEXT, 14},
	{"kind_name", "类型", COL_TEXT, 8},
	{"category.path", "分类", COL_TEXT, 24},
	{"caller_name", "诉求人", COL_TEXT, 12},
	{"caller_phone", "联系电话（已脱敏）", COL_TEXT, 16},
	{"place", "地点", COL_TEXT, 24},
	{"content", "诉求内容", COL_TEXT, 40},
	{"emergency", "紧急", COL_BOOL, 6},
	{"status_name", "状态", COL_TEXT, 10},
	{"department.name", "承办单位", COL_TEXT, 22},
	{"due", "办理期限", COL_TEXT, 26},
	{"warning", "预警", COL_TEXT, 8},
	{"replied_at", "答复时间", COL_TEXT, 26},
	{"satisfaction_name", "满意度", COL_TEXT, 10},
	{"district_name", "区（市）", COL_TEXT, 10},
};

static hm_err id_query(hm_req *r, const char *name, int64_t *out)
{
	const char *v = http_qarg(r, name);
	*out = 0;
	if (!*v)
		return HM_OK;
	char *end;
	long long x = strtoll(v, &end, 10);
	if (*end || x <= 0)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为正整数", name);
	*out = x;
	return HM_OK;
}

static bool in_codes(const char *const *codes, const char *s)
{
	for (; *codes; codes++)
		if (strcmp(*codes, s) == 0)
			return true;
	return false;
}

/* Shared by the appeal list and the programme board. */
static hm_err filter_from_query(hm_req *r, hotline_filter *f)
{
	hm_err err;
	f->status = http_qarg(r, "status");
	f->category = http_qarg(r, "category");
	f->channel = http_qarg(r, "channel");
	f->warning = http_qarg(r, "warning");
	f->q = http_qarg(r, "q");
	f->district = http_qarg(r, "district");
	f->emergency = -1;
	if (f->district[0] && !hotline_district_valid(f->district))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "district", "区（市）代码 %.8s 不是枣庄市的区（市）", f->district);
	if (f->status[0] && !in_codes(hotline_statuses(), f->status))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "status", "状态 %.32s 不存在", f->status);
	if (f->category[0] && !hotline_category_find(f->category))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "category", "诉求分类 %.48s 不存在", f->category);
	if (f->channel[0] && !in_codes(hotline_channels(), f->channel))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "channel", "受理渠道 %.32s 不存在", f->channel);
	if (f->warning[0] && !in_codes((const char *const[]){"none", "yellow", "red", NULL}, f->warning))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "warning", "预警等级应为 none、yellow 或 red");
	if ((err = id_query(r, "department_id", &f->department_id)) || (err = id_query(r, "programme_id", &f->programme_id)))
		return err;
	if (f->department_id && !hotline_department_find(f->department_id))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "department_id", "承办单位不存在");
	const char *em = http_qarg(r, "emergency");
	if (*em) {
		if (strcmp(em, "true") != 0 && strcmp(em, "false") != 0)
			return hm_failf(&r->err, HM_E_BAD_QUERY, "emergency", "查询参数 emergency 应为 true 或 false");
		f->emergency = strcmp(em, "true") == 0;
	}
	int32_t day;
	if (http_qarg(r, "from")[0]) {
		if (hm_date_parse(http_qarg(r, "from"), &day, &r->err, "from"))
			return hm_failf(&r->err, HM_E_BAD_QUERY, "from", "起始日期应为 YYYY-MM-DD");
		f->from = hm_day_start(day);
	}
	if (http_qarg(r, "to")[0]) {
		if (hm_date_parse(http_qarg(r, "to"), &day, &r->err, "to"))
			return hm_failf(&r->err, HM_E_BAD_QUERY, "to", "截止日期应为 YYYY-MM-DD");
		f->to = hm_day_start(day + 1); /* the whole last day */
	}
	return HM_OK;
}

hm_err hotline_appeals_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"status", "category", "channel", "department_id", "programme_id", "warning",
					      "emergency", "from", "to", "q", "district", "page", "page_size", "format", NULL};
	hotline_filter f;
	memset(&f, 0, sizeof f);
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = filter_from_query(r, &f)))
		return err;
	hotline_ctx c = ctx_of(r);
	struct list_acc acc = {json_array(), r->now, hotline_scope(&r->user) != 0, 0, {0}};
	if (acc.scoped && (err = hotline_user_departments(&c, acc.mine, HOTLINE_DEPT_MAX, &acc.nmine, &r->err))) {
		json_decref(acc.items);
		return err;
	}
	int64_t total;
	if ((err = hotline_appeal_list(&c, &f, appeal_visit, &acc, &total, &r->err))) {
		json_decref(acc.items);
		return err;
	}
	return http_list_reply(r, acc.items, total, f.page, f.page_size, xlsx, "appeals", "热线诉求", appeal_cols,
			  sizeof appeal_cols / sizeof appeal_cols[0]);
}

/* 待回访: replied appeals (the head approved the answer), soonest callback first. */
hm_err hotline_callbacks_due_handler(hm_req *r)
{
	static const char *const allowed[] = {"warning", "district", "page", "page_size", "format", NULL};
	static const export_col cols[] = {
		{"no", "诉求编号", COL_TEXT, 16},          {"category.path", "分类", COL_TEXT, 24},
		{"district_name", "区（市）", COL_TEXT, 10}, {"caller_name", "诉求人", COL_TEXT, 12},
		{"caller_phone", "联系电话（已脱敏）", COL_TEXT, 16}, {"department.name", "承办单位", COL_TEXT, 22},
		{"replied_at", "答复时间", COL_TEXT, 26},    {"callback_due", "回访期限", COL_TEXT, 26},
		{"callback_warning", "回访预警", COL_TEXT, 10},
	};
	hotline_filter f;
	memset(&f, 0, sizeof f);
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)))
		return err;
	const char *w = http_qarg(r, "warning");
	if (w[0] && !in_codes((const char *const[]){"none", "yellow", "red", NULL}, w))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "warning", "预警等级应为 none、yellow 或 red");
	f.district = http_qarg(r, "district");
	if (f.district[0] && !hotline_district_valid(f.district))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "district", "区（市）代码 %.8s 不是枣庄市的区（市）", f.district);
	f.status = "replied";
	f.emergency = -1;
	f.by_callback_due = true;
	f.callback_warning = w;
	hotline_ctx c = ctx_of(r);
	struct list_acc acc = {json_array(), r->now, false, 0, {0}};
	int64_t total;
	if ((err = hotline_appeal_list(&c, &f, appeal_visit, &acc, &total, &r->err))) {
		json_decref(acc.items);
		return err;
	}
	return http_list_reply(r, acc.items, total, f.page, f.page_size, xlsx, "callbacks-due", "待回访", cols,
			       sizeof cols / sizeof cols[0]);
}

/* ---- attachments ------------------------------------------------------- */

hm_err hotline_attachment_upload_handler(hm_req *r)
{
	static const char *const allowed[] = {"filename", NULL};
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_APPEAL_NOT_FOUND);
	if (err || (err = http_query_allowed(r, allowed)))
		return err;
	const char *name = http_qarg(r, "filename");
	if (!name[0])
		return hm_failf(&r->err, HM_E_MISSING_FIELD, "filename", "请在查询参数 filename 中给出文件名");
	if (strlen(name) > 400)
		return hm_fail(&r->err, HM_E_ATTACHMENT_NAME, "filename");
	hotline_attachment a;
	bool existed;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_attachment_upload(&c, r->app->data_dir, id, name, r->upload, r->upload_len,
					     http_header(r, "Content-Type"), &a, &existed, &r->err)))
		return err;
	return http_reply(r, existed ? 200 : 201,
			  json_pack("{s:o, s:b}", "attachment", hl_attachment_json(&a), "duplicate", existed));
}

hm_err hotline_attachments_list_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_APPEAL_NOT_FOUND);
	if (err || (err = http_query_allowed(r, (const char *const[]){NULL})))
		return err;
	json_t *items = json_array();
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_attachments_list(&c, id, hl_attachment_visit, items, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:o}", "items", items));
}

hm_err hotline_attachment_download_handler(hm_req *r)
{
	int64_t id, aid;
	hm_err err = http_param_id(r, 0, &id, HM_E_APPEAL_NOT_FOUND);
	if (err || (err = http_param_id(r, 1, &aid, HM_E_APPEAL_ATTACHMENT_NOT_FOUND)))
		return err;
	hotline_attachment a;
	char *data;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_attachment_download(&c, r->app->data_dir, id, aid, &a, &data, &r->err)))
		return err;
	/* the stored type is the one read from the bytes at upload */
	static const char *const types[] = {"application/pdf", "image/jpeg", "image/png"};
	const char *type = "application/octet-stream";
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i], a.content_type) == 0)
			type = types[i];
	err = http_reply_raw(r, 200, type, data, (size_t)a.size);
	free(data);
	if (!err)
		snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"appeal-%lld-attachment-%lld.%s\"",
			 (long long)id, (long long)aid, strcmp(type, "application/pdf") == 0 ? "pdf"
							    : strcmp(type, "image/png") == 0   ? "png"
											       : "jpg");
	return err;
}

/* ---- programmes -------------------------------------------------------- */

static const jfield programme_spec[] = {
	{"title", JF_STRING, true, 1, 60, NULL, 0},
	{"starts_at", JF_STRING, true, 10, 40, NULL, 0},
	{"ends_at", JF_STRING, true, 10, 40, NULL, 0},
	{"guests", JF_STRING, true, 1, 300, NULL, 0},
	{"scope", JF_STRING_ARRAY, true, 1, 16, NULL, 47},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	END,
};

static json_t *programme_json(const hotline_programme *p)
{
	json_t *scope = json_array();
	for (int i = 0; i < p->nscope; i++)
		json_array_append_new(scope, category_json(p->scope[i]));
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)p->id, "title", p->title, "guests", p->guests,
			      "note", p->note, "scope", scope);
	SET(j, "starts_at", json_time(p->starts_at));
	SET(j, "ends_at", json_time(p->ends_at));
	SET(j, "created_at", json_time(p->created_at));
	return j;
}

hm_err hotline_programme_create_handler(hm_req *r)
{
	hm_err err = http_body(r, programme_spec);
	if (err)
		return err;
	hotline_programme p;
	memset(&p, 0, sizeof p);
	COPY(p.title, jstr(r->body, "title"));
	COPY(p.guests, jstr(r->body, "guests"));
	COPY(p.note, jstr(r->body, "note"));
	if ((err = hm_time_parse(jstr(r->body, "starts_at"), &p.starts_at, &r->err, "starts_at")) ||
	    (err = hm_time_parse(jstr(r->body, "ends_at"), &p.ends_at, &r->err, "ends_at")))
		return err;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r->body, "scope"), i, v)
	{
		if (p.nscope < 16)
			COPY(p.scope[p.nscope++], json_string_value(v));
	}
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_programme_create(&c, &p, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "programme", programme_json(&p)));
}

hm_err hotline_programme_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_PROGRAMME_NOT_FOUND);
	if (err)
		return err;
	hotline_programme p;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_programme_get(&c, id, &p, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "programme", programme_json(&p)));
}

static void programme_visit(const hotline_programme *p, void *arg)
{
	json_array_append_new(arg, programme_json(p));
}

static const export_col programme_cols[] = {
	{"id", "编号", COL_INT, 8},         {"title", "节目", COL_TEXT, 30},       {"starts_at", "开始时间", COL_TEXT, 26},
	{"ends_at", "结束时间", COL_TEXT, 26}, {"guests", "上线嘉宾", COL_TEXT, 30}, {"scope", "受理范围", COL_TAGS, 30},
	{"note", "备注", COL_TEXT, 30},
};

hm_err hotline_programmes_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"page", "page_size", "format", NULL};
	int page, size;
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &page, &size)))
		return err;
	json_t *items = json_array();
	int64_t total;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_programme_list(&c, page, size, programme_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, page, size, xlsx, "programmes", "直播节目", programme_cols,
			       sizeof programme_cols / sizeof programme_cols[0]);
}

/* The on-air board: every appeal taken in the programme that is still
 * waiting for its answer, with the counts of all and answered ones. */
hm_err hotline_programme_board_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_PROGRAMME_NOT_FOUND);
	if (err || (err = http_query_allowed(r, (const char *const[]){NULL})))
		return err;
	hotline_programme p;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_programme_get(&c, id, &p, &r->err)))
		return err;
	hotline_filter f;
	memset(&f, 0, sizeof f);
	f.programme_id = id;
	f.emergency = -1;
	f.page = 1;
	f.page_size = 1; /* this first pass only counts */
	int64_t all, waiting;
	json_t *none = json_array();
	err = hotline_appeal_list(&c, &f, appeal_visit, &(struct list_acc){.items = none, .now = r->now}, &all, &r->err);
	json_decref(none);
	if (err)
		return err;
	f.open_only = true;
	f.page_size = EXPORT_MAX_ROWS;
	struct list_acc acc = {.items = json_array(), .now = r->now};
	if ((err = hotline_appeal_list(&c, &f, appeal_visit, &acc, &waiting, &r->err))) {
		json_decref(acc.items);
		return err;
	}
	return http_reply(r, 200,
			  json_pack("{s:o, s:o, s:I, s:I, s:I}", "programme", programme_json(&p), "waiting", acc.items,
				    "total", (json_int_t)all, "answered", (json_int_t)(all - waiting), "open",
				    (json_int_t)waiting));
}

static void outcome_visit(const hotline_outcome_row *row, void *arg)
{
	const hotline_category *cat = hotline_category_find(row->category);
	const hotline_category *par = cat && cat->parent[0] ? hotline_category_find(cat->parent) : NULL;
	char path[160];
	snprintf(path, sizeof path, "%s%s%s", par ? par->name : "", par ? " / " : "", cat ? cat->name : row->category);
	const hotline_department *d = hotline_department_find(row->department_id);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "no", row->no, "category", row->category,
			      "category_path", path, "district", row->district, "district_name",
			      hotline_district_name(row->district), "place", row->place, "content", row->content,
			      "department_name", d ? d->name : "", "status_name", hotline_status_name(row->status),
			      "answer", row->answer);
	SET(j, "status", json_string(row->status));
	SET(j, "answered_at", json_time(row->answered_at));
	SET(j, "programme_tier", row->programme_tier ? json_integer(row->programme_tier) : json_null());
	json_array_append_new(arg, j);
}

/* After the programme: every appeal taken on air and its answer, with no
 * personal data, as JSON, Excel or a PDF for the follow-up broadcast. */
hm_err hotline_programme_outcome_handler(hm_req *r)
{
	static const export_col cols[] = {
		{"no", "诉求编号", COL_TEXT, 16},          {"category_path", "分类", COL_TEXT, 24},
		{"district_name", "区（市）", COL_TEXT, 10}, {"place", "地点", COL_TEXT, 24},
		{"content", "诉求内容", COL_TEXT, 50},      {"department_name", "承办单位", COL_TEXT, 22},
		{"programme_tier", "办理档次（工作日）", COL_INT, 12}, {"status_name", "办理状态", COL_TEXT, 10},
		{"answer", "答复", COL_TEXT, 50},           {"answered_at", "答复时间", COL_TEXT, 26},
	};
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_PROGRAMME_NOT_FOUND);
	if (err || (err = http_query_allowed(r, (const char *const[]){"format", NULL})))
		return err;
	const char *fmt = http_qarg(r, "format");
	if (fmt[0] && !in_codes((const char *const[]){"json", "xlsx", "pdf", NULL}, fmt))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "format", "format 应为 json、xlsx 或 pdf");
	hotline_ctx c = ctx_of(r);
	if (strcmp(fmt, "pdf") == 0) {
		char *pdf;
		size_t len;
		if ((err = hotline_outcome_pdf(&c, id, &pdf, &len, &r->err)))
			return err;
		err = http_reply_raw(r, 200, "application/pdf", pdf, len);
		free(pdf);
		if (!err)
			snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"programme-%lld-outcome.pdf\"",
				 (long long)id);
		return err;
	}
	hotline_programme p;
	json_t *items = json_array();
	if ((err = hotline_programme_outcome(&c, id, &p, outcome_visit, items, &r->err))) {
		json_decref(items);
		return err;
	}
	if (strcmp(fmt, "xlsx") == 0) {
		err = export_reply_xlsx(r, "programme-outcome", "节目诉求办理结果", cols, sizeof cols / sizeof cols[0], items);
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:o, s:o, s:I}", "programme", programme_json(&p), "items", items, "total",
					     (json_int_t)json_array_size(items)));
}

/* ---- departments ------------------------------------------------------- */

hm_err hotline_departments_list_handler(hm_req *r)
{
	size_t n;
	const hotline_department *d = hotline_departments(&n);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)d[i].id, "code", d[i].code,
						       "org", d[i].org, "name", d[i].name));
	int64_t mine[HOTLINE_DEPT_MAX];
	int nmine = 0;
	hotline_ctx c = ctx_of(r);
	hm_err err = hotline_user_departments(&c, mine, HOTLINE_DEPT_MAX, &nmine, &r->err);
	if (err) {
		json_decref(items);
		return err;
	}
	json_t *my = json_array();
	for (int i = 0; i < nmine; i++)
		json_array_append_new(my, json_integer(mine[i]));
	return http_reply(r, 200, json_pack("{s:o, s:o}", "items", items, "mine", my));
}

static void member_visit(int64_t uid, const char *username, const char *name, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)uid, "username", username,
					     "display_name", name));
}

hm_err hotline_department_members_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DEPARTMENT_NOT_FOUND);
	if (err)
		return err;
	json_t *items = json_array();
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_members(&c, id, member_visit, items, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:o}", "items", items));
}

static const jfield member_spec[] = {{"username", JF_STRING, true, 1, 64, NULL, 0}, END};

hm_err hotline_department_member_add_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DEPARTMENT_NOT_FOUND);
	if (err || (err = http_body(r, member_spec)))
		return err;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_member_add(&c, id, jstr(r->body, "username"), &r->err)))
		return err;
	json_t *items = json_array();
	if ((err = hotline_members(&c, id, member_visit, items, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 201, json_pack("{s:o}", "items", items));
}

/* ---- missed calls ------------------------------------------------------ */

static json_t *missed_json(const hotline_missed_call *m)
{
	char phone[24];
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:i}", "id", (json_int_t)m->id, "line", m->line, "caller_phone",
			      hotline_mask_phone(m->caller_phone, phone, sizeof phone), "status", m->status, "attempts",
			      m->attempts);
	SET(j, "missed_at", json_time(m->missed_at));
	SET(j, "appeal_id", m->appeal_id ? json_integer(m->appeal_id) : json_null());
	SET(j, "created_at", json_time(m->created_at));
	return j;
}

static const jfield missed_spec[] = {
	{"line", JF_STRING, true, 1, 16, NULL, 0},
	{"caller_phone", JF_STRING, true, 1, 20, NULL, 0},
	{"missed_at", JF_STRING, true, 10, 40, NULL, 0},
	END,
};

hm_err hotline_missed_create_handler(hm_req *r)
{
	hm_err err = http_body(r, missed_spec);
	if (err)
		return err;
	hotline_missed_call m;
	memset(&m, 0, sizeof m);
	COPY(m.line, jstr(r->body, "line"));
	COPY(m.caller_phone, jstr(r->body, "caller_phone"));
	if ((err = hm_time_parse(jstr(r->body, "missed_at"), &m.missed_at, &r->err, "missed_at")))
		return err;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_missed_create(&c, &m, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "missed_call", missed_json(&m)));
}

static const jfield attempt_spec[] = {
	{"result", JF_STRING, true, 1, 16, NULL, 0},
	{"note", JF_STRING, false, 0, 500, NULL, 0},
	{"appeal_id", JF_INT, false, 1, INT64_MAX, NULL, 0},
	END,
};

hm_err hotline_missed_attempt_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_MISSED_CALL_NOT_FOUND);
	if (err || (err = http_body(r, attempt_spec)))
		return err;
	hotline_missed_call m;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_missed_attempt(&c, id, jstr(r->body, "result"), jstr(r->body, "note"),
					  jint(r->body, "appeal_id", 0), &m, &r->err)))
		return err;
	json_t *cbs = json_array();
	if ((err = hotline_callbacks_list(&c, id, true, cb_visit, cbs, &r->err))) {
		json_decref(cbs);
		return err;
	}
	json_t *j = missed_json(&m);
	SET(j, "callbacks", cbs);
	return http_reply(r, 200, json_pack("{s:o}", "missed_call", j));
}

static void missed_visit(const hotline_missed_call *m, void *arg)
{
	json_array_append_new(arg, missed_json(m));
}

hm_err hotline_missed_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"status", "page", "page_size", "format", NULL};
	static const export_col cols[] = {
		{"id", "编号", COL_INT, 8},          {"line", "来电线路", COL_TEXT, 16},
		{"caller_phone", "来电号码（已脱敏）", COL_TEXT, 18}, {"missed_at", "未接时间", COL_TEXT, 26},
		{"status", "回拨状态", COL_TEXT, 12}, {"attempts", "回拨次数", COL_INT, 10},
		{"appeal_id", "转为诉求", COL_INT, 10},
	};
	int page, size;
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &page, &size)))
		return err;
	const char *status = http_qarg(r, "status");
	if (status[0] && !in_codes((const char *const[]){"open", "reached", "unreachable", NULL}, status))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "status", "状态应为 open、reached 或 unreachable");
	json_t *items = json_array();
	int64_t total;
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_missed_list(&c, status, page, size, missed_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, page, size, xlsx, "missed-calls", "未接来电", cols, sizeof cols / sizeof cols[0]);
}

/* ---- dictionaries and audit ---------------------------------------------- */

static json_t *codes_json(const char *const *codes, const char *(*name)(const char *))
{
	json_t *a = json_array();
	for (; *codes; codes++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code", *codes, "name", name(*codes)));
	return a;
}

json_t *hotline_dicts_json(void)
{
	size_t n;
	const hotline_category *cat = hotline_categories(&n);
	int v = hotline_catalog_version();
	json_t *cats = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!hotline_category_current(cat[i].code))
			continue;
		json_array_append_new(cats, json_pack("{s:s, s:s, s:s, s:i, s:s}", "code", cat[i].code, "parent",
						      cat[i].parent, "name", cat[i].name, "workdays", cat[i].workdays,
						      "description", cat[i].description));
	}
	const hotline_department *d = hotline_departments(&n);
	json_t *depts = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(depts, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)d[i].id, "code", d[i].code,
						       "org", d[i].org, "name", d[i].name));
	const hotline_district *zd = hotline_districts(&n);
	json_t *districts = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(districts, json_pack("{s:s, s:s}", "code", zd[i].code, "name", zd[i].name));
	json_t *lines = json_array();
	for (const char *const *l = hotline_lines; *l; l++)
		json_array_append_new(lines, json_string(*l));
	json_t *sats = json_array();
	static const char *const sat[] = {"satisfied", "basically", "unsatisfied", NULL};
	for (const char *const *s = sat; *s; s++)
		json_array_append_new(sats, json_pack("{s:s, s:s}", "code", *s, "name", hotline_satisfaction_name(*s)));
	return json_pack("{s:{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}}", "hotline", "catalog_version", v, "categories",
			 cats, "departments", depts, "districts", districts, "lines", lines, "channels",
			 codes_json(hotline_channels(), hotline_channel_name), "kinds",
			 codes_json(hotline_kinds(), hotline_kind_name), "statuses",
			 codes_json(hotline_statuses(), hotline_status_name), "satisfaction", sats);
}

hm_err hotline_audit_visible(hm_req *r, const char *entity, int64_t id)
{
	hotline_ctx c = ctx_of(r);
	if (strcmp(entity, "appeal") == 0) {
		hotline_appeal a;
		return hotline_appeal_get(&c, id, &a, &r->err);
	}
	/* programmes and missed calls are the hotline office's own records */
	if (hotline_scope(&r->user) || !perm_has(r->user.role, "hotline:appeal:read"))
		return hm_fail(&r->err, HM_E_FORBIDDEN, "entity");
	return HM_OK;
}
