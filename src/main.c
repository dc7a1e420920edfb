/* huimin: the command line. One binary serves the web API and runs the
 * maintenance commands (init, migrate, verify, backup, user).
 *
 * Exit codes: 0 success; 1 the command failed (verify found damage, a
 * runtime error); 2 usage error; 3 the database cannot be opened, is
 * damaged, or has the wrong schema version; 4 cannot listen on the address. */
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/crypt.h"
#include "core/embedded.h"
#include "core/hmtime.h"
#include "core/ledger.h"
#include "core/log.h"
#include "core/users.h"
#include "fund/fund.h"
#include "fund/fund_db.h"
#include "fund/fund_demo.h"
#include "fund/fund_seal.h"
#include "butler/butler.h"
#include "hotline/hotline.h"
#include "hotline/hotline_db.h"
#include "http/core_http.h"
#include "http/server.h"

enum { EX_OK = 0, EX_FAIL = 1, EX_USAGE = 2, EX_DB = 3, EX_LISTEN = 4 };

typedef struct opts {
	const char *cmd, *sub;
	char db[512];
	char key[520];
	char listen[128];
	char web[512];
	int threads;
	int checkpoint_frames;
	int session_ttl;
	bool cookie_secure;
	bool demo;
	const char *to, *username, *role, *org, *name;
	bool password_stdin;
	bool help;
} opts;

static const char *const usage_main =
	"用法: huimin <命令> [选项]\n"
	"\n"
	"命令:\n"
	"  serve     启动 Web 服务\n"
	"  init      创建数据库、机构和基金起始额度（--demo 另建示例用户和示例数据）\n"
	"  migrate   把数据库结构升级到本程序的版本\n"
	"  verify    校验审计链、账簿平衡和数据库完整性\n"
	"  backup    在线备份数据库（--to 文件）\n"
	"  user      用户管理：user add | passwd | disable\n"
	"  rekey     轮换加密密钥：用新密钥重新加密所有敏感字段\n"
	"\n"
	"通用选项:\n"
	"  --db PATH        数据库文件（默认 var/huimin.db）\n"
	"  --key PATH       密钥文件（默认为数据库文件名加 .key，由 init 创建，权限 0600）\n"
	"  --config FILE    配置文件（每行 key = value：db, listen, web, threads, checkpoint_frames, session_ttl,\n"
	"                   cookie_secure）\n"
	"  --help           显示帮助\n"
	"\n"
	"退出码: 0 成功；1 执行失败（如校验发现篡改）；2 用法错误；3 数据库无法打开、损坏或版本不符；4 无法监听地址\n";

