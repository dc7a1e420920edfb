/* The books' handlers: parse and check, call one operation, reply (JSON,
 * Excel, hledger text or PDF). */
#include "fund/books_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"
#include "core/money.h"
#include "core/pdf.h"
#include "fund/books.h"
#include "fund/fund.h"
#include "http/export.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

#define FUND_NAME "枣慈留香·孤困和留守儿童关爱帮扶基金"
#define FUND_KEEPER "枣庄市慈善总会"
#define LEGAL_BASIS "《中华人民共和国慈善法》第七十八条至第八十二条；《慈善组织信息公开办法》（民政部令第81号）"

static books_ctx ctx_of(hm_req *r)
{
	return (books_ctx){r->db, r->user.id ? &r->user : NULL, r->now};
}

static const char *type_name(const char *type)
{
	if (strcmp(type, "asset") == 0)
		return "资产";
	if (strcmp(type, "liability") == 0)
		return "负债";
	if (strcmp(type, "equity") == 0)
		return "净资产";
	if (strcmp(type, "income") == 0)
		return "收入";
	return "费用";
}

/* ?from=&to= (Beijing dates, inclusive). to defaults to today, from to the
 * first of January of to's year (本年累计). */
static hm_err period(hm_req *r, books_filter *f)
{
	const char *from = http_query(r, "from"), *to = http_query(r, "to");
	hm_error tmp;
	f->to = hm_day_of(r->now);
	if (to && *to && hm_date_parse(to, &f->to, &tmp, "to") != HM_OK)
		return hm_failf(&r->err, HM_E_BOOKS_PERIOD, "to", "结束日期“%.20s”不正确，应为 YYYY-MM-DD", to);
	int y, m, d;
	hm_day_ymd(f->to, &y, &m, &d);
	f->from = hm_ymd_day(y, 1, 1);
	if (from && *from && hm_date_parse(from, &f->from, &tmp, "from") != HM_OK)
		return hm_failf(&r->err, HM_E_BOOKS_PERIOD, "from", "开始日期“%.20s”不正确，应为 YYYY-MM-DD", from);
	if (f->from > f->to)
		return hm_failf(&r->err, HM_E_BOOKS_PERIOD, "from", "开始日期不能晚于结束日期");
	return HM_OK;
}

static hm_err district(hm_req *r, books_filter *f, const char **code)
{
	*code = http_query(r, "district");
	if (!*code || !**code) {
		*code = NULL;
		return HM_OK;
	}
	if (strlen(*code) > 6)
		return hm_fail(&r->err, HM_E_BOOKS_DISTRICT, "district");
	books_ctx c = ctx_of(r);
	return books_district_id(&c, *code, &f->org_id, &r->err);
}

