/* A tokenizer for Chinese full-text search with SQLite FTS5 ("hm_cjk").
 *
 * FTS5's own tokenizers do not fit Chinese: unicode61 keeps a whole run of
 * Han characters as one token, and trigram (SQLite 3.40) cannot match a
 * two-character query such as 噪音. Chinese has no spaces between words, so
 * the usual answer without a dictionary is overlapping bigrams:
 *
 *   夜间噪音扰民  →  夜间 间噪 噪音 音扰 扰民
 *
 * A query of two characters is then one token, and a longer one a phrase of
 * consecutive bigrams. The rules, for documents and queries alike:
 * - a run of CJK ideographs gives its overlapping bigrams; a run of one
 *   character gives that character (unigram);
 * - in documents only, the last character of a longer run is also given as
 *   a unigram at the position of the run's last bigram (FTS5 "colocated"),
 *   so that a one-character query (a prefix query, see hotline_search.c)
 *   finds the character at the end of a run too; queries never get it,
 *   since a colocated query token would mean "either";
 * - ASCII letters and digits (and their full-width forms, folded) make
 *   lower-cased words, as do Latin, Greek and Cyrillic letters; a word is
 *   cut at CJK_TOKEN_MAX bytes;
 * - everything else — punctuation, spaces, symbols, emoji, invalid UTF-8 —
 *   separates tokens and is never indexed.
 *
 * cjk_tokenize is pure (no SQLite) for the unit tests and the fuzzer;
 * cjk_tokenizer_register installs it on a connection (store.c does this on
 * every connection it opens, read-only ones included). */
#ifndef HM_STORE_CJK_TOKENIZER_H
#define HM_STORE_CJK_TOKENIZER_H

#include <stdbool.h>

/* Longest token in bytes (words are cut there; a bigram is at most 8). */
#define CJK_TOKEN_MAX 64
/* The tokenizer's name in CREATE VIRTUAL TABLE … tokenize='hm_cjk'. */
#define CJK_TOKENIZER_NAME "hm_cjk"

typedef enum { CJK_DOCUMENT = 0, CJK_QUERY = 1 } cjk_mode;

/* Called for each token: tok/len its text (not NUL-terminated; borrowed for
 * the call), start/end its byte offsets in the input, colocated true when
 * it stands at the position of the token before it. A non-zero return
 * stops tokenizing and is returned by cjk_tokenize. */
typedef int (*cjk_token_fn)(void *ctx, bool colocated, const char *tok, int len, int start, int end);

/* Tokenize len bytes of text (any bytes; invalid UTF-8 separates). Returns
 * 0, or the first non-zero value fn returned. */
int cjk_tokenize(const char *text, int len, cjk_mode mode, cjk_token_fn fn, void *ctx);

/* Is cp a CJK ideograph (a character that forms bigrams)? */
bool cjk_is_ideograph(unsigned cp);
/* Is tok (len bytes) exactly one CJK ideograph — a unigram token? */
bool cjk_is_unigram(const char *tok, int len);

struct sqlite3;
/* Register the tokenizer with the FTS5 module of db, and the function
 * hm_hotline_fts through which the triggers of db/migrations/0017 keep the
 * hotline's index in step (see cjk_tokenizer.c for why a function). Returns
 * an SQLite result code (SQLITE_OK = 0). */
int cjk_tokenizer_register(struct sqlite3 *db);

#endif
