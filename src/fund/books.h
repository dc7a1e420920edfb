/* The fund's books and what it tells the public (issue 3, items 6 and 7).
 *
 * Statements for any period [from, to] of Beijing dates, read straight from
 * the postings so that every figure is a sum an auditor can redo: a trial
 * balance, a balance statement (资产负债表: the bank account against net
 * assets) and an income and expenditure statement (业务活动表: income by
 * source, expense by aid and service kind), optionally for one district.
 * The whole journal exports in hledger's format so an independent program
 * can check our balances.
 *
 * Bank statements (CSV) are imported, stored line by line and matched to
 * donations (bank reference and amount) and to aid payments (amount, and the
 * application number in the entry's memo); the unmatched lines are what
 * finance must look into.
 *
 * The quarterly public disclosure (信息公开) has aggregated figures only —
 * no names, ID numbers, phones or addresses of children or donors — and any
 * count of children below BOOKS_MIN_CELL is shown as "<3".
 *
 * Operations run in the caller's (the dispatcher's) transaction; the import
 * appends its audit record there. Pure parts (CSV, quarter bounds, hledger
 * names and amounts, small-cell suppression) have no I/O and are unit tested. */
#ifndef HM_FUND_BOOKS_H
#define HM_FUND_BOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/perm.h"
#include "store/store.h"

#define BOOKS_MAX_ACCOUNTS 64
#define BOOKS_MAX_DISTRICTS 12
#define BOOKS_MAX_CATEGORIES 8
#define BOOKS_MIN_CELL 3            /* smaller counts of children are shown as "<3" */
#define BOOKS_CSV_MAX_LINES 20000
#define BOOKS_CSV_COLUMNS "交易日期,摘要,收入金额,支出金额,对方户名,交易流水号/参考号"

/* Who asks and when. */
typedef struct books_ctx {
	hm_db *db;
	const hm_user *user;
	int64_t now;
} books_ctx;

/* ---- pure parts ---------------------------------------------------------- */

/* First and last Beijing day numbers of quarter q (1..4) of year. false for
 * a quarter outside 1..4 or a year outside 2000..2100. */
bool books_quarter_days(int year, int q, int32_t *from, int32_t *to);

/* The hledger account name for an account of our chart: the type gives the
 * top level (资产, 负债, 净资产, 收入, 支出), the name's "-" parts the levels
 * below, and a trailing full-width remark "（…）" is dropped:
 * ("income", "捐赠收入-起始注资（政府及社会各界）") → "收入:捐赠收入:起始注资".
 * Characters hledger reads as syntax (":" ";" "|" brackets, runs of spaces)
 * are replaced by their full-width forms so no name can break the file.
 * Writes into buf (n >= 8, truncated at a character boundary). Returns buf. */
char *books_ledger_name(const char *type, const char *name, char *buf, size_t n);
/* An hledger amount: fen as "1234.56 CNY", "-0.05 CNY". buf n >= 32. */
char *books_ledger_amount(int64_t fen, char *buf, size_t n);

/* One transaction line of a bank statement. */
typedef struct books_bank_line {
	int line_no;              /* physical line in the file; the header is 1 */
	char date[11];            /* YYYY-MM-DD */
	char summary[304];        /* 摘要 (at most 300 bytes) */
	int64_t amount_in;        /* fen, 收入金额, 0 when none */
	int64_t amount_out;       /* fen, 支出金额, 0 when none */
	char counterparty[204];   /* 对方户名 (at most 200 bytes) */
	char ref[68];             /* 交易流水号/参考号 (at most 64 bytes), "" if none */
	/* filled by the import */
	char match_kind[12];      /* "", "donation" or "payment" */
	int64_t donation_id, entry_id;
} books_bank_line;

/* Parse a statement: a header row exactly BOOKS_CSV_COLUMNS (a UTF-8 BOM
 * and CRLF line ends are fine; fields may be quoted as in RFC 4180), then
 * one transaction per line with a date (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)
 * and exactly one of 收入金额 / 支出金额 above zero, in yuan with at most two
 * decimals. Blank lines are skipped. On success *lines is new (free()) with
 * *n >= 1 entries. On error HM_E_BANK_CSV with a Chinese message naming
 * the line ("第 3 行：…"), field "csv", and *lines NULL. */
hm_err books_csv_parse(const char *text, size_t len, books_bank_line **lines, size_t *n, hm_error *e);
/* Hex BLAKE2b-256 of the statement's text with a BOM dropped, CRLF turned
 * into LF and trailing line ends removed: the same file saved on Windows or
 * Unix is the same file. out has 65 bytes. */
void books_csv_digest(const char *text, size_t len, char out[65]);

/* A cell of a public table: a count (or amount) and whether it is hidden. */
typedef struct books_cell {
	char code[32];
	char name[96];
	int64_t value;
	bool suppressed;          /* shown as "<3" */
} books_cell;
/* Hide every count 1..min-1 of the cells. When the cells partition a
 * published total (partition = true) and exactly one cell was hidden, the
 * smallest other non-zero cell is hidden too, so that the hidden one cannot
 * be recovered by subtraction. Zero cells stay visible: they single no one
 * out. */
void books_suppress(books_cell *cells, int n, int64_t min, bool partition);

/* ---- statements ---------------------------------------------------------- */

/* A period and an optional district filter. */
typedef struct books_filter {
	int32_t from, to;         /* Beijing day numbers, inclusive; from <= to */
	int64_t org_id;           /* 0 = whole fund, else entries of that district */
	const char *account;      /* expense account to keep (aid kind filter), NULL = all */
} books_filter;

