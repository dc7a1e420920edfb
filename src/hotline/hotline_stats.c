/* The hotline's figures: one pass over the period's appeals, summed in C
 * into the four dimensions at once (the working-day means need each
 * appeal's dispatch and reply days, which SQL cannot count without the
 * calendar). Small-cell suppression for the public figures. */
#include "hotline/hotline_stats.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

int64_t hotline_rate_bp(int64_t num, int64_t den)
{
	return den > 0 ? (num * 10000 + den / 2) / den : -1;
}

void hotline_figures_suppress(hotline_fig *cells, int n, int64_t min)
{
	int hidden = 0;
	for (int i = 0; i < n; i++) {
		cells[i].suppressed = cells[i].count > 0 && cells[i].count < min;
		hidden += cells[i].suppressed;
	}
	if (hidden != 1)
		return;
	int best = -1;
	for (int i = 0; i < n; i++)
		if (!cells[i].suppressed && cells[i].count > 0 && (best < 0 || cells[i].count < cells[best].count))
			best = i;
	if (best >= 0)
		cells[best].suppressed = true;
}

/* Working days between two Beijing days, from a table of running counts
 * filled on demand: the calendar is asked once per day, not once per
 * appeal. Days before the table's start go to the calendar directly. */
typedef struct workdays {
	hm_calendar *cal;
	int32_t base;     /* pre[i] = working days in (base, base + i] */
	int32_t *pre;
	int n, cap;
} workdays;

static int workdays_upto(workdays *w, int32_t day)
{
	int need = day - w->base;
	if (need >= w->cap) {
		int cap = w->cap ? w->cap : 1024;
		while (cap <= need)
			cap *= 2;
		int32_t *p = realloc(w->pre, (size_t)cap * sizeof *p);
		if (!p)
			return -1;
		w->pre = p;
		w->cap = cap;
	}
	if (w->n == 0) {
		w->pre[0] = 0;
		w->n = 1;
	}
	for (; w->n <= need; w->n++)
		w->pre[w->n] = w->pre[w->n - 1] + calendar_is_workday(w->cal, w->base + w->n, NULL);
	return w->pre[need];
}

static int64_t workdays_between(workdays *w, int32_t from, int32_t to)
{
	if (to <= from)
		return 0;
	if (!w->pre && !w->n)
		w->base = from - 400; /* most dispatches of a period lie after this */
	if (from < w->base || to - w->base > 200000)
		return calendar_workdays_between(w->cal, from, to, NULL);
	int a = workdays_upto(w, from), b = workdays_upto(w, to);
	if (a < 0 || b < 0)
		return calendar_workdays_between(w->cal, from, to, NULL);
	return b - a;
}

/* One appeal's contribution to a cell. */
typedef struct row {
	int64_t dispatched_at, signed_at, replied_at;
	int on_time;      /* -1 unknown */
	const char *satisfaction;
	bool returned, extended, repeat;
	int64_t reply_workdays;
} row;

static void add(hotline_fig *f, const row *r)
{
	f->count++;
	f->repeats += r->repeat;
	if (r->satisfaction[0]) {
		/* every caller's own rating counts, a merged repeat's too */
		f->rated++;
		f->satisfied += strcmp(r->satisfaction, "satisfied") == 0;
		f->basically += strcmp(r->satisfaction, "basically") == 0;
		f->unsatisfied += strcmp(r->satisfaction, "unsatisfied") == 0;
	}
	/* a merged repeat carries its main appeal's dispatch and reply times:
	 * the department's timeliness is counted once, on the main appeal */
	if (r->repeat)
		return;
	if (r->dispatched_at) {
		f->dispatched++;
		f->returned += r->returned;
		f->extended += r->extended;
		if (r->signed_at >= r->dispatched_at && r->signed_at) {
			f->signed_n++;
			f->sign_seconds += r->signed_at - r->dispatched_at;
		}
	}
	if (r->replied_at) {
		f->replied++;
		f->on_time += r->on_time == 1;
		if (r->dispatched_at && r->replied_at >= r->dispatched_at) {
			f->reply_seconds += r->replied_at - r->dispatched_at;
			f->reply_workdays += r->reply_workdays;
		}
	}
}

static int find_code(const hotline_fig *f, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (strcmp(f[i].code, code) == 0)
			return i;
	return -1;
}

/* The first-level code of a category ("police.traffic" → "police"). */
static const char *top_category(const char *code)
{
	const hotline_category *c = hotline_category_find(code);
	for (int depth = 0; c && c->parent[0] && depth < 8; depth++) {
		const hotline_category *p = hotline_category_find(c->parent);
		if (!p)
			break;
		c = p;
	}
	return c ? c->code : code;
}

/* A cache of category code → cell, since every appeal needs one. */
typedef struct cat_memo {
	char code[48];
	int cell;
} cat_memo;

