/* json_text writes every reply: a client must get exactly the text
 * Jansson's json_dumps(JSON_COMPACT) would have written — same escapes,
 * same key order, same numbers — or nothing when a string is not UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/json_text.h"

/* json_text(j) equals json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY). */
static void same_as_jansson(json_t *j)
{
	char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len = 99;
	char *got = json_text(j, &len);
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	free(want);
	free(got);
	json_decref(j);
}

static void test_every_ascii_character_is_escaped_as_jansson_does(void **state)
{
	(void)state;
	for (int c = 0; c < 0x80; c++) {
		char s[4] = {'a', (char)c, 'z', 0};
		same_as_jansson(json_stringn(s, 3));
	}
	/* a NUL inside a string, and one at each end */
	same_as_jansson(json_stringn("a\0b", 3));
	same_as_jansson(json_stringn("\0", 1));
	same_as_jansson(json_string(""));
	same_as_jansson(json_string("\"\\/\b\f\n\r\t\x01\x1f\x7f"));
}

static void test_chinese_and_four_byte_characters_are_written_as_they_are(void **state)
{
	(void)state;
	same_as_jansson(json_string("枣庄市山亭区慈善总会"));
	same_as_jansson(json_string("《市长上线》\n“惠民”—〇"));
	same_as_jansson(json_string("\xf0\x9f\x98\x80 \xf0\xa0\x80\x80 \xc2\xa9 \xef\xbf\xbd"));
	size_t len;
	json_t *j = json_string("枣庄");
	char *t = json_text(j, &len);
	assert_string_equal(t, "\"枣庄\"");
	free(t);
	json_decref(j);
}

