/* Target bank_csv: the bank statement import parser (books_csv_parse) and
 * the statement digest that recognises a file imported twice. */
#include <stdlib.h>
#include <string.h>

#include "fund/books.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	books_bank_line *lines = NULL;
	size_t n = 0;
	hm_error e;
	hm_error_clear(&e);
	char digest[65];
	books_csv_digest((const char *)data, size, digest);
	if (strlen(digest) != 64)
		abort();
	if (books_csv_parse((const char *)data, size, &lines, &n, &e) == HM_OK) {
		/* what the parser promises: at least one line, one amount above zero */
		if (!lines || n == 0)
			abort();
		for (size_t i = 0; i < n; i++) {
			const books_bank_line *l = &lines[i];
			if ((l->amount_in > 0) == (l->amount_out > 0) || l->amount_in < 0 || l->amount_out < 0)
				abort();
			if (strlen(l->date) != 10 || !memchr(l->summary, 0, sizeof l->summary) ||
			    !memchr(l->ref, 0, sizeof l->ref))
				abort();
		}
	} else if (lines) {
		abort();
	}
	free(lines);
	return 0;
}
