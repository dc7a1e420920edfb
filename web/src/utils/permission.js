// Buttons and menus follow the permission strings the server sends with the
// user (the same strings its routes check).
import { useUserStore } from '@/store/user'

export function hasPermi(perm) {
  const perms = useUserStore().permissions
  if (Array.isArray(perm)) return perm.some((p) => perms.includes(p))
  return perms.includes(perm)
}

// v-hasPermi="'fund:child:create'" or v-hasPermi="['a','b']" (any of).
export const hasPermiDirective = {
  mounted(el, binding) {
    if (!hasPermi(binding.value)) el.parentNode && el.parentNode.removeChild(el)
  },
}
