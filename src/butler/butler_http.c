/* The butler's handlers: parse and check, call one operation, reply. */
#include "butler/butler_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "butler/butler.h"
#include "core/hmtime.h"
#include "core/log.h"
#include "core/money.h"
#include "core/filestore.h"
#include "hotline/hotline.h"
#include "http/export.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define END {NULL, 0, false, 0, 0, NULL, 0}
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static butler_ctx ctx_of(hm_req *r)
{
	/* the catalogue may have been edited by another request since: a stale
	 * snapshot is still a whole catalogue, so a failed check only logs */
	hm_error e;
	if (butler_catalog_sync(r->db, &e) != HM_OK)
		hm_log_error("butler: catalogue not refreshed: %s", hm_err_code(e.err));
	return (butler_ctx){r->db, &r->user, r->now, r->app->calendar};
}

/* A positive id query argument; 0 when absent. */
static hm_err qid(hm_req *r, const char *name, int64_t *out)
{
	const char *s = http_qarg(r, name);
	*out = 0;
	if (!s[0])
		return HM_OK;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v <= 0 || s[0] == '+' || s[0] == '0')
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为正整数", name);
	*out = v;
	return HM_OK;
}

/* A yes/no query argument: 1/true, 0/false; dflt when absent. */
static hm_err qbool(hm_req *r, const char *name, int dflt, int *out)
{
	const char *s = http_qarg(r, name);
	if (!s[0])
		*out = dflt;
	else if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
		*out = 1;
	else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
		*out = 0;
	else
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为 1 或 0", name);
	return HM_OK;
}

static hm_err qenum(hm_req *r, const char *name, bool (*valid)(const char *), const char **out)
{
	*out = http_qarg(r, name);
	if ((*out)[0] && (strlen(*out) > 32 || !valid(*out)))
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 的取值 %.32s 不存在", name, *out);
	return HM_OK;
}

static hm_err qdate(hm_req *r, const char *name, const char **out)
{
	*out = http_qarg(r, name);
	int32_t d;
	if ((*out)[0] && hm_date_parse(*out, &d, NULL, NULL) != HM_OK)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为日期 YYYY-MM-DD", name);
	return HM_OK;
}

static json_t *ref_json(int64_t id, const char *name)
{
	return id ? json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name) : json_null();
}

static json_t *split_json(const char *list)
{
	json_t *a = json_array();
	char buf[2048];
	COPY(buf, list);
	for (char *save = NULL, *m = strtok_r(buf, "|", &save); m; m = strtok_r(NULL, "|", &save))
		json_array_append_new(a, json_string(m));
	return a;
}

static json_t *day_json(int32_t day)
{
	char buf[11];
	return day ? json_string(hm_date_format(day, buf, sizeof buf)) : json_null();
}

/* ---- dictionaries --------------------------------------------------------- */

static json_t *pairs(const char *const *codes, const char *(*name)(const char *))
{
	json_t *a = json_array();
	for (; *codes; codes++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code", *codes, "name", name(*codes)));
	return a;
}

json_t *butler_dicts_json(void)
{
	static const char *const stages[] = {"land", "engineering", "construction", "acceptance", "completed", NULL};
	static const char *const levels[] = {"province", "city", "district", NULL};
	static const char *const statuses[] = {"todo", "in_progress", "done", "exempt", NULL};
	static const char *const qstatuses[] = {"handed_over", "answered", NULL};
	static const char *const methods[] = {"in_person", "mail", "electronic", NULL};
	size_t n;
	const butler_proc_def *d = butler_catalog(&n);
	json_t *procs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			procs, json_pack("{s:I, s:i, s:b, s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:o, s:o, s:s, s:s}", "id",
					 (json_int_t)d[i].id, "version", d[i].version, "retired", d[i].retired, "code",
					 d[i].code, "name",
					 d[i].name, "stage", d[i].stage, "stage_name", butler_stage_name(d[i].stage),
					 "department", d[i].department, "time_limit_workdays", d[i].workdays, "per_building",
					 d[i].per_building, "materials", split_json(d[i].materials), "flow",
					 split_json(d[i].flow), "source", d[i].source, "to_confirm", d[i].check));
	/* where a question can be handed: the hotline's departments */
	json_t *depts = json_array();
	size_t nd;
	const hotline_department *hd = hotline_departments(&nd);
	for (size_t i = 0; i < nd; i++)
		json_array_append_new(depts, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)hd[i].id, "name", hd[i].name,
						       "org", hd[i].org));
	const butler_rules *r = butler_rules_get();
	json_t *out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:s, s:s, s:i, s:s, s:i, s:i}}", "butler_stages",
			 pairs(stages, butler_stage_name), "butler_levels", pairs(levels, butler_level_name),
			 "butler_procedure_statuses", pairs(statuses, butler_status_name), "butler_question_statuses",
			 pairs(qstatuses, butler_status_name), "butler_delivery_methods",
			 pairs(methods, butler_method_name), "butler_procedures", procs, "butler_rules",
			 "permit_exempt_investment", (json_int_t)r->exempt_investment, "permit_exempt_area",
			 (json_int_t)r->exempt_area, "permit_exempt_procedure", BUTLER_EXEMPT_CODE, "permit_exempt_source",
			 r->exempt_source, "approval_target_workdays", r->target_workdays, "approval_target_source",
			 r->target_source, "question_deadline_default", r->question_deadline_default,
			 "question_deadline_max", r->question_deadline_max);
	json_object_set_new(out, "butler_handover_departments", depts);
	return out;
}

hm_err butler_catalogue_handler(hm_req *r)
{
	static const char *const allowed[] = {NULL};
	hm_err err = http_query_allowed(r, allowed);
	if (err)
		return err;
	(void)ctx_of(r); /* brings the catalogue snapshot up to date */
	return http_reply(r, 200, butler_dicts_json());
}

/* ---- teams ---------------------------------------------------------------- */

static json_t *team_json(const butler_team *t)
{
	json_t *m = json_array();
	for (int i = 0; i < t->nmembers; i++)
		json_array_append_new(m, json_pack("{s:I, s:s, s:s, s:s, s:b}", "user_id", (json_int_t)t->members[i].user_id,
						   "username", t->members[i].username, "name", t->members[i].name, "phone",
						   t->members[i].phone, "leader", t->members[i].leader));
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)t->id, "district", t->district, "name",
			      t->name, "phone", t->phone, "projects", (json_int_t)t->projects, "members", m);
	char leaders[512] = "", names[2048] = "";
	size_t lo = 0, no = 0;
	for (int i = 0; i < t->nmembers; i++) {
		if (t->members[i].leader && lo < sizeof leaders)
			lo += (size_t)snprintf(leaders + lo, sizeof leaders - lo, "%s%s", lo ? "、" : "", t->members[i].name);
		if (no < sizeof names)
			no += (size_t)snprintf(names + no, sizeof names - no, "%s%s", no ? "、" : "", t->members[i].name);
	}
	json_object_set_new(j, "leader_names", json_string(leaders));
	json_object_set_new(j, "member_names", json_string(names));
	return j;
}

static void team_visit(const butler_team *t, void *arg)
{
	json_array_append_new(arg, team_json(t));
}

