/* HTTP handlers of the citizen hotline (routes in src/http/routes.c). */
#ifndef HM_HOTLINE_HOTLINE_HTTP_H
#define HM_HOTLINE_HOTLINE_HTTP_H

#include "http/http.h"

hm_err hotline_appeals_list_handler(hm_req *r);
hm_err hotline_appeal_create_handler(hm_req *r);
hm_err hotline_appeal_get_handler(hm_req *r);
hm_err hotline_appeal_phone_handler(hm_req *r);
hm_err hotline_appeal_dispatch_handler(hm_req *r);
hm_err hotline_appeal_sign_handler(hm_req *r);
hm_err hotline_appeal_reply_handler(hm_req *r);
hm_err hotline_appeal_return_handler(hm_req *r);
hm_err hotline_appeal_return_review_handler(hm_req *r);
hm_err hotline_appeal_extension_handler(hm_req *r);
hm_err hotline_appeal_extension_review_handler(hm_req *r);
hm_err hotline_appeal_callback_handler(hm_req *r);
hm_err hotline_appeal_supervise_handler(hm_req *r);
hm_err hotline_appeal_supervision_response_handler(hm_req *r);
hm_err hotline_appeal_duplicates_handler(hm_req *r);
hm_err hotline_appeal_merge_handler(hm_req *r);
hm_err hotline_programmes_list_handler(hm_req *r);
hm_err hotline_programme_create_handler(hm_req *r);
hm_err hotline_programme_get_handler(hm_req *r);
hm_err hotline_programme_board_handler(hm_req *r);
hm_err hotline_departments_list_handler(hm_req *r);
hm_err hotline_department_members_handler(hm_req *r);
hm_err hotline_department_member_add_handler(hm_req *r);
hm_err hotline_missed_list_handler(hm_req *r);
hm_err hotline_missed_create_handler(hm_req *r);
hm_err hotline_missed_attempt_handler(hm_req *r);
hm_err hotline_appeal_reply_review_handler(hm_req *r);
hm_err hotline_appeal_assist_opinion_handler(hm_req *r);
hm_err hotline_dispatch_suggestion_handler(hm_req *r);
hm_err hotline_callbacks_due_handler(hm_req *r);
hm_err hotline_attachment_upload_handler(hm_req *r);
hm_err hotline_attachments_list_handler(hm_req *r);
hm_err hotline_attachment_download_handler(hm_req *r);
hm_err hotline_programme_outcome_handler(hm_req *r);
/* Part of the dictionaries reply: the hotline's catalogue (with its
 * version), departments, lines, channels, kinds, statuses. New reference. */
json_t *hotline_dicts_json(void);
/* Audit history access check for hotline entities ("appeal": in the
 * caller's scope; "hotline_programme", "missed_call": hotline staff). */
hm_err hotline_audit_visible(hm_req *r, const char *entity, int64_t id);

#endif
