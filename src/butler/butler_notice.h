/* The 一次性告知书 (《行政许可法》第三十二条) as a printable PDF: for every
 * procedure the notice lists, all required materials, the flow, the time
 * limit and the department, then the butler's name and phone and the date. */
#ifndef HM_BUTLER_BUTLER_NOTICE_H
#define HM_BUTLER_BUTLER_NOTICE_H

#include "butler/butler.h"

/* Render notice n of project p (items read from db). *pdf is new (caller
 * frees), *len its length. HM_E_INTERNAL when cairo fails. */
hm_err butler_notice_render(hm_db *db, const butler_notice *n, const butler_project *p, char **pdf, size_t *len,
			    hm_error *e);

#endif
