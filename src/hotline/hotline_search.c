/* Full-text search over appeals: the query → FTS5 expression builder (pure,
 * unit tested), shared with the appeal list's q (hotline_db_list), and the
 * search query with its scope. */
#include "hotline/hotline_search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/cjk_tokenizer.h"

/* ---- the query ------------------------------------------------------------ */

typedef struct expr {
	char *out;
	size_t n, len;
	int tokens;       /* in the current term */
	bool overflow;
} expr;

static void put(expr *x, const char *s, size_t len)
{
	if (x->overflow || x->len + len + 1 > x->n) {
		x->overflow = true;
		return;
	}
	memcpy(x->out + x->len, s, len);
	x->len += len;
	x->out[x->len] = '\0';
}

/* One token as an FTS5 string: double quotes around it, any inside doubled
 * (the tokenizer never makes one, but the expression must not depend on
 * that). A lone Chinese character becomes a prefix: it is indexed only
 * where it stands alone or ends a run, and as the start of its bigrams. */
static int term_token(void *arg, bool colocated, const char *tok, int len, int start, int end)
{
	expr *x = arg;
	(void)colocated;
	(void)start;
	(void)end;
	if (x->tokens++)
		put(x, " + ", 3);
	put(x, "\"", 1);
	for (int i = 0; i < len; i++)
		put(x, tok[i] == '"' ? "\"\"" : tok + i, tok[i] == '"' ? 2 : 1);
	put(x, "\"", 1);
	if (cjk_is_unigram(tok, len))
		put(x, "*", 1);
	return 0;
}

