/* Shared handlers: health, API document, organisations, dictionaries,
 * users, audit history and the working-day calendar. */
#include "http/core_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/calendar_store.h"
#include "core/embedded.h"
#include "core/hmtime.h"
#include "core/users.h"
#include "butler/butler_http.h"
#include "fund/care_http.h"
#include "fund/fund_http.h"
#include "hotline/hotline_http.h"
#include "http/session.h"

#define END {NULL, 0, false, 0, 0, NULL, 0}

hm_err healthz_handler(hm_req *r)
{
	hm_error e;
	hm_error_clear(&e);
	hm_db *db = store_conn(r->app->store, &e);
	if (!db) {
		r->err = e;
		return e.err;
	}
	return http_reply(r, 200, json_pack("{s:s, s:i}", "status", "ok", "schema", store_schema_version(r->app->store)));
}

hm_err openapi_handler(hm_req *r)
{
	const struct hm_embedded_file *f = hm_embedded_find("docs/openapi.yaml");
	if (!f)
		return hm_fail(&r->err, HM_E_NOT_FOUND, NULL);
	return http_reply_raw(r, 200, "application/yaml; charset=utf-8", (const char *)f->data, f->len);
}

static void org_visit_json(const org_info *o, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)o->id, "code", o->code, "name",
					     o->name, "level", o->level));
}

hm_err orgs_list_handler(hm_req *r)
{
	json_t *items = json_array();
	hm_err err = orgs_list(r->db, org_visit_json, items, &r->err);
	if (err) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:o}", "items", items));
}

static void district_visit(const org_info *o, void *arg)
{
	if (strcmp(o->level, "district") == 0)
		json_array_append_new(arg, json_pack("{s:s, s:s}", "code", o->code, "name", o->name));
}

hm_err dicts_handler(hm_req *r)
{
	json_t *d = fund_dicts_json(), *care = care_dicts_json();
	json_t *roles = json_array();
	for (const hm_role *const *p = perm_roles(); *p; p++)
		json_array_append_new(roles, json_pack("{s:s, s:s, s:s}", "code", (*p)->code, "name", (*p)->name, "level",
						       (*p)->level));
	json_object_set_new(d, "roles", roles);
	json_object_update_missing(d, care);
	json_decref(care);
	json_t *hotline = hotline_dicts_json(), *butler = butler_dicts_json();
	json_object_update_missing(d, hotline);
	json_decref(hotline);
	json_object_set_new(d, "butler", butler);
	json_t *districts = json_array();
	hm_err err = orgs_list(r->db, district_visit, districts, &r->err);
	json_object_set_new(d, "districts", districts);
	if (err) {
		json_decref(d);
		return err;
	}
	return http_reply(r, 200, d);
}

/* ---- audit ------------------------------------------------------------ */

static void audit_visit_json(const audit_rec *a, const char *actor, void *arg)
{
	json_t *detail = json_loads(a->detail, 0, NULL);
	json_array_append_new(arg, json_pack("{s:I, s:o, s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)a->id, "at",
					     json_time(a->at), "actor_id", (json_int_t)a->actor_id, "actor", actor,
					     "action", a->action, "old_digest", a->old_digest, "new_digest",
					     a->new_digest, "detail", detail ? detail : json_object()));
}

