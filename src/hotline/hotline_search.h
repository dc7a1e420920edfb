/* Full-text search over the hotline's appeals (issue 7 item 7): the
 * caller's words (content), the place, the department's reply and the
 * answer given at intake, through the FTS5 index hotline_appeals_fts
 * (db/migrations/0017_hotline_search.sql, tokenizer hm_cjk in
 * src/store/cjk_tokenizer.h).
 *
 * The user's text never reaches SQL as SQL: hotline_search_match cuts it
 * into tokens with the index's own tokenizer and writes an FTS5 expression
 * in which every token is a quoted FTS5 string; that expression is bound
 * as the MATCH parameter. Words separated by spaces must all occur (AND);
 * within a word the tokens form a phrase (consecutive bigrams). A single
 * Chinese character standing alone is matched as a prefix, so 水 finds
 * 水管 and 停水 alike (the tokenizer indexes a run's last character for it).
 *
 * Search obeys the list's scope: a department clerk finds only appeals
 * dispatched to one of their departments. Results never carry the
 * caller's name or phone. */
#ifndef HM_HOTLINE_HOTLINE_SEARCH_H
#define HM_HOTLINE_HOTLINE_SEARCH_H

#include <stddef.h>

#include "hotline/hotline.h"

/* Longest query, in characters; words (space-separated terms) at most. */
#define HOTLINE_SEARCH_MAX_CHARS 50
#define HOTLINE_SEARCH_MAX_TERMS 8
/* Room for any expression of a query within the limits above. */
#define HOTLINE_SEARCH_MATCH_MAX 4096

/* The FTS5 MATCH expression for the query q, into out (n bytes). Errors,
 * all with field "q": HM_E_SEARCH_EMPTY (nothing but spaces),
 * HM_E_SEARCH_TOO_LONG (over HOTLINE_SEARCH_MAX_CHARS characters or
 * HOTLINE_SEARCH_MAX_TERMS words), HM_E_SEARCH_NO_TERMS (no letter, digit
 * or Chinese character: punctuation, emoji only). */
hm_err hotline_search_match(const char *q, char *out, size_t n, hm_error *e);

/* The same, limited to the columns the appeal list's q searches (content
 * and place), for hotline_appeal_list. Same errors. */
hm_err hotline_list_match(const char *q, char *out, size_t n, hm_error *e);

/* One piece of a snippet: text, and whether it is a hit to highlight. */
typedef void (*hotline_snippet_visit)(const char *text, size_t len, bool hit, void *arg);
/* Split a snippet made with HOTLINE_MARK_OPEN/CLOSE around hits into pieces. */
void hotline_snippet_pieces(const char *snippet, hotline_snippet_visit visit, void *arg);
#define HOTLINE_MARK_OPEN "\x01"
#define HOTLINE_MARK_CLOSE "\x02"

/* A hit: the appeal as hotline_appeal_get loads it (in the caller's scope)
 * and a snippet of the best-matching field with hits between the marks. */
typedef void (*hotline_search_visit)(const hotline_appeal *a, const char *snippet, void *arg);
/* Page (1-based) of size hits, newest appeal first; *total gets the number
 * of hits in scope. hotline_search_match's errors for a bad q. */
hm_err hotline_search(const hotline_ctx *c, const char *q, int page, int size, hotline_search_visit visit, void *arg,
		      int64_t *total, hm_error *e);

#endif
