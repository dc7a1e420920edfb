/* The butler's rules and operations: the procedure catalogue and rules
 * (embedded data), the checklist plan, status transitions, the working-day
 * span against the 120-day target, and the steps staff take. SQL lives in
 * butler_db.c; the 一次性告知书 PDF in butler_notice.c. */
#include "butler/butler.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "butler/butler_db.h"
#include "butler/butler_notice.h"
#include "core/audit.h"
#include "core/embedded.h"
#include "core/hmtime.h"
#include "core/filestore.h"
#include "hotline/hotline.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* ---- catalogue and rules ------------------------------------------------- */

/* The catalogue as one immutable snapshot. An edit makes a new snapshot
 * and never frees an old one (edits are rare, a snapshot is small), so a
 * borrowed butler_proc_def stays valid however long a request holds it;
 * the snapshots chain through prev and stay reachable. */
typedef struct catalog_snap {
	int64_t stamp;                      /* newest butler_catalog_history id it reflects, -1 = the data file */
	size_t n;
	butler_proc_def defs[BUTLER_CATALOG_MAX];
	struct catalog_snap *prev;
} catalog_snap;

static catalog_snap seed_snap = {.stamp = -1};
static _Atomic(catalog_snap *) current_snap = &seed_snap;
static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static butler_rules rules;
static pthread_once_t data_once = PTHREAD_ONCE_INIT;

/* Split line at tabs into at most max fields (in place); returns count. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static void catalog_parse(void)
{
	const struct hm_embedded_file *f = hm_embedded_find("data/butler_procedures.tsv");
	if (!f)
		abort();
	const char *p = (const char *)f->data;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[8192];
		char *fld[10];
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (eol ? 1 : 0);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		/* the catalogue is built into the binary and tested: a bad line is a bug */
		if (split_tabs(line, fld, 10) != 10 || seed_snap.n >= BUTLER_CATALOG_MAX || !butler_stage_valid(fld[0]))
			abort();
		butler_proc_def *d = &seed_snap.defs[seed_snap.n++];
		d->version = 1;
		COPY(d->stage, fld[0]);
		COPY(d->code, fld[1]);
		COPY(d->name, fld[2]);
		COPY(d->department, fld[3]);
		d->workdays = atoi(fld[4]);
		d->per_building = atoi(fld[5]) != 0;
		COPY(d->materials, fld[6]);
		COPY(d->flow, fld[7]);
		COPY(d->source, fld[8]);
		COPY(d->check, fld[9]);
		if (d->workdays < 1)
			abort();
	}
}

static void rules_parse(void)
{
	const struct hm_embedded_file *f = hm_embedded_find("data/butler_rules.tsv");
	if (!f)
		abort();
	const char *p = (const char *)f->data;
	int seen = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024];
		char *fld[4];
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (eol ? 1 : 0);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (split_tabs(line, fld, 4) != 4)
			abort();
		long long v = atoll(fld[1]);
		if (strcmp(fld[0], "permit_exempt_investment") == 0) {
			rules.exempt_investment = v;
			COPY(rules.exempt_source, fld[3]);
		} else if (strcmp(fld[0], "permit_exempt_area") == 0)
			rules.exempt_area = v;
		else if (strcmp(fld[0], "approval_target_workdays") == 0) {
			rules.target_workdays = (int)v;
			COPY(rules.target_source, fld[3]);
		} else if (strcmp(fld[0], "question_deadline_max") == 0)
			rules.question_deadline_max = (int)v;
		else if (strcmp(fld[0], "question_deadline_default") == 0)
			rules.question_deadline_default = (int)v;
		else
			abort();
		seen++;
	}
	if (seen != 5 || rules.target_workdays < 1 || rules.question_deadline_max < 1 ||
	    rules.question_deadline_default < 1 || rules.question_deadline_default > rules.question_deadline_max)
		abort();
}

static void data_load(void)
{
	catalog_parse();
	rules_parse();
}

const butler_proc_def *butler_catalog(size_t *n)
{
	pthread_once(&data_once, data_load);
	const catalog_snap *snap = atomic_load(&current_snap);
	*n = snap->n;
	return snap->defs;
}

hm_err butler_catalog_sync(hm_db *db, hm_error *e)
{
	pthread_once(&data_once, data_load);
	int64_t stamp;
	hm_err err = butler_db_catalog_stamp(db, &stamp, e);
	if (err || stamp == atomic_load(&current_snap)->stamp)
		return err;
	catalog_snap *snap = calloc(1, sizeof *snap);
	if (!snap)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	if ((err = butler_db_catalog_load(db, snap->defs, BUTLER_CATALOG_MAX, &snap->n, e))) {
		free(snap);
		return err;
	}
	snap->stamp = stamp;
	pthread_mutex_lock(&snap_lock);
	snap->prev = atomic_load(&current_snap);
	atomic_store(&current_snap, snap);
	pthread_mutex_unlock(&snap_lock);
	return HM_OK;
}

const butler_proc_def *butler_proc_find(const char *code)
{
	size_t n;
	const butler_proc_def *d = butler_catalog(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].code, code) == 0)
			return &d[i];
	return NULL;
}

const butler_rules *butler_rules_get(void)
{
	pthread_once(&data_once, data_load);
	return &rules;
}

typedef struct {
	const char *code, *name;
} code_name;

static const code_name stages[] = {{"land", "立项用地规划许可"}, {"engineering", "工程建设许可"},
				   {"construction", "施工许可"},   {"acceptance", "竣工验收"},
				   {"completed", "已竣工"},        {NULL, NULL}};
static const code_name statuses[] = {{"todo", "待办"},   {"in_progress", "办理中"}, {"done", "已办结"},
				     {"exempt", "无需办理"}, {"handed_over", "已转交部门"}, {"answered", "已答复"},
				     {NULL, NULL}};
static const code_name levels[] = {{"province", "省重点项目"}, {"city", "市重点项目"}, {"district", "区重点项目"}, {NULL, NULL}};
static const code_name methods[] = {{"in_person", "当面送达"}, {"mail", "邮寄送达"}, {"electronic", "电子送达"}, {NULL, NULL}};

static const char *name_of(const code_name *t, const char *code)
{
	for (; t->code; t++)
		if (strcmp(t->code, code) == 0)
			return t->name;
	return code;
}

static bool valid_in(const code_name *t, const char *code)
{
	for (; t->code; t++)
		if (strcmp(t->code, code) == 0)
			return true;
	return false;
}

const char *butler_stage_name(const char *s) { return name_of(stages, s); }
const char *butler_status_name(const char *s) { return name_of(statuses, s); }
const char *butler_level_name(const char *s) { return name_of(levels, s); }
const char *butler_method_name(const char *s) { return name_of(methods, s); }
bool butler_stage_valid(const char *s) { return valid_in(stages, s); }
bool butler_level_valid(const char *s) { return valid_in(levels, s); }
bool butler_method_valid(const char *s) { return valid_in(methods, s); }

/* ---- pure rules ----------------------------------------------------------- */

bool butler_permit_exempt(const butler_rules *r, int64_t investment, int64_t floor_area, char *why, size_t n)
{
	bool by_money = investment <= r->exempt_investment;
	bool by_area = floor_area >= 0 && floor_area <= r->exempt_area;
	if (!by_money && !by_area)
		return false;
	if (why && n) {
		long long yuan = (long long)(r->exempt_investment / 100), m2 = (long long)(r->exempt_area / 100);
		char amount[48];
		/* the rule is written in 万元 (30万元); say it the way it is written */
		if (r->exempt_investment % 1000000 == 0)
			snprintf(amount, sizeof amount, "%lld万元", yuan / 10000);
		else
			snprintf(amount, sizeof amount, "%lld元", yuan);
		if (by_money)
			snprintf(why, n, "工程投资额在%s以下（含），依据%s，可以不申请办理施工许可证", amount,
				 r->exempt_source);
		else
			snprintf(why, n, "建筑面积在%lld平方米以下（含），依据%s，可以不申请办理施工许可证", m2,
				 r->exempt_source);
	}
	return true;
}