static const struct {
	const char *cmd;
	const char *text;
} usage_cmds[] = {
	{"serve", "用法: huimin serve [--db PATH] [--listen 主机:端口] [--threads N] [--web 目录] [--checkpoint-frames N]\n"
		  "                    [--config FILE]\n"
		  "  启动 Web 服务（默认 127.0.0.1:8080；端口 0 表示自动选择空闲端口）。\n"
		  "  --web  浏览器界面的构建目录（默认 web/dist），在 / 提供。\n"
		  "  --checkpoint-frames  预写日志每累积 N 页（每页 4 KB）写回数据库文件（默认 24000，范围 100–1000000）；\n"
		  "         日志文件按 1.5 倍预留磁盘空间。\n"
		  "  SIGTERM/SIGINT：停止接受新请求，等待进行中的请求完成后退出。\n"},
	{"init", "用法: huimin init [--db PATH] [--demo]\n"
		 "  创建数据库（如不存在）、市慈善总会和六个区（市）慈善总会，登记基金起始额度 200 万元。\n"
		 "  --demo  另建每个角色一个示例用户（密码只显示这一次）和一小组标记为示例的数据。\n"},
	{"migrate", "用法: huimin migrate [--db PATH]\n  应用缺少的数据库迁移并显示结构版本。\n"},
	{"verify", "用法: huimin verify [--db PATH]\n"
		   "  重新计算审计链、检查每笔分录借贷平衡和数据库完整性；发现问题时退出码为 1 并指出第一条问题记录。\n"},
	{"backup", "用法: huimin backup [--db PATH] --to FILE\n  服务运行时也可在线备份；目标文件不得已存在。\n"},
	{"rekey", "用法: huimin rekey [--db PATH] [--key PATH]\n"
		  "  生成新密钥，用它重新加密所有敏感字段（身份证号、电话、服务记录等），然后删除旧密钥。\n"
		  "  请在维护窗口停止服务后运行，并在完成后备份新的密钥文件。\n"},
	{"user", "用法:\n"
		 "  huimin user add --username U --role R [--org 机构代码] [--name 姓名] --password-stdin\n"
		 "  huimin user passwd --username U --password-stdin\n"
		 "  huimin user disable --username U\n"
		 "  角色: caseworker 经办人, reviewer 审核人（区级）; approver 审批人, finance 财务, admin 管理员, leader 领导（市级）;\n"
		 "        hotline_operator 热线话务员, hotline_supervisor 热线督办员（市级）; dept_clerk 承办单位经办人（市或区）;\n"
		 "        dept_head 部门负责人（市或区，审核本单位答复）;\n"
		 "        butler 项目管家, butler_admin 审批局管理员（区级）\n"
		 "  机构代码: 370400 市；370402 市中区 370403 薛城区 370404 峄城区 370405 台儿庄区 370406 山亭区 370481 滕州市\n"},
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "huimin: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n运行 huimin --help 查看用法。\n");
	return EX_USAGE;
}

static int show_help(const char *cmd)
{
	if (cmd)
		for (size_t i = 0; i < sizeof usage_cmds / sizeof usage_cmds[0]; i++)
			if (strcmp(usage_cmds[i].cmd, cmd) == 0) {
				fputs(usage_cmds[i].text, stdout);
				return EX_OK;
			}
	fputs(usage_main, stdout);
	return EX_OK;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int read_config(const char *path, opts *o)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "huimin: 无法读取配置文件 %s：%s\n", path, strerror(errno));
		return EX_USAGE;
	}
	char line[1024];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr, "huimin: 配置文件 %s 第 %d 行应为 key = value\n", path, lineno);
			fclose(f);
			return EX_USAGE;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		if (strcmp(k, "db") == 0)
			snprintf(o->db, sizeof o->db, "%s", v);
		else if (strcmp(k, "listen") == 0)
			snprintf(o->listen, sizeof o->listen, "%s", v);
		else if (strcmp(k, "key") == 0)
			snprintf(o->key, sizeof o->key, "%s", v);
		else if (strcmp(k, "web") == 0)
			snprintf(o->web, sizeof o->web, "%s", v);
		else if (strcmp(k, "threads") == 0)
			o->threads = atoi(v);
		else if (strcmp(k, "checkpoint_frames") == 0)
			o->checkpoint_frames = atoi(v);
		else if (strcmp(k, "session_ttl") == 0)
			o->session_ttl = atoi(v);
		else if (strcmp(k, "cookie_secure") == 0)
			o->cookie_secure = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
		else {
			fprintf(stderr, "huimin: 配置文件 %s 第 %d 行：未知配置项 %s\n", path, lineno, k);
			fclose(f);
			return EX_USAGE;
		}
	}
	fclose(f);
	if (o->threads < 0 || o->threads > 256 || o->session_ttl < 0) {
		fprintf(stderr, "huimin: 配置文件 %s：threads 应为 1–256，session_ttl 应为正数（秒）\n", path);
		return EX_USAGE;
	}
	if (o->checkpoint_frames < 100 || o->checkpoint_frames > 1000000) {
		fprintf(stderr, "huimin: 配置文件 %s：checkpoint_frames 应为 100–1000000\n", path);
		return EX_USAGE;
	}
	return EX_OK;
}