hm_err audit_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"entity", "id", NULL};
	hm_err err = http_query_allowed(r, allowed);
	if (err)
		return err;
	const char *entity = http_query(r, "entity");
	const char *ids = http_query(r, "id");
	char *end;
	long long id = ids ? strtoll(ids, &end, 10) : 0;
	if (!entity || !*entity)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "entity", "请指定要查看的记录类型 entity");
	if (!ids || !*ids || *end || id <= 0)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "id", "请指定要查看的记录编号 id（正整数）");
	/* only records the caller may see: district records through the fund's
	 * scoped lookup, city-level records by the permission that reads them */
	static const struct {
		const char *entity, *perm;
	} city_entities[] = {
		{"donor", "fund:donation:read"},   {"donation", "fund:donation:read"},
		{"receipt", "fund:donation:read"}, {"journal_entry", "fund:books:read"},
		{"bank_import", "fund:books:read"}, {"calendar_year", "calendar:write"},
		{"user", "user:manage"},
		{"butler_catalog", "butler:project:read"}, /* the procedure catalogue is city-wide data */
	};
	if (strcmp(entity, "care_provider") == 0) {
		if ((err = care_audit_visible(r, entity, id)))
			return err;
	} else if (strcmp(entity, "butler_project") == 0 || strcmp(entity, "butler_team") == 0) {
		if ((err = butler_audit_visible(r, entity, id)))
			return err;
	} else if (strcmp(entity, "appeal") == 0 || strcmp(entity, "hotline_programme") == 0 ||
		   strcmp(entity, "missed_call") == 0) {
		if ((err = hotline_audit_visible(r, entity, id)))
			return err;
	} else if (strcmp(entity, "child") == 0 || strcmp(entity, "application") == 0) {
		if ((err = fund_audit_visible(r, entity, id)))
			return err;
	} else {
		size_t i = 0, n = sizeof city_entities / sizeof city_entities[0];
		while (i < n && strcmp(city_entities[i].entity, entity) != 0)
			i++;
		if (i == n)
			return hm_failf(&r->err, HM_E_BAD_QUERY, "entity", "记录类型 %s 不存在", entity);
		bool own = strcmp(entity, "user") == 0 && id == r->user.id;
		if (!own && !perm_has(r->user.role, city_entities[i].perm))
			return hm_fail(&r->err, HM_E_FORBIDDEN, "entity");
	}
	json_t *items = json_array();
	int64_t n;
	if ((err = audit_list(r->db, entity, id, audit_visit_json, items, &n, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:s, s:I, s:o}", "entity", entity, "id", (json_int_t)id, "items", items));
}

/* ---- users ------------------------------------------------------------ */

static void user_visit_json(const hm_user *u, bool disabled, bool is_demo, void *arg)
{
	json_t *j = user_json(u);
	json_object_del(j, "permissions");
	json_object_set_new(j, "disabled", json_boolean(disabled));
	json_object_set_new(j, "is_demo", json_boolean(is_demo));
	json_array_append_new(arg, j);
}

hm_err users_list_handler(hm_req *r)
{
	json_t *items = json_array();
	hm_err err = users_list(r->db, user_visit_json, items, &r->err);
	if (err) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:o}", "items", items));
}

static const jfield user_spec[] = {
	{"username", JF_STRING, true, 2, 32, NULL, 0},
	{"display_name", JF_STRING, true, 1, 32, NULL, 0},
	{"role", JF_STRING, true, 1, 32, NULL, 0},
	{"org", JF_STRING, true, 1, 16, NULL, 0},
	{"password", JF_STRING, true, 1, 128, NULL, 0},
	END,
};

static hm_err reply_user(hm_req *r, int status, int64_t id)
{
	hm_user u;
	hm_error e;
	hm_error_clear(&e);
	hm_err err = user_load(r->db, id, &u, &e);
	bool disabled = err == HM_E_AUTH_DISABLED;
	if (err && !disabled) {
		r->err = e;
		return err;
	}
	json_t *j = user_json(&u);
	json_object_set_new(j, "disabled", json_boolean(disabled));
	return http_reply(r, status, json_pack("{s:o}", "user", j));
}

hm_err users_create_handler(hm_req *r)
{
	hm_err err = http_body(r, user_spec);
	if (err)
		return err;
	int64_t id;
	if ((err = user_create(r->db, r->now, r->user.id, jstr(r->body, "username"), jstr(r->body, "display_name"),
			       jstr(r->body, "role"), jstr(r->body, "org"), jstr(r->body, "password"), false, &id, &r->err)))
		return err;
	return reply_user(r, 201, id);
}

