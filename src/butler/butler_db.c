/* The butler's SQL. Every read that reaches a project takes the caller's
 * scope as $1 (district code, '' = all) and $2 (a butler's user id, 0 = no
 * team limit), so a butler of another team, or an official of another
 * district, cannot reach the record whatever the handler does. Parameters
 * appear in the text in the order of their numbers (store.h). */
#include "butler/butler_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* The project p is visible: in the district, and for a butler, assigned to
 * a team the butler is currently in. */
#define SCOPE                                                                                                  \
	" ($1 = '' OR p.district = $1) AND ($2 = 0 OR EXISTS (SELECT 1 FROM butler_assignments sa"               \
	" JOIN butler_members sm ON sm.team_id = sa.team_id AND sm.left_at IS NULL"                             \
	" WHERE sa.project_id = p.id AND sa.ended_at IS NULL AND sm.user_id = $2))"

/* The project's current team, as t. */
#define CURRENT_TEAM                                                                                           \
	" LEFT JOIN butler_assignments ca ON ca.project_id = p.id AND ca.ended_at IS NULL"                       \
	" LEFT JOIN butler_teams t ON t.id = ca.team_id"

static void bind_scope(hm_stmt *st, const char *district, int64_t butler)
{
	db_bind_text(st, 1, district);
	db_bind_int(st, 2, butler);
}

static hm_err step_total(hm_db *db, hm_stmt *st, int64_t *total, hm_error *e)
{
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	return HM_OK;
}

/* ---- teams -------------------------------------------------------------- */

static hm_err team_members_load(hm_db *db, butler_team *t, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT u.id, u.username, u.display_name, m.phone, m.is_leader FROM butler_members m"
			      " JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 AND m.left_at IS NULL"
			      " ORDER BY m.is_leader DESC, m.id",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, t->id);
	int rc;
	t->nmembers = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (t->nmembers >= BUTLER_MAX_MEMBERS)
			continue;
		butler_member *m = &t->members[t->nmembers++];
		m->user_id = db_col_int(st, 0);
		COPY(m->username, db_col_text(st, 1));
		COPY(m->name, db_col_text(st, 2));
		COPY(m->phone, db_col_text(st, 3));
		m->leader = db_col_int(st, 4);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

#define TEAM_COLS                                                                                              \
	"t.id, t.district, t.name, t.phone, (SELECT count(*) FROM butler_assignments a WHERE a.team_id = t.id"    \
	" AND a.ended_at IS NULL)"

static void team_row(hm_stmt *st, butler_team *t)
{
	memset(t, 0, sizeof *t);
	t->id = db_col_int(st, 0);
	COPY(t->district, db_col_text(st, 1));
	COPY(t->name, db_col_text(st, 2));
	COPY(t->phone, db_col_text(st, 3));
	t->projects = db_col_int(st, 4);
}

hm_err butler_db_team_list(hm_db *db, const char *district, butler_team_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " TEAM_COLS " FROM butler_teams t WHERE ($1 = '' OR t.district = $1) ORDER BY t.district, t.id", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, district);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_team t;
		team_row(st, &t);
		hm_err err = team_members_load(db, &t, e);
		if (err)
			return err;
		visit(&t, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_team_get(hm_db *db, const char *district, int64_t id, butler_team *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " TEAM_COLS " FROM butler_teams t WHERE ($1 = '' OR t.district = $1) AND t.id = $2", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, district);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_BUTLER_TEAM_NOT_FOUND, "team_id", e);
	if (err)
		return err;
	team_row(st, out);
	return team_members_load(db, out, e);
}

hm_err butler_db_team_insert(hm_db *db, int64_t now, butler_team *t, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "INSERT INTO butler_teams (district, name, phone, created_at) VALUES ($1, $2, $3, $4)", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, t->district);
	db_bind_text(st, 2, t->name);
	db_bind_text(st, 3, t->phone);
	db_bind_int(st, 4, now);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_BUTLER_TEAM_DUP, "name");
	if (rc != DB_DONE)
		return db_error(db, e);
	t->id = db_last_id(db);
	return HM_OK;
}

hm_err butler_db_user_find(hm_db *db, const char *username, int64_t *id, char role[32], char org[16], hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT u.id, u.role, o.code FROM users u JOIN orgs o ON o.id = u.org_id"
			      " WHERE u.username = $1 AND u.disabled = 0",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, username);
	hm_err err = db_row(st, HM_E_USER_NOT_FOUND, "username", e);
	if (err)
		return err;
	*id = db_col_int(st, 0);
	snprintf(role, 32, "%s", db_col_text(st, 1));
	snprintf(org, 16, "%s", db_col_text(st, 2));
	return HM_OK;
}