static int parse_args(int argc, char **argv, opts *o)
{
	const char *config = NULL;
	char db[512] = "", listen[128] = "", web[512] = "", key[520] = "";
	int threads = -1, checkpoint_frames = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define VALUE()                                                             \
	do {                                                                \
		if (!next)                                                  \
			return usage_error("选项 %s 需要一个值", a);        \
		i++;                                                        \
	} while (0)
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			o->help = true;
		else if (strcmp(a, "--db") == 0) {
			VALUE();
			snprintf(db, sizeof db, "%s", next);
		} else if (strcmp(a, "--key") == 0) {
			VALUE();
			snprintf(key, sizeof key, "%s", next);
		} else if (strcmp(a, "--config") == 0) {
			VALUE();
			config = next;
		} else if (strcmp(a, "--listen") == 0) {
			VALUE();
			snprintf(listen, sizeof listen, "%s", next);
		} else if (strcmp(a, "--threads") == 0) {
			VALUE();
			threads = atoi(next);
			if (threads < 1 || threads > 256)
				return usage_error("--threads 应为 1–256，收到 %s", next);
		} else if (strcmp(a, "--checkpoint-frames") == 0) {
			VALUE();
			checkpoint_frames = atoi(next);
			if (checkpoint_frames < 100 || checkpoint_frames > 1000000)
				return usage_error("--checkpoint-frames 应为 100–1000000，收到 %s", next);
		} else if (strcmp(a, "--web") == 0) {
			VALUE();
			snprintf(web, sizeof web, "%s", next);
		} else if (strcmp(a, "--demo") == 0)
			o->demo = true;
		else if (strcmp(a, "--password-stdin") == 0)
			o->password_stdin = true;
		else if (strcmp(a, "--to") == 0) {
			VALUE();
			o->to = next;
		} else if (strcmp(a, "--username") == 0) {
			VALUE();
			o->username = next;
		} else if (strcmp(a, "--role") == 0) {
			VALUE();
			o->role = next;
		} else if (strcmp(a, "--org") == 0) {
			VALUE();
			o->org = next;
		} else if (strcmp(a, "--name") == 0) {
			VALUE();
			o->name = next;
		} else if (a[0] == '-')
			return usage_error("未知选项 %s", a);
		else if (!o->cmd)
			o->cmd = a;
		else if (!o->sub && strcmp(o->cmd, "user") == 0)
			o->sub = a;
		else
			return usage_error("多余的参数 %s", a);
#undef VALUE
	}
	snprintf(o->db, sizeof o->db, "var/huimin.db");
	snprintf(o->listen, sizeof o->listen, "127.0.0.1:8080");
	snprintf(o->web, sizeof o->web, "web/dist");
	o->session_ttl = 8 * 3600;
	o->threads = 8;
	o->checkpoint_frames = 24000;
	if (config) {
		int rc = read_config(config, o);
		if (rc)
			return rc;
	}
	if (db[0])
		snprintf(o->db, sizeof o->db, "%s", db);
	if (listen[0])
		snprintf(o->listen, sizeof o->listen, "%s", listen);
	if (threads > 0)
		o->threads = threads;
	if (checkpoint_frames > 0)
		o->checkpoint_frames = checkpoint_frames;
	if (web[0])
		snprintf(o->web, sizeof o->web, "%s", web);
	/* the key file sits beside the database unless told otherwise */
	if (key[0])
		snprintf(o->key, sizeof o->key, "%s", key);
	else if (!o->key[0])
		snprintf(o->key, sizeof o->key, "%s.key", o->db);
	return EX_OK;
}

static hm_store *open_store_ro(const opts *o, bool create, bool migrate, bool read_only)
{
	hm_error e;
	hm_error_clear(&e);
	store_options so = {.create = create, .migrate = migrate, .read_only = read_only};
	hm_store *s = store_open(o->db, &so, &e);
	if (!s)
		fprintf(stderr, "huimin: %s\n", hm_error_message(&e));
	return s;
}

static hm_store *open_store(const opts *o, bool create, bool migrate)
{
	return open_store_ro(o, create, migrate, false);
}

