/* Chinese full-text search: the hm_cjk tokenizer (src/store/cjk_tokenizer.c)
 * on pure CJK, mixed, digits, punctuation, emoji, 4-byte and invalid UTF-8;
 * the query → FTS5 expression builder (src/hotline/hotline_search.c); and
 * the index of db/migrations/0017 kept in step by its triggers through
 * inserts, updates and deletes, on a real store in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotline/hotline_search.h"
#include "store/cjk_tokenizer.h"
#include "store/store.h"

/* Tokens joined as "tok tok …", a colocated one as "=tok", offsets checked. */
typedef struct collect {
	const char *text;
	char out[2048];
	size_t len;
} collect;

static int collect_token(void *arg, bool colocated, const char *tok, int len, int start, int end)
{
	collect *c = arg;
	assert_true(len > 0 && len <= CJK_TOKEN_MAX);
	assert_true(start >= 0 && start < end);
	int n = snprintf(c->out + c->len, sizeof c->out - c->len, "%s%s%.*s", c->len ? " " : "", colocated ? "=" : "",
			 len, tok);
	assert_true(n > 0 && (size_t)n < sizeof c->out - c->len);
	c->len += (size_t)n;
	return 0;
}

static const char *tokens(const char *text, int len, cjk_mode mode)
{
	static collect c;
	memset(&c, 0, sizeof c);
	c.text = text;
	assert_int_equal(cjk_tokenize(text, len, mode, collect_token, &c), 0);
	return c.out;
}
#define DOC(s) tokens((s), (int)strlen(s), CJK_DOCUMENT)
#define QRY(s) tokens((s), (int)strlen(s), CJK_QUERY)

static void test_pure_cjk(void **state)
{
	(void)state;
	assert_string_equal(DOC("夜间噪音扰民"), "夜间 间噪 噪音 音扰 扰民 =民");
	assert_string_equal(QRY("夜间噪音扰民"), "夜间 间噪 噪音 音扰 扰民");
	assert_string_equal(DOC("噪音"), "噪音 =音");
	assert_string_equal(QRY("噪音"), "噪音");
	/* a character standing alone is a unigram, in both modes */
	assert_string_equal(DOC("水"), "水");
	assert_string_equal(QRY("水"), "水");
	assert_string_equal(DOC(""), "");
}

static void test_mixed_ascii_cjk(void **state)
{
	(void)state;
	assert_string_equal(DOC("A栋漏水，WiFi断了"), "a 栋漏 漏水 =水 wifi 断了 =了");
	assert_string_equal(QRY("A栋"), "a 栋");
	assert_string_equal(DOC("12345热线"), "12345 热线 =线");
	assert_string_equal(DOC("3号楼2单元"), "3 号楼 =楼 2 单元 =元");
	/* full-width letters and digits fold to ASCII */
	assert_string_equal(DOC("ＡＢＣ１２３"), "abc123");
	/* accented letters stay part of words, not separators */
	assert_string_equal(DOC("café噪音"), "café 噪音 =音");
}

static void test_digits(void **state)
{
	(void)state;
	assert_string_equal(QRY("2024年3月20日"), "2024 年 3 月 20 日");
	assert_string_equal(DOC("0632-3311161"), "0632 3311161");
	assert_string_equal(DOC("二〇二四年"), "二〇 〇二 二四 四年 =年");
}

/* Offsets of each token: "start-end" list. */
static int offset_token(void *arg, bool colocated, const char *tok, int len, int start, int end)
{
	collect *c = arg;
	(void)tok;
	(void)len;
	int k = snprintf(c->out + c->len, sizeof c->out - c->len, "%s%s%d-%d", c->len ? " " : "", colocated ? "=" : "",
			 start, end);
	c->len += (size_t)k;
	return 0;
}

static void test_offsets(void **state)
{
	(void)state;
	collect c;
	memset(&c, 0, sizeof c);
	/* 夜 间 噪 are 3 bytes each; "ab" at 10 */
	const char *t = "夜间噪 ab";
	cjk_tokenize(t, (int)strlen(t), CJK_DOCUMENT, offset_token, &c);
	assert_string_equal(c.out, "0-6 3-9 =6-9 10-12");
}

static void test_punctuation(void **state)
{
	(void)state;
	assert_string_equal(DOC("噪音，扰民！"), "噪音 =音 扰民 =民");
	assert_string_equal(DOC("“供暖”不热…"), "供暖 =暖 不热 =热");
	assert_string_equal(DOC("，。！？、；：…—·《》【】（）"), "");
	assert_string_equal(DOC("   \t\n"), "");
	assert_string_equal(DOC("a-b_c.d"), "a b c d");
}

