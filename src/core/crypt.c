/* Sealing with libsodium. The keys sit in sodium_malloc'd memory (guarded,
 * locked, wiped on free) behind a read-write lock, since request threads
 * read them while rekey may replace them. */
#include "core/crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_KEYS 8

typedef struct keyring {
	int n;
	int ids[MAX_KEYS];
	unsigned char seal[MAX_KEYS][crypto_secretbox_KEYBYTES];
	unsigned char blind[crypto_generichash_KEYBYTES];
	int active;               /* index into ids/seal */
} keyring;

static keyring *ring;         /* sodium_malloc'd */
static pthread_rwlock_t ring_lock = PTHREAD_RWLOCK_INITIALIZER;

static void ring_install(keyring *k)
{
	pthread_rwlock_wrlock(&ring_lock);
	keyring *old = ring;
	ring = k;
	pthread_rwlock_unlock(&ring_lock);
	if (old)
		sodium_free(old);
}

void crypt_unload(void)
{
	ring_install(NULL);
}

void crypt_use_test_keys(void)
{
	keyring *k = sodium_malloc(sizeof *k);
	memset(k, 0, sizeof *k);
	k->n = 1;
	k->ids[0] = 1;
	memset(k->seal[0], 0x42, sizeof k->seal[0]);
	memset(k->blind, 0x24, sizeof k->blind);
	ring_install(k);
}

static bool parse_hex(const char *hex, unsigned char *out, size_t n)
{
	size_t got;
	return strlen(hex) == n * 2 && sodium_hex2bin(out, n, hex, n * 2, NULL, &got, NULL) == 0 && got == n;
}

/* Read a key file into a new keyring. */
static keyring *ring_read(const char *path, hm_error *e)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		hm_failf(e, HM_E_UNAVAILABLE, NULL, "无法读取密钥文件 %s：%s（新数据库请先运行 huimin init）", path, strerror(errno));
		return NULL;
	}
	keyring *k = sodium_malloc(sizeof *k);
	memset(k, 0, sizeof *k);
	char line[256], hex[200];
	int id, active = -1, lineno = 0;
	bool blind = false, ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "key %d %199s", &id, hex) == 2 && k->n < MAX_KEYS && id > 0) {
			ok = parse_hex(hex, k->seal[k->n], crypto_secretbox_KEYBYTES);
			k->ids[k->n++] = id;
		} else if (sscanf(line, "blind %199s", hex) == 1)
			ok = blind = parse_hex(hex, k->blind, sizeof k->blind);
		else if (sscanf(line, "active %d", &id) == 1)
			active = id;
		else
			ok = false;
	}
	sodium_memzero(line, sizeof line);
	sodium_memzero(hex, sizeof hex);
	fclose(f);
	bool found = false;
	for (int i = 0; i < k->n; i++)
		if (k->ids[i] == active) {
			k->active = i;
			found = true;
		}
	if (!ok || !blind || k->n == 0 || !found) {
		sodium_free(k);
		hm_failf(e, HM_E_UNAVAILABLE, NULL, "密钥文件 %s 格式不正确（第 %d 行附近）", path, lineno);
		return NULL;
	}
	return k;
}

/* Write k to path atomically: a private temporary file, fsync, rename. */
static hm_err ring_write(const char *path, const keyring *k, bool only_active, hm_error *e)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return hm_failf(e, HM_E_UNAVAILABLE, NULL, "无法写入密钥文件 %s：%s", tmp, strerror(errno));
	FILE *f = fdopen(fd, "w");
	char hex[crypto_secretbox_KEYBYTES * 2 + 1];
	fprintf(f, "# huimin 密钥文件：保密，与数据库分开备份；丢失后加密字段无法恢复\n");
	for (int i = 0; i < k->n; i++) {
		if (only_active && i != k->active)
			continue;
		sodium_bin2hex(hex, sizeof hex, k->seal[i], sizeof k->seal[i]);
		fprintf(f, "key %d %s\n", k->ids[i], hex);
	}
	sodium_bin2hex(hex, sizeof hex, k->blind, sizeof k->blind);
	fprintf(f, "blind %s\nactive %d\n", hex, k->ids[k->active]);
	sodium_memzero(hex, sizeof hex);
	bool ok = fflush(f) == 0 && fsync(fd) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return hm_failf(e, HM_E_UNAVAILABLE, NULL, "无法写入密钥文件 %s：%s", path, strerror(errno));
	}
	return HM_OK;
}

hm_err crypt_keyfile_create(const char *path, hm_error *e)
{
	if (access(path, F_OK) == 0)
		return hm_failf(e, HM_E_BAD_VALUE, NULL, "密钥文件 %s 已存在，不会覆盖", path);
	keyring *k = sodium_malloc(sizeof *k);
	memset(k, 0, sizeof *k);
	k->n = 1;
	k->ids[0] = 1;
	randombytes_buf(k->seal[0], sizeof k->seal[0]);
	randombytes_buf(k->blind, sizeof k->blind);
	hm_err err = ring_write(path, k, false, e);
	sodium_free(k);
	return err;
}

