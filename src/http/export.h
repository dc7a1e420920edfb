/* Excel export of list replies (libxlsxwriter): the same rows the list
 * shows, with Chinese headers, money as numbers with two decimals. */
#ifndef HM_HTTP_EXPORT_H
#define HM_HTTP_EXPORT_H

#include "http/http.h"

#define EXPORT_MAX_ROWS 50000

typedef enum { COL_TEXT, COL_INT, COL_MONEY, COL_BOOL, COL_TAGS } export_col_type;

typedef struct export_col {
	const char *key;       /* member of each item; "a.b" for a nested one */
	const char *title;     /* Chinese column header */
	export_col_type type;  /* COL_TAGS: array of {name} objects joined with "、" */
	int width;             /* characters */
} export_col;

/* Does the request ask for Excel (?format=xlsx)? HM_E_BAD_QUERY for an
 * unknown format. */
hm_err export_wanted(hm_req *r, bool *xlsx);
/* Reply with items (a JSON array; borrowed) as an .xlsx attachment. */
hm_err export_reply_xlsx(hm_req *r, const char *filename, const char *sheet, const export_col *cols, size_t ncols,
			 const json_t *items);

/* The standard list reply {items, total, page, page_size}; steals items. */
json_t *http_page_json(json_t *items, int64_t total, int page, int size);
/* The same reply written as text: http_page_open, the items (one value
 * each), then http_page_reply, which takes o's text. */
void http_page_open(json_out *o);
hm_err http_page_reply(hm_req *r, json_out *o, int64_t total, int page, int size);
/* Page arguments of a list, or every row (up to the export cap) when the
 * request asks for Excel. */
hm_err http_list_paging(hm_req *r, bool *xlsx, int *page, int *size);
/* The end of every list: a page of JSON, or every row as Excel (refused
 * past EXPORT_MAX_ROWS). Steals items. */
hm_err http_list_reply(hm_req *r, json_t *items, int64_t total, int page, int size, bool xlsx, const char *file,
		       const char *sheet, const export_col *cols, size_t ncols);

#endif
