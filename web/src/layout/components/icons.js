// The menu's icons, by the name used in route meta.icon.
import { DataAnalysis, Present, User, Tickets, Setting, UserFilled, Calendar } from '@element-plus/icons-vue'

export default { DataAnalysis, Present, User, Tickets, Setting, UserFilled, Calendar }
