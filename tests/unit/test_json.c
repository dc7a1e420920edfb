/* The one input checker every route goes through (json_check), and route
 * matching. A client that sends something wrong gets the error code and the
 * field it should fix; these tests pin both down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/http.h"
#include "http/server.h"

static const jfield guardian_spec[] = {
	{.name = "name", .type = JF_STRING, .required = true, .min = 1, .max = 32},
	{.name = "phone", .type = JF_STRING, .min = 0, .max = 20},
	{0},
};

static const jfield spec[] = {
	{.name = "name", .type = JF_STRING, .required = true, .min = 1, .max = 32},
	{.name = "note", .type = JF_STRING, .min = 0, .max = 200},
	{.name = "age", .type = JF_INT, .min = 0, .max = 17},
	{.name = "emergency", .type = JF_BOOL},
	{.name = "aid", .type = JF_OBJECT, .min = 0, .max = 100000000}, /* fen per kind */
	{.name = "categories", .type = JF_STRING_ARRAY, .min = 1, .max = 3, .item_max = 32},
	{.name = "guardian", .type = JF_OBJECT, .fields = guardian_spec},
	{0},
};

typedef struct outcome {
	hm_err err;
	char field[64];
} outcome;

/* Parse text (which must be valid JSON) and check it against spec. */
static outcome check(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	hm_error e;
	outcome o;

	if (!j)
		fail_msg("test input is not JSON: %s: %s", text, je.text);
	hm_error_clear(&e);
	o.err = json_check(j, spec, &e);
	assert_int_equal(o.err, e.err);
	snprintf(o.field, sizeof o.field, "%s", e.field);
	json_decref(j);
	return o;
}

#define assert_refused(text, want_err, want_field)                  \
	do {                                                        \
		outcome o_ = check(text);                           \
		assert_int_equal(o_.err, (want_err));               \
		assert_string_equal(o_.field, (want_field));        \
	} while (0)

#define assert_accepted(text) assert_int_equal(check(text).err, HM_OK)

/* n copies of the three-byte character 慈 */
static char *chinese(size_t n)
{
	char *s = malloc(n * 3 + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * 3, "慈", 3);
	s[n * 3] = '\0';
	return s;
}

/* ---- fields ----------------------------------------------------------- */

static void test_complete_valid_input_is_accepted(void **state)
{
	(void)state;
	assert_accepted("{\"name\":\"张三\",\"note\":\"\",\"age\":0,\"emergency\":false,"
			"\"aid\":{\"living\":300000,\"medical\":0},\"categories\":[\"left_behind\"],"
			"\"guardian\":{\"name\":\"张父\",\"phone\":\"13912345678\"}}");
	assert_accepted("{\"name\":\"张三\",\"age\":17}");
}

static void test_unknown_field_is_named(void **state)
{
	(void)state;
	assert_refused("{\"name\":\"张三\",\"is_admin\":true}", HM_E_UNKNOWN_FIELD, "is_admin");
}

static void test_missing_required_field_is_named(void **state)
{
	(void)state;
	assert_refused("{\"age\":5}", HM_E_MISSING_FIELD, "name");
	assert_refused("{}", HM_E_MISSING_FIELD, "name");
}

static void test_empty_required_string_counts_as_missing(void **state)
{
	(void)state;
	assert_refused("{\"name\":\"\"}", HM_E_MISSING_FIELD, "name");
}

static void test_wrong_types_are_refused(void **state)
{
	(void)state;
	assert_refused("{\"name\":\"张三\",\"age\":\"5\"}", HM_E_BAD_TYPE, "age");
	assert_refused("{\"name\":5}", HM_E_BAD_TYPE, "name");
	assert_refused("{\"name\":\"张三\",\"age\":5.0}", HM_E_BAD_TYPE, "age");
	assert_refused("{\"name\":\"张三\",\"age\":5.5}", HM_E_BAD_TYPE, "age");
	assert_refused("{\"name\":\"张三\",\"age\":true}", HM_E_BAD_TYPE, "age");
	assert_refused("{\"name\":\"张三\",\"emergency\":1}", HM_E_BAD_TYPE, "emergency");
	assert_refused("{\"name\":\"张三\",\"guardian\":\"张父\"}", HM_E_BAD_TYPE, "guardian");
	assert_refused("{\"name\":\"张三\",\"categories\":\"left_behind\"}", HM_E_BAD_TYPE, "categories");
}