static hm_divisions *load_divisions(void)
{
	const struct hm_embedded_file *f = hm_embedded_find("data/divisions.tsv");
	hm_error e;
	hm_error_clear(&e);
	hm_divisions *d = f ? divisions_parse((const char *)f->data, f->len, &e) : NULL;
	if (!d)
		fprintf(stderr, "huimin: 行政区划数据无效：%s\n", hm_error_message(&e));
	return d;
}

static bool load_keys(const opts *o)
{
	hm_error e;
	hm_error_clear(&e);
	if (crypt_keyfile_load(o->key, &e) == HM_OK)
		return true;
	fprintf(stderr, "huimin: %s\n", hm_error_message(&e));
	return false;
}

/* Run fn inside one write transaction on the store's connection. */
typedef hm_err (*tx_fn)(hm_db *db, void *arg, hm_error *e);
static int in_tx(hm_store *s, tx_fn fn, void *arg)
{
	hm_error e;
	hm_error_clear(&e);
	hm_db *db = store_conn(s, &e);
	hm_err err = db ? db_begin(db, true, &e) : e.err;
	if (!err) {
		err = fn(db, arg, &e);
		if (!err)
			err = db_commit(db, &e);
		if (err)
			db_rollback(db);
	}
	if (err) {
		fprintf(stderr, "huimin: %s%s%s\n", hm_error_message(&e), e.field[0] ? "（字段 " : "",
			e.field[0] ? e.field : "");
		return EX_FAIL;
	}
	return EX_OK;
}

/* ---- serve ------------------------------------------------------------ */

static hm_err reseal_tx(hm_db *db, void *arg, hm_error *e)
{
	(void)arg;
	int64_t n = 0, h = 0;
	hm_err err = fund_seal_pending(db, &n, e);
	if (!err)
		err = hotline_seal_pending(db, &h, e);
	n += h;
	if (!err && n > 0)
		hm_log_info("sealed %lld personal values with the active key", (long long)n);
	return err;
}

static int cmd_serve(const opts *o)
{
	hm_store *s = open_store(o, false, true);
	if (!s)
		return EX_DB;
	int rc = EX_OK;
	hm_app app = {.store = s, .session_ttl = o->session_ttl, .cookie_secure = o->cookie_secure, .web_root = o->web};
	app.calendar = calendar_new();
	/* attachments are kept beside the database, so a backup of the directory holds both */
	char data_dir[512];
	snprintf(data_dir, sizeof data_dir, "%s", o->db);
	char *slash = strrchr(data_dir, '/');
	if (!slash)
		snprintf(data_dir, sizeof data_dir, ".");
	else
		slash[slash == data_dir ? 1 : 0] = '\0';
	app.data_dir = data_dir;
	app.divisions = load_divisions();
	hm_error e;
	hm_error_clear(&e);
	hm_db *db = store_conn(s, &e);
	if (!app.calendar || !app.divisions || !db || calendar_boot(&app, db, &e) != HM_OK) {
		if (e.err)
			fprintf(stderr, "huimin: %s\n", hm_error_message(&e));
		rc = EX_DB;
		goto out;
	}
	/* personal data written before sealing existed, or under an old key
	 * (an interrupted rekey), is sealed with the active key now */
	if (!load_keys(o) || in_tx(s, reseal_tx, NULL) != EX_OK) {
		rc = EX_DB;
		goto out;
	}
	/* block the stop signals before threads start, so only sigwait sees them */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	hm_server *srv = server_start(&app, o->listen, o->threads, o->checkpoint_frames, &e);
	if (!srv) {
		fprintf(stderr, "huimin: %s\n", hm_error_message(&e));
		rc = EX_LISTEN;
		goto out;
	}
	const char *off = getenv("HUIMIN_CLOCK_OFFSET");
	if (off && *off)
		hm_log_info("clock offset %s s in effect (HUIMIN_CLOCK_OFFSET): for tests only", off);
	char host[128];
	snprintf(host, sizeof host, "%s", o->listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	printf("huimin: listening on http://%s:%d\n", host, server_port(srv));
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	hm_log_info("signal %d: finishing requests in flight, then stopping", sig);
	server_stop(srv, 10000);
	hm_log_info("stopped");
out:
	calendar_free(app.calendar);
	divisions_free(app.divisions);
	store_close(s);
	return rc;
}

/* ---- init ------------------------------------------------------------- */

struct init_ctx {
	const opts *o;
	hm_calendar *cal;
	hm_divisions *div;
	bool had_users;
};

static void random_password(char out[17])
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	/* the password rule wants letters and digits; make sure of both */
	out[0] = 'a' + (char)randombytes_uniform(26);
	out[1] = '2' + (char)randombytes_uniform(8);
	out[16] = '\0';
}