static void test_emoji_and_four_byte(void **state)
{
	(void)state;
	/* emoji are separators */
	assert_string_equal(DOC("噪音😡扰民"), "噪音 =音 扰民 =民");
	assert_string_equal(DOC("😡😡😡"), "");
	/* a 4-byte ideograph of Extension B (𠮷, U+20BB7) forms bigrams */
	assert_string_equal(DOC("𠮷野家"), "𠮷野 野家 =家");
	assert_string_equal(QRY("𠮷"), "𠮷");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* invalid bytes separate and never crash or over-read */
	static const char bad1[] = "噪\xff音";
	assert_string_equal(tokens(bad1, (int)sizeof bad1 - 1, CJK_DOCUMENT), "噪 音");
	static const char trunc[] = "噪音\xe5\x99"; /* a character cut short at the end */
	assert_string_equal(tokens(trunc, (int)sizeof trunc - 1, CJK_DOCUMENT), "噪音 =音");
	static const char overlong[] = "\xc0\xaf" "ab" "\xe0\x80\xaf"; /* overlong '/' forms */
	assert_string_equal(tokens(overlong, (int)sizeof overlong - 1, CJK_DOCUMENT), "ab");
	static const char surrogate[] = "\xed\xa0\x80x"; /* U+D800 */
	assert_string_equal(tokens(surrogate, (int)sizeof surrogate - 1, CJK_DOCUMENT), "x");
	static const char nul[] = "ab\0cd";
	assert_string_equal(tokens(nul, (int)sizeof nul - 1, CJK_DOCUMENT), "ab cd");
	/* every prefix of a mixed string tokenizes (bounds) */
	const char *s = "A栋😡漏水\xf0\x9f";
	for (int i = 0; i <= (int)strlen(s); i++)
		tokens(s, i, CJK_DOCUMENT);
}

static void test_long_word_cut(void **state)
{
	(void)state;
	char w[200];
	memset(w, 'x', sizeof w - 1);
	w[sizeof w - 1] = '\0';
	const char *t = DOC(w);
	assert_int_equal(strlen(t), CJK_TOKEN_MAX);
}

static int stop_after_one(void *arg, bool colocated, const char *tok, int len, int start, int end)
{
	(void)colocated;
	(void)tok;
	(void)len;
	(void)start;
	(void)end;
	(*(int *)arg)++;
	return 7;
}

static void test_callback_stops(void **state)
{
	(void)state;
	int calls = 0;
	assert_int_equal(cjk_tokenize("夜间噪音", (int)strlen("夜间噪音"), CJK_DOCUMENT, stop_after_one, &calls), 7);
	assert_int_equal(calls, 1);
}

/* ---- the query builder ----------------------------------------------------- */

static const char *match_ok(const char *q)
{
	static char out[HOTLINE_SEARCH_MATCH_MAX];
	hm_error e;
	hm_error_clear(&e);
	if (hotline_search_match(q, out, sizeof out, &e) != HM_OK)
		fail_msg("%s refused: %s", q, hm_error_message(&e));
	return out;
}

static void match_refused(const char *q, hm_err want)
{
	char out[HOTLINE_SEARCH_MATCH_MAX];
	hm_error e;
	hm_error_clear(&e);
	assert_int_equal(hotline_search_match(q, out, sizeof out, &e), want);
	assert_string_equal(e.field, "q");
}

static void test_match_expression(void **state)
{
	(void)state;
	assert_string_equal(match_ok("噪音"), "\"噪音\"");
	assert_string_equal(match_ok("噪音扰民"), "\"噪音\" + \"音扰\" + \"扰民\"");
	assert_string_equal(match_ok(" 噪音　扰民 "), "\"噪音\" AND \"扰民\"");
	assert_string_equal(match_ok("水"), "\"水\"*");
	assert_string_equal(match_ok("A栋"), "\"a\" + \"栋\"*");
	assert_string_equal(match_ok("WiFi"), "\"wifi\"");
	/* FTS5 syntax in the input is only text: quotes, operators, columns */
	assert_string_equal(match_ok("\"噪音\" OR content:x*"), "\"噪音\" AND \"or\" AND \"content\" + \"x\"");
	assert_string_equal(match_ok("NEAR(噪音"), "\"near\" + \"噪音\"");
	/* a word of punctuation between others is dropped */
	assert_string_equal(match_ok("噪音 ！！ 扰民"), "\"噪音\" AND \"扰民\"");
}

