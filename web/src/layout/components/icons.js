// The menu's icons, by the name used in route meta.icon.
import { DataAnalysis, Present, User, Tickets, Setting, UserFilled, Calendar } from '@element-plus/icons-vue'
import {
  OfficeBuilding,
  Coin,
  Postcard,
  Medal,
  Notebook,
  Histogram,
  Wallet,
  Document,
  FirstAidKit,
  Connection,
  ChatDotRound,
  House,
} from '@element-plus/icons-vue'
import { PhoneFilled } from '@element-plus/icons-vue'

export default {
  DataAnalysis,
  Present,
  User,
  Tickets,
  Setting,
  UserFilled,
  Calendar,
  OfficeBuilding,
  Coin,
  Postcard,
  Medal,
  Notebook,
  Histogram,
  Wallet,
  Document,
  FirstAidKit,
  Connection,
  ChatDotRound,
  House,
  PhoneFilled,
}
