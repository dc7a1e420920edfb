/* HTTP handlers of donations, receipts, acknowledgment and the tax helper
 * (routes in src/http/routes.c, documented in docs/openapi.yaml). */
#ifndef HM_FUND_DONATION_HTTP_H
#define HM_FUND_DONATION_HTTP_H

#include "http/http.h"

hm_err donation_donors_list_handler(hm_req *r);
hm_err donation_donor_create_handler(hm_req *r);
hm_err donation_donor_get_handler(hm_req *r);
hm_err donation_donor_update_handler(hm_req *r);
hm_err donation_donor_tax_handler(hm_req *r);
hm_err donation_list_handler(hm_req *r);
hm_err donation_create_handler(hm_req *r);
hm_err donation_get_handler(hm_req *r);
hm_err donation_reverse_handler(hm_req *r);
hm_err donation_thanks_handler(hm_req *r);
hm_err donation_receipt_issue_handler(hm_req *r);
hm_err donation_receipts_list_handler(hm_req *r);
hm_err donation_receipt_get_handler(hm_req *r);
hm_err donation_receipt_void_handler(hm_req *r);
hm_err donation_receipt_reissue_handler(hm_req *r);
hm_err donation_receipt_pdf_handler(hm_req *r);
hm_err donation_honour_roll_handler(hm_req *r);

#endif
