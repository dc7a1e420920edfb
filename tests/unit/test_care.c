/* Care and attachments, the pure parts: what a file is from its bytes,
 * which uploads are refused and why, which file names can be stored,
 * how referrals may move, how a timeline is ordered, and the file store's
 * write-once, check-on-read behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fund/attachment.h"
#include "fund/care.h"

static const unsigned char PDF[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
static const unsigned char JPEG[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0xFF, 0xD9};
static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
static const unsigned char EXE[] = "MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode";

static hm_err check(const void *d, size_t n, const char *declared, const char **type, hm_error *e)
{
	hm_error_clear(e);
	return attachment_check(d, n, 1024, declared, type, e);
}

static void test_sniff_reads_the_magic_bytes(void **state)
{
	(void)state;
	assert_string_equal(attachment_sniff(PDF, sizeof PDF - 1), "application/pdf");
	assert_string_equal(attachment_sniff(JPEG, sizeof JPEG), "image/jpeg");
	assert_string_equal(attachment_sniff(PNG, sizeof PNG), "image/png");
	assert_null(attachment_sniff(EXE, sizeof EXE - 1));
	/* a prefix too short to hold the whole signature is not that type */
	assert_null(attachment_sniff(PNG, 7));
	assert_null(attachment_sniff("%PDF", 4));
	assert_null(attachment_sniff(JPEG, 2));
	assert_null(attachment_sniff("", 0));
	/* the signature must open the file, not appear inside it */
	assert_null(attachment_sniff(" %PDF-1.4", 9));
	/* GIF and plain text are not accepted kinds */
	assert_null(attachment_sniff("GIF89a....", 10));
	assert_null(attachment_sniff("hello", 5));
}

static void test_check_accepts_the_three_kinds(void **state)
{
	(void)state;
	const char *t;
	hm_error e;
	assert_int_equal(check(PDF, sizeof PDF - 1, "application/pdf", &t, &e), HM_OK);
	assert_string_equal(t, "application/pdf");
	assert_int_equal(check(JPEG, sizeof JPEG, "image/jpeg", &t, &e), HM_OK);
	assert_string_equal(t, "image/jpeg");
	assert_int_equal(check(PNG, sizeof PNG, "Image/PNG; charset=binary", &t, &e), HM_OK);
	assert_string_equal(t, "image/png");
	/* no declared type, or octet-stream: the bytes decide */
	assert_int_equal(check(PNG, sizeof PNG, NULL, &t, &e), HM_OK);
	assert_string_equal(t, "image/png");
	assert_int_equal(check(PDF, sizeof PDF - 1, "application/octet-stream", &t, &e), HM_OK);
	assert_string_equal(t, "application/pdf");
}

static void test_check_refuses_by_content_not_name(void **state)
{
	(void)state;
	const char *t = "x";
	hm_error e;
	/* a program sent as a PDF */
	assert_int_equal(check(EXE, sizeof EXE - 1, "application/pdf", &t, &e), HM_E_ATTACHMENT_TYPE);
	assert_null(t);
	assert_int_equal(check(EXE, sizeof EXE - 1, NULL, &t, &e), HM_E_ATTACHMENT_TYPE);
	/* a PNG declared as a PDF: the declaration lies */
	assert_int_equal(check(PNG, sizeof PNG, "application/pdf", &t, &e), HM_E_ATTACHMENT_MISMATCH);
	assert_string_equal(e.field, "Content-Type");
	/* a type we do not take at all, whatever the bytes */
	assert_int_equal(check(PDF, sizeof PDF - 1, "text/html", &t, &e), HM_E_ATTACHMENT_TYPE);
	assert_int_equal(check(PDF, sizeof PDF - 1, "application/json", &t, &e), HM_E_ATTACHMENT_TYPE);
}

static void test_check_size_limits(void **state)
{
	(void)state;
	const char *t;
	hm_error e;
	assert_int_equal(check(PDF, 0, "application/pdf", &t, &e), HM_E_ATTACHMENT_EMPTY);
	unsigned char *big = calloc(1, 1025);
	assert_non_null(big);
	memcpy(big, "%PDF-", 5);
	assert_int_equal(check(big, 1024, "application/pdf", &t, &e), HM_OK);
	assert_int_equal(check(big, 1025, "application/pdf", &t, &e), HM_E_ATTACHMENT_TOO_LARGE);
	assert_non_null(strstr(e.detail, "1 KB"));
	free(big);
}