hm_err crypt_keyfile_load(const char *path, hm_error *e)
{
	struct stat st;
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		return hm_failf(e, HM_E_UNAVAILABLE, NULL, "密钥文件 %s 的权限过宽（应为 0600），拒绝使用", path);
	keyring *k = ring_read(path, e);
	if (!k)
		return e ? e->err : HM_E_UNAVAILABLE;
	ring_install(k);
	return HM_OK;
}

hm_err crypt_keyfile_add_key(const char *path, hm_error *e)
{
	keyring *k = ring_read(path, e);
	if (!k)
		return e ? e->err : HM_E_UNAVAILABLE;
	if (k->n == MAX_KEYS) {
		sodium_free(k);
		return hm_failf(e, HM_E_BAD_VALUE, NULL, "密钥文件中的密钥过多，请先完成上一次轮换");
	}
	int next = 0;
	for (int i = 0; i < k->n; i++)
		if (k->ids[i] > next)
			next = k->ids[i];
	k->ids[k->n] = next + 1;
	randombytes_buf(k->seal[k->n], sizeof k->seal[k->n]);
	k->active = k->n++;
	hm_err err = ring_write(path, k, false, e);
	if (err)
		sodium_free(k);
	else
		ring_install(k);
	return err;
}

hm_err crypt_keyfile_drop_old(const char *path, hm_error *e)
{
	keyring *k = ring_read(path, e);
	if (!k)
		return e ? e->err : HM_E_UNAVAILABLE;
	hm_err err = ring_write(path, k, true, e);
	sodium_free(k);
	return err ? err : crypt_keyfile_load(path, e);
}

hm_err crypt_seal(const char *plain, char *out, size_t n, hm_error *e)
{
	size_t len = strlen(plain);
	if (len == 0) {
		if (n)
			out[0] = '\0';
		return HM_OK;
	}
	size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	unsigned char *box = malloc(blen);
	if (!box)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	pthread_rwlock_rdlock(&ring_lock);
	if (!ring) {
		pthread_rwlock_unlock(&ring_lock);
		free(box);
		return hm_failf(e, HM_E_INTERNAL, NULL, "未加载密钥，无法保存敏感字段");
	}
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len, box,
			      ring->seal[ring->active]);
	int id = ring->ids[ring->active];
	pthread_rwlock_unlock(&ring_lock);
	int k = snprintf(out, n, CRYPT_PREFIX "%d:", id);
	size_t need = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	hm_err err = HM_OK;
	if (k < 0 || (size_t)k + need > n)
		err = hm_fail(e, HM_E_INTERNAL, NULL);
	else
		sodium_bin2base64(out + k, n - (size_t)k, box, blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(box);
	return err;
}

hm_err crypt_open(const char *sealed, char *out, size_t n, hm_error *e)
{
	if (strncmp(sealed, CRYPT_PREFIX, sizeof CRYPT_PREFIX - 1) != 0) {
		/* legacy plain text (before sealing): the reseal pass at start
		 * seals it; until then it reads as it is */
		snprintf(out, n, "%s", sealed);
		return HM_OK;
	}
	char *end;
	long id = strtol(sealed + sizeof CRYPT_PREFIX - 1, &end, 10);
	if (*end != ':')
		return hm_failf(e, HM_E_INTERNAL, NULL, "加密字段格式错误");
	const char *b64 = end + 1;
	size_t b64len = strlen(b64), blen;
	unsigned char *box = malloc(b64len + 1);
	if (!box)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = HM_OK;
	if (sodium_base642bin(box, b64len + 1, b64, b64len, NULL, &blen, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES ||
	    blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES >= n) {
		free(box);
		return hm_failf(e, HM_E_INTERNAL, NULL, "加密字段格式错误");
	}
	size_t plen = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	pthread_rwlock_rdlock(&ring_lock);
	int slot = -1;
	for (int i = 0; ring && i < ring->n; i++)
		if (ring->ids[i] == id)
			slot = i;
	if (slot < 0 || crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
						   blen - crypto_secretbox_NONCEBYTES, box, ring->seal[slot]) != 0)
		err = hm_failf(e, HM_E_INTERNAL, NULL, "加密字段无法解密（密钥 %ld 缺失或数据被改动）", id);
	pthread_rwlock_unlock(&ring_lock);
	free(box);
	out[err ? 0 : plen] = '\0';
	return err;
}

bool crypt_sealed_with_active(const char *value)
{
	if (!*value)
		return true;
	if (strncmp(value, CRYPT_PREFIX, sizeof CRYPT_PREFIX - 1) != 0)
		return false;
	pthread_rwlock_rdlock(&ring_lock);
	bool yes = ring && atoi(value + sizeof CRYPT_PREFIX - 1) == ring->ids[ring->active];
	pthread_rwlock_unlock(&ring_lock);
	return yes;
}

void crypt_blind(const char *value, char out[65])
{
	unsigned char h[32];
	pthread_rwlock_rdlock(&ring_lock);
	crypto_generichash(h, sizeof h, (const unsigned char *)value, strlen(value), ring ? ring->blind : NULL,
			   ring ? sizeof ring->blind : 0);
	pthread_rwlock_unlock(&ring_lock);
	sodium_bin2hex(out, 65, h, sizeof h);
}