static json_t *period_json(const books_filter *f)
{
	char a[12], b[12];
	return json_pack("{s:s, s:s}", "from", hm_date_format(f->from, a, sizeof a), "to", hm_date_format(f->to, b, sizeof b));
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* ---- statements ---------------------------------------------------------- */

static const export_col trial_cols[] = {
	{"code", "科目编码", COL_TEXT, 10},     {"name", "科目名称", COL_TEXT, 34},
	{"type_name", "类别", COL_TEXT, 8},     {"opening", "期初余额（借+/贷-，元）", COL_MONEY, 20},
	{"debit", "本期借方（元）", COL_MONEY, 18}, {"credit", "本期贷方（元）", COL_MONEY, 18},
	{"closing", "期末余额（借+/贷-，元）", COL_MONEY, 20},
};

hm_err books_trial_balance_handler(hm_req *r)
{
	static const char *const allowed[] = {"from", "to", "district", "format", NULL};
	books_filter f = {0};
	const char *dcode;
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = export_wanted(r, &xlsx)) || (err = period(r, &f)) || (err = district(r, &f, &dcode)))
		return err;
	books_trial *t = malloc(sizeof *t);
	if (!t)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	books_ctx c = ctx_of(r);
	if ((err = books_trial_balance(&c, &f, t, &r->err))) {
		free(t);
		return err;
	}
	json_t *rows = json_array();
	for (int i = 0; i < t->n; i++) {
		const books_row *x = &t->rows[i];
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "code", x->code, "name",
						      x->name, "type", x->type, "type_name", type_name(x->type),
						      "ledger_name", x->ledger_name, "opening", (json_int_t)x->opening,
						      "debit", (json_int_t)x->debit, "credit", (json_int_t)x->credit,
						      "closing", (json_int_t)x->closing));
	}
	bool balanced = t->debit == t->credit && t->opening == 0 && t->closing == 0;
	if (xlsx) {
		json_array_append_new(rows, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "code", "合计", "name",
						      balanced ? "借贷平衡" : "借贷不平衡", "opening", (json_int_t)t->opening,
						      "debit", (json_int_t)t->debit, "credit", (json_int_t)t->credit,
						      "closing", (json_int_t)t->closing));
		free(t);
		err = export_reply_xlsx(r, "trial-balance", "科目余额表", trial_cols, NCOLS(trial_cols), rows);
		json_decref(rows);
		return err;
	}
	json_t *j = json_pack("{s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}, s:I, s:b}", "period", period_json(&f), "district",
			      opt_str(dcode), "accounts", rows, "totals", "opening", (json_int_t)t->opening, "debit",
			      (json_int_t)t->debit, "credit", (json_int_t)t->credit, "closing", (json_int_t)t->closing,
			      "entries", (json_int_t)t->entries, "balanced", balanced);
	free(t);
	return http_reply(r, 200, j);
}

static const export_col statement_cols[] = {
	{"section", "项目", COL_TEXT, 10},
	{"code", "科目编码", COL_TEXT, 10},
	{"name", "科目名称", COL_TEXT, 34},
	{"amount", "本期金额（元）", COL_MONEY, 18},
};

/* aid kinds (living …) map to their expense account through the fund's
 * catalogue; the three services to the accounts of migration 0005 */
static const char *kind_account(const char *kind)
{
	static const char *const services[][2] = {{"psych", "5201"}, {"legal", "5202"}, {"family_edu", "5203"}};
	const fund_item *it = fund_item_find(FUND_AID, kind);
	if (it)
		return it->extra;
	for (size_t i = 0; i < NCOLS(services); i++)
		if (strcmp(services[i][0], kind) == 0)
			return services[i][1];
	return NULL;
}

static json_t *rows_json(const books_row *rows, int n, const char *section, json_t *flat)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I}", "code", rows[i].code, "name", rows[i].name,
						   "ledger_name", rows[i].ledger_name, "amount", (json_int_t)rows[i].closing));
		json_array_append_new(flat, json_pack("{s:s, s:s, s:s, s:I}", "section", section, "code", rows[i].code,
						      "name", rows[i].name, "amount", (json_int_t)rows[i].closing));
	}
	return a;
}

