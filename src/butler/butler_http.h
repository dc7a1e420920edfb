/* HTTP handlers of the project butler (routes in src/http/routes.c). */
#ifndef HM_BUTLER_BUTLER_HTTP_H
#define HM_BUTLER_BUTLER_HTTP_H

#include "http/http.h"

hm_err butler_catalogue_handler(hm_req *r);
hm_err butler_teams_list_handler(hm_req *r);
hm_err butler_team_create_handler(hm_req *r);
hm_err butler_member_add_handler(hm_req *r);
hm_err butler_member_remove_handler(hm_req *r);
hm_err butler_projects_list_handler(hm_req *r);
hm_err butler_project_create_handler(hm_req *r);
hm_err butler_project_get_handler(hm_req *r);
hm_err butler_project_update_handler(hm_req *r);
hm_err butler_project_assign_handler(hm_req *r);
hm_err butler_building_add_handler(hm_req *r);
hm_err butler_procs_list_handler(hm_req *r);
hm_err butler_proc_status_handler(hm_req *r);
hm_err butler_notice_create_handler(hm_req *r);
hm_err butler_notices_list_handler(hm_req *r);
hm_err butler_notice_pdf_handler(hm_req *r);
hm_err butler_notice_deliver_handler(hm_req *r);
hm_err butler_visit_create_handler(hm_req *r);
hm_err butler_visits_list_handler(hm_req *r);
hm_err butler_question_create_handler(hm_req *r);
hm_err butler_question_answer_handler(hm_req *r);
hm_err butler_questions_list_handler(hm_req *r);
hm_err butler_stats_handler(hm_req *r);
hm_err butler_ledger_list_handler(hm_req *r);
hm_err butler_catalog_create_handler(hm_req *r);
hm_err butler_catalog_update_handler(hm_req *r);
hm_err butler_catalog_retire_handler(hm_req *r);
hm_err butler_catalog_restore_handler(hm_req *r);
hm_err butler_catalog_history_handler(hm_req *r);
hm_err butler_photo_upload_handler(hm_req *r);
hm_err butler_photos_list_handler(hm_req *r);
hm_err butler_photo_file_handler(hm_req *r);
hm_err butler_ledger_create_handler(hm_req *r);
hm_err butler_ledger_update_handler(hm_req *r);
/* The butler's dictionaries (stages, levels, statuses, delivery methods,
 * the procedure catalogue and the rules), for GET /api/v1/dicts. New
 * reference. */
json_t *butler_dicts_json(void);
/* Audit history access check for butler_project and butler_team. */
hm_err butler_audit_visible(hm_req *r, const char *entity, int64_t id);

#endif
