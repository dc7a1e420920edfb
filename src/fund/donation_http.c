/* Donation handlers: parse and check, call one operation, reply. Phones
 * are masked in every reply; the honour roll carries only what donors
 * agreed to publish. */
#include "fund/donation_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"
#include "core/money.h"
#include "fund/donation.h"
#include "fund/fund.h"
#include "http/export.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define END {NULL, 0, false, 0, 0, NULL, 0}

static donation_ctx ctx_of(hm_req *r)
{
	return (donation_ctx){r->db, &r->user, r->now};
}

static const char *q_or_empty(hm_req *r, const char *name)
{
	const char *v = http_query(r, name);
	return v ? v : "";
}

/* A query argument as an integer in [lo, hi]; *out untouched when absent. */
static hm_err query_int(hm_req *r, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
	const char *v = http_query(r, name);
	if (!v)
		return HM_OK;
	const char *p = v + (*v == '-');
	bool digits = *p && strlen(p) <= 15;
	for (; *p && digits; p++)
		digits = *p >= '0' && *p <= '9';
	if (!digits)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为整数", name);
	long long x = strtoll(v, NULL, 10);
	if (x < lo || x > hi)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应在 %lld 到 %lld 之间", name, (long long)lo,
				(long long)hi);
	*out = x;
	return HM_OK;
}

static hm_err pdf_reply(hm_req *r, char *pdf, size_t len, const char *filename)
{
	hm_err err = http_reply_raw(r, 200, "application/pdf", pdf, len);
	free(pdf);
	/* inline: the browser shows it and the user prints from there; the
	 * name is ASCII so no header encoding is needed */
	snprintf(r->disposition, sizeof r->disposition, "inline; filename=\"%s\"", filename);
	return err;
}

/* ---- donors --------------------------------------------------------------- */

