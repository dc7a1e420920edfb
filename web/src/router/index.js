// Routes double as the menu (RuoYi style): a route with meta.title and no
// meta.hidden is a menu entry, shown when the user holds one of meta.perms.
// Every page is loaded lazily so the login page stays light.
import { createRouter, createWebHistory } from 'vue-router'
import Layout from '@/layout/index.vue'
import { useUserStore } from '@/store/user'
import { setUnauthorizedHandler } from '@/utils/request'

export const menuRoutes = [
  {
    path: '/index',
    name: 'Dashboard',
    component: () => import('@/views/dashboard/index.vue'),
    meta: { title: '数据看板', icon: 'DataAnalysis', perms: ['fund:application:read'] },
  },
  {
    path: '/fund',
    meta: { title: '儿童关爱基金', icon: 'Present' },
    children: [
      {
        path: 'child',
        name: 'FundChild',
        component: () => import('@/views/fund/child/index.vue'),
        meta: { title: '儿童档案', icon: 'User', perms: ['fund:child:read'] },
      },
      {
        path: 'child/:id(\\d+)',
        name: 'FundChildDetail',
        component: () => import('@/views/fund/child/detail.vue'),
        meta: { title: '儿童档案详情', hidden: true, active: '/fund/child', perms: ['fund:child:read'] },
      },
      {
        path: 'application',
        name: 'FundApplication',
        component: () => import('@/views/fund/application/index.vue'),
        meta: { title: '帮扶申请', icon: 'Tickets', perms: ['fund:application:read'] },
      },
      {
        path: 'application/:id(\\d+)',
        name: 'FundApplicationDetail',
        component: () => import('@/views/fund/application/detail.vue'),
        meta: { title: '申请详情', hidden: true, active: '/fund/application', perms: ['fund:application:read'] },
      },
    ],
  },
  {
    path: '/donation',
    meta: { title: '捐赠管理', icon: 'Present' },
    children: [
      {
        path: 'donor',
        name: 'FundDonor',
        component: () => import('@/views/fund/donor/index.vue'),
        meta: { title: '捐赠人', icon: 'OfficeBuilding', perms: ['fund:donation:read'] },
      },
      {
        path: 'donation',
        name: 'FundDonation',
        component: () => import('@/views/fund/donation/index.vue'),
        meta: { title: '捐赠记录', icon: 'Coin', perms: ['fund:donation:read'] },
      },
      {
        path: 'receipt',
        name: 'FundReceipt',
        component: () => import('@/views/fund/receipt/index.vue'),
        meta: { title: '捐赠票据', icon: 'Postcard', perms: ['fund:donation:read'] },
      },
      {
        path: 'honour-roll',
        name: 'FundHonourRoll',
        component: () => import('@/views/fund/honour/index.vue'),
        meta: { title: '鸣谢榜', icon: 'Medal', perms: ['fund:donation:read'] },
      },
    ],
  },
  {
    path: '/books',
    meta: { title: '财务报表', icon: 'Notebook' },
    children: [
      {
        path: 'report',
        name: 'FundBooks',
        component: () => import('@/views/fund/books/index.vue'),
        meta: { title: '会计报表', icon: 'Histogram', perms: ['fund:books:read'] },
      },
      {
        path: 'bank',
        name: 'FundBank',
        component: () => import('@/views/fund/bank/index.vue'),
        meta: { title: '银行对账', icon: 'Wallet', perms: ['fund:books:read'] },
      },
      {
        path: 'disclosure',
        name: 'FundDisclosure',
        component: () => import('@/views/fund/disclosure/index.vue'),
        meta: { title: '信息公开', icon: 'Document', perms: ['fund:books:read'] },
      },
    ],
  },
  {
    path: '/care',
    meta: { title: '关爱服务', icon: 'FirstAidKit' },
    children: [
      {
        path: 'referral',
        name: 'FundReferral',
        component: () => import('@/views/fund/referral/index.vue'),
        meta: { title: '服务转介', icon: 'Connection', perms: ['fund:care:read'] },
      },
      {
        path: 'session',
        name: 'FundSession',
        component: () => import('@/views/fund/session/index.vue'),
        meta: { title: '服务记录', icon: 'ChatDotRound', perms: ['fund:care:read'] },
      },
      {
        path: 'visit',
        name: 'FundVisit',
        component: () => import('@/views/fund/visit/index.vue'),
        meta: { title: '家访记录', icon: 'House', perms: ['fund:care:read'] },
      },
      {
        path: 'provider',
        name: 'FundProvider',
        component: () => import('@/views/fund/provider/index.vue'),
        meta: { title: '服务机构', icon: 'OfficeBuilding', perms: ['fund:care:read'] },
      },
    ],
  },
  {
    path: '/hotline',
    meta: { title: '市民热线', icon: 'ChatDotRound' },
    children: [
      {
        path: 'dashboard',
        name: 'HotlineDashboard',
        component: () => import('@/views/hotline/dashboard/index.vue'),
        meta: { title: '热线看板', icon: 'DataAnalysis', perms: ['hotline:stats:read'] },
      },
      {
        path: 'intake',
        name: 'HotlineIntake',
        component: () => import('@/views/hotline/intake/index.vue'),
        meta: { title: '诉求受理', icon: 'Postcard', perms: ['hotline:appeal:create'] },
      },
      {
        path: 'appeal',
        name: 'HotlineAppeal',
        component: () => import('@/views/hotline/appeal/index.vue'),
        meta: { title: '诉求列表', icon: 'Tickets', perms: ['hotline:appeal:read'] },
      },
      {
        path: 'search',
        name: 'HotlineSearch',
        component: () => import('@/views/hotline/search/index.vue'),
        meta: { title: '诉求检索', icon: 'Document', perms: ['hotline:appeal:read'] },
      },
      {
        path: 'appeal/:id(\\d+)',
        name: 'HotlineAppealDetail',
        component: () => import('@/views/hotline/appeal/detail.vue'),
        meta: { title: '诉求详情', hidden: true, active: '/hotline/appeal', perms: ['hotline:appeal:read'] },
      },
      {
        path: 'programme',
        name: 'HotlineProgramme',
        component: () => import('@/views/hotline/programme/index.vue'),
        meta: { title: '直播节目', icon: 'Calendar', perms: ['hotline:programme:manage', 'hotline:stats:read'] },
      },
      {
        path: 'programme/:id(\\d+)/board',
        name: 'HotlineProgrammeBoard',
        component: () => import('@/views/hotline/programme/board.vue'),
        meta: { title: '节目看板', hidden: true, active: '/hotline/programme', perms: ['hotline:appeal:read'] },
      },
      {
        path: 'programme/:id(\\d+)/outcome',
        name: 'HotlineProgrammeOutcome',
        component: () => import('@/views/hotline/programme/outcome.vue'),
        meta: {
          title: '节目办理结果',
          hidden: true,
          active: '/hotline/programme',
          perms: ['hotline:programme:report'],
        },
      },
      {
        path: 'callback',
        name: 'HotlineCallback',
        component: () => import('@/views/hotline/callback/index.vue'),
        meta: { title: '待回访', icon: 'PhoneFilled', perms: ['hotline:callback'] },
      },
      {
        path: 'missed',
        name: 'HotlineMissed',
        component: () => import('@/views/hotline/missed/index.vue'),
        meta: { title: '未接来电', icon: 'Connection', perms: ['hotline:callback'] },
      },
      {
        path: 'department',
        name: 'HotlineDepartment',
        component: () => import('@/views/hotline/department/index.vue'),
        meta: { title: '承办单位', icon: 'OfficeBuilding', perms: ['hotline:catalog:manage'] },
      },
    ],
  },
  {
    path: '/butler',
    meta: { title: '项目管家', icon: 'House' },
    children: [
      {
        path: 'dashboard',
        name: 'ButlerDashboard',
        component: () => import('@/views/butler/dashboard/index.vue'),
        meta: { title: '管家看板', icon: 'Histogram', perms: ['butler:stats:read'] },
      },
      {
        path: 'project',
        name: 'ButlerProject',
        component: () => import('@/views/butler/project/index.vue'),
        meta: { title: '重点项目', icon: 'Notebook', perms: ['butler:project:read'] },
      },
      {
        path: 'project/:id(\\d+)',
        name: 'ButlerProjectDetail',
        component: () => import('@/views/butler/project/detail.vue'),
        meta: { title: '项目详情', hidden: true, active: '/butler/project', perms: ['butler:project:read'] },
      },
      {
        path: 'visit',
        name: 'ButlerVisit',
        component: () => import('@/views/butler/visit/index.vue'),
        meta: { title: '走访记录', icon: 'House', perms: ['butler:project:read'] },
      },
      {
        path: 'question',
        name: 'ButlerQuestion',
        component: () => import('@/views/butler/question/index.vue'),
        meta: { title: '企业问题', icon: 'ChatDotRound', perms: ['butler:project:read'] },
      },
      {
        path: 'notice',
        name: 'ButlerNotice',
        component: () => import('@/views/butler/notice/index.vue'),
        meta: { title: '一次性告知书', icon: 'Document', perms: ['butler:project:read'] },
      },
      {
        path: 'catalogue',
        name: 'ButlerCatalogue',
        component: () => import('@/views/butler/catalogue/index.vue'),
        meta: { title: '审批事项目录', icon: 'Tickets', perms: ['butler:project:read'] },
      },
      {
        path: 'team',
        name: 'ButlerTeam',
        component: () => import('@/views/butler/team/index.vue'),
        meta: { title: '管家团队', icon: 'UserFilled', perms: ['butler:project:read'] },
      },
    ],
  },
  {
    path: '/system',
    meta: { title: '系统管理', icon: 'Setting' },
    children: [
      {
        path: 'user',
        name: 'SystemUser',
        component: () => import('@/views/system/user/index.vue'),
        meta: { title: '用户管理', icon: 'UserFilled', perms: ['user:manage'] },
      },
      {
        path: 'calendar',
        name: 'SystemCalendar',
        component: () => import('@/views/system/calendar/index.vue'),
        meta: { title: '节假日日历', icon: 'Calendar' },
      },
    ],
  },
]