static void test_filename_rules(void **state)
{
	(void)state;
	assert_true(attachment_filename_valid("户口簿.pdf"));
	assert_true(attachment_filename_valid("scan 2026-03-20 (1).JPG"));
	assert_true(attachment_filename_valid("a"));
	assert_false(attachment_filename_valid(""));
	assert_false(attachment_filename_valid("."));
	assert_false(attachment_filename_valid(".."));
	assert_false(attachment_filename_valid("../etc/passwd"));
	assert_false(attachment_filename_valid("a\\b.pdf"));
	assert_false(attachment_filename_valid("a\"b.pdf"));
	assert_false(attachment_filename_valid("a\r\nSet-Cookie: x.pdf"));
	assert_false(attachment_filename_valid("a\x7f.pdf"));
	/* not UTF-8: a lone continuation byte, a cut sequence, an overlong
	 * form of "/", a surrogate, beyond U+10FFFF */
	assert_false(attachment_filename_valid("\x80.pdf"));
	assert_false(attachment_filename_valid("\xE6\x88.pdf"));
	assert_false(attachment_filename_valid("\xC0\xAF.pdf"));
	assert_false(attachment_filename_valid("\xED\xA0\x80.pdf"));
	assert_false(attachment_filename_valid("\xF4\x90\x80\x80.pdf"));
	assert_true(attachment_filename_valid("\xF0\x9F\x98\x80.png")); /* an emoji is fine */
	/* 100 characters fit, 101 do not, counted in characters */
	char name[512] = "";
	for (int i = 0; i < 100; i++)
		strcat(name, "档");
	assert_true(attachment_filename_valid(name));
	strcat(name, "x");
	assert_false(attachment_filename_valid(name));
}

/* Random bytes must never crash the checks (run under ASan). */
static void test_checks_survive_random_input(void **state)
{
	(void)state;
	srand(20260320);
	char buf[64];
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(rand() % (int)(sizeof buf - 1));
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(rand() % 256);
		buf[n] = '\0';
		(void)attachment_filename_valid(buf);
		(void)attachment_sniff(buf, n);
		const char *t;
		hm_error e;
		hm_error_clear(&e);
		(void)attachment_check(buf, n, 32, buf, &t, &e);
	}
}

static void test_doc_types_and_ext(void **state)
{
	(void)state;
	assert_string_equal(attachment_doc_type_name("hukou"), "户口簿");
	assert_string_equal(attachment_doc_type_name("other"), "其他材料");
	assert_null(attachment_doc_type_name("exe"));
	assert_string_equal(attachment_ext("application/pdf"), "pdf");
	assert_string_equal(attachment_ext("image/jpeg"), "jpg");
	assert_string_equal(attachment_ext("image/png"), "png");
}

