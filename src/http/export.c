/* Writing .xlsx with libxlsxwriter. The library writes to a file, so the
 * workbook goes to a private temporary file that is read back and removed. */
#include "http/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

hm_err export_wanted(hm_req *r, bool *xlsx)
{
	const char *f = http_query(r, "format");
	*xlsx = false;
	if (!f || strcmp(f, "json") == 0)
		return HM_OK;
	if (strcmp(f, "xlsx") != 0)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "format", "导出格式应为 xlsx");
	*xlsx = true;
	return HM_OK;
}

static const json_t *member(const json_t *item, const char *key)
{
	char buf[64];
	const char *dot = strchr(key, '.');
	if (!dot)
		return json_object_get(item, key);
	snprintf(buf, sizeof buf, "%.*s", (int)(dot - key), key);
	return member(json_object_get(item, buf), dot + 1);
}

static void write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const export_col *c, const json_t *v,
		       lxw_format *money)
{
	switch (c->type) {
	case COL_MONEY:
		/* Excel stores numbers as binary floating point; converting fen to
		 * yuan here, at the very edge, is exact to the cent for any amount
		 * below 2^53 fen, and the cell format shows two decimals */
		if (json_is_integer(v))
			worksheet_write_number(ws, row, col, (double)json_integer_value(v) / 100, money);
		return;
	case COL_INT:
		if (json_is_integer(v))
			worksheet_write_number(ws, row, col, (double)json_integer_value(v), NULL);
		return;
	case COL_BOOL:
		worksheet_write_string(ws, row, col, json_is_true(v) ? "是" : "否", NULL);
		return;
	case COL_TAGS: {
		char buf[512] = "";
		size_t i, len = 0;
		json_t *x;
		json_array_foreach((json_t *)v, i, x)
		{
			const char *name = json_string_value(json_object_get(x, "name"));
			int k = snprintf(buf + len, sizeof buf - len, "%s%s", i ? "、" : "", name ? name : "");
			if (k < 0 || (size_t)k >= sizeof buf - len)
				break;
			len += (size_t)k;
		}
		worksheet_write_string(ws, row, col, buf, NULL);
		return;
	}
	case COL_TEXT:
		if (json_is_string(v))
			worksheet_write_string(ws, row, col, json_string_value(v), NULL);
		return;
	}
}

hm_err export_reply_xlsx(hm_req *r, const char *filename, const char *sheet, const export_col *cols, size_t ncols,
			 const json_t *items)
{
	char path[] = "/tmp/huimin-export-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return hm_failf(&r->err, HM_E_INTERNAL, NULL, "无法创建导出文件");
	close(fd);
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb) {
		unlink(path);
		return hm_failf(&r->err, HM_E_INTERNAL, NULL, "无法创建导出文件");
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xE8EEF7);
	lxw_format *money = workbook_add_format(wb);
	format_set_num_format(money, "#,##0.00");
	for (size_t c = 0; c < ncols; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].title, head);
	}
	size_t i;
	json_t *item;
	json_array_foreach((json_t *)items, i, item)
	{
		for (size_t c = 0; c < ncols; c++)
			write_cell(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, &cols[c], member(item, cols[c].key), money);
	}
	worksheet_freeze_panes(ws, 1, 0);
	lxw_error le = workbook_close(wb);
	FILE *f = le == LXW_NO_ERROR ? fopen(path, "rb") : NULL;
	char *buf = NULL;
	long n = 0;
	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	unlink(path);
	if (!buf)
		return hm_failf(&r->err, HM_E_INTERNAL, NULL, "导出文件生成失败");
	free(r->raw);
	r->raw = buf;
	r->raw_len = (size_t)n;
	r->raw_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	r->status = 200;
	snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s.xlsx\"", filename);
	return HM_OK;
}

json_t *http_page_json(json_t *items, int64_t total, int page, int size)
{
	return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page", page, "page_size",
			 size);
}

void http_page_open(json_out *o)
{
	jo_open_obj(o);
	jo_key(o, "items");
	jo_open_arr(o);
}

hm_err http_page_reply(hm_req *r, json_out *o, int64_t total, int page, int size)
{
	jo_close_arr(o);
	jo_kint(o, "total", total);
	jo_kint(o, "page", page);
	jo_kint(o, "page_size", size);
	jo_close_obj(o);
	return http_reply_out(r, 200, o);
}

hm_err http_list_paging(hm_req *r, bool *xlsx, int *page, int *size)
{
	hm_err err = export_wanted(r, xlsx);
	if (err || (err = http_page(r, page, size)))
		return err;
	if (*xlsx) {
		*page = 1;
		*size = EXPORT_MAX_ROWS + 1;
	}
	return HM_OK;
}

hm_err http_list_reply(hm_req *r, json_t *items, int64_t total, int page, int size, bool xlsx, const char *file,
		       const char *sheet, const export_col *cols, size_t ncols)
{
	if (!xlsx)
		return http_reply(r, 200, http_page_json(items, total, page, size));
	hm_err err = total > EXPORT_MAX_ROWS
			     ? hm_failf(&r->err, HM_E_BAD_QUERY, NULL, "共 %lld 行，超过单次导出上限 %d 行，请缩小筛选范围",
					(long long)total, EXPORT_MAX_ROWS)
			     : export_reply_xlsx(r, file, sheet, cols, ncols, items);
	json_decref(items);
	return err;
}