static hm_err set_disabled(hm_req *r, bool disabled)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_USER_NOT_FOUND);
	if (err)
		return err;
	if (disabled && id == r->user.id)
		return hm_failf(&r->err, HM_E_BAD_VALUE, "id", "不能停用自己的账号");
	if ((err = user_set_disabled(r->db, r->now, r->user.id, id, disabled, &r->err)))
		return err;
	return reply_user(r, 200, id);
}

hm_err users_disable_handler(hm_req *r)
{
	return set_disabled(r, true);
}

hm_err users_enable_handler(hm_req *r)
{
	return set_disabled(r, false);
}

/* ---- calendar --------------------------------------------------------- */

static hm_err query_count(hm_req *r, const char *name, int *out)
{
	const char *s = http_query(r, name);
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 1 || v > 87600)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为正整数", name);
	*out = (int)v;
	return HM_OK;
}

hm_err calendar_deadline_handler(hm_req *r)
{
	static const char *const allowed[] = {"from", "workdays", "hours", NULL};
	hm_err err = http_query_allowed(r, allowed);
	if (err)
		return err;
	const char *from = http_query(r, "from");
	const char *wd = http_query(r, "workdays"), *hrs = http_query(r, "hours");
	if (!from)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "from", "请提供起算时间 from（ISO 8601，带时区，例如 2026-03-20T07:20:00+08:00）");
	if (!wd == !hrs)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "workdays", "请在 workdays（工作日）和 hours（小时）中指定且只指定一个");
	int64_t t, due;
	/* an event happens at a moment: a bare date would leave its hour, and so
	 * possibly its day in Beijing, to guesswork */
	if (!strchr(from, 'T'))
		return hm_failf(&r->err, HM_E_BAD_DATE, "from", "起算时间须包含时刻和时区，例如 2026-03-20T07:20:00+08:00");
	if ((err = hm_time_parse(from, &t, &r->err, "from")))
		return err;
	int fy, fm, fd;
	hm_day_ymd(hm_day_of(t), &fy, &fm, &fd);
	if (fy < CAL_YEAR_MIN || fy > CAL_YEAR_MAX)
		return hm_fail(&r->err, HM_E_CAL_YEAR_RANGE, "from");
	int n = 0;
	bool estimated = false;
	if ((err = query_count(r, wd ? "workdays" : "hours", &n)))
		return err;
	if (wd)
		err = calendar_add_workdays(r->app->calendar, t, n, &due, &estimated, &r->err);
	else
		err = calendar_add_hours(t, n, &due, &r->err);
	if (err)
		return err;
	json_t *j = json_pack("{s:o, s:b}", "due", json_time(due), "estimated", estimated);
	char src[256];
	if (wd && calendar_source(r->app->calendar, fy, src, sizeof src))
		json_object_set_new(j, "source", json_string(src));
	return http_reply(r, 200, j);
}

static json_t *year_json(hm_calendar *cal, int year)
{
	json_t *hol = json_array(), *work = json_array();
	char src[256] = "";
	calendar_source(cal, year, src, sizeof src);
	int32_t first = hm_ymd_day(year, 1, 1), last = hm_ymd_day(year, 12, 31);
	for (int32_t d = first; d <= last; d++) {
		bool est, wd = calendar_is_workday(cal, d, &est);
		int wk = hm_weekday(d);
		char buf[11];
		if (wd && wk >= 6)
			json_array_append_new(work, json_string(hm_date_format(d, buf, sizeof buf)));
		else if (!wd && wk <= 5)
			json_array_append_new(hol, json_string(hm_date_format(d, buf, sizeof buf)));
	}
	return json_pack("{s:i, s:s, s:o, s:o}", "year", year, "source", src, "holidays", hol, "workdays", work);
}

hm_err calendar_years_handler(hm_req *r)
{
	int years[CAL_YEAR_MAX - CAL_YEAR_MIN + 1];
	size_t n = calendar_years(r->app->calendar, years, sizeof years / sizeof years[0]);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, year_json(r->app->calendar, years[i]));
	return http_reply(r, 200, json_pack("{s:o}", "items", items));
}