hm_err butler_db_member_of(hm_db *db, int64_t user_id, int64_t *team_id, char phone[24], hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT team_id, phone FROM butler_members WHERE user_id = $1 AND left_at IS NULL", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, user_id);
	int rc = db_step(st);
	*team_id = 0;
	phone[0] = '\0';
	if (rc == DB_ROW) {
		*team_id = db_col_int(st, 0);
		snprintf(phone, 24, "%s", db_col_text(st, 1));
		return HM_OK;
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_member_insert(hm_db *db, int64_t team_id, int64_t user_id, const char *phone, bool leader,
			       int64_t now, hm_error *e)
{
	hm_stmt *st;
	hm_err err;
	if (leader) {
		/* one leader per team: the previous one stays a member */
		if (!(st = db_stmt(db, "UPDATE butler_members SET is_leader = 0 WHERE team_id = $1 AND left_at IS NULL", e)))
			return e->err;
		db_bind_int(st, 1, team_id);
		if ((err = db_exec_stmt(st, e)))
			return err;
	}
	st = db_stmt(db,
		     "INSERT INTO butler_members (team_id, user_id, is_leader, phone, joined_at) VALUES ($1, $2, $3, $4, $5)",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, team_id);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, leader);
	db_bind_text(st, 4, phone);
	db_bind_int(st, 5, now);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_BUTLER_MEMBER_BUSY, "username");
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_member_end(hm_db *db, int64_t team_id, int64_t user_id, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE butler_members SET left_at = $1, is_leader = 0 WHERE team_id = $2 AND user_id = $3"
			      " AND left_at IS NULL",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, team_id);
	db_bind_int(st, 3, user_id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	return db_changes(db) ? HM_OK : hm_fail(e, HM_E_BUTLER_MEMBER_NOT_FOUND, "user_id");
}

/* ---- projects ----------------------------------------------------------- */

static void bind_opt_area(hm_stmt *st, int i, int64_t area)
{
	if (area >= 0)
		db_bind_int(st, i, area);
	else
		db_bind_null(st, i);
}

hm_err butler_db_project_insert(hm_db *db, int64_t user_id, int64_t now, butler_project *p, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_projects (district, town, name, level, industry, enterprise, uscc, contact_name,"
			      " contact_phone, investment, floor_area, planned_start, planned_finish, stage, problems, measures,"
			      " is_demo, created_by, created_at, updated_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, p->district);
	db_bind_text(st, 2, p->town);
	db_bind_text(st, 3, p->name);
	db_bind_text(st, 4, p->level);
	db_bind_text(st, 5, p->industry);
	db_bind_text(st, 6, p->enterprise);
	db_bind_text(st, 7, p->uscc);
	db_bind_text(st, 8, p->contact_name);
	db_bind_text(st, 9, p->contact_phone);
	db_bind_int(st, 10, p->investment);
	bind_opt_area(st, 11, p->floor_area);
	db_bind_text(st, 12, p->planned_start);
	db_bind_text(st, 13, p->planned_finish);
	db_bind_text(st, 14, p->stage);
	db_bind_text(st, 15, p->problems);
	db_bind_text(st, 16, p->measures);
	db_bind_int(st, 17, p->is_demo);
	db_bind_int(st, 18, user_id);
	db_bind_int(st, 19, now);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	p->id = db_last_id(db);
	return HM_OK;
}

hm_err butler_db_project_update(hm_db *db, int64_t now, const butler_project *p, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE butler_projects SET town = $1, name = $2, level = $3, industry = $4, enterprise = $5,"
			      " uscc = $6, contact_name = $7, contact_phone = $8, investment = $9, floor_area = $10,"
			      " planned_start = $11, planned_finish = $12, stage = $13, problems = $14, measures = $15,"
			      " updated_at = $16 WHERE id = $17",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, p->town);
	db_bind_text(st, 2, p->name);
	db_bind_text(st, 3, p->level);
	db_bind_text(st, 4, p->industry);
	db_bind_text(st, 5, p->enterprise);
	db_bind_text(st, 6, p->uscc);
	db_bind_text(st, 7, p->contact_name);
	db_bind_text(st, 8, p->contact_phone);
	db_bind_int(st, 9, p->investment);
	bind_opt_area(st, 10, p->floor_area);
	db_bind_text(st, 11, p->planned_start);
	db_bind_text(st, 12, p->planned_finish);
	db_bind_text(st, 13, p->stage);
	db_bind_text(st, 14, p->problems);
	db_bind_text(st, 15, p->measures);
	db_bind_int(st, 16, now);
	db_bind_int(st, 17, p->id);
	return db_exec_stmt(st, e);
}

#define PROJECT_COLS                                                                                           \
	"p.id, p.district, p.town, p.name, p.level, p.industry, p.enterprise, p.uscc, p.contact_name,"           \
	" p.contact_phone, p.investment, coalesce(p.floor_area, -1), p.planned_start, p.planned_finish, p.stage,"  \
	" p.problems, p.measures, p.is_demo, p.created_at, p.updated_at, coalesce(t.id, 0), coalesce(t.name, '')"

static void project_row(hm_stmt *st, butler_project *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(st, 0);
	COPY(p->district, db_col_text(st, 1));
	COPY(p->town, db_col_text(st, 2));
	COPY(p->name, db_col_text(st, 3));
	COPY(p->level, db_col_text(st, 4));
	COPY(p->industry, db_col_text(st, 5));
	COPY(p->enterprise, db_col_text(st, 6));
	COPY(p->uscc, db_col_text(st, 7));
	COPY(p->contact_name, db_col_text(st, 8));
	COPY(p->contact_phone, db_col_text(st, 9));
	p->investment = db_col_int(st, 10);
	p->floor_area = db_col_int(st, 11);
	COPY(p->planned_start, db_col_text(st, 12));
	COPY(p->planned_finish, db_col_text(st, 13));
	COPY(p->stage, db_col_text(st, 14));
	COPY(p->problems, db_col_text(st, 15));
	COPY(p->measures, db_col_text(st, 16));
	p->is_demo = db_col_int(st, 17);
	p->created_at = db_col_int(st, 18);
	p->updated_at = db_col_int(st, 19);
	p->team_id = db_col_int(st, 20);
	COPY(p->team_name, db_col_text(st, 21));
}

hm_err butler_db_project_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_project *out,
			     hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " PROJECT_COLS " FROM butler_projects p" CURRENT_TEAM " WHERE" SCOPE " AND p.id = $3", e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, id);
	hm_err err = db_row(st, HM_E_BUTLER_PROJECT_NOT_FOUND, "id", e);
	if (!err)
		project_row(st, out);
	return err;
}

#define PROJECT_FILTER                                                                                         \
	" FROM butler_projects p" CURRENT_TEAM " WHERE" SCOPE                                                    \
	" AND ($3 = '' OR instr(p.name, $3) > 0 OR instr(p.enterprise, $3) > 0) AND ($4 = '' OR p.level = $4)"     \
	" AND ($5 = '' OR p.stage = $5) AND ($6 = '' OR p.town = $6) AND ($7 = 0 OR t.id = $7)"                   \
	" AND ($8 = 0 OR EXISTS (SELECT 1 FROM butler_procedures x WHERE x.project_id = p.id"                     \
	" AND x.status IN ('todo', 'in_progress')))"

static void bind_project_filter(hm_stmt *st, const char *district, int64_t butler, const butler_project_filter *f)
{
	bind_scope(st, district, butler);
	db_bind_text(st, 3, f->q);
	db_bind_text(st, 4, f->level);
	db_bind_text(st, 5, f->stage);
	db_bind_text(st, 6, f->town);
	db_bind_int(st, 7, f->team_id);
	db_bind_int(st, 8, f->lacking);
}

