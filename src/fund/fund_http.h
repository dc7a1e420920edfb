/* HTTP handlers of the children's care fund (routes in src/http/routes.c). */
#ifndef HM_FUND_FUND_HTTP_H
#define HM_FUND_FUND_HTTP_H

#include "http/http.h"

hm_err fund_children_list_handler(hm_req *r);
hm_err fund_child_create_handler(hm_req *r);
hm_err fund_child_get_handler(hm_req *r);
hm_err fund_child_update_handler(hm_req *r);
hm_err fund_child_id_number_handler(hm_req *r);
hm_err fund_apps_list_handler(hm_req *r);
hm_err fund_app_create_handler(hm_req *r);
hm_err fund_app_get_handler(hm_req *r);
hm_err fund_app_accept_handler(hm_req *r);
hm_err fund_app_return_handler(hm_req *r);
hm_err fund_app_resubmit_handler(hm_req *r);
hm_err fund_app_review_handler(hm_req *r);
hm_err fund_app_approve_handler(hm_req *r);
hm_err fund_app_reject_handler(hm_req *r);
hm_err fund_app_pay_handler(hm_req *r);
hm_err fund_balance_handler(hm_req *r);
hm_err fund_stats_handler(hm_req *r);
/* Part of the dictionaries reply: the fund's catalogue. New reference. */
json_t *fund_dicts_json(void);
/* Audit history access check for fund entities. */
hm_err fund_audit_visible(hm_req *r, const char *entity, int64_t id);

#endif
