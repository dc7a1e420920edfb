/* Target search: the hm_cjk tokenizer (store/cjk_tokenizer.c) on any bytes,
 * in document and query mode, and the query → FTS5 expression builder and
 * snippet splitter (hotline/hotline_search.c) on the text as a user types
 * it. Checks that every token lies inside the input, is at most
 * CJK_TOKEN_MAX bytes and not empty, that a colocated token never comes
 * first, and that an accepted query gives an expression of quoted strings. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "hotline/hotline_search.h"
#include "store/cjk_tokenizer.h"

typedef struct seen {
	int len, count;
} seen;

static int check_token(void *arg, bool colocated, const char *tok, int len, int start, int end)
{
	seen *s = arg;
	if (len <= 0 || len > CJK_TOKEN_MAX || start < 0 || end > s->len || start >= end || (colocated && s->count == 0))
		abort();
	volatile char first = tok[0], last = tok[len - 1]; /* ASan checks the bytes are readable */
	(void)first;
	(void)last;
	s->count++;
	return 0;
}

static void piece(const char *text, size_t len, bool hit, void *arg)
{
	(void)hit;
	(void)arg;
	if (len == 0 || memchr(text, '\x01', len) || memchr(text, '\x02', len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	/* an exact-size copy, so that ASan catches any read past the input */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	seen s = {(int)size, 0};
	cjk_tokenize(buf, (int)size, CJK_DOCUMENT, check_token, &s);
	s.count = 0;
	cjk_tokenize(buf, (int)size, CJK_QUERY, check_token, &s);
	free(buf);

	char *q = fuzz_strndup(data, size);
	char out[HOTLINE_SEARCH_MATCH_MAX];
	hm_error e;
	hm_error_clear(&e);
	if (hotline_search_match(q, out, sizeof out, &e) == HM_OK) {
		if (out[0] != '"' || strlen(out) >= sizeof out)
			abort();
	} else if (strcmp(e.field, "q") != 0)
		abort();
	hotline_snippet_pieces(q, piece, NULL);
	free(q);
	return 0;
}
