/* Resident identity card numbers (居民身份证号码, GB 11643-1999) and the
 * administrative division codes (GB/T 2260) they start with. The number is
 * for life (居民身份证法第三条): its first six digits say where it was first
 * issued, not where the person's 户籍 is now, so 户籍 is asked separately
 * and checked with divisions_is_zaozhuang_county. The division table is data
 * (data/divisions.tsv), read at start. */
#ifndef HM_CORE_IDCARD_H
#define HM_CORE_IDCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct hm_divisions hm_divisions;

/* Parse divisions.tsv text ("code<TAB>name<TAB>level", level one of
 * province, prefecture, county; '#' comment lines). Returns a new table
 * (free with divisions_free), or NULL with e set to HM_E_INTERNAL and a
 * detail naming the line. */
hm_divisions *divisions_parse(const char *text, size_t len, hm_error *e);
/* Free the table; NULL ok. */
void divisions_free(hm_divisions *d);
/* Name of an exact 6-digit code, or NULL. Borrowed: lives as long as d. */
const char *divisions_name(const hm_divisions *d, const char *code6);
/* Is the code a listed county-level unit of Zaozhuang (3704xx other than
 * the city 370400 and the 市辖区 placeholder 370401)? For 户籍 district. */
bool divisions_is_zaozhuang_county(const hm_divisions *d, const char *code6);

typedef struct idcard_info {
	char number[19];  /* normalised: trimmed, final 'x' -> 'X' */
	int32_t birth_day; /* day number (hm_ymd_day) */
	char sex;          /* 'M' or 'F' (17th digit odd = male) */
	char region[7];    /* first six digits: where the number was issued */
} idcard_info;

/* Validate a number: ASCII spaces/tabs and ideographic spaces (U+3000)
 * around it are trimmed; then exactly 18 characters (HM_E_IDCARD_LENGTH),
 * 17 digits and a digit or X/x (HM_E_IDCARD_CHARS), a known province code
 * in the first two digits (HM_E_IDCARD_REGION), a real birth date from
 * 1880-01-01 up to `today` (HM_E_IDCARD_BIRTH), and the ISO 7064 MOD 11-2
 * check character (HM_E_IDCARD_CHECK). field is passed to hm_fail. *out is
 * filled only on HM_OK. */
hm_err idcard_parse(const hm_divisions *d, const char *s, int32_t today, idcard_info *out,
		    hm_error *e, const char *field);
/* Mask for display, keeping the first and last 4 characters of an 18-char
 * number ("3704**********1234"); any other length becomes all '*' (at most
 * 18). Writes into buf (n >= 19; truncated otherwise); returns buf. */
char *idcard_mask(const char *number, char *buf, size_t n);
/* Check character ('0'..'9' or 'X') for 17 digits; '\0' if first17 does
 * not start with 17 digits. For tests and data generators. */
char idcard_check_char(const char *first17);
/* Age in full years (周岁) on `today` of someone born on birth_day; a person
 * turns N on the anniversary (29 Feb birthdays on 1 Mar in common years).
 * 0 if today is before birth_day. */
int hm_age_years(int32_t birth_day, int32_t today);

#endif
