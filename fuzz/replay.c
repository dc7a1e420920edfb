/* A standalone driver for a libFuzzer-style target: feeds it files and
 * reports each as a TAP line, so that make test can replay the seed
 * corpus and every saved crash input (fuzz/regressions/) without libFuzzer.
 *
 *   fuzz_<t> [FILE|DIR]...   default: fuzz/corpus/<t> fuzz/regressions/<t>
 *
 * A crash or sanitizer report ends the run with a non-zero status; the last
 * "# replay FILE" line names the input. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz/fuzz.h"

static int n_ok;

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - cannot read %s\n", ++n_ok, path);
		return;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (!buf) {
		printf("not ok %d - out of memory reading %s\n", ++n_ok, path);
		return;
	}
	printf("# replay %s\n", path);
	fflush(stdout);
	/* an exact-size copy, so ASan sees any read past the input's end */
	uint8_t *exact = malloc(len ? len : 1);
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	printf("ok %d - %s\n", ++n_ok, path);
	fflush(stdout);
}

static void replay(const char *path, int must_exist)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (must_exist)
			printf("not ok %d - %s does not exist\n", ++n_ok, path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	DIR *d = opendir(path);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		char **nn = realloc(names, (n + 1) * sizeof *names);
		if (!nn)
			break;
		names = nn;
		size_t l = strlen(path) + strlen(de->d_name) + 2;
		names[n] = malloc(l);
		snprintf(names[n++], l, "%s/%s", path, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp);
	for (size_t i = 0; i < n; i++) {
		replay(names[i], 1);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			replay(argv[i], 1);
	} else {
		const char *base = strrchr(argv[0], '/');
		base = base ? base + 1 : argv[0];
		const char *t = strncmp(base, "fuzz_", 5) == 0 ? base + 5 : base;
		char dir[512];
		snprintf(dir, sizeof dir, "fuzz/corpus/%s", t);
		replay(dir, 1);
		snprintf(dir, sizeof dir, "fuzz/regressions/%s", t);
		replay(dir, 0);
	}
	printf("1..%d\n", n_ok);
	return 0;
}
