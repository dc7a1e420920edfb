/* The hotline's rules and operations: the catalogue and departments (data),
 * the state machine, the clocks and warning levels, repeats, and each step
 * from intake to the caller's verdict. SQL lives in hotline_db.c; this file
 * decides what is allowed and what it means. */
#include "hotline/hotline.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/embedded.h"
#include "core/hmtime.h"
#include "hotline/hotline_db.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* The seed's two hotline numbers (DOMAIN.md §2). */
const char *const hotline_lines[] = {"0632-3311161", "0632-3312400", NULL};

/* ---- catalogue and departments ----------------------------------------- */

static hotline_category cats[HOTLINE_CAT_MAX];
static size_t ncats;
static int cat_version;
static hotline_department depts[HOTLINE_DEPT_MAX];
static size_t ndepts;
static pthread_once_t data_once = PTHREAD_ONCE_INIT;

/* Next line of an embedded file into line (n bytes); false at the end. */
static bool next_line(const char **p, char *line, size_t n)
{
	if (!**p)
		return false;
	const char *eol = strchr(*p, '\n');
	size_t len = eol ? (size_t)(eol - *p) : strlen(*p);
	snprintf(line, n, "%.*s", (int)len, *p);
	*p += len + (eol ? 1 : 0);
	return true;
}

/* Split line at tabs into at most max fields (in place); returns the count. */
static int split_tabs(char *line, char **f, int max)
{
	int k = 0;
	f[k++] = line;
	for (char *s = line; *s && k < max; s++)
		if (*s == '\t') {
			*s = '\0';
			f[k++] = s + 1;
		}
	return k;
}

static void data_load(void)
{
	/* both files are built into the binary and checked by the unit tests:
	 * a malformed line is a build defect, not a runtime condition */
	const struct hm_embedded_file *f = hm_embedded_find("data/hotline_catalog.tsv");
	if (!f)
		abort();
	const char *p = (const char *)f->data;
	char line[1024], *fl[8];
	while (next_line(&p, line, sizeof line)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		int k = split_tabs(line, fl, 8);
		if (k == 2 && strcmp(fl[0], "version") == 0) {
			cat_version = atoi(fl[1]);
			continue;
		}
		if (k != 7 || ncats >= HOTLINE_CAT_MAX)
			abort();
		hotline_category *c = &cats[ncats++];
		COPY(c->code, fl[0]);
		COPY(c->parent, fl[1]);
		COPY(c->name, fl[2]);
		c->since = atoi(fl[3]);
		c->until = atoi(fl[4]);
		c->workdays = atoi(fl[5]);
		COPY(c->description, fl[6]);
		if (c->workdays < 1 || c->workdays > HOTLINE_EXTENSION_MAX_WORKDAYS)
			abort();
	}
	if (cat_version < 1)
		abort();
	f = hm_embedded_find("data/hotline_departments.tsv");
	if (!f)
		abort();
	p = (const char *)f->data;
	while (next_line(&p, line, sizeof line)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (split_tabs(line, fl, 8) != 4 || ndepts >= HOTLINE_DEPT_MAX)
			abort();
		hotline_department *d = &depts[ndepts++];
		d->id = atoll(fl[0]);
		COPY(d->code, fl[1]);
		COPY(d->org, fl[2]);
		COPY(d->name, fl[3]);
		if (d->id <= 0)
			abort();
	}
}

int hotline_catalog_version(void)
{
	pthread_once(&data_once, data_load);
	return cat_version;
}

const hotline_category *hotline_categories(size_t *n)
{
	pthread_once(&data_once, data_load);
	*n = ncats;
	return cats;
}

const hotline_category *hotline_category_find(const char *code)
{
	size_t n;
	const hotline_category *c = hotline_categories(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].code, code) == 0)
			return &c[i];
	return NULL;
}

bool hotline_category_current(const char *code)
{
	const hotline_category *c = hotline_category_find(code);
	int v = hotline_catalog_version();
	return c && c->since <= v && (c->until == 0 || c->until >= v);
}

bool hotline_category_within(const char *code, const char *scope)
{
	/* the catalogue is at most a few levels deep; the bound guards a cycle */
	for (int depth = 0; code && code[0] && depth < 8; depth++) {
		if (strcmp(code, scope) == 0)
			return true;
		const hotline_category *c = hotline_category_find(code);
		code = c ? c->parent : NULL;
	}
	return false;
}

const hotline_department *hotline_departments(size_t *n)
{
	pthread_once(&data_once, data_load);
	*n = ndepts;
	return depts;
}

const hotline_department *hotline_department_find(int64_t id)
{
	size_t n;
	const hotline_department *d = hotline_departments(&n);
	for (size_t i = 0; i < n; i++)
		if (d[i].id == id)
			return &d[i];
	return NULL;
}

/* ---- names ------------------------------------------------------------- */

static const char *const status_codes[] = {"registered", "dispatched", "signed", "return_requested",
					   "replied",    "rework",     "closed", "merged", NULL};
