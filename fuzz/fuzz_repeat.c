/* Target repeat: the text comparison behind repeat suggestions
 * (hotline_text_fold, hotline_grams_*, hotline_text_similarity,
 * hotline_repeat_judge). The input is two texts as callers' places or
 * contents are typed, split at the first newline. Properties: folding is
 * idempotent and never grows the text; similarity is within 0–100,
 * symmetric, and 100 for a text with itself; the judge's score is within
 * 0–100. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "hotline/hotline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	char *b = strchr(s, '\n');
	const char *a = s;
	if (b)
		*b++ = '\0';
	else
		b = s + strlen(s);
	size_t n = strlen(a) + 1;
	char *f1 = malloc(n), *f2 = malloc(n), small[7];
	if (!f1 || !f2)
		abort();
	hotline_text_fold(a, f1, n);
	hotline_text_fold(f1, f2, n);
	if (strlen(f1) > strlen(a) || strcmp(f1, f2) != 0)
		abort();
	hotline_text_fold(a, small, sizeof small);
	if (strlen(small) >= sizeof small || strncmp(small, f1, strlen(small)) != 0)
		abort();
	int ab = hotline_text_similarity(a, b), ba = hotline_text_similarity(b, a), aa = hotline_text_similarity(a, a);
	if (ab < 0 || ab > 100 || ab != ba)
		abort();
	hotline_grams g;
	if (!hotline_grams_init(&g, a))
		abort();
	if (aa != (g.n ? 100 : 0))
		abort();
	for (size_t i = 1; i < g.n; i++)
		if (g.v[i - 1] >= g.v[i])
			abort(); /* sorted, distinct */
	hotline_grams_fini(&g);
	hotline_repeat_match m;
	bool rep = hotline_repeat_judge(size & 1, size & 2, a, b, ab, &m);
	if (m.score < 0 || m.score > 100 || (m.same_place && m.close_place) || (rep && !m.same_place && !m.close_place &&
										   ab < HOTLINE_REPEAT_TEXT_MIN && !(size & 1)))
		abort();
	free(f1);
	free(f2);
	free(s);
	return 0;
}
