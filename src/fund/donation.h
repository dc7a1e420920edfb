/* Donations to the children's care fund and what the fund owes a donor in
 * return (DOMAIN.md §1, 建立了基金捐赠鸣谢制度): a receipt usable for
 * income-tax deduction, a thank-you letter, a place on the public honour
 * roll if the donor agrees, and help working out the deduction.
 *
 * Money rules: every donation is one balanced journal entry (debit the
 * bank, credit donation income by source); a mistake is corrected by an
 * opposite entry (冲销), never by deleting. Receipts are numbered per year
 * with no gaps; a wrong receipt is voided (its number stays) and reissued
 * under the next number. Operations run in the caller's write transaction
 * and append their audit records there.
 *
 * Donations are kept by city finance: there is no district scope here. */
#ifndef HM_FUND_DONATION_H
#define HM_FUND_DONATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/perm.h"
#include "store/store.h"

/* Income accounts by source (db/migrations/0004_donations.sql). */
#define DONATION_ACCOUNT_INDIVIDUAL "4103"
#define DONATION_ACCOUNT_ENTERPRISE "4104"
#define DONATION_ACCOUNT_ANONYMOUS "4105"
/* The fund was set up in March 2024: no gift can have arrived earlier. */
#define DONATION_FIRST_DAY "2024-03-01"

/* What the caller is and when. */
typedef struct donation_ctx {
	hm_db *db;
	const hm_user *user;
	int64_t now;
} donation_ctx;

/* ---- settings (data/donation.tsv) -------------------------------------- */

typedef struct donation_settings {
	char receipt_name[64];         /* 公益事业捐赠票据 */
	char receipt_code[32];         /* 票据代码 */
	char issuer[96];               /* 枣庄市慈善总会 */
	char purpose[128];             /* the fund's full name */
	char qual_holder[96];          /* pre-tax deduction qualification … */
	char qual_status[32];          /* "待确认" until someone confirms it */
	char qual_from[11], qual_to[11];
	char qual_document[256];
} donation_settings;
/* The settings, parsed once from the embedded data; borrowed, static. */
const donation_settings *donation_settings_get(void);

/* ---- pure rules --------------------------------------------------------- */

/* Is s a valid 统一社会信用代码 (GB 32100-2015): 18 characters from
 * 0-9 and A-Z without I, O, Z, S, V; characters 3–8 a division code
 * (digits); the 18th the check character of the first 17. */
bool donation_uscc_valid(const char *s);
/* The check character for the first 17 characters, or 0 if one of them
 * is outside the code's alphabet. */
char donation_uscc_check_char(const char *first17);
/* 票据号码: "2026-000001" into buf (n >= 16). Returns buf. */
char *donation_receipt_no_format(int year, int64_t seq, char *buf, size_t n);
/* Parse "2026-000001" back; false if it is not one. */
bool donation_receipt_no_parse(const char *s, int *year, int64_t *seq);
/* 校验码: 10 digits, the first 8 bytes of BLAKE2b-256 keyed with key_hex
 * over "code|no|issued_on|amount|payer_name|payer_uscc", as a number mod
 * 10^10. Anyone holding a paper receipt can have it checked against the
 * database; changing any printed field changes the code, and without the
 * key no one can make a matching code for a forged receipt. out: 11 bytes. */
void donation_check_code(const char *key_hex, const char *code, const char *no, const char *issued_on,
			 int64_t amount, const char *payer_name, const char *payer_uscc, char out[11]);

/* Income-tax deduction (pure, integer fen, percentages rounded down so
 * that we never promise more than the law allows). */
typedef struct donation_tax {
	int64_t donated;            /* receipted donations of the year */
	int64_t limit;              /* the cap: 30% or 12% of the base, >= 0 */
	int64_t deductible_now;     /* what may be deducted this year */
	int64_t not_deductible;     /* individuals: above the cap, lost */
	/* enterprises: carried-forward amounts of years Y-3, Y-2, Y-1 (in),
	 * how much of each is used now, and what expires unused */
	int64_t carry_in[3], carry_used[3], carry_expired;
	/* what carries on to later years: from Y-2, Y-1 and Y itself, usable
	 * until the end of Y+1, Y+2 and Y+3 respectively */
	int64_t carry_out[3];
	int64_t current_used;       /* of this year's own donations */
} donation_tax;
/* Individuals (个人所得税法第六条第三款; 财政部 税务总局公告2019年第99号
 * 第二条): deductible up to 30% of 应纳税所得额; the excess is not carried
 * forward. taxable_income in fen, >= 0. */