size_t butler_plan(const butler_rules *r, int64_t investment, int64_t floor_area, const char *const *buildings,
		   size_t nbuildings, butler_plan_row *out, size_t max)
{
	size_t n = 0, ndef;
	const butler_proc_def *d = butler_catalog(&ndef);
	char why[300];
	bool exempt = butler_permit_exempt(r, investment, floor_area, why, sizeof why);
	for (size_t i = 0; i < ndef; i++) {
		if (d[i].retired)
			continue;
		size_t items = d[i].per_building && nbuildings ? nbuildings : 1;
		for (size_t k = 0; k < items && n < max; k++) {
			butler_plan_row *row = &out[n++];
			memset(row, 0, sizeof *row);
			row->def = &d[i];
			COPY(row->item, d[i].per_building && nbuildings ? buildings[k] : "");
			bool ex = exempt && strcmp(d[i].code, BUTLER_EXEMPT_CODE) == 0;
			row->status = ex ? "exempt" : "todo";
			if (ex)
				COPY(row->reason, why);
		}
	}
	return n;
}

bool butler_proc_transition_ok(const char *from, const char *to)
{
	static const struct {
		const char *from, *to;
	} ok[] = {
		{"todo", "in_progress"}, {"todo", "done"},   {"in_progress", "done"},
		{"in_progress", "todo"}, {"todo", "exempt"}, {"exempt", "todo"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(ok[i].from, from) == 0 && strcmp(ok[i].to, to) == 0)
			return true;
	return false;
}

static int32_t day_or_zero(const char *s)
{
	int32_t d;
	return s && s[0] && hm_date_parse(s, &d, NULL, NULL) == HM_OK ? d : 0;
}

void butler_span_compute(hm_calendar *cal, const butler_span_row *rows, size_t n, int32_t today, int target,
			 butler_span *out)
{
	memset(out, 0, sizeof *out);
	size_t applicable = 0, done = 0;
	int32_t last = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].status, "exempt") == 0)
			continue;
		applicable++;
		if (strcmp(rows[i].status, "done") == 0)
			done++;
		else
			out->missing++;
		int32_t s = day_or_zero(rows[i].started_on), f = day_or_zero(rows[i].finished_on);
		if (!s)
			s = f; /* done before anyone recorded a start: its finish is the earliest we know */
		if (s && (!out->first_start || s < out->first_start))
			out->first_start = s;
		if (f > last)
			last = f;
	}
	out->complete = applicable > 0 && done == applicable;
	out->end = out->complete ? last : today;
	if (out->first_start && out->end > out->first_start)
		out->elapsed = calendar_workdays_between(cal, out->first_start, out->end, &out->estimated);
	out->over_target = out->elapsed > target;
}

bool butler_uscc_valid(const char *s)
{
	/* GB 32100-2015: 18 characters from 0-9 and A-Z without I, O, Z, S, V */
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	if (!s || strlen(s) != 18)
		return false;
	int sum = 0;
	for (int i = 0; i < 18; i++) {
		const char *c = s[i] ? strchr(set, s[i]) : NULL;
		if (!c)
			return false;
		if (i < 17)
			sum += (int)(c - set) * w[i];
		else
			return (31 - sum % 31) % 31 == (int)(c - set);
	}
	return false;
}

bool butler_phone_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 7 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= '0' && ch <= '9') || ch == ' ' || ch == '-' || (ch == '+' && i == 0)))
			return false;
	}
	return true;
}

/* ---- scope ---------------------------------------------------------------- */

const char *butler_scope_district(const hm_user *u)
{
	return u->scope_org_id ? u->org_code : "";
}

int64_t butler_scope_butler(const hm_user *u)
{
	/* a butler works on the team's projects only; the bureau manages all */
	return perm_has(u->role, "butler:project:write") && !perm_has(u->role, "butler:team:manage") ? u->id : 0;
}

#define SCOPE_ARGS(c) butler_scope_district((c)->user), butler_scope_butler((c)->user)

static hm_err audit(const butler_ctx *c, const char *action, const char *entity, int64_t id, const char *old_text,
		    const char *new_text, const char *detail, hm_error *e)
{
	return audit_append(c->db, c->now, c->user->id, action, entity, id, old_text, new_text, detail, e);
}

static char *today_iso(const butler_ctx *c, char buf[11])
{
	return hm_date_format(hm_day_of(c->now), buf, 11);
}

/* A date field: a real YYYY-MM-DD, not after today when not_future. */
static hm_err check_date(const butler_ctx *c, const char *s, const char *field, bool not_future, hm_error *e)
{
	int32_t d;
	hm_err err = hm_date_parse(s, &d, e, field);
	if (err)
		return err;
	if (not_future && d > hm_day_of(c->now))
		return hm_fail(e, HM_E_BUTLER_FUTURE, field);
	return HM_OK;
}

/* ---- teams ---------------------------------------------------------------- */

static void team_canonical(const butler_team *t, char *buf, size_t n)
{
	size_t off = (size_t)snprintf(buf, n, "{\"id\":%lld,\"district\":\"%s\",\"name\":\"%s\",\"phone\":\"%s\",\"members\":[",
				      (long long)t->id, t->district, t->name, t->phone);
	for (int i = 0; i < t->nmembers && off < n; i++)
		off += (size_t)snprintf(buf + off, n - off, "%s{\"user_id\":%lld,\"leader\":%d,\"phone\":\"%s\"}", i ? "," : "",
					(long long)t->members[i].user_id, t->members[i].leader, t->members[i].phone);
	if (off < n)
		snprintf(buf + off, n - off, "]}");
}

hm_err butler_team_list(const butler_ctx *c, butler_team_visit visit, void *arg, hm_error *e)
{
	return butler_db_team_list(c->db, butler_scope_district(c->user), visit, arg, e);
}

hm_err butler_team_get(const butler_ctx *c, int64_t id, butler_team *out, hm_error *e)
{
	return butler_db_team_get(c->db, butler_scope_district(c->user), id, out, e);
}

hm_err butler_team_create(const butler_ctx *c, butler_team *in, hm_error *e)
{
	if (!c->user->scope_org_id)
		return hm_fail(e, HM_E_BUTLER_NO_DISTRICT, NULL);
	if (in->phone[0] && !butler_phone_valid(in->phone))
		return hm_fail(e, HM_E_BUTLER_PHONE, "phone");
	COPY(in->district, c->user->org_code);
	hm_err err = butler_db_team_insert(c->db, c->now, in, e);
	if (err || (err = butler_team_get(c, in->id, in, e)))
		return err;
	char buf[4096];
	team_canonical(in, buf, sizeof buf);
	return audit(c, "butler_team.create", "butler_team", in->id, NULL, buf, NULL, e);
}

hm_err butler_member_add(const butler_ctx *c, int64_t team_id, const char *username, const char *phone, bool leader,
			 butler_team *out, hm_error *e)
{
	butler_team old;
	int64_t uid;
	char role[32], org[16];
	hm_err err = butler_team_get(c, team_id, &old, e);
	if (err || (err = butler_db_user_find(c->db, username, &uid, role, org, e)))
		return err;
	if (strcmp(role, "butler") != 0 || strcmp(org, old.district) != 0)
		return hm_fail(e, HM_E_BUTLER_MEMBER_ROLE, "username");
	if (phone[0] && !butler_phone_valid(phone))
		return hm_fail(e, HM_E_BUTLER_PHONE, "phone");
	if ((err = butler_db_member_insert(c->db, team_id, uid, phone, leader, c->now, e)) ||
	    (err = butler_team_get(c, team_id, out, e)))
		return err;
	char a[4096], b[4096], detail[96];
	team_canonical(&old, a, sizeof a);
	team_canonical(out, b, sizeof b);
	snprintf(detail, sizeof detail, "{\"user_id\":%lld,\"leader\":%s}", (long long)uid, leader ? "true" : "false");
	return audit(c, "butler_team.member_add", "butler_team", team_id, a, b, detail, e);
}

hm_err butler_member_remove(const butler_ctx *c, int64_t team_id, int64_t user_id, butler_team *out, hm_error *e)
{
	butler_team old;
	hm_err err = butler_team_get(c, team_id, &old, e);
	if (err || (err = butler_db_member_end(c->db, team_id, user_id, c->now, e)) ||
	    (err = butler_team_get(c, team_id, out, e)))
		return err;
	char a[4096], b[4096], detail[64];
	team_canonical(&old, a, sizeof a);
	team_canonical(out, b, sizeof b);
	snprintf(detail, sizeof detail, "{\"user_id\":%lld}", (long long)user_id);
	return audit(c, "butler_team.member_remove", "butler_team", team_id, a, b, detail, e);
}

