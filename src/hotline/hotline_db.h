/* The hotline's SQL, behind plain functions. Only hotline.c calls these.
 * Every read of appeals takes the caller's scope (0 = all, else a department
 * clerk's user id, matched through the active dispatch and the clerk's
 * department membership), so a department cannot reach another's appeals
 * whatever the caller does. */
#ifndef HM_HOTLINE_HOTLINE_DB_H
#define HM_HOTLINE_HOTLINE_DB_H

#include "hotline/hotline.h"

hm_err hotline_db_appeal_insert(hm_db *db, int64_t user_id, int64_t now, hotline_appeal *a, hm_error *e);
hm_err hotline_db_appeal_get(hm_db *db, int64_t scope, int64_t id, hotline_appeal *out, hm_error *e);
/* Write every mutable field of a. */
hm_err hotline_db_appeal_save(hm_db *db, int64_t now, const hotline_appeal *a, hm_error *e);
/* The caller phone of an appeal in scope, into out (24). The one place that reads it for disclosure. */
hm_err hotline_db_appeal_phone(hm_db *db, int64_t scope, int64_t id, char *out, size_t n, hm_error *e);
hm_err hotline_db_event(hm_db *db, int64_t appeal_id, int64_t now, int64_t actor_id, const char *action,
			const char *from, const char *to, int64_t dept_id, const char *note, hm_error *e);
hm_err hotline_db_events(hm_db *db, int64_t id, hotline_event_visit visit, void *arg, hm_error *e);
hm_err hotline_db_list(hm_db *db, int64_t scope, int64_t now, int64_t yellow_bound, const hotline_filter *f,
		       hotline_appeal_visit visit, void *arg, int64_t *total, hm_error *e);
/* Repeat candidates of x in scope, created within window seconds of it, not
 * x, not merged into anything, not merged or closed: by_phone reads those
 * with x's caller phone (index on the phone's keyed hash), else the at most
 * max nearest in time before x and max after it of x's district (index
 * (district, created_at)) or, when x has no district, of its category
 * (index (category, created_at)), each side read in index order.
 * Only the columns the comparison needs are read (no sealed phone). */
typedef void (*hotline_db_candidate_visit)(int64_t id, const char *place, const char *content, const char *category,
					   bool same_phone, void *arg);
hm_err hotline_db_repeat_candidates(hm_db *db, int64_t scope, const hotline_appeal *x, int64_t window, bool by_phone,
				    int max, hotline_db_candidate_visit visit, void *arg, hm_error *e);
/* Appeals merged into main_id (status "" = any), oldest first. */
hm_err hotline_db_merged(hm_db *db, int64_t main_id, const char *status, hotline_appeal_visit visit, void *arg,
			 hm_error *e);
/* How many appeals are merged into id; with unsatisfied, only those whose
 * caller was left unsatisfied at the end (closed, 不满意). */
hm_err hotline_db_merged_count(hm_db *db, int64_t id, bool unsatisfied, int64_t *n, hm_error *e);
/* Deactivate every active dispatch of an appeal (lead and assists). */
hm_err hotline_db_dispatch_withdraw(hm_db *db, int64_t appeal_id, hm_error *e);

/* Dispatches: a new active one (the previous is deactivated). */
hm_err hotline_db_dispatch_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, int64_t now, int64_t by, hm_error *e);
/* An assisting department's active dispatch (role 'assist'), beside the lead's. */
hm_err hotline_db_dispatch_assist_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, int64_t now, int64_t by,
					 hm_error *e);
/* Is the user a member of the department? */
hm_err hotline_db_is_member(hm_db *db, int64_t user_id, int64_t dept_id, bool *yes, hm_error *e);
/* The user's department among the appeal's active assists, 0 when none. */
hm_err hotline_db_assist_department(hm_db *db, int64_t appeal_id, int64_t user_id, int64_t *dept_id, hm_error *e);
hm_err hotline_db_assist_opinion_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, const char *opinion, int64_t by,
					int64_t now, hm_error *e);