static const export_col team_cols[] = {
	{"id", "编号", COL_INT, 8},           {"name", "团队名称", COL_TEXT, 28}, {"district", "区（市）代码", COL_TEXT, 12},
	{"leader_names", "负责人", COL_TEXT, 14}, {"member_names", "成员", COL_TEXT, 40}, {"phone", "联系电话", COL_TEXT, 16},
	{"projects", "帮包项目数", COL_INT, 12},
};

hm_err butler_teams_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"page", "page_size", "format", NULL};
	bool xlsx;
	int page, size;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &page, &size)))
		return err;
	json_t *all = json_array();
	butler_ctx c = ctx_of(r);
	if ((err = butler_team_list(&c, team_visit, all, &r->err))) {
		json_decref(all);
		return err;
	}
	/* teams are few (seven per district): page in memory */
	json_t *items = json_array();
	size_t total = json_array_size(all);
	for (size_t i = (size_t)(page - 1) * (size_t)size; i < total && i < (size_t)page * (size_t)size; i++)
		json_array_append(items, json_array_get(all, i));
	json_decref(all);
	return http_list_reply(r, items, (int64_t)total, page, size, xlsx, "butler-teams", "项目管家团队", team_cols,
			  NCOLS(team_cols));
}

static const jfield team_spec[] = {
	{"name", JF_STRING, true, 1, 32, NULL, 0},
	{"phone", JF_STRING, false, 0, 20, NULL, 0},
	END,
};

hm_err butler_team_create_handler(hm_req *r)
{
	hm_err err = http_body(r, team_spec);
	if (err)
		return err;
	butler_team t;
	memset(&t, 0, sizeof t);
	COPY(t.name, jstr(r->body, "name"));
	COPY(t.phone, jstr(r->body, "phone"));
	butler_ctx c = ctx_of(r);
	if ((err = butler_team_create(&c, &t, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "team", team_json(&t)));
}

static const jfield member_spec[] = {
	{"username", JF_STRING, true, 1, 64, NULL, 0},
	{"phone", JF_STRING, false, 0, 20, NULL, 0},
	{"leader", JF_BOOL, false, 0, 0, NULL, 0},
	END,
};

hm_err butler_member_add_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_TEAM_NOT_FOUND);
	if (err || (err = http_body(r, member_spec)))
		return err;
	butler_team t;
	butler_ctx c = ctx_of(r);
	if ((err = butler_member_add(&c, id, jstr(r->body, "username"), jstr(r->body, "phone"),
				     jbool(r->body, "leader", false), &t, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "team", team_json(&t)));
}

hm_err butler_member_remove_handler(hm_req *r)
{
	int64_t id, uid;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_TEAM_NOT_FOUND);
	if (err || (err = http_param_id(r, 1, &uid, HM_E_BUTLER_MEMBER_NOT_FOUND)))
		return err;
	butler_team t;
	butler_ctx c = ctx_of(r);
	if ((err = butler_member_remove(&c, id, uid, &t, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "team", team_json(&t)));
}

/* ---- projects ------------------------------------------------------------- */

static json_t *project_json(const butler_project *p, const hm_divisions *div)
{
	const char *dname = divisions_name(div, p->district);
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)p->id,
			      "district", p->district, "district_name", dname ? dname : "", "town", p->town, "name", p->name,
			      "level", p->level, "level_name", butler_level_name(p->level), "industry", p->industry,
			      "enterprise", p->enterprise, "uscc", p->uscc, "contact_name", p->contact_name, "investment",
			      (json_int_t)p->investment);
	json_object_set_new(j, "contact_phone", json_string(p->contact_phone));
	json_object_set_new(j, "floor_area", p->floor_area >= 0 ? json_integer(p->floor_area) : json_null());
	json_object_set_new(j, "planned_start", json_string(p->planned_start));
	json_object_set_new(j, "planned_finish", json_string(p->planned_finish));
	json_object_set_new(j, "stage", json_string(p->stage));
	json_object_set_new(j, "stage_name", json_string(butler_stage_name(p->stage)));
	json_object_set_new(j, "problems", json_string(p->problems));
	json_object_set_new(j, "measures", json_string(p->measures));
	json_object_set_new(j, "team", ref_json(p->team_id, p->team_name));
	json_object_set_new(j, "team_name", json_string(p->team_name));
	json_t *ap = json_pack("{s:o, s:o, s:b, s:i, s:i, s:b, s:b, s:i, s:i}", "first_start", day_json(p->span.first_start),
			       "end", day_json(p->span.first_start ? p->span.end : 0), "complete", p->span.complete,
			       "elapsed_workdays", p->span.elapsed, "target_workdays",
			       butler_rules_get()->target_workdays, "over_target", p->span.over_target, "estimated",
			       p->span.estimated, "missing_count", p->span.missing, "procedures", p->nprocs);
	json_object_set_new(j, "approval", ap);
	json_object_set_new(j, "elapsed_workdays", json_integer(p->span.elapsed));
	json_object_set_new(j, "missing", json_string(p->missing));
	json_object_set_new(j, "is_demo", json_boolean(p->is_demo));
	json_object_set_new(j, "created_at", json_time(p->created_at));
	json_object_set_new(j, "updated_at", json_time(p->updated_at));
	return j;
}

static json_t *proc_json(const butler_proc *x)
{
	const butler_proc_def *d = butler_proc_find(x->code);
	json_t *j = json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "id", (json_int_t)x->id,
			      "project", ref_json(x->project_id, x->project_name), "team", ref_json(x->team_id, x->team_name),
			      "code", x->code, "name", d ? d->name : x->code, "stage", d ? d->stage : "", "stage_name",
			      d ? butler_stage_name(d->stage) : "", "department", d ? d->department : "",
			      "time_limit_workdays", d ? d->workdays : 0, "item", x->item, "status", x->status,
			      "status_name", butler_status_name(x->status));
	json_object_set_new(j, "project_name", json_string(x->project_name));
	json_object_set_new(j, "exempt_reason", json_string(x->exempt_reason));
	json_object_set_new(j, "by_rule", json_boolean(x->by_rule));
	json_object_set_new(j, "started_on", json_string(x->started_on));
	json_object_set_new(j, "finished_on", json_string(x->finished_on));
	json_object_set_new(j, "doc_name", json_string(x->doc_name));
	json_object_set_new(j, "doc_no", json_string(x->doc_no));
	json_object_set_new(j, "note", json_string(x->note));
	json_object_set_new(j, "updated_at", json_time(x->updated_at));
	return j;
}

static void proc_visit(const butler_proc *x, void *arg)
{
	json_array_append_new(arg, proc_json(x));
}

static void assignment_visit(const butler_assignment *a, void *arg)
{
	json_t *j = json_pack("{s:I, s:o, s:s, s:s, s:o}", "id", (json_int_t)a->id, "team", ref_json(a->team_id, a->team_name),
			      "note", a->note, "assigned_by", a->assigned_by, "assigned_at", json_time(a->assigned_at));
	json_object_set_new(j, "ended_at", json_time(a->ended_at));
	json_array_append_new(arg, j);
}