static hm_err init_tx(hm_db *db, void *arg, hm_error *e)
{
	struct init_ctx *c = arg;
	int64_t now = hm_now();
	hm_err err = orgs_seed(db, e);
	if (err || (err = fund_book_opening(db, now, e)))
		return err;
	hm_stmt *st = db_stmt(db, "SELECT count(*) FROM users", e);
	if (!st)
		return e->err;
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	c->had_users = db_col_int(st, 0) > 0;
	if (!c->o->demo || c->had_users)
		return HM_OK;
	static const struct {
		const char *user, *name, *role, *org;
	} demo[] = {
		{"demo_caseworker", "示例经办人（市中区）", "caseworker", "370402"},
		{"demo_reviewer", "示例审核人（市中区）", "reviewer", "370402"},
		{"demo_caseworker_xc", "示例经办人（薛城区）", "caseworker", "370403"},
		{"demo_approver", "示例审批人（市慈善总会）", "approver", "370400"},
		{"demo_finance", "示例财务（市慈善总会）", "finance", "370400"},
		{"demo_admin", "示例管理员", "admin", "370400"},
		{"demo_leader", "示例领导", "leader", "370400"},
		{"demo_operator", "示例热线话务员", "hotline_operator", "370400"},
		{"demo_supervisor", "示例热线督办员", "hotline_supervisor", "370400"},
		{"demo_clerk", "示例承办人（市公安局）", "dept_clerk", "370400"},
		{"demo_head", "示例部门负责人（市公安局）", "dept_head", "370400"},
		{"demo_butler", "示例项目管家（第一团队）", "butler", "370406"},
		{"demo_butler_admin", "示例审批局管理员（山亭区）", "butler_admin", "370406"},
	};
	enum { NDEMO = sizeof demo / sizeof demo[0] };
	int64_t ids[NDEMO];
	printf("示例用户（密码只显示这一次，请妥善保存）：\n");
	for (int i = 0; i < NDEMO; i++) {
		char pw[17];
		random_password(pw);
		if ((err = user_create(db, now, 0, demo[i].user, demo[i].name, demo[i].role, demo[i].org, pw, true, &ids[i], e)))
			return err;
		printf("  %-20s %-12s %s\n", demo[i].user, pw, demo[i].name);
		sodium_memzero(pw, sizeof pw);
	}
	if ((err = fund_demo_seed(db, c->cal, c->div, now, ids[0], ids[1], ids[3], ids[4], e)))
		return err;
	/* the clerk and its head work for 市公安局 (department 1 of data/hotline_departments.tsv)
	 * and the butler leads 山亭区's first team, so both see their work */
	hm_user sup, badm;
	if ((err = user_load(db, ids[8], &sup, e)) || (err = user_load(db, ids[12], &badm, e)))
		return err;
	hotline_ctx hc = {db, &sup, now, c->cal};
	if ((err = hotline_member_add(&hc, 1, "demo_clerk", e)) || (err = hotline_member_add(&hc, 1, "demo_head", e)))
		return err;
	butler_ctx bc = {db, &badm, now, c->cal};
	butler_team team;
	return butler_member_add(&bc, 1, "demo_butler", "0632-8812345", true, &team, e);
}

