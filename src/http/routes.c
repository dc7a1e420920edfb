/* The route table: every URL huimin answers, who may call it, and what it
 * does. docs/openapi.yaml and docs/permissions follow this table; a test
 * checks that they agree. */
#include "fund/fund_http.h"
#include "http/core_http.h"
#include "http/server.h"
#include "http/session.h"

#define RO 0
#define W R_WRITE

const hm_route hm_routes[] = {
	{"GET", "/healthz", healthz_handler, R_PUBLIC | R_NOTX, NULL, "健康检查"},
	{"GET", "/api/v1/openapi.yaml", openapi_handler, R_PUBLIC | R_NOTX, NULL, "接口文档"},
	{"POST", "/api/v1/session", session_login_handler, R_PUBLIC | W | R_NOCSRF, NULL, "登录"},
	{"GET", "/api/v1/session", session_me_handler, RO, NULL, "当前用户"},
	{"DELETE", "/api/v1/session", session_logout_handler, W, NULL, "退出登录"},
	{"PUT", "/api/v1/session/password", session_password_handler, W, NULL, "修改密码"},
	{"GET", "/api/v1/users", users_list_handler, RO, "user:manage", "用户列表"},
	{"POST", "/api/v1/users", users_create_handler, W, "user:manage", "新建用户"},
	{"POST", "/api/v1/users/{id}/disable", users_disable_handler, W, "user:manage", "停用用户"},
	{"POST", "/api/v1/users/{id}/enable", users_enable_handler, W, "user:manage", "启用用户"},
	{"GET", "/api/v1/orgs", orgs_list_handler, RO, NULL, "机构列表"},
	{"GET", "/api/v1/dicts", dicts_handler, RO, NULL, "字典"},
	{"GET", "/api/v1/audit", audit_list_handler, RO, "audit:read", "记录的审计历史"},
	{"GET", "/api/v1/calendar/deadline", calendar_deadline_handler, R_PUBLIC | R_NOTX, NULL, "计算期限"},
	{"GET", "/api/v1/calendar/years", calendar_years_handler, RO, NULL, "节假日年度列表"},
	{"PUT", "/api/v1/calendar/years/{year}", calendar_put_handler, W, "calendar:write", "导入年度节假日"},
	{"GET", "/api/v1/fund/children", fund_children_list_handler, RO, "fund:child:read", "儿童档案列表"},
	{"POST", "/api/v1/fund/children", fund_child_create_handler, W, "fund:child:create", "登记儿童"},
	{"GET", "/api/v1/fund/children/{id}", fund_child_get_handler, RO, "fund:child:read", "儿童档案"},
	{"PUT", "/api/v1/fund/children/{id}", fund_child_update_handler, W, "fund:child:update", "修改儿童档案"},
	{"GET", "/api/v1/fund/children/{id}/id-number", fund_child_id_number_handler, RO, "fund:child:sensitive",
	 "查看完整身份证号（留痕）"},
	{"GET", "/api/v1/fund/applications", fund_apps_list_handler, RO, "fund:application:read", "帮扶申请列表"},
	{"POST", "/api/v1/fund/applications", fund_app_create_handler, W, "fund:application:create", "提交帮扶申请"},
	{"GET", "/api/v1/fund/applications/{id}", fund_app_get_handler, RO, "fund:application:read", "帮扶申请详情"},
	{"POST", "/api/v1/fund/applications/{id}/accept", fund_app_accept_handler, W, "fund:application:accept", "受理"},
	{"POST", "/api/v1/fund/applications/{id}/return", fund_app_return_handler, W, "fund:application:return",
	 "退回补正"},
	{"POST", "/api/v1/fund/applications/{id}/resubmit", fund_app_resubmit_handler, W, "fund:application:resubmit",
	 "补正后重新提交"},
	{"POST", "/api/v1/fund/applications/{id}/review", fund_app_review_handler, W, "fund:application:review", "初审"},
	{"POST", "/api/v1/fund/applications/{id}/approve", fund_app_approve_handler, W, "fund:application:approve",
	 "审批"},
	{"POST", "/api/v1/fund/applications/{id}/reject", fund_app_reject_handler, W, "fund:application:approve",
	 "不予帮扶"},
	{"POST", "/api/v1/fund/applications/{id}/pay", fund_app_pay_handler, W, "fund:application:pay", "发放帮扶资金"},
	{"GET", "/api/v1/fund/balance", fund_balance_handler, RO, "fund:ledger:read", "基金余额"},
	{"GET", "/api/v1/fund/stats", fund_stats_handler, RO, "fund:application:read", "数据看板"},
	/* ---- donations, receipts, acknowledgment, tax ---- */
	/* ---- books, bank import, disclosure ---- */
	/* ---- care services, visits, attachments ---- */
	{NULL, NULL, NULL, 0, NULL, NULL},
};