static void test_hash_and_path(void **state)
{
	(void)state;
	char h[65], p[256];
	attachment_hash("abc", 3, h);
	/* BLAKE2b-256("abc") */
	assert_string_equal(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	assert_true(attachment_path("/var/hm", h, p, sizeof p));
	assert_string_equal(p, "/var/hm/attachments/bd/bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	/* only a real hash becomes a path: nothing can climb out of the store */
	assert_false(attachment_path("/var/hm", "../../etc/passwd", p, sizeof p));
	assert_false(attachment_path("/var/hm", "BDDD813C634239723171EF3FEE98579B94964E3BB1CB3E427262C8C068D52319", p, sizeof p));
	assert_false(attachment_path("/var/hm", h, p, 20));
}

static void test_store_is_write_once_and_checked_on_read(void **state)
{
	(void)state;
	char dir[] = "/tmp/huimin-care-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char h[65], path[512];
	hm_error e;
	hm_error_clear(&e);
	attachment_hash(PDF, sizeof PDF - 1, h);
	assert_int_equal(attachment_store_file(dir, h, PDF, sizeof PDF - 1, &e), HM_OK);
	/* again: nothing changes, still one file */
	assert_int_equal(attachment_store_file(dir, h, PDF, sizeof PDF - 1, &e), HM_OK);
	char *data;
	assert_int_equal(attachment_read_file(dir, h, sizeof PDF - 1, &data, &e), HM_OK);
	assert_memory_equal(data, PDF, sizeof PDF - 1);
	free(data);
	/* a file altered on disk is refused, not served */
	assert_true(attachment_path(dir, h, path, sizeof path));
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fputc('X', f);
	fclose(f);
	assert_int_equal(attachment_read_file(dir, h, sizeof PDF - 1, &data, &e), HM_E_ATTACHMENT_DAMAGED);
	assert_null(data);
	/* storing the bytes again repairs it */
	assert_int_equal(attachment_store_file(dir, h, PDF, sizeof PDF - 1, &e), HM_OK);
	assert_int_equal(attachment_read_file(dir, h, sizeof PDF - 1, &data, &e), HM_OK);
	free(data);
	/* a missing file is reported the same way */
	unlink(path);
	assert_int_equal(attachment_read_file(dir, h, sizeof PDF - 1, &data, &e), HM_E_ATTACHMENT_DAMAGED);
	char sub[512];
	snprintf(sub, sizeof sub, "%s/attachments/%.2s", dir, h);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/attachments", dir);
	rmdir(sub);
	rmdir(dir);
}

static void test_referral_statuses_move_forward_only(void **state)
{
	(void)state;
	assert_true(care_status_allowed("referred", "in_service"));
	assert_true(care_status_allowed("referred", "closed"));
	assert_true(care_status_allowed("in_service", "closed"));
	assert_false(care_status_allowed("in_service", "referred"));
	assert_false(care_status_allowed("closed", "in_service"));
	assert_false(care_status_allowed("closed", "closed"));
	assert_false(care_status_allowed("in_service", "in_service"));
	assert_false(care_status_allowed("referred", "bogus"));
	assert_string_equal(care_status_name("referred"), "已转介");
	assert_string_equal(care_status_name("in_service"), "服务中");
	assert_string_equal(care_status_name("closed"), "已结束");
	assert_string_equal(care_kind_name("volunteer"), "志愿者");
}

static void test_phone_numbers(void **state)
{
	(void)state;
	assert_true(care_phone_valid(""));
	assert_true(care_phone_valid("0632-3311161"));
	assert_true(care_phone_valid("+86 138 1234 5678"));
	assert_false(care_phone_valid("123"));
	assert_false(care_phone_valid("138abc45678"));
	assert_false(care_phone_valid("138+12345678"));
}

static void test_timeline_orders_by_time_then_kind_then_record(void **state)
{
	(void)state;
	care_tl_item it[6];
	memset(it, 0, sizeof it);
	it[0] = (care_tl_item){.at = 300, .kind = CARE_TL_VISIT, .seq = 1};
	it[1] = (care_tl_item){.at = 100, .kind = CARE_TL_PAYMENT, .seq = 9};
	it[2] = (care_tl_item){.at = 100, .kind = CARE_TL_APPLICATION, .seq = 5};
	it[3] = (care_tl_item){.at = 200, .kind = CARE_TL_SESSION, .seq = 2};
	it[4] = (care_tl_item){.at = 100, .kind = CARE_TL_APPLICATION, .seq = 4};
	it[5] = (care_tl_item){.at = 50, .kind = CARE_TL_REFERRAL, .seq = 3};
	care_timeline_sort(it, 6);
	assert_int_equal(it[0].at, 50);
	assert_int_equal(it[1].seq, 4); /* two steps in one second keep their order */
	assert_int_equal(it[2].seq, 5);
	assert_int_equal(it[3].kind, CARE_TL_PAYMENT); /* the payment after the step that paid it */
	assert_int_equal(it[4].kind, CARE_TL_SESSION);
	assert_int_equal(it[5].kind, CARE_TL_VISIT);
	care_timeline_sort(it, 0);
	care_timeline_sort(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff_reads_the_magic_bytes),
		cmocka_unit_test(test_check_accepts_the_three_kinds),
		cmocka_unit_test(test_check_refuses_by_content_not_name),
		cmocka_unit_test(test_check_size_limits),
		cmocka_unit_test(test_filename_rules),
		cmocka_unit_test(test_checks_survive_random_input),
		cmocka_unit_test(test_doc_types_and_ext),
		cmocka_unit_test(test_hash_and_path),
		cmocka_unit_test(test_store_is_write_once_and_checked_on_read),
		cmocka_unit_test(test_referral_statuses_move_forward_only),
		cmocka_unit_test(test_phone_numbers),
		cmocka_unit_test(test_timeline_orders_by_time_then_kind_then_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
