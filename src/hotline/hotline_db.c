/* The hotline's SQL. Every appeal read carries the caller's scope ($1: 0 =
 * everything, else a department clerk's user id); a clerk reaches an appeal
 * only through its active dispatch to one of the clerk's departments.
 * Parameters are numbered in order of first appearance (store.h). */
#include "hotline/hotline_db.h"

#include "core/crypt.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define STMT(sql)                              \
	hm_stmt *st = db_stmt(db, (sql), e);   \
	if (!st)                               \
		return e->err

/* The scope condition on an appeal aliased "a", with the scope in $1. */
/* Active dispatches are the lead's and the assists' ones: both departments
 * see the appeal; what each may do is decided in hotline.c. */
#define SCOPE                                                                                               \
	" ($1 = 0 OR EXISTS (SELECT 1 FROM hotline_dispatches sd JOIN hotline_department_members sm"     \
	" ON sm.department_id = sd.department_id WHERE sd.appeal_id = a.id AND sd.active = 1 AND sm.user_id = $1))"

/* ---- the caller's phone --------------------------------------------------
 * Every read and write of a caller_phone column goes through this pair: the
 * number is sealed at rest (core/crypt.h) and repeat detection compares its
 * keyed hash, caller_phone_hash, since equal numbers seal differently. */
static hm_err phone_bind(hm_stmt *st, int i, int hash_i, const char *phone, hm_error *e)
{
	char blind[65] = "";
	if (phone[0])
		crypt_blind(phone, blind);
	db_bind_text(st, hash_i, blind);
	return db_bind_sealed(st, i, phone, e);
}

static void phone_read(hm_stmt *st, int col, char *out, size_t n)
{
	db_col_open(st, col, out, n);
}

/* The sealed columns of the hotline, for resealing and verify. */
static const sealed_col sealed[] = {
	{"SELECT id, caller_phone FROM hotline_appeals WHERE caller_phone <> '' AND substr(caller_phone, 1, length($1)) <> $1",
	 "UPDATE hotline_appeals SET caller_phone = $1, caller_phone_hash = $2 WHERE id = $3",
	 "SELECT id, caller_phone FROM hotline_appeals WHERE caller_phone <> ''", true},
	{"SELECT id, caller_phone FROM hotline_missed_calls WHERE caller_phone <> '' AND substr(caller_phone, 1, length($1)) <> $1",
	 "UPDATE hotline_missed_calls SET caller_phone = $1 WHERE id = $2",
	 "SELECT id, caller_phone FROM hotline_missed_calls WHERE caller_phone <> ''", false},
};

hm_err hotline_seal_pending(hm_db *db, int64_t *count, hm_error *e)
{
	return store_reseal(db, sealed, sizeof sealed / sizeof sealed[0], count, e);
}

hm_err hotline_seal_check(hm_db *db, int64_t *bad, hm_error *e)
{
	return store_seal_check(db, sealed, sizeof sealed / sizeof sealed[0], bad, e);
}

/* ---- appeals ------------------------------------------------------------ */

hm_err hotline_db_appeal_insert(hm_db *db, int64_t user_id, int64_t now, hotline_appeal *a, hm_error *e)
{
	STMT("INSERT INTO hotline_appeals (channel, line, programme_id, kind, anonymous, caller_name, caller_phone, place,"
	     " content, category, catalog_version, emergency, status, answer, due, due_in_hours, estimated_due, closed_at,"
	     " created_by, created_at, updated_at, caller_phone_hash, district)"
	     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21,"
	     " $22)");
	db_bind_text(st, 1, a->channel);
	db_bind_text(st, 2, a->line);
	db_bind_int_or_null(st, 3, a->programme_id);
	db_bind_text(st, 4, a->kind);
	db_bind_int(st, 5, a->anonymous);
	db_bind_text(st, 6, a->caller_name);
	hm_err perr = phone_bind(st, 7, 21, a->caller_phone, e);
	if (perr)
		return perr;
	db_bind_text(st, 8, a->place);
	db_bind_text(st, 9, a->content);
	db_bind_text(st, 10, a->category);
	db_bind_int(st, 11, a->catalog_version);
	db_bind_int(st, 12, a->emergency);
	db_bind_text(st, 13, a->status);
	db_bind_text(st, 14, a->answer);
	db_bind_int_or_null(st, 15, a->due);
	db_bind_int(st, 16, a->due_in_hours);
	db_bind_int(st, 17, a->estimated);
	db_bind_int_or_null(st, 18, a->closed_at);
	db_bind_int(st, 19, user_id);
	db_bind_int(st, 20, now);
	db_bind_text(st, 22, a->district);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		a->id = db_last_id(db);
	return err;
}

#define APPEAL_COLS                                                                                               \
	"a.id, a.channel, a.line, coalesce(a.programme_id, 0), a.kind, a.anonymous, a.caller_name, a.caller_phone,"   \
	" a.place, a.content, a.category, a.catalog_version, a.emergency, a.status, a.answer,"                        \
	" coalesce(a.department_id, 0), coalesce(a.dispatched_at, 0), coalesce(a.sign_due, 0),"                      \
	" coalesce(a.signed_at, 0), coalesce(a.due, 0), coalesce(a.replied_at, 0), coalesce(a.closed_at, 0),"        \
	" a.created_at, a.updated_at, a.due_in_hours, a.estimated_due, a.extended_workdays, a.reply,"                \
	" coalesce(a.replied_on_time, -1), a.return_count, a.rework_count, a.satisfaction, coalesce(a.main_id, 0),"  \
	" a.district, coalesce(a.programme_tier, 0), coalesce(a.callback_due, 0), coalesce(a.replied_by, 0),"       \
	" coalesce(a.reply_reviewed_by, 0), coalesce(a.reply_reviewed_at, 0)"

