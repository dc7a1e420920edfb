import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import router from './router'
import { hasPermiDirective } from '@/utils/permission'
// Styles of components used through ElMessage / ElMessageBox (called from JS).
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import 'element-plus/theme-chalk/el-overlay.css'
import '@/assets/styles/index.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.directive('hasPermi', hasPermiDirective)
app.mount('#app')
