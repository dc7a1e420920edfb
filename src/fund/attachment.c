/* Attachments: what an upload must be, where its bytes live, and the
 * rules of filing and fetching one. SQL lives in attachment_db.c. */
#include "fund/attachment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/filestore.h"
#include "fund/attachment_db.h"

/* ---- pure checks and files: the shared store (core/filestore.h) ------ */

const char *attachment_sniff(const void *data, size_t len)
{
	return filestore_sniff(data, len);
}

hm_err attachment_check(const void *data, size_t len, size_t max, const char *declared, const char **type,
			hm_error *e)
{
	return filestore_check(data, len, max, declared, type, e);
}

bool attachment_filename_valid(const char *name)
{
	return filestore_filename_valid(name);
}

static const char *const doc_codes[] = {"hukou", "identity", "household_cert", "medical", "school", "photo", "other", NULL};
static const char *const doc_names[] = {"户口簿", "身份证明", "低保或低保边缘证明", "病历及诊断证明", "在校证明", "照片", "其他材料"};

const char *attachment_doc_type_name(const char *code)
{
	for (int i = 0; doc_codes[i]; i++)
		if (strcmp(doc_codes[i], code) == 0)
			return doc_names[i];
	return NULL;
}

const char *const *attachment_doc_types(void)
{
	return doc_codes;
}

const char *attachment_ext(const char *content_type)
{
	return filestore_ext(content_type);
}

void attachment_hash(const void *data, size_t len, char out[65])
{
	filestore_hash(data, len, out);
}

bool attachment_path(const char *data_dir, const char *hash, char *buf, size_t n)
{
	return filestore_path(data_dir, hash, buf, n);
}

hm_err attachment_store_file(const char *data_dir, const char *hash, const void *data, size_t len, hm_error *e)
{
	return filestore_store(data_dir, hash, data, len, e);
}

hm_err attachment_read_file(const char *data_dir, const char *hash, size_t size, char **data, hm_error *e)
{
	return filestore_read(data_dir, hash, size, data, e);
}

/* ---- operations ------------------------------------------------------- */

hm_err attachment_upload(const fund_ctx *c, const char *data_dir, attachment *in, const void *data, size_t len,
			 const char *declared_type, bool *existed, hm_error *e)
{
	*existed = false;
	int64_t scope = c->user->scope_org_id;
	hm_err err;
	/* the record it is filed for decides the district */
	if (in->child_id)
		err = attachment_db_child_org(c->db, scope, in->child_id, &in->org_id, e);
	else
		err = attachment_db_app_org(c->db, scope, in->application_id, &in->org_id, e);
	if (err)
		return hm_fail(e, err, "id");
	if (!attachment_filename_valid(in->filename))
		return hm_fail(e, HM_E_ATTACHMENT_NAME, "filename");
	if (!attachment_doc_type_name(in->doc_type))
		return hm_fail(e, HM_E_ATTACHMENT_DOC_TYPE, "doc_type");
	const char *type;
	if ((err = attachment_check(data, len, ATTACHMENT_MAX_BYTES, declared_type, &type, e)))
		return err;
	attachment_hash(data, len, in->hash);
	snprintf(in->content_type, sizeof in->content_type, "%s", type);
	in->size = (int64_t)len;
	int64_t prior;
	if ((err = attachment_db_find(c->db, in, &prior, e)))
		return err;
	if (prior) {
		/* the same document filed twice for the same record: once is enough */
		*existed = true;
		return attachment_db_get(c->db, 0, prior, in, e);
	}
	/* the file first, then the row that points at it */
	if ((err = attachment_store_file(data_dir, in->hash, data, len, e)) ||
	    (err = attachment_db_blob_insert(c->db, in, c->now, e)) ||
	    (err = attachment_db_insert(c->db, in, c->user->id, c->now, e)))
		return err;
	char detail[160];
	snprintf(detail, sizeof detail, "{\"attachment_id\":%lld,\"hash\":\"%s\"}", (long long)in->id, in->hash);
	char text[1024];
	snprintf(text, sizeof text, "attachment|%lld|%s|%lld|%lld|%s|%s|%s|%lld", (long long)in->id, in->hash,
		 (long long)in->child_id, (long long)in->application_id, in->doc_type, in->filename, in->content_type,
		 (long long)in->size);
	if ((err = audit_append(c->db, c->now, c->user->id, "attachment.upload", in->child_id ? "child" : "application",
				in->child_id ? in->child_id : in->application_id, NULL, text, detail, e)))
		return err;
	return attachment_db_get(c->db, 0, in->id, in, e);
}

hm_err attachment_get(const fund_ctx *c, int64_t id, attachment *out, hm_error *e)
{
	return attachment_db_get(c->db, c->user->scope_org_id, id, out, e);
}

hm_err attachment_download(const fund_ctx *c, const char *data_dir, int64_t id, attachment *out, char **data,
			   hm_error *e)
{
	*data = NULL;
	hm_err err = attachment_db_get(c->db, c->user->scope_org_id, id, out, e);
	if (err || (err = attachment_read_file(data_dir, out->hash, (size_t)out->size, data, e)))
		return err;
	char detail[96];
	snprintf(detail, sizeof detail, "{\"attachment_id\":%lld}", (long long)id);
	err = audit_append(c->db, c->now, c->user->id, "attachment.download", out->child_id ? "child" : "application",
			   out->child_id ? out->child_id : out->application_id, NULL, NULL, detail, e);
	if (err) {
		free(*data);
		*data = NULL;
	}
	return err;
}

hm_err attachment_list(const fund_ctx *c, const attachment_filter *f, attachment_visit visit, void *arg,
		       int64_t *total, hm_error *e)
{
	return attachment_db_list(c->db, c->user->scope_org_id, f, visit, arg, total, e);
}