hm_err books_income_statement_handler(hm_req *r)
{
	static const char *const allowed[] = {"from", "to", "district", "aid_kind", "format", NULL};
	books_filter f = {0};
	const char *dcode, *kind = http_query(r, "aid_kind");
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = export_wanted(r, &xlsx)) || (err = period(r, &f)) || (err = district(r, &f, &dcode)))
		return err;
	if (kind && *kind) {
		if (strlen(kind) > 31 || !(f.account = kind_account(kind)))
			return hm_failf(&r->err, HM_E_BOOKS_AID_KIND, "aid_kind", "帮扶类型 %.31s 不存在", kind);
	} else {
		kind = NULL;
	}
	books_statement *s = malloc(sizeof *s);
	if (!s)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	books_ctx c = ctx_of(r);
	if ((err = books_income_statement(&c, &f, s, &r->err))) {
		free(s);
		return err;
	}
	json_t *flat = json_array();
	json_t *income = rows_json(s->income, s->nincome, "收入", flat);
	json_array_append_new(flat, json_pack("{s:s, s:s, s:I}", "section", "收入", "name", "收入合计", "amount",
					      (json_int_t)s->income_total));
	json_t *expense = rows_json(s->expense, s->nexpense, "费用", flat);
	json_array_append_new(flat, json_pack("{s:s, s:s, s:I}", "section", "费用", "name", "费用合计", "amount",
					      (json_int_t)s->expense_total));
	json_array_append_new(flat, json_pack("{s:s, s:s, s:I}", "section", "净资产变动", "name", "收入合计减费用合计",
					      "amount", (json_int_t)s->surplus));
	json_t *dist = json_array();
	for (int i = 0; i < s->ndistricts; i++)
		json_array_append_new(dist, json_pack("{s:s, s:s, s:I, s:I}", "code", s->districts[i].code, "name",
						      s->districts[i].name, "income", (json_int_t)s->districts[i].income,
						      "expense", (json_int_t)s->districts[i].expense));
	json_t *j = json_pack("{s:o, s:o, s:o, s:o, s:I, s:o, s:I, s:I, s:o}", "period", period_json(&f), "district",
			      opt_str(dcode), "aid_kind", opt_str(kind), "income", income, "income_total",
			      (json_int_t)s->income_total, "expense", expense, "expense_total", (json_int_t)s->expense_total,
			      "surplus", (json_int_t)s->surplus, "by_district", dist);
	free(s);
	if (xlsx) {
		err = export_reply_xlsx(r, "income-statement", "业务活动表", statement_cols, NCOLS(statement_cols), flat);
		json_decref(flat);
		json_decref(j);
		return err;
	}
	json_decref(flat);
	return http_reply(r, 200, j);
}

static const export_col sheet_cols[] = {
	{"section", "项目", COL_TEXT, 12},
	{"code", "科目编码", COL_TEXT, 10},
	{"name", "科目名称", COL_TEXT, 34},
	{"opening", "期初数（元）", COL_MONEY, 18},
	{"closing", "期末数（元）", COL_MONEY, 18},
};

hm_err books_balance_sheet_handler(hm_req *r)
{
	static const char *const allowed[] = {"from", "to", "format", NULL};
	books_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = export_wanted(r, &xlsx)) || (err = period(r, &f)))
		return err;
	books_balance_sheet *s = malloc(sizeof *s);
	if (!s)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	books_ctx c = ctx_of(r);
	if ((err = books_balance_sheet_get(&c, &f, s, &r->err))) {
		free(s);
		return err;
	}
	json_t *flat = json_array(), *assets = json_array(), *liab = json_array();
	for (int i = 0; i < s->nassets; i++) {
		const books_row *x = &s->assets[i];
		json_array_append_new(assets, json_pack("{s:s, s:s, s:s, s:I, s:I}", "code", x->code, "name", x->name,
							"ledger_name", x->ledger_name, "opening", (json_int_t)x->opening,
							"closing", (json_int_t)x->closing));
		json_array_append_new(flat, json_pack("{s:s, s:s, s:s, s:I, s:I}", "section", "资产", "code", x->code, "name",
						      x->name, "opening", (json_int_t)x->opening, "closing",
						      (json_int_t)x->closing));
	}
	json_array_append_new(flat, json_pack("{s:s, s:s, s:I, s:I}", "section", "资产", "name", "资产合计", "opening",
					      (json_int_t)s->assets_opening, "closing", (json_int_t)s->assets_closing));
	for (int i = 0; i < s->nliabilities; i++) {
		const books_row *x = &s->liabilities[i];
		json_array_append_new(liab, json_pack("{s:s, s:s, s:s, s:I, s:I}", "code", x->code, "name", x->name,
						      "ledger_name", x->ledger_name, "opening", (json_int_t)x->opening,
						      "closing", (json_int_t)x->closing));
		json_array_append_new(flat, json_pack("{s:s, s:s, s:s, s:I, s:I}", "section", "负债", "code", x->code, "name",
						      x->name, "opening", (json_int_t)x->opening, "closing",
						      (json_int_t)x->closing));
	}
	json_array_append_new(flat, json_pack("{s:s, s:s, s:I, s:I}", "section", "负债", "name", "负债合计", "opening",
					      (json_int_t)s->liabilities_opening, "closing",
					      (json_int_t)s->liabilities_closing));
	json_array_append_new(flat, json_pack("{s:s, s:s, s:I, s:I}", "section", "净资产", "name",
					      "限定性净资产（专项基金）", "opening", (json_int_t)s->net_opening, "closing",
					      (json_int_t)s->net_closing));
	json_array_append_new(flat, json_pack("{s:s, s:s, s:I, s:I}", "section", "合计", "name", "负债和净资产合计",
					      "opening", (json_int_t)(s->liabilities_opening + s->net_opening), "closing",
					      (json_int_t)(s->liabilities_closing + s->net_closing)));
	bool balanced = s->assets_opening == s->liabilities_opening + s->net_opening &&
			s->assets_closing == s->liabilities_closing + s->net_closing &&
			s->net_closing == s->net_opening + s->income - s->expense;
	json_t *j = json_pack("{s:o, s:o, s:{s:I, s:I}, s:o, s:{s:I, s:I}, s:{s:s, s:I, s:I, s:I, s:I}, s:b}", "period",
			      period_json(&f), "assets", assets, "assets_total", "opening", (json_int_t)s->assets_opening,
			      "closing", (json_int_t)s->assets_closing, "liabilities", liab, "liabilities_total", "opening",
			      (json_int_t)s->liabilities_opening, "closing", (json_int_t)s->liabilities_closing,
			      "net_assets", "name", "限定性净资产（专项基金，慈善法第五十四条：按捐赠用途使用）", "opening",
			      (json_int_t)s->net_opening, "closing", (json_int_t)s->net_closing, "income",
			      (json_int_t)s->income, "expense", (json_int_t)s->expense, "balanced", balanced);
	free(s);
	if (xlsx) {
		err = export_reply_xlsx(r, "balance-sheet", "资产负债表", sheet_cols, NCOLS(sheet_cols), flat);
		json_decref(flat);
		json_decref(j);
		return err;
	}
	json_decref(flat);
	return http_reply(r, 200, j);
}