/* The project with its checklist and assignment history. */
static hm_err project_full_reply(hm_req *r, int status, const butler_project *p)
{
	butler_ctx c = ctx_of(r);
	json_t *procs = json_array(), *hist = json_array();
	hm_err err = butler_project_procs(&c, p->id, proc_visit, procs, &r->err);
	if (!err)
		err = butler_project_assignments(&c, p->id, assignment_visit, hist, &r->err);
	if (err) {
		json_decref(procs);
		json_decref(hist);
		return err;
	}
	json_t *j = project_json(p, r->app->divisions);
	json_object_set_new(j, "procedures", procs);
	json_object_set_new(j, "assignments", hist);
	return http_reply(r, status, json_pack("{s:o}", "project", j));
}

static const jfield project_spec[] = {
	{"name", JF_STRING, true, 1, 100, NULL, 0},
	{"town", JF_STRING, true, 1, 32, NULL, 0},
	{"level", JF_STRING, true, 1, 12, NULL, 0},
	{"industry", JF_STRING, true, 1, 32, NULL, 0},
	{"enterprise", JF_STRING, true, 1, 100, NULL, 0},
	{"uscc", JF_STRING, true, 1, 18, NULL, 0},
	{"contact_name", JF_STRING, true, 1, 32, NULL, 0},
	{"contact_phone", JF_STRING, true, 1, 20, NULL, 0},
	{"investment", JF_INT, true, 0, MONEY_MAX_FEN, NULL, 0},
	{"floor_area", JF_INT, false, 0, 10000000000LL, NULL, 0},
	{"planned_start", JF_STRING, true, 10, 10, NULL, 0},
	{"planned_finish", JF_STRING, false, 0, 10, NULL, 0},
	{"stage", JF_STRING, false, 0, 16, NULL, 0},
	{"problems", JF_STRING, false, 0, 500, NULL, 0},
	{"measures", JF_STRING, false, 0, 500, NULL, 0},
	{"buildings", JF_STRING_ARRAY, false, 0, BUTLER_MAX_BUILDINGS, NULL, 50},
	END,
};

/* The same fields without buildings: those are added one by one. */
static const jfield project_update_spec[] = {
	{"name", JF_STRING, true, 1, 100, NULL, 0},
	{"town", JF_STRING, true, 1, 32, NULL, 0},
	{"level", JF_STRING, true, 1, 12, NULL, 0},
	{"industry", JF_STRING, true, 1, 32, NULL, 0},
	{"enterprise", JF_STRING, true, 1, 100, NULL, 0},
	{"uscc", JF_STRING, true, 1, 18, NULL, 0},
	{"contact_name", JF_STRING, true, 1, 32, NULL, 0},
	{"contact_phone", JF_STRING, true, 1, 20, NULL, 0},
	{"investment", JF_INT, true, 0, MONEY_MAX_FEN, NULL, 0},
	{"floor_area", JF_INT, false, 0, 10000000000LL, NULL, 0},
	{"planned_start", JF_STRING, true, 10, 10, NULL, 0},
	{"planned_finish", JF_STRING, false, 0, 10, NULL, 0},
	{"stage", JF_STRING, true, 1, 16, NULL, 0},
	{"problems", JF_STRING, false, 0, 500, NULL, 0},
	{"measures", JF_STRING, false, 0, 500, NULL, 0},
	END,
};

static void project_from_json(const json_t *b, butler_project *p)
{
	memset(p, 0, sizeof *p);
	COPY(p->name, jstr(b, "name"));
	COPY(p->town, jstr(b, "town"));
	COPY(p->level, jstr(b, "level"));
	COPY(p->industry, jstr(b, "industry"));
	COPY(p->enterprise, jstr(b, "enterprise"));
	COPY(p->uscc, jstr(b, "uscc"));
	COPY(p->contact_name, jstr(b, "contact_name"));
	COPY(p->contact_phone, jstr(b, "contact_phone"));
	p->investment = jint(b, "investment", 0);
	p->floor_area = jint(b, "floor_area", -1);
	COPY(p->planned_start, jstr(b, "planned_start"));
	COPY(p->planned_finish, jstr(b, "planned_finish"));
	COPY(p->stage, jstr(b, "stage"));
	COPY(p->problems, jstr(b, "problems"));
	COPY(p->measures, jstr(b, "measures"));
}

hm_err butler_project_create_handler(hm_req *r)
{
	hm_err err = http_body(r, project_spec);
	if (err)
		return err;
	butler_project *p = malloc(sizeof *p);
	if (!p)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	project_from_json(r->body, p);
	const char *b[BUTLER_MAX_BUILDINGS];
	size_t nb = 0, i;
	json_t *v;
	json_array_foreach(json_object_get(r->body, "buildings"), i, v)
	{
		if (nb < BUTLER_MAX_BUILDINGS)
			b[nb++] = json_string_value(v);
	}
	butler_ctx c = ctx_of(r);
	if (!(err = butler_project_create(&c, p, b, nb, &r->err)))
		err = project_full_reply(r, 201, p);
	free(p);
	return err;
}

hm_err butler_project_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROJECT_NOT_FOUND);
	if (err)
		return err;
	butler_project *p = malloc(sizeof *p);
	if (!p)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	butler_ctx c = ctx_of(r);
	if (!(err = butler_project_get(&c, id, p, &r->err)))
		err = project_full_reply(r, 200, p);
	free(p);
	return err;
}

hm_err butler_project_update_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROJECT_NOT_FOUND);
	if (err || (err = http_body(r, project_update_spec)))
		return err;
	butler_project *p = malloc(sizeof *p);
	if (!p)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	project_from_json(r->body, p);
	butler_ctx c = ctx_of(r);
	if (!(err = butler_project_update(&c, id, p, &r->err)))
		err = project_full_reply(r, 200, p);
	free(p);
	return err;
}

static const jfield assign_spec[] = {
	{"team_id", JF_INT, true, 1, INT64_MAX, NULL, 0},
	{"note", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

/* After a write on a project: reply with it as the caller now sees it. */
static hm_err project_after(hm_req *r, int64_t id, int status)
{
	butler_project *p = malloc(sizeof *p);
	if (!p)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	butler_ctx c = ctx_of(r);
	hm_err err = butler_project_get(&c, id, p, &r->err);
	if (!err)
		err = project_full_reply(r, status, p);
	free(p);
	return err;
}

hm_err butler_project_assign_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROJECT_NOT_FOUND);
	if (err || (err = http_body(r, assign_spec)))
		return err;
	butler_ctx c = ctx_of(r);
	if ((err = butler_project_assign(&c, id, jint(r->body, "team_id", 0), jstr(r->body, "note"), &r->err)))
		return err;
	return project_after(r, id, 200);
}

static const jfield building_spec[] = {
	{"name", JF_STRING, true, 1, 50, NULL, 0},
	END,
};

hm_err butler_building_add_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROJECT_NOT_FOUND);
	if (err || (err = http_body(r, building_spec)))
		return err;
	butler_ctx c = ctx_of(r);
	if ((err = butler_building_add(&c, id, jstr(r->body, "name"), &r->err)))
		return err;
	return project_after(r, id, 201);
}

struct plist {
	json_t *items;
	const hm_divisions *div;
};

static void project_visit(const butler_project *p, void *arg)
{
	struct plist *a = arg;
	json_array_append_new(a->items, project_json(p, a->div));
}