static void test_match_refused(void **state)
{
	(void)state;
	match_refused("", HM_E_SEARCH_EMPTY);
	match_refused("  　 ", HM_E_SEARCH_EMPTY);
	match_refused("，。！", HM_E_SEARCH_NO_TERMS);
	match_refused("😡 😡", HM_E_SEARCH_NO_TERMS);
	match_refused("\"\"", HM_E_SEARCH_NO_TERMS);
	char lng[200] = "";
	for (int i = 0; i < 51; i++)
		strcat(lng, "噪");
	match_refused(lng, HM_E_SEARCH_TOO_LONG);
	match_refused("a b c d e f g h i", HM_E_SEARCH_TOO_LONG);
	match_ok("a b c d e f g h");
	char fifty[200] = "";
	for (int i = 0; i < 50; i++)
		strcat(fifty, "噪");
	match_ok(fifty);
}

static void piece(const char *text, size_t len, bool hit, void *arg)
{
	collect *c = arg;
	int n = snprintf(c->out + c->len, sizeof c->out - c->len, "%s%.*s%s", hit ? "[" : "", (int)len, text,
			 hit ? "]" : "");
	c->len += (size_t)n;
}

/* The appeal list's q: the search's expression, limited to content and place;
 * the search's refusals, with field q. */
static void test_list_match(void **state)
{
	(void)state;
	char out[HOTLINE_SEARCH_MATCH_MAX];
	hm_error e;
	hm_error_clear(&e);
	assert_int_equal(hotline_list_match("噪音 供暖", out, sizeof out, &e), HM_OK);
	char want[HOTLINE_SEARCH_MATCH_MAX + 32];
	snprintf(want, sizeof want, "{content place} : (%s)", match_ok("噪音 供暖"));
	assert_string_equal(out, want);
	static const struct {
		const char *q;
		hm_err err;
	} bad[] = {{"", HM_E_SEARCH_EMPTY}, {"，。！？", HM_E_SEARCH_NO_TERMS}, {"a b c d e f g h i", HM_E_SEARCH_TOO_LONG}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hm_error_clear(&e);
		assert_int_equal(hotline_list_match(bad[i].q, out, sizeof out, &e), bad[i].err);
		assert_string_equal(e.field, "q");
	}
	/* too small a buffer for the column filter is too long, never cut */
	hm_error_clear(&e);
	assert_int_equal(hotline_list_match("噪音", out, 20, &e), HM_E_SEARCH_TOO_LONG);
}

static void test_snippet_pieces(void **state)
{
	(void)state;
	collect c;
	memset(&c, 0, sizeof c);
	hotline_snippet_pieces("…夜间\x01噪音\x02扰民\x01水\x02", piece, &c);
	assert_string_equal(c.out, "…夜间[噪音]扰民[水]");
	memset(&c, 0, sizeof c);
	hotline_snippet_pieces("", piece, &c);
	assert_string_equal(c.out, "");
}

/* ---- the index on a real store --------------------------------------------- */

typedef struct fixture {
	char dir[32];
	char path[64];
	hm_store *store;
	hm_db *db;
} fixture;

static int db_setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/hm-unit-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/huimin.db", f->dir);
	hm_error e;
	hm_error_clear(&e);
	f->store = store_open(f->path, &(store_options){.create = true, .migrate = true}, &e);
	if (!f->store) {
		fprintf(stderr, "store_open: %s\n", hm_error_message(&e));
		return -1;
	}
	f->db = store_conn(f->store, &e);
	*state = f;
	return f->db ? 0 : -1;
}

