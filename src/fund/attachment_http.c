/* Handlers of attachments. An upload is the raw request body (route flag
 * R_UPLOAD) with the file's type in Content-Type and its name in
 * ?filename=; the type that counts is the one read from the bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund/attachment.h"
#include "fund/care_http.h"
#include "http/export.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static fund_ctx ctx_of(hm_req *r)
{
	return (fund_ctx){r->db, &r->user, r->now, r->app->calendar, r->app->divisions};
}

static json_t *attachment_json(const attachment *a)
{
	const char *doc = attachment_doc_type_name(a->doc_type);
	json_t *j = json_pack("{s:I, s:s, s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)a->id,
			      "hash", a->hash, "child", "id", (json_int_t)a->owner_child_id, "name", a->child_name,
			      "doc_type", a->doc_type, "doc_type_name", doc ? doc : a->doc_type, "filename", a->filename,
			      "content_type", a->content_type, "size", (json_int_t)a->size, "uploaded_by", a->uploaded_by,
			      "org_code", a->org_code);
	json_object_set_new(j, "child_id", a->child_id ? json_integer(a->child_id) : json_null());
	json_object_set_new(j, "application_id", a->application_id ? json_integer(a->application_id) : json_null());
	json_object_set_new(j, "uploaded_at", json_time(a->uploaded_at));
	return j;
}

static hm_err upload(hm_req *r, bool for_child)
{
	static const char *const allowed[] = {"filename", "doc_type", NULL};
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, for_child ? HM_E_CHILD_NOT_FOUND : HM_E_APP_NOT_FOUND);
	if (err || (err = http_query_allowed(r, allowed)))
		return err;
	const char *name = http_query(r, "filename");
	const char *doc = http_query(r, "doc_type");
	if (!name || !*name)
		return hm_failf(&r->err, HM_E_MISSING_FIELD, "filename", "请在查询参数 filename 中给出文件名");
	/* longer than any valid name: refuse before copying */
	if (strlen(name) > 4 * ATTACHMENT_NAME_MAX)
		return hm_fail(&r->err, HM_E_ATTACHMENT_NAME, "filename");
	attachment a;
	memset(&a, 0, sizeof a);
	if (for_child)
		a.child_id = id;
	else
		a.application_id = id;
	COPY(a.filename, name);
	COPY(a.doc_type, doc && *doc ? doc : "other");
	if (doc && strlen(doc) >= sizeof a.doc_type)
		return hm_fail(&r->err, HM_E_ATTACHMENT_DOC_TYPE, "doc_type");
	bool existed;
	fund_ctx c = ctx_of(r);
	if ((err = attachment_upload(&c, r->app->data_dir, &a, r->upload, r->upload_len, http_header(r, "Content-Type"),
				     &existed, &r->err)))
		return err;
	return http_reply(r, existed ? 200 : 201,
			  json_pack("{s:o, s:b}", "attachment", attachment_json(&a), "duplicate", existed));
}

hm_err attachment_child_upload_handler(hm_req *r)
{
	return upload(r, true);
}

hm_err attachment_app_upload_handler(hm_req *r)
{
	return upload(r, false);
}

hm_err attachment_get_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_ATTACHMENT_NOT_FOUND);
	if (err)
		return err;
	attachment a;
	fund_ctx c = ctx_of(r);
	if ((err = attachment_get(&c, id, &a, &r->err)))
		return err;
	return http_reply(r, 200, json_pack("{s:o}", "attachment", attachment_json(&a)));
}

/* Content-Disposition: an ASCII name every client understands, and the
 * real (UTF-8, RFC 5987) name when it fits the reply's header buffer. */
static void disposition(hm_req *r, const attachment *a)
{
	char *d = r->disposition;
	size_t n = sizeof r->disposition;
	int k = snprintf(d, n, "attachment; filename=\"attachment-%lld.%s\"", (long long)a->id,
			 attachment_ext(a->content_type));
	if (k < 0 || (size_t)k >= n)
		return;
	char ext[512];
	size_t e = 0;
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *s = (const unsigned char *)a->filename; *s && e + 4 < sizeof ext; s++) {
		bool plain = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			     *s == '.' || *s == '-' || *s == '_';
		if (plain) {
			ext[e++] = (char)*s;
		} else {
			ext[e++] = '%';
			ext[e++] = hex[*s >> 4];
			ext[e++] = hex[*s & 15];
		}
	}
	ext[e] = '\0';
	static const char star[] = "; filename*=UTF-8''";
	if ((size_t)k + sizeof star - 1 + e < n) {
		memcpy(d + k, star, sizeof star - 1);
		memcpy(d + k + sizeof star - 1, ext, e + 1);
	}
}