static const export_col project_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"name", "项目名称", COL_TEXT, 32},
	{"level_name", "级别", COL_TEXT, 12},
	{"district_name", "区（市）", COL_TEXT, 10},
	{"town", "镇（街道）", COL_TEXT, 12},
	{"industry", "行业", COL_TEXT, 12},
	{"enterprise", "建设单位", COL_TEXT, 30},
	{"uscc", "统一社会信用代码", COL_TEXT, 22},
	{"contact_name", "联系人", COL_TEXT, 10},
	{"contact_phone", "联系电话", COL_TEXT, 16},
	{"investment", "总投资（元）", COL_MONEY, 18},
	{"planned_start", "计划开工", COL_TEXT, 12},
	{"planned_finish", "计划竣工", COL_TEXT, 12},
	{"stage_name", "当前阶段", COL_TEXT, 16},
	{"team_name", "帮包团队", COL_TEXT, 26},
	{"missing", "尚未办结的审批事项", COL_TEXT, 40},
	{"elapsed_workdays", "审批已用工作日", COL_INT, 14},
	{"problems", "存在问题", COL_TEXT, 30},
	{"measures", "采取措施", COL_TEXT, 30},
};

static bool any_text(const char *s)
{
	(void)s;
	return true;
}

hm_err butler_projects_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"q", "level", "stage", "town", "team_id", "lacking",
					      "page", "page_size", "format", NULL};
	butler_project_filter f = {0};
	bool xlsx;
	int lacking;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = qid(r, "team_id", &f.team_id)) ||
	    (err = qbool(r, "lacking", 0, &lacking)) || (err = qenum(r, "level", butler_level_valid, &f.level)) ||
	    (err = qenum(r, "stage", butler_stage_valid, &f.stage)) || (err = qenum(r, "town", any_text, &f.town)))
		return err;
	f.lacking = lacking;
	f.q = http_qarg(r, "q");
	if (strlen(f.q) > 96)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "q", "查询条件过长");
	struct plist acc = {json_array(), r->app->divisions};
	int64_t total;
	butler_ctx c = ctx_of(r);
	if ((err = butler_project_list(&c, &f, project_visit, &acc, &total, &r->err))) {
		json_decref(acc.items);
		return err;
	}
	return http_list_reply(r, acc.items, total, f.page, f.page_size, xlsx, "butler-projects", "重点项目审批进度台账",
			  project_cols, NCOLS(project_cols));
}

/* ---- procedures ----------------------------------------------------------- */

static const export_col proc_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"project_name", "项目名称", COL_TEXT, 30},
	{"stage_name", "阶段", COL_TEXT, 16},
	{"name", "审批事项", COL_TEXT, 28},
	{"item", "单体建筑", COL_TEXT, 14},
	{"department", "办理部门", COL_TEXT, 28},
	{"status_name", "状态", COL_TEXT, 10},
	{"started_on", "开始日期", COL_TEXT, 12},
	{"finished_on", "办结日期", COL_TEXT, 12},
	{"doc_name", "证照名称", COL_TEXT, 20},
	{"doc_no", "证照编号", COL_TEXT, 20},
	{"exempt_reason", "无需办理的理由", COL_TEXT, 40},
	{"note", "备注", COL_TEXT, 30},
};

static bool proc_code_valid(const char *s)
{
	return butler_proc_find(s) != NULL;
}

static bool proc_status_valid(const char *s)
{
	return !strcmp(s, "todo") || !strcmp(s, "in_progress") || !strcmp(s, "done") || !strcmp(s, "exempt");
}

hm_err butler_procs_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"project_id", "team_id", "code", "status", "open",
					      "page", "page_size", "format", NULL};
	butler_proc_filter f = {0};
	bool xlsx;
	int open;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = qid(r, "project_id", &f.project_id)) ||
	    (err = qid(r, "team_id", &f.team_id)) || (err = qbool(r, "open", 0, &open)) ||
	    (err = qenum(r, "code", proc_code_valid, &f.code)) || (err = qenum(r, "status", proc_status_valid, &f.status)))
		return err;
	f.open = open;
	json_t *items = json_array();
	int64_t total;
	butler_ctx c = ctx_of(r);
	if ((err = butler_proc_list(&c, &f, proc_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "butler-procedures", "审批事项清单", proc_cols,
			  NCOLS(proc_cols));
}

static const jfield status_spec[] = {
	{"status", JF_STRING, true, 1, 16, NULL, 0},
	{"started_on", JF_STRING, false, 0, 10, NULL, 0},
	{"finished_on", JF_STRING, false, 0, 10, NULL, 0},
	{"doc_name", JF_STRING, false, 0, 100, NULL, 0},
	{"doc_no", JF_STRING, false, 0, 32, NULL, 0},
	{"note", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

hm_err butler_proc_status_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROC_NOT_FOUND);
	if (err || (err = http_body(r, status_spec)))
		return err;
	butler_proc_change ch = {jstr(r->body, "status"), jstr(r->body, "started_on"), jstr(r->body, "finished_on"),
				 jstr(r->body, "doc_name"), jstr(r->body, "doc_no"), jstr(r->body, "note")};
	butler_proc x;
	butler_ctx c = ctx_of(r);
	if ((err = butler_proc_set_status(&c, id, &ch, &x, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "procedure", proc_json(&x)));
}

/* ---- notices -------------------------------------------------------------- */

static json_t *notice_json(const butler_notice *n)
{
	int y, m, d;
	hm_day_ymd(hm_day_of(n->issued_at), &y, &m, &d);
	char no[48];
	snprintf(no, sizeof no, "GZ-%d-%06lld", y, (long long)n->id);
	json_t *j = json_pack("{s:I, s:s, s:o, s:s, s:o, s:s, s:s, s:s, s:o, s:I, s:i}", "id", (json_int_t)n->id, "no", no,
			      "project", ref_json(n->project_id, n->project_name), "enterprise", n->enterprise, "team",
			      ref_json(n->team_id, n->team_name), "contact_name", n->contact_name, "contact_phone",
			      n->contact_phone, "issued_by", n->issued_by, "issued_at", json_time(n->issued_at), "prints",
			      (json_int_t)n->prints, "items", n->nitems);
	json_object_set_new(j, "project_name", json_string(n->project_name));
	json_object_set_new(j, "delivered", json_boolean(n->delivered_at != 0));
	json_object_set_new(j, "recipient", json_string(n->recipient));
	json_object_set_new(j, "method", json_string(n->method));
	json_object_set_new(j, "method_name", json_string(n->method[0] ? butler_method_name(n->method) : ""));
	json_object_set_new(j, "delivered_at", json_time(n->delivered_at));
	json_object_set_new(j, "delivery_note", json_string(n->delivery_note));
	return j;
}

static const jfield notice_spec[] = {
	{"contact_phone", JF_STRING, false, 0, 20, NULL, 0},
	END,
};

hm_err butler_notice_create_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROJECT_NOT_FOUND);
	if (err || (err = http_body(r, notice_spec)))
		return err;
	butler_notice n;
	butler_ctx c = ctx_of(r);
	if ((err = butler_notice_create(&c, id, jstr(r->body, "contact_phone"), &n, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "notice", notice_json(&n)));
}

hm_err butler_notice_pdf_handler(hm_req *r)
{
	static const char *const allowed[] = {NULL};
	int64_t id;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_param_id(r, 0, &id, HM_E_BUTLER_NOTICE_NOT_FOUND)))
		return err;
	char *pdf;
	size_t len;
	butler_ctx c = ctx_of(r);
	if ((err = butler_notice_print(&c, id, &pdf, &len, &r->err)))
		return err;
	err = http_reply_raw(r, 200, "application/pdf", pdf, len);
	free(pdf);
	/* inline: the browser shows it and the butler prints from there */
	snprintf(r->disposition, sizeof r->disposition, "inline; filename=\"notice-%lld.pdf\"", (long long)id);
	return err;
}