static const jfield donor_spec[] = {
	{"kind", JF_STRING, true, 1, 12, NULL, 0},
	{"name", JF_STRING, false, 0, 100, NULL, 0},
	{"uscc", JF_STRING, false, 0, 18, NULL, 0},
	{"contact_name", JF_STRING, false, 0, 32, NULL, 0},
	{"phone", JF_STRING, false, 0, 20, NULL, 0},
	{"address", JF_STRING, false, 0, 200, NULL, 0},
	{"publish_name", JF_BOOL, true, 0, 0, NULL, 0},
	{"publish_amount", JF_BOOL, true, 0, 0, NULL, 0},
	{"note", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

/* Contact and consent only: kind, name and USCC are on issued receipts. */
static const jfield donor_update_spec[] = {
	{"contact_name", JF_STRING, false, 0, 32, NULL, 0},
	{"phone", JF_STRING, false, 0, 20, NULL, 0},
	{"address", JF_STRING, false, 0, 200, NULL, 0},
	{"publish_name", JF_BOOL, false, 0, 0, NULL, 0},
	{"publish_amount", JF_BOOL, false, 0, 0, NULL, 0},
	{"note", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

static json_t *donor_json(const donation_donor *d)
{
	char phone[24];
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:I, s:I}", "id", (json_int_t)d->id,
			      "kind", d->kind, "kind_name", donation_name_of(d->kind), "name", d->name, "display_name",
			      donation_donor_display(d), "uscc", d->uscc, "contact_name", d->contact_name, "phone",
			      fund_mask_phone(d->phone, phone, sizeof phone), "publish_name", d->publish_name,
			      "publish_amount", d->publish_amount, "address", d->address, "donation_total",
			      (json_int_t)d->total, "donation_count", (json_int_t)d->count);
	json_object_set_new(j, "note", json_string(d->note));
	json_object_set_new(j, "created_at", json_time(d->created_at));
	json_object_set_new(j, "updated_at", json_time(d->updated_at));
	return j;
}

hm_err donation_donor_create_handler(hm_req *r)
{
	hm_err err = http_body(r, donor_spec);
	if (err)
		return err;
	donation_donor d;
	memset(&d, 0, sizeof d);
	COPY(d.kind, jstr(r->body, "kind"));
	COPY(d.name, jstr(r->body, "name"));
	COPY(d.uscc, jstr(r->body, "uscc"));
	COPY(d.contact_name, jstr(r->body, "contact_name"));
	COPY(d.phone, jstr(r->body, "phone"));
	COPY(d.address, jstr(r->body, "address"));
	COPY(d.note, jstr(r->body, "note"));
	d.publish_name = jbool(r->body, "publish_name", false);
	d.publish_amount = jbool(r->body, "publish_amount", false);
	donation_ctx c = ctx_of(r);
	if ((err = donation_donor_create(&c, &d, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "donor", donor_json(&d)));
}

hm_err donation_donor_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DONOR_NOT_FOUND);
	if (err)
		return err;
	donation_donor d;
	donation_ctx c = ctx_of(r);
	if ((err = donation_donor_get(&c, id, &d, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "donor", donor_json(&d)));
}

hm_err donation_donor_update_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DONOR_NOT_FOUND);
	if (err || (err = http_body(r, donor_update_spec)))
		return err;
	if (json_object_size(r->body) == 0)
		return hm_failf(&r->err, HM_E_MISSING_FIELD, NULL, "请至少提供一个要修改的字段");
	donation_ctx c = ctx_of(r);
	donation_donor d;
	/* absent fields keep their value: the reply to a GET is not echoed
	 * back, because it carries the masked phone */
	if ((err = donation_donor_get(&c, id, &d, &r->err)))
		return err;
	const json_t *b = r->body;
	if (jhas(b, "contact_name"))
		COPY(d.contact_name, jstr(b, "contact_name"));
	if (jhas(b, "phone"))
		COPY(d.phone, jstr(b, "phone"));
	if (jhas(b, "address"))
		COPY(d.address, jstr(b, "address"));
	if (jhas(b, "note"))
		COPY(d.note, jstr(b, "note"));
	d.publish_name = jbool(b, "publish_name", d.publish_name);
	d.publish_amount = jbool(b, "publish_amount", d.publish_amount);
	if ((err = donation_donor_update(&c, id, &d, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "donor", donor_json(&d)));
}

static void donor_visit(const donation_donor *d, void *arg)
{
	json_array_append_new(arg, donor_json(d));
}

static const export_col donor_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"kind_name", "类型", COL_TEXT, 8},
	{"display_name", "捐赠人", COL_TEXT, 28},
	{"uscc", "统一社会信用代码", COL_TEXT, 22},
	{"contact_name", "联系人", COL_TEXT, 12},
	{"phone", "联系电话（已脱敏）", COL_TEXT, 16},
	{"publish_name", "同意公开姓名", COL_BOOL, 12},
	{"publish_amount", "同意公开金额", COL_BOOL, 12},
	{"donation_count", "捐赠笔数", COL_INT, 10},
	{"donation_total", "捐赠总额（元）", COL_MONEY, 16},
	{"created_at", "登记时间", COL_TEXT, 26},
};