hm_err books_hledger_handler(hm_req *r)
{
	static const char *const allowed[] = {NULL};
	hm_err err = http_query_allowed(r, allowed);
	if (err)
		return err;
	char *text;
	size_t len;
	books_ctx c = ctx_of(r);
	if ((err = books_hledger_export(&c, &text, &len, &r->err)))
		return err;
	free(r->raw);
	r->raw = text;
	r->raw_len = len;
	r->raw_type = "text/plain; charset=utf-8";
	r->status = 200;
	snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"huimin-journal.hledger\"");
	return HM_OK;
}

/* ---- bank statements ----------------------------------------------------- */

static const jfield import_spec[] = {
	{"csv", JF_STRING, true, 1, 1024 * 1024, NULL, 0},
	{"filename", JF_STRING, false, 0, 128, NULL, 0},
	{NULL, 0, false, 0, 0, NULL, 0},
};

static const char *match_name(const char *kind)
{
	return strcmp(kind, "donation") == 0 ? "捐赠" : strcmp(kind, "payment") == 0 ? "帮扶资金发放" : "未匹配";
}

static json_t *line_json(const books_bank_line *l, int64_t import_id)
{
	json_t *j = json_pack("{s:I, s:i, s:s, s:s, s:I, s:I, s:s, s:s, s:b, s:s, s:s}", "import_id", (json_int_t)import_id,
			      "line_no", l->line_no, "date", l->date, "summary", l->summary, "amount_in",
			      (json_int_t)l->amount_in, "amount_out", (json_int_t)l->amount_out, "counterparty",
			      l->counterparty, "ref", l->ref, "matched", l->match_kind[0] != '\0', "match_kind",
			      l->match_kind, "match_name", match_name(l->match_kind));
	json_object_set_new(j, "donation_id", l->donation_id ? json_integer(l->donation_id) : json_null());
	json_object_set_new(j, "entry_id", l->entry_id ? json_integer(l->entry_id) : json_null());
	return j;
}

static json_t *import_json(const books_import *imp)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)imp->id,
			      "hash", imp->hash, "filename", imp->filename, "line_count", (json_int_t)imp->line_count,
			      "matched_count", (json_int_t)imp->matched_count, "unmatched_count",
			      (json_int_t)(imp->line_count - imp->matched_count), "total_in", (json_int_t)imp->total_in,
			      "total_out", (json_int_t)imp->total_out, "first_date", imp->first_date, "last_date",
			      imp->last_date, "created_by", imp->created_by);
	json_object_set_new(j, "created_at", json_time(imp->created_at));
	return j;
}