static const jfield deliver_spec[] = {
	{"recipient", JF_STRING, true, 1, 32, NULL, 0},
	{"method", JF_STRING, true, 1, 16, NULL, 0},
	{"delivered_at", JF_STRING, false, 0, 40, NULL, 0},
	{"note", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

hm_err butler_notice_deliver_handler(hm_req *r)
{
	int64_t id, at = 0;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_NOTICE_NOT_FOUND);
	if (err || (err = http_body(r, deliver_spec)))
		return err;
	const char *when = jstr(r->body, "delivered_at");
	if (when[0] && (err = hm_time_parse(when, &at, &r->err, "delivered_at")))
		return err;
	butler_notice n;
	butler_ctx c = ctx_of(r);
	if ((err = butler_notice_deliver(&c, id, jstr(r->body, "recipient"), jstr(r->body, "method"), at,
					 jstr(r->body, "note"), &n, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "notice", notice_json(&n)));
}

static void notice_visit(const butler_notice *n, void *arg)
{
	json_array_append_new(arg, notice_json(n));
}

static const export_col notice_cols[] = {
	{"no", "告知书编号", COL_TEXT, 18},   {"project_name", "项目名称", COL_TEXT, 30},
	{"enterprise", "建设单位", COL_TEXT, 28}, {"items", "告知事项数", COL_INT, 10},
	{"contact_name", "帮包人员", COL_TEXT, 12}, {"contact_phone", "联系电话", COL_TEXT, 16},
	{"issued_at", "出具时间", COL_TEXT, 26}, {"prints", "打印次数", COL_INT, 10},
	{"recipient", "签收人", COL_TEXT, 12},   {"method_name", "送达方式", COL_TEXT, 10},
	{"delivered_at", "送达时间", COL_TEXT, 26},
};

hm_err butler_notices_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"project_id", "delivered", "page", "page_size", "format", NULL};
	butler_notice_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = qid(r, "project_id", &f.project_id)) ||
	    (err = qbool(r, "delivered", -1, &f.delivered)))
		return err;
	json_t *items = json_array();
	int64_t total;
	butler_ctx c = ctx_of(r);
	if ((err = butler_notice_list(&c, &f, notice_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "butler-notices", "一次性告知书", notice_cols,
			  NCOLS(notice_cols));
}

/* ---- visits --------------------------------------------------------------- */

static json_t *visit_json(const butler_visit_rec *v)
{
	json_t *j = json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)v->id, "project",
			      ref_json(v->project_id, v->project_name), "team", ref_json(v->team_id, v->team_name),
			      "visited_on", v->visited_on, "staff", v->staff, "people_met", v->people_met, "notes", v->notes,
			      "created_by", v->created_by, "created_at", json_time(v->created_at));
	json_object_set_new(j, "project_name", json_string(v->project_name));
	json_object_set_new(j, "team_name", json_string(v->team_name));
	json_object_set_new(j, "photos", json_integer(v->photos));
	return j;
}

static const jfield visit_spec[] = {
	{"visited_on", JF_STRING, true, 10, 10, NULL, 0},
	{"staff", JF_STRING, true, 1, 100, NULL, 0},
	{"people_met", JF_STRING, true, 1, 100, NULL, 0},
	{"notes", JF_STRING, true, 1, 2000, NULL, 0},
	END,
};

hm_err butler_visit_create_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROJECT_NOT_FOUND);
	if (err || (err = http_body(r, visit_spec)))
		return err;
	butler_visit_rec *v = calloc(1, sizeof *v);
	if (!v)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	v->project_id = id;
	COPY(v->visited_on, jstr(r->body, "visited_on"));
	COPY(v->staff, jstr(r->body, "staff"));
	COPY(v->people_met, jstr(r->body, "people_met"));
	COPY(v->notes, jstr(r->body, "notes"));
	butler_ctx c = ctx_of(r);
	if (!(err = butler_visit_create(&c, v, &r->err)))
		err = http_reply(r, 201, json_pack("{s:o}", "visit", visit_json(v)));
	free(v);
	return err;
}

static void visit_visit(const butler_visit_rec *v, void *arg)
{
	json_array_append_new(arg, visit_json(v));
}

static const export_col visit_cols[] = {
	{"id", "编号", COL_INT, 8},          {"visited_on", "走访日期", COL_TEXT, 12},
	{"project_name", "项目名称", COL_TEXT, 30}, {"team_name", "帮包团队", COL_TEXT, 24},
	{"staff", "走访人员", COL_TEXT, 20},   {"people_met", "企业对接人", COL_TEXT, 20},
	{"notes", "走访情况", COL_TEXT, 50},
};

hm_err butler_visits_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"project_id", "team_id", "from", "to", "page", "page_size", "format", NULL};
	butler_visit_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = qid(r, "project_id", &f.project_id)) ||
	    (err = qid(r, "team_id", &f.team_id)) || (err = qdate(r, "from", &f.from)) || (err = qdate(r, "to", &f.to)))
		return err;
	json_t *items = json_array();
	int64_t total;
	butler_ctx c = ctx_of(r);
	if ((err = butler_visit_list(&c, &f, visit_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "butler-visits", "走访记录", visit_cols,
			  NCOLS(visit_cols));
}

/* ---- questions ------------------------------------------------------------ */

static json_t *question_json(const butler_question *q, int64_t now)
{
	json_t *j = json_pack("{s:I, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)q->id, "project",
			      ref_json(q->project_id, q->project_name), "team", ref_json(q->team_id, q->team_name),
			      "raised_at", json_time(q->raised_at), "asker", q->asker, "content", q->content, "status",
			      q->status, "status_name", butler_status_name(q->status), "department", q->department);
	json_object_set_new(j, "project_name", json_string(q->project_name));
	json_object_set_new(j, "team_name", json_string(q->team_name));
	json_object_set_new(j, "visit_id", q->visit_id ? json_integer(q->visit_id) : json_null());
	json_object_set_new(j, "handed_at", json_time(q->handed_at));
	json_object_set_new(j, "due_at", json_time(q->due_at));
	json_object_set_new(j, "due_estimated", json_boolean(q->estimated));
	json_object_set_new(j, "answer", json_string(q->answer));
	json_object_set_new(j, "answered_on_site", json_boolean(q->on_site));
	json_object_set_new(j, "answered_at", json_time(q->answered_at));
	json_object_set_new(j, "overdue",
			    json_boolean(strcmp(q->status, "handed_over") == 0 && q->due_at && now >= q->due_at));
	json_object_set_new(j, "department_id", q->department_id ? json_integer(q->department_id) : json_null());
	json_object_set_new(j, "appeal",
			    q->appeal_id ? json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:s}", "id",
						     (json_int_t)q->appeal_id, "no", q->appeal_no, "status", q->appeal_status,
						     "status_name", hotline_status_name(q->appeal_status), "sign_due",
						     json_time(q->appeal_sign_due), "due", json_time(q->due_at), "due_in_hours",
						     q->appeal_in_hours, "warning", q->warning ? q->warning : "none")
					 : json_null());
	return j;
}

