/* The hotline's figures over HTTP: the leaders' dashboard
 * (GET /api/v1/hotline/stats) and the public statistics for publishing
 * (GET /api/v1/hotline/stats/public, JSON or Excel), which carry no
 * personal data and hide every cell under HOTLINE_PUBLIC_MIN_CELL appeals. */
#include "hotline/hotline_stats_http.h"

#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"
#include "hotline/hotline_stats.h"
#include "http/export.h"

#define SET(j, k, v) json_object_set_new((j), (k), (v))

static hotline_ctx ctx_of(hm_req *r)
{
	return (hotline_ctx){r->db, &r->user, r->now, r->app->calendar};
}

/* ?from=YYYY-MM-DD&to=YYYY-MM-DD (Beijing dates, both included) as [from, to). */
static hm_err period_args(hm_req *r, int64_t *from, int64_t *to)
{
	int32_t d0 = 0, d1 = 0;
	hm_error ignored;
	*from = *to = 0;
	const char *f = http_qarg(r, "from"), *t = http_qarg(r, "to");
	if (*f && hm_date_parse(f, &d0, &ignored, "from"))
		return hm_fail(&r->err, HM_E_STATS_PERIOD, "from");
	if (*t && hm_date_parse(t, &d1, &ignored, "to"))
		return hm_fail(&r->err, HM_E_STATS_PERIOD, "to");
	if (*f && *t && d1 < d0)
		return hm_fail(&r->err, HM_E_STATS_PERIOD, "to");
	if (*f)
		*from = hm_day_start(d0);
	if (*t)
		*to = hm_day_start(d1 + 1);
	return HM_OK;
}

/* A rate as a fraction with 4 decimals, null without a denominator. */
static json_t *rate_json(int64_t num, int64_t den)
{
	int64_t bp = hotline_rate_bp(num, den);
	return bp < 0 ? json_null() : json_real((double)bp / 10000.0);
}

/* sum / n in units of unit, with the given number of decimals (1 or 2); null when n is 0. */
static json_t *mean_json(int64_t sum, int64_t n, int64_t unit, int decimals)
{
	if (n <= 0)
		return json_null();
	int64_t scale = decimals == 1 ? 10 : 100;
	int64_t den = n * unit;
	return json_real((double)((sum * scale + den / 2) / den) / (double)scale);
}

static const char *fig_name(hm_req *r, const char *dim, const hotline_fig *f)
{
	if (strcmp(dim, "channel") == 0)
		return hotline_channel_name(f->code);
	if (strcmp(dim, "category") == 0) {
		const hotline_category *c = hotline_category_find(f->code);
		return c ? c->name : f->code;
	}
	if (strcmp(dim, "district") == 0) {
		const char *n = f->code[0] ? divisions_name(r->app->divisions, f->code) : NULL;
		return n ? n : f->code[0] ? f->code : "未注明区（市）";
	}
	const hotline_department *d = hotline_department_find(f->department_id);
	return d ? d->name : f->code;
}

/* The leaders' cell: every count and every rate. */
static json_t *fig_json(const hotline_fig *f, const char *name)
{
	json_t *j = json_pack("{s:s, s:s}", "code", f->code, "name", name);
	if (f->department_id)
		SET(j, "id", json_integer(f->department_id));
	SET(j, "count", json_integer(f->count));
	SET(j, "dispatched", json_integer(f->dispatched));
	SET(j, "replied", json_integer(f->replied));
	SET(j, "on_time", json_integer(f->on_time));
	SET(j, "rated", json_integer(f->rated));
	SET(j, "satisfied", json_integer(f->satisfied));
	SET(j, "basically", json_integer(f->basically));
	SET(j, "unsatisfied", json_integer(f->unsatisfied));
	SET(j, "returned", json_integer(f->returned));
	SET(j, "extended", json_integer(f->extended));
	SET(j, "repeats", json_integer(f->repeats));
	SET(j, "on_time_rate", rate_json(f->on_time, f->replied));
	/* 满意率 counts 满意 and 基本满意 as satisfied, the usual 12345 practice */
	SET(j, "satisfaction_rate", rate_json(f->satisfied + f->basically, f->rated));
	SET(j, "return_rate", rate_json(f->returned, f->dispatched));
	SET(j, "extension_rate", rate_json(f->extended, f->dispatched));
	SET(j, "repeat_rate", rate_json(f->repeats, f->count));
	SET(j, "mean_sign_hours", mean_json(f->sign_seconds, f->signed_n, 3600, 1));
	SET(j, "mean_reply_hours", mean_json(f->reply_seconds, f->replied, 3600, 1));
	SET(j, "mean_reply_workdays", mean_json(f->reply_workdays, f->replied, 1, 2));
	return j;
}

