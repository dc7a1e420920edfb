/* The content-addressed file store shared by every record that keeps
 * documents (the fund's attachments, the hotline's appeal attachments):
 * what an upload must be (type read from its bytes, a sane file name) and
 * where its bytes live (<data dir>/attachments/<2 hex>/<BLAKE2b-256 hex>,
 * written to a temporary file, fsync'd and renamed). It knows no record
 * and no SQL: the domains keep their own rows pointing at a hash. */
#include "core/filestore.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

/* ---- pure checks ------------------------------------------------------ */

const char *filestore_sniff(const void *data, size_t len)
{
	static const unsigned char pdf[] = {'%', 'P', 'D', 'F', '-'};
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF};
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
	const unsigned char *b = data;
	if (len >= sizeof pdf && memcmp(b, pdf, sizeof pdf) == 0)
		return "application/pdf";
	if (len >= sizeof jpeg && memcmp(b, jpeg, sizeof jpeg) == 0)
		return "image/jpeg";
	if (len >= sizeof png && memcmp(b, png, sizeof png) == 0)
		return "image/png";
	return NULL;
}

/* The media type of a Content-Type value, without parameters or case:
 * "Image/PNG; x=y" → "image/png". */
static void media_type(const char *ct, char *out, size_t n)
{
	size_t k = 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	for (; *ct && *ct != ';' && *ct != ' ' && *ct != '\t' && k + 1 < n; ct++)
		out[k++] = (char)(*ct >= 'A' && *ct <= 'Z' ? *ct - 'A' + 'a' : *ct);
	out[k] = '\0';
}

hm_err filestore_check(const void *data, size_t len, size_t max, const char *declared, const char **type,
			hm_error *e)
{
	*type = NULL;
	char decl[64] = "";
	if (declared)
		media_type(declared, decl, sizeof decl);
	bool trust_bytes = !decl[0] || strcmp(decl, "application/octet-stream") == 0;
	if (!trust_bytes && strcmp(decl, "application/pdf") != 0 && strcmp(decl, "image/jpeg") != 0 &&
	    strcmp(decl, "image/png") != 0)
		return hm_fail(e, HM_E_ATTACHMENT_TYPE, "Content-Type");
	if (len == 0)
		return hm_fail(e, HM_E_ATTACHMENT_EMPTY, NULL);
	if (len > max)
		return hm_failf(e, HM_E_ATTACHMENT_TOO_LARGE, NULL, "附件过大（上限 %zu KB）", max / 1024);
	const char *t = filestore_sniff(data, len);
	if (!t)
		return hm_fail(e, HM_E_ATTACHMENT_TYPE, NULL);
	if (!trust_bytes && strcmp(t, decl) != 0)
		return hm_failf(e, HM_E_ATTACHMENT_MISMATCH, "Content-Type", "声明的文件类型为 %s，但文件内容是 %s", decl, t);
	*type = t;
	return HM_OK;
}

/* Length of the UTF-8 sequence at s (shortest form, no surrogates, at most
 * U+10FFFF), or 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

bool filestore_filename_valid(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t chars = 0;
	while (*s) {
		/* control characters would break the header the name goes back in;
		 * slashes and quotes would let it pretend to be a path */
		if (*s < 0x20 || *s == 0x7F || *s == '/' || *s == '\\' || *s == '"')
			return false;
		size_t k = utf8_seq(s);
		if (k == 0)
			return false;
		s += k;
		if (++chars > FILESTORE_NAME_MAX)
			return false;
	}
	/* "." and ".." are not names of documents */
	return chars > 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

const char *filestore_ext(const char *content_type)
{
	if (strcmp(content_type, "application/pdf") == 0)
		return "pdf";
	if (strcmp(content_type, "image/jpeg") == 0)
		return "jpg";
	if (strcmp(content_type, "image/png") == 0)
		return "png";
	return "bin";
}

void filestore_hash(const void *data, size_t len, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static bool hash_valid(const char *hash)
{
	if (strlen(hash) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f')))
			return false;
	return true;
}

bool filestore_path(const char *data_dir, const char *hash, char *buf, size_t n)
{
	if (!hash_valid(hash))
		return false;
	int k = snprintf(buf, n, "%s/attachments/%.2s/%s", data_dir, hash, hash);
	return k > 0 && (size_t)k < n;
}

/* ---- files ------------------------------------------------------------ */

static hm_err io_fail(hm_error *e, const char *what, const char *path)
{
	hm_log_error("filestore: %s %s: %s", what, path, strerror(errno));
	return hm_fail(e, HM_E_ATTACHMENT_STORAGE, NULL);
}

static int mkdir_one(const char *path)
{
	return mkdir(path, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

/* fsync a directory so that a rename in it survives a crash */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Read a whole regular file of exactly `size` bytes; NULL otherwise. */
static char *read_exact(const char *path, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat sb;
	char *buf = NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size != size)
		goto out;
	buf = malloc(size ? size : 1);
	if (!buf)
		goto out;
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)r;
	}
out:
	close(fd);
	return buf;
}

static bool intact(const char *path, const char *hash, size_t len)
{
	char *have = read_exact(path, len);
	if (!have)
		return false;
	char h[65];
	filestore_hash(have, len, h);
	free(have);
	return strcmp(h, hash) == 0;
}

hm_err filestore_store(const char *data_dir, const char *hash, const void *data, size_t len, hm_error *e)
{
	char path[1024], dir[1024], tmp[1100];
	if (!data_dir || !filestore_path(data_dir, hash, path, sizeof path))
		return hm_fail(e, HM_E_ATTACHMENT_STORAGE, NULL);
	/* the same bytes are already here: keep them */
	if (intact(path, hash, len))
		return HM_OK;
	snprintf(dir, sizeof dir, "%s/attachments", data_dir);
	if (mkdir_one(dir) != 0)
		return io_fail(e, "mkdir", dir);
	snprintf(dir, sizeof dir, "%s/attachments/%.2s", data_dir, hash);
	if (mkdir_one(dir) != 0)
		return io_fail(e, "mkdir", dir);
	snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, hash);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return io_fail(e, "create", tmp);
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			hm_err err = io_fail(e, "write", tmp);
			close(fd);
			unlink(tmp);
			return err;
		}
		p += w;
		left -= (size_t)w;
	}
	/* the bytes reach the disk before the name points at them */
	if (fsync(fd) != 0) {
		hm_err err = io_fail(e, "fsync", tmp);
		close(fd);
		unlink(tmp);
		return err;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		hm_err err = io_fail(e, "rename", tmp);
		unlink(tmp);
		return err;
	}
	if (sync_dir(dir) != 0)
		return io_fail(e, "fsync", dir);
	return HM_OK;
}

hm_err filestore_read(const char *data_dir, const char *hash, size_t size, char **data, hm_error *e)
{
	*data = NULL;
	char path[1024];
	if (!data_dir || !filestore_path(data_dir, hash, path, sizeof path))
		return hm_fail(e, HM_E_ATTACHMENT_DAMAGED, NULL);
	char *buf = read_exact(path, size);
	char h[65] = "";
	if (buf)
		filestore_hash(buf, size, h);
	if (!buf || strcmp(h, hash) != 0) {
		hm_log_error("filestore: %s is missing or does not match its hash", path);
		free(buf);
		return hm_fail(e, HM_E_ATTACHMENT_DAMAGED, NULL);
	}
	*data = buf;
	return HM_OK;
}