hm_err books_import_create_handler(hm_req *r)
{
	hm_err err = http_body(r, import_spec);
	if (err)
		return err;
	const json_t *csv = json_object_get(r->body, "csv");
	books_import imp;
	books_bank_line *lines = NULL;
	size_t n = 0;
	books_ctx c = ctx_of(r);
	if ((err = books_bank_import(&c, json_string_value(csv), json_string_length(csv), jstr(r->body, "filename"), &imp,
				     &lines, &n, &r->err)))
		return err;
	json_t *all = json_array(), *unmatched = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(all, line_json(&lines[i], imp.id));
		if (!lines[i].match_kind[0])
			json_array_append_new(unmatched, line_json(&lines[i], imp.id));
	}
	free(lines);
	json_t *j = json_pack("{s:o, s:o, s:o}", "import", import_json(&imp), "lines", all, "unmatched", unmatched);
	if (!imp.donations_checked)
		json_object_set_new(j, "warning", json_string("捐赠记录表尚未建立，收入流水未与捐赠核对"));
	return http_reply(r, 201, j);
}

static void import_visit(const books_import *imp, void *arg)
{
	json_array_append_new(arg, import_json(imp));
}

static const export_col import_cols[] = {
	{"id", "导入编号", COL_INT, 10},           {"filename", "文件名", COL_TEXT, 24},
	{"first_date", "起始日期", COL_TEXT, 12},   {"last_date", "截止日期", COL_TEXT, 12},
	{"line_count", "交易笔数", COL_INT, 10},    {"matched_count", "已匹配", COL_INT, 10},
	{"unmatched_count", "未匹配", COL_INT, 10}, {"total_in", "收入合计（元）", COL_MONEY, 16},
	{"total_out", "支出合计（元）", COL_MONEY, 16}, {"created_by", "导入人", COL_TEXT, 12},
	{"created_at", "导入时间", COL_TEXT, 26},
};

