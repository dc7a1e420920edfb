/* Target api_path: paths and query strings. Input: "METHOD /path?query\nROLE".
 * The path goes through route_match against every route (for 404 and 405
 * too), the {id} parameters through http_param_id, and the query arguments
 * (decoded as libmicrohttpd decodes them) through the handler's own checks:
 * http_query_allowed, http_page, dates, filters. Also calls route_match
 * directly on every pattern so that a path no method matches is covered. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "http/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	size_t len = strlen(s);
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	char *sp = strchr(s, ' ');
	if (sp) {
		*sp = '\0';
		const char *target = sp + 1;
		for (const hm_route *rt = hm_routes; rt->pattern; rt++) {
			const char *ps[HM_MAX_PARAMS];
			size_t lens[HM_MAX_PARAMS];
			int n;
			if (route_match(rt->pattern, target, ps, lens, &n))
				for (int i = 0; i < n; i++)
					if (ps[i] < target || ps[i] + lens[i] > target + strlen(target))
						abort();
		}
		fuzz_api_request(s, target, nl && (size_t)(nl - s) < len ? nl + 1 : "caseworker", NULL, 0, NULL);
	}
	free(s);
	return 0;
}
