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