hm_err donation_donors_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"q", "kind", "page", "page_size", "format", NULL};
	donation_donor_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)))
		return err;
	f.q = q_or_empty(r, "q");
	f.kind = q_or_empty(r, "kind");
	if (strlen(f.q) > 96)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "q", "查询条件过长");
	if (f.kind[0] && strcmp(f.kind, "individual") && strcmp(f.kind, "enterprise") && strcmp(f.kind, "anonymous"))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "kind", "捐赠人类型应为 individual、enterprise 或 anonymous");
	json_t *items = json_array();
	int64_t total;
	donation_ctx c = ctx_of(r);
	if ((err = donation_donor_list(&c, &f, donor_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "donors", "捐赠人", donor_cols,
			  sizeof donor_cols / sizeof donor_cols[0]);
}

/* ---- donations -------------------------------------------------------------- */

static const jfield donation_spec[] = {
	{"donor_id", JF_INT, true, 1, INT64_MAX, NULL, 0},
	{"amount", JF_INT, true, 1, MONEY_MAX_FEN, NULL, 0},
	{"received_on", JF_STRING, true, 10, 10, NULL, 0},
	{"channel", JF_STRING, true, 1, 16, NULL, 0},
	{"bank_ref", JF_STRING, false, 0, 64, NULL, 0},
	{"purpose", JF_STRING, false, 0, 64, NULL, 0},
	{"note", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

static json_t *donation_json(const donation *d)
{
	json_t *j = json_pack("{s:I, s:{s:I, s:s, s:s}, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
			      (json_int_t)d->id, "donor", "id", (json_int_t)d->donor_id, "kind", d->donor_kind, "name",
			      strcmp(d->donor_kind, "anonymous") == 0 || !d->donor_name[0] ? "匿名" : d->donor_name,
			      "amount", (json_int_t)d->amount, "received_on", d->received_on, "channel", d->channel,
			      "channel_name", donation_name_of(d->channel), "bank_ref", d->bank_ref, "purpose", d->purpose,
			      "note", d->note, "status", d->status, "status_name", donation_name_of(d->status), "entry_id",
			      (json_int_t)d->entry_id);
	json_object_set_new(j, "reversal",
			    strcmp(d->status, "reversed") == 0
				    ? json_pack("{s:I, s:s, s:o}", "entry_id", (json_int_t)d->reversal_entry_id, "reason",
						d->reversal_reason, "at", json_time(d->reversed_at))
				    : json_null());
	json_object_set_new(j, "receipt",
			    d->receipt_id ? json_pack("{s:I, s:s}", "id", (json_int_t)d->receipt_id, "no", d->receipt_no)
					  : json_null());
	json_object_set_new(j, "receipt_no", json_string(d->receipt_no));
	json_object_set_new(j, "created_at", json_time(d->created_at));
	return j;
}

hm_err donation_create_handler(hm_req *r)
{
	hm_err err = http_body(r, donation_spec);
	if (err)
		return err;
	donation d;
	memset(&d, 0, sizeof d);
	d.donor_id = jint(r->body, "donor_id", 0);
	d.amount = jint(r->body, "amount", 0);
	COPY(d.received_on, jstr(r->body, "received_on"));
	COPY(d.channel, jstr(r->body, "channel"));
	COPY(d.bank_ref, jstr(r->body, "bank_ref"));
	COPY(d.purpose, jstr(r->body, "purpose"));
	COPY(d.note, jstr(r->body, "note"));
	donation_ctx c = ctx_of(r);
	if ((err = donation_create(&c, &d, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "donation", donation_json(&d)));
}

hm_err donation_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DONATION_NOT_FOUND);
	if (err)
		return err;
	donation d;
	donation_ctx c = ctx_of(r);
	if ((err = donation_get(&c, id, &d, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "donation", donation_json(&d)));
}

static const jfield reason_spec[] = {{"reason", JF_STRING, true, 1, 200, NULL, 0}, END};

hm_err donation_reverse_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DONATION_NOT_FOUND);
	if (err || (err = http_body(r, reason_spec)))
		return err;
	donation d;
	donation_ctx c = ctx_of(r);
	if ((err = donation_reverse(&c, id, jstr(r->body, "reason"), &d, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "donation", donation_json(&d)));
}

hm_err donation_thanks_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DONATION_NOT_FOUND);
	if (err)
		return err;
	char *pdf;
	size_t len;
	donation_ctx c = ctx_of(r);
	if ((err = donation_thanks_pdf(&c, id, &pdf, &len, &r->err)))
		return err;
	char name[64];
	snprintf(name, sizeof name, "thanks-%lld.pdf", (long long)id);
	return pdf_reply(r, pdf, len, name);
}

static const export_col donation_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"received_on", "到账日期", COL_TEXT, 12},
	{"donor.name", "捐赠人", COL_TEXT, 28},
	{"amount", "金额（元）", COL_MONEY, 16},
	{"channel_name", "渠道", COL_TEXT, 10},
	{"bank_ref", "流水号", COL_TEXT, 24},
	{"status_name", "状态", COL_TEXT, 8},
	{"receipt_no", "票据号码", COL_TEXT, 14},
	{"note", "备注", COL_TEXT, 30},
	{"created_at", "登记时间", COL_TEXT, 26},
};

