/* The butler's SQL, behind plain functions. Only butler.c calls these.
 * Every read of a project or of anything hanging off one takes the caller's
 * scope: district ("" = all) and butler user id (0 = not limited to a team;
 * else only projects currently assigned to a team the user is in). */
#ifndef HM_BUTLER_BUTLER_DB_H
#define HM_BUTLER_BUTLER_DB_H

#include "butler/butler.h"

/* teams */
hm_err butler_db_team_list(hm_db *db, const char *district, butler_team_visit visit, void *arg, hm_error *e);
hm_err butler_db_team_get(hm_db *db, const char *district, int64_t id, butler_team *out, hm_error *e);
hm_err butler_db_team_insert(hm_db *db, int64_t now, butler_team *t, hm_error *e);
/* The user by name: id, role code and org code. HM_E_USER_NOT_FOUND. */
hm_err butler_db_user_find(hm_db *db, const char *username, int64_t *id, char role[32], char org[16], hm_error *e);
/* The team the user is currently in (0 = none) and their phone there. */
hm_err butler_db_member_of(hm_db *db, int64_t user_id, int64_t *team_id, char phone[24], hm_error *e);
hm_err butler_db_member_insert(hm_db *db, int64_t team_id, int64_t user_id, const char *phone, bool leader,
			       int64_t now, hm_error *e);
/* End a membership; HM_E_BUTLER_MEMBER_NOT_FOUND when there is none. */
hm_err butler_db_member_end(hm_db *db, int64_t team_id, int64_t user_id, int64_t now, hm_error *e);

/* projects */
hm_err butler_db_project_insert(hm_db *db, int64_t user_id, int64_t now, butler_project *p, hm_error *e);
hm_err butler_db_project_update(hm_db *db, int64_t now, const butler_project *p, hm_error *e);
hm_err butler_db_project_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_project *out,
			     hm_error *e);
hm_err butler_db_project_list(hm_db *db, const char *district, int64_t butler, const butler_project_filter *f,
			      butler_project_visit visit, void *arg, int64_t *total, hm_error *e);
/* Assign (ending the current assignment first). */
hm_err butler_db_assign(hm_db *db, int64_t project_id, int64_t team_id, const char *note, int64_t user_id,
			int64_t now, hm_error *e);
hm_err butler_db_assignments(hm_db *db, int64_t project_id, butler_assignment_visit visit, void *arg, hm_error *e);

/* procedures */
hm_err butler_db_proc_insert(hm_db *db, int64_t project_id, const char *code, const char *item, const char *status,
			     const char *reason, bool by_rule, int64_t now, hm_error *e);
/* The checklist of a project (no scope: the caller has loaded the project). */
hm_err butler_db_procs(hm_db *db, int64_t project_id, butler_proc_visit visit, void *arg, hm_error *e);
hm_err butler_db_proc_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_proc *out, hm_error *e);
hm_err butler_db_proc_save(hm_db *db, int64_t now, const butler_proc *p, hm_error *e);
hm_err butler_db_proc_list(hm_db *db, const char *district, int64_t butler, const butler_proc_filter *f,
			   butler_proc_visit visit, void *arg, int64_t *total, hm_error *e);
/* Has the project a row of this code for this item? */
hm_err butler_db_proc_exists(hm_db *db, int64_t project_id, const char *code, const char *item, bool *exists,
			     hm_error *e);

/* Give a whole-project row (item '') to a building. */
hm_err butler_db_proc_set_item(hm_db *db, int64_t id, const char *item, int64_t now, hm_error *e);

/* notices */
hm_err butler_db_notice_insert(hm_db *db, int64_t project_id, int64_t team_id, const char *name, const char *phone,
			       int64_t user_id, int64_t now, int64_t *id, int *nitems, hm_error *e);
hm_err butler_db_notice_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_notice *out,
			    hm_error *e);
/* The procedures the notice lists, in checklist order. */
hm_err butler_db_notice_items(hm_db *db, int64_t notice_id, butler_proc_visit visit, void *arg, hm_error *e);
hm_err butler_db_notice_printed(hm_db *db, int64_t id, int64_t *prints, hm_error *e);
hm_err butler_db_notice_deliver(hm_db *db, int64_t id, const char *recipient, const char *method, int64_t at,
				const char *note, hm_error *e);
hm_err butler_db_notice_list(hm_db *db, const char *district, int64_t butler, const butler_notice_filter *f,
			     butler_notice_visit visit, void *arg, int64_t *total, hm_error *e);

