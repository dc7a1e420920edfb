/* Money as int64 fen (分), never floating point: parsing what staff type in
 * yuan, formatting for the wire and the screen, and the capital-numeral
 * amount (大写金额) printed on donation receipts. */
#ifndef HM_CORE_MONEY_H
#define HM_CORE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Largest amount accepted from input: 10^12 fen = 100 亿元. */
#define MONEY_MAX_FEN INT64_C(1000000000000)

/* Parse a yuan amount "1234", "1234.5", "1234.56", "0.01" (ASCII digits, no
 * sign, no separators, no exponent, at most 2 decimals, at most
 * MONEY_MAX_FEN) into fen. Returns HM_OK or HM_E_BAD_MONEY with field set;
 * *fen untouched on error. */
hm_err money_parse_yuan(const char *s, int64_t *fen, hm_error *e, const char *field);
/* Format fen as "1234.56" ("-1234.56" when negative) into buf (n >= 24;
 * truncated otherwise). Returns buf. */
char *money_format(int64_t fen, char *buf, size_t n);
/* Format for people, with ¥ and thousands separators: "¥2,000,000.00",
 * "-¥12.30". buf n >= 32 (truncated otherwise). Returns buf. */
char *money_format_display(int64_t fen, char *buf, size_t n);
/* Capital numerals for receipts (大写金额) by the bank rules for writing
 * amounts on vouchers (中国人民银行《支付结算办法》附件): 1234567 fen ->
 * "壹万贰仟叁佰肆拾伍元陆角柒分", 100 -> "壹元整", 10005 -> "壹佰元零伍分",
 * 0 -> "零元整". 0..MONEY_MAX_FEN. Writes UTF-8 into buf; returns HM_OK, or
 * HM_E_OUT_OF_RANGE if fen is negative or too large or buf too small (buf
 * then holds ""; 128 bytes always suffice). */
hm_err money_to_chinese(int64_t fen, char *buf, size_t n);
/* *out = a + b; false (and *out untouched) on overflow. */
bool money_add(int64_t a, int64_t b, int64_t *out);

#endif