void donation_tax_individual(int64_t donated, int64_t taxable_income, donation_tax *out);
/* Enterprises (企业所得税法第九条; 实施条例第五十三条; 财税〔2018〕15号):
 * deductible up to 12% of the year's 会计利润总额; the excess carries
 * forward up to three years; carried amounts are deducted first, oldest
 * first, and share the same cap. carry[0..2] are the unused amounts from
 * Y-3, Y-2, Y-1 (>= 0). A loss (profit <= 0) gives a cap of 0. */
void donation_tax_enterprise(int64_t donated, int64_t profit, const int64_t carry[3], donation_tax *out);

/* Names for codes: "bank_transfer" → "银行转账", "individual" → "个人",
 * "active" → "有效", "void" → "已作废"; the code itself when unknown. */
const char *donation_name_of(const char *code);
/* Is code a channel we accept? */
bool donation_channel_valid(const char *code);

/* ---- donors --------------------------------------------------------------- */

typedef struct donation_donor {
	int64_t id;
	char kind[12];                 /* individual, enterprise, anonymous */
	char name[304];
	char uscc[19];
	char contact_name[100];
	char phone[24];
	char address[604];
	bool publish_name, publish_amount;
	char note[604];
	int64_t created_at, updated_at;
	/* derived */
	int64_t total;                 /* active donations, fen */
	int64_t count;
} donation_donor;

/* Register a donor (donor.* errors); in->id gets the new id. */
hm_err donation_donor_create(const donation_ctx *c, donation_donor *in, hm_error *e);
/* Change contact and consent; kind, name and USCC stay (receipts copy
 * them). in carries the new values; *in is reloaded. */
hm_err donation_donor_update(const donation_ctx *c, int64_t id, donation_donor *in, hm_error *e);
hm_err donation_donor_get(const donation_ctx *c, int64_t id, donation_donor *out, hm_error *e);

typedef struct donation_donor_filter {
	const char *q;                 /* part of the name, or "" */
	const char *kind;              /* or "" */
	int page, page_size;
} donation_donor_filter;
typedef void (*donation_donor_visit)(const donation_donor *d, void *arg);
hm_err donation_donor_list(const donation_ctx *c, const donation_donor_filter *f, donation_donor_visit visit,
			   void *arg, int64_t *total, hm_error *e);
/* What a donor's name shows as on receipts and letters: the name, or
 * "匿名" for an anonymous donor. Borrowed from d or static. */
const char *donation_donor_display(const donation_donor *d);

/* ---- donations ------------------------------------------------------------ */

typedef struct donation {
	int64_t id;
	int64_t donor_id;
	char donor_kind[12];
	char donor_name[304];
	int64_t amount;                /* fen, > 0 */
	char received_on[11];
	char channel[16];
	char bank_ref[68];
	char purpose[128];
	char note[604];
	char status[12];               /* active, reversed */
	int64_t entry_id, reversal_entry_id;
	char reversal_reason[604];
	int64_t reversed_at;
	int64_t created_at;
	/* derived: the valid receipt, if any */
	int64_t receipt_id;
	char receipt_no[16];
} donation;

/* Record a donation and post its journal entry; in->id gets the id. */
hm_err donation_create(const donation_ctx *c, donation *in, hm_error *e);
hm_err donation_get(const donation_ctx *c, int64_t id, donation *out, hm_error *e);
/* Reverse (冲销) with a reason: the opposite entry, the donation marked
 * reversed. Refused when already reversed, when a valid receipt is still
 * out, or (by ledger_post) when the bank cannot cover it. out may be NULL. */
hm_err donation_reverse(const donation_ctx *c, int64_t id, const char *reason, donation *out, hm_error *e);

typedef struct donation_filter {
	int64_t donor_id;              /* 0 = any */
	const char *channel, *status;  /* or "" */
	const char *from, *to;         /* received_on bounds YYYY-MM-DD, or "" */
	int page, page_size;
} donation_filter;
typedef void (*donation_visit)(const donation *d, void *arg);
hm_err donation_list(const donation_ctx *c, const donation_filter *f, donation_visit visit, void *arg,
		     int64_t *total, hm_error *e);

/* ---- receipts ------------------------------------------------------------- */