static void test_null_is_not_a_value_of_any_type(void **state)
{
	(void)state;
	assert_refused("{\"name\":null}", HM_E_BAD_TYPE, "name");
	assert_refused("{\"name\":\"张三\",\"age\":null}", HM_E_BAD_TYPE, "age");
	assert_refused("{\"name\":\"张三\",\"emergency\":null}", HM_E_BAD_TYPE, "emergency");
	assert_refused("{\"name\":\"张三\",\"aid\":null}", HM_E_BAD_TYPE, "aid");
	assert_refused("{\"name\":\"张三\",\"categories\":null}", HM_E_BAD_TYPE, "categories");
}

static void test_body_that_is_not_an_object_is_refused(void **state)
{
	json_t *j = json_loads("[{\"name\":\"张三\"}]", 0, NULL);
	hm_error e;

	(void)state;
	assert_non_null(j);
	hm_error_clear(&e);
	assert_int_equal(json_check(j, spec, &e), HM_E_BAD_JSON);
	json_decref(j);
}

/* ---- lengths and ranges ----------------------------------------------- */

static void test_string_length_counts_chinese_characters_not_bytes(void **state)
{
	char *c32 = chinese(32), *c33 = chinese(33);
	char text[256];

	(void)state;
	/* 32 characters are 96 bytes: still within max 32 */
	snprintf(text, sizeof text, "{\"name\":\"%s\"}", c32);
	assert_accepted(text);
	snprintf(text, sizeof text, "{\"name\":\"%s\"}", c33);
	assert_refused(text, HM_E_TOO_LONG, "name");
	free(c32);
	free(c33);
}

static void test_ascii_string_one_over_the_limit_is_too_long(void **state)
{
	(void)state;
	assert_accepted("{\"name\":\"abcdefghijklmnopqrstuvwxyz012345\"}");
	assert_refused("{\"name\":\"abcdefghijklmnopqrstuvwxyz0123456\"}", HM_E_TOO_LONG, "name");
}

static void test_integer_outside_its_range_is_refused(void **state)
{
	(void)state;
	assert_accepted("{\"name\":\"张三\",\"age\":0}");
	assert_accepted("{\"name\":\"张三\",\"age\":17}");
	assert_refused("{\"name\":\"张三\",\"age\":18}", HM_E_OUT_OF_RANGE, "age");
	assert_refused("{\"name\":\"张三\",\"age\":-1}", HM_E_OUT_OF_RANGE, "age");
	assert_refused("{\"name\":\"张三\",\"age\":9223372036854775807}", HM_E_OUT_OF_RANGE, "age");
}

/* A NUL inside a string would cut it short in C and in the database. */
static void test_string_with_embedded_nul_is_refused(void **state)
{
	outcome o;

	(void)state;
	o = check("{\"name\":\"a\\u0000b\"}");
	assert_int_not_equal(o.err, HM_OK);
	assert_string_equal(o.field, "name");
}

/* ---- nested objects --------------------------------------------------- */

static void test_map_of_amounts_names_the_bad_entry_by_dotted_path(void **state)
{
	(void)state;
	assert_refused("{\"name\":\"张三\",\"aid\":{\"living\":\"300000\"}}", HM_E_BAD_TYPE, "aid.living");
	assert_refused("{\"name\":\"张三\",\"aid\":{\"living\":300000,\"medical\":1.5}}", HM_E_BAD_TYPE,
		       "aid.medical");
	assert_refused("{\"name\":\"张三\",\"aid\":{\"living\":-1}}", HM_E_OUT_OF_RANGE, "aid.living");
	assert_refused("{\"name\":\"张三\",\"aid\":{\"living\":100000001}}", HM_E_OUT_OF_RANGE, "aid.living");
	assert_refused("{\"name\":\"张三\",\"aid\":[300000]}", HM_E_BAD_TYPE, "aid");
}