static int cmd_init(const opts *o)
{
	hm_store *s = open_store(o, true, true);
	if (!s)
		return EX_DB;
	struct init_ctx c = {o, calendar_new(), load_divisions(), false};
	hm_error e;
	hm_error_clear(&e);
	hm_db *db = store_conn(s, &e);
	hm_app app = {.store = s, .calendar = c.cal};
	int rc = EX_OK;
	if (!c.cal || !c.div || !db || calendar_boot(&app, db, &e) != HM_OK)
		rc = EX_DB;
	bool new_key = access(o->key, F_OK) != 0;
	if (!rc && new_key && crypt_keyfile_create(o->key, &e) != HM_OK) {
		fprintf(stderr, "huimin: %s\n", hm_error_message(&e));
		rc = EX_FAIL;
	}
	if (!rc && !load_keys(o))
		rc = EX_FAIL;
	if (!rc && new_key)
		printf("已生成密钥文件：%s（权限 0600；请与数据库分开妥善备份，丢失后加密字段无法恢复）\n", o->key);
	if (!rc)
		rc = in_tx(s, init_tx, &c);
	if (!rc)
		printf("数据库已就绪：%s（结构版本 %d）%s\n", o->db, store_schema_version(s),
		       o->demo && c.had_users ? "；已有用户，未再创建示例数据" : "");
	calendar_free(c.cal);
	divisions_free(c.div);
	store_close(s);
	return rc;
}

static int cmd_migrate(const opts *o)
{
	hm_store *s = open_store(o, false, true);
	if (!s)
		return EX_DB;
	printf("数据库结构版本：%d\n", store_schema_version(s));
	store_close(s);
	return EX_OK;
}

/* ---- verify ----------------------------------------------------------- */

static int cmd_verify(const opts *o)
{
	hm_store *s = open_store_ro(o, false, false, true);
	if (!s)
		return EX_DB;
	hm_error e;
	hm_error_clear(&e);
	hm_db *db = store_conn(s, &e);
	int rc = EX_OK;
	int64_t n, bad, entries, bad_entry, bank = 0;
	if (!db || db_begin(db, false, &e)) {
		rc = EX_DB;
		goto out;
	}
	if (audit_verify(db, &n, &bad, &e) != HM_OK) {
		printf("审计链：失败 —— 第一条问题记录 #%lld：%s\n", (long long)bad, hm_error_message(&e));
		rc = EX_FAIL;
	} else {
		printf("审计链：完整，共 %lld 条记录\n", (long long)n);
	}
	hm_error_clear(&e);
	if (ledger_verify(db, &entries, &bad_entry, &e) != HM_OK) {
		printf("账簿：失败 —— 记账分录 #%lld：%s\n", (long long)bad_entry, hm_error_message(&e));
		rc = EX_FAIL;
	} else if (ledger_balance(db, LEDGER_BANK, &bank, &e) == HM_OK) {
		printf("账簿：%lld 笔分录借贷平衡，银行存款余额 %lld.%02lld 元\n", (long long)entries, (long long)(bank / 100),
		       (long long)(bank % 100));
	}
	hm_error_clear(&e);
	if (fund_db_counts_verify(db, &e) != HM_OK) {
		printf("申请统计：失败 —— %s\n", hm_error_message(&e));
		rc = EX_FAIL;
	} else {
		printf("申请统计：计数与申请记录一致\n");
	}
	hm_error_clear(&e);
	if (fund_db_cats_verify(db, &e) != HM_OK) {
		printf("申请类别标记：失败 —— %s\n", hm_error_message(&e));
		rc = EX_FAIL;
	} else {
		printf("申请类别标记：与儿童档案一致\n");
	}
	hm_error_clear(&e);
	int64_t unreadable = 0;
	if (access(o->key, F_OK) != 0) {
		printf("加密字段：未校验（找不到密钥文件 %s）\n", o->key);
	} else if (!load_keys(o)) {
		rc = EX_FAIL;
	} else if (fund_seal_check(db, &unreadable, &e) != HM_OK || unreadable > 0 ||
		   hotline_seal_check(db, &unreadable, &e) != HM_OK || unreadable > 0) {
		printf("加密字段：失败 —— %lld 个值无法用现有密钥解密（数据被改动或密钥不符）\n", (long long)unreadable);
		rc = EX_FAIL;
	} else {
		printf("加密字段：全部可用现有密钥解密\n");
	}
	hm_error_clear(&e);
	if (store_integrity_check(db, &e) != HM_OK) {
		printf("数据库完整性：失败 —— %s\n", hm_error_message(&e));
		rc = EX_FAIL;
	} else {
		printf("数据库完整性：正常\n");
	}
	db_rollback(db);
out:
	store_close(s);
	return rc;
}