static const jfield question_spec[] = {
	{"content", JF_STRING, true, 1, 2000, NULL, 0},
	{"asker", JF_STRING, true, 1, 32, NULL, 0},
	{"raised_at", JF_STRING, false, 0, 40, NULL, 0},
	{"visit_id", JF_INT, false, 1, INT64_MAX, NULL, 0},
	{"answer", JF_STRING, false, 0, 2000, NULL, 0},
	{"department_id", JF_INT, false, 1, INT64_MAX, NULL, 0},
	{"deadline_days", JF_INT, false, 1, 365, NULL, 0},
	END,
};

hm_err butler_question_create_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROJECT_NOT_FOUND);
	if (err || (err = http_body(r, question_spec)))
		return err;
	butler_question *q = calloc(1, sizeof *q);
	if (!q)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	q->project_id = id;
	COPY(q->content, jstr(r->body, "content"));
	COPY(q->asker, jstr(r->body, "asker"));
	COPY(q->answer, jstr(r->body, "answer"));
	q->department_id = jint(r->body, "department_id", 0);
	q->visit_id = jint(r->body, "visit_id", 0);
	const char *when = jstr(r->body, "raised_at");
	butler_ctx c = ctx_of(r);
	if (!(when[0] && (err = hm_time_parse(when, &q->raised_at, &r->err, "raised_at"))) &&
	    !(err = butler_question_create(&c, q, (int)jint(r->body, "deadline_days", 0), &r->err)))
		err = http_reply(r, 201, json_pack("{s:o}", "question", question_json(q, r->now)));
	free(q);
	return err;
}

static const jfield answer_spec[] = {
	{"answer", JF_STRING, true, 1, 2000, NULL, 0},
	END,
};

hm_err butler_question_answer_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_QUESTION_NOT_FOUND);
	if (err || (err = http_body(r, answer_spec)))
		return err;
	butler_question *q = calloc(1, sizeof *q);
	if (!q)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	butler_ctx c = ctx_of(r);
	if (!(err = butler_question_answer(&c, id, jstr(r->body, "answer"), q, &r->err)))
		err = http_reply(r, 200, json_pack("{s:o}", "question", question_json(q, r->now)));
	free(q);
	return err;
}

struct qlist {
	json_t *items;
	int64_t now;
};

static void question_visit(const butler_question *q, void *arg)
{
	struct qlist *a = arg;
	json_array_append_new(a->items, question_json(q, a->now));
}

static const export_col question_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"raised_at", "提出时间", COL_TEXT, 26},
	{"project_name", "项目名称", COL_TEXT, 30},
	{"team_name", "帮包团队", COL_TEXT, 24},
	{"asker", "提出人", COL_TEXT, 12},
	{"content", "问题", COL_TEXT, 40},
	{"status_name", "状态", COL_TEXT, 10},
	{"department", "转交部门", COL_TEXT, 20},
	{"appeal.no", "热线工单号", COL_TEXT, 16},
	{"appeal.status_name", "工单状态", COL_TEXT, 10},
	{"due_at", "答复期限", COL_TEXT, 26},
	{"overdue", "是否逾期", COL_BOOL, 10},
	{"answer", "答复", COL_TEXT, 40},
	{"answered_at", "答复时间", COL_TEXT, 26},
};

static bool question_status_valid(const char *s)
{
	return !strcmp(s, "handed_over") || !strcmp(s, "answered");
}

hm_err butler_questions_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"project_id", "team_id", "status", "overdue", "answered_since",
					      "page", "page_size", "format", NULL};
	butler_question_filter f = {0};
	bool xlsx;
	int overdue;
	const char *since;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = qid(r, "project_id", &f.project_id)) ||
	    (err = qid(r, "team_id", &f.team_id)) || (err = qbool(r, "overdue", 0, &overdue)) ||
	    (err = qenum(r, "status", question_status_valid, &f.status)) || (err = qdate(r, "answered_since", &since)))
		return err;
	f.overdue = overdue;
	if (since[0]) {
		int32_t d;
		hm_date_parse(since, &d, NULL, NULL);
		f.answered_since = hm_day_start(d);
	}
	struct qlist acc = {json_array(), r->now};
	int64_t total;
	butler_ctx c = ctx_of(r);
	if ((err = butler_question_list(&c, &f, question_visit, &acc, &total, &r->err))) {
		json_decref(acc.items);
		return err;
	}
	return http_list_reply(r, acc.items, total, f.page, f.page_size, xlsx, "butler-questions", "企业问题", question_cols,
			  NCOLS(question_cols));
}

/* ---- stats ---------------------------------------------------------------- */

static json_t *counts_json(const butler_count *c, int n, const char *(*name)(const char *))
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "code", c[i].code, "name", name(c[i].code), "count",
						   (json_int_t)c[i].count));
	return a;
}

static const char *proc_name(const char *code)
{
	const butler_proc_def *d = butler_proc_find(code);
	return d ? d->name : code;
}

hm_err butler_stats_handler(hm_req *r)
{
	static const char *const allowed[] = {"since", NULL};
	const char *since;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = qdate(r, "since", &since)))
		return err;
	int32_t day;
	if (since[0])
		hm_date_parse(since, &day, NULL, NULL);
	else {
		/* default: since New Year's Day of the current year */
		int y, m, d;
		hm_day_ymd(hm_day_of(r->now), &y, &m, &d);
		day = hm_ymd_day(y, 1, 1);
	}
	butler_stats *s = malloc(sizeof *s);
	if (!s)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	butler_ctx c = ctx_of(r);
	if ((err = butler_stats_get(&c, hm_day_start(day), s, &r->err))) {
		free(s);
		return err;
	}
	json_t *teams = json_array();
	for (int i = 0; i < s->nteams; i++)
		json_array_append_new(teams, json_pack("{s:I, s:s, s:I, s:I, s:I}", "team_id", (json_int_t)s->teams[i].team_id,
						       "name", s->teams[i].name, "answered", (json_int_t)s->teams[i].answered,
						       "open", (json_int_t)s->teams[i].open, "overdue",
						       (json_int_t)s->teams[i].overdue));
	json_t *j = json_pack(
		"{s:o, s:I, s:o, s:o, s:I, s:I, s:o, s:{s:I, s:I, s:i, s:I}, s:{s:I, s:I, s:I, s:o}}", "since", day_json(day),
		"projects", (json_int_t)s->projects, "by_stage", counts_json(s->by_stage, s->nstage, butler_stage_name),
		"by_level", counts_json(s->by_level, s->nlevel, butler_level_name), "projects_lacking",
		(json_int_t)s->projects_lacking, "procedures_open", (json_int_t)s->procedures_open, "missing_by_procedure",
		counts_json(s->missing_by_code, s->nmissing, proc_name), "approval", "started", (json_int_t)s->started,
		"average_workdays", (json_int_t)s->avg_workdays, "target_workdays", s->target, "over_target",
		(json_int_t)s->over_target, "questions", "answered_since", (json_int_t)s->answered_total, "open",
		(json_int_t)s->questions_open, "overdue", (json_int_t)s->questions_overdue, "by_team", teams);
	free(s);
	return http_reply(r, 200, j);
}

/* ---- procedure catalogue -------------------------------------------------- */