hm_err books_imports_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"page", "page_size", "format", NULL};
	int page, size;
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = export_wanted(r, &xlsx)) || (err = http_page(r, &page, &size)))
		return err;
	if (xlsx) {
		page = 1;
		size = EXPORT_MAX_ROWS;
	}
	json_t *items = json_array();
	int64_t total;
	books_ctx c = ctx_of(r);
	if ((err = books_import_list(&c, page, size, import_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	if (xlsx) {
		err = export_reply_xlsx(r, "bank-imports", "银行流水导入", import_cols, NCOLS(import_cols), items);
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page",
					    page, "page_size", size));
}

static const export_col line_cols[] = {
	{"import_id", "导入编号", COL_INT, 10},  {"line_no", "行号", COL_INT, 8},
	{"date", "交易日期", COL_TEXT, 12},      {"summary", "摘要", COL_TEXT, 24},
	{"amount_in", "收入金额（元）", COL_MONEY, 16}, {"amount_out", "支出金额（元）", COL_MONEY, 16},
	{"counterparty", "对方户名", COL_TEXT, 20}, {"ref", "交易流水号/参考号", COL_TEXT, 26},
	{"match_name", "匹配结果", COL_TEXT, 14},  {"entry_id", "记账分录号", COL_INT, 12},
};

static void line_visit(const books_bank_line *l, int64_t import_id, void *arg)
{
	if (json_array_size(arg) <= EXPORT_MAX_ROWS)
		json_array_append_new(arg, line_json(l, import_id));
}

static hm_err reply_lines(hm_req *r, int64_t import_id, bool unmatched, bool xlsx, json_t *extra)
{
	json_t *items = json_array();
	books_ctx c = ctx_of(r);
	hm_err err = books_lines_list(&c, import_id, unmatched, line_visit, items, &r->err);
	if (!err && json_array_size(items) > EXPORT_MAX_ROWS)
		err = hm_failf(&r->err, HM_E_BAD_QUERY, NULL, "超过单次导出上限 %d 行，请按导入批次查询", EXPORT_MAX_ROWS);
	if (err) {
		json_decref(items);
		json_decref(extra);
		return err;
	}
	if (xlsx) {
		err = export_reply_xlsx(r, unmatched ? "bank-lines-unmatched" : "bank-lines",
					unmatched ? "未匹配银行流水" : "银行流水明细", line_cols, NCOLS(line_cols), items);
		json_decref(items);
		json_decref(extra);
		return err;
	}
	json_t *j = extra ? extra : json_object();
	json_object_set_new(j, "items", items);
	return http_reply(r, 200, j);
}

static hm_err query_flag(hm_req *r, const char *name, bool *out)
{
	const char *v = http_query(r, name);
	*out = false;
	if (!v || !*v || strcmp(v, "false") == 0)
		return HM_OK;
	if (strcmp(v, "true") != 0)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为 true 或 false", name);
	*out = true;
	return HM_OK;
}

hm_err books_import_get_handler(hm_req *r)
{
	static const char *const allowed[] = {"unmatched", "format", NULL};
	int64_t id;
	bool xlsx, unmatched;
	hm_err err = http_param_id(r, 0, &id, HM_E_BANK_NOT_FOUND);
	if (err || (err = http_query_allowed(r, allowed)) || (err = export_wanted(r, &xlsx)) ||
	    (err = query_flag(r, "unmatched", &unmatched)))
		return err;
	books_import imp;
	books_ctx c = ctx_of(r);
	if ((err = books_import_get(&c, id, &imp, &r->err)))
		return err;
	return reply_lines(r, id, unmatched, xlsx, json_pack("{s:o}", "import", import_json(&imp)));
}

hm_err books_bank_lines_handler(hm_req *r)
{
	static const char *const allowed[] = {"unmatched", "format", NULL};
	bool xlsx, unmatched;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = export_wanted(r, &xlsx)) || (err = query_flag(r, "unmatched", &unmatched)))
		return err;
	return reply_lines(r, 0, unmatched, xlsx, NULL);
}

/* ---- public disclosure --------------------------------------------------- */

static hm_err quarter_args(hm_req *r, int *year, int *quarter)
{
	static const char *const allowed[] = {"year", "quarter", NULL};
	hm_err err = http_query_allowed(r, allowed);
	if (err)
		return err;
	const char *y = http_query(r, "year"), *q = http_query(r, "quarter");
	if (!y || !q || strlen(y) != 4 || strspn(y, "0123456789") != 4 || strlen(q) != 1 || strspn(q, "1234") != 1)
		return hm_failf(&r->err, HM_E_DISCLOSURE_QUARTER, !y || strlen(y) != 4 || strspn(y, "0123456789") != 4 ? "year" : "quarter",
				"请给出年度和季度，如 ?year=2026&quarter=1（季度为 1–4）");
	*year = atoi(y);
	*quarter = atoi(q);
	return HM_OK;
}

static json_t *count_json(const books_cell *c)
{
	json_t *j = json_pack("{s:s, s:s, s:b}", "code", c->code, "name", c->name, "suppressed", c->suppressed);
	json_object_set_new(j, "count", c->suppressed ? json_string("<3") : json_integer(c->value));
	return j;
}

static const char *const disclosure_notes[] = {
	"本表只公开汇总数字，不含任何受助儿童或捐赠人的姓名、身份证号、联系方式、住址等个人信息。",
	"为保护儿童隐私，人数少于 3 人的格子显示为“<3”；若某区只有一格被隐去，另隐去一格，以免由合计倒推。",
	"同一儿童可同时属于多个类别，故各类别人数之和可能大于受助儿童总数。",
	"金额单位为分（JSON）或元（PDF）；收入与支出按记账分录的发生日期（北京时间）归属季度。",
};