/* ---- projects ------------------------------------------------------------- */

static void project_canonical(const butler_project *p, char *buf, size_t n)
{
	snprintf(buf, n,
		 "{\"id\":%lld,\"district\":\"%s\",\"town\":\"%s\",\"name\":\"%s\",\"level\":\"%s\",\"industry\":\"%s\","
		 "\"enterprise\":\"%s\",\"uscc\":\"%s\",\"contact_name\":\"%s\",\"contact_phone\":\"%s\",\"investment\":%lld,"
		 "\"floor_area\":%lld,\"planned_start\":\"%s\",\"planned_finish\":\"%s\",\"stage\":\"%s\",\"problems\":\"%s\","
		 "\"measures\":\"%s\"}",
		 (long long)p->id, p->district, p->town, p->name, p->level, p->industry, p->enterprise, p->uscc,
		 p->contact_name, p->contact_phone, (long long)p->investment, (long long)p->floor_area, p->planned_start,
		 p->planned_finish, p->stage, p->problems, p->measures);
}

#define MAX_ROWS 128

struct derive_acc {
	char status[MAX_ROWS][12], started[MAX_ROWS][11], finished[MAX_ROWS][11];
	size_t n;
	char *missing;
	size_t missing_n, off;
};

static void derive_visit(const butler_proc *x, void *arg)
{
	struct derive_acc *a = arg;
	if (a->n < MAX_ROWS) {
		COPY(a->status[a->n], x->status);
		COPY(a->started[a->n], x->started_on);
		COPY(a->finished[a->n], x->finished_on);
		a->n++;
	}
	if ((strcmp(x->status, "todo") == 0 || strcmp(x->status, "in_progress") == 0) && a->off < a->missing_n) {
		const butler_proc_def *d = butler_proc_find(x->code);
		int w = snprintf(a->missing + a->off, a->missing_n - a->off, "%s%s%s%s%s", a->off ? "、" : "",
				 d ? d->name : x->code, x->item[0] ? "（" : "", x->item, x->item[0] ? "）" : "");
		if (w > 0)
			a->off += (size_t)w;
		if (a->off >= a->missing_n)
			a->off = a->missing_n; /* truncated: the list has the full set */
	}
}

/* Fill the derived fields: the span against the target and what is missing. */
static hm_err project_derive(const butler_ctx *c, butler_project *p, hm_error *e)
{
	struct derive_acc *a = calloc(1, sizeof *a);
	if (!a)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	p->missing[0] = '\0';
	a->missing = p->missing;
	a->missing_n = sizeof p->missing;
	hm_err err = butler_db_procs(c->db, p->id, derive_visit, a, e);
	if (!err) {
		butler_span_row rows[MAX_ROWS];
		for (size_t i = 0; i < a->n; i++)
			rows[i] = (butler_span_row){a->status[i], a->started[i], a->finished[i]};
		butler_span_compute(c->cal, rows, a->n, hm_day_of(c->now), butler_rules_get()->target_workdays, &p->span);
		p->nprocs = (int)a->n;
	}
	free(a);
	return err;
}

static hm_err project_check(const butler_ctx *c, butler_project *p, hm_error *e)
{
	if (!p->stage[0])
		COPY(p->stage, "land");
	if (!butler_level_valid(p->level))
		return hm_fail(e, HM_E_BUTLER_LEVEL, "level");
	if (!butler_stage_valid(p->stage))
		return hm_fail(e, HM_E_BUTLER_STAGE, "stage");
	if (!butler_uscc_valid(p->uscc))
		return hm_fail(e, HM_E_BUTLER_USCC, "uscc");
	if (!butler_phone_valid(p->contact_phone))
		return hm_fail(e, HM_E_BUTLER_PHONE, "contact_phone");
	hm_err err = check_date(c, p->planned_start, "planned_start", false, e);
	if (err)
		return err;
	if (p->planned_finish[0]) {
		if ((err = check_date(c, p->planned_finish, "planned_finish", false, e)))
			return err;
		if (strcmp(p->planned_finish, p->planned_start) < 0)
			return hm_fail(e, HM_E_BUTLER_DATES, "planned_finish");
	}
	return HM_OK;
}

hm_err butler_project_get(const butler_ctx *c, int64_t id, butler_project *out, hm_error *e)
{
	hm_err err = butler_db_project_get(c->db, SCOPE_ARGS(c), id, out, e);
	return err ? err : project_derive(c, out, e);
}

hm_err butler_project_create(const butler_ctx *c, butler_project *in, const char *const *buildings, size_t nb,
			     hm_error *e)
{
	if (!c->user->scope_org_id)
		return hm_fail(e, HM_E_BUTLER_NO_DISTRICT, NULL);
	hm_err err = project_check(c, in, e);
	if (err)
		return err;
	for (size_t i = 0; i < nb; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(buildings[i], buildings[k]) == 0)
				return hm_failf(e, HM_E_BUTLER_BUILDING_DUP, "buildings", "单体建筑“%.100s”重复", buildings[i]);
	COPY(in->district, c->user->org_code);
	if ((err = butler_db_project_insert(c->db, c->user->id, c->now, in, e)))
		return err;
	butler_plan_row *plan = malloc(MAX_ROWS * sizeof *plan);
	if (!plan)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	size_t n = butler_plan(butler_rules_get(), in->investment, in->floor_area, buildings, nb, plan, MAX_ROWS);
	for (size_t i = 0; i < n && !err; i++)
		err = butler_db_proc_insert(c->db, in->id, plan[i].def->code, plan[i].item, plan[i].status, plan[i].reason,
					    strcmp(plan[i].status, "exempt") == 0, c->now, e);
	free(plan);
	if (err)
		return err;
	/* a butler registers for their own team, or would lose sight of it */
	int64_t team = 0;
	char phone[24];
	if (butler_scope_butler(c->user)) {
		if ((err = butler_db_member_of(c->db, c->user->id, &team, phone, e)))
			return err;
		if (team && (err = butler_db_assign(c->db, in->id, team, "项目管家登记时自动分配给本团队", c->user->id,
						    c->now, e)))
			return err;
	}
	char buf[8192], detail[96];
	project_canonical(in, buf, sizeof buf);
	snprintf(detail, sizeof detail, "{\"procedures\":%zu,\"team_id\":%lld}", n, (long long)team);
	if ((err = audit(c, "butler_project.create", "butler_project", in->id, NULL, buf, detail, e)))
		return err;
	/* a butler without a team cannot see what they made: show it anyway */
	if ((err = butler_db_project_get(c->db, butler_scope_district(c->user), 0, in->id, in, e)))
		return err;
	return project_derive(c, in, e);
}

struct exempt_acc {
	butler_proc rows[MAX_ROWS];
	size_t n;
};

static void exempt_visit(const butler_proc *x, void *arg)
{
	struct exempt_acc *a = arg;
	if (a->n < MAX_ROWS && strcmp(x->code, BUTLER_EXEMPT_CODE) == 0)
		a->rows[a->n++] = *x;
}

/* Re-apply the exemption to the rows nobody has worked on: a todo row
 * becomes exempt when the rule now applies, and a row exempted by the rule
 * returns to todo when it no longer does. Manual waivers stay. */
static hm_err reapply_exemption(const butler_ctx *c, const butler_project *p, hm_error *e)
{
	struct exempt_acc *a = calloc(1, sizeof *a);
	if (!a)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	char why[300];
	bool exempt = butler_permit_exempt(butler_rules_get(), p->investment, p->floor_area, why, sizeof why);
	hm_err err = butler_db_procs(c->db, p->id, exempt_visit, a, e);
	for (size_t i = 0; !err && i < a->n; i++) {
		butler_proc *x = &a->rows[i];
		if (exempt && strcmp(x->status, "todo") == 0 && !x->started_on[0]) {
			COPY(x->status, "exempt");
			COPY(x->exempt_reason, why);
			x->by_rule = true;
		} else if (!exempt && strcmp(x->status, "exempt") == 0 && x->by_rule) {
			COPY(x->status, "todo");
			x->exempt_reason[0] = '\0';
			x->by_rule = false;
		} else
			continue;
		err = butler_db_proc_save(c->db, c->now, x, e);
	}
	free(a);
	return err;
}