hm_err butler_db_project_list(hm_db *db, const char *district, int64_t butler, const butler_project_filter *f,
			      butler_project_visit visit, void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" PROJECT_FILTER, e);
	if (!st)
		return e->err;
	bind_project_filter(st, district, butler, f);
	hm_err err = step_total(db, st, total, e);
	if (err)
		return err;
	st = db_stmt(db, "SELECT " PROJECT_COLS PROJECT_FILTER " ORDER BY p.id DESC LIMIT $9 OFFSET $10", e);
	if (!st)
		return e->err;
	bind_project_filter(st, district, butler, f);
	db_bind_int(st, 9, f->page_size);
	db_bind_int(st, 10, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_project p;
		project_row(st, &p);
		visit(&p, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_assign(hm_db *db, int64_t project_id, int64_t team_id, const char *note, int64_t user_id,
			int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "UPDATE butler_assignments SET ended_at = $1 WHERE project_id = $2 AND ended_at IS NULL", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, project_id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	st = db_stmt(db,
		     "INSERT INTO butler_assignments (project_id, team_id, note, assigned_by, assigned_at)"
		     " VALUES ($1, $2, $3, $4, $5)",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, project_id);
	db_bind_int(st, 2, team_id);
	db_bind_text(st, 3, note);
	db_bind_int_or_null(st, 4, user_id);
	db_bind_int(st, 5, now);
	return db_exec_stmt(st, e);
}

hm_err butler_db_assignments(hm_db *db, int64_t project_id, butler_assignment_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT a.id, a.team_id, t.name, a.note, coalesce(u.display_name, ''), a.assigned_at,"
			      " coalesce(a.ended_at, 0) FROM butler_assignments a JOIN butler_teams t ON t.id = a.team_id"
			      " LEFT JOIN users u ON u.id = a.assigned_by WHERE a.project_id = $1 ORDER BY a.id",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, project_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_assignment a;
		memset(&a, 0, sizeof a);
		a.id = db_col_int(st, 0);
		a.team_id = db_col_int(st, 1);
		COPY(a.team_name, db_col_text(st, 2));
		COPY(a.note, db_col_text(st, 3));
		COPY(a.assigned_by, db_col_text(st, 4));
		a.assigned_at = db_col_int(st, 5);
		a.ended_at = db_col_int(st, 6);
		visit(&a, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- procedures --------------------------------------------------------- */

hm_err butler_db_proc_insert(hm_db *db, int64_t project_id, const char *code, const char *item, const char *status,
			     const char *reason, bool by_rule, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_procedures (project_id, code, item, status, exempt_reason, by_rule, updated_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, project_id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, item);
	db_bind_text(st, 4, status);
	db_bind_text(st, 5, reason);
	db_bind_int(st, 6, by_rule);
	db_bind_int(st, 7, now);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_BUTLER_BUILDING_DUP, "name");
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

#define PROC_COLS                                                                                              \
	"x.id, x.project_id, p.name, coalesce(t.id, 0), coalesce(t.name, ''), x.code, x.item, x.status,"          \
	" x.exempt_reason, x.by_rule, x.started_on, x.finished_on, x.doc_name, x.doc_no, x.note, x.updated_at"

static void proc_row(hm_stmt *st, butler_proc *x)
{
	memset(x, 0, sizeof *x);
	x->id = db_col_int(st, 0);
	x->project_id = db_col_int(st, 1);
	COPY(x->project_name, db_col_text(st, 2));
	x->team_id = db_col_int(st, 3);
	COPY(x->team_name, db_col_text(st, 4));
	COPY(x->code, db_col_text(st, 5));
	COPY(x->item, db_col_text(st, 6));
	COPY(x->status, db_col_text(st, 7));
	COPY(x->exempt_reason, db_col_text(st, 8));
	x->by_rule = db_col_int(st, 9);
	COPY(x->started_on, db_col_text(st, 10));
	COPY(x->finished_on, db_col_text(st, 11));
	COPY(x->doc_name, db_col_text(st, 12));
	COPY(x->doc_no, db_col_text(st, 13));
	COPY(x->note, db_col_text(st, 14));
	x->updated_at = db_col_int(st, 15);
}

static hm_err proc_rows(hm_db *db, hm_stmt *st, butler_proc_visit visit, void *arg, hm_error *e)
{
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_proc x;
		proc_row(st, &x);
		visit(&x, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_procs(hm_db *db, int64_t project_id, butler_proc_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT " PROC_COLS " FROM butler_procedures x JOIN butler_projects p ON p.id = x.project_id"
			      CURRENT_TEAM " WHERE x.project_id = $1 ORDER BY x.id",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, project_id);
	return proc_rows(db, st, visit, arg, e);
}

hm_err butler_db_proc_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_proc *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT " PROC_COLS " FROM butler_procedures x JOIN butler_projects p ON p.id = x.project_id"
			      CURRENT_TEAM " WHERE" SCOPE " AND x.id = $3",
			      e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, id);
	hm_err err = db_row(st, HM_E_BUTLER_PROC_NOT_FOUND, "id", e);
	if (!err)
		proc_row(st, out);
	return err;
}

hm_err butler_db_proc_save(hm_db *db, int64_t now, const butler_proc *x, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE butler_procedures SET status = $1, exempt_reason = $2, by_rule = $3, started_on = $4,"
			      " finished_on = $5, doc_name = $6, doc_no = $7, note = $8, updated_at = $9 WHERE id = $10",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, x->status);
	db_bind_text(st, 2, x->exempt_reason);
	db_bind_int(st, 3, x->by_rule);
	db_bind_text(st, 4, x->started_on);
	db_bind_text(st, 5, x->finished_on);
	db_bind_text(st, 6, x->doc_name);
	db_bind_text(st, 7, x->doc_no);
	db_bind_text(st, 8, x->note);
	db_bind_int(st, 9, now);
	db_bind_int(st, 10, x->id);
	return db_exec_stmt(st, e);
}

#define PROC_FILTER                                                                                            \
	" FROM butler_procedures x JOIN butler_projects p ON p.id = x.project_id" CURRENT_TEAM " WHERE" SCOPE    \
	" AND ($3 = 0 OR x.project_id = $3) AND ($4 = 0 OR t.id = $4) AND ($5 = '' OR x.code = $5)"              \
	" AND ($6 = '' OR x.status = $6) AND ($7 = 0 OR x.status IN ('todo', 'in_progress'))"

static void bind_proc_filter(hm_stmt *st, const char *district, int64_t butler, const butler_proc_filter *f)
{
	bind_scope(st, district, butler);
	db_bind_int(st, 3, f->project_id);
	db_bind_int(st, 4, f->team_id);
	db_bind_text(st, 5, f->code);
	db_bind_text(st, 6, f->status);
	db_bind_int(st, 7, f->open);
}

hm_err butler_db_proc_list(hm_db *db, const char *district, int64_t butler, const butler_proc_filter *f,
			   butler_proc_visit visit, void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" PROC_FILTER, e);
	if (!st)
		return e->err;
	bind_proc_filter(st, district, butler, f);
	hm_err err = step_total(db, st, total, e);
	if (err)
		return err;
	st = db_stmt(db, "SELECT " PROC_COLS PROC_FILTER " ORDER BY x.project_id DESC, x.id LIMIT $8 OFFSET $9", e);
	if (!st)
		return e->err;
	bind_proc_filter(st, district, butler, f);
	db_bind_int(st, 8, f->page_size);
	db_bind_int(st, 9, (int64_t)(f->page - 1) * f->page_size);
	return proc_rows(db, st, visit, arg, e);
}

hm_err butler_db_proc_exists(hm_db *db, int64_t project_id, const char *code, const char *item, bool *exists,
			     hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM butler_procedures WHERE project_id = $1 AND code = $2 AND item = $3", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, project_id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, item);
	int64_t n = 0;
	hm_err err = step_total(db, st, &n, e);
	*exists = n > 0;
	return err;
}

hm_err butler_db_proc_set_item(hm_db *db, int64_t id, const char *item, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "UPDATE butler_procedures SET item = $1, updated_at = $2 WHERE id = $3", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, item);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, id);
	return db_exec_stmt(st, e);
}

/* ---- notices ------------------------------------------------------------ */

hm_err butler_db_notice_insert(hm_db *db, int64_t project_id, int64_t team_id, const char *name, const char *phone,
			       int64_t user_id, int64_t now, int64_t *id, int *nitems, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_notices (project_id, team_id, contact_name, contact_phone, issued_by, issued_at)"
			      " VALUES ($1, $2, $3, $4, $5, $6)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, project_id);
	db_bind_int_or_null(st, 2, team_id);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, phone);
	db_bind_int_or_null(st, 5, user_id);
	db_bind_int(st, 6, now);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	*id = db_last_id(db);
	st = db_stmt(db,
		     "INSERT INTO butler_notice_items (notice_id, procedure_id, code, item)"
		     " SELECT $1, id, code, item FROM butler_procedures WHERE project_id = $2"
		     " AND status IN ('todo', 'in_progress')",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, *id);
	db_bind_int(st, 2, project_id);
	if ((err = db_exec_stmt(st, e)))
		return err;
	*nitems = db_changes(db);
	return HM_OK;
}

#define NOTICE_COLS                                                                                            \
	"n.id, n.project_id, p.name, p.enterprise, coalesce(n.team_id, 0), coalesce(t.name, ''), n.contact_name,"  \
	" n.contact_phone, coalesce(u.display_name, ''), n.issued_at, n.prints, n.recipient, n.method,"           \
	" coalesce(n.delivered_at, 0), n.delivery_note,"                                                          \
	" (SELECT count(*) FROM butler_notice_items i WHERE i.notice_id = n.id)"