static const char *const status_names[] = {"待派单", "待签收", "办理中", "退单待审", "待回访", "重办中", "已办结", "已合并"};
static const char *const channel_codes[] = {"phone", "wechat", "web", "programme", "butler", NULL};
static const char *const channel_names[] = {"电话", "微信留言", "网页表单", "直播节目", "项目管家转办"};
static const char *const kind_codes[] = {"consultation", "request", "complaint", "report", "suggestion", "praise", NULL};
static const char *const kind_names[] = {"咨询", "求助", "投诉", "举报", "建议", "表扬"};
static const char *const sat_codes[] = {"satisfied", "basically", "unsatisfied", NULL};
static const char *const sat_names[] = {"满意", "基本满意", "不满意"};

static const char *name_of(const char *const *codes, const char *const *names, const char *code)
{
	for (int i = 0; codes[i]; i++)
		if (strcmp(codes[i], code) == 0)
			return names[i];
	return code;
}

static bool in_list(const char *const *codes, const char *code)
{
	for (int i = 0; codes[i]; i++)
		if (strcmp(codes[i], code) == 0)
			return true;
	return false;
}

const char *hotline_status_name(const char *s) { return name_of(status_codes, status_names, s); }
const char *hotline_channel_name(const char *s) { return name_of(channel_codes, channel_names, s); }
const char *hotline_kind_name(const char *s) { return name_of(kind_codes, kind_names, s); }
const char *hotline_satisfaction_name(const char *s) { return name_of(sat_codes, sat_names, s); }
const char *const *hotline_statuses(void) { return status_codes; }
const char *const *hotline_channels(void) { return channel_codes; }
const char *const *hotline_kinds(void) { return kind_codes; }

/* ---- pure rules -------------------------------------------------------- */

const char *hotline_next_status(const char *from, hotline_action a)
{
#define IS(s) (strcmp(from, s) == 0)
	switch (a) {
	case HL_DISPATCH:
		return IS("registered") ? "dispatched" : NULL;
	case HL_SIGN:
		return IS("dispatched") ? "signed" : NULL;
	case HL_REPLY:
		/* a department may answer at once on signing day; signing first is required */
		return IS("signed") || IS("rework") ? "replied" : NULL;
	case HL_RETURN:
		return IS("dispatched") || IS("signed") ? "return_requested" : NULL;
	case HL_REDISPATCH:
		return IS("return_requested") ? "dispatched" : NULL;
	case HL_INSIST:
		return IS("dispatched") || IS("signed") ? from : NULL;
	case HL_CALLBACK_OK:
	case HL_CALLBACK_FINAL:
		return IS("replied") ? "closed" : NULL;
	case HL_CALLBACK_REWORK:
		return IS("replied") ? "rework" : NULL;
	case HL_MERGE:
		return IS("registered") ? "merged" : NULL;
	}
#undef IS
	return NULL;
}

hotline_warning hotline_warning_at(hm_calendar *cal, int64_t due, bool in_hours, int64_t now)
{
	if (!due)
		return HL_WARN_NONE;
	if (now >= due)
		return HL_WARN_RED;
	if (in_hours)
		return due - now <= HOTLINE_EMERGENCY_YELLOW_SECONDS ? HL_WARN_YELLOW : HL_WARN_NONE;
	return due <= hotline_yellow_bound(cal, now) ? HL_WARN_YELLOW : HL_WARN_NONE;
}

int64_t hotline_yellow_bound(hm_calendar *cal, int64_t now)
{
	/* A working-day deadline ends at 24:00 of its last working day D. It is
	 * yellow from the working day before D onwards, i.e. when D is no later
	 * than the next working day after today: due <= 24:00 of that day. */
	int32_t day = hm_day_of(now) + 1;
	for (int i = 0; i < 60 && !calendar_is_workday(cal, day, NULL); i++)
		day++;
	return hm_day_start(day + 1);
}

const char *hotline_warning_code(hotline_warning w)
{
	return w == HL_WARN_RED ? "red" : w == HL_WARN_YELLOW ? "yellow" : "none";
}

char *hotline_mask_phone(const char *phone, char *buf, size_t n)
{
	size_t len = strlen(phone);
	if (len < 7) {
		snprintf(buf, n, "%s", len ? "****" : "");
		return buf;
	}
	snprintf(buf, n, "%.3s****%s", phone, phone + len - 4);
	return buf;
}

bool hotline_phone_valid(const char *phone)
{
	size_t len = strlen(phone), digits = 0;
	if (len < 7 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = phone[i];
		if (isdigit((unsigned char)ch))
			digits++;
		else if (ch == '+' && i == 0)
			continue;
		else if ((ch == '-' || ch == ' ') && i > 0 && i + 1 < len)
			continue;
		else
			return false;
	}
	return digits >= 7;
}

bool hotline_is_repeat(const char *phone_a, const char *cat_a, int64_t at_a, const char *phone_b, const char *cat_b,
		       int64_t at_b)
{
	int64_t d = at_a > at_b ? at_a - at_b : at_b - at_a;
	return phone_a[0] && strcmp(phone_a, phone_b) == 0 && strcmp(cat_a, cat_b) == 0 &&
	       d < (int64_t)HOTLINE_REPEAT_WINDOW_DAYS * 86400;
}