hm_err butler_project_update(const butler_ctx *c, int64_t id, butler_project *in, hm_error *e)
{
	butler_project *old = malloc(sizeof *old);
	if (!old)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = butler_db_project_get(c->db, SCOPE_ARGS(c), id, old, e);
	if (err || (err = project_check(c, in, e)))
		goto out;
	in->id = id;
	COPY(in->district, old->district);
	if ((err = butler_db_project_update(c->db, c->now, in, e)))
		goto out;
	if ((in->investment != old->investment || in->floor_area != old->floor_area) &&
	    (err = reapply_exemption(c, in, e)))
		goto out;
	char a[8192], b[8192];
	project_canonical(old, a, sizeof a);
	project_canonical(in, b, sizeof b);
	if ((err = audit(c, "butler_project.update", "butler_project", id, a, b, NULL, e)))
		goto out;
	err = butler_project_get(c, id, in, e);
out:
	free(old);
	return err;
}

struct blank_acc {
	const char *code;
	butler_proc row;
	bool found;
};

static void blank_visit(const butler_proc *x, void *arg)
{
	struct blank_acc *a = arg;
	if (!a->found && strcmp(x->code, a->code) == 0 && !x->item[0] && !x->started_on[0] &&
	    (strcmp(x->status, "todo") == 0 || (strcmp(x->status, "exempt") == 0 && x->by_rule))) {
		a->row = *x;
		a->found = true;
	}
}

hm_err butler_building_add(const butler_ctx *c, int64_t id, const char *name, hm_error *e)
{
	butler_project *p = malloc(sizeof *p);
	struct blank_acc *b = malloc(sizeof *b);
	hm_err err = HM_OK;
	if (!p || !b) {
		err = hm_fail(e, HM_E_INTERNAL, NULL);
		goto out;
	}
	if ((err = butler_db_project_get(c->db, SCOPE_ARGS(c), id, p, e)))
		goto out;
	size_t ndef;
	const butler_proc_def *d = butler_catalog(&ndef);
	char why[300];
	bool exempt = butler_permit_exempt(butler_rules_get(), p->investment, p->floor_area, why, sizeof why);
	int added = 0;
	for (size_t i = 0; i < ndef && !err; i++) {
		if (!d[i].per_building || d[i].retired)
			continue;
		bool exists;
		if ((err = butler_db_proc_exists(c->db, id, d[i].code, name, &exists, e)))
			break;
		if (exists) {
			err = hm_failf(e, HM_E_BUTLER_BUILDING_DUP, "name", "单体建筑“%.100s”已在审批清单中", name);
			break;
		}
		bool ex = exempt && strcmp(d[i].code, BUTLER_EXEMPT_CODE) == 0;
		memset(b, 0, sizeof *b);
		b->code = d[i].code;
		if ((err = butler_db_procs(c->db, id, blank_visit, b, e)))
			break;
		if (b->found) {
			/* the whole-project row nobody worked on becomes the first building's */
			err = butler_db_proc_set_item(c->db, b->row.id, name, c->now, e);
		} else
			err = butler_db_proc_insert(c->db, id, d[i].code, name, ex ? "exempt" : "todo", ex ? why : "", ex,
						    c->now, e);
		added++;
	}
	if (err)
		goto out;
	char detail[512];
	snprintf(detail, sizeof detail, "{\"building\":\"%.100s\",\"procedures\":%d}", name, added);
	err = audit(c, "butler_project.building_add", "butler_project", id, NULL, NULL, detail, e);
out:
	free(p);
	free(b);
	return err;
}

hm_err butler_project_assign(const butler_ctx *c, int64_t id, int64_t team_id, const char *note, hm_error *e)
{
	butler_project *p = malloc(sizeof *p);
	butler_team *t = malloc(sizeof *t);
	hm_err err;
	if (!p || !t) {
		err = hm_fail(e, HM_E_INTERNAL, NULL);
		goto out;
	}
	if ((err = butler_db_project_get(c->db, SCOPE_ARGS(c), id, p, e)) ||
	    (err = butler_db_team_get(c->db, p->district, team_id, t, e)))
		goto out;
	if (p->team_id == team_id) {
		err = hm_fail(e, HM_E_BUTLER_ASSIGN_SAME, "team_id");
		goto out;
	}
	if ((err = butler_db_assign(c->db, id, team_id, note, c->user->id, c->now, e)))
		goto out;
	char detail[128];
	snprintf(detail, sizeof detail, "{\"from_team\":%lld,\"to_team\":%lld}", (long long)p->team_id, (long long)team_id);
	err = audit(c, "butler_project.assign", "butler_project", id, NULL, NULL, detail, e);
out:
	free(p);
	free(t);
	return err;
}

struct list_wrap {
	const butler_ctx *c;
	butler_project_visit visit;
	void *arg;
	hm_err err;
	hm_error *e;
};

static void list_visit(const butler_project *p, void *arg)
{
	struct list_wrap *w = arg;
	if (w->err)
		return;
	butler_project *copy = malloc(sizeof *copy);
	if (!copy) {
		w->err = hm_fail(w->e, HM_E_INTERNAL, NULL);
		return;
	}
	*copy = *p;
	if (!(w->err = project_derive(w->c, copy, w->e)))
		w->visit(copy, w->arg);
	free(copy);
}

hm_err butler_project_list(const butler_ctx *c, const butler_project_filter *f, butler_project_visit visit, void *arg,
			   int64_t *total, hm_error *e)
{
	struct list_wrap w = {c, visit, arg, HM_OK, e};
	hm_err err = butler_db_project_list(c->db, SCOPE_ARGS(c), f, list_visit, &w, total, e);
	return err ? err : w.err;
}

hm_err butler_project_assignments(const butler_ctx *c, int64_t id, butler_assignment_visit visit, void *arg,
				  hm_error *e)
{
	return butler_db_assignments(c->db, id, visit, arg, e);
}

hm_err butler_project_procs(const butler_ctx *c, int64_t id, butler_proc_visit visit, void *arg, hm_error *e)
{
	return butler_db_procs(c->db, id, visit, arg, e);
}

/* ---- procedures ----------------------------------------------------------- */

static void proc_canonical(const butler_proc *x, char *buf, size_t n)
{
	snprintf(buf, n,
		 "{\"id\":%lld,\"code\":\"%s\",\"item\":\"%s\",\"status\":\"%s\",\"started_on\":\"%s\",\"finished_on\":\"%s\","
		 "\"doc_name\":\"%s\",\"doc_no\":\"%s\",\"note\":\"%s\",\"exempt_reason\":\"%s\"}",
		 (long long)x->id, x->code, x->item, x->status, x->started_on, x->finished_on, x->doc_name, x->doc_no,
		 x->note, x->exempt_reason);
}