/* visits */
hm_err butler_db_visit_insert(hm_db *db, int64_t user_id, int64_t now, butler_visit_rec *v, hm_error *e);
hm_err butler_db_visit_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_visit_rec *out,
			   hm_error *e);
hm_err butler_db_visit_list(hm_db *db, const char *district, int64_t butler, const butler_visit_filter *f,
			    butler_visit_visit visit, void *arg, int64_t *total, hm_error *e);

/* questions */
hm_err butler_db_question_insert(hm_db *db, int64_t user_id, int64_t now, butler_question *q, hm_error *e);
hm_err butler_db_question_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_question *out,
			      hm_error *e);
hm_err butler_db_question_answer(hm_db *db, int64_t id, const char *answer, int64_t now, hm_error *e);
hm_err butler_db_question_list(hm_db *db, const char *district, int64_t butler, int64_t now,
			       const butler_question_filter *f, butler_question_visit visit, void *arg, int64_t *total,
			       hm_error *e);

/* procedure catalogue */
/* The newest history id (changes whenever the catalogue does). */
hm_err butler_db_catalog_stamp(hm_db *db, int64_t *stamp, hm_error *e);
/* Every procedure, by stage then position; *n gets the count. */
hm_err butler_db_catalog_load(hm_db *db, butler_proc_def *out, size_t max, size_t *n, hm_error *e);
hm_err butler_db_catalog_get(hm_db *db, int64_t id, butler_proc_def *out, hm_error *e);
/* A new procedure at the end of the catalogue (version 1). HM_E_BUTLER_CATALOG_DUP. */
hm_err butler_db_catalog_insert(hm_db *db, butler_proc_def *d, int64_t user_id, int64_t now, hm_error *e);
/* Save d's fields (not its code) as version d->version. */
hm_err butler_db_catalog_save(hm_db *db, const butler_proc_def *d, int64_t user_id, int64_t now, hm_error *e);
/* Record the row as it is now as a version, with its action. */
hm_err butler_db_catalog_history_add(hm_db *db, int64_t id, const char *action, int64_t user_id, int64_t now,
				     hm_error *e);
hm_err butler_db_catalog_history(hm_db *db, int64_t id, butler_catalog_version_visit visit, void *arg, hm_error *e);

/* visit photos */
/* Register bytes in the shared content-addressed store (no-op when known). */
hm_err butler_db_blob_insert(hm_db *db, const char *hash, int64_t size, const char *type, int64_t now, hm_error *e);
/* The photo of these bytes filed for the visit, or 0. */
hm_err butler_db_photo_find(hm_db *db, int64_t visit_id, const char *hash, int64_t *id, hm_error *e);
hm_err butler_db_photo_insert(hm_db *db, butler_photo *ph, int64_t user_id, int64_t now, hm_error *e);
hm_err butler_db_photo_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_photo *out,
			   hm_error *e);
hm_err butler_db_photo_list(hm_db *db, int64_t visit_id, butler_photo_visit visit, void *arg, hm_error *e);

/* progress ledger */
hm_err butler_db_ledger_insert(hm_db *db, int64_t user_id, int64_t now, butler_ledger_row *l, hm_error *e);
hm_err butler_db_ledger_get(hm_db *db, const char *district, int64_t butler, int64_t id, butler_ledger_row *out,
			    hm_error *e);
/* Save approval and department, and each of the three texts whose flag is
 * set (with user and now as its who/when). HM_E_BUTLER_LEDGER_DUP. */
hm_err butler_db_ledger_save(hm_db *db, int64_t user_id, int64_t now, const butler_ledger_row *l, bool progress,
			     bool problems, bool measures, hm_error *e);
hm_err butler_db_ledger_list(hm_db *db, const char *district, int64_t butler, const butler_ledger_filter *f,
			     butler_ledger_visit visit, void *arg, int64_t *total, hm_error *e);

/* stats: counts; spans are computed by the caller from butler_db_all_procs */
hm_err butler_db_stats(hm_db *db, const char *district, int64_t butler, int64_t since, int64_t now, butler_stats *out,
		       hm_error *e);
typedef void (*butler_db_proc_row)(int64_t project_id, const char *status, const char *started_on,
				   const char *finished_on, void *arg);
/* Every checklist row of the projects in scope, ordered by project. */
hm_err butler_db_all_procs(hm_db *db, const char *district, int64_t butler, butler_db_proc_row visit, void *arg,
			   hm_error *e);

#endif