void hotline_appeal_canonical(const hotline_appeal *a, char *buf, size_t n)
{
	snprintf(buf, n,
		 "appeal|%lld|%s|%s|%lld|%s|%d|%s|%s|%s|%s|%s|%d|%d|%s|%s|%lld|%lld|%lld|%lld|%d|%d|%s|%lld|%d|%d|%s|%lld|"
		 "%lld",
		 (long long)a->id, a->channel, a->line, (long long)a->programme_id, a->kind, a->anonymous, a->caller_name,
		 a->caller_phone, a->place, a->content, a->category, a->catalog_version, a->emergency, a->status,
		 a->answer, (long long)a->department_id, (long long)a->dispatched_at, (long long)a->signed_at,
		 (long long)a->due, a->due_in_hours, a->extended_workdays, a->reply, (long long)a->replied_at,
		 a->return_count, a->rework_count, a->satisfaction, (long long)a->main_id, (long long)a->closed_at);
}

/* ---- appeals ----------------------------------------------------------- */

int64_t hotline_scope(const hm_user *u)
{
	return perm_has(u->role, "hotline:appeal:handle") ? u->id : 0;
}

static void derive(const hotline_ctx *c, hotline_appeal *a)
{
	int year, m, d;
	hm_day_ymd(hm_day_of(a->created_at), &year, &m, &d);
	snprintf(a->no, sizeof a->no, "RX%04d%06lld", year, (long long)a->id);
	bool open = in_list((const char *const[]){"registered", "dispatched", "signed", "return_requested", "rework", NULL},
			    a->status);
	a->warning = open ? hotline_warning_at(c->cal, a->due, a->due_in_hours, c->now) : HL_WARN_NONE;
}

hm_err hotline_appeal_get(const hotline_ctx *c, int64_t id, hotline_appeal *out, hm_error *e)
{
	hm_err err = hotline_db_appeal_get(c->db, hotline_scope(c->user), id, out, e);
	if (!err)
		derive(c, out);
	return err;
}

/* The audit record of a step: old and new states digested, the action and
 * status change in the detail (no personal data). */
static hm_err audit_step(const hotline_ctx *c, const char *action, const hotline_appeal *old, const hotline_appeal *now,
			 hm_error *e)
{
	char a[16384], b[16384], detail[160];
	if (old)
		hotline_appeal_canonical(old, a, sizeof a);
	hotline_appeal_canonical(now, b, sizeof b);
	snprintf(detail, sizeof detail, "{\"from\":\"%s\",\"to\":\"%s\"}", old ? old->status : "", now->status);
	return audit_append(c->db, c->now, c->user->id, action, "appeal", now->id, old ? a : NULL, b, detail, e);
}

/* Save a, write its timeline entry and its audit record; reload into out. */
static hm_err commit_step(const hotline_ctx *c, const char *action, const hotline_appeal *old, hotline_appeal *a,
			  const char *note, hotline_appeal *out, hm_error *e)
{
	hm_err err = hotline_db_appeal_save(c->db, c->now, a, e);
	if (err || (err = hotline_db_event(c->db, a->id, c->now, c->user->id, action, old->status, a->status,
					  a->department_id, note, e)))
		return err;
	char full[48];
	snprintf(full, sizeof full, "appeal.%s", action);
	if ((err = audit_step(c, full, old, a, e)))
		return err;
	if (out) {
		/* reload through the unscoped read: a return may have just taken the appeal out of the actor's scope */
		if ((err = hotline_db_appeal_get(c->db, 0, a->id, out, e)))
			return err;
		derive(c, out);
	}
	return HM_OK;
}

