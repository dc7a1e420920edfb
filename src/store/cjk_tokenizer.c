/* The hm_cjk FTS5 tokenizer: CJK bigrams, lower-cased words, everything
 * else a separator (rules in cjk_tokenizer.h). The tokenizer keeps no
 * state between calls, so one static instance serves every table and
 * connection. The UTF-8 decoder is strict (no overlong forms, surrogates or
 * values past U+10FFFF): a byte that does not start a valid character is a
 * separator of its own, so any input tokenizes and nothing reads past len. */
#include "store/cjk_tokenizer.h"

#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#define BAD_CP 0xFFFFFFFFu

/* Decode one character of s (n > 0 bytes available): its length in bytes,
 * with *cp = BAD_CP and length 1 when s does not start a valid one. */
static int utf8_decode(const unsigned char *s, int n, unsigned *cp)
{
	unsigned c = s[0];
	*cp = BAD_CP;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int len;
	unsigned min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		min = 0x80;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		min = 0x800;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		min = 0x10000;
		c &= 0x07;
	} else
		return 1;
	if (n < len)
		return 1;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 1;
	*cp = c;
	return len;
}

bool cjk_is_ideograph(unsigned cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK Unified Ideographs */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* Extension A */
	       (cp >= 0x20000 && cp <= 0x3134F) || /* Extensions B–G, compatibility supplement */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs */
	       cp == 0x3007 ||                     /* 〇, as in 二〇二四 */
	       (cp >= 0x3040 && cp <= 0x30FF) ||   /* kana: no spaces either */
	       (cp >= 0xAC00 && cp <= 0xD7AF);     /* Hangul syllables */
}

bool cjk_is_unigram(const char *tok, int len)
{
	unsigned cp;
	return len > 0 && utf8_decode((const unsigned char *)tok, len, &cp) == len && cjk_is_ideograph(cp);
}

typedef enum { K_SEP, K_CJK, K_WORD } kind;

/* The class of cp and, for word characters that fold to ASCII, the ASCII
 * byte (0 when the character's own bytes are kept). */
static kind classify(unsigned cp, char *ascii)
{
	*ascii = 0;
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			*ascii = (char)(cp - 'A' + 'a');
		else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			*ascii = (char)cp;
		return *ascii ? K_WORD : K_SEP;
	}
	if (cp == BAD_CP)
		return K_SEP;
	if (cjk_is_ideograph(cp))
		return K_CJK;
	/* full-width digits and letters, common in Chinese typing: １２３４５ = 12345 */
	if (cp >= 0xFF10 && cp <= 0xFF19)
		*ascii = (char)('0' + (cp - 0xFF10));
	else if (cp >= 0xFF21 && cp <= 0xFF3A)
		*ascii = (char)('a' + (cp - 0xFF21));
	else if (cp >= 0xFF41 && cp <= 0xFF5A)
		*ascii = (char)('a' + (cp - 0xFF41));
	if (*ascii)
		return K_WORD;
	/* Latin letters with accents, Greek, Cyrillic (× and ÷ are symbols) */
	if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x4FF))
		return K_WORD;
	return K_SEP;
}

int cjk_tokenize(const char *text, int len, cjk_mode mode, cjk_token_fn fn, void *ctx)
{
	const unsigned char *s = (const unsigned char *)text;
	char word[CJK_TOKEN_MAX];
	int wlen = 0, wstart = -1, wend = 0;
	int run = 0, last_start = 0, last_end = 0; /* CJK run: length, its last character */
	int rc = 0;
	/* i == len is a final separator that ends the last run or word */
	for (int i = 0; i <= len && rc == 0;) {
		unsigned cp = BAD_CP;
		int n = i < len ? utf8_decode(s + i, len - i, &cp) : 1;
		char ascii;
		kind k = classify(cp, &ascii);
		if (k != K_CJK && run) {
			if (run == 1)
				rc = fn(ctx, false, text + last_start, last_end - last_start, last_start, last_end);
			else if (mode == CJK_DOCUMENT)
				rc = fn(ctx, true, text + last_start, last_end - last_start, last_start, last_end);
			run = 0;
		}
		if (k != K_WORD && wstart >= 0) {
			if (!rc)
				rc = fn(ctx, false, word, wlen, wstart, wend);
			wstart = -1;
			wlen = 0;
		}
		if (rc)
			break;
		if (k == K_CJK) {
			if (run)
				rc = fn(ctx, false, text + last_start, i + n - last_start, last_start, i + n);
			last_start = i;
			last_end = i + n;
			run++;
		} else if (k == K_WORD) {
			if (wstart < 0)
				wstart = i;
			wend = i + n;
			/* a word longer than CJK_TOKEN_MAX keeps its first bytes, whole characters only */
			if (ascii && wlen < CJK_TOKEN_MAX)
				word[wlen++] = ascii;
			else if (!ascii && wlen + n <= CJK_TOKEN_MAX) {
				memcpy(word + wlen, text + i, (size_t)n);
				wlen += n;
			}
		}
		i += n;
	}
	return rc;
}

