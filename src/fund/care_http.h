/* HTTP handlers of care services, home visits, the child's timeline and
 * attachments (routes in src/http/routes.c). */
#ifndef HM_FUND_CARE_HTTP_H
#define HM_FUND_CARE_HTTP_H

#include "http/http.h"

hm_err care_providers_list_handler(hm_req *r);
hm_err care_provider_create_handler(hm_req *r);
hm_err care_provider_get_handler(hm_req *r);
hm_err care_provider_update_handler(hm_req *r);
hm_err care_referrals_list_handler(hm_req *r);
hm_err care_referral_create_handler(hm_req *r);
hm_err care_referral_get_handler(hm_req *r);
hm_err care_referral_status_handler(hm_req *r);
hm_err care_session_create_handler(hm_req *r);
hm_err care_sessions_list_handler(hm_req *r);
hm_err care_session_get_handler(hm_req *r);
hm_err care_visits_list_handler(hm_req *r);
hm_err care_visit_create_handler(hm_req *r);
hm_err care_visit_get_handler(hm_req *r);
hm_err care_child_timeline_handler(hm_req *r);

/* attachment_http.c */
hm_err attachment_child_upload_handler(hm_req *r);
hm_err attachment_app_upload_handler(hm_req *r);
hm_err attachments_list_handler(hm_req *r);
hm_err attachment_get_handler(hm_req *r);
hm_err attachment_download_handler(hm_req *r);

/* Part of the dictionaries reply: referral statuses, provider kinds and
 * document types. New reference. */
json_t *care_dicts_json(void);
/* Audit history access check for care entities ("care_provider"). */
hm_err care_audit_visible(hm_req *r, const char *entity, int64_t id);

#endif