typedef struct donation_receipt {
	int64_t id;
	int year;
	int64_t seq;
	char no[16];                   /* 2026-000001 */
	char code[32];
	char check_code[11];
	int64_t donation_id, donor_id;
	char donor_kind[12];
	char payer_name[304];
	char payer_uscc[19];
	int64_t amount;
	char received_on[11];
	char issued_on[11];
	char handler_name[64];
	char remarks[604];
	char status[8];                /* valid, void */
	char void_reason[604];
	int64_t voided_at, issued_at;
	int64_t replaces_id, replaced_by_id;
	char replaces_no[16], replaced_by_no[16];
	int64_t prints;
} donation_receipt;

/* Issue the receipt for a donation under the next number of the year.
 * Refused when the donation is reversed or already has a valid receipt. */
hm_err donation_receipt_issue(const donation_ctx *c, int64_t donation_id, const char *remarks,
			      donation_receipt *out, hm_error *e);
/* Void (作废) with a reason; the number stays, marked void. */
hm_err donation_receipt_void(const donation_ctx *c, int64_t id, const char *reason, donation_receipt *out,
			     hm_error *e);
/* Reissue (重开): void the receipt if still valid (with the reason) and
 * issue a new one under the next number, linked to it. out gets the new
 * receipt. */
hm_err donation_receipt_reissue(const donation_ctx *c, int64_t id, const char *reason, const char *remarks,
				donation_receipt *out, hm_error *e);
hm_err donation_receipt_get(const donation_ctx *c, int64_t id, donation_receipt *out, hm_error *e);

typedef struct donation_receipt_filter {
	int year;                      /* 0 = any */
	const char *status;            /* or "" */
	int64_t donation_id;           /* 0 = any */
	int page, page_size;
} donation_receipt_filter;
typedef void (*donation_receipt_visit)(const donation_receipt *r, void *arg);
hm_err donation_receipt_list(const donation_ctx *c, const donation_receipt_filter *f, donation_receipt_visit visit,
			     void *arg, int64_t *total, hm_error *e);

/* Print the receipt: records the print (the second and later are marked
 * 补打), audits it, and renders the PDF — three parts (存根联, 捐赠人联,
 * 会计联) on three pages; a void receipt is stamped 作废. *pdf (new, caller
 * frees) and *len get the document. */
hm_err donation_receipt_print(const donation_ctx *c, int64_t id, char **pdf, size_t *len, hm_error *e);

/* ---- acknowledgment ------------------------------------------------------- */

/* The thank-you letter for a donation as an A4 PDF; *pdf new. Refused for
 * a reversed donation. */
hm_err donation_thanks_pdf(const donation_ctx *c, int64_t id, char **pdf, size_t *len, hm_error *e);

/* One line of the public honour roll: a donor's active gifts of the year.
 * name is the donor's name only if they agreed, else "爱心人士"; amount is
 * -1 when they did not agree to publish it. Never any contact data. */
typedef struct donation_honour {
	char name[304];
	int64_t amount;
	int64_t count;
	char kind[12];
} donation_honour;
typedef void (*donation_honour_visit)(const donation_honour *h, void *arg);
/* The honour roll of a year, largest published gifts first; *total and
 * *count get the year's whole active income and number of gifts. */
hm_err donation_honour_roll(hm_db *db, int year, donation_honour_visit visit, void *arg, int64_t *total,
			    int64_t *count, hm_error *e);

/* ---- tax helper ------------------------------------------------------------ */

typedef struct donation_tax_query {
	int year;
	int64_t base;                  /* taxable income (individual) or accounting profit (enterprise), fen */
	bool enterprise_basis;         /* base is accounting profit; must match the donor's kind */
	int64_t carry[3];              /* enterprise: unused amounts from year-3, year-2, year-1 */
} donation_tax_query;
typedef void (*donation_receipt_line)(const donation_receipt *r, void *arg);
/* A donor's receipted donations of the year (gifts received that year,
 * not reversed, with a valid receipt; each passed to visit) and the
 * deduction worked out for the donor's kind. Anonymous donors are refused
 * (HM_E_TAX_ANONYMOUS); a basis that does not fit the kind is
 * HM_E_BAD_QUERY. */
hm_err donation_tax_get(const donation_ctx *c, int64_t donor_id, const donation_tax_query *q, donation_donor *donor,
			donation_tax *out, donation_receipt_line visit, void *arg, hm_error *e);

#endif