#define NOTICE_FROM                                                                                            \
	" FROM butler_notices n JOIN butler_projects p ON p.id = n.project_id"                                    \
	" LEFT JOIN butler_teams t ON t.id = n.team_id LEFT JOIN users u ON u.id = n.issued_by"

static void notice_row(hm_stmt *st, butler_notice *n)
{
	memset(n, 0, sizeof *n);
	n->id = db_col_int(st, 0);
	n->project_id = db_col_int(st, 1);
	COPY(n->project_name, db_col_text(st, 2));
	COPY(n->enterprise, db_col_text(st, 3));
	n->team_id = db_col_int(st, 4);
	COPY(n->team_name, db_col_text(st, 5));
	COPY(n->contact_name, db_col_text(st, 6));
	COPY(n->contact_phone, db_col_text(st, 7));
	COPY(n->issued_by, db_col_text(st, 8));
	n->issued_at = db_col_int(st, 9);
	n->prints = db_col_int(st, 10);
	COPY(n->recipient, db_col_text(st, 11));
	COPY(n->method, db_col_text(st, 12));
	n->delivered_at = db_col_int(st, 13);
	COPY(n->delivery_note, db_col_text(st, 14));
	n->nitems = (int)db_col_int(st, 15);
}

hm_err butler_db_notice_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_notice *out,
			    hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " NOTICE_COLS NOTICE_FROM " WHERE" SCOPE " AND n.id = $3", e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, id);
	hm_err err = db_row(st, HM_E_BUTLER_NOTICE_NOT_FOUND, "id", e);
	if (!err)
		notice_row(st, out);
	return err;
}

hm_err butler_db_notice_items(hm_db *db, int64_t notice_id, butler_proc_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT " PROC_COLS " FROM butler_notice_items i JOIN butler_procedures x ON x.id = i.procedure_id"
			      " JOIN butler_projects p ON p.id = x.project_id" CURRENT_TEAM
			      " WHERE i.notice_id = $1 ORDER BY x.id",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, notice_id);
	return proc_rows(db, st, visit, arg, e);
}

hm_err butler_db_notice_printed(hm_db *db, int64_t id, int64_t *prints, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "UPDATE butler_notices SET prints = prints + 1 WHERE id = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	if (!(st = db_stmt(db, "SELECT prints FROM butler_notices WHERE id = $1", e)))
		return e->err;
	db_bind_int(st, 1, id);
	return step_total(db, st, prints, e);
}

hm_err butler_db_notice_deliver(hm_db *db, int64_t id, const char *recipient, const char *method, int64_t at,
				const char *note, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE butler_notices SET recipient = $1, method = $2, delivered_at = $3, delivery_note = $4"
			      " WHERE id = $5 AND delivered_at IS NULL",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, recipient);
	db_bind_text(st, 2, method);
	db_bind_int(st, 3, at);
	db_bind_text(st, 4, note);
	db_bind_int(st, 5, id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	return db_changes(db) ? HM_OK : hm_fail(e, HM_E_BUTLER_NOTICE_DELIVERED, NULL);
}

#define NOTICE_FILTER                                                                                          \
	NOTICE_FROM " WHERE" SCOPE " AND ($3 = 0 OR n.project_id = $3)"                                          \
	" AND ($4 < 0 OR ($4 = 1 AND n.delivered_at IS NOT NULL) OR ($4 = 0 AND n.delivered_at IS NULL))"