static void test_nested_object_fields_are_checked_with_dotted_paths(void **state)
{
	(void)state;
	assert_refused("{\"name\":\"张三\",\"guardian\":{\"name\":\"张父\",\"id_number\":\"x\"}}", HM_E_UNKNOWN_FIELD,
		       "guardian.id_number");
	assert_refused("{\"name\":\"张三\",\"guardian\":{\"phone\":\"13912345678\"}}", HM_E_MISSING_FIELD,
		       "guardian.name");
	assert_refused("{\"name\":\"张三\",\"guardian\":{\"name\":\"张父\",\"phone\":13912345678}}", HM_E_BAD_TYPE,
		       "guardian.phone");
}

/* ---- string arrays ---------------------------------------------------- */

static void test_string_array_with_too_many_items_is_refused(void **state)
{
	(void)state;
	assert_accepted("{\"name\":\"张三\",\"categories\":[\"a\",\"b\",\"c\"]}");
	assert_refused("{\"name\":\"张三\",\"categories\":[\"a\",\"b\",\"c\",\"d\"]}", HM_E_TOO_LONG, "categories");
}

static void test_string_array_below_its_minimum_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"name\":\"张三\",\"categories\":[]}", HM_E_MISSING_FIELD, "categories");
}

static void test_string_array_item_too_long_is_refused(void **state)
{
	char *c32 = chinese(32), *c33 = chinese(33);
	char text[256];

	(void)state;
	snprintf(text, sizeof text, "{\"name\":\"张三\",\"categories\":[\"%s\"]}", c32);
	assert_accepted(text);
	snprintf(text, sizeof text, "{\"name\":\"张三\",\"categories\":[\"a\",\"%s\"]}", c33);
	assert_refused(text, HM_E_TOO_LONG, "categories");
	free(c32);
	free(c33);
}

static void test_string_array_with_a_non_string_item_is_refused(void **state)
{
	(void)state;
	assert_refused("{\"name\":\"张三\",\"categories\":[\"a\",5]}", HM_E_BAD_TYPE, "categories");
	assert_refused("{\"name\":\"张三\",\"categories\":[null]}", HM_E_BAD_TYPE, "categories");
	assert_refused("{\"name\":\"张三\",\"categories\":[[\"a\"]]}", HM_E_BAD_TYPE, "categories");
}

static void test_string_array_item_with_embedded_nul_is_refused(void **state)
{
	outcome o;

	(void)state;
	/* KNOWN BUG (reported): request.c checks for NUL in JF_STRING values
	 * but not in JF_STRING_ARRAY items. */
	o = check("{\"name\":\"张三\",\"categories\":[\"left_behind\\u0000x\"]}");
	assert_int_not_equal(o.err, HM_OK);
	assert_string_equal(o.field, "categories");
}

/* ---- route matching --------------------------------------------------- */

static const char ACCEPT[] = "/api/v1/fund/applications/{id}/accept";

static bool match(const char *pattern, const char *path, char params[][32], int *n)
{
	const char *p[HM_MAX_PARAMS];
	size_t lens[HM_MAX_PARAMS];
	bool ok = route_match(pattern, path, p, lens, n);

	for (int i = 0; ok && i < *n; i++)
		snprintf(params[i], 32, "%.*s", (int)lens[i], p[i]);
	return ok;
}

static void test_route_with_a_parameter_captures_it(void **state)
{
	char params[HM_MAX_PARAMS][32];
	int n = -1;

	(void)state;
	assert_true(match(ACCEPT, "/api/v1/fund/applications/12/accept", params, &n));
	assert_int_equal(n, 1);
	assert_string_equal(params[0], "12");
}

