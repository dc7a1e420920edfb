/* Static files for the browser app. Paths are checked strictly (no "..",
 * no hidden files, a small character set) before they touch the disk. */
#include "http/static.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
	{".png", "image/png"},                 {".ico", "image/x-icon"},
	{".woff2", "font/woff2"},              {".woff", "font/woff"},
	{".json", "application/json"},         {".txt", "text/plain; charset=utf-8"},
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

static bool path_safe(const char *p)
{
	if (p[0] != '/' || strlen(p) > 200 || strstr(p, "..") || strstr(p, "/.") || strstr(p, "//"))
		return false;
	return strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == strlen(p);
}

static int open_file(const char *root, const char *rel, struct stat *st)
{
	char full[512];
	snprintf(full, sizeof full, "%s%s", root, rel);
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

bool static_serve(void *mhd_conn, const char *web_root, const char *path, int *status)
{
	struct MHD_Connection *conn = mhd_conn;
	if (!web_root || !*web_root)
		return false;
	struct stat st;
	const char *rel = strcmp(path, "/") == 0 ? "/index.html" : path;
	int fd = path_safe(rel) ? open_file(web_root, rel, &st) : -1;
	bool asset = fd >= 0 && strncmp(rel, "/assets/", 8) == 0;
	if (fd < 0) {
		/* an app route such as /fund/applications/12: the app decides */
		const char *last = strrchr(path, '/');
		if (strncmp(path, "/assets/", 8) == 0 || (last && strchr(last, '.')))
			return false;
		rel = "/index.html";
		fd = open_file(web_root, rel, &st);
		if (fd < 0)
			return false;
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!resp) {
		close(fd);
		return false;
	}
	MHD_add_response_header(resp, "Content-Type", type_of(rel));
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
				" frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	/* file names under assets/ carry a content hash, so they never change */
	MHD_add_response_header(resp, "Cache-Control", asset ? "public, max-age=31536000, immutable" : "no-cache");
	*status = MHD_HTTP_OK;
	MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return true;
}
