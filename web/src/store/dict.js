// Dictionaries (categories, aid kinds, services, statuses, roles, districts)
// are fetched once per session and cached here.
import { defineStore } from 'pinia'
import { getDicts } from '@/api/system/dict'

let pending = null

export const useDictStore = defineStore('dict', {
  state: () => ({
    loaded: false,
    categories: [],
    aid_kinds: [],
    services: [],
    statuses: [],
    roles: [],
    districts: [],
  }),
  actions: {
    async ensure() {
      if (this.loaded) return this
      if (!pending) {
        pending = getDicts()
          .then((d) => {
            for (const k of ['categories', 'aid_kinds', 'services', 'statuses', 'roles', 'districts'])
              this[k] = d[k] || []
            this.loaded = true
          })
          .finally(() => {
            pending = null
          })
      }
      await pending
      return this
    },
    label(dict, code) {
      const it = (this[dict] || []).find((x) => x.code === code)
      return it ? it.name : code
    },
    reset() {
      this.loaded = false
    },
  },
})

// "枣庄市市中区慈善总会" → "市中区"; "滕州市慈善总会" → "滕州市"
export function districtShort(name) {
  if (!name) return ''
  return name.replace(/^枣庄市(?=.+区)/, '').replace(/慈善总会$/, '') || name
}