hm_err butler_proc_set_status(const butler_ctx *c, int64_t id, const butler_proc_change *ch, butler_proc *out,
			      hm_error *e)
{
	butler_proc old;
	hm_err err = butler_db_proc_get(c->db, SCOPE_ARGS(c), id, &old, e);
	if (err)
		return err;
	const char *to = ch->status;
	if (strcmp(to, "todo") && strcmp(to, "in_progress") && strcmp(to, "done") && strcmp(to, "exempt"))
		return hm_fail(e, HM_E_BUTLER_PROC_STATUS, "status");
	if (!butler_proc_transition_ok(old.status, to))
		return hm_failf(e, HM_E_BUTLER_PROC_STATE, "status", "审批事项当前为“%s”，不能改为“%s”",
				butler_status_name(old.status), butler_status_name(to));
	for (const char *const *f = (const char *const[]){"started_on", "finished_on", NULL}; *f; f++) {
		const char *v = strcmp(*f, "started_on") == 0 ? ch->started_on : ch->finished_on;
		if (v[0] && (err = check_date(c, v, *f, true, e)))
			return err;
	}
	butler_proc x = old;
	char today[11];
	today_iso(c, today);
	COPY(x.status, to);
	if (strcmp(to, "in_progress") == 0) {
		COPY(x.started_on, ch->started_on[0] ? ch->started_on : today);
		x.finished_on[0] = '\0';
	} else if (strcmp(to, "done") == 0) {
		COPY(x.finished_on, ch->finished_on[0] ? ch->finished_on : today);
		if (ch->started_on[0])
			COPY(x.started_on, ch->started_on);
		else if (!x.started_on[0])
			COPY(x.started_on, x.finished_on);
		if (strcmp(x.finished_on, x.started_on) < 0)
			return hm_fail(e, HM_E_BUTLER_PROC_DATES, "finished_on");
	} else if (strcmp(to, "exempt") == 0) {
		if (!ch->note[0])
			return hm_fail(e, HM_E_BUTLER_PROC_NOTE, "note");
		COPY(x.exempt_reason, ch->note);
		x.by_rule = false;
	} else { /* back to todo: withdrawn, or a waiver taken back */
		x.started_on[0] = x.finished_on[0] = '\0';
		x.exempt_reason[0] = '\0';
		x.by_rule = false;
	}
	if (ch->doc_name[0])
		COPY(x.doc_name, ch->doc_name);
	if (ch->doc_no[0])
		COPY(x.doc_no, ch->doc_no);
	if (ch->note[0])
		COPY(x.note, ch->note);
	if ((err = butler_db_proc_save(c->db, c->now, &x, e)))
		return err;
	char a[4096], b[4096], detail[160];
	proc_canonical(&old, a, sizeof a);
	proc_canonical(&x, b, sizeof b);
	snprintf(detail, sizeof detail, "{\"procedure_id\":%lld,\"code\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"}",
		 (long long)id, x.code, old.status, x.status);
	if ((err = audit(c, "butler_procedure.status", "butler_project", x.project_id, a, b, detail, e)))
		return err;
	return butler_db_proc_get(c->db, SCOPE_ARGS(c), id, out, e);
}

hm_err butler_proc_list(const butler_ctx *c, const butler_proc_filter *f, butler_proc_visit visit, void *arg,
			int64_t *total, hm_error *e)
{
	return butler_db_proc_list(c->db, SCOPE_ARGS(c), f, visit, arg, total, e);
}

/* ---- notices -------------------------------------------------------------- */

hm_err butler_notice_create(const butler_ctx *c, int64_t project_id, const char *contact_phone, butler_notice *out,
			    hm_error *e)
{
	butler_project *p = malloc(sizeof *p);
	hm_err err;
	if (!p)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	if ((err = butler_project_get(c, project_id, p, e)))
		goto out;
	if (!p->span.missing) {
		err = hm_fail(e, HM_E_BUTLER_NOTICE_EMPTY, NULL);
		goto out;
	}
	char phone[24] = "";
	if (contact_phone[0]) {
		if (!butler_phone_valid(contact_phone)) {
			err = hm_fail(e, HM_E_BUTLER_PHONE, "contact_phone");
			goto out;
		}
		COPY(phone, contact_phone);
	} else {
		/* the butler's own number in the team, else the team's */
		int64_t team;
		if ((err = butler_db_member_of(c->db, c->user->id, &team, phone, e)))
			goto out;
		if (!phone[0] && p->team_id) {
			butler_team *t = malloc(sizeof *t);
			if (!t) {
				err = hm_fail(e, HM_E_INTERNAL, NULL);
				goto out;
			}
			if (butler_db_team_get(c->db, "", p->team_id, t, e) == HM_OK)
				COPY(phone, t->phone);
			free(t);
		}
	}
	if (!phone[0]) {
		err = hm_fail(e, HM_E_BUTLER_NOTICE_CONTACT, "contact_phone");
		goto out;
	}
	int64_t id;
	int nitems;
	if ((err = butler_db_notice_insert(c->db, project_id, p->team_id, c->user->display_name, phone, c->user->id,
					   c->now, &id, &nitems, e)))
		goto out;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"notice_id\":%lld,\"items\":%d}", (long long)id, nitems);
	if ((err = audit(c, "butler_notice.issue", "butler_project", project_id, NULL, NULL, detail, e)))
		goto out;
	err = butler_db_notice_get(c->db, SCOPE_ARGS(c), id, out, e);
out:
	free(p);
	return err;
}

hm_err butler_notice_get(const butler_ctx *c, int64_t id, butler_notice *out, hm_error *e)
{
	return butler_db_notice_get(c->db, SCOPE_ARGS(c), id, out, e);
}

hm_err butler_notice_print(const butler_ctx *c, int64_t id, char **pdf, size_t *len, hm_error *e)
{
	*pdf = NULL;
	*len = 0;
	butler_notice n;
	butler_project *p = malloc(sizeof *p);
	hm_err err;
	if (!p)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	if ((err = butler_db_notice_get(c->db, SCOPE_ARGS(c), id, &n, e)) ||
	    (err = butler_db_project_get(c->db, SCOPE_ARGS(c), n.project_id, p, e)) ||
	    (err = butler_db_notice_printed(c->db, id, &n.prints, e)))
		goto out;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"notice_id\":%lld,\"print\":%lld}", (long long)id, (long long)n.prints);
	if ((err = audit(c, "butler_notice.print", "butler_project", n.project_id, NULL, NULL, detail, e)))
		goto out;
	err = butler_notice_render(c->db, &n, p, pdf, len, e);
out:
	free(p);
	return err;
}

hm_err butler_notice_deliver(const butler_ctx *c, int64_t id, const char *recipient, const char *method,
			     int64_t delivered_at, const char *note, butler_notice *out, hm_error *e)
{
	butler_notice n;
	hm_err err = butler_db_notice_get(c->db, SCOPE_ARGS(c), id, &n, e);
	if (err)
		return err;
	if (n.delivered_at)
		return hm_fail(e, HM_E_BUTLER_NOTICE_DELIVERED, NULL);
	if (!butler_method_valid(method))
		return hm_fail(e, HM_E_BUTLER_NOTICE_METHOD, "method");
	if (!delivered_at)
		delivered_at = c->now;
	if (delivered_at > c->now)
		return hm_fail(e, HM_E_BUTLER_FUTURE, "delivered_at");
	if ((err = butler_db_notice_deliver(c->db, id, recipient, method, delivered_at, note, e)))
		return err;
	char detail[160];
	snprintf(detail, sizeof detail, "{\"notice_id\":%lld,\"method\":\"%s\",\"delivered_at\":%lld}", (long long)id,
		 method, (long long)delivered_at);
	if ((err = audit(c, "butler_notice.deliver", "butler_project", n.project_id, NULL, NULL, detail, e)))
		return err;
	return butler_db_notice_get(c->db, SCOPE_ARGS(c), id, out, e);
}

hm_err butler_notice_list(const butler_ctx *c, const butler_notice_filter *f, butler_notice_visit visit, void *arg,
			  int64_t *total, hm_error *e)
{
	return butler_db_notice_list(c->db, SCOPE_ARGS(c), f, visit, arg, total, e);
}

/* ---- visits and questions ------------------------------------------------- */

hm_err butler_visit_create(const butler_ctx *c, butler_visit_rec *in, hm_error *e)
{
	butler_project *p = malloc(sizeof *p);
	hm_err err;
	if (!p)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	if ((err = butler_db_project_get(c->db, SCOPE_ARGS(c), in->project_id, p, e)) ||
	    (err = check_date(c, in->visited_on, "visited_on", true, e)))
		goto out;
	in->team_id = p->team_id;
	if ((err = butler_db_visit_insert(c->db, c->user->id, c->now, in, e)))
		goto out;
	char detail[128];
	snprintf(detail, sizeof detail, "{\"visit_id\":%lld,\"visited_on\":\"%s\"}", (long long)in->id, in->visited_on);
	if ((err = audit(c, "butler_visit.create", "butler_project", in->project_id, NULL, NULL, detail, e)))
		goto out;
	err = butler_db_visit_get(c->db, SCOPE_ARGS(c), in->id, in, e);
out:
	free(p);
	return err;
}

hm_err butler_visit_list(const butler_ctx *c, const butler_visit_filter *f, butler_visit_visit visit, void *arg,
			 int64_t *total, hm_error *e)
{
	return butler_db_visit_list(c->db, SCOPE_ARGS(c), f, visit, arg, total, e);
}