function flatten(routes, base = '') {
  const out = []
  for (const r of routes) {
    const full = r.path.startsWith('/') ? r.path : `${base}/${r.path}`
    if (r.children) out.push(...flatten(r.children, full))
    else out.push({ ...r, path: full })
  }
  return out
}

const routes = [
  {
    path: '/login',
    name: 'Login',
    component: () => import('@/views/login.vue'),
    meta: { title: '登录', public: true },
  },
  {
    path: '/public/honour-roll',
    name: 'PublicHonourRoll',
    component: () => import('@/views/fund/honour/public.vue'),
    meta: { title: '捐赠鸣谢榜', public: true },
  },
  {
    path: '/',
    component: Layout,
    redirect: '/index',
    children: [
      ...flatten(menuRoutes),
      {
        path: '/404',
        name: 'NotFound',
        component: () => import('@/views/error/404.vue'),
        meta: { title: '页面不存在', hidden: true },
      },
      {
        path: '/:pathMatch(.*)*',
        component: () => import('@/views/error/404.vue'),
        meta: { title: '页面不存在', hidden: true },
      },
    ],
  },
]

const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

export function canSee(meta, perms) {
  if (!meta || !meta.perms) return true
  return meta.perms.some((p) => perms.includes(p))
}

// The first page this user may open (an admin has no fund pages).
export function homePath(perms) {
  for (const r of flatten(menuRoutes)) if (!r.meta.hidden && canSee(r.meta, perms)) return r.path
  return '/404'
}

setUnauthorizedHandler(() => {
  const user = useUserStore()
  user.clear()
  const cur = router.currentRoute.value
  if (cur.name !== 'Login') router.replace({ path: '/login', query: { redirect: cur.fullPath } })
})

router.beforeEach(async (to) => {
  // Public pages (the honour roll) need no session: do not even ask for one,
  // or the 401 of GET /session would send the visitor to the login page.
  if (to.meta.public && to.name !== 'Login') return true
  const user = useUserStore()
  if (!user.loaded) await user.load()
  if (to.meta.public) {
    if (to.name === 'Login' && user.user) return homePath(user.permissions)
    return true
  }
  if (!user.user)
    return { path: '/login', query: to.fullPath !== '/' && to.fullPath !== '/index' ? { redirect: to.fullPath } : {} }
  if (to.path === '/index' && !canSee(to.meta, user.permissions)) return homePath(user.permissions)
  if (!canSee(to.meta, user.permissions)) return { name: 'NotFound', query: { from: to.fullPath } }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 惠民` : '惠民'
})

export default router