static int category_cell(hotline_figures *out, cat_memo *memo, int *nmemo, const char *code)
{
	for (int i = 0; i < *nmemo; i++)
		if (strcmp(memo[i].code, code) == 0)
			return memo[i].cell;
	const char *top = top_category(code);
	int cell = find_code(out->by_category, out->ncategory, top);
	if (cell < 0 && out->ncategory < HOTLINE_CAT_MAX) {
		cell = out->ncategory++;
		COPY(out->by_category[cell].code, top);
	}
	if (*nmemo < HOTLINE_CAT_MAX * 2) {
		COPY(memo[*nmemo].code, code);
		memo[(*nmemo)++].cell = cell;
	}
	return cell;
}

static void cells_init(hotline_figures *out)
{
	for (const char *const *ch = hotline_channels(); *ch && out->nchannel < HOTLINE_STATS_CHANNELS; ch++)
		COPY(out->by_channel[out->nchannel++].code, *ch);
	size_t n;
	const hotline_category *cat = hotline_categories(&n);
	for (size_t i = 0; i < n && out->ncategory < HOTLINE_CAT_MAX; i++)
		if (!cat[i].parent[0] && hotline_category_current(cat[i].code))
			COPY(out->by_category[out->ncategory++].code, cat[i].code);
	const hotline_department *d = hotline_departments(&n);
	for (size_t i = 0; i < n && out->ndepartment < HOTLINE_DEPT_MAX; i++) {
		COPY(out->by_department[out->ndepartment].code, d[i].code);
		out->by_department[out->ndepartment++].department_id = d[i].id;
	}
	for (const char *const *s = hotline_statuses(); *s && out->nstatus < HOTLINE_STATS_STATUSES; s++)
		COPY(out->by_status[out->nstatus++].code, *s);
}

static int compare_district(const void *a, const void *b)
{
	const hotline_fig *x = a, *y = b;
	/* "" (not given) last, the rest by division code */
	if (!x->code[0] || !y->code[0])
		return !x->code[0] - !y->code[0];
	return strcmp(x->code, y->code);
}

hm_err hotline_figures_get(const hotline_ctx *c, int64_t from, int64_t to, hotline_figures *out, hm_error *e)
{
	memset(out, 0, sizeof *out);
	if (hotline_scope(c->user))
		return hm_fail(e, HM_E_FORBIDDEN, NULL);
	out->from = from;
	out->to = to;
	cells_init(out);
	hm_stmt *st = db_stmt(c->db,
			      "SELECT a.channel, a.category, a.district, coalesce(a.department_id, 0), a.status,"
			      " coalesce(a.dispatched_at, 0), coalesce(a.signed_at, 0), coalesce(a.replied_at, 0),"
			      " coalesce(a.replied_on_time, -1), a.satisfaction, a.return_count > 0, a.extended_workdays > 0,"
			      " a.main_id IS NOT NULL"
			      /* a plain range (no "$1 = 0 OR") so that the covering index
			       * hotline_appeals_figures is scanned over the period only */
			      " FROM hotline_appeals a WHERE a.created_at >= $1 AND a.created_at < $2",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, from ? from : INT64_MIN);
	db_bind_int(st, 2, to ? to : INT64_MAX);
	workdays wd = {c->cal, 0, NULL, 0, 0};
	cat_memo *memo = calloc(HOTLINE_CAT_MAX * 2, sizeof *memo);
	if (!memo)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	int nmemo = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		row r = {
			.dispatched_at = db_col_int(st, 5),
			.signed_at = db_col_int(st, 6),
			.replied_at = db_col_int(st, 7),
			.on_time = (int)db_col_int(st, 8),
			.satisfaction = db_col_text(st, 9),
			.returned = db_col_int(st, 10),
			.extended = db_col_int(st, 11),
			.repeat = db_col_int(st, 12),
		};
		if (r.replied_at && r.dispatched_at && r.replied_at >= r.dispatched_at)
			r.reply_workdays = workdays_between(&wd, hm_day_of(r.dispatched_at), hm_day_of(r.replied_at));
		add(&out->overall, &r);
		int i = find_code(out->by_channel, out->nchannel, db_col_text(st, 0));
		if (i >= 0)
			add(&out->by_channel[i], &r);
		if ((i = category_cell(out, memo, &nmemo, db_col_text(st, 1))) >= 0)
			add(&out->by_category[i], &r);
		const char *district = db_col_text(st, 2);
		if ((i = find_code(out->by_district, out->ndistrict, district)) < 0 && out->ndistrict < HOTLINE_STATS_DISTRICTS) {
			i = out->ndistrict++;
			COPY(out->by_district[i].code, district);
		}
		if (i >= 0)
			add(&out->by_district[i], &r);
		int64_t dept = db_col_int(st, 3);
		for (i = 0; dept && i < out->ndepartment; i++)
			if (out->by_department[i].department_id == dept) {
				add(&out->by_department[i], &r);
				break;
			}
		const char *status = db_col_text(st, 4);
		for (i = 0; i < out->nstatus; i++)
			if (strcmp(out->by_status[i].code, status) == 0) {
				out->by_status[i].count++;
				break;
			}
	}
	free(memo);
	free(wd.pre);
	if (rc != DB_DONE)
		return db_error(c->db, e);
	qsort(out->by_district, (size_t)out->ndistrict, sizeof out->by_district[0], compare_district);
	return HM_OK;
}