static json_t *dim_json(hm_req *r, const char *dim, const hotline_fig *cells, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, fig_json(&cells[i], fig_name(r, dim, &cells[i])));
	return a;
}

static json_t *period_json(int64_t from, int64_t to)
{
	char a[16], b[16];
	json_t *j = json_object();
	SET(j, "from", from ? json_string(hm_date_format(hm_day_of(from), a, sizeof a)) : json_null());
	SET(j, "to", to ? json_string(hm_date_format(hm_day_of(to) - 1, b, sizeof b)) : json_null());
	return j;
}

/* Overdue and soon-due appeals are the state of today, whatever the period. */
struct overdue_acc {
	json_t *items;
	int64_t now;
};

static void overdue_visit(const hotline_appeal *a, void *arg)
{
	struct overdue_acc *acc = arg;
	const hotline_category *c = hotline_category_find(a->category);
	const hotline_department *d = a->department_id ? hotline_department_find(a->department_id) : NULL;
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->id, "no", a->no, "status", a->status,
			      "status_name", hotline_status_name(a->status), "warning", hotline_warning_code(a->warning));
	SET(j, "category", json_pack("{s:s, s:s}", "code", a->category, "name", c ? c->name : a->category));
	SET(j, "department",
	    d ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d->id, "code", d->code, "name", d->name) : json_null());
	SET(j, "due", json_time(a->due));
	SET(j, "time_left_seconds", a->due ? json_integer(a->due - acc->now) : json_null());
	json_array_append_new(acc->items, j);
}

static hm_err warnings(hm_req *r, const char *level, int size, json_t *items, int64_t *total)
{
	hotline_filter f;
	memset(&f, 0, sizeof f);
	f.warning = level;
	f.emergency = -1;
	f.page = 1;
	f.page_size = size;
	hotline_ctx c = ctx_of(r);
	struct overdue_acc acc = {items, r->now};
	return hotline_appeal_list(&c, &f, overdue_visit, &acc, total, &r->err);
}

hm_err hotline_stats_handler(hm_req *r)
{
	static const char *const allowed[] = {"from", "to", NULL};
	int64_t from, to;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = period_args(r, &from, &to)))
		return err;
	hotline_figures *s = malloc(sizeof *s);
	if (!s)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_figures_get(&c, from, to, s, &r->err))) {
		free(s);
		return err;
	}
	json_t *j = json_object();
	SET(j, "period", period_json(from, to));
	SET(j, "total", json_integer(s->overall.count));
	json_t *statuses = json_array();
	for (int i = 0; i < s->nstatus; i++)
		json_array_append_new(statuses, json_pack("{s:s, s:s, s:I}", "code", s->by_status[i].code, "name",
							  hotline_status_name(s->by_status[i].code), "count",
							  (json_int_t)s->by_status[i].count));
	SET(j, "by_status", statuses);
	const hotline_fig *o = &s->overall;
	SET(j, "overall", fig_json(o, "全部"));
	SET(j, "by_channel", dim_json(r, "channel", s->by_channel, s->nchannel));
	SET(j, "by_category", dim_json(r, "category", s->by_category, s->ncategory));
	SET(j, "by_district", dim_json(r, "district", s->by_district, s->ndistrict));
	SET(j, "by_department", dim_json(r, "department", s->by_department, s->ndepartment));
	/* the first dashboard's keys, kept for its readers */
	SET(j, "replied", json_pack("{s:I, s:I}", "total", (json_int_t)o->replied, "on_time", (json_int_t)o->on_time));
	SET(j, "satisfaction", json_pack("{s:I, s:I, s:I, s:I}", "rated", (json_int_t)o->rated, "satisfied",
					 (json_int_t)o->satisfied, "basically", (json_int_t)o->basically, "unsatisfied",
					 (json_int_t)o->unsatisfied));
	SET(j, "on_time_rate", rate_json(o->on_time, o->replied));
	SET(j, "satisfaction_rate", rate_json(o->satisfied + o->basically, o->rated));
	SET(j, "return_rate", rate_json(o->returned, o->dispatched));
	SET(j, "extension_rate", rate_json(o->extended, o->dispatched));
	SET(j, "repeat_rate", rate_json(o->repeats, o->count));
	free(s);
	int64_t yellow = 0, red = 0;
	json_t *none = json_array(), *overdue = json_array();
	err = warnings(r, "yellow", 1, none, &yellow);
	if (!err)
		err = warnings(r, "red", 20, overdue, &red);
	json_decref(none);
	if (err) {
		json_decref(overdue);
		json_decref(j);
		return err;
	}
	SET(j, "warnings", json_pack("{s:I, s:I}", "yellow", (json_int_t)yellow, "red", (json_int_t)red));
	SET(j, "overdue", overdue);
	SET(j, "overdue_total", json_integer(red));
	return http_reply(r, 200, j);
}