static int cmd_backup(const opts *o)
{
	if (!o->to)
		return usage_error("%s", "backup 需要 --to FILE");
	hm_store *s = open_store(o, false, false);
	if (!s)
		return EX_DB;
	hm_error e;
	hm_error_clear(&e);
	int rc = EX_OK;
	if (store_backup(s, o->to, &e) != HM_OK) {
		fprintf(stderr, "huimin: %s\n", hm_error_message(&e));
		rc = EX_FAIL;
	} else {
		printf("已备份到 %s\n", o->to);
	}
	store_close(s);
	return rc;
}

/* ---- rekey ------------------------------------------------------------ */

/* Key rotation in three durable steps, each safe to interrupt: the key
 * file gains the new key (old ones kept), every value is resealed in one
 * transaction, then the old keys leave the file. A crash in between leaves
 * values the next start or the next rekey reseals. */
static int cmd_rekey(const opts *o)
{
	hm_store *s = open_store(o, false, true);
	if (!s)
		return EX_DB;
	hm_error e;
	hm_error_clear(&e);
	int rc = EX_OK;
	if (!load_keys(o)) {
		rc = EX_DB;
	} else if (crypt_keyfile_add_key(o->key, &e) != HM_OK) {
		fprintf(stderr, "huimin: %s\n", hm_error_message(&e));
		rc = EX_FAIL;
	} else if ((rc = in_tx(s, reseal_tx, NULL)) == EX_OK) {
		if (crypt_keyfile_drop_old(o->key, &e) != HM_OK) {
			fprintf(stderr, "huimin: %s\n", hm_error_message(&e));
			rc = EX_FAIL;
		} else {
			printf("密钥已轮换：所有加密字段已用新密钥重新加密，旧密钥已从 %s 删除\n", o->key);
		}
	}
	store_close(s);
	return rc;
}

/* ---- user ------------------------------------------------------------- */

