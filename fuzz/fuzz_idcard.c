/* Target idcard: resident ID numbers (idcard_parse, idcard_mask,
 * idcard_check_char) and the unified social credit code of donor
 * organisations (donation_uscc_valid, donation_uscc_check_char), plus the
 * receipt number parser. The input is the text as a user types it. */
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/hmtime.h"
#include "core/idcard.h"
#include "fund/donation.h"
#include "fuzz/fuzz.h"

static hm_divisions *divs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!divs) {
		const struct hm_embedded_file *f = hm_embedded_find("data/divisions.tsv");
		hm_error e;
		hm_error_clear(&e);
		divs = f ? divisions_parse((const char *)f->data, f->len, &e) : NULL;
		if (!divs)
			abort();
	}
	char *s = fuzz_strndup(data, size);
	idcard_info info;
	hm_error e;
	hm_error_clear(&e);
	if (idcard_parse(divs, s, hm_ymd_day(2026, 1, 1), &info, &e, "id_number") == HM_OK) {
		if (strlen(info.number) != 18 || idcard_check_char(info.number) != info.number[17] ||
		    (info.sex != 'M' && info.sex != 'F'))
			abort();
	}
	char masked[19];
	idcard_mask(s, masked, sizeof masked);
	char small[5];
	idcard_mask(s, small, sizeof small);
	idcard_check_char(s);
	divisions_name(divs, s);
	divisions_is_zaozhuang_county(divs, s);
	if (donation_uscc_valid(s) && donation_uscc_check_char(s) != s[17])
		abort();
	donation_uscc_check_char(s);
	int year;
	int64_t seq;
	donation_receipt_no_parse(s, &year, &seq);
	free(s);
	return 0;
}