static void test_route_does_not_match_longer_shorter_or_empty_segments(void **state)
{
	char params[HM_MAX_PARAMS][32];
	int n;

	(void)state;
	assert_false(match(ACCEPT, "/api/v1/fund/applications/12/accept/x", params, &n));
	assert_false(match(ACCEPT, "/api/v1/fund/applications/12/accept/", params, &n));
	assert_false(match(ACCEPT, "/api/v1/fund/applications//accept", params, &n));
	assert_false(match(ACCEPT, "/api/v1/fund/applications/12", params, &n));
	assert_false(match(ACCEPT, "/api/v1/fund/applications/", params, &n));
	assert_false(match(ACCEPT, "/api/v1/fund/applications/12/approve", params, &n));
	assert_false(match(ACCEPT, "/api/v1/fund/applications/12/acceptx", params, &n));
	assert_false(match(ACCEPT, "", params, &n));
}

static void test_route_parameter_never_spans_a_slash(void **state)
{
	char params[HM_MAX_PARAMS][32];
	int n;

	(void)state;
	assert_false(match(ACCEPT, "/api/v1/fund/applications/1/2/accept", params, &n));
}

static void test_route_without_parameters_matches_exactly(void **state)
{
	char params[HM_MAX_PARAMS][32];
	int n = -1;

	(void)state;
	assert_true(match("/api/v1/fund/balance", "/api/v1/fund/balance", params, &n));
	assert_int_equal(n, 0);
	assert_false(match("/api/v1/fund/balance", "/api/v1/fund/balance/", params, &n));
	assert_false(match("/api/v1/fund/balance", "/api/v1/fund/balanc", params, &n));
	assert_false(match("/api/v1/fund/balance", "/api/v1/fund/balancex", params, &n));
}

static void test_route_with_two_parameters_captures_both_in_order(void **state)
{
	char params[HM_MAX_PARAMS][32];
	int n = -1;

	(void)state;
	assert_true(match("/api/v1/calendar/{year}/days/{day}", "/api/v1/calendar/2026/days/2026-10-01", params, &n));
	assert_int_equal(n, 2);
	assert_string_equal(params[0], "2026");
	assert_string_equal(params[1], "2026-10-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_valid_input_is_accepted),
		cmocka_unit_test(test_unknown_field_is_named),
		cmocka_unit_test(test_missing_required_field_is_named),
		cmocka_unit_test(test_empty_required_string_counts_as_missing),
		cmocka_unit_test(test_wrong_types_are_refused),
		cmocka_unit_test(test_null_is_not_a_value_of_any_type),
		cmocka_unit_test(test_body_that_is_not_an_object_is_refused),
		cmocka_unit_test(test_string_length_counts_chinese_characters_not_bytes),
		cmocka_unit_test(test_ascii_string_one_over_the_limit_is_too_long),
		cmocka_unit_test(test_integer_outside_its_range_is_refused),
		cmocka_unit_test(test_string_with_embedded_nul_is_refused),
		cmocka_unit_test(test_map_of_amounts_names_the_bad_entry_by_dotted_path),
		cmocka_unit_test(test_nested_object_fields_are_checked_with_dotted_paths),
		cmocka_unit_test(test_string_array_with_too_many_items_is_refused),
		cmocka_unit_test(test_string_array_below_its_minimum_is_refused),
		cmocka_unit_test(test_string_array_item_too_long_is_refused),
		cmocka_unit_test(test_string_array_with_a_non_string_item_is_refused),
		cmocka_unit_test(test_route_with_a_parameter_captures_it),
		cmocka_unit_test(test_route_does_not_match_longer_shorter_or_empty_segments),
		cmocka_unit_test(test_route_parameter_never_spans_a_slash),
		cmocka_unit_test(test_route_without_parameters_matches_exactly),
		cmocka_unit_test(test_route_with_two_parameters_captures_both_in_order),
		cmocka_unit_test(test_string_array_item_with_embedded_nul_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