hm_err butler_db_notice_list(hm_db *db, const char *district, int64_t butler, const butler_notice_filter *f,
			     butler_notice_visit visit, void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" NOTICE_FILTER, e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, f->project_id);
	db_bind_int(st, 4, f->delivered);
	hm_err err = step_total(db, st, total, e);
	if (err)
		return err;
	st = db_stmt(db, "SELECT " NOTICE_COLS NOTICE_FILTER " ORDER BY n.id DESC LIMIT $5 OFFSET $6", e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, f->project_id);
	db_bind_int(st, 4, f->delivered);
	db_bind_int(st, 5, f->page_size);
	db_bind_int(st, 6, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_notice n;
		notice_row(st, &n);
		visit(&n, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- visits ------------------------------------------------------------- */

hm_err butler_db_visit_insert(hm_db *db, int64_t user_id, int64_t now, butler_visit_rec *v, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_visits (project_id, team_id, visited_on, staff, people_met, notes,"
			      " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, v->project_id);
	db_bind_int_or_null(st, 2, v->team_id);
	db_bind_text(st, 3, v->visited_on);
	db_bind_text(st, 4, v->staff);
	db_bind_text(st, 5, v->people_met);
	db_bind_text(st, 6, v->notes);
	db_bind_int_or_null(st, 7, user_id);
	db_bind_int(st, 8, now);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		v->id = db_last_id(db);
	return err;
}

#define VISIT_COLS                                                                                             \
	"v.id, v.project_id, p.name, coalesce(v.team_id, 0), coalesce(t.name, ''), v.visited_on, v.staff,"       \
	" v.people_met, v.notes, coalesce(u.display_name, ''), v.created_at,"                                     \
	" (SELECT count(*) FROM butler_visit_photos ph WHERE ph.visit_id = v.id)"
#define VISIT_FROM                                                                                             \
	" FROM butler_visits v JOIN butler_projects p ON p.id = v.project_id"                                     \
	" LEFT JOIN butler_teams t ON t.id = v.team_id LEFT JOIN users u ON u.id = v.created_by"

static void visit_row(hm_stmt *st, butler_visit_rec *v)
{
	memset(v, 0, sizeof *v);
	v->id = db_col_int(st, 0);
	v->project_id = db_col_int(st, 1);
	COPY(v->project_name, db_col_text(st, 2));
	v->team_id = db_col_int(st, 3);
	COPY(v->team_name, db_col_text(st, 4));
	COPY(v->visited_on, db_col_text(st, 5));
	COPY(v->staff, db_col_text(st, 6));
	COPY(v->people_met, db_col_text(st, 7));
	COPY(v->notes, db_col_text(st, 8));
	COPY(v->created_by, db_col_text(st, 9));
	v->created_at = db_col_int(st, 10);
	v->photos = db_col_int(st, 11);
}

hm_err butler_db_visit_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_visit_rec *out,
			   hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " VISIT_COLS VISIT_FROM " WHERE" SCOPE " AND v.id = $3", e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, id);
	hm_err err = db_row(st, HM_E_BUTLER_VISIT_NOT_FOUND, "visit_id", e);
	if (!err)
		visit_row(st, out);
	return err;
}

#define VISIT_FILTER                                                                                           \
	VISIT_FROM " WHERE" SCOPE " AND ($3 = 0 OR v.project_id = $3) AND ($4 = 0 OR v.team_id = $4)"             \
	" AND ($5 = '' OR v.visited_on >= $5) AND ($6 = '' OR v.visited_on <= $6)"

static void bind_visit_filter(hm_stmt *st, const char *district, int64_t butler, const butler_visit_filter *f)
{
	bind_scope(st, district, butler);
	db_bind_int(st, 3, f->project_id);
	db_bind_int(st, 4, f->team_id);
	db_bind_text(st, 5, f->from);
	db_bind_text(st, 6, f->to);
}

hm_err butler_db_visit_list(hm_db *db, const char *district, int64_t butler, const butler_visit_filter *f,
			    butler_visit_visit visit, void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" VISIT_FILTER, e);
	if (!st)
		return e->err;
	bind_visit_filter(st, district, butler, f);
	hm_err err = step_total(db, st, total, e);
	if (err)
		return err;
	st = db_stmt(db, "SELECT " VISIT_COLS VISIT_FILTER " ORDER BY v.visited_on DESC, v.id DESC LIMIT $7 OFFSET $8", e);
	if (!st)
		return e->err;
	bind_visit_filter(st, district, butler, f);
	db_bind_int(st, 7, f->page_size);
	db_bind_int(st, 8, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_visit_rec v;
		visit_row(st, &v);
		visit(&v, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- questions ---------------------------------------------------------- */

hm_err butler_db_question_insert(hm_db *db, int64_t user_id, int64_t now, butler_question *q, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_questions (project_id, team_id, visit_id, raised_at, asker, content, status,"
			      " department, handed_at, due_at, estimated_due, answer, answered_on_site, answered_at,"
			      " created_by, created_at, department_id, appeal_id, appeal_no)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, q->project_id);
	db_bind_int_or_null(st, 2, q->team_id);
	db_bind_int_or_null(st, 3, q->visit_id);
	db_bind_int(st, 4, q->raised_at);
	db_bind_text(st, 5, q->asker);
	db_bind_text(st, 6, q->content);
	db_bind_text(st, 7, q->status);
	db_bind_text(st, 8, q->department);
	db_bind_int_or_null(st, 9, q->handed_at);
	db_bind_int_or_null(st, 10, q->due_at);
	db_bind_int(st, 11, q->estimated);
	db_bind_text(st, 12, q->answer);
	db_bind_int(st, 13, q->on_site);
	db_bind_int_or_null(st, 14, q->answered_at);
	db_bind_int_or_null(st, 15, user_id);
	db_bind_int(st, 16, now);
	db_bind_int_or_null(st, 17, q->department_id);
	db_bind_int_or_null(st, 18, q->appeal_id);
	db_bind_text(st, 19, q->appeal_no);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		q->id = db_last_id(db);
	return err;
}

/* A question as its reader sees it. One handed over through the hotline
 * (appeal_id) is answered once its appeal's reply has been approved: status
 * replied or closed (a reply still waiting for the department head's review
 * is not an answer); the department's reply is the answer, the appeal's due
 * the deadline. Derived here rather than copied back, so the hotline's code
 * needs no hook into the butler's tables. */
#define QUESTIONS                                                                                              \
	" (SELECT q0.id, q0.project_id, q0.team_id, q0.visit_id, q0.raised_at, q0.asker, q0.content,"             \
	" CASE WHEN q0.appeal_id IS NULL THEN q0.status WHEN ha.status IN ('replied', 'closed') THEN 'answered'"  \
	" ELSE 'handed_over' END AS status, q0.department, q0.department_id, q0.handed_at,"                       \
	" CASE WHEN q0.appeal_id IS NULL THEN q0.due_at ELSE ha.due END AS due_at,"                               \
	" CASE WHEN q0.appeal_id IS NULL THEN q0.estimated_due ELSE ha.estimated_due END AS estimated_due,"        \
	" CASE WHEN q0.appeal_id IS NULL THEN q0.answer WHEN ha.status IN ('replied', 'closed') THEN ha.reply"    \
	" ELSE '' END AS answer, q0.answered_on_site,"                                                             \
	" CASE WHEN q0.appeal_id IS NULL THEN q0.answered_at WHEN ha.status IN ('replied', 'closed')"             \
	" THEN ha.replied_at END AS answered_at, q0.appeal_id, q0.appeal_no, coalesce(ha.status, '') AS appeal_status," \
	" ha.sign_due AS appeal_sign_due, coalesce(ha.due_in_hours, 0) AS appeal_in_hours"                          \
	" FROM butler_questions q0 LEFT JOIN hotline_appeals ha ON ha.id = q0.appeal_id) q"

#define QUESTION_COLS                                                                                          \
	"q.id, q.project_id, p.name, coalesce(q.team_id, 0), coalesce(t.name, ''), coalesce(q.visit_id, 0),"      \
	" q.raised_at, q.asker, q.content, q.status, q.department, coalesce(q.handed_at, 0), coalesce(q.due_at, 0)," \
	" q.estimated_due, q.answer, q.answered_on_site, coalesce(q.answered_at, 0), coalesce(q.department_id, 0),"  \
	" coalesce(q.appeal_id, 0), q.appeal_no, q.appeal_status, coalesce(q.appeal_sign_due, 0), q.appeal_in_hours"
#define QUESTION_FROM                                                                                          \
	" FROM" QUESTIONS " JOIN butler_projects p ON p.id = q.project_id"                                        \
	" LEFT JOIN butler_teams t ON t.id = q.team_id"

static void question_row(hm_stmt *st, butler_question *q)
{
	memset(q, 0, sizeof *q);
	q->id = db_col_int(st, 0);
	q->project_id = db_col_int(st, 1);
	COPY(q->project_name, db_col_text(st, 2));
	q->team_id = db_col_int(st, 3);
	COPY(q->team_name, db_col_text(st, 4));
	q->visit_id = db_col_int(st, 5);
	q->raised_at = db_col_int(st, 6);
	COPY(q->asker, db_col_text(st, 7));
	COPY(q->content, db_col_text(st, 8));
	COPY(q->status, db_col_text(st, 9));
	COPY(q->department, db_col_text(st, 10));
	q->handed_at = db_col_int(st, 11);
	q->due_at = db_col_int(st, 12);
	q->estimated = db_col_int(st, 13);
	COPY(q->answer, db_col_text(st, 14));
	q->on_site = db_col_int(st, 15);
	q->answered_at = db_col_int(st, 16);
	q->department_id = db_col_int(st, 17);
	q->appeal_id = db_col_int(st, 18);
	COPY(q->appeal_no, db_col_text(st, 19));
	COPY(q->appeal_status, db_col_text(st, 20));
	q->appeal_sign_due = db_col_int(st, 21);
	q->appeal_in_hours = db_col_int(st, 22);
}

hm_err butler_db_question_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_question *out,
			      hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " QUESTION_COLS QUESTION_FROM " WHERE" SCOPE " AND q.id = $3", e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, id);
	hm_err err = db_row(st, HM_E_BUTLER_QUESTION_NOT_FOUND, "id", e);
	if (!err)
		question_row(st, out);
	return err;
}

hm_err butler_db_question_answer(hm_db *db, int64_t id, const char *answer, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE butler_questions SET status = 'answered', answer = $1, answered_at = $2"
			      " WHERE id = $3 AND status = 'handed_over' AND appeal_id IS NULL",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, answer);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	return db_changes(db) ? HM_OK : hm_fail(e, HM_E_BUTLER_QUESTION_ANSWERED, NULL);
}

/* Overdue: handed over, still unanswered, past its deadline ($8 = now). */
#define QUESTION_FILTER                                                                                        \
	QUESTION_FROM " WHERE" SCOPE " AND ($3 = 0 OR q.project_id = $3) AND ($4 = 0 OR q.team_id = $4)"          \
	" AND ($5 = '' OR q.status = $5) AND ($6 = 0 OR q.answered_at >= $6)"                                    \
	" AND ($7 = 0 OR (q.status = 'handed_over' AND q.due_at <= $8))"

static void bind_question_filter(hm_stmt *st, const char *district, int64_t butler, int64_t now,
				 const butler_question_filter *f)
{
	bind_scope(st, district, butler);
	db_bind_int(st, 3, f->project_id);
	db_bind_int(st, 4, f->team_id);
	db_bind_text(st, 5, f->status);
	db_bind_int(st, 6, f->answered_since);
	db_bind_int(st, 7, f->overdue);
	db_bind_int(st, 8, now);
}

hm_err butler_db_question_list(hm_db *db, const char *district, int64_t butler, int64_t now,
			       const butler_question_filter *f, butler_question_visit visit, void *arg, int64_t *total,
			       hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" QUESTION_FILTER, e);
	if (!st)
		return e->err;
	bind_question_filter(st, district, butler, now, f);
	hm_err err = step_total(db, st, total, e);
	if (err)
		return err;
	st = db_stmt(db, "SELECT " QUESTION_COLS QUESTION_FILTER " ORDER BY q.id DESC LIMIT $9 OFFSET $10", e);
	if (!st)
		return e->err;
	bind_question_filter(st, district, butler, now, f);
	db_bind_int(st, 9, f->page_size);
	db_bind_int(st, 10, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_question q;
		question_row(st, &q);
		visit(&q, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- procedure catalogue ------------------------------------------------ */

hm_err butler_db_catalog_stamp(hm_db *db, int64_t *stamp, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT coalesce(max(id), 0) FROM butler_catalog_history", e);
	if (!st)
		return e->err;
	return step_total(db, st, stamp, e);
}

#define CATALOG_COLS                                                                                           \
	"c.id, c.version, c.retired, c.stage, c.code, c.name, c.department, c.workdays, c.per_building,"          \
	" c.materials, c.flow, c.source, c.check_note"
/* the four stages in their legal order, then the bureau's order within one */
#define CATALOG_ORDER                                                                                          \
	" ORDER BY CASE c.stage WHEN 'land' THEN 1 WHEN 'engineering' THEN 2 WHEN 'construction' THEN 3 ELSE 4 END," \
	" c.position, c.id"

static void catalog_row(hm_stmt *st, int col, butler_proc_def *d)
{
	memset(d, 0, sizeof *d);
	d->id = db_col_int(st, col + 0);
	d->version = (int)db_col_int(st, col + 1);
	d->retired = db_col_int(st, col + 2);
	COPY(d->stage, db_col_text(st, col + 3));
	COPY(d->code, db_col_text(st, col + 4));
	COPY(d->name, db_col_text(st, col + 5));
	COPY(d->department, db_col_text(st, col + 6));
	d->workdays = (int)db_col_int(st, col + 7);
	d->per_building = db_col_int(st, col + 8);
	COPY(d->materials, db_col_text(st, col + 9));
	COPY(d->flow, db_col_text(st, col + 10));
	COPY(d->source, db_col_text(st, col + 11));
	COPY(d->check, db_col_text(st, col + 12));
}

hm_err butler_db_catalog_load(hm_db *db, butler_proc_def *out, size_t max, size_t *n, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " CATALOG_COLS " FROM butler_catalog c" CATALOG_ORDER, e);
	if (!st)
		return e->err;
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW)
		if (*n < max)
			catalog_row(st, 0, &out[(*n)++]);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_catalog_get(hm_db *db, int64_t id, butler_proc_def *out, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " CATALOG_COLS " FROM butler_catalog c WHERE c.id = $1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	hm_err err = db_row(st, HM_E_BUTLER_CATALOG_NOT_FOUND, "id", e);
	if (!err)
		catalog_row(st, 0, out);
	return err;
}

hm_err butler_db_catalog_insert(hm_db *db, butler_proc_def *d, int64_t user_id, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_catalog (code, position, version, stage, name, department, workdays,"
			      " per_building, materials, flow, source, check_note, retired, updated_by, updated_at)"
			      " SELECT $1, coalesce(max(position), 0) + 10, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12"
			      " FROM butler_catalog",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, d->code);
	db_bind_text(st, 2, d->stage);
	db_bind_text(st, 3, d->name);
	db_bind_text(st, 4, d->department);
	db_bind_int(st, 5, d->workdays);
	db_bind_int(st, 6, d->per_building);
	db_bind_text(st, 7, d->materials);
	db_bind_text(st, 8, d->flow);
	db_bind_text(st, 9, d->source);
	db_bind_text(st, 10, d->check);
	db_bind_int_or_null(st, 11, user_id);
	db_bind_int(st, 12, now);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_BUTLER_CATALOG_DUP, "code");
	if (rc != DB_DONE)
		return db_error(db, e);
	d->id = db_last_id(db);
	d->version = 1;
	d->retired = false;
	return HM_OK;
}

hm_err butler_db_catalog_save(hm_db *db, const butler_proc_def *d, int64_t user_id, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE butler_catalog SET version = $1, stage = $2, name = $3, department = $4, workdays = $5,"
			      " per_building = $6, materials = $7, flow = $8, source = $9, check_note = $10, retired = $11,"
			      " updated_by = $12, updated_at = $13 WHERE id = $14",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, d->version);
	db_bind_text(st, 2, d->stage);
	db_bind_text(st, 3, d->name);
	db_bind_text(st, 4, d->department);
	db_bind_int(st, 5, d->workdays);
	db_bind_int(st, 6, d->per_building);
	db_bind_text(st, 7, d->materials);
	db_bind_text(st, 8, d->flow);
	db_bind_text(st, 9, d->source);
	db_bind_text(st, 10, d->check);
	db_bind_int(st, 11, d->retired);
	db_bind_int_or_null(st, 12, user_id);
	db_bind_int(st, 13, now);
	db_bind_int(st, 14, d->id);
	return db_exec_stmt(st, e);
}

hm_err butler_db_catalog_history_add(hm_db *db, int64_t id, const char *action, int64_t user_id, int64_t now,
				     hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_catalog_history (catalog_id, version, action, stage, name, department,"
			      " workdays, per_building, materials, flow, source, check_note, retired, changed_by, changed_at)"
			      " SELECT id, version, $1, stage, name, department, workdays, per_building, materials, flow,"
			      " source, check_note, retired, $2, $3 FROM butler_catalog WHERE id = $4",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, action);
	db_bind_int_or_null(st, 2, user_id);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, id);
	return db_exec_stmt(st, e);
}

hm_err butler_db_catalog_history(hm_db *db, int64_t id, butler_catalog_version_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT h.catalog_id, h.version, h.retired, h.stage, c.code, h.name, h.department, h.workdays,"
			      " h.per_building, h.materials, h.flow, h.source, h.check_note, h.action,"
			      " coalesce(u.display_name, ''), h.changed_at FROM butler_catalog_history h"
			      " JOIN butler_catalog c ON c.id = h.catalog_id LEFT JOIN users u ON u.id = h.changed_by"
			      " WHERE h.catalog_id = $1 ORDER BY h.version",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_catalog_version *v = malloc(sizeof *v);
		if (!v)
			return hm_fail(e, HM_E_INTERNAL, NULL);
		catalog_row(st, 0, &v->def);
		COPY(v->action, db_col_text(st, 13));
		COPY(v->changed_by, db_col_text(st, 14));
		v->changed_at = db_col_int(st, 15);
		visit(v, arg);
		free(v);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- visit photos ------------------------------------------------------- */

hm_err butler_db_blob_insert(hm_db *db, const char *hash, int64_t size, const char *type, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO attachment_blobs (hash, size, content_type, created_at) VALUES ($1, $2, $3, $4)"
			      " ON CONFLICT (hash) DO NOTHING",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, size);
	db_bind_text(st, 3, type);
	db_bind_int(st, 4, now);
	return db_exec_stmt(st, e);
}

hm_err butler_db_photo_find(hm_db *db, int64_t visit_id, const char *hash, int64_t *id, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT id FROM butler_visit_photos WHERE visit_id = $1 AND hash = $2", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, visit_id);
	db_bind_text(st, 2, hash);
	int rc = db_step(st);
	*id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	return rc == DB_ROW || rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_photo_insert(hm_db *db, butler_photo *ph, int64_t user_id, int64_t now, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_visit_photos (visit_id, hash, filename, uploaded_by, uploaded_at)"
			      " VALUES ($1, $2, $3, $4, $5)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, ph->visit_id);
	db_bind_text(st, 2, ph->hash);
	db_bind_text(st, 3, ph->filename);
	db_bind_int_or_null(st, 4, user_id);
	db_bind_int(st, 5, now);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		ph->id = db_last_id(db);
	return err;
}

#define PHOTO_COLS                                                                                             \
	"ph.id, ph.visit_id, v.project_id, ph.hash, ph.filename, b.content_type, b.size,"                         \
	" coalesce(u.display_name, ''), ph.uploaded_at"
#define PHOTO_FROM                                                                                             \
	" FROM butler_visit_photos ph JOIN attachment_blobs b ON b.hash = ph.hash"                               \
	" JOIN butler_visits v ON v.id = ph.visit_id JOIN butler_projects p ON p.id = v.project_id"              \
	" LEFT JOIN users u ON u.id = ph.uploaded_by"

static void photo_row(hm_stmt *st, butler_photo *ph)
{
	memset(ph, 0, sizeof *ph);
	ph->id = db_col_int(st, 0);
	ph->visit_id = db_col_int(st, 1);
	ph->project_id = db_col_int(st, 2);
	COPY(ph->hash, db_col_text(st, 3));
	COPY(ph->filename, db_col_text(st, 4));
	COPY(ph->content_type, db_col_text(st, 5));
	ph->size = db_col_int(st, 6);
	COPY(ph->uploaded_by, db_col_text(st, 7));
	ph->uploaded_at = db_col_int(st, 8);
}

hm_err butler_db_photo_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_photo *out,
			   hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " PHOTO_COLS PHOTO_FROM " WHERE" SCOPE " AND ph.id = $3", e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, id);
	hm_err err = db_row(st, HM_E_BUTLER_PHOTO_NOT_FOUND, "id", e);
	if (!err)
		photo_row(st, out);
	return err;
}

hm_err butler_db_photo_list(hm_db *db, int64_t visit_id, butler_photo_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " PHOTO_COLS PHOTO_FROM " WHERE ph.visit_id = $1 ORDER BY ph.id", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, visit_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_photo ph;
		photo_row(st, &ph);
		visit(&ph, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- progress ledger ---------------------------------------------------- */

hm_err butler_db_ledger_insert(hm_db *db, int64_t user_id, int64_t now, butler_ledger_row *l, hm_error *e)
{
	/* a text given at creation is written by its creator, then */
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO butler_ledger (project_id, approval, department, progress, progress_by,"
			      " progress_at, problems, problems_by, problems_at, measures, measures_by, measures_at,"
			      " created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, CASE WHEN $4 = '' THEN NULL"
			      " ELSE $5 END, CASE WHEN $4 = '' THEN NULL ELSE $6 END, $7, CASE WHEN $7 = '' THEN NULL ELSE $5"
			      " END, CASE WHEN $7 = '' THEN NULL ELSE $6 END, $8, CASE WHEN $8 = '' THEN NULL ELSE $5 END,"
			      " CASE WHEN $8 = '' THEN NULL ELSE $6 END, $5, $6, $6)",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, l->project_id);
	db_bind_text(st, 2, l->approval);
	db_bind_text(st, 3, l->department);
	db_bind_text(st, 4, l->progress);
	db_bind_int_or_null(st, 5, user_id);
	db_bind_int(st, 6, now);
	db_bind_text(st, 7, l->problems);
	db_bind_text(st, 8, l->measures);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_BUTLER_LEDGER_DUP, "approval");
	if (rc != DB_DONE)
		return db_error(db, e);
	l->id = db_last_id(db);
	return HM_OK;
}

#define LEDGER_COLS                                                                                            \
	"l.id, l.project_id, p.name, coalesce(t.id, 0), coalesce(t.name, ''), l.approval, l.department,"         \
	" l.progress, coalesce(u1.display_name, ''), coalesce(l.progress_at, 0), l.problems,"                     \
	" coalesce(u2.display_name, ''), coalesce(l.problems_at, 0), l.measures, coalesce(u3.display_name, ''),"  \
	" coalesce(l.measures_at, 0), l.created_at, l.updated_at"
#define LEDGER_FROM                                                                                            \
	" FROM butler_ledger l JOIN butler_projects p ON p.id = l.project_id" CURRENT_TEAM                       \
	" LEFT JOIN users u1 ON u1.id = l.progress_by LEFT JOIN users u2 ON u2.id = l.problems_by"                \
	" LEFT JOIN users u3 ON u3.id = l.measures_by"

static void ledger_row(hm_stmt *st, butler_ledger_row *l)
{
	memset(l, 0, sizeof *l);
	l->id = db_col_int(st, 0);
	l->project_id = db_col_int(st, 1);
	COPY(l->project_name, db_col_text(st, 2));
	l->team_id = db_col_int(st, 3);
	COPY(l->team_name, db_col_text(st, 4));
	COPY(l->approval, db_col_text(st, 5));
	COPY(l->department, db_col_text(st, 6));
	COPY(l->progress, db_col_text(st, 7));
	COPY(l->progress_by, db_col_text(st, 8));
	l->progress_at = db_col_int(st, 9);
	COPY(l->problems, db_col_text(st, 10));
	COPY(l->problems_by, db_col_text(st, 11));
	l->problems_at = db_col_int(st, 12);
	COPY(l->measures, db_col_text(st, 13));
	COPY(l->measures_by, db_col_text(st, 14));
	l->measures_at = db_col_int(st, 15);
	l->created_at = db_col_int(st, 16);
	l->updated_at = db_col_int(st, 17);
}

hm_err butler_db_ledger_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_ledger_row *out,
			    hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT " LEDGER_COLS LEDGER_FROM " WHERE" SCOPE " AND l.id = $3", e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, id);
	hm_err err = db_row(st, HM_E_BUTLER_LEDGER_NOT_FOUND, "id", e);
	if (!err)
		ledger_row(st, out);
	return err;
}

hm_err butler_db_ledger_save(hm_db *db, int64_t user_id, int64_t now, const butler_ledger_row *l, bool progress,
			     bool problems, bool measures, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "UPDATE butler_ledger SET approval = $1, department = $2, progress = $3,"
			      " progress_by = CASE WHEN $4 THEN $5 ELSE progress_by END,"
			      " progress_at = CASE WHEN $4 THEN $6 ELSE progress_at END, problems = $7,"
			      " problems_by = CASE WHEN $8 THEN $5 ELSE problems_by END,"
			      " problems_at = CASE WHEN $8 THEN $6 ELSE problems_at END, measures = $9,"
			      " measures_by = CASE WHEN $10 THEN $5 ELSE measures_by END,"
			      " measures_at = CASE WHEN $10 THEN $6 ELSE measures_at END, updated_at = $6 WHERE id = $11",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, l->approval);
	db_bind_text(st, 2, l->department);
	db_bind_text(st, 3, l->progress);
	db_bind_int(st, 4, progress);
	db_bind_int_or_null(st, 5, user_id);
	db_bind_int(st, 6, now);
	db_bind_text(st, 7, l->problems);
	db_bind_int(st, 8, problems);
	db_bind_text(st, 9, l->measures);
	db_bind_int(st, 10, measures);
	db_bind_int(st, 11, l->id);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_BUTLER_LEDGER_DUP, "approval");
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

#define LEDGER_FILTER LEDGER_FROM " WHERE" SCOPE " AND ($3 = 0 OR l.project_id = $3) AND ($4 = 0 OR t.id = $4)"

static void bind_ledger_filter(hm_stmt *st, const char *district, int64_t butler, const butler_ledger_filter *f)
{
	bind_scope(st, district, butler);
	db_bind_int(st, 3, f->project_id);
	db_bind_int(st, 4, f->team_id);
}

hm_err butler_db_ledger_list(hm_db *db, const char *district, int64_t butler, const butler_ledger_filter *f,
			     butler_ledger_visit visit, void *arg, int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*)" LEDGER_FILTER, e);
	if (!st)
		return e->err;
	bind_ledger_filter(st, district, butler, f);
	hm_err err = step_total(db, st, total, e);
	if (err)
		return err;
	st = db_stmt(db, "SELECT " LEDGER_COLS LEDGER_FILTER " ORDER BY l.project_id, l.id LIMIT $5 OFFSET $6", e);
	if (!st)
		return e->err;
	bind_ledger_filter(st, district, butler, f);
	db_bind_int(st, 5, f->page_size);
	db_bind_int(st, 6, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		butler_ledger_row *l = malloc(sizeof *l);
		if (!l)
			return hm_fail(e, HM_E_INTERNAL, NULL);
		ledger_row(st, l);
		visit(l, arg);
		free(l);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- stats -------------------------------------------------------------- */

static hm_err counts(hm_db *db, const char *sql, const char *district, int64_t butler, butler_count *out, int *n,
		     int max, hm_error *e)
{
	hm_stmt *st = db_stmt(db, sql, e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW)
		if (*n < max) {
			COPY(out[*n].code, db_col_text(st, 0));
			out[*n].count = db_col_int(st, 1);
			(*n)++;
		}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_stats(hm_db *db, const char *district, int64_t butler, int64_t since, int64_t now, butler_stats *out,
		       hm_error *e)
{
	hm_err err;
	if ((err = counts(db, "SELECT p.stage, count(*) FROM butler_projects p WHERE" SCOPE " GROUP BY p.stage ORDER BY p.stage",
			  district, butler, out->by_stage, &out->nstage, 8, e)) ||
	    (err = counts(db, "SELECT p.level, count(*) FROM butler_projects p WHERE" SCOPE " GROUP BY p.level ORDER BY p.level",
			  district, butler, out->by_level, &out->nlevel, 4, e)) ||
	    (err = counts(db,
			  "SELECT x.code, count(*) FROM butler_procedures x JOIN butler_projects p ON p.id = x.project_id"
			  " WHERE" SCOPE " AND x.status IN ('todo', 'in_progress') GROUP BY x.code ORDER BY x.code",
			  district, butler, out->missing_by_code, &out->nmissing, 16, e)))
		return err;
	hm_stmt *st = db_stmt(db,
			      "SELECT count(*), coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM butler_procedures x"
			      " WHERE x.project_id = p.id AND x.status IN ('todo', 'in_progress')) THEN 1 ELSE 0 END), 0),"
			      " (SELECT count(*) FROM butler_procedures x JOIN butler_projects p ON p.id = x.project_id"
			      " WHERE" SCOPE " AND x.status IN ('todo', 'in_progress'))"
			      " FROM butler_projects p WHERE" SCOPE,
			      e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	out->projects = db_col_int(st, 0);
	out->projects_lacking = db_col_int(st, 1);
	out->procedures_open = db_col_int(st, 2);
	/* the parameters open the text (prm) so that they appear in number
	 * order before the scope repeats $1 and $2 (store.h) */
	st = db_stmt(db,
		     "SELECT coalesce(sum(CASE WHEN q.answered_at >= prm.since THEN 1 ELSE 0 END), 0),"
		     " coalesce(sum(CASE WHEN q.status = 'handed_over' THEN 1 ELSE 0 END), 0),"
		     " coalesce(sum(CASE WHEN q.status = 'handed_over' AND q.due_at <= prm.now THEN 1 ELSE 0 END), 0)"
		     " FROM (SELECT $1 AS d, $2 AS b, $3 AS since, $4 AS now) prm"
		     " JOIN" QUESTIONS " ON q.project_id IN (SELECT p.id FROM butler_projects p WHERE" SCOPE ")",
		     e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, since);
	db_bind_int(st, 4, now);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	out->answered_total = db_col_int(st, 0);
	out->questions_open = db_col_int(st, 1);
	out->questions_overdue = db_col_int(st, 2);
	st = db_stmt(db,
		     "SELECT t.id, t.name, coalesce(sum(CASE WHEN q.answered_at >= prm.since THEN 1 ELSE 0 END), 0),"
		     " coalesce(sum(CASE WHEN q.status = 'handed_over' THEN 1 ELSE 0 END), 0),"
		     " coalesce(sum(CASE WHEN q.status = 'handed_over' AND q.due_at <= prm.now THEN 1 ELSE 0 END), 0)"
		     " FROM (SELECT $1 AS d, $2 AS b, $3 AS since, $4 AS now) prm"
		     " JOIN butler_teams t ON prm.d = '' OR t.district = prm.d"
		     " LEFT JOIN" QUESTIONS " ON q.team_id = t.id AND q.project_id IN"
		     " (SELECT p.id FROM butler_projects p WHERE" SCOPE ")"
		     " GROUP BY t.id, t.name ORDER BY t.id",
		     e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	db_bind_int(st, 3, since);
	db_bind_int(st, 4, now);
	int rc;
	out->nteams = 0;
	while ((rc = db_step(st)) == DB_ROW)
		if (out->nteams < BUTLER_MAX_TEAMS_STATS) {
			butler_team_count *t = &out->teams[out->nteams++];
			t->team_id = db_col_int(st, 0);
			COPY(t->name, db_col_text(st, 1));
			t->answered = db_col_int(st, 2);
			t->open = db_col_int(st, 3);
			t->overdue = db_col_int(st, 4);
		}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err butler_db_all_procs(hm_db *db, const char *district, int64_t butler, butler_db_proc_row visit, void *arg,
			   hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT x.project_id, x.status, x.started_on, x.finished_on FROM butler_procedures x"
			      " JOIN butler_projects p ON p.id = x.project_id WHERE" SCOPE " ORDER BY x.project_id, x.id",
			      e);
	if (!st)
		return e->err;
	bind_scope(st, district, butler);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		visit(db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3), arg);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