hm_err attachment_download_handler(hm_req *r)
{
	int64_t id;
	hm_err err = http_param_id(r, 0, &id, HM_E_ATTACHMENT_NOT_FOUND);
	if (err)
		return err;
	attachment a;
	char *data;
	fund_ctx c = ctx_of(r);
	if ((err = attachment_download(&c, r->app->data_dir, id, &a, &data, &r->err)))
		return err;
	/* the stored type is the one read from the bytes at upload */
	static const char *const types[] = {"application/pdf", "image/jpeg", "image/png"};
	const char *type = "application/octet-stream";
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i], a.content_type) == 0)
			type = types[i];
	err = http_reply_raw(r, 200, type, data, (size_t)a.size);
	free(data);
	if (!err)
		disposition(r, &a);
	return err;
}

static void attachment_visit_json(const attachment *a, void *arg)
{
	json_array_append_new(arg, attachment_json(a));
}

static const export_col attachment_cols[] = {
	{"id", "编号", COL_INT, 8},
	{"child.name", "儿童", COL_TEXT, 12},
	{"application_id", "申请编号", COL_INT, 10},
	{"doc_type_name", "材料类型", COL_TEXT, 18},
	{"filename", "文件名", COL_TEXT, 30},
	{"content_type", "文件类型", COL_TEXT, 16},
	{"size", "大小（字节）", COL_INT, 12},
	{"uploaded_by", "上传人", COL_TEXT, 14},
	{"uploaded_at", "上传时间", COL_TEXT, 26},
};

static hm_err query_id(hm_req *r, const char *name, int64_t *out)
{
	const char *s = http_query(r, name);
	*out = 0;
	if (!s)
		return HM_OK;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v <= 0 || s[0] == '+')
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为正整数", name);
	*out = v;
	return HM_OK;
}

hm_err attachments_list_handler(hm_req *r)
{
	static const char *const allowed[] = {"child_id", "application_id", "district", "doc_type",
					      "page",     "page_size",      "format",   NULL};
	attachment_filter f = {0};
	bool xlsx;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = export_wanted(r, &xlsx)) || (err = http_page(r, &f.page, &f.page_size)) ||
	    (err = query_id(r, "child_id", &f.child_id)) || (err = query_id(r, "application_id", &f.application_id)))
		return err;
	if (xlsx) {
		f.page = 1;
		f.page_size = EXPORT_MAX_ROWS + 1;
	}
	f.district = http_query(r, "district") ? http_query(r, "district") : "";
	f.doc_type = http_query(r, "doc_type") ? http_query(r, "doc_type") : "";
	if (strlen(f.district) > 6)
		return hm_failf(&r->err, HM_E_BAD_QUERY, "district", "查询参数 district 过长");
	if (f.doc_type[0] && !attachment_doc_type_name(f.doc_type))
		return hm_failf(&r->err, HM_E_BAD_QUERY, "doc_type", "材料类型 %s 不存在", f.doc_type);
	json_t *items = json_array();
	int64_t total;
	fund_ctx c = ctx_of(r);
	if ((err = attachment_list(&c, &f, attachment_visit_json, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	if (xlsx) {
		err = total > EXPORT_MAX_ROWS
			      ? hm_failf(&r->err, HM_E_BAD_QUERY, NULL, "共 %lld 行，超过单次导出上限 %d 行，请缩小筛选范围",
					 (long long)total, EXPORT_MAX_ROWS)
			      : export_reply_xlsx(r, "attachments", "附件", attachment_cols,
						  sizeof attachment_cols / sizeof attachment_cols[0], items);
		json_decref(items);
		return err;
	}
	return http_reply(r, 200,
			  json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page", f.page,
				    "page_size", f.page_size));
}