hm_err hotline_appeal_create(const hotline_ctx *c, hotline_appeal *in, hm_error *e)
{
	if (!in_list(channel_codes, in->channel))
		return hm_fail(e, HM_E_APPEAL_CHANNEL, "channel");
	bool phone_channel = strcmp(in->channel, "phone") == 0, on_air = strcmp(in->channel, "programme") == 0;
	if (phone_channel && !in_list(hotline_lines, in->line))
		return hm_fail(e, HM_E_APPEAL_LINE, "line");
	if (on_air && in->line[0] && !in_list(hotline_lines, in->line))
		return hm_fail(e, HM_E_APPEAL_LINE, "line");
	if (!phone_channel && !on_air && in->line[0])
		return hm_failf(e, HM_E_APPEAL_LINE, "line", "只有电话和直播节目渠道填写来电号码");
	if (!in_list(kind_codes, in->kind))
		return hm_fail(e, HM_E_APPEAL_KIND, "kind");
	if (!in->anonymous && !in->caller_name[0])
		return hm_fail(e, HM_E_APPEAL_CALLER, "caller_name");
	if (in->anonymous && in->caller_name[0])
		return hm_failf(e, HM_E_BAD_VALUE, "caller_name", "匿名诉求不应填写姓名");
	if (in->caller_phone[0] && !hotline_phone_valid(in->caller_phone))
		return hm_fail(e, HM_E_APPEAL_PHONE, "caller_phone");
	if (!in->content[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "content", "请填写诉求内容");
	if (!hotline_category_current(in->category))
		return hm_failf(e, HM_E_APPEAL_CATEGORY, "category", "诉求分类 %.48s 不存在或已停用", in->category);
	if (on_air != (in->programme_id != 0))
		return hm_fail(e, HM_E_APPEAL_PROGRAMME, "programme_id");
	if (on_air) {
		hotline_programme p;
		hm_err err = hotline_db_programme_get(c->db, in->programme_id, &p, e);
		if (err)
			return hm_fail(e, HM_E_APPEAL_PROGRAMME, "programme_id");
		bool within = p.nscope == 0;
		for (int i = 0; i < p.nscope && !within; i++)
			within = hotline_category_within(in->category, p.scope[i]);
		if (!within)
			return hm_fail(e, HM_E_APPEAL_OUT_OF_SCOPE, "category");
	}
	bool answered = in->answer[0] != '\0';
	if (answered && strcmp(in->kind, "consultation") != 0)
		return hm_fail(e, HM_E_APPEAL_ANSWER, "answer");
	if (answered && in->emergency)
		return hm_failf(e, HM_E_APPEAL_ANSWER, "answer", "紧急诉求须派单办理，不能当场办结");
	in->catalog_version = hotline_catalog_version();
	in->due = 0;
	in->due_in_hours = false;
	if (answered) {
		/* 咨询类诉求当场答复即办结（国办发〔2020〕53号：能即时解答的直接答复） */
		COPY(in->status, "closed");
		in->closed_at = c->now;
	} else {
		COPY(in->status, "registered");
		in->closed_at = 0;
		if (in->emergency) {
			hm_err err = calendar_add_hours(c->now, HOTLINE_EMERGENCY_DISPATCH_HOURS, &in->due, e);
			if (err)
				return err;
			in->due_in_hours = true;
		}
	}
	hm_err err = hotline_db_appeal_insert(c->db, c->user->id, c->now, in, e);
	if (err || (err = hotline_db_event(c->db, in->id, c->now, c->user->id, "create", "", "registered", 0,
					  hotline_channel_name(in->channel), e)))
		return err;
	if (answered && (err = hotline_db_event(c->db, in->id, c->now, c->user->id, "answer", "registered", "closed", 0,
					       in->answer, e)))
		return err;
	hotline_appeal saved;
	if ((err = hotline_db_appeal_get(c->db, 0, in->id, &saved, e)))
		return err;
	derive(c, &saved);
	*in = saved;
	return audit_step(c, "appeal.create", NULL, &saved, e);
}

hm_err hotline_appeal_reveal_phone(const hotline_ctx *c, int64_t id, char out[24], hm_error *e)
{
	hm_err err = hotline_db_appeal_phone(c->db, hotline_scope(c->user), id, out, 24, e);
	if (err || (err = hotline_db_event(c->db, id, c->now, c->user->id, "view_phone", "", "", 0, "查看完整来电号码", e)))
		return err;
	return audit_append(c->db, c->now, c->user->id, "appeal.view_phone", "appeal", id, NULL, NULL,
			    "{\"field\":\"caller_phone\"}", e);
}

/* Load for a step: in scope, with the state moved by action. */
static hm_err load_for(const hotline_ctx *c, int64_t id, hotline_action act, hotline_appeal *old, hotline_appeal *a,
		       hm_error *e)
{
	hm_err err = hotline_appeal_get(c, id, old, e);
	if (err)
		return err;
	const char *next = hotline_next_status(old->status, act);
	if (!next)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "诉求当前为“%s”，不能执行此操作", hotline_status_name(old->status));
	*a = *old;
	COPY(a->status, next);
	return HM_OK;
}

/* Dispatch to a department now: the sign-for and reply clocks start. */
static hm_err start_dispatch(const hotline_ctx *c, hotline_appeal *a, int64_t dept_id, hm_error *e)
{
	const hotline_category *cat = hotline_category_find(a->category);
	int days = cat ? cat->workdays : HOTLINE_HANDLE_WORKDAYS;
	bool est1 = false, est2 = false;
	hm_err err = calendar_add_workdays(c->cal, c->now, HOTLINE_SIGN_WORKDAYS, &a->sign_due, &est1, e);
	if (err)
		return err;
	if (a->emergency) {
		/* the emergency's 24 hours run from intake: the caller has waited since the call */
		err = calendar_add_hours(a->created_at, HOTLINE_EMERGENCY_REPLY_HOURS, &a->due, e);
		a->due_in_hours = true;
	} else {
		err = calendar_add_workdays(c->cal, c->now, days, &a->due, &est2, e);
		a->due_in_hours = false;
	}
	if (err)
		return err;
	a->estimated = est1 || est2;
	a->department_id = dept_id;
	a->dispatched_at = c->now;
	a->signed_at = 0;
	a->extended_workdays = 0;
	return hotline_db_dispatch_insert(c->db, a->id, dept_id, c->now, c->user->id, e);
}

hm_err hotline_dispatch(const hotline_ctx *c, int64_t id, int64_t dept_id, const char *note, hotline_appeal *out,
			hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_DISPATCH, &old, &a, e);
	if (err)
		return err;
	if (!hotline_department_find(dept_id))
		return hm_fail(e, HM_E_APPEAL_DEPARTMENT, "department_id");
	if ((err = start_dispatch(c, &a, dept_id, e)))
		return err;
	return commit_step(c, "dispatch", &old, &a, note, out, e);
}

