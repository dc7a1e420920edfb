// ESLint (flat config) for the web UI and the browser tests; formatting is
// Prettier's job (eslint-config-prettier turns off the rules that clash).
// Run from the repository root (npm run lint does) so tests/e2e is inside
// the base path.
import js from '@eslint/js'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default [
  { ignores: ['**/dist/**', '**/node_modules/**'] },
  js.configs.recommended,
  ...vue.configs['flat/recommended'],
  prettier,
  {
    files: ['**/src/**/*.{js,vue}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        ...globals.browser,
        // auto-imported by unplugin-auto-import (Element Plus services)
        ElMessage: 'readonly',
        ElMessageBox: 'readonly',
      },
    },
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/no-v-html': 'error',
    },
  },
  {
    files: ['**/vite.config.js', '**/eslint.config.js', '**/tests/e2e/**/*.mjs'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
  },
]
