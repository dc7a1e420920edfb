/* HTTP handlers of the hotline's figures (routes in src/http/routes.c). */
#ifndef HM_HOTLINE_HOTLINE_STATS_HTTP_H
#define HM_HOTLINE_HOTLINE_STATS_HTTP_H

#include "http/http.h"

/* GET /api/v1/hotline/stats?from&to: the leaders' dashboard. */
hm_err hotline_stats_handler(hm_req *r);
/* GET /api/v1/hotline/stats/public?from&to&format=xlsx: for publishing. */
hm_err hotline_stats_public_handler(hm_req *r);

#endif