hm_err hotline_dispatch_within(const hotline_ctx *c, int64_t id, int64_t dept_id, int workdays, const char *note,
			       hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_DISPATCH, &old, &a, e);
	if (err)
		return err;
	if (!hotline_department_find(dept_id))
		return hm_fail(e, HM_E_APPEAL_DEPARTMENT, "department_id");
	if (workdays < 1)
		return hm_fail(e, HM_E_OUT_OF_RANGE, "workdays");
	if ((err = start_dispatch(c, &a, dept_id, e)))
		return err;
	if (!a.due_in_hours) {
		bool est = false;
		if ((err = calendar_add_workdays(c->cal, c->now, workdays, &a.due, &est, e)))
			return err;
		a.estimated = a.estimated || est;
	}
	return commit_step(c, "dispatch", &old, &a, note, out, e);
}

hm_err hotline_sign(const hotline_ctx *c, int64_t id, const char *note, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_SIGN, &old, &a, e);
	if (err)
		return err;
	a.signed_at = c->now;
	return commit_step(c, "sign", &old, &a, note, out, e);
}

hm_err hotline_reply(const hotline_ctx *c, int64_t id, const char *reply, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_REPLY, &old, &a, e);
	if (err)
		return err;
	if (!reply[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "reply", "请填写答复内容");
	COPY(a.reply, reply);
	a.replied_at = c->now;
	a.replied_on_time = a.due && c->now < a.due;
	return commit_step(c, "reply", &old, &a, reply, out, e);
}

hm_err hotline_return(const hotline_ctx *c, int64_t id, const char *reason, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_RETURN, &old, &a, e);
	if (err)
		return err;
	if (!reason[0])
		return hm_fail(e, HM_E_APPEAL_REASON, "reason");
	int64_t limit;
	if ((err = calendar_add_workdays(c->cal, old.dispatched_at, HOTLINE_RETURN_WORKDAYS, &limit, NULL, e)))
		return err;
	if (c->now >= limit)
		return hm_fail(e, HM_E_APPEAL_RETURN_LATE, NULL);
	a.return_count++;
	if ((err = hotline_db_dispatch_returned(c->db, id, reason, c->now, e)))
		return err;
	return commit_step(c, "return", &old, &a, reason, out, e);
}

hm_err hotline_return_review(const hotline_ctx *c, int64_t id, bool redispatch, int64_t dept_id, const char *note,
			     hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = load_for(c, id, HL_REDISPATCH, &old, &a, e);
	if (err)
		return err;
	if ((err = hotline_db_dispatch_reviewed(c->db, id, redispatch ? "redispatch" : "insist", note, e)))
		return err;
	if (redispatch) {
		if (!hotline_department_find(dept_id))
			return hm_fail(e, HM_E_APPEAL_DEPARTMENT, "department_id");
		if (dept_id == old.department_id)
			return hm_failf(e, HM_E_APPEAL_DEPARTMENT, "department_id", "改派须选择另一个承办单位");
		if ((err = start_dispatch(c, &a, dept_id, e)))
			return err;
		return commit_step(c, "redispatch", &old, &a, note, out, e);
	}
	/* the dispatch stands: the department keeps it, and its clock, which
	 * ran on during the dispute, as before */
	COPY(a.status, old.signed_at ? "signed" : "dispatched");
	return commit_step(c, "insist", &old, &a, note, out, e);
}

hm_err hotline_extension_request(const hotline_ctx *c, int64_t id, int workdays, const char *reason,
				 hotline_appeal *out, hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, id, &a, e);
	if (err)
		return err;
	/* a rework already has its own fresh period; extensions are for the first handling */
	if (strcmp(a.status, "signed") != 0 || a.rework_count)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "只有签收后办理中（非重办）的诉求可以申请延期");
	if (a.emergency)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "紧急诉求当日办结，不能延期");
	if (!reason[0])
		return hm_fail(e, HM_E_APPEAL_REASON, "reason");
	const hotline_category *cat = hotline_category_find(a.category);
	int current = a.extended_workdays ? a.extended_workdays : cat ? cat->workdays : HOTLINE_HANDLE_WORKDAYS;
	if (workdays > HOTLINE_EXTENSION_MAX_WORKDAYS || workdays <= current)
		return hm_failf(e, HM_E_APPEAL_EXT_LIMIT, "workdays",
				"延期后的办理期限须长于现在的 %d 个工作日，且合计不超过 %d 个工作日", current,
				HOTLINE_EXTENSION_MAX_WORKDAYS);
	if (c->now >= a.due)
		return hm_fail(e, HM_E_APPEAL_EXT_LATE, NULL);
	hotline_extension x;
	if (hotline_db_extension_pending(c->db, id, &x, e) == HM_OK)
		return hm_fail(e, HM_E_APPEAL_EXT_PENDING, NULL);
	hm_error_clear(e);
	if ((err = hotline_db_extension_insert(c->db, id, a.department_id, workdays, reason, c->user->id, c->now, e)))
		return err;
	char note[1200];
	snprintf(note, sizeof note, "申请延期至 %d 个工作日：%s", workdays, reason);
	return commit_step(c, "extension_request", &a, &a, note, out, e);
}