static const jfield calendar_spec[] = {
	{"source", JF_STRING, true, 1, 80, NULL, 0},
	{"holidays", JF_STRING_ARRAY, true, 0, 60, NULL, 40},
	{"workdays", JF_STRING_ARRAY, true, 0, 30, NULL, 40},
	END,
};

static void calendar_committed(hm_req *r)
{
	/* the database now holds the year; the live calendar follows */
	const char *text = r->commit_arg;
	calendar_load(r->app->calendar, text, strlen(text), NULL);
}

/* Build the data-file text from "YYYY-MM-DD 名称" lines. */
static hm_err append_days(hm_req *r, char *buf, size_t n, size_t *len, const char *field, const char *kind)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r->body, field), i, v)
	{
		const char *s = json_string_value(v);
		if (strchr(s, '\n') || strchr(s, '\r'))
			return hm_failf(&r->err, HM_E_BAD_VALUE, field, "日期项不能包含换行");
		int k = snprintf(buf + *len, n - *len, "%s %s\n", kind, s);
		if (k < 0 || (size_t)k >= n - *len)
			return hm_fail(&r->err, HM_E_TOO_LONG, field);
		*len += (size_t)k;
	}
	return HM_OK;
}

hm_err calendar_put_handler(hm_req *r)
{
	char *end;
	long year = strtol(r->params[0], &end, 10);
	if (*end || year < CAL_YEAR_MIN || year > CAL_YEAR_MAX)
		return hm_fail(&r->err, HM_E_CAL_YEAR_RANGE, "year");
	hm_err err = http_body(r, calendar_spec);
	if (err)
		return err;
	const char *src = jstr(r->body, "source");
	if (strchr(src, '\n') || strchr(src, '\r'))
		return hm_failf(&r->err, HM_E_BAD_VALUE, "source", "来源不能包含换行");
	size_t cap = 16384, len = 0;
	char *text = malloc(cap);
	if (!text)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	len = (size_t)snprintf(text, cap, "year %ld\nsource %s\n", year, src);
	if ((err = append_days(r, text, cap, &len, "holidays", "holiday")) ||
	    (err = append_days(r, text, cap, &len, "workdays", "workday"))) {
		free(text);
		return err;
	}
	cal_year y;
	if ((err = cal_year_parse(text, len, &y, &r->err))) {
		free(text);
		return err;
	}
	cal_year_fini(&y);
	if ((err = calendar_store_save(r->db, r->now, r->user.id, (int)year, text, &r->err))) {
		free(text);
		return err;
	}
	r->commit_arg = text;
	r->on_commit = calendar_committed;
	/* reply with the year as it will be once committed */
	hm_calendar *preview = calendar_new();
	if (!preview)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	calendar_load(preview, text, len, NULL);
	json_t *j = year_json(preview, (int)year);
	calendar_free(preview);
	return http_reply(r, 200, j);
}

static hm_err load_saved_year(int year, const char *text, void *arg, hm_error *e)
{
	hm_err err = calendar_load(arg, text, strlen(text), e);
	if (err)
		return hm_failf(e, err, NULL, "数据库中 %d 年的节假日数据无效：%s", year, hm_error_message(e));
	return HM_OK;
}

hm_err calendar_boot(hm_app *app, hm_db *db, hm_error *e)
{
	for (size_t i = 0; i < hm_embedded_count; i++) {
		const struct hm_embedded_file *f = &hm_embedded_files[i];
		if (strncmp(f->name, "data/calendar/", 14) != 0)
			continue;
		hm_err err = calendar_load(app->calendar, (const char *)f->data, f->len, e);
		if (err)
			return hm_failf(e, err, NULL, "%s：%s", f->name, hm_error_message(e));
	}
	return calendar_store_each(db, load_saved_year, app->calendar, e);
}