hm_err hotline_db_assists(hm_db *db, int64_t appeal_id, hotline_assist_visit visit, void *arg, hm_error *e);
/* Attachments: the id of the same bytes on the appeal (0 none), insert (blob row too), one, all. */
hm_err hotline_db_attachment_find(hm_db *db, int64_t appeal_id, const char *hash, int64_t *id, hm_error *e);
hm_err hotline_db_attachment_insert(hm_db *db, hotline_attachment *a, int64_t by, int64_t now, hm_error *e);
hm_err hotline_db_attachment_get(hm_db *db, int64_t appeal_id, int64_t id, hotline_attachment *out, hm_error *e);
hm_err hotline_db_attachments(hm_db *db, int64_t appeal_id, hotline_attachment_visit visit, void *arg, hm_error *e);
/* Every appeal taken on a programme, oldest first, unscoped (the report redacts). */
hm_err hotline_db_programme_appeals(hm_db *db, int64_t programme_id, hotline_appeal_visit visit, void *arg,
				    hm_error *e);
hm_err hotline_db_dispatch_returned(hm_db *db, int64_t appeal_id, const char *reason, int64_t now, hm_error *e);
hm_err hotline_db_dispatch_reviewed(hm_db *db, int64_t appeal_id, const char *review, const char *note, hm_error *e);

hm_err hotline_db_extension_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, int workdays, const char *reason,
				   int64_t by, int64_t now, hm_error *e);
/* The pending request: HM_E_APPEAL_STATE (field extension) when none. */
hm_err hotline_db_extension_pending(hm_db *db, int64_t appeal_id, hotline_extension *out, hm_error *e);
hm_err hotline_db_extension_decide(hm_db *db, int64_t ext_id, const char *status, const char *note, int64_t by,
				   int64_t now, hm_error *e);
hm_err hotline_db_extensions(hm_db *db, int64_t appeal_id, hotline_extension_visit visit, void *arg, hm_error *e);

hm_err hotline_db_supervision_insert(hm_db *db, int64_t appeal_id, int64_t dept_id, const char *reason,
				     const char *note, int64_t by, int64_t now, int64_t *id, hm_error *e);
/* The latest unanswered notice; HM_E_APPEAL_NO_SUPERVISION when none. */
hm_err hotline_db_supervision_open(hm_db *db, int64_t appeal_id, int64_t *id, hm_error *e);
hm_err hotline_db_supervision_respond(hm_db *db, int64_t id, const char *response, int64_t by, int64_t now,
				      hm_error *e);
hm_err hotline_db_supervisions(hm_db *db, int64_t appeal_id, hotline_supervision_visit visit, void *arg, hm_error *e);

hm_err hotline_db_callback_insert(hm_db *db, int64_t appeal_id, int64_t missed_id, int64_t by, int64_t now,
				  const char *result, const char *satisfaction, const char *note, hm_error *e);
hm_err hotline_db_callbacks(hm_db *db, int64_t id, bool missed_call, hotline_callback_visit visit, void *arg,
			    hm_error *e);

hm_err hotline_db_programme_insert(hm_db *db, int64_t by, int64_t now, hotline_programme *p, hm_error *e);
hm_err hotline_db_programme_get(hm_db *db, int64_t id, hotline_programme *out, hm_error *e);
hm_err hotline_db_programme_list(hm_db *db, int page, int size, hotline_programme_visit visit, void *arg,
				 int64_t *total, hm_error *e);

hm_err hotline_db_member_add(hm_db *db, int64_t user_id, int64_t dept_id, int64_t by, int64_t now, hm_error *e);
hm_err hotline_db_member_remove(hm_db *db, int64_t user_id, int64_t dept_id, hm_error *e);
hm_err hotline_db_members(hm_db *db, int64_t dept_id, hotline_member_visit visit, void *arg, hm_error *e);
hm_err hotline_db_user_departments(hm_db *db, int64_t user_id, int64_t *ids, int max, int *n, hm_error *e);
/* Role code of a user by name; HM_E_USER_NOT_FOUND. */
hm_err hotline_db_user_role(hm_db *db, const char *username, int64_t *id, char *role, size_t n, hm_error *e);

hm_err hotline_db_missed_insert(hm_db *db, int64_t by, int64_t now, hotline_missed_call *m, hm_error *e);
hm_err hotline_db_missed_get(hm_db *db, int64_t id, hotline_missed_call *out, hm_error *e);
hm_err hotline_db_missed_save(hm_db *db, const hotline_missed_call *m, hm_error *e);
hm_err hotline_db_missed_list(hm_db *db, const char *status, int page, int size, hotline_missed_visit visit, void *arg,
			      int64_t *total, hm_error *e);

/* Reseal callers' phones not sealed with the active key; count those that
 * cannot be opened (for verify). */
hm_err hotline_seal_pending(hm_db *db, int64_t *count, hm_error *e);
hm_err hotline_seal_check(hm_db *db, int64_t *bad, hm_error *e);

#endif