hm_err hotline_extension_decide(const hotline_ctx *c, int64_t id, bool approve, const char *note, hotline_appeal *out,
				hm_error *e)
{
	hotline_appeal old, a;
	hm_err err = hotline_appeal_get(c, id, &old, e);
	if (err)
		return err;
	hotline_extension x;
	if ((err = hotline_db_extension_pending(c->db, id, &x, e)))
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "该诉求没有待审批的延期申请");
	a = old;
	if (approve) {
		if (strcmp(a.status, "signed") != 0)
			return hm_failf(e, HM_E_APPEAL_STATE, NULL, "诉求已不在办理中，不能批准延期");
		/* the extended period counts from the dispatch, as the first did */
		bool est = false;
		if ((err = calendar_add_workdays(c->cal, a.dispatched_at, x.workdays, &a.due, &est, e)))
			return err;
		a.estimated = a.estimated || est;
		a.extended_workdays = x.workdays;
	}
	if ((err = hotline_db_extension_decide(c->db, x.id, approve ? "approved" : "refused", note, c->user->id, c->now,
					       e)))
		return err;
	char text[1200];
	snprintf(text, sizeof text, "%s延期至 %d 个工作日%s%s", approve ? "批准" : "不批准", x.workdays, note[0] ? "：" : "",
		 note);
	return commit_step(c, approve ? "extension_approve" : "extension_refuse", &old, &a, text, out, e);
}

hm_err hotline_callback(const hotline_ctx *c, int64_t id, const char *result, const char *satisfaction,
			const char *note, hotline_appeal *out, hm_error *e)
{
	static const char *const results[] = {"reached", "no_answer", "busy", "unreachable", NULL};
	if (!in_list(results, result))
		return hm_fail(e, HM_E_APPEAL_CALLBACK, "result");
	bool reached = strcmp(result, "reached") == 0;
	if (reached ? !in_list(sat_codes, satisfaction) : satisfaction[0] != '\0')
		return hm_fail(e, HM_E_APPEAL_CALLBACK, "satisfaction");
	hotline_appeal old, a;
	hm_err err = hotline_appeal_get(c, id, &old, e);
	if (err)
		return err;
	if (strcmp(old.status, "replied") != 0)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "只有已答复的诉求可以回访");
	a = old;
	if ((err = hotline_db_callback_insert(c->db, id, 0, c->user->id, c->now, result, satisfaction, note, e)))
		return err;
	char text[1200];
	if (!reached) {
		/* the attempt is logged; the appeal waits for the next one */
		snprintf(text, sizeof text, "回访未接通（%s）%s", result, note);
		return commit_step(c, "callback_attempt", &old, &a, text, out, e);
	}
	COPY(a.satisfaction, satisfaction);
	snprintf(text, sizeof text, "回访：%s%s%s", hotline_satisfaction_name(satisfaction), note[0] ? "。" : "", note);
	if (strcmp(satisfaction, "unsatisfied") == 0 && old.rework_count < HOTLINE_MAX_REWORKS) {
		/* 不满意 reopens the appeal once, to the same department, with a fresh period */
		COPY(a.status, hotline_next_status(old.status, HL_CALLBACK_REWORK));
		a.rework_count++;
		bool est = false;
		if ((err = calendar_add_workdays(c->cal, c->now, HOTLINE_REWORK_WORKDAYS, &a.due, &est, e)))
			return err;
		a.due_in_hours = false;
		a.estimated = est;
		a.extended_workdays = 0;
		a.replied_at = 0;
		a.replied_on_time = -1;
		return commit_step(c, "rework", &old, &a, text, out, e);
	}
	COPY(a.status, "closed");
	a.closed_at = c->now;
	return commit_step(c, "callback", &old, &a, text, out, e);
}

hm_err hotline_supervise(const hotline_ctx *c, int64_t id, const char *note, int64_t *notice_id, hotline_appeal *out,
			 hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, id, &a, e);
	if (err)
		return err;
	const char *reason = NULL;
	if (a.department_id && a.warning == HL_WARN_RED)
		reason = "overdue";
	else if (a.department_id && strcmp(a.satisfaction, "unsatisfied") == 0)
		reason = "unsatisfied";
	if (!reason)
		return hm_fail(e, HM_E_APPEAL_NOT_DUE, NULL);
	if (!note[0])
		return hm_fail(e, HM_E_APPEAL_REASON, "note");
	if ((err = hotline_db_supervision_insert(c->db, id, a.department_id, reason, note, c->user->id, c->now, notice_id,
						 e)))
		return err;
	char text[1200];
	snprintf(text, sizeof text, "督办单（%s）：%s", strcmp(reason, "overdue") == 0 ? "超期未办结" : "回访不满意", note);
	return commit_step(c, "supervise", &a, &a, text, out, e);
}

hm_err hotline_supervision_respond(const hotline_ctx *c, int64_t id, const char *response, hotline_appeal *out,
				   hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, id, &a, e);
	if (err)
		return err;
	int64_t sid;
	if ((err = hotline_db_supervision_open(c->db, id, &sid, e)))
		return err;
	if (!response[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "response", "请填写督办反馈");
	if ((err = hotline_db_supervision_respond(c->db, sid, response, c->user->id, c->now, e)))
		return err;
	return commit_step(c, "supervision_response", &a, &a, response, out, e);
}

