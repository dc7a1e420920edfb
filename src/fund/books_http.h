/* HTTP handlers of the books, bank statement import and public disclosure
 * (routes in src/http/routes.c). */
#ifndef HM_FUND_BOOKS_HTTP_H
#define HM_FUND_BOOKS_HTTP_H

#include "http/http.h"

hm_err books_trial_balance_handler(hm_req *r);
hm_err books_balance_sheet_handler(hm_req *r);
hm_err books_income_statement_handler(hm_req *r);
hm_err books_hledger_handler(hm_req *r);
hm_err books_import_create_handler(hm_req *r);
hm_err books_imports_list_handler(hm_req *r);
hm_err books_import_get_handler(hm_req *r);
hm_err books_bank_lines_handler(hm_req *r);
hm_err books_disclosure_handler(hm_req *r);
hm_err books_disclosure_pdf_handler(hm_req *r);

#endif