static void appeal_row(hm_stmt *st, hotline_appeal *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_col_int(st, 0);
	COPY(a->channel, db_col_text(st, 1));
	COPY(a->line, db_col_text(st, 2));
	a->programme_id = db_col_int(st, 3);
	COPY(a->kind, db_col_text(st, 4));
	a->anonymous = db_col_int(st, 5);
	COPY(a->caller_name, db_col_text(st, 6));
	phone_read(st, 7, a->caller_phone, sizeof a->caller_phone);
	COPY(a->place, db_col_text(st, 8));
	COPY(a->content, db_col_text(st, 9));
	COPY(a->category, db_col_text(st, 10));
	a->catalog_version = (int)db_col_int(st, 11);
	a->emergency = db_col_int(st, 12);
	COPY(a->status, db_col_text(st, 13));
	COPY(a->answer, db_col_text(st, 14));
	a->department_id = db_col_int(st, 15);
	a->dispatched_at = db_col_int(st, 16);
	a->sign_due = db_col_int(st, 17);
	a->signed_at = db_col_int(st, 18);
	a->due = db_col_int(st, 19);
	a->replied_at = db_col_int(st, 20);
	a->closed_at = db_col_int(st, 21);
	a->created_at = db_col_int(st, 22);
	a->updated_at = db_col_int(st, 23);
	a->due_in_hours = db_col_int(st, 24);
	a->estimated = db_col_int(st, 25);
	a->extended_workdays = (int)db_col_int(st, 26);
	COPY(a->reply, db_col_text(st, 27));
	a->replied_on_time = (int)db_col_int(st, 28);
	a->return_count = (int)db_col_int(st, 29);
	a->rework_count = (int)db_col_int(st, 30);
	COPY(a->satisfaction, db_col_text(st, 31));
	a->main_id = db_col_int(st, 32);
	COPY(a->district, db_col_text(st, 33));
	a->programme_tier = (int)db_col_int(st, 34);
	a->callback_due = db_col_int(st, 35);
	a->replied_by = db_col_int(st, 36);
	a->reply_reviewed_by = db_col_int(st, 37);
	a->reply_reviewed_at = db_col_int(st, 38);
}

hm_err hotline_db_appeal_get(hm_db *db, int64_t scope, int64_t id, hotline_appeal *out, hm_error *e)
{
	STMT("SELECT " APPEAL_COLS " FROM hotline_appeals a WHERE" SCOPE " AND a.id = $2");
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_APPEAL_NOT_FOUND, "id", e);
	if (!err)
		appeal_row(st, out);
	return err;
}

hm_err hotline_db_appeal_phone(hm_db *db, int64_t scope, int64_t id, char *out, size_t n, hm_error *e)
{
	STMT("SELECT a.caller_phone FROM hotline_appeals a WHERE" SCOPE " AND a.id = $2");
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_APPEAL_NOT_FOUND, "id", e);
	if (!err)
		phone_read(st, 0, out, n);
	return err;
}