/* Length of the space at s (ASCII whitespace or U+3000 ideographic space), 0 if none. */
static size_t space_at(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		return 1;
	if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
		return 3;
	return 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

hm_err hotline_search_match(const char *q, char *out, size_t n, hm_error *e)
{
	if (n)
		out[0] = '\0';
	const char *p = q;
	while (*p && space_at(p))
		p += space_at(p);
	if (!*p)
		return hm_fail(e, HM_E_SEARCH_EMPTY, "q");
	if (utf8_chars(q) > HOTLINE_SEARCH_MAX_CHARS)
		return hm_fail(e, HM_E_SEARCH_TOO_LONG, "q");
	expr x = {out, n, 0, 0, false};
	int terms = 0;
	while (*p) {
		const char *start = p;
		while (*p && !space_at(p))
			p++;
		size_t before = x.len;
		if (terms)
			put(&x, " AND ", 5);
		x.tokens = 0;
		cjk_tokenize(start, (int)(p - start), CJK_QUERY, term_token, &x);
		if (x.tokens == 0) {
			/* a word of punctuation or emoji only: drop it, with its AND */
			x.len = before;
			if (n)
				out[before] = '\0';
		} else if (++terms > HOTLINE_SEARCH_MAX_TERMS)
			return hm_fail(e, HM_E_SEARCH_TOO_LONG, "q");
		while (*p && space_at(p))
			p += space_at(p);
	}
	if (x.overflow)
		return hm_fail(e, HM_E_SEARCH_TOO_LONG, "q");
	if (!terms)
		return hm_fail(e, HM_E_SEARCH_NO_TERMS, "q");
	return HM_OK;
}

hm_err hotline_list_match(const char *q, char *out, size_t n, hm_error *e)
{
	char inner[HOTLINE_SEARCH_MATCH_MAX];
	hm_err err = hotline_search_match(q, inner, sizeof inner, e);
	if (err)
		return err;
	/* an FTS5 column filter on the whole expression: every phrase of it */
	int len = snprintf(out, n, "{content place} : (%s)", inner);
	if (len < 0 || (size_t)len >= n)
		return hm_fail(e, HM_E_SEARCH_TOO_LONG, "q");
	return HM_OK;
}

void hotline_snippet_pieces(const char *s, hotline_snippet_visit visit, void *arg)
{
	bool hit = false;
	while (*s) {
		size_t len = strcspn(s, HOTLINE_MARK_OPEN HOTLINE_MARK_CLOSE);
		if (len)
			visit(s, len, hit, arg);
		s += len;
		if (*s) {
			hit = *s == HOTLINE_MARK_OPEN[0];
			s++;
		}
	}
}

/* ---- the search ----------------------------------------------------------- */

/* The list's scope (hotline_db.c SCOPE) on the index row f, with the scope
 * in $1: 0 = everything, else a department clerk's user id, who reaches an
 * appeal only through its active dispatch to one of their departments.
 * Keep the two in step. */
#define SEARCH_SCOPE                                                                                        \
	" ($1 = 0 OR EXISTS (SELECT 1 FROM hotline_dispatches sd JOIN hotline_department_members sm"     \
	" ON sm.department_id = sd.department_id WHERE sd.appeal_id = f.rowid AND sd.active = 1 AND sm.user_id = $1))"

hm_err hotline_search(const hotline_ctx *c, const char *q, int page, int size, hotline_search_visit visit, void *arg,
		      int64_t *total, hm_error *e)
{
	char match[HOTLINE_SEARCH_MATCH_MAX];
	hm_err err = hotline_search_match(q, match, sizeof match, e);
	if (err)
		return err;
	int64_t scope = hotline_scope(c->user);
	hm_stmt *st = db_stmt(c->db,
			      "SELECT count(*) FROM hotline_appeals_fts f WHERE" SEARCH_SCOPE
			      " AND f.hotline_appeals_fts MATCH $2",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_text(st, 2, match);
	if (db_step(st) != DB_ROW)
		return db_error(c->db, e);
	*total = db_col_int(st, 0);
	/* newest first: FTS5 walks its doclists by rowid in either direction and
	 * stops at the LIMIT, so a page costs the same at a million appeals */
	st = db_stmt(c->db,
		     "SELECT f.rowid, snippet(hotline_appeals_fts, -1, char(1), char(2), '…', 24)"
		     " FROM hotline_appeals_fts f WHERE" SEARCH_SCOPE " AND f.hotline_appeals_fts MATCH $2"
		     " ORDER BY f.rowid DESC LIMIT $3 OFFSET $4",
		     e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, scope);
	db_bind_text(st, 2, match);
	db_bind_int(st, 3, size);
	db_bind_int(st, 4, (int64_t)(page - 1) * size);
	/* collect the page first: loading an appeal runs other statements */
	enum { PAGE_MAX = 100 };
	int64_t ids[PAGE_MAX];
	char *snips[PAGE_MAX];
	int nhits = 0, rc;
	while ((rc = db_step(st)) == DB_ROW && nhits < PAGE_MAX) {
		ids[nhits] = db_col_int(st, 0);
		snips[nhits] = strdup(db_col_text(st, 1));
		if (!snips[nhits])
			break;
		nhits++;
	}
	err = rc == DB_ROW || rc == DB_DONE ? HM_OK : db_error(c->db, e);
	if (!err && rc == DB_ROW && nhits < PAGE_MAX)
		err = hm_fail(e, HM_E_INTERNAL, NULL); /* strdup failed */
	db_release(c->db);
	hotline_appeal *a = err ? NULL : malloc(sizeof *a);
	if (!err && !a)
		err = hm_fail(e, HM_E_INTERNAL, NULL);
	for (int i = 0; i < nhits && !err; i++) {
		hm_error ge;
		hm_error_clear(&ge);
		hm_err g = hotline_appeal_get(c, ids[i], a, &ge);
		if (g == HM_OK)
			visit(a, snips[i], arg);
		else if (g != HM_E_APPEAL_NOT_FOUND) {
			*e = ge;
			err = g;
		}
	}
	free(a);
	for (int i = 0; i < nhits; i++)
		free(snips[i]);
	return err;
}
