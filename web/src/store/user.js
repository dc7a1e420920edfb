// The signed-in user: who, which role and org, which permissions. Filled from
// the login reply or, after a reload, from GET /session (which also returns the
// CSRF token for writes).
import { defineStore } from 'pinia'
import { login as apiLogin, getSession, logout as apiLogout } from '@/api/login'
import { setCsrfToken } from '@/utils/request'

export const useUserStore = defineStore('user', {
  state: () => ({
    user: null,
    loaded: false,
  }),
  getters: {
    permissions: (s) => (s.user && s.user.permissions) || [],
    name: (s) => (s.user && (s.user.display_name || s.user.username)) || '',
    roleName: (s) => (s.user && s.user.role_name) || '',
    orgName: (s) => (s.user && s.user.org && s.user.org.name) || '',
    districtScoped: (s) => !!(s.user && s.user.district_scoped),
  },
  actions: {
    async login(username, password, opts) {
      const r = await apiLogin(username, password, opts)
      this.user = r.user
      this.loaded = true
      setCsrfToken(r.csrf_token)
      return r
    },
    // Returns true when a session exists; never shows an error.
    async load() {
      try {
        const r = await getSession({ silent: true })
        this.user = r.user
        setCsrfToken(r.csrf_token)
      } catch {
        this.user = null
      }
      this.loaded = true
      return !!this.user
    },
    async logout() {
      try {
        await apiLogout()
      } finally {
        this.clear()
      }
    },
    clear() {
      this.user = null
      this.loaded = true
      setCsrfToken('')
    },
  },
})