/* ---- public statistics ----------------------------------------------------- */

static const char *const public_notes[] = {
	"本表只公开汇总数字，不含任何诉求人的姓名、电话、地址或诉求内容。",
	"为保护诉求人隐私，诉求量少于 3 件的格子不公开（显示为“<3”，各项比率同时隐去）；若某一维度只有一格被隐去，另隐去一格，以免由合计倒推。",
	"按时答复率 = 在办理期限内答复的件数 ÷ 已答复件数；满意率 = （满意 + 基本满意）÷ 已回访评价件数；退单率、延期率以已派单件数为分母；重复诉求率 = 合并为重复诉求的件数 ÷ 诉求量。",
	"统计期间按受理日期（北京时间）计；承办单位按当前主办单位计；答复用时自派单起算，工作日不含派单当日。",
};

static json_t *public_cell(const hotline_fig *f, const char *name)
{
	json_t *j = json_pack("{s:s, s:s, s:b}", "code", f->code, "name", name, "suppressed", f->suppressed);
	if (f->suppressed) {
		SET(j, "count", json_string("<3"));
		static const char *const hidden[] = {"on_time_rate", "satisfaction_rate", "return_rate", "extension_rate",
						     "repeat_rate", "mean_sign_hours", "mean_reply_hours",
						     "mean_reply_workdays"};
		for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
			SET(j, hidden[i], json_null());
		return j;
	}
	json_t *full = fig_json(f, name);
	static const char *const shown[] = {"count", "on_time_rate", "satisfaction_rate", "return_rate", "extension_rate",
					    "repeat_rate", "mean_sign_hours", "mean_reply_hours", "mean_reply_workdays"};
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
		SET(j, shown[i], json_incref(json_object_get(full, shown[i])));
	json_decref(full);
	return j;
}

static json_t *public_dim(hm_req *r, const char *dim, hotline_fig *cells, int n)
{
	hotline_figures_suppress(cells, n, HOTLINE_PUBLIC_MIN_CELL);
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, public_cell(&cells[i], fig_name(r, dim, &cells[i])));
	return a;
}

/* One Excel row: numbers as numbers. Rates are written as percentages with
 * two decimals through the helper's two-decimal column (ten-thousandths /
 * 100), means in hundredths the same way. */