/* The appeal's warning for a question still waiting on it. */
static void question_derive(const butler_ctx *c, butler_question *q)
{
	q->warning = hotline_warning_code(HL_WARN_NONE);
	if (q->appeal_id && strcmp(q->status, "handed_over") == 0 && strcmp(q->appeal_status, "merged") != 0)
		q->warning = hotline_warning_code(hotline_warning_at(c->cal, q->due_at, q->appeal_in_hours, c->now));
}

/* Hand the question over: register an appeal of channel 'butler' for the
 * project's contact and dispatch it to the department with the butler's
 * deadline, on the hotline's clocks. */
static hm_err question_hand_over(const butler_ctx *c, const butler_project *p, butler_question *q, int days,
				 hm_error *e)
{
	hotline_ctx hc = {c->db, c->user, c->now, c->cal};
	hotline_appeal *a = calloc(1, sizeof *a);
	if (!a)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	COPY(a->channel, "butler");
	COPY(a->kind, "consultation");
	/* the hotline keeps a caller's name in fewer bytes than the butler's asker */
	size_t an = strlen(q->asker);
	if (an >= sizeof a->caller_name) {
		free(a);
		return hm_failf(e, HM_E_TOO_LONG, "asker", "转交热线的提出人姓名过长");
	}
	memcpy(a->caller_name, q->asker, an + 1);
	COPY(a->caller_phone, p->contact_phone);
	snprintf(a->place, sizeof a->place, "%.120s %.200s", p->town, p->name);
	snprintf(a->content, sizeof a->content, "【项目管家转办】%.400s（%.400s）企业提出：%.6000s", p->name, p->enterprise,
		 q->content);
	COPY(a->category, BUTLER_HANDOVER_CATEGORY);
	char note[200];
	snprintf(note, sizeof note, "项目管家转办，答复期限 %d 个工作日", days);
	hm_err err = hotline_appeal_create(&hc, a, e);
	if (!err)
		err = hotline_dispatch_within(&hc, a->id, q->department_id, days, note, a, e);
	if (!err) {
		q->appeal_id = a->id;
		COPY(q->appeal_no, a->no);
		q->handed_at = a->dispatched_at;
		q->due_at = a->due;
		q->estimated = a->estimated;
	}
	free(a);
	return err;
}

hm_err butler_question_create(const butler_ctx *c, butler_question *in, int deadline_days, hm_error *e)
{
	butler_project *p = malloc(sizeof *p);
	butler_visit_rec *v = malloc(sizeof *v);
	hm_err err = HM_OK;
	if (!p || !v) {
		err = hm_fail(e, HM_E_INTERNAL, NULL);
		goto out;
	}
	if ((err = butler_db_project_get(c->db, SCOPE_ARGS(c), in->project_id, p, e)))
		goto out;
	const butler_rules *r = butler_rules_get();
	bool answered = in->answer[0] != '\0', handed = in->department_id != 0;
	if (answered == handed) {
		err = hm_fail(e, HM_E_BUTLER_QUESTION_HANDLING, answered ? "department_id" : "answer");
		goto out;
	}
	if (!deadline_days)
		deadline_days = r->question_deadline_default;
	else if (!handed) {
		err = hm_failf(e, HM_E_BUTLER_QUESTION_HANDLING, "deadline_days", "当场答复的问题不需要答复期限");
		goto out;
	}
	if (handed && (deadline_days < 1 || deadline_days > r->question_deadline_max)) {
		err = hm_failf(e, HM_E_OUT_OF_RANGE, "deadline_days", "答复期限应为 1 到 %d 个工作日",
			       r->question_deadline_max);
		goto out;
	}
	const hotline_department *dept = handed ? hotline_department_find(in->department_id) : NULL;
	if (handed && !dept) {
		err = hm_fail(e, HM_E_BUTLER_QUESTION_DEPARTMENT, "department_id");
		goto out;
	}
	if (!in->raised_at)
		in->raised_at = c->now;
	if (in->raised_at > c->now) {
		err = hm_fail(e, HM_E_BUTLER_FUTURE, "raised_at");
		goto out;
	}
	if (in->visit_id) {
		if ((err = butler_db_visit_get(c->db, SCOPE_ARGS(c), in->visit_id, v, e)))
			goto out;
		if (v->project_id != in->project_id) {
			err = hm_failf(e, HM_E_BAD_VALUE, "visit_id", "该走访记录不属于此项目");
			goto out;
		}
	}
	in->team_id = p->team_id;
	if (answered) {
		COPY(in->status, "answered");
		in->on_site = true;
		in->answered_at = in->raised_at;
		in->department[0] = '\0';
	} else {
		COPY(in->status, "handed_over");
		COPY(in->department, dept->name);
		if ((err = question_hand_over(c, p, in, deadline_days, e)))
			goto out;
	}
	if ((err = butler_db_question_insert(c->db, c->user->id, c->now, in, e)))
		goto out;
	char detail[200];
	snprintf(detail, sizeof detail, "{\"question_id\":%lld,\"status\":\"%s\",\"due_at\":%lld,\"appeal_id\":%lld}",
		 (long long)in->id, in->status, (long long)in->due_at, (long long)in->appeal_id);
	if ((err = audit(c, "butler_question.create", "butler_project", in->project_id, NULL, NULL, detail, e)))
		goto out;
	err = butler_db_question_get(c->db, SCOPE_ARGS(c), in->id, in, e);
	if (!err)
		question_derive(c, in);
out:
	free(p);
	free(v);
	return err;
}

hm_err butler_question_answer(const butler_ctx *c, int64_t id, const char *answer, butler_question *out, hm_error *e)
{
	butler_question *q = malloc(sizeof *q);
	hm_err err;
	if (!q)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	if ((err = butler_db_question_get(c->db, SCOPE_ARGS(c), id, q, e)))
		goto out;
	if (q->appeal_id) {
		err = hm_fail(e, HM_E_BUTLER_QUESTION_VIA_HOTLINE, NULL);
		goto out;
	}
	if (strcmp(q->status, "answered") == 0) {
		err = hm_fail(e, HM_E_BUTLER_QUESTION_ANSWERED, NULL);
		goto out;
	}
	if ((err = butler_db_question_answer(c->db, id, answer, c->now, e)))
		goto out;
	char detail[128];
	snprintf(detail, sizeof detail, "{\"question_id\":%lld,\"late\":%s}", (long long)id,
		 c->now >= q->due_at ? "true" : "false");
	if ((err = audit(c, "butler_question.answer", "butler_project", q->project_id, NULL, NULL, detail, e)))
		goto out;
	if (!(err = butler_db_question_get(c->db, SCOPE_ARGS(c), id, out, e)))
		question_derive(c, out);
out:
	free(q);
	return err;
}

struct question_acc {
	const butler_ctx *c;
	butler_question_visit visit;
	void *arg;
};

static void question_visit_derived(const butler_question *q, void *arg)
{
	struct question_acc *a = arg;
	butler_question d = *q;
	question_derive(a->c, &d);
	a->visit(&d, a->arg);
}

hm_err butler_question_list(const butler_ctx *c, const butler_question_filter *f, butler_question_visit visit,
			    void *arg, int64_t *total, hm_error *e)
{
	struct question_acc a = {c, visit, arg};
	return butler_db_question_list(c->db, SCOPE_ARGS(c), c->now, f, question_visit_derived, &a, total, e);
}

/* ---- procedure catalogue -------------------------------------------------- */

static bool code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 31 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* "|"-separated, at least one item, none empty. */
static bool items_ok(const char *s)
{
	if (!s[0] || s[0] == '|' || s[strlen(s) - 1] == '|' || strstr(s, "||"))
		return false;
	return true;
}

