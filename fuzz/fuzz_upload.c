/* Target upload: huimin has no multipart parser (an upload is the raw
 * request body with its Content-Type), so this fuzzes what stands in its
 * place: the type sniffing and the declared-type check (attachment_sniff,
 * attachment_check), the file name check (attachment_filename_valid) and
 * the storage path built from a hash. Input: "CONTENT-TYPE\nFILENAME\nBYTES". */
#include <stdlib.h>
#include <string.h>

#include "fund/attachment.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	char *nl1 = memchr(s, '\n', size);
	char *nl2 = nl1 ? memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - s)) : NULL;
	const char *ct = NULL, *name = s;
	const uint8_t *bytes = data;
	size_t blen = size;
	if (nl1 && nl2) {
		*nl1 = *nl2 = '\0';
		ct = s;
		name = nl1 + 1;
		bytes = (const uint8_t *)nl2 + 1;
		blen = size - (size_t)(nl2 + 1 - s);
	}
	/* an exact-size copy so that a read past the end is seen */
	uint8_t *copy = malloc(blen ? blen : 1);
	memcpy(copy, bytes, blen);
	attachment_sniff(copy, blen);
	const char *type;
	hm_error e;
	hm_error_clear(&e);
	if (attachment_check(copy, blen, 4096, ct, &type, &e) == HM_OK) {
		if (!type || !attachment_ext(type) || blen == 0 || blen > 4096)
			abort();
	}
	attachment_filename_valid(name);
	char path[256];
	attachment_path("/tmp/x", name, path, sizeof path);
	free(copy);
	free(s);
	return 0;
}