static int db_teardown(void **state)
{
	fixture *f = *state;
	store_close(f->store);
	char p[128];
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void exec(hm_db *db, const char *sql)
{
	hm_error e;
	hm_error_clear(&e);
	if (db_exec(db, sql, &e) != HM_OK)
		fail_msg("%s: %s", sql, hm_error_message(&e));
}

/* Appeals whose index matches the query q (built by hotline_search_match), as "id id …". */
static const char *hits(hm_db *db, const char *q)
{
	static char out[256];
	char match[HOTLINE_SEARCH_MATCH_MAX];
	hm_error e;
	hm_error_clear(&e);
	assert_int_equal(hotline_search_match(q, match, sizeof match, &e), HM_OK);
	hm_stmt *st = db_stmt(db, "SELECT rowid FROM hotline_appeals_fts WHERE hotline_appeals_fts MATCH $1 ORDER BY rowid", &e);
	assert_non_null(st);
	db_bind_text(st, 1, match);
	size_t len = 0;
	out[0] = '\0';
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld", len ? " " : "", (long long)db_col_int(st, 0));
	assert_int_equal(rc, DB_DONE);
	return out;
}

/* FTS5's own check that the index agrees with hotline_appeals. */
static void index_intact(hm_db *db)
{
	exec(db, "INSERT INTO hotline_appeals_fts (hotline_appeals_fts, rank) VALUES ('integrity-check', 1)");
}

#define APPEAL(id, content, place)                                                                                  \
	"INSERT INTO hotline_appeals (id, channel, line, kind, anonymous, caller_name, caller_phone, place, content,"    \
	" category, catalog_version, emergency, status, created_at, updated_at) VALUES (" #id ", 'web', '', 'complaint'," \
	" 1, '', '', '" place "', '" content "', 'police.public_order', 1, 0, 'registered', 0, 0)"

static void test_index_follows_table(void **state)
{
	fixture *f = *state;
	exec(f->db, APPEAL(1, "夜间噪音扰民，已反映多次", "市中区光明路"));
	exec(f->db, APPEAL(2, "小区门口占道经营", "薛城区临城街道"));
	exec(f->db, APPEAL(3, "供暖不热，拖欠工资", "滕州市"));
	index_intact(f->db);
	assert_string_equal(hits(f->db, "噪音"), "1");
	assert_string_equal(hits(f->db, "占道经营"), "2");
	assert_string_equal(hits(f->db, "光明路"), "1");
	assert_string_equal(hits(f->db, "经营 临城"), "2");
	assert_string_equal(hits(f->db, "暖"), "3");
	assert_string_equal(hits(f->db, "民"), "1"); /* last character of a run */
	assert_string_equal(hits(f->db, "扰民噪音"), "");
	/* a reply is found; a change of the text re-indexes */
	exec(f->db, "UPDATE hotline_appeals SET reply = '已联系施工单位，夜间停止噪音作业', status = 'replied' WHERE id = 2");
	assert_string_equal(hits(f->db, "噪音"), "1 2");
	assert_string_equal(hits(f->db, "施工单位"), "2");
	exec(f->db, "UPDATE hotline_appeals SET content = '供暖温度不达标' WHERE id = 3");
	assert_string_equal(hits(f->db, "拖欠工资"), "");
	assert_string_equal(hits(f->db, "温度"), "3");
	/* a change of other columns leaves the index alone, and in step */
	exec(f->db, "UPDATE hotline_appeals SET status = 'merged', main_id = 1 WHERE id = 3");
	assert_string_equal(hits(f->db, "温度"), "3");
	exec(f->db, "UPDATE hotline_appeals SET answer = '供暖季为11月15日至次年3月15日' WHERE id = 3");
	assert_string_equal(hits(f->db, "供暖季"), "3");
	index_intact(f->db);
	/* a deleted appeal leaves the index */
	exec(f->db, "DELETE FROM hotline_appeals WHERE id = 2");
	assert_string_equal(hits(f->db, "噪音"), "1");
	assert_string_equal(hits(f->db, "施工单位"), "");
	assert_string_equal(hits(f->db, "临城"), "");
	index_intact(f->db);
}

static void test_index_read_only_connection(void **state)
{
	fixture *f = *state;
	exec(f->db, APPEAL(7, "楼上装修噪音", "峄城区"));
	/* verify opens the file read-only: the tokenizer must be there too */
	hm_error e;
	hm_error_clear(&e);
	hm_store *ro = store_open(f->path, &(store_options){.read_only = true}, &e);
	assert_non_null(ro);
	hm_db *db = store_conn(ro, &e);
	assert_non_null(db);
	assert_string_equal(hits(db, "噪音"), "7");
	store_close(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pure_cjk),
		cmocka_unit_test(test_mixed_ascii_cjk),
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_punctuation),
		cmocka_unit_test(test_emoji_and_four_byte),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_long_word_cut),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_match_expression),
		cmocka_unit_test(test_match_refused),
		cmocka_unit_test(test_list_match),
		cmocka_unit_test(test_snippet_pieces),
		cmocka_unit_test_setup_teardown(test_index_follows_table, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_index_read_only_connection, db_setup, db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