/* ---- FTS5 glue ------------------------------------------------------------ */

typedef struct fts_call {
	void *ctx;
	int (*token)(void *ctx, int tflags, const char *tok, int len, int start, int end);
} fts_call;

static int fts_token(void *arg, bool colocated, const char *tok, int len, int start, int end)
{
	fts_call *c = arg;
	return c->token(c->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok, len, start, end);
}

/* The tokenizer has no options and no state: every table shares one instance. */
static int instance;

static int fts_create(void *unused, const char **args, int nargs, Fts5Tokenizer **out)
{
	(void)unused;
	(void)args;
	if (nargs > 0)
		return SQLITE_ERROR;
	*out = (Fts5Tokenizer *)&instance;
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
			int (*token)(void *, int, const char *, int, int, int))
{
	(void)t;
	fts_call c = {ctx, token};
	/* highlight() and snippet() (FTS5_TOKENIZE_AUX) re-read documents: they
	 * must see the positions the index saw */
	cjk_mode mode = (flags & FTS5_TOKENIZE_QUERY) ? CJK_QUERY : CJK_DOCUMENT;
	return cjk_tokenize(text, len, mode, fts_token, &c);
}

/* ---- keeping the hotline's index in step ----------------------------------
 * The triggers of db/migrations/0017 cannot write the FTS5 table
 * themselves: the store runs with trusted_schema=OFF, under which SQLite
 * refuses any virtual table (FTS5 is not marked innocuous) inside a schema
 * trigger. They call hm_hotline_fts(op, id, content, place, reply, answer)
 * instead, which runs one of two fixed statements on the same connection
 * and transaction. It is registered as innocuous so that triggers may call
 * it: whatever a schema passes it, it can only add or remove words of the
 * hotline's own index ('rebuild' restores it), never read or change data. */
static void hotline_fts_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	static const char *const sql[] = {
		"INSERT INTO hotline_appeals_fts (rowid, content, place, reply, answer) VALUES (?1, ?2, ?3, ?4, ?5)",
		"INSERT INTO hotline_appeals_fts (hotline_appeals_fts, rowid, content, place, reply, answer)"
		" VALUES ('delete', ?1, ?2, ?3, ?4, ?5)",
	};
	const char *op = (const char *)sqlite3_value_text(argv[0]);
	int which = op && strcmp(op, "index") == 0 ? 0 : op && strcmp(op, "remove") == 0 ? 1 : -1;
	if (argc != 6 || which < 0) {
		sqlite3_result_error(ctx, "hm_hotline_fts: op must be 'index' or 'remove'", -1);
		return;
	}
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql[which], -1, &st, NULL);
	for (int i = 1; rc == SQLITE_OK && i < 6; i++)
		rc = sqlite3_bind_value(st, i, argv[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
	else
		sqlite3_result_null(ctx);
}

int cjk_tokenizer_register(sqlite3 *db)
{
	int frc = sqlite3_create_function_v2(db, "hm_hotline_fts", 6, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL, hotline_fts_fn,
					     NULL, NULL, NULL);
	if (frc != SQLITE_OK)
		return frc;
	/* the documented way to reach the fts5_api of a connection */
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || !api || api->iVersion < 2)
		return SQLITE_ERROR;
	static fts5_tokenizer tok = {fts_create, fts_delete, fts_tokenize};
	return api->xCreateTokenizer(api, CJK_TOKENIZER_NAME, NULL, &tok, NULL);
}