static void donation_visit_json(const donation *d, void *arg)
{
	json_array_append_new(arg, donation_json(d));
}

static hm_err query_date(hm_req *r, const char *name, const char **out)
{
	*out = q_or_empty(r, name);
	int32_t day;
	if ((*out)[0] && hm_date_parse(*out, &day, NULL, NULL) != HM_OK)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为日期 YYYY-MM-DD", name);
	return HM_OK;
}

hm_err donation_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"donor_id", "channel", "status", "from", "to", "page", "page_size", "format",
					      NULL};
	donation_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) ||
	    (err = query_int(r, "donor_id", 1, INT64_MAX / 2, &f.donor_id)) || (err = query_date(r, "from", &f.from)) ||
	    (err = query_date(r, "to", &f.to)))
		return err;
	f.channel = q_or_empty(r, "channel");
	f.status = q_or_empty(r, "status");
	if (f.channel[0] && !donation_channel_valid(f.channel))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "channel", "捐赠渠道 %.20s 不存在", f.channel);
	if (f.status[0] && strcmp(f.status, "active") && strcmp(f.status, "reversed"))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "status", "状态应为 active（有效）或 reversed（已冲销）");
	json_t *items = json_array();
	int64_t total;
	donation_ctx c = ctx_of(r);
	if ((err = donation_list(&c, &f, donation_visit_json, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "donations", "捐赠记录", donation_cols,
			  sizeof donation_cols / sizeof donation_cols[0]);
}

/* ---- receipts ---------------------------------------------------------------- */

static json_t *receipt_json(const donation_receipt *x)
{
	char cap[128];
	if (money_to_chinese(x->amount, cap, sizeof cap) != HM_OK)
		cap[0] = '\0';
	json_t *j = json_pack("{s:I, s:s, s:i, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
			      "id", (json_int_t)x->id, "no", x->no, "year", x->year, "seq", (json_int_t)x->seq, "code",
			      x->code, "check_code", x->check_code, "donation_id", (json_int_t)x->donation_id, "donor_id",
			      (json_int_t)x->donor_id, "payer_name", x->payer_name, "payer_uscc", x->payer_uscc, "amount",
			      (json_int_t)x->amount, "amount_chinese", cap, "received_on", x->received_on, "issued_on",
			      x->issued_on, "handler_name", x->handler_name, "remarks", x->remarks, "status", x->status,
			      "status_name", donation_name_of(x->status), "prints", (json_int_t)x->prints);
	json_object_set_new(j, "void_reason", json_string(x->void_reason));
	json_object_set_new(j, "voided_at", json_time(x->voided_at));
	json_object_set_new(j, "issued_at", json_time(x->issued_at));
	json_object_set_new(j, "replaces", x->replaces_id ? json_pack("{s:I, s:s}", "id", (json_int_t)x->replaces_id, "no",
								       x->replaces_no)
							: json_null());
	json_object_set_new(j, "replaced_by", x->replaced_by_id ? json_pack("{s:I, s:s}", "id", (json_int_t)x->replaced_by_id,
									     "no", x->replaced_by_no)
								  : json_null());
	return j;
}

static const jfield issue_spec[] = {{"remarks", JF_STRING, false, 0, 200, NULL, 0}, END};

hm_err donation_receipt_issue_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DONATION_NOT_FOUND);
	if (err || (r->body && (err = http_body(r, issue_spec))))
		return err;
	donation_receipt x;
	donation_ctx c = ctx_of(r);
	if ((err = donation_receipt_issue(&c, id, r->body ? jstr(r->body, "remarks") : "", &x, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "receipt", receipt_json(&x)));
}

hm_err donation_receipt_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_RECEIPT_NOT_FOUND);
	if (err)
		return err;
	donation_receipt x;
	donation_ctx c = ctx_of(r);
	if ((err = donation_receipt_get(&c, id, &x, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "receipt", receipt_json(&x)));
}