hm_err hotline_db_appeal_save(hm_db *db, int64_t now, const hotline_appeal *a, hm_error *e)
{
	STMT("UPDATE hotline_appeals SET status = $1, department_id = $2, dispatched_at = $3, sign_due = $4,"
	     " signed_at = $5, due = $6, due_in_hours = $7, estimated_due = $8, extended_workdays = $9, reply = $10,"
	     " replied_at = $11, replied_on_time = $12, return_count = $13, rework_count = $14, satisfaction = $15,"
	     " main_id = $16, closed_at = $17, updated_at = $18, programme_tier = $19, callback_due = $20,"
	     " replied_by = $21, reply_reviewed_by = $22, reply_reviewed_at = $23 WHERE id = $24");
	db_bind_text(st, 1, a->status);
	db_bind_int_or_null(st, 2, a->department_id);
	db_bind_int_or_null(st, 3, a->dispatched_at);
	db_bind_int_or_null(st, 4, a->sign_due);
	db_bind_int_or_null(st, 5, a->signed_at);
	db_bind_int_or_null(st, 6, a->due);
	db_bind_int(st, 7, a->due_in_hours);
	db_bind_int(st, 8, a->estimated);
	db_bind_int(st, 9, a->extended_workdays);
	db_bind_text(st, 10, a->reply);
	db_bind_int_or_null(st, 11, a->replied_at);
	if (a->replied_on_time >= 0)
		db_bind_int(st, 12, a->replied_on_time);
	else
		db_bind_null(st, 12);
	db_bind_int(st, 13, a->return_count);
	db_bind_int(st, 14, a->rework_count);
	db_bind_text(st, 15, a->satisfaction);
	db_bind_int_or_null(st, 16, a->main_id);
	db_bind_int_or_null(st, 17, a->closed_at);
	db_bind_int(st, 18, now);
	db_bind_int_or_null(st, 19, a->programme_tier);
	db_bind_int_or_null(st, 20, a->callback_due);
	db_bind_int_or_null(st, 21, a->replied_by);
	db_bind_int_or_null(st, 22, a->reply_reviewed_by);
	db_bind_int_or_null(st, 23, a->reply_reviewed_at);
	db_bind_int(st, 24, a->id);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_event(hm_db *db, int64_t appeal_id, int64_t now, int64_t actor_id, const char *action,
			const char *from, const char *to, int64_t dept_id, const char *note, hm_error *e)
{
	STMT("INSERT INTO hotline_appeal_events (appeal_id, at, actor_id, action, from_status, to_status, department_id,"
	     " note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
	db_bind_int(st, 1, appeal_id);
	db_bind_int(st, 2, now);
	db_bind_int_or_null(st, 3, actor_id);
	db_bind_text(st, 4, action);
	db_bind_text(st, 5, from);
	db_bind_text(st, 6, to);
	db_bind_int_or_null(st, 7, dept_id);
	db_bind_text(st, 8, note);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_events(hm_db *db, int64_t id, hotline_event_visit visit, void *arg, hm_error *e)
{
	STMT("SELECT ev.at, coalesce(u.display_name, ''), ev.action, ev.from_status, ev.to_status,"
	     " coalesce(ev.department_id, 0), ev.note FROM hotline_appeal_events ev"
	     " LEFT JOIN users u ON u.id = ev.actor_id WHERE ev.appeal_id = $1 ORDER BY ev.id");
	db_bind_int(st, 1, id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		visit(db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
		      db_col_int(st, 5), db_col_text(st, 6), arg);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* Statuses in which a deadline runs. */
#define OPEN_STATUSES "('registered', 'dispatched', 'signed', 'return_requested', 'reply_review', 'rework')"

/* The list's WHERE holds only the filters given, each a fixed fragment
 * whose "?" become the next $n, bound to the fragment's values in order:
 * the "$n = '' OR col = $n" form the list used for every filter defeats
 * the indexes, and at a million appeals every count scanned the table
 * (~1.5 s per warning count, bench/results/hotline-search-2026-11-29.md).
 * Values are never written into the text. */
typedef struct where_val {
	const char *s; /* text, or NULL for i */
	int64_t i;
} where_val;

typedef struct list_where {
	char sql[2048];
	size_t len;
	int n;     /* placeholders so far */
	int frags; /* filters so far */
	where_val args[24];
	bool fts; /* the full-text index drives the query (f, then a) */
} list_where;

static void where_put(list_where *w, const char *frag, const where_val *vals)
{
	int k = 0;
	w->frags++;
	for (const char *p = frag; *p; p++) {
		/* the fragments are fixed and few; running out of room is a bug */
		assert(w->len + 8 < sizeof w->sql);
		if (*p == '?') {
			assert(w->n < (int)(sizeof w->args / sizeof w->args[0]));
			w->args[w->n++] = vals[k++];
			w->len += (size_t)snprintf(w->sql + w->len, sizeof w->sql - w->len, "$%d", w->n);
		} else
			w->sql[w->len++] = *p;
	}
	w->sql[w->len] = '\0';
}

#define INT(v) ((const where_val[]){{NULL, (v)}})
#define TEXT(v) ((const where_val[]){{(v), 0}})

/* The warning levels, the same rule as hotline_warning_at on an open appeal:
 * red when due <= now; yellow when now < due and either a working-day clock
 * (due_in_hours = 0) ends by the yellow bound or an hour clock ends within
 * HOTLINE_EMERGENCY_YELLOW_SECONDS; none otherwise, and for every appeal
 * without a clock or not open. Red and yellow are ranges of the index
 * hotline_appeals_open_due (status, due, due_in_hours): open statuses × a
 * due range, read from the index alone. */
static void where_warning(list_where *w, const char *level, int64_t now, int64_t bound)
{
	int64_t hours = now + HOTLINE_EMERGENCY_YELLOW_SECONDS;
	if (strcmp(level, "red") == 0)
		where_put(w, " AND a.status IN " OPEN_STATUSES " AND a.due <= ?", INT(now));
	else if (strcmp(level, "yellow") == 0)
		where_put(w,
			  " AND a.status IN " OPEN_STATUSES " AND a.due > ? AND a.due <= ?"
			  " AND ((a.due_in_hours = 0 AND a.due <= ?) OR (a.due_in_hours = 1 AND a.due <= ?))",
			  (const where_val[]){{NULL, now}, {NULL, bound > hours ? bound : hours}, {NULL, bound}, {NULL, hours}});
	else
		where_put(w,
			  " AND (a.due IS NULL OR a.status NOT IN " OPEN_STATUSES " OR (a.due > ?"
			  " AND NOT ((a.due_in_hours = 0 AND a.due <= ?) OR (a.due_in_hours = 1 AND a.due <= ?))))",
			  (const where_val[]){{NULL, now}, {NULL, bound}, {NULL, hours}});
}

/* The callback clock of a replied appeal (hotline_warning_at on
 * callback_due, a working-day clock): ranges of hotline_appeals_callback
 * (status, callback_due) with the status the 待回访 list gives. */
static void where_callback_warning(list_where *w, const char *level, int64_t now, int64_t bound)
{
	if (strcmp(level, "red") == 0)
		where_put(w, " AND a.callback_due <= ?", INT(now));
	else if (strcmp(level, "yellow") == 0)
		where_put(w, " AND a.callback_due > ? AND a.callback_due <= ?",
			  (const where_val[]){{NULL, now}, {NULL, bound}});
	else
		where_put(w, " AND (a.callback_due IS NULL OR a.callback_due > ?)", INT(bound));
}

/* With drive, q's hits drive the query (a page: newest first as FTS5 walks
 * its doclists by rowid, each hit then checked against the other filters,
 * stopping at the page's end; without CROSS JOIN SQLite prefers any
 * equality index, say status = 'closed', 640k rows at a million, and sorts).
 * Without, q is a set of ids that the other filters' indexes are probed
 * with (a count: the hits are seeked in a covering index, not read from
 * the table, 104k hits of 噪音 in 0.1–0.2 s instead of 0.5 s). */
static void list_where_build(list_where *w, int64_t scope, int64_t now, int64_t bound, const hotline_filter *f,
			     bool drive)
{
	memset(w, 0, sizeof *w);
	w->len = (size_t)snprintf(w->sql, sizeof w->sql, " WHERE 1 = 1");
	if (f->match && f->match[0]) {
		w->fts = drive;
		where_put(w,
			  drive ? " AND f.hotline_appeals_fts MATCH ?"
				: " AND a.id IN (SELECT rowid FROM hotline_appeals_fts WHERE hotline_appeals_fts MATCH ?)",
			  TEXT(f->match));
	}
	/* SCOPE as a set: the appeals dispatched to the clerk's departments,
	 * read from hotline_dispatches_scope, instead of a probe per appeal */
	if (scope)
		where_put(w,
			  " AND a.id IN (SELECT sd.appeal_id FROM hotline_department_members sm JOIN hotline_dispatches sd"
			  " ON sd.department_id = sm.department_id AND sd.active = 1 WHERE sm.user_id = ?)",
			  INT(scope));
	if (f->status && f->status[0])
		where_put(w, " AND a.status = ?", TEXT(f->status));
	if (f->category && f->category[0])
		where_put(w, " AND (a.category = ? OR a.category LIKE ? || '.%')",
			  (const where_val[]){{f->category, 0}, {f->category, 0}});
	if (f->channel && f->channel[0])
		where_put(w, " AND a.channel = ?", TEXT(f->channel));
	if (f->department_id)
		where_put(w, " AND a.department_id = ?", INT(f->department_id));
	if (f->programme_id)
		where_put(w, " AND a.programme_id = ?", INT(f->programme_id));
	if (f->from)
		where_put(w, " AND a.created_at >= ?", INT(f->from));
	if (f->to)
		where_put(w, " AND a.created_at < ?", INT(f->to));
	if (f->emergency >= 0)
		where_put(w, " AND a.emergency = ?", INT(f->emergency));
	if (f->open_only)
		where_put(w, " AND a.status IN " OPEN_STATUSES, NULL);
	if (f->warning && f->warning[0])
		where_warning(w, f->warning, now, bound);
	if (f->callback_warning && f->callback_warning[0])
		where_callback_warning(w, f->callback_warning, now, bound);
	if (f->district && f->district[0])
		where_put(w, " AND a.district = ?", TEXT(f->district));
}

static void list_where_bind(hm_stmt *st, const list_where *w)
{
	for (int i = 0; i < w->n; i++) {
		if (w->args[i].s)
			db_bind_text(st, i + 1, w->args[i].s);
		else
			db_bind_int(st, i + 1, w->args[i].i);
	}
}

hm_err hotline_db_list(hm_db *db, int64_t scope, int64_t now, int64_t yellow_bound, const hotline_filter *f,
		       hotline_appeal_visit visit, void *arg, int64_t *total, hm_error *e)
{
	list_where w, wc;
	list_where_build(&w, scope, now, yellow_bound, f, true);
	list_where_build(&wc, scope, now, yellow_bound, f, false);
	/* CROSS JOIN keeps the index of hits outside: SQLite never reorders it */
	const char *from = w.fts ? " FROM hotline_appeals_fts f CROSS JOIN hotline_appeals a ON a.id = f.rowid"
				 : " FROM hotline_appeals a";
	char sql[4096];
	/* q alone is counted in the index: every appeal has its row there */
	bool fts_only = w.fts && w.frags == 1;
	snprintf(sql, sizeof sql, "SELECT count(*)%s%s", fts_only ? " FROM hotline_appeals_fts f" : " FROM hotline_appeals a",
		 fts_only ? w.sql : wc.sql);
	hm_stmt *st = db_stmt_text(db, sql, e);
	if (!st)
		return e->err;
	list_where_bind(st, fts_only ? &w : &wc);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	/* 待回访 reads the soonest callback first; every other list the newest
	 * appeal (f.rowid is a.id: FTS5 gives its hits in that order itself) */
	const char *order = f->by_callback_due ? "a.callback_due IS NULL, a.callback_due, a.id"
			    : w.fts	       ? "f.rowid DESC"
					       : "a.id DESC";
	if (w.fts)
		snprintf(sql, sizeof sql, "SELECT " APPEAL_COLS "%s%s ORDER BY %s LIMIT $%d OFFSET $%d", from, w.sql,
			 order, w.n + 1, w.n + 2);
	else
		/* the page's ids first, then their rows: when the order needs a
		 * sort (a warning level, a period), the sort holds ids read from
		 * the index, not every matching appeal's text (168k overdue rows
		 * at a million appeals: ~1 s against ~0.1 s) */
		snprintf(sql, sizeof sql,
			 "SELECT " APPEAL_COLS " FROM hotline_appeals a WHERE a.id IN (SELECT a.id%s%s ORDER BY %s"
			 " LIMIT $%d OFFSET $%d) ORDER BY %s",
			 from, w.sql, order, w.n + 1, w.n + 2, order);
	st = db_stmt_text(db, sql, e);
	if (!st)
		return e->err;
	list_where_bind(st, &w);
	db_bind_int(st, w.n + 1, f->page_size);
	db_bind_int(st, w.n + 2, (int64_t)(f->page - 1) * f->page_size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_appeal a;
		appeal_row(st, &a);
		visit(&a, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* The candidate columns and conditions; the phone's keyed hash is compared
 * in C, so the parameters stay numbered in order of appearance. */
#define CAND_COLS " a.id, a.place, a.content, a.category, a.caller_phone_hash"
#define CAND_WHERE                                                                                          \
	" FROM hotline_appeals a WHERE" SCOPE " AND a.id <> $2 AND a.created_at > $3 - $4 AND a.created_at < $3 + $4" \
	" AND a.main_id IS NULL AND a.status NOT IN ('merged', 'closed')"

hm_err hotline_db_repeat_candidates(hm_db *db, int64_t scope, const hotline_appeal *x, int64_t window, bool by_phone,
				    int max, hotline_db_candidate_visit visit, void *arg, hm_error *e)
{
	char blind[65] = "";
	if (x->caller_phone[0])
		crypt_blind(x->caller_phone, blind);
	if (by_phone && !blind[0])
		return HM_OK;
	/* each branch names the column its index leads with, so the planner
	 * reads one caller's (or district's, or category's) window only */
	/* the nearest in time on either side, each read in index order (no
	 * sort of the whole window, which a busy district fills with tens of
	 * thousands of appeals) */
#define NEAREST(COL)                                                                                              \
	"SELECT * FROM (SELECT" CAND_COLS CAND_WHERE " AND a." COL " = $5 AND a.created_at <= $3"                  \
	" ORDER BY a.created_at DESC LIMIT $6) UNION ALL SELECT * FROM (SELECT" CAND_COLS CAND_WHERE " AND a." COL \
	" = $5 AND a.created_at > $3 ORDER BY a.created_at LIMIT $6)"
	const char *sql = by_phone        ? "SELECT" CAND_COLS CAND_WHERE " AND a.caller_phone_hash = $5 LIMIT $6"
			  : x->district[0] ? NEAREST("district")
					   : NEAREST("category");
#undef NEAREST
	STMT(sql);
	db_bind_int(st, 1, scope);
	db_bind_int(st, 2, x->id);
	db_bind_int(st, 3, x->created_at);
	db_bind_int(st, 4, window);
	db_bind_text(st, 5, by_phone ? blind : x->district[0] ? x->district : x->category);
	db_bind_int(st, 6, max);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *hash = db_col_text(st, 4);
		visit(db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
		      blind[0] && strcmp(hash, blind) == 0, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_merged(hm_db *db, int64_t main_id, const char *status, hotline_appeal_visit visit, void *arg,
			 hm_error *e)
{
	STMT("SELECT " APPEAL_COLS " FROM hotline_appeals a WHERE a.main_id = $1 AND ($2 = '' OR a.status = $2)"
	     " ORDER BY a.id");
	db_bind_int(st, 1, main_id);
	db_bind_text(st, 2, status);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_appeal *a = malloc(sizeof *a);
		if (!a)
			return hm_fail(e, HM_E_INTERNAL, NULL);
		appeal_row(st, a);
		visit(a, arg);
		free(a);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_merged_count(hm_db *db, int64_t id, bool unsatisfied, int64_t *n, hm_error *e)
{
	STMT("SELECT count(*) FROM hotline_appeals WHERE main_id = $1"
	     " AND ($2 = 0 OR (status = 'closed' AND satisfaction = 'unsatisfied'))");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, unsatisfied);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*n = db_col_int(st, 0);
	return HM_OK;
}

hm_err hotline_db_dispatch_withdraw(hm_db *db, int64_t appeal_id, hm_error *e)
{
	STMT("UPDATE hotline_dispatches SET active = 0 WHERE appeal_id = $1 AND active = 1");
	db_bind_int(st, 1, appeal_id);
	return db_exec_stmt(st, e);
}

/* ---- dispatches ---------------------------------------------------------- */

hm_err hotline_db_dispatch_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, int64_t now, int64_t by, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "UPDATE hotline_dispatches SET active = 0 WHERE appeal_id = $1 AND active = 1", e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, appeal_id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	st = db_stmt(db,
		     "INSERT INTO hotline_dispatches (appeal_id, department_id, dispatched_at, dispatched_by, active, role)"
		     " VALUES ($1, $2, $3, $4, 1, 'lead')",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, appeal_id);
	db_bind_int(st, 2, dept_id);
	db_bind_int(st, 3, now);
	db_bind_int_or_null(st, 4, by);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_dispatch_assist_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, int64_t now, int64_t by,
					 hm_error *e)
{
	STMT("INSERT INTO hotline_dispatches (appeal_id, department_id, dispatched_at, dispatched_by, active, role)"
	     " VALUES ($1, $2, $3, $4, 1, 'assist')");
	db_bind_int(st, 1, appeal_id);
	db_bind_int(st, 2, dept_id);
	db_bind_int(st, 3, now);
	db_bind_int_or_null(st, 4, by);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_is_member(hm_db *db, int64_t user_id, int64_t dept_id, bool *yes, hm_error *e)
{
	STMT("SELECT count(*) FROM hotline_department_members WHERE user_id = $1 AND department_id = $2");
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, dept_id);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*yes = db_col_int(st, 0) > 0;
	return HM_OK;
}

hm_err hotline_db_assist_department(hm_db *db, int64_t appeal_id, int64_t user_id, int64_t *dept_id, hm_error *e)
{
	STMT("SELECT d.department_id FROM hotline_dispatches d JOIN hotline_department_members m"
	     " ON m.department_id = d.department_id WHERE d.appeal_id = $1 AND d.active = 1 AND d.role = 'assist'"
	     " AND m.user_id = $2 ORDER BY d.department_id LIMIT 1");
	db_bind_int(st, 1, appeal_id);
	db_bind_int(st, 2, user_id);
	int rc = db_step(st);
	*dept_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	return rc == DB_ROW || rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_assist_opinion_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, const char *opinion, int64_t by,
					int64_t now, hm_error *e)
{
	STMT("INSERT INTO hotline_assist_opinions (appeal_id, department_id, opinion, by_id, at) VALUES ($1, $2, $3, $4, $5)");
	db_bind_int(st, 1, appeal_id);
	db_bind_int(st, 2, dept_id);
	db_bind_text(st, 3, opinion);
	db_bind_int_or_null(st, 4, by);
	db_bind_int(st, 5, now);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_assists(hm_db *db, int64_t appeal_id, hotline_assist_visit visit, void *arg, hm_error *e)
{
	/* the current assists, each with its opinions (or one row without) */
	STMT("SELECT d.department_id, coalesce(o.id, 0), coalesce(o.opinion, ''), coalesce(u.display_name, ''),"
	     " coalesce(o.at, 0) FROM hotline_dispatches d"
	     " LEFT JOIN hotline_assist_opinions o ON o.appeal_id = d.appeal_id AND o.department_id = d.department_id"
	     " AND o.at >= d.dispatched_at"
	     " LEFT JOIN users u ON u.id = o.by_id"
	     " WHERE d.appeal_id = $1 AND d.active = 1 AND d.role = 'assist' ORDER BY d.id, o.id");
	db_bind_int(st, 1, appeal_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_assist x;
		memset(&x, 0, sizeof x);
		x.department_id = db_col_int(st, 0);
		x.opinion_id = db_col_int(st, 1);
		COPY(x.opinion, db_col_text(st, 2));
		COPY(x.by, db_col_text(st, 3));
		x.at = db_col_int(st, 4);
		visit(&x, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- attachments ----------------------------------------------------------- */

hm_err hotline_db_attachment_find(hm_db *db, int64_t appeal_id, const char *hash, int64_t *id, hm_error *e)
{
	STMT("SELECT id FROM hotline_attachments WHERE appeal_id = $1 AND hash = $2");
	db_bind_int(st, 1, appeal_id);
	db_bind_text(st, 2, hash);
	int rc = db_step(st);
	*id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	return rc == DB_ROW || rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_attachment_insert(hm_db *db, hotline_attachment *a, int64_t by, int64_t now, hm_error *e)
{
	/* the blob row is shared with every other owner of the same bytes */
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO attachment_blobs (hash, size, content_type, created_at) VALUES ($1, $2, $3, $4)"
			      " ON CONFLICT (hash) DO NOTHING",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, a->hash);
	db_bind_int(st, 2, a->size);
	db_bind_text(st, 3, a->content_type);
	db_bind_int(st, 4, now);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	if (!(st = db_stmt(db,
			   "INSERT INTO hotline_attachments (appeal_id, hash, filename, uploaded_by, uploaded_at)"
			   " VALUES ($1, $2, $3, $4, $5)",
			   e)))
		return e->err;
	db_bind_int(st, 1, a->appeal_id);
	db_bind_text(st, 2, a->hash);
	db_bind_text(st, 3, a->filename);
	db_bind_int_or_null(st, 4, by);
	db_bind_int(st, 5, now);
	if ((err = db_exec_stmt(st, e)))
		return err;
	a->id = db_last_id(db);
	return HM_OK;
}

#define ATT_COLS                                                                                              \
	"h.id, h.appeal_id, h.hash, h.filename, b.content_type, b.size, coalesce(u.display_name, ''), h.uploaded_at" \
	" FROM hotline_attachments h JOIN attachment_blobs b ON b.hash = h.hash LEFT JOIN users u ON u.id = h.uploaded_by"

static void att_row(hm_stmt *st, hotline_attachment *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_col_int(st, 0);
	a->appeal_id = db_col_int(st, 1);
	COPY(a->hash, db_col_text(st, 2));
	COPY(a->filename, db_col_text(st, 3));
	COPY(a->content_type, db_col_text(st, 4));
	a->size = db_col_int(st, 5);
	COPY(a->uploaded_by, db_col_text(st, 6));
	a->uploaded_at = db_col_int(st, 7);
}

hm_err hotline_db_attachment_get(hm_db *db, int64_t appeal_id, int64_t id, hotline_attachment *out, hm_error *e)
{
	STMT("SELECT " ATT_COLS " WHERE h.appeal_id = $1 AND h.id = $2");
	db_bind_int(st, 1, appeal_id);
	db_bind_int(st, 2, id);
	hm_err err = db_row(st, HM_E_APPEAL_ATTACHMENT_NOT_FOUND, "attachment_id", e);
	if (!err)
		att_row(st, out);
	return err;
}

hm_err hotline_db_attachments(hm_db *db, int64_t appeal_id, hotline_attachment_visit visit, void *arg, hm_error *e)
{
	STMT("SELECT " ATT_COLS " WHERE h.appeal_id = $1 ORDER BY h.id");
	db_bind_int(st, 1, appeal_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_attachment a;
		att_row(st, &a);
		visit(&a, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_programme_appeals(hm_db *db, int64_t programme_id, hotline_appeal_visit visit, void *arg,
				    hm_error *e)
{
	STMT("SELECT " APPEAL_COLS " FROM hotline_appeals a WHERE a.programme_id = $1 ORDER BY a.id");
	db_bind_int(st, 1, programme_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_appeal *a = malloc(sizeof *a);
		if (!a)
			return hm_fail(e, HM_E_INTERNAL, NULL);
		appeal_row(st, a);
		visit(a, arg);
		free(a);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_dispatch_returned(hm_db *db, int64_t appeal_id, const char *reason, int64_t now, hm_error *e)
{
	STMT("UPDATE hotline_dispatches SET return_reason = $1, returned_at = $2 WHERE appeal_id = $3 AND active = 1");
	db_bind_text(st, 1, reason);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, appeal_id);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_dispatch_reviewed(hm_db *db, int64_t appeal_id, const char *review, const char *note, hm_error *e)
{
	STMT("UPDATE hotline_dispatches SET review = $1, review_note = $2 WHERE appeal_id = $3 AND active = 1");
	db_bind_text(st, 1, review);
	db_bind_text(st, 2, note);
	db_bind_int(st, 3, appeal_id);
	return db_exec_stmt(st, e);
}

/* ---- extensions ---------------------------------------------------------- */

hm_err hotline_db_extension_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, int workdays, const char *reason,
				   int64_t by, int64_t now, hm_error *e)
{
	STMT("INSERT INTO hotline_extensions (appeal_id, department_id, workdays, reason, requested_by, requested_at,"
	     " status) VALUES ($1, $2, $3, $4, $5, $6, 'pending')");
	db_bind_int(st, 1, appeal_id);
	db_bind_int(st, 2, dept_id);
	db_bind_int(st, 3, workdays);
	db_bind_text(st, 4, reason);
	db_bind_int_or_null(st, 5, by);
	db_bind_int(st, 6, now);
	return db_exec_stmt(st, e);
}

#define EXT_COLS "id, department_id, workdays, reason, status, decision_note, requested_at, coalesce(decided_at, 0)"

static void ext_row(hm_stmt *st, hotline_extension *x)
{
	memset(x, 0, sizeof *x);
	x->id = db_col_int(st, 0);
	x->department_id = db_col_int(st, 1);
	x->workdays = (int)db_col_int(st, 2);
	COPY(x->reason, db_col_text(st, 3));
	COPY(x->status, db_col_text(st, 4));
	COPY(x->decision_note, db_col_text(st, 5));
	x->requested_at = db_col_int(st, 6);
	x->decided_at = db_col_int(st, 7);
}

hm_err hotline_db_extension_pending(hm_db *db, int64_t appeal_id, hotline_extension *out, hm_error *e)
{
	STMT("SELECT " EXT_COLS " FROM hotline_extensions WHERE appeal_id = $1 AND status = 'pending'"
	     " ORDER BY id DESC LIMIT 1");
	db_bind_int(st, 1, appeal_id);
	hm_err err = db_row(st, HM_E_APPEAL_STATE, "extension", e);
	if (!err)
		ext_row(st, out);
	return err;
}

hm_err hotline_db_extension_decide(hm_db *db, int64_t ext_id, const char *status, const char *note, int64_t by,
				   int64_t now, hm_error *e)
{
	STMT("UPDATE hotline_extensions SET status = $1, decision_note = $2, decided_by = $3, decided_at = $4"
	     " WHERE id = $5");
	db_bind_text(st, 1, status);
	db_bind_text(st, 2, note);
	db_bind_int_or_null(st, 3, by);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, ext_id);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_extensions(hm_db *db, int64_t appeal_id, hotline_extension_visit visit, void *arg, hm_error *e)
{
	STMT("SELECT " EXT_COLS " FROM hotline_extensions WHERE appeal_id = $1 ORDER BY id");
	db_bind_int(st, 1, appeal_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_extension x;
		ext_row(st, &x);
		visit(&x, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- supervision notices ------------------------------------------------- */

hm_err hotline_db_supervision_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, const char *reason,
				     const char *note, int64_t by, int64_t now, int64_t *id, hm_error *e)
{
	STMT("INSERT INTO hotline_supervisions (appeal_id, department_id, reason, note, issued_by, issued_at)"
	     " VALUES ($1, $2, $3, $4, $5, $6)");
	db_bind_int(st, 1, appeal_id);
	db_bind_int(st, 2, dept_id);
	db_bind_text(st, 3, reason);
	db_bind_text(st, 4, note);
	db_bind_int_or_null(st, 5, by);
	db_bind_int(st, 6, now);
	hm_err err = db_exec_stmt(st, e);
	if (!err && id)
		*id = db_last_id(db);
	return err;
}

hm_err hotline_db_supervision_open(hm_db *db, int64_t appeal_id, int64_t *id, hm_error *e)
{
	STMT("SELECT id FROM hotline_supervisions WHERE appeal_id = $1 AND responded_at IS NULL ORDER BY id DESC LIMIT 1");
	db_bind_int(st, 1, appeal_id);
	hm_err err = db_row(st, HM_E_APPEAL_NO_SUPERVISION, NULL, e);
	if (!err)
		*id = db_col_int(st, 0);
	return err;
}

hm_err hotline_db_supervision_respond(hm_db *db, int64_t id, const char *response, int64_t by, int64_t now,
				      hm_error *e)
{
	STMT("UPDATE hotline_supervisions SET response = $1, responded_by = $2, responded_at = $3 WHERE id = $4");
	db_bind_text(st, 1, response);
	db_bind_int_or_null(st, 2, by);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, id);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_supervisions(hm_db *db, int64_t appeal_id, hotline_supervision_visit visit, void *arg, hm_error *e)
{
	STMT("SELECT id, department_id, reason, note, response, issued_at, coalesce(responded_at, 0)"
	     " FROM hotline_supervisions WHERE appeal_id = $1 ORDER BY id");
	db_bind_int(st, 1, appeal_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_supervision s;
		memset(&s, 0, sizeof s);
		s.id = db_col_int(st, 0);
		s.department_id = db_col_int(st, 1);
		COPY(s.reason, db_col_text(st, 2));
		COPY(s.note, db_col_text(st, 3));
		COPY(s.response, db_col_text(st, 4));
		s.issued_at = db_col_int(st, 5);
		s.responded_at = db_col_int(st, 6);
		visit(&s, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- callbacks ------------------------------------------------------------ */

hm_err hotline_db_callback_insert(hm_db *db, int64_t appeal_id, int64_t missed_id, int64_t by, int64_t now,
				  const char *result, const char *satisfaction, const char *note, hm_error *e)
{
	STMT("INSERT INTO hotline_callbacks (appeal_id, missed_call_id, at, by_id, result, satisfaction, note)"
	     " VALUES ($1, $2, $3, $4, $5, $6, $7)");
	db_bind_int_or_null(st, 1, appeal_id);
	db_bind_int_or_null(st, 2, missed_id);
	db_bind_int(st, 3, now);
	db_bind_int_or_null(st, 4, by);
	db_bind_text(st, 5, result);
	db_bind_text(st, 6, satisfaction);
	db_bind_text(st, 7, note);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_callbacks(hm_db *db, int64_t id, bool missed_call, hotline_callback_visit visit, void *arg,
			    hm_error *e)
{
	STMT("SELECT c.id, c.at, coalesce(u.display_name, ''), c.result, c.satisfaction, c.note FROM hotline_callbacks c"
	     " LEFT JOIN users u ON u.id = c.by_id"
	     " WHERE (CASE WHEN $1 = 1 THEN c.missed_call_id ELSE c.appeal_id END) = $2 ORDER BY c.id");
	db_bind_int(st, 1, missed_call);
	db_bind_int(st, 2, id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_callback_rec cb;
		memset(&cb, 0, sizeof cb);
		cb.id = db_col_int(st, 0);
		cb.at = db_col_int(st, 1);
		COPY(cb.by, db_col_text(st, 2));
		COPY(cb.result, db_col_text(st, 3));
		COPY(cb.satisfaction, db_col_text(st, 4));
		COPY(cb.note, db_col_text(st, 5));
		visit(&cb, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- programmes ----------------------------------------------------------- */

hm_err hotline_db_programme_insert(hm_db *db, int64_t by, int64_t now, hotline_programme *p, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO hotline_programmes (title, starts_at, ends_at, guests, note, created_by,"
			      " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
			      e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, p->title);
	db_bind_int(st, 2, p->starts_at);
	db_bind_int(st, 3, p->ends_at);
	db_bind_text(st, 4, p->guests);
	db_bind_text(st, 5, p->note);
	db_bind_int_or_null(st, 6, by);
	db_bind_int(st, 7, now);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	p->id = db_last_id(db);
	p->created_at = now;
	for (int i = 0; i < p->nscope && !err; i++) {
		st = db_stmt(db, "INSERT INTO hotline_programme_scope (programme_id, category) VALUES ($1, $2)", e);
		if (!st)
			return e->err;
		db_bind_int(st, 1, p->id);
		db_bind_text(st, 2, p->scope[i]);
		err = db_exec_stmt(st, e);
	}
	return err;
}

static hm_err programme_scope_load(hm_db *db, hotline_programme *p, hm_error *e)
{
	STMT("SELECT category FROM hotline_programme_scope WHERE programme_id = $1 ORDER BY category");
	db_bind_int(st, 1, p->id);
	int rc;
	p->nscope = 0;
	while ((rc = db_step(st)) == DB_ROW)
		if (p->nscope < 16)
			COPY(p->scope[p->nscope++], db_col_text(st, 0));
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

#define PROG_COLS "id, title, starts_at, ends_at, guests, note, created_at"

static void programme_row(hm_stmt *st, hotline_programme *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(st, 0);
	COPY(p->title, db_col_text(st, 1));
	p->starts_at = db_col_int(st, 2);
	p->ends_at = db_col_int(st, 3);
	COPY(p->guests, db_col_text(st, 4));
	COPY(p->note, db_col_text(st, 5));
	p->created_at = db_col_int(st, 6);
}

hm_err hotline_db_programme_get(hm_db *db, int64_t id, hotline_programme *out, hm_error *e)
{
	STMT("SELECT " PROG_COLS " FROM hotline_programmes WHERE id = $1");
	db_bind_int(st, 1, id);
	hm_err err = db_row(st, HM_E_PROGRAMME_NOT_FOUND, "programme_id", e);
	if (err)
		return err;
	programme_row(st, out);
	return programme_scope_load(db, out, e);
}

hm_err hotline_db_programme_list(hm_db *db, int page, int size, hotline_programme_visit visit, void *arg,
				 int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM hotline_programmes", e);
	if (!st)
		return e->err;
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db, "SELECT " PROG_COLS " FROM hotline_programmes ORDER BY starts_at DESC, id DESC LIMIT $1 OFFSET $2",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, size);
	db_bind_int(st, 2, (int64_t)(page - 1) * size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_programme p;
		programme_row(st, &p);
		hm_err err = programme_scope_load(db, &p, e);
		if (err)
			return err;
		visit(&p, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

/* ---- department members --------------------------------------------------- */

hm_err hotline_db_member_add(hm_db *db, int64_t user_id, int64_t dept_id, int64_t by, int64_t now, hm_error *e)
{
	STMT("INSERT INTO hotline_department_members (user_id, department_id, added_by, added_at) VALUES ($1, $2, $3, $4)");
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, dept_id);
	db_bind_int_or_null(st, 3, by);
	db_bind_int(st, 4, now);
	int rc = db_step(st);
	if (rc == DB_CONSTRAINT)
		return hm_fail(e, HM_E_DEPARTMENT_MEMBER_EXISTS, "username");
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_member_remove(hm_db *db, int64_t user_id, int64_t dept_id, hm_error *e)
{
	STMT("DELETE FROM hotline_department_members WHERE user_id = $1 AND department_id = $2");
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, dept_id);
	hm_err err = db_exec_stmt(st, e);
	if (!err && db_changes(db) == 0)
		return hm_failf(e, HM_E_USER_NOT_FOUND, "username", "该用户不是此承办单位的成员");
	return err;
}

hm_err hotline_db_members(hm_db *db, int64_t dept_id, hotline_member_visit visit, void *arg, hm_error *e)
{
	STMT("SELECT u.id, u.username, u.display_name FROM hotline_department_members m JOIN users u ON u.id = m.user_id"
	     " WHERE m.department_id = $1 ORDER BY u.username");
	db_bind_int(st, 1, dept_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		visit(db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), arg);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_user_departments(hm_db *db, int64_t user_id, int64_t *ids, int max, int *n, hm_error *e)
{
	STMT("SELECT department_id FROM hotline_department_members WHERE user_id = $1 ORDER BY department_id");
	db_bind_int(st, 1, user_id);
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW)
		if (*n < max)
			ids[(*n)++] = db_col_int(st, 0);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

hm_err hotline_db_user_role(hm_db *db, const char *username, int64_t *id, char *role, size_t n, hm_error *e)
{
	STMT("SELECT id, role FROM users WHERE username = $1");
	db_bind_text(st, 1, username);
	hm_err err = db_row(st, HM_E_USER_NOT_FOUND, "username", e);
	if (err)
		return err;
	*id = db_col_int(st, 0);
	snprintf(role, n, "%s", db_col_text(st, 1));
	return HM_OK;
}

/* ---- missed calls ---------------------------------------------------------- */

hm_err hotline_db_missed_insert(hm_db *db, int64_t by, int64_t now, hotline_missed_call *m, hm_error *e)
{
	STMT("INSERT INTO hotline_missed_calls (line, caller_phone, missed_at, status, created_by, created_at,"
	     " caller_phone_hash) VALUES ($1, $2, $3, 'open', $4, $5, $6)");
	db_bind_text(st, 1, m->line);
	hm_err perr = phone_bind(st, 2, 6, m->caller_phone, e);
	if (perr)
		return perr;
	db_bind_int(st, 3, m->missed_at);
	db_bind_int_or_null(st, 4, by);
	db_bind_int(st, 5, now);
	hm_err err = db_exec_stmt(st, e);
	if (!err)
		m->id = db_last_id(db);
	return err;
}

#define MISSED_COLS                                                                                         \
	"m.id, m.line, m.caller_phone, m.missed_at, m.status, coalesce(m.appeal_id, 0), m.created_at,"     \
	" (SELECT count(*) FROM hotline_callbacks c WHERE c.missed_call_id = m.id)"

static void missed_row(hm_stmt *st, hotline_missed_call *m)
{
	memset(m, 0, sizeof *m);
	m->id = db_col_int(st, 0);
	COPY(m->line, db_col_text(st, 1));
	phone_read(st, 2, m->caller_phone, sizeof m->caller_phone);
	m->missed_at = db_col_int(st, 3);
	COPY(m->status, db_col_text(st, 4));
	m->appeal_id = db_col_int(st, 5);
	m->created_at = db_col_int(st, 6);
	m->attempts = (int)db_col_int(st, 7);
}

hm_err hotline_db_missed_get(hm_db *db, int64_t id, hotline_missed_call *out, hm_error *e)
{
	STMT("SELECT " MISSED_COLS " FROM hotline_missed_calls m WHERE m.id = $1");
	db_bind_int(st, 1, id);
	hm_err err = db_row(st, HM_E_MISSED_CALL_NOT_FOUND, "id", e);
	if (!err)
		missed_row(st, out);
	return err;
}

hm_err hotline_db_missed_save(hm_db *db, const hotline_missed_call *m, hm_error *e)
{
	STMT("UPDATE hotline_missed_calls SET status = $1, appeal_id = $2 WHERE id = $3");
	db_bind_text(st, 1, m->status);
	db_bind_int_or_null(st, 2, m->appeal_id);
	db_bind_int(st, 3, m->id);
	return db_exec_stmt(st, e);
}

hm_err hotline_db_missed_list(hm_db *db, const char *status, int page, int size, hotline_missed_visit visit, void *arg,
			      int64_t *total, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM hotline_missed_calls m WHERE ($1 = '' OR m.status = $1)", e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, status);
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	*total = db_col_int(st, 0);
	st = db_stmt(db,
		     "SELECT " MISSED_COLS " FROM hotline_missed_calls m WHERE ($1 = '' OR m.status = $1)"
		     " ORDER BY m.missed_at DESC, m.id DESC LIMIT $2 OFFSET $3",
		     e);
	if (!st)
		return e->err;
	db_bind_text(st, 1, status);
	db_bind_int(st, 2, size);
	db_bind_int(st, 3, (int64_t)(page - 1) * size);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hotline_missed_call m;
		missed_row(st, &m);
		visit(&m, arg);
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