static json_t *def_json(const butler_proc_def *d)
{
	return json_pack("{s:I, s:i, s:b, s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:o, s:o, s:s, s:s}", "id", (json_int_t)d->id,
			 "version", d->version, "retired", d->retired, "code", d->code, "name", d->name, "stage", d->stage,
			 "stage_name", butler_stage_name(d->stage), "department", d->department, "time_limit_workdays",
			 d->workdays, "per_building", d->per_building, "materials", split_json(d->materials), "flow",
			 split_json(d->flow), "source", d->source, "to_confirm", d->check);
}

/* A string array into a "|"-joined field of n bytes: no item may hold the
 * separator, and the whole must fit. */
static hm_err join_items(hm_req *r, const char *field, char *out, size_t n)
{
	json_t *a = json_object_get(r->body, field);
	size_t off = 0, i;
	json_t *v;
	out[0] = '\0';
	json_array_foreach(a, i, v)
	{
		const char *item = json_string_value(v);
		if (strchr(item, '|') || !item[0])
			return hm_fail(&r->err, HM_E_BUTLER_CATALOG_ITEM, field);
		int k = snprintf(out + off, n - off, "%s%s", off ? "|" : "", item);
		if (k < 0 || (size_t)k >= n - off)
			return hm_failf(&r->err, HM_E_TOO_LONG, field, "所需材料或办理流程合计过长");
		off += (size_t)k;
	}
	return HM_OK;
}

static hm_err def_from_body(hm_req *r, butler_proc_def *d)
{
	COPY(d->stage, jstr(r->body, "stage"));
	COPY(d->code, jstr(r->body, "code"));
	COPY(d->name, jstr(r->body, "name"));
	COPY(d->department, jstr(r->body, "department"));
	d->workdays = (int)jint(r->body, "time_limit_workdays", 0);
	d->per_building = jbool(r->body, "per_building", false);
	COPY(d->source, jstr(r->body, "source"));
	COPY(d->check, jstr(r->body, "to_confirm"));
	hm_err err = join_items(r, "materials", d->materials, sizeof d->materials);
	return err ? err : join_items(r, "flow", d->flow, sizeof d->flow);
}

#define CATALOG_FIELDS                                                                                         \
	{"stage", JF_STRING, true, 1, 16, NULL, 0}, {"name", JF_STRING, true, 1, 30, NULL, 0},                     \
		{"department", JF_STRING, true, 1, 60, NULL, 0},                                                   \
		{"time_limit_workdays", JF_INT, true, 1, 365, NULL, 0}, {"per_building", JF_BOOL, false, 0, 0, NULL, 0}, \
		{"materials", JF_STRING_ARRAY, true, 1, 30, NULL, 200}, {"flow", JF_STRING_ARRAY, true, 1, 20, NULL, 100}, \
		{"source", JF_STRING, true, 1, 250, NULL, 0}, {"to_confirm", JF_STRING, false, 0, 120, NULL, 0}

static const jfield catalog_create_spec[] = {{"code", JF_STRING, true, 1, 31, NULL, 0}, CATALOG_FIELDS, END};
static const jfield catalog_update_spec[] = {CATALOG_FIELDS, END};

hm_err butler_catalog_create_handler(hm_req *r)
{
	hm_err err = http_body(r, catalog_create_spec);
	if (err)
		return err;
	butler_proc_def *d = calloc(1, sizeof *d);
	if (!d)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	butler_ctx c = ctx_of(r);
	if (!(err = def_from_body(r, d)) && !(err = butler_catalog_create(&c, d, &r->err)))
		err = http_reply(r, 201, json_pack("{s:o}", "procedure", def_json(d)));
	free(d);
	return err;
}

hm_err butler_catalog_update_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_CATALOG_NOT_FOUND);
	if (err || (err = http_body(r, catalog_update_spec)))
		return err;
	butler_proc_def *d = calloc(2, sizeof *d);
	if (!d)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	butler_ctx c = ctx_of(r);
	if (!(err = def_from_body(r, &d[0])) && !(err = butler_catalog_update(&c, id, &d[0], &d[1], &r->err)))
		err = http_reply(r, 200, json_pack("{s:o}", "procedure", def_json(&d[1])));
	free(d);
	return err;
}

static hm_err retire(hm_req *r, bool on)
{
	static const jfield spec[] = {END};
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_CATALOG_NOT_FOUND);
	if (err || (r->body && (err = json_check(r->body, spec, &r->err))))
		return err;
	butler_proc_def *d = calloc(1, sizeof *d);
	if (!d)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	butler_ctx c = ctx_of(r);
	if (!(err = butler_catalog_retire(&c, id, on, d, &r->err)))
		err = http_reply(r, 200, json_pack("{s:o}", "procedure", def_json(d)));
	free(d);
	return err;
}

hm_err butler_catalog_retire_handler(hm_req *r)
{
	return retire(r, true);
}

hm_err butler_catalog_restore_handler(hm_req *r)
{
	return retire(r, false);
}

static const char *const action_names[][2] = {
	{"seed", "据数据文件初始化"}, {"create", "新增"}, {"update", "修改"}, {"retire", "停用"}, {"restore", "恢复"},
};

static void version_visit(const butler_catalog_version *v, void *arg)
{
	json_t *j = def_json(&v->def);
	const char *name = v->action;
	for (size_t i = 0; i < sizeof action_names / sizeof action_names[0]; i++)
		if (strcmp(action_names[i][0], v->action) == 0)
			name = action_names[i][1];
	json_object_set_new(j, "action", json_string(v->action));
	json_object_set_new(j, "action_name", json_string(name));
	json_object_set_new(j, "changed_by", json_string(v->changed_by));
	json_object_set_new(j, "changed_at", json_time(v->changed_at));
	json_array_append_new(arg, j);
}

hm_err butler_catalog_history_handler(hm_req *r)
{
	static const char *const allowed[] = {NULL};
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_CATALOG_NOT_FOUND);
	if (err || (err = http_query_allowed(r, allowed)))
		return err;
	json_t *items = json_array();
	butler_ctx c = ctx_of(r);
	if ((err = butler_catalog_history(&c, id, version_visit, items, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- visit photos --------------------------------------------------------- */

static json_t *photo_json(const butler_photo *ph)
{
	json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)ph->id, "visit_id",
			      (json_int_t)ph->visit_id, "project_id", (json_int_t)ph->project_id, "filename", ph->filename,
			      "content_type", ph->content_type, "size", (json_int_t)ph->size, "uploaded_by", ph->uploaded_by);
	json_object_set_new(j, "uploaded_at", json_time(ph->uploaded_at));
	char url[96];
	snprintf(url, sizeof url, "/api/v1/butler/photos/%lld/file", (long long)ph->id);
	json_object_set_new(j, "url", json_string(url));
	return j;
}

hm_err butler_photo_upload_handler(hm_req *r)
{
	static const char *const allowed[] = {"filename", NULL};
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_VISIT_NOT_FOUND);
	if (err || (err = http_query_allowed(r, allowed)))
		return err;
	const char *name = http_qarg(r, "filename");
	if (!name[0])
		return hm_failf(&r->err, HM_E_MISSING_FIELD, "filename", "请在查询参数 filename 中给出照片文件名");
	if (strlen(name) > 4 * FILESTORE_NAME_MAX)
		return hm_fail(&r->err, HM_E_ATTACHMENT_NAME, "filename");
	butler_photo ph;
	bool existed;
	butler_ctx c = ctx_of(r);
	if ((err = butler_photo_upload(&c, r->app->data_dir, id, name, r->upload, r->upload_len,
				       http_header(r, "Content-Type"), &ph, &existed, &r->err)))
		return err;
	return http_reply(r, existed ? 200 : 201, json_pack("{s:o, s:b}", "photo", photo_json(&ph), "duplicate", existed));
}