static json_t *excel_row(const char *dimension, const json_t *cell)
{
	json_t *row = json_pack("{s:s, s:s}", "dimension", dimension, "name", json_string_value(json_object_get(cell, "name")));
	if (json_is_true(json_object_get(cell, "suppressed"))) {
		SET(row, "note", json_string("少于 3 件，不公开"));
		return row;
	}
	SET(row, "count", json_incref(json_object_get(cell, "count")));
	static const char *const keys[] = {"on_time_rate", "satisfaction_rate", "return_rate", "repeat_rate",
					   "extension_rate", "mean_sign_hours", "mean_reply_hours", "mean_reply_workdays"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const json_t *v = json_object_get(cell, keys[i]);
		if (json_is_number(v)) {
			double x = json_number_value(v) * (i < 5 ? 10000.0 : 100.0);
			SET(row, keys[i], json_integer((json_int_t)(x + (x >= 0 ? 0.5 : -0.5))));
		}
	}
	return row;
}

static const export_col public_cols[] = {
	{"dimension", "统计维度", COL_TEXT, 10},
	{"name", "名称", COL_TEXT, 24},
	{"count", "诉求量（件）", COL_INT, 12},
	{"on_time_rate", "按时答复率（%）", COL_MONEY, 15},
	{"satisfaction_rate", "满意率（%）", COL_MONEY, 12},
	{"return_rate", "退单率（%）", COL_MONEY, 12},
	{"repeat_rate", "重复诉求率（%）", COL_MONEY, 15},
	{"extension_rate", "延期率（%）", COL_MONEY, 12},
	{"mean_sign_hours", "平均签收用时（小时）", COL_MONEY, 18},
	{"mean_reply_hours", "平均答复用时（小时）", COL_MONEY, 18},
	{"mean_reply_workdays", "平均答复用时（工作日）", COL_MONEY, 20},
	{"note", "说明", COL_TEXT, 20},
};

hm_err hotline_stats_public_handler(hm_req *r)
{
	static const char *const allowed[] = {"from", "to", "format", NULL};
	int64_t from, to;
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = period_args(r, &from, &to)) || (err = export_wanted(r, &xlsx)))
		return err;
	hotline_figures *s = malloc(sizeof *s);
	if (!s)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	hotline_ctx c = ctx_of(r);
	if ((err = hotline_figures_get(&c, from, to, s, &r->err))) {
		free(s);
		return err;
	}
	hotline_figures_suppress(&s->overall, 1, HOTLINE_PUBLIC_MIN_CELL);
	json_t *j = json_pack("{s:s, s:o, s:i}", "title", "枣庄市民热线诉求办理情况统计", "period", period_json(from, to),
			      "min_cell", HOTLINE_PUBLIC_MIN_CELL);
	SET(j, "overall", public_cell(&s->overall, "全部诉求"));
	SET(j, "by_channel", public_dim(r, "channel", s->by_channel, s->nchannel));
	SET(j, "by_category", public_dim(r, "category", s->by_category, s->ncategory));
	SET(j, "by_district", public_dim(r, "district", s->by_district, s->ndistrict));
	SET(j, "by_department", public_dim(r, "department", s->by_department, s->ndepartment));
	free(s);
	json_t *notes = json_array();
	for (size_t i = 0; i < sizeof public_notes / sizeof public_notes[0]; i++)
		json_array_append_new(notes, json_string(public_notes[i]));
	SET(j, "notes", notes);
	if (!xlsx)
		return http_reply(r, 200, j);
	json_t *rows = json_array();
	json_array_append_new(rows, excel_row("合计", json_object_get(j, "overall")));
	static const char *const dims[][2] = {{"by_channel", "受理渠道"},
					      {"by_category", "诉求分类"},
					      {"by_district", "区（市）"},
					      {"by_department", "承办单位"}};
	for (size_t d = 0; d < 4; d++) {
		size_t i;
		json_t *cell;
		json_array_foreach(json_object_get(j, dims[d][0]), i, cell)
			json_array_append_new(rows, excel_row(dims[d][1], cell));
	}
	for (size_t i = 0; i < sizeof public_notes / sizeof public_notes[0]; i++)
		json_array_append_new(rows, json_pack("{s:s, s:s}", "dimension", "说明", "note", public_notes[i]));
	err = export_reply_xlsx(r, "hotline-public-statistics", "热线诉求统计", public_cols,
				sizeof public_cols / sizeof public_cols[0], rows);
	json_decref(rows);
	json_decref(j);
	return err;
}
