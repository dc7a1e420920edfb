/* HTTP handler of the hotline's full-text search (route in src/http/routes.c). */
#ifndef HM_HOTLINE_HOTLINE_SEARCH_HTTP_H
#define HM_HOTLINE_HOTLINE_SEARCH_HTTP_H

#include "http/http.h"

/* GET /api/v1/hotline/search?q=&page=&page_size= */
hm_err hotline_search_handler(hm_req *r);

#endif
