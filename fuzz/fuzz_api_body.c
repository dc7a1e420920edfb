/* Target api_body: every route's request body through the real handler.
 * Input: "METHOD /path\nROLE\nBODY" — the route and the signed-in user's
 * role (caseworker, reviewer, …, "caseworker_xc" for 薛城区's caseworker,
 * "anonymous"), then the body: JSON for JSON routes (parsed and checked as
 * the dispatcher does), the file's bytes for upload routes. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	char *nl1 = memchr(s, '\n', size);
	char *nl2 = nl1 ? memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - s)) : NULL;
	char *sp = nl1 ? memchr(s, ' ', (size_t)(nl1 - s)) : NULL;
	if (nl2 && sp) {
		*sp = *nl1 = *nl2 = '\0';
		const char *body = nl2 + 1;
		size_t blen = size - (size_t)(body - s);
		fuzz_api_request(s, sp + 1, nl1 + 1, body, blen, "application/octet-stream");
	}
	free(s);
	return 0;
}