static int read_password(char *buf, size_t n)
{
	if (!fgets(buf, (int)n, stdin)) {
		fprintf(stderr, "huimin: 请通过标准输入提供密码（--password-stdin）\n");
		return EX_USAGE;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return EX_OK;
}

struct user_ctx {
	const opts *o;
	const char *org;
	char password[160];
};

static hm_err user_add_tx(hm_db *db, void *arg, hm_error *e)
{
	struct user_ctx *c = arg;
	return user_create(db, hm_now(), 0, c->o->username, c->o->name ? c->o->name : c->o->username, c->o->role,
			   c->org, c->password, false, NULL, e);
}

static hm_err user_passwd_tx(hm_db *db, void *arg, hm_error *e)
{
	struct user_ctx *c = arg;
	int64_t id;
	hm_err err = user_id_by_name(db, c->o->username, &id, e);
	return err ? err : user_set_password(db, hm_now(), 0, id, c->password, NULL, e);
}

static hm_err user_disable_tx(hm_db *db, void *arg, hm_error *e)
{
	struct user_ctx *c = arg;
	int64_t id;
	hm_err err = user_id_by_name(db, c->o->username, &id, e);
	return err ? err : user_set_disabled(db, hm_now(), 0, id, true, e);
}

static int cmd_user(const opts *o)
{
	if (!o->sub)
		return usage_error("%s", "user 需要子命令：add、passwd 或 disable");
	if (!o->username)
		return usage_error("%s", "需要 --username");
	struct user_ctx c = {o, o->org, ""};
	tx_fn fn;
	if (strcmp(o->sub, "add") == 0) {
		if (!o->role)
			return usage_error("%s", "user add 需要 --role");
		const hm_role *r = perm_role(o->role);
		if (!r)
			return usage_error("未知角色 %s", o->role);
		if (!c.org) {
			if (strcmp(r->level, "district") == 0)
				return usage_error("区级角色 %s 需要 --org（区（市）代码）", o->role);
			c.org = "370400";
		}
		fn = user_add_tx;
	} else if (strcmp(o->sub, "passwd") == 0) {
		fn = user_passwd_tx;
	} else if (strcmp(o->sub, "disable") == 0) {
		fn = user_disable_tx;
	} else {
		return usage_error("未知子命令 user %s", o->sub);
	}
	if (fn != user_disable_tx) {
		if (!o->password_stdin)
			return usage_error("%s", "请用 --password-stdin 从标准输入提供密码");
		int rc = read_password(c.password, sizeof c.password);
		if (rc)
			return rc;
	}
	hm_store *s = open_store(o, false, true);
	if (!s)
		return EX_DB;
	int rc = in_tx(s, fn, &c);
	sodium_memzero(c.password, sizeof c.password);
	store_close(s);
	if (!rc)
		printf("完成：user %s %s\n", o->sub, o->username);
	return rc;
}

/* A request builds its reply from a few hundred small allocations and frees
 * them when it is sent. glibc keeps 7 freed blocks of each size per thread;
 * the rest go back to the arenas the pool threads share (two, for the
 * resident size: server_start) and wait on each other's locks there. With
 * 128 kept per size a read of one application at 64 connections served a
 * third more requests at the same resident size (bench/results/notes.md).
 * glibc reads this setting only when a program starts, so serve starts
 * itself once more with it added to GLIBC_TUNABLES; a setting already there
 * is kept, and one for the same knob wins. */
static void exec_with_thread_cache(char **argv)
{
	static const char knob[] = "glibc.malloc.tcache_count=";
	const char *t = getenv("GLIBC_TUNABLES");
	if (t && strstr(t, knob))
		return;
	char v[2048];
	int n = snprintf(v, sizeof v, "%s%s%s128", t ? t : "", t && *t ? ":" : "", knob);
	if (n < 0 || (size_t)n >= sizeof v || setenv("GLIBC_TUNABLES", v, 1) != 0)
		return;
	execv("/proc/self/exe", argv);
	hm_log_error("未能以调优的内存分配设置重新启动（%s），按默认设置继续运行", strerror(errno));
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "huimin: libsodium 初始化失败\n");
		return EX_FAIL;
	}
	opts o;
	memset(&o, 0, sizeof o);
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	if (o.help || !o.cmd)
		return o.cmd || o.help ? show_help(o.cmd) : (fputs(usage_main, stderr), EX_USAGE);
	if (strcmp(o.cmd, "serve") != 0)
		hm_log_quiet(1);
	if (strcmp(o.cmd, "serve") == 0) {
		exec_with_thread_cache(argv);
		return cmd_serve(&o);
	}
	if (strcmp(o.cmd, "init") == 0)
		return cmd_init(&o);
	if (strcmp(o.cmd, "migrate") == 0)
		return cmd_migrate(&o);
	if (strcmp(o.cmd, "verify") == 0)
		return cmd_verify(&o);
	if (strcmp(o.cmd, "backup") == 0)
		return cmd_backup(&o);
	if (strcmp(o.cmd, "user") == 0)
		return cmd_user(&o);
	if (strcmp(o.cmd, "rekey") == 0)
		return cmd_rekey(&o);
	return usage_error("未知命令 %s", o.cmd);
}