hm_err books_disclosure_handler(hm_req *r)
{
	int year, quarter;
	hm_err err = quarter_args(r, &year, &quarter);
	if (err)
		return err;
	books_disclosure *d = malloc(sizeof *d);
	if (!d)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	books_ctx c = ctx_of(r);
	if ((err = books_disclosure_get(&c, year, quarter, d, &r->err))) {
		free(d);
		return err;
	}
	json_t *income = json_array(), *spent = json_array(), *cats = json_array(), *dists = json_array(),
	       *notes = json_array();
	for (int i = 0; i < d->nincome; i++)
		json_array_append_new(income, json_pack("{s:s, s:s, s:I}", "code", d->income[i].code, "name", d->income[i].name,
							"amount", (json_int_t)d->income[i].value));
	for (int i = 0; i < d->nspent; i++)
		json_array_append_new(spent, json_pack("{s:s, s:s, s:I}", "code", d->spent[i].code, "name", d->spent[i].name,
						       "amount", (json_int_t)d->spent[i].value));
	for (int i = 0; i < d->ncategory; i++)
		json_array_append_new(cats, count_json(&d->by_category[i]));
	for (int i = 0; i < d->ndistrict; i++)
		json_array_append_new(dists, count_json(&d->by_district[i]));
	for (size_t i = 0; i < NCOLS(disclosure_notes); i++)
		json_array_append_new(notes, json_string(disclosure_notes[i]));
	json_t *donations = json_pack("{s:b}", "available", d->donations_available);
	json_object_set_new(donations, "count", d->donations_available ? json_integer(d->donation_count) : json_null());
	json_object_set_new(donations, "total", d->donations_available ? json_integer(d->donation_total) : json_null());
	json_t *children = json_pack("{s:o, s:b, s:o, s:o, s:i}", "total",
				     d->children_total.suppressed ? json_string("<3") : json_integer(d->children_total.value),
				     "total_suppressed", d->children_total.suppressed, "by_category", cats, "by_district",
				     dists, "min_cell", BOOKS_MIN_CELL);
	json_t *j = json_pack("{s:s, s:s, s:i, s:i, s:{s:s, s:s}, s:b, s:o, s:o, s:I, s:o, s:I, s:I, s:o, s:o, s:s}",
			      "fund", FUND_NAME, "publisher", FUND_KEEPER, "year", d->year, "quarter", d->quarter,
			      "period", "from", d->from, "to", d->to, "complete", d->complete, "donations", donations,
			      "income", income, "income_total", (json_int_t)d->income_total, "spent", spent, "spent_total",
			      (json_int_t)d->spent_total, "bank_closing", (json_int_t)d->bank_closing, "children",
			      children, "notes", notes, "legal_basis", LEGAL_BASIS);
	free(d);
	return http_reply(r, 200, j);
}

/* ---- the disclosure as a PDF --------------------------------------------- */

typedef struct page {
	pdf_doc *d;
	double y;
} page;

static void need(page *p, double h)
{
	if (p->y + h > 272) {
		pdf_page_next(p->d);
		p->y = 20;
	}
}

/* One table row: a name and a right-aligned figure, with a rule under it. */
static void row(page *p, const char *name, const char *value, unsigned flags)
{
	need(p, 8);
	double h1 = pdf_text(p->d, 25, p->y, 110, 10.5, flags, name);
	double h2 = pdf_text(p->d, 135, p->y, 50, 10.5, PDF_RIGHT | flags, value);
	p->y += (h1 > h2 ? h1 : h2) + 1.5;
	pdf_line(p->d, 25, p->y, 185, p->y, 0.3);
	p->y += 1.5;
}

static void heading(page *p, const char *text)
{
	need(p, 18);
	p->y += 4;
	p->y += pdf_text(p->d, 20, p->y, 170, 13, PDF_BOLD, text) + 2;
}

static const char *yuan(int64_t fen, char *buf, size_t n)
{
	char m[40];
	snprintf(buf, n, "%s 元", money_format_display(fen, m, sizeof m));
	return buf;
}

static const char *count_text(const books_cell *c, char *buf, size_t n)
{
	if (c->suppressed)
		snprintf(buf, n, "<3 人");
	else
		snprintf(buf, n, "%lld 人", (long long)c->value);
	return buf;
}