hm_err butler_catalog_check(const butler_proc_def *d, hm_error *e)
{
	static const char *const four[] = {"land", "engineering", "construction", "acceptance"};
	bool stage = false;
	for (size_t i = 0; i < 4; i++)
		stage = stage || strcmp(d->stage, four[i]) == 0;
	if (!stage)
		return hm_fail(e, HM_E_BUTLER_CATALOG_STAGE, "stage");
	if (!code_ok(d->code))
		return hm_fail(e, HM_E_BUTLER_CATALOG_CODE, "code");
	if (!d->name[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "name", "请填写事项名称");
	if (!d->department[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "department", "请填写主管部门");
	if (d->workdays < 1 || d->workdays > 365)
		return hm_failf(e, HM_E_OUT_OF_RANGE, "time_limit_workdays", "法定或承诺时限应为 1 到 365 个工作日");
	if (!items_ok(d->materials))
		return hm_fail(e, HM_E_BUTLER_CATALOG_ITEM, "materials");
	if (!items_ok(d->flow))
		return hm_fail(e, HM_E_BUTLER_CATALOG_ITEM, "flow");
	if (!d->source[0])
		return hm_failf(e, HM_E_MISSING_FIELD, "source", "请填写依据（法规条款或办事指南）");
	return HM_OK;
}

/* What the audit digests: the procedure's content and state. */
static char *catalog_canonical(const butler_proc_def *d)
{
	size_t n = sizeof *d + 256;
	char *buf = malloc(n);
	if (buf)
		snprintf(buf, n,
			 "{\"id\":%lld,\"version\":%d,\"retired\":%d,\"stage\":\"%s\",\"code\":\"%s\",\"name\":\"%s\","
			 "\"department\":\"%s\",\"workdays\":%d,\"per_building\":%d,\"materials\":\"%s\",\"flow\":\"%s\","
			 "\"source\":\"%s\",\"check\":\"%s\"}",
			 (long long)d->id, d->version, d->retired, d->stage, d->code, d->name, d->department, d->workdays,
			 d->per_building, d->materials, d->flow, d->source, d->check);
	return buf;
}

/* Record a change: the version in the history, the audit with before and
 * after (old NULL for a new procedure). */
static hm_err catalog_record(const butler_ctx *c, const char *action, const butler_proc_def *old,
			     const butler_proc_def *now, hm_error *e)
{
	hm_err err = butler_db_catalog_history_add(c->db, now->id, action, c->user->id, c->now, e);
	if (err)
		return err;
	char *before = old ? catalog_canonical(old) : NULL, *after = catalog_canonical(now);
	char name[32], detail[160];
	snprintf(name, sizeof name, "butler_catalog.%s", action);
	snprintf(detail, sizeof detail, "{\"code\":\"%s\",\"version\":%d}", now->code, now->version);
	if (!after || (old && !before))
		err = hm_fail(e, HM_E_INTERNAL, NULL);
	else
		err = audit(c, name, "butler_catalog", now->id, before, after, detail, e);
	free(before);
	free(after);
	return err;
}

hm_err butler_catalog_get(const butler_ctx *c, int64_t id, butler_proc_def *out, hm_error *e)
{
	return butler_db_catalog_get(c->db, id, out, e);
}

hm_err butler_catalog_create(const butler_ctx *c, butler_proc_def *in, hm_error *e)
{
	hm_err err = butler_catalog_check(in, e);
	if (err || (err = butler_db_catalog_insert(c->db, in, c->user->id, c->now, e)))
		return err;
	return catalog_record(c, "create", NULL, in, e);
}

static bool same_content(const butler_proc_def *a, const butler_proc_def *b)
{
	return !strcmp(a->stage, b->stage) && !strcmp(a->name, b->name) && !strcmp(a->department, b->department) &&
	       a->workdays == b->workdays && a->per_building == b->per_building && !strcmp(a->materials, b->materials) &&
	       !strcmp(a->flow, b->flow) && !strcmp(a->source, b->source) && !strcmp(a->check, b->check);
}

hm_err butler_catalog_update(const butler_ctx *c, int64_t id, const butler_proc_def *in, butler_proc_def *out,
			     hm_error *e)
{
	butler_proc_def *old = malloc(sizeof *old);
	if (!old)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = butler_db_catalog_get(c->db, id, old, e);
	if (err)
		goto out;
	*out = *in;
	/* the code is what checklist rows point at: it never changes */
	COPY(out->code, old->code);
	out->id = old->id;
	out->retired = old->retired;
	out->version = old->version;
	if ((err = butler_catalog_check(out, e)))
		goto out;
	if (same_content(old, out))
		goto out; /* nothing changed: no new version */
	out->version = old->version + 1;
	if ((err = butler_db_catalog_save(c->db, out, c->user->id, c->now, e)))
		goto out;
	err = catalog_record(c, "update", old, out, e);
out:
	free(old);
	return err;
}

hm_err butler_catalog_retire(const butler_ctx *c, int64_t id, bool retire, butler_proc_def *out, hm_error *e)
{
	butler_proc_def *old = malloc(sizeof *old);
	if (!old)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = butler_db_catalog_get(c->db, id, old, e);
	if (err)
		goto out;
	if (old->retired == retire) {
		err = hm_failf(e, HM_E_BUTLER_CATALOG_STATE, NULL, retire ? "该事项已停用" : "该事项未停用，无需恢复");
		goto out;
	}
	*out = *old;
	out->retired = retire;
	out->version = old->version + 1;
	if ((err = butler_db_catalog_save(c->db, out, c->user->id, c->now, e)))
		goto out;
	err = catalog_record(c, retire ? "retire" : "restore", old, out, e);
out:
	free(old);
	return err;
}

hm_err butler_catalog_history(const butler_ctx *c, int64_t id, butler_catalog_version_visit visit, void *arg,
			      hm_error *e)
{
	butler_proc_def *d = malloc(sizeof *d);
	if (!d)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = butler_db_catalog_get(c->db, id, d, e);
	free(d);
	return err ? err : butler_db_catalog_history(c->db, id, visit, arg, e);
}

/* ---- visit photos --------------------------------------------------------- */

const char *butler_photo_type(const void *data, size_t len)
{
	const char *t = filestore_sniff(data, len);
	return t && (strcmp(t, "image/jpeg") == 0 || strcmp(t, "image/png") == 0) ? t : NULL;
}

hm_err butler_photo_upload(const butler_ctx *c, const char *data_dir, int64_t visit_id, const char *filename,
			   const void *data, size_t len, const char *declared_type, butler_photo *out, bool *existed,
			   hm_error *e)
{
	*existed = false;
	butler_visit_rec *v = malloc(sizeof *v);
	hm_err err;
	if (!v)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	/* the visit first: another team's visit is simply not there */
	if ((err = butler_db_visit_get(c->db, SCOPE_ARGS(c), visit_id, v, e)))
		goto out;
	if (!filestore_filename_valid(filename)) {
		err = hm_fail(e, HM_E_ATTACHMENT_NAME, "filename");
		goto out;
	}
	/* a photo is an image: refuse a PDF before the general check accepts it */
	if (len && !butler_photo_type(data, len)) {
		err = hm_fail(e, HM_E_BUTLER_PHOTO_TYPE, "file");
		goto out;
	}
	const char *type;
	if ((err = filestore_check(data, len, BUTLER_PHOTO_MAX_BYTES, declared_type, &type, e)))
		goto out;
	memset(out, 0, sizeof *out);
	out->visit_id = visit_id;
	out->project_id = v->project_id;
	COPY(out->filename, filename);
	filestore_hash(data, len, out->hash);
	int64_t prior;
	if ((err = butler_db_photo_find(c->db, visit_id, out->hash, &prior, e)))
		goto out;
	if (prior) {
		*existed = true;
		err = butler_db_photo_get(c->db, SCOPE_ARGS(c), prior, out, e);
		goto out;
	}
	/* the file first, then the rows that point at it */
	if ((err = filestore_store(data_dir, out->hash, data, len, e)) ||
	    (err = butler_db_blob_insert(c->db, out->hash, (int64_t)len, type, c->now, e)) ||
	    (err = butler_db_photo_insert(c->db, out, c->user->id, c->now, e)))
		goto out;
	char detail[200];
	snprintf(detail, sizeof detail, "{\"visit_id\":%lld,\"photo_id\":%lld,\"hash\":\"%s\"}", (long long)visit_id,
		 (long long)out->id, out->hash);
	if ((err = audit(c, "butler_photo.upload", "butler_project", v->project_id, NULL, NULL, detail, e)))
		goto out;
	err = butler_db_photo_get(c->db, SCOPE_ARGS(c), out->id, out, e);
out:
	free(v);
	return err;
}

hm_err butler_photo_list(const butler_ctx *c, int64_t visit_id, butler_photo_visit visit, void *arg, hm_error *e)
{
	butler_visit_rec *v = malloc(sizeof *v);
	if (!v)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = butler_db_visit_get(c->db, SCOPE_ARGS(c), visit_id, v, e);
	free(v);
	return err ? err : butler_db_photo_list(c->db, visit_id, visit, arg, e);
}

hm_err butler_photo_download(const butler_ctx *c, const char *data_dir, int64_t id, butler_photo *out, char **data,
			     hm_error *e)
{
	*data = NULL;
	hm_err err = butler_db_photo_get(c->db, SCOPE_ARGS(c), id, out, e);
	if (err || (err = filestore_read(data_dir, out->hash, (size_t)out->size, data, e)))
		return err;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"photo_id\":%lld,\"visit_id\":%lld}", (long long)id, (long long)out->visit_id);
	if ((err = audit(c, "butler_photo.download", "butler_project", out->project_id, NULL, NULL, detail, e))) {
		free(*data);
		*data = NULL;
	}
	return err;
}

/* ---- progress ledger ------------------------------------------------------ */

/* What the audit digests: the row's fields, not who wrote them. */
static void ledger_canonical(const butler_ledger_row *l, char *buf, size_t n)
{
	snprintf(buf, n,
		 "{\"id\":%lld,\"project_id\":%lld,\"approval\":\"%s\",\"department\":\"%s\",\"progress\":\"%s\","
		 "\"problems\":\"%s\",\"measures\":\"%s\"}",
		 (long long)l->id, (long long)l->project_id, l->approval, l->department, l->progress, l->problems,
		 l->measures);
}

#define LEDGER_TEXT (sizeof(((butler_ledger_row *)0)->approval) * 2 + 3 * sizeof(((butler_ledger_row *)0)->progress) + 256)

bool butler_ledger_merge(const butler_ledger_row *old, const butler_ledger_change *ch, butler_ledger_row *out,
			 bool *progress, bool *problems, bool *measures)
{
	*out = *old;
	if (ch->approval)
		COPY(out->approval, ch->approval);
	if (ch->department)
		COPY(out->department, ch->department);
	if (ch->progress)
		COPY(out->progress, ch->progress);
	if (ch->problems)
		COPY(out->problems, ch->problems);
	if (ch->measures)
		COPY(out->measures, ch->measures);
	/* a field re-sent unchanged keeps its author: the ledger says who
	 * really wrote each text */
	*progress = strcmp(out->progress, old->progress) != 0;
	*problems = strcmp(out->problems, old->problems) != 0;
	*measures = strcmp(out->measures, old->measures) != 0;
	return *progress || *problems || *measures || strcmp(out->approval, old->approval) != 0 ||
	       strcmp(out->department, old->department) != 0;
}

hm_err butler_ledger_add(const butler_ctx *c, butler_ledger_row *in, hm_error *e)
{
	butler_project *p = malloc(sizeof *p);
	char *text = malloc(LEDGER_TEXT);
	hm_err err;
	if (!p || !text) {
		err = hm_fail(e, HM_E_INTERNAL, NULL);
		goto out;
	}
	if ((err = butler_db_project_get(c->db, SCOPE_ARGS(c), in->project_id, p, e)) ||
	    (err = butler_db_ledger_insert(c->db, c->user->id, c->now, in, e)) ||
	    (err = butler_db_ledger_get(c->db, SCOPE_ARGS(c), in->id, in, e)))
		goto out;
	ledger_canonical(in, text, LEDGER_TEXT);
	char detail[64];
	snprintf(detail, sizeof detail, "{\"ledger_id\":%lld}", (long long)in->id);
	err = audit(c, "butler_ledger.create", "butler_project", in->project_id, NULL, text, detail, e);
out:
	free(p);
	free(text);
	return err;
}

hm_err butler_ledger_update(const butler_ctx *c, int64_t id, const butler_ledger_change *ch, butler_ledger_row *out,
			    hm_error *e)
{
	butler_ledger_row *old = malloc(sizeof *old);
	char *before = malloc(LEDGER_TEXT), *after = malloc(LEDGER_TEXT);
	hm_err err;
	if (!old || !before || !after) {
		err = hm_fail(e, HM_E_INTERNAL, NULL);
		goto out;
	}
	if ((err = butler_db_ledger_get(c->db, SCOPE_ARGS(c), id, old, e)))
		goto out;
	bool progress, problems, measures;
	if (!butler_ledger_merge(old, ch, out, &progress, &problems, &measures))
		goto out; /* nothing changed: nothing to save or audit */
	if ((err = butler_db_ledger_save(c->db, c->user->id, c->now, out, progress, problems, measures, e)) ||
	    (err = butler_db_ledger_get(c->db, SCOPE_ARGS(c), id, out, e)))
		goto out;
	ledger_canonical(old, before, LEDGER_TEXT);
	ledger_canonical(out, after, LEDGER_TEXT);
	char detail[160];
	snprintf(detail, sizeof detail, "{\"ledger_id\":%lld,\"progress\":%s,\"problems\":%s,\"measures\":%s}",
		 (long long)id, progress ? "true" : "false", problems ? "true" : "false", measures ? "true" : "false");
	err = audit(c, "butler_ledger.update", "butler_project", old->project_id, before, after, detail, e);
out:
	free(old);
	free(before);
	free(after);
	return err;
}

hm_err butler_ledger_list(const butler_ctx *c, const butler_ledger_filter *f, butler_ledger_visit visit, void *arg,
			  int64_t *total, hm_error *e)
{
	return butler_db_ledger_list(c->db, SCOPE_ARGS(c), f, visit, arg, total, e);
}

/* ---- stats ---------------------------------------------------------------- */

struct span_acc {
	const butler_ctx *c;
	int64_t project;
	struct derive_acc rows;
	butler_stats *out;
	int64_t sum;
};

static void span_flush(struct span_acc *a)
{
	if (!a->project)
		return;
	butler_span_row rows[MAX_ROWS];
	for (size_t i = 0; i < a->rows.n; i++)
		rows[i] = (butler_span_row){a->rows.status[i], a->rows.started[i], a->rows.finished[i]};
	butler_span s;
	butler_span_compute(a->c->cal, rows, a->rows.n, hm_day_of(a->c->now), a->out->target, &s);
	if (s.first_start) {
		a->out->started++;
		a->sum += s.elapsed;
		if (s.over_target)
			a->out->over_target++;
	}
	a->rows.n = 0;
}

static void span_row(int64_t project_id, const char *status, const char *started, const char *finished, void *arg)
{
	struct span_acc *a = arg;
	if (project_id != a->project) {
		span_flush(a);
		a->project = project_id;
	}
	if (a->rows.n < MAX_ROWS) {
		COPY(a->rows.status[a->rows.n], status);
		COPY(a->rows.started[a->rows.n], started);
		COPY(a->rows.finished[a->rows.n], finished);
		a->rows.n++;
	}
}

hm_err butler_stats_get(const butler_ctx *c, int64_t since, butler_stats *out, hm_error *e)
{
	memset(out, 0, sizeof *out);
	out->target = butler_rules_get()->target_workdays;
	hm_err err = butler_db_stats(c->db, SCOPE_ARGS(c), since, c->now, out, e);
	if (err)
		return err;
	struct span_acc *a = calloc(1, sizeof *a);
	if (!a)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	a->c = c;
	a->out = out;
	err = butler_db_all_procs(c->db, SCOPE_ARGS(c), span_row, a, e);
	span_flush(a);
	out->avg_workdays = out->started ? a->sum / out->started : 0;
	free(a);
	return err;
}

hm_err butler_entity_visible(const butler_ctx *c, const char *entity, int64_t id, hm_error *e)
{
	if (strcmp(entity, "butler_team") == 0) {
		butler_team *t = malloc(sizeof *t);
		if (!t)
			return hm_fail(e, HM_E_INTERNAL, NULL);
		hm_err err = butler_team_get(c, id, t, e);
		free(t);
		return err;
	}
	butler_project *p = malloc(sizeof *p);
	if (!p)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = butler_db_project_get(c->db, SCOPE_ARGS(c), id, p, e);
	free(p);
	return err;
}