hm_err donation_receipt_void_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_RECEIPT_NOT_FOUND);
	if (err || (err = http_body(r, reason_spec)))
		return err;
	donation_receipt x;
	donation_ctx c = ctx_of(r);
	if ((err = donation_receipt_void(&c, id, jstr(r->body, "reason"), &x, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "receipt", receipt_json(&x)));
}

static const jfield reissue_spec[] = {
	{"reason", JF_STRING, true, 1, 200, NULL, 0},
	{"remarks", JF_STRING, false, 0, 200, NULL, 0},
	END,
};

hm_err donation_receipt_reissue_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_RECEIPT_NOT_FOUND);
	if (err || (err = http_body(r, reissue_spec)))
		return err;
	donation_receipt x;
	donation_ctx c = ctx_of(r);
	if ((err = donation_receipt_reissue(&c, id, jstr(r->body, "reason"), jstr(r->body, "remarks"), &x, &r->err)))
		return err;
	return http_reply(r, 201, json_pack("{s:o}", "receipt", receipt_json(&x)));
}

hm_err donation_receipt_pdf_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_RECEIPT_NOT_FOUND);
	if (err)
		return err;
	char *pdf;
	size_t len;
	donation_ctx c = ctx_of(r);
	if ((err = donation_receipt_print(&c, id, &pdf, &len, &r->err)))
		return err;
	char name[64];
	snprintf(name, sizeof name, "receipt-%lld.pdf", (long long)id);
	return pdf_reply(r, pdf, len, name);
}

static void receipt_visit_json(const donation_receipt *x, void *arg)
{
	json_array_append_new(arg, receipt_json(x));
}

static const export_col receipt_cols[] = {
	{"no", "票据号码", COL_TEXT, 14},
	{"code", "票据代码", COL_TEXT, 12},
	{"check_code", "校验码", COL_TEXT, 12},
	{"issued_on", "开票日期", COL_TEXT, 12},
	{"payer_name", "捐赠人", COL_TEXT, 28},
	{"payer_uscc", "统一社会信用代码", COL_TEXT, 22},
	{"amount", "金额（元）", COL_MONEY, 16},
	{"amount_chinese", "金额（大写）", COL_TEXT, 30},
	{"status_name", "状态", COL_TEXT, 8},
	{"void_reason", "作废原因", COL_TEXT, 20},
	{"replaces.no", "重开自", COL_TEXT, 14},
	{"handler_name", "经办人", COL_TEXT, 12},
	{"prints", "打印次数", COL_INT, 10},
};

hm_err donation_receipts_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"year", "status", "donation_id", "page", "page_size", "format", NULL};
	donation_receipt_filter f = {0};
	int64_t year = 0;
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_list_paging(r, &xlsx, &f.page, &f.page_size)) || (err = query_int(r, "year", 2000, 2100, &year)) ||
	    (err = query_int(r, "donation_id", 1, INT64_MAX / 2, &f.donation_id)))
		return err;
	f.year = (int)year;
	f.status = q_or_empty(r, "status");
	if (f.status[0] && strcmp(f.status, "valid") && strcmp(f.status, "void"))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "status", "票据状态应为 valid（有效）或 void（已作废）");
	json_t *items = json_array();
	int64_t total;
	donation_ctx c = ctx_of(r);
	if ((err = donation_receipt_list(&c, &f, receipt_visit_json, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_list_reply(r, items, total, f.page, f.page_size, xlsx, "receipts", "捐赠票据", receipt_cols,
			  sizeof receipt_cols / sizeof receipt_cols[0]);
}

/* ---- honour roll (public) ------------------------------------------------------ */

static void honour_visit(const donation_honour *h, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:o, s:I}", "name", h->name, "amount",
					     h->amount >= 0 ? json_integer(h->amount) : json_null(), "count",
					     (json_int_t)h->count));
}