static void photo_visit(const butler_photo *ph, void *arg)
{
	json_array_append_new(arg, photo_json(ph));
}

hm_err butler_photos_list_handler(hm_req *r)
{
	static const char *const allowed[] = {NULL};
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_VISIT_NOT_FOUND);
	if (err || (err = http_query_allowed(r, allowed)))
		return err;
	json_t *items = json_array();
	butler_ctx c = ctx_of(r);
	if ((err = butler_photo_list(&c, id, photo_visit, items, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:o}", "items", items));
}

hm_err butler_photo_file_handler(hm_req *r)
{
	static const char *const allowed[] = {NULL};
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PHOTO_NOT_FOUND);
	if (err || (err = http_query_allowed(r, allowed)))
		return err;
	butler_photo ph;
	char *data;
	butler_ctx c = ctx_of(r);
	if ((err = butler_photo_download(&c, r->app->data_dir, id, &ph, &data, &r->err)))
		return err;
	/* the stored type is the one read from the bytes at upload */
	const char *type = strcmp(ph.content_type, "image/png") == 0 ? "image/png" : "image/jpeg";
	err = http_reply_raw(r, 200, type, data, (size_t)ph.size);
	free(data);
	if (!err)
		snprintf(r->disposition, sizeof r->disposition, "inline; filename=\"visit-photo-%lld.%s\"", (long long)ph.id,
			 filestore_ext(ph.content_type));
	return err;
}

/* ---- progress ledger ------------------------------------------------------ */

static json_t *by_json(const char *name, int64_t at)
{
	return at ? json_pack("{s:s, s:o}", "name", name, "at", json_time(at)) : json_null();
}

static json_t *ledger_json(const butler_ledger_row *l)
{
	json_t *j = json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)l->id, "project",
			      ref_json(l->project_id, l->project_name), "team", ref_json(l->team_id, l->team_name),
			      "project_name", l->project_name, "approval", l->approval, "department", l->department,
			      "progress", l->progress, "problems", l->problems, "measures", l->measures);
	json_object_set_new(j, "progress_updated", by_json(l->progress_by, l->progress_at));
	json_object_set_new(j, "problems_updated", by_json(l->problems_by, l->problems_at));
	json_object_set_new(j, "measures_updated", by_json(l->measures_by, l->measures_at));
	json_object_set_new(j, "created_at", json_time(l->created_at));
	json_object_set_new(j, "updated_at", json_time(l->updated_at));
	return j;
}

struct llist {
	json_t *items;
	int64_t seq;
};

static void ledger_visit(const butler_ledger_row *l, void *arg)
{
	struct llist *a = arg;
	json_t *j = ledger_json(l);
	json_object_set_new(j, "seq", json_integer(++a->seq));
	json_array_append_new(a->items, j);
}

/* The customary column order of a 审批进度台账. */
static const export_col ledger_cols[] = {
	{"seq", "序号", COL_INT, 6},          {"project_name", "项目名称", COL_TEXT, 30},
	{"approval", "审批事项", COL_TEXT, 28}, {"department", "责任单位", COL_TEXT, 24},
	{"progress", "进展情况", COL_TEXT, 40}, {"problems", "存在问题", COL_TEXT, 40},
	{"measures", "采取措施", COL_TEXT, 40},
};

hm_err butler_ledger_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"project_id", "team_id", "page", "page_size", "format", NULL};
	butler_ledger_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = qid(r, "project_id", &f.project_id)) ||
	    (err = qid(r, "team_id", &f.team_id)))
		return err;
	struct llist acc = {json_array(), (int64_t)(f.page - 1) * f.page_size};
	int64_t total;
	butler_ctx c = ctx_of(r);
	if ((err = butler_ledger_list(&c, &f, ledger_visit, &acc, &total, &r->err))) {
		json_decref(acc.items);
		return err;
	}
	return http_list_reply(r, acc.items, total, f.page, f.page_size, xlsx, "butler-ledger", "审批进度台账", ledger_cols,
			       NCOLS(ledger_cols));
}

static const jfield ledger_spec[] = {
	{"approval", JF_STRING, true, 1, 100, NULL, 0},
	{"department", JF_STRING, true, 1, 100, NULL, 0},
	{"progress", JF_STRING, false, 0, 500, NULL, 0},
	{"problems", JF_STRING, false, 0, 500, NULL, 0},
	{"measures", JF_STRING, false, 0, 500, NULL, 0},
	END,
};

hm_err butler_ledger_create_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_PROJECT_NOT_FOUND);
	if (err || (err = http_body(r, ledger_spec)))
		return err;
	butler_ledger_row *l = calloc(1, sizeof *l);
	if (!l)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	l->project_id = id;
	COPY(l->approval, jstr(r->body, "approval"));
	COPY(l->department, jstr(r->body, "department"));
	COPY(l->progress, jstr(r->body, "progress"));
	COPY(l->problems, jstr(r->body, "problems"));
	COPY(l->measures, jstr(r->body, "measures"));
	butler_ctx c = ctx_of(r);
	if (!(err = butler_ledger_add(&c, l, &r->err)))
		err = http_reply(r, 201, json_pack("{s:o}", "entry", ledger_json(l)));
	free(l);
	return err;
}

static const jfield ledger_change_spec[] = {
	{"approval", JF_STRING, false, 1, 100, NULL, 0},
	{"department", JF_STRING, false, 1, 100, NULL, 0},
	{"progress", JF_STRING, false, 0, 500, NULL, 0},
	{"problems", JF_STRING, false, 0, 500, NULL, 0},
	{"measures", JF_STRING, false, 0, 500, NULL, 0},
	END,
};

static const char *jopt(hm_req *r, const char *name)
{
	return jhas(r->body, name) ? jstr(r->body, name) : NULL;
}

hm_err butler_ledger_update_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_BUTLER_LEDGER_NOT_FOUND);
	if (err || (err = http_body(r, ledger_change_spec)))
		return err;
	if (json_object_size(r->body) == 0)
		return hm_failf(&r->err, HM_E_MISSING_FIELD, "progress", "请至少填写一项要修改的内容");
	butler_ledger_change ch = {jopt(r, "approval"), jopt(r, "department"), jopt(r, "progress"), jopt(r, "problems"),
				   jopt(r, "measures")};
	butler_ledger_row *l = calloc(1, sizeof *l);
	if (!l)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	butler_ctx c = ctx_of(r);
	if (!(err = butler_ledger_update(&c, id, &ch, l, &r->err)))
		err = http_reply(r, 200, json_pack("{s:o}", "entry", ledger_json(l)));
	free(l);
	return err;
}

hm_err butler_audit_visible(hm_req *r, const char *entity, int64_t id)
{
	butler_ctx c = ctx_of(r);
	return butler_entity_visible(&c, entity, id, &r->err);
}