static void test_numbers_and_literals(void **state)
{
	(void)state;
	json_int_t ints[] = {0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		same_as_jansson(json_integer(ints[i]));
	double reals[] = {0.0, 0.5, -2.25, 3.0, 1e300, 1e-300, 1.0 / 3, 12345678.9};
	for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
		same_as_jansson(json_real(reals[i]));
	same_as_jansson(json_true());
	same_as_jansson(json_false());
	same_as_jansson(json_null());
}

static void test_containers_keep_their_order_and_nesting(void **state)
{
	(void)state;
	same_as_jansson(json_object());
	same_as_jansson(json_array());
	same_as_jansson(json_pack("{s:[], s:{}, s:[{}], s:{s:[]}}", "a", "b", "c", "d", "e"));
	/* insertion order, not alphabetical: the replies' fields read in the
	 * order the handlers set them */
	same_as_jansson(json_pack("{s:i, s:i, s:i, s:s}", "zeta", 1, "alpha", 2, "mid", 3, "键\"名\n", "值"));
	same_as_jansson(json_pack("{s:[i, s, b, n, f, {s:[s, [i]]}]}", "items", 1, "x", 1, 2.5, "k", "y", -7));
	/* a reply's size: many members, growing the buffer several times */
	json_t *items = json_array();
	for (int i = 0; i < 500; i++)
		json_array_append_new(items, json_pack("{s:i, s:s, s:{s:s}, s:b}", "id", i, "name", "梁思晨", "org", "code",
						       "370481", "overdue", i % 2));
	same_as_jansson(json_pack("{s:o, s:i}", "items", items, "total", 500));
}

static void test_text_that_is_not_utf8_gives_no_reply_text(void **state)
{
	(void)state;
	const char *bad[] = {
		"\xff",         /* never in UTF-8 */
		"\xc0\x80",     /* overlong NUL */
		"\xe0\x80\xaf", /* overlong slash */
		"\xed\xa0\x80", /* a surrogate */
		"\xf4\x90\x80\x80", /* past U+10FFFF */
		"\xe6\x9e",     /* cut short */
		"\x80",         /* a continuation alone */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *s = json_stringn_nocheck(bad[i], strlen(bad[i]));
		json_t *j = json_pack("{s:s, s:o}", "ok", "好", "bad", s);
		size_t len;
		assert_null(json_dumps(j, JSON_COMPACT));
		assert_null(json_text(j, &len));
		json_decref(j);
	}
}

/* Random trees of every kind of value, compared with Jansson's text. */
static json_t *random_value(unsigned *seed, int depth)
{
	static const char *const words[] = {"", "a", "帮扶", "\"", "\\", "\n\t", "\x01", "/", "《》", "\xf0\x9f\x98\x80"};
	int kind = rand_r(seed) % (depth < 4 ? 8 : 6);
	switch (kind) {
	case 0: return json_integer((json_int_t)rand_r(seed) * (rand_r(seed) % 2 ? 1 : -1) * 4099);
	case 1: return json_string(words[rand_r(seed) % 10]);
	case 2: return json_boolean(rand_r(seed) % 2);
	case 3: return json_null();
	case 4: return json_real((double)rand_r(seed) / 7.0);
	case 5: {
		char s[24];
		snprintf(s, sizeof s, "%s%d%s", words[rand_r(seed) % 10], rand_r(seed) % 100, words[rand_r(seed) % 10]);
		return json_string(s);
	}
	case 6: {
		json_t *a = json_array();
		for (int n = rand_r(seed) % 6; n > 0; n--)
			json_array_append_new(a, random_value(seed, depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (int n = rand_r(seed) % 6; n > 0; n--) {
			char key[24];
			snprintf(key, sizeof key, "%s%d", words[rand_r(seed) % 10], rand_r(seed) % 50);
			json_object_set_new(o, key, random_value(seed, depth + 1));
		}
		return o;
	}
	}
}

static void test_random_trees_match_jansson(void **state)
{
	(void)state;
	unsigned seed = 6;
	for (int i = 0; i < 3000; i++)
		same_as_jansson(random_value(&seed, 0));
}

/* Written value by value, the text is what Jansson writes for the same
 * value: commas between members and items, none after a key, nested
 * containers, values of Jansson's own inside. */
static void test_written_by_parts_matches_the_same_value(void **state)
{
	(void)state;
	json_out o = {0};
	jo_open_obj(&o);
	jo_key(&o, "items");
	jo_open_arr(&o);
	for (int i = 0; i < 3; i++) {
		jo_open_obj(&o);
		jo_kint(&o, "id", i);
		jo_kstr(&o, "name", "王\"奶奶\"");
		jo_key(&o, "aid");
		jo_open_arr(&o);
		jo_close_arr(&o);
		jo_kbool(&o, "paid", i == 1);
		jo_key(&o, "due");
		jo_null(&o);
		jo_close_obj(&o);
	}
	jo_close_arr(&o);
	jo_key(&o, "extra");
	json_t *extra = json_pack("{s:{s:I, s:[i, s]}}", "payment", "amount", (json_int_t)350000, "x", 1, "二");
	jo_value(&o, extra);
	jo_key(&o, "total");
	jo_int(&o, -3);
	jo_close_obj(&o);
	size_t len;
	char *got = jo_finish(&o, &len);
	assert_null(o.p);
	json_t *want = json_pack("{s:[{s:i, s:s, s:[], s:b, s:n}, {s:i, s:s, s:[], s:b, s:n}, {s:i, s:s, s:[], s:b, s:n}],"
				 " s:O, s:i}",
				 "items", "id", 0, "name", "王\"奶奶\"", "aid", "paid", 0, "due", "id", 1, "name",
				 "王\"奶奶\"", "aid", "paid", 1, "due", "id", 2, "name", "王\"奶奶\"", "aid", "paid", 0,
				 "due", "extra", extra, "total", -3);
	char *want_text = json_dumps(want, JSON_COMPACT);
	assert_string_equal(got, want_text);
	assert_int_equal(len, strlen(want_text));
	free(got);
	free(want_text);
	json_decref(want);
	json_decref(extra);
	/* a string that is not UTF-8 anywhere in it: no text at all */
	jo_open_arr(&o);
	jo_str(&o, "好\xff");
	jo_close_arr(&o);
	assert_null(jo_finish(&o, &len));
	/* dropped half-way: nothing left behind (ASan build) */
	jo_open_obj(&o);
	jo_key(&o, "a");
	jo_fini(&o);
	assert_null(o.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_ascii_character_is_escaped_as_jansson_does),
		cmocka_unit_test(test_chinese_and_four_byte_characters_are_written_as_they_are),
		cmocka_unit_test(test_numbers_and_literals),
		cmocka_unit_test(test_containers_keep_their_order_and_nesting),
		cmocka_unit_test(test_text_that_is_not_utf8_gives_no_reply_text),
		cmocka_unit_test(test_random_trees_match_jansson),
		cmocka_unit_test(test_written_by_parts_matches_the_same_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