typedef struct books_row {
	char code[16];
	char name[96];
	char type[12];            /* asset, liability, equity, income, expense */
	char ledger_name[192];    /* as in the hledger export */
	int64_t opening;          /* balance before from (debit > 0) */
	int64_t debit, credit;    /* within the period, both >= 0 */
	int64_t closing;          /* opening + debit - credit */
} books_row;

typedef struct books_trial {
	books_row rows[BOOKS_MAX_ACCOUNTS];
	int n;
	int64_t opening, debit, credit, closing; /* totals; a sound book has debit == credit, opening == closing == 0 */
	int64_t entries;          /* journal entries in the period */
} books_trial;
/* Every account with its opening balance, debits, credits and closing
 * balance for the period (all accounts, zero ones too, ordered by code). */
hm_err books_trial_balance(const books_ctx *c, const books_filter *f, books_trial *out, hm_error *e);

typedef struct books_district {
	char code[16];            /* org code, "" for entries of the city itself */
	char name[96];
	int64_t income, expense;
} books_district;

typedef struct books_statement {
	books_row income[BOOKS_MAX_ACCOUNTS];    /* closing = amount of the period, income positive */
	int nincome;
	books_row expense[BOOKS_MAX_ACCOUNTS];   /* closing = amount of the period */
	int nexpense;
	int64_t income_total, expense_total, surplus;
	books_district districts[BOOKS_MAX_DISTRICTS]; /* the same period by district */
	int ndistricts;
} books_statement;
/* The income and expenditure statement (业务活动表) for the period. With
 * f->account, only that expense account and no income (income is not by aid
 * kind). */
hm_err books_income_statement(const books_ctx *c, const books_filter *f, books_statement *out, hm_error *e);

typedef struct books_balance_sheet {
	books_row assets[BOOKS_MAX_ACCOUNTS];      /* opening and closing */
	int nassets;
	books_row liabilities[BOOKS_MAX_ACCOUNTS];
	int nliabilities;
	int64_t assets_opening, assets_closing;
	int64_t liabilities_opening, liabilities_closing;
	/* net assets = accumulated income - expense (+ equity accounts); all of
	 * the fund's money is restricted to its purpose (慈善法 第五十四条) */
	int64_t net_opening, net_closing;
	int64_t income, expense;  /* of the period: net_closing = net_opening + income - expense */
} books_balance_sheet;
/* The balance statement (资产负债表) at the start and the end of the period. */
hm_err books_balance_sheet_get(const books_ctx *c, const books_filter *f, books_balance_sheet *out, hm_error *e);

/* The whole journal in hledger format; *text new (free()), *len its length. */
hm_err books_hledger_export(const books_ctx *c, char **text, size_t *len, hm_error *e);

/* Org id of a district code (370402 …), HM_E_BOOKS_DISTRICT otherwise. */
hm_err books_district_id(const books_ctx *c, const char *code, int64_t *org_id, hm_error *e);

/* ---- bank statements ----------------------------------------------------- */

typedef struct books_import {
	int64_t id;
	char hash[65];
	char filename[132];
	int64_t line_count, matched_count, total_in, total_out;
	char first_date[11], last_date[11];
	int64_t created_at;
	char created_by[64];      /* display name */
	bool donations_checked;   /* false when there is no donations table yet */
} books_import;

/* Parse, store and match a statement; refuses a file imported before
 * (HM_E_BANK_DUPLICATE) and bad CSV (HM_E_BANK_CSV), storing nothing.
 * out gets the import; lines (may be NULL) the matched lines, new (free()),
 * *nlines their count. Audited as bank_import.create. */
hm_err books_bank_import(const books_ctx *c, const char *csv, size_t len, const char *filename, books_import *out,
			 books_bank_line **lines, size_t *nlines, hm_error *e);
typedef void (*books_import_visit)(const books_import *imp, void *arg);
hm_err books_import_list(const books_ctx *c, int page, int size, books_import_visit visit, void *arg,
			 int64_t *total, hm_error *e);
hm_err books_import_get(const books_ctx *c, int64_t id, books_import *out, hm_error *e);
typedef void (*books_line_visit)(const books_bank_line *l, int64_t import_id, void *arg);
/* Lines of one import (import_id > 0) or of all; unmatched_only keeps the
 * lines matched to nothing. Oldest first. */
hm_err books_lines_list(const books_ctx *c, int64_t import_id, bool unmatched_only, books_line_visit visit, void *arg,
			hm_error *e);

/* ---- public disclosure --------------------------------------------------- */

typedef struct books_disclosure {
	int year, quarter;
	char from[11], to[11];    /* YYYY-MM-DD */
	bool complete;            /* false while the quarter is still running */
	bool donations_available; /* false when there is no donations table yet */
	int64_t donation_count, donation_total;        /* donations received in the quarter */
	books_cell income[BOOKS_MAX_ACCOUNTS];         /* income by source, fen */
	int nincome;
	int64_t income_total;
	books_cell spent[BOOKS_MAX_ACCOUNTS];          /* expense by aid and service kind, fen */
	int nspent;
	int64_t spent_total;
	int64_t bank_closing;                          /* money held at the end of the quarter, fen */
	books_cell children_total;                     /* children whose aid was paid in the quarter */
	books_cell by_category[BOOKS_MAX_CATEGORIES];  /* a child may be in several categories */
	int ncategory;
	books_cell by_district[BOOKS_MAX_DISTRICTS];
	int ndistrict;
} books_disclosure;
/* The quarter's disclosure; HM_E_DISCLOSURE_QUARTER for a bad or future
 * quarter. No personal data is read into it. */
hm_err books_disclosure_get(const books_ctx *c, int year, int quarter, books_disclosure *out, hm_error *e);

#endif