hm_err donation_honour_roll_handler(hm_req *r)
{
	static const char *const allowed[] = {"year", NULL};
	int y, m, d;
	hm_day_ymd(hm_day_of(r->now), &y, &m, &d);
	int64_t year = y;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = query_int(r, "year", 2024, 2100, &year)))
		return err;
	json_t *items = json_array();
	int64_t total, count;
	if ((err = donation_honour_roll(r->db, (int)year, honour_visit, items, &total, &count, &r->err))) {
		json_decref(items);
		return err;
	}
	const donation_settings *s = donation_settings_get();
	return http_reply(r, 200,
			  json_pack("{s:i, s:s, s:s, s:I, s:I, s:o, s:s}", "year", (int)year, "fund", s->purpose, "issuer",
				    s->issuer, "total", (json_int_t)total, "count", (json_int_t)count, "items", items, "note",
				    "按捐赠人意愿公开：未同意公开姓名者及匿名捐赠者显示为“爱心人士”，未同意公开金额者不显示金额；已冲销的捐赠不计入。"));
}

/* ---- tax helper ----------------------------------------------------------------- */

static void tax_receipt_visit(const donation_receipt *x, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)x->id, "no", x->no, "amount",
					     (json_int_t)x->amount, "received_on", x->received_on, "issued_on",
					     x->issued_on));
}

static json_t *qualification_json(void)
{
	const donation_settings *s = donation_settings_get();
	bool confirmed = strcmp(s->qual_status, "待确认") != 0;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "holder", s->qual_holder, "status", s->qual_status,
			 "valid_from", s->qual_from, "valid_to", s->qual_to, "document", s->qual_document, "confirmed",
			 confirmed,
			 "note",
			 confirmed ? "捐赠人凭本会开具的公益事业捐赠票据，在资格有效期内的捐赠可按规定税前扣除。"
				   : "本会公益性捐赠税前扣除资格及有效期待确认；确认前请捐赠人向主管税务机关核实后再申报扣除。");
}