hm_err hotline_merge(const hotline_ctx *c, int64_t id, int64_t main_id, hotline_appeal *out, hm_error *e)
{
	hotline_appeal old, a, main;
	hm_err err = load_for(c, id, HL_MERGE, &old, &a, e);
	if (err == HM_E_APPEAL_STATE)
		return hm_fail(e, HM_E_APPEAL_MERGE, NULL);
	if (err)
		return err;
	if (main_id == id)
		return hm_failf(e, HM_E_APPEAL_MERGE, "main_id", "不能把诉求合并到它自己");
	if ((err = hotline_appeal_get(c, main_id, &main, e)))
		return hm_fail(e, err, "main_id");
	if (strcmp(main.status, "merged") == 0)
		return hm_failf(e, HM_E_APPEAL_MERGE, "main_id", "主诉求已被合并到其他诉求");
	a.main_id = main_id;
	a.due = 0;
	a.closed_at = c->now;
	char text[64];
	snprintf(text, sizeof text, "合并到诉求 RX%06lld", (long long)main_id);
	if ((err = hotline_db_event(c->db, main_id, c->now, c->user->id, "merged_in", main.status, main.status, 0, text,
				    e)))
		return err;
	return commit_step(c, "merge", &old, &a, text, out, e);
}

struct dup_acc {
	const hotline_ctx *c;
	hotline_appeal_visit visit;
	void *arg;
};

static void dup_visit(const hotline_appeal *a, void *arg)
{
	struct dup_acc *d = arg;
	hotline_appeal x = *a;
	derive(d->c, &x);
	d->visit(&x, d->arg);
}

hm_err hotline_duplicates(const hotline_ctx *c, int64_t id, hotline_appeal_visit visit, void *arg, hm_error *e)
{
	hotline_appeal a;
	hm_err err = hotline_appeal_get(c, id, &a, e);
	if (err)
		return err;
	struct dup_acc d = {c, visit, arg};
	return hotline_db_duplicates(c->db, hotline_scope(c->user), &a, (int64_t)HOTLINE_REPEAT_WINDOW_DAYS * 86400,
				     dup_visit, &d, e);
}

hm_err hotline_appeal_list(const hotline_ctx *c, const hotline_filter *f, hotline_appeal_visit visit, void *arg,
			   int64_t *total, hm_error *e)
{
	struct dup_acc d = {c, visit, arg};
	return hotline_db_list(c->db, hotline_scope(c->user), c->now, hotline_yellow_bound(c->cal, c->now), f, dup_visit,
			       &d, total, e);
}

hm_err hotline_appeal_events(const hotline_ctx *c, int64_t id, hotline_event_visit visit, void *arg, hm_error *e)
{
	return hotline_db_events(c->db, id, visit, arg, e);
}

hm_err hotline_appeal_extensions(const hotline_ctx *c, int64_t id, hotline_extension_visit visit, void *arg,
				 hm_error *e)
{
	return hotline_db_extensions(c->db, id, visit, arg, e);
}

hm_err hotline_appeal_supervisions(const hotline_ctx *c, int64_t id, hotline_supervision_visit visit, void *arg,
				   hm_error *e)
{
	return hotline_db_supervisions(c->db, id, visit, arg, e);
}

hm_err hotline_callbacks_list(const hotline_ctx *c, int64_t id, bool missed_call, hotline_callback_visit visit,
			      void *arg, hm_error *e)
{
	return hotline_db_callbacks(c->db, id, missed_call, visit, arg, e);
}

/* ---- programmes -------------------------------------------------------- */

hm_err hotline_programme_create(const hotline_ctx *c, hotline_programme *in, hm_error *e)
{
	if (in->ends_at <= in->starts_at || in->ends_at - in->starts_at > 24 * 3600)
		return hm_fail(e, HM_E_PROGRAMME_TIME, "ends_at");
	for (int i = 0; i < in->nscope; i++) {
		if (!hotline_category_current(in->scope[i]))
			return hm_failf(e, HM_E_APPEAL_CATEGORY, "scope", "诉求分类 %.48s 不存在或已停用", in->scope[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(in->scope[i], in->scope[j]) == 0)
				return hm_failf(e, HM_E_BAD_VALUE, "scope", "受理范围 %.48s 重复", in->scope[i]);
	}
	hm_err err = hotline_db_programme_insert(c->db, c->user->id, c->now, in, e);
	if (err || (err = hotline_db_programme_get(c->db, in->id, in, e)))
		return err;
	char buf[4096];
	snprintf(buf, sizeof buf, "programme|%lld|%s|%lld|%lld|%s|%s", (long long)in->id, in->title,
		 (long long)in->starts_at, (long long)in->ends_at, in->guests, in->note);
	return audit_append(c->db, c->now, c->user->id, "programme.create", "hotline_programme", in->id, NULL, buf, NULL, e);
}

hm_err hotline_programme_get(const hotline_ctx *c, int64_t id, hotline_programme *out, hm_error *e)
{
	return hotline_db_programme_get(c->db, id, out, e);
}

hm_err hotline_programme_list(const hotline_ctx *c, int page, int size, hotline_programme_visit visit, void *arg,
			      int64_t *total, hm_error *e)
{
	return hotline_db_programme_list(c->db, page, size, visit, arg, total, e);
}

/* ---- members ----------------------------------------------------------- */

static hm_err member_user(const hotline_ctx *c, int64_t dept_id, const char *username, int64_t *uid, hm_error *e)
{
	if (!hotline_department_find(dept_id))
		return hm_fail(e, HM_E_DEPARTMENT_NOT_FOUND, "id");
	char role[32];
	hm_err err = hotline_db_user_role(c->db, username, uid, role, sizeof role, e);
	if (err)
		return err;
	if (strcmp(role, "dept_clerk") != 0)
		return hm_fail(e, HM_E_DEPARTMENT_MEMBER, "username");
	return HM_OK;
}

hm_err hotline_member_add(const hotline_ctx *c, int64_t dept_id, const char *username, hm_error *e)
{
	int64_t uid;
	hm_err err = member_user(c, dept_id, username, &uid, e);
	if (err || (err = hotline_db_member_add(c->db, uid, dept_id, c->user->id, c->now, e)))
		return err;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"department_id\":%lld}", (long long)dept_id);
	return audit_append(c->db, c->now, c->user->id, "department.member_add", "user", uid, NULL, NULL, detail, e);
}