hm_err books_disclosure_pdf_handler(hm_req *r)
{
	int year, quarter;
	hm_err err = quarter_args(r, &year, &quarter);
	if (err)
		return err;
	books_disclosure *d = malloc(sizeof *d);
	if (!d)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	books_ctx c = ctx_of(r);
	if ((err = books_disclosure_get(&c, year, quarter, d, &r->err))) {
		free(d);
		return err;
	}
	char title[160], buf[640], v[64];
	snprintf(title, sizeof title, "%d年第%d季度信息公开", d->year, d->quarter);
	pdf_doc *doc = pdf_new(210, 297, title, &r->err);
	if (!doc) {
		free(d);
		return r->err.err;
	}
	page p = {doc, 18};
	p.y += pdf_text(doc, 20, p.y, 170, 16, PDF_CENTER | PDF_BOLD, FUND_NAME) + 2;
	p.y += pdf_text(doc, 20, p.y, 170, 14, PDF_CENTER | PDF_BOLD, title) + 2;
	snprintf(buf, sizeof buf, "公开单位：%s　　统计期间：%s 至 %s%s", FUND_KEEPER, d->from, d->to,
		 d->complete ? "" : "（本季度尚未结束，数据截至今日）");
	p.y += pdf_text(doc, 20, p.y, 170, 10, PDF_CENTER, buf) + 4;

	heading(&p, "一、本季度收到的捐赠");
	if (d->donations_available) {
		snprintf(buf, sizeof buf, "%lld 笔", (long long)d->donation_count);
		row(&p, "捐赠笔数", buf, 0);
		row(&p, "捐赠金额", yuan(d->donation_total, v, sizeof v), 0);
	} else {
		row(&p, "捐赠笔数", "（捐赠登记功能尚未启用）", 0);
	}
	heading(&p, "二、本季度收入（按来源）");
	for (int i = 0; i < d->nincome; i++)
		row(&p, d->income[i].name, yuan(d->income[i].value, v, sizeof v), 0);
	row(&p, "收入合计", yuan(d->income_total, v, sizeof v), PDF_BOLD);
	heading(&p, "三、本季度资金使用（按帮扶与服务类型）");
	for (int i = 0; i < d->nspent; i++)
		row(&p, d->spent[i].name, yuan(d->spent[i].value, v, sizeof v), 0);
	row(&p, "支出合计", yuan(d->spent_total, v, sizeof v), PDF_BOLD);
	row(&p, "季度末银行存款余额", yuan(d->bank_closing, v, sizeof v), PDF_BOLD);
	heading(&p, "四、本季度受助儿童（已发放帮扶资金）");
	row(&p, "受助儿童合计", count_text(&d->children_total, v, sizeof v), PDF_BOLD);
	heading(&p, "按类别");
	for (int i = 0; i < d->ncategory; i++)
		row(&p, d->by_category[i].name, count_text(&d->by_category[i], v, sizeof v), 0);
	heading(&p, "按区（市）");
	for (int i = 0; i < d->ndistrict; i++)
		row(&p, d->by_district[i].name, count_text(&d->by_district[i], v, sizeof v), 0);
	need(&p, 40);
	p.y += 6;
	for (size_t i = 0; i < NCOLS(disclosure_notes); i++) {
		snprintf(buf, sizeof buf, "注%zu：%s", i + 1, disclosure_notes[i]);
		p.y += pdf_text(doc, 20, p.y, 170, 8.5, 0, buf) + 1;
	}
	p.y += 2;
	snprintf(buf, sizeof buf, "公开依据：%s", LEGAL_BASIS);
	pdf_text(doc, 20, p.y, 170, 8.5, PDF_BOLD, buf);
	free(d);
	char *bytes = NULL;
	size_t len = 0;
	err = pdf_finish(doc, &bytes, &len, &r->err);
	pdf_free(doc);
	if (err)
		return err;
	free(r->raw);
	r->raw = bytes;
	r->raw_len = len;
	r->raw_type = "application/pdf";
	r->status = 200;
	snprintf(r->disposition, sizeof r->disposition, "inline; filename=\"disclosure-%d-q%d.pdf\"", year, quarter);
	return HM_OK;
}