hm_err donation_donor_tax_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_DONOR_NOT_FOUND);
	if (err)
		return err;
	int y, m, d;
	hm_day_ymd(hm_day_of(r->now), &y, &m, &d);
	int64_t year = y;
	if ((err = query_int(r, "year", 2024, 2100, &year)))
		return err;
	/* the carry-forward arguments are named by year: carry_2023 … for the
	 * three years before the one asked about, and only those */
	char c1[24], c2[24], c3[24];
	snprintf(c1, sizeof c1, "carry_%d", (int)year - 3);
	snprintf(c2, sizeof c2, "carry_%d", (int)year - 2);
	snprintf(c3, sizeof c3, "carry_%d", (int)year - 1);
	const char *allowed[] = {"year", "taxable_income", "accounting_profit", c1, c2, c3, NULL};
	if ((err = http_query_allowed(r, allowed)))
		return err;
	bool has_ti = http_query(r, "taxable_income"), has_ap = http_query(r, "accounting_profit");
	if (has_ti == has_ap)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "taxable_income",
				"请提供 taxable_income（个人：应纳税所得额，分）或 accounting_profit（企业：年度会计利润总额，分）之一");
	donation_tax_query q = {.year = (int)year, .enterprise_basis = has_ap};
	if ((err = query_int(r, "taxable_income", 0, MONEY_MAX_FEN, &q.base)) ||
	    (err = query_int(r, "accounting_profit", -MONEY_MAX_FEN, MONEY_MAX_FEN, &q.base)) ||
	    (err = query_int(r, c1, 0, MONEY_MAX_FEN, &q.carry[0])) || (err = query_int(r, c2, 0, MONEY_MAX_FEN, &q.carry[1])) ||
	    (err = query_int(r, c3, 0, MONEY_MAX_FEN, &q.carry[2])))
		return err;
	if (!has_ap && (q.carry[0] || q.carry[1] || q.carry[2]))
		return hm_failf(&r->err, HM_E_BAD_QUERY, c3, "个人捐赠的超限部分不能结转以后年度扣除，不应提供 carry_ 参数");
	donation_donor donor;
	donation_tax t;
	json_t *receipts = json_array();
	donation_ctx c = ctx_of(r);
	if ((err = donation_tax_get(&c, id, &q, &donor, &t, tax_receipt_visit, receipts, &r->err))) {
		json_decref(receipts);
		return err;
	}
	json_t *j = json_pack("{s:{s:I, s:s, s:s, s:s}, s:i, s:o, s:I, s:I, s:I, s:I}", "donor", "id", (json_int_t)donor.id,
			      "kind", donor.kind, "name", donor.name, "uscc", donor.uscc, "year", (int)year, "receipts",
			      receipts, "receipted_total", (json_int_t)t.donated, "base", (json_int_t)q.base, "limit",
			      (json_int_t)t.limit, "deductible_now", (json_int_t)t.deductible_now);
	json_object_set_new(j, "rounding", json_string("扣除限额按分向下取整（不足 1 分的部分舍去）"));
	json_object_set_new(j, "qualification", qualification_json());
	if (!has_ap) {
		json_object_set_new(j, "basis", json_string("taxable_income"));
		json_object_set_new(j, "basis_name", json_string("应纳税所得额"));
		json_object_set_new(j, "rate_percent", json_integer(30));
		json_object_set_new(j, "not_deductible", json_integer(t.not_deductible));
		json_object_set_new(j, "rules", json_pack("[s, s, s]",
							  "《中华人民共和国个人所得税法》第六条第三款：个人将其所得对教育、扶贫、济困等公益慈善事业进行捐赠，捐赠额未超过纳税人申报的应纳税所得额百分之三十的部分，可以从其应纳税所得额中扣除。",
							  "财政部 税务总局公告2019年第99号《关于公益慈善事业捐赠个人所得税政策的公告》：个人的公益捐赠支出可在综合所得、分类所得或经营所得的应纳税所得额中扣除，限额为应纳税所得额的30%；凭公益事业捐赠票据扣除，暂未取得票据的可凭银行支付凭证扣除，并于90日内补充提供票据。",
							  "个人所得税法未规定超限额部分结转以后年度扣除。"));
		return http_reply(r, 200, j);
	}
	json_object_set_new(j, "basis", json_string("accounting_profit"));
	json_object_set_new(j, "basis_name", json_string("年度会计利润总额"));
	json_object_set_new(j, "rate_percent", json_integer(12));
	json_t *carried = json_array(), *out = json_array();
	for (int i = 0; i < 3; i++)
		json_array_append_new(carried, json_pack("{s:i, s:I, s:I, s:I}", "from_year", (int)year - 3 + i, "amount",
							 (json_int_t)t.carry_in[i], "deducted", (json_int_t)t.carry_used[i],
							 "remaining", (json_int_t)(t.carry_in[i] - t.carry_used[i])));
	for (int i = 0; i < 3; i++)
		if (t.carry_out[i] > 0)
			json_array_append_new(out, json_pack("{s:i, s:I, s:i}", "from_year", (int)year - 2 + i, "amount",
							     (json_int_t)t.carry_out[i], "usable_until", (int)year - 2 + i + 3));
	json_object_set_new(j, "carried_in", carried);
	json_object_set_new(j, "current_deducted", json_integer(t.current_used));
	json_object_set_new(j, "expired", json_pack("{s:i, s:I}", "from_year", (int)year - 3, "amount", (json_int_t)t.carry_expired));
	json_object_set_new(j, "carry_forward", out);
	json_object_set_new(j, "rules",
			    json_pack("[s, s, s]",
				      "《中华人民共和国企业所得税法》第九条：企业发生的公益性捐赠支出，在年度利润总额12%以内的部分，准予在计算应纳税所得额时扣除；超过年度利润总额12%的部分，准予结转以后三年内在计算应纳税所得额时扣除。",
				      "《企业所得税法实施条例》第五十一条至第五十三条：公益性捐赠的范围；年度利润总额是指企业依照国家统一会计制度的规定计算的年度会计利润。",
				      "财税〔2018〕15号：企业当年发生及以前年度结转的公益性捐赠支出，扣除部分不能超过当年年度利润总额的12%；应先扣除以前年度结转的捐赠支出，再扣除当年发生的捐赠支出。"));
	return http_reply(r, 200, j);
}