hm_err hotline_member_remove(const hotline_ctx *c, int64_t dept_id, const char *username, hm_error *e)
{
	int64_t uid;
	hm_err err = member_user(c, dept_id, username, &uid, e);
	if (err || (err = hotline_db_member_remove(c->db, uid, dept_id, e)))
		return err;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"department_id\":%lld}", (long long)dept_id);
	return audit_append(c->db, c->now, c->user->id, "department.member_remove", "user", uid, NULL, NULL, detail, e);
}

hm_err hotline_members(const hotline_ctx *c, int64_t dept_id, hotline_member_visit visit, void *arg, hm_error *e)
{
	if (!hotline_department_find(dept_id))
		return hm_fail(e, HM_E_DEPARTMENT_NOT_FOUND, "id");
	return hotline_db_members(c->db, dept_id, visit, arg, e);
}

hm_err hotline_user_departments(const hotline_ctx *c, int64_t *ids, int max, int *n, hm_error *e)
{
	return hotline_db_user_departments(c->db, c->user->id, ids, max, n, e);
}

/* ---- missed calls ------------------------------------------------------ */

hm_err hotline_missed_create(const hotline_ctx *c, hotline_missed_call *in, hm_error *e)
{
	if (!in_list(hotline_lines, in->line))
		return hm_fail(e, HM_E_APPEAL_LINE, "line");
	if (!hotline_phone_valid(in->caller_phone))
		return hm_fail(e, HM_E_APPEAL_PHONE, "caller_phone");
	if (in->missed_at > c->now)
		return hm_failf(e, HM_E_BAD_DATE, "missed_at", "未接来电时间不能晚于现在");
	hm_err err = hotline_db_missed_insert(c->db, c->user->id, c->now, in, e);
	if (err || (err = hotline_db_missed_get(c->db, in->id, in, e)))
		return err;
	return audit_append(c->db, c->now, c->user->id, "missed_call.create", "missed_call", in->id, NULL, NULL, NULL, e);
}

hm_err hotline_missed_attempt(const hotline_ctx *c, int64_t id, const char *result, const char *note,
			      int64_t appeal_id, hotline_missed_call *out, hm_error *e)
{
	static const char *const results[] = {"reached", "no_answer", "busy", "unreachable", NULL};
	if (!in_list(results, result))
		return hm_fail(e, HM_E_APPEAL_CALLBACK, "result");
	hotline_missed_call m;
	hm_err err = hotline_db_missed_get(c->db, id, &m, e);
	if (err)
		return err;
	if (strcmp(m.status, "open") != 0)
		return hm_failf(e, HM_E_APPEAL_STATE, NULL, "该未接来电已回拨处理完毕");
	if (appeal_id) {
		hotline_appeal a;
		if (strcmp(result, "reached") != 0)
			return hm_failf(e, HM_E_BAD_VALUE, "appeal_id", "只有接通后登记的诉求可以关联");
		if ((err = hotline_appeal_get(c, appeal_id, &a, e)))
			return hm_fail(e, err, "appeal_id");
		m.appeal_id = appeal_id;
	}
	if ((err = hotline_db_callback_insert(c->db, 0, id, c->user->id, c->now, result, "", note, e)))
		return err;
	if (strcmp(result, "reached") == 0)
		COPY(m.status, "reached");
	else if (strcmp(result, "unreachable") == 0)
		COPY(m.status, "unreachable");
	if ((err = hotline_db_missed_save(c->db, &m, e)) || (err = hotline_db_missed_get(c->db, id, out, e)))
		return err;
	char detail[64];
	snprintf(detail, sizeof detail, "{\"result\":\"%s\"}", result);
	return audit_append(c->db, c->now, c->user->id, "missed_call.attempt", "missed_call", id, NULL, NULL, detail, e);
}

hm_err hotline_missed_list(const hotline_ctx *c, const char *status, int page, int size, hotline_missed_visit visit,
			   void *arg, int64_t *total, hm_error *e)
{
	return hotline_db_missed_list(c->db, status, page, size, visit, arg, total, e);
}

hm_err hotline_missed_get(const hotline_ctx *c, int64_t id, hotline_missed_call *out, hm_error *e)
{
	return hotline_db_missed_get(c->db, id, out, e);
}

/* ---- figures ----------------------------------------------------------- */

hm_err hotline_stats_get(const hotline_ctx *c, hotline_stats *out, hm_error *e)
{
	return hotline_db_stats(c->db, hotline_scope(c->user), c->now, hotline_yellow_bound(c->cal, c->now), out, e);
}
