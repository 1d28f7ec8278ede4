// The words of a villager's visit after home: sign-in, shop, confirm,
// receipt, 我的积分; and of the empty kiosk's first page. Loaded once home is
// drawn (words/index.js, loadVisitWords), before any of those screens.
import { pointsIn } from "./home.js";

export default {
  back: ["返回", "Back"],
  next: ["下一步", "Next"],
  ok: ["确定", "OK"],
  clear: ["清空", "Clear"],
  delete: ["删除", "Delete"],
  signOut: ["退出", "Sign out"],
  done: ["完成", "Done"],
  print: ["打印小票", "Print receipt"],

  // The empty kiosk.
  emptyTitle: ["这台终端还没有数据", "This kiosk has no data yet"],
  emptyText: [
    "请村里的管理员设置本村和超市,或者先载入演示村,试一试兑换。",
    "The village admin sets up the village and its shop here. Or load the demo village to try it out.",
  ],
  loadDemo: ["载入演示村", "Load demo village"],
  loadingDemo: ["正在载入演示村…", "Loading the demo village…"],

  // Sign in.
  signInTitle: ["登录", "Sign in"],
  enterCode: ["请输入户号", "Enter your household code"],
  codeHint: ["在户卡上可以找到户号,也可以直接扫户卡", "The code is on your household card; you can also scan the card"],
  codeLabel: ["户号", "Household code"],
  codeEmpty: ["还没有输入", "Nothing entered yet"],
  codeKeypad: ["户号键盘", "Household code keypad"],
  enterPin: ["请输入密码", "Enter your PIN"],
  pinLabel: ["密码", "PIN"],
  pinDigits: [(n) => `已输入 ${n} 位`, (n) => `${n} digits entered`],
  pinKeypad: ["密码键盘", "PIN keypad"],
  pinHint: [(min, max) => `输入 ${min} 到 ${max} 位数字,再点“确定”`, (min, max) => `Type ${min} to ${max} digits, then tap OK`],
  checking: ["正在核对…", "Checking…"],
  householdLine: [(code, name) => `户号 ${code} · ${name}`, (code, name) => `Household ${code} · ${name}`],
  notThisHousehold: ["换一户", "Other household"],
  pinTooShort: [(min) => `密码至少 ${min} 位数字`, (min) => `The PIN has at least ${min} digits`],
  codeFirst: ["请先输入户号", "Please enter the household code first"],

  // Shop.
  shopTitle: ["选商品", "Choose goods"],
  balanceLine: [(b) => `余额 ${b}`, (b) => `Balance ${b}`],
  categories: ["商品分类", "Categories"],
  allCategories: ["全部", "All"],
  // The goods' categories as the demo catalogue names them (a category is
  // the shopkeeper's word, shown as written when it has no English here).
  "category_粮油": ["粮油", "Grain & oil"],
  "category_调味": ["调味", "Seasoning"],
  "category_副食": ["副食", "Food"],
  "category_日用": ["日用", "Daily use"],
  "category_清洁": ["清洁", "Cleaning"],
  goods: ["商品", "Goods"],
  stockLeft: [(n, unit) => `库存 ${n} ${unit}`, (n) => `${n} in stock`],
  stockLow: [(n, unit) => `只剩 ${n} ${unit}`, (n) => `Only ${n} left`],
  inBasket: [(n) => `已选 ${n}`, (n) => `${n} in basket`],
  notEnoughPoints: ["积分不够", "Not enough points"],
  outOfStock: ["缺货", "Out of stock"],
  allInBasket: ["没有更多了", "No more in stock"],
  basketFull: ["购物篮满了", "Basket is full"],
  maxQty: [(max) => `最多 ${max} 件`, (max) => `${max} at most`],
  basket: ["购物篮", "Basket"],
  basketEmpty: ["购物篮是空的。点商品图片就能放进来。", "The basket is empty. Tap a picture to add it."],
  total: ["合计", "Total"],
  qtyOf: [(name) => `${name} 的数量`, (name) => `Quantity of ${name}`],
  fewer: [(name) => `减少 ${name}`, (name) => `One less ${name}`],
  more: [(name) => `增加 ${name}`, (name) => `One more ${name}`],
  confirmWithTotal: [(total) => `确认兑换 — ${pointsIn("zh")(total)}`, (total) => `Confirm — ${pointsIn("en")(total)}`],
  pickFirst: ["请先选商品", "Choose goods first"],

  // Confirm.
  confirmTitle: ["请核对", "Please check"],
  confirmHint: ["没有问题就点“确认兑换”", "If everything is right, tap Confirm"],
  confirm: ["确认兑换", "Confirm"],
  saving: ["正在保存,请稍等…", "Saving, please wait…"],
  lineQty: [(qty, price) => `${qty} × ${price}`, (qty, price) => `${qty} × ${price}`],
  balanceNow: ["现在余额", "Balance now"],
  balanceAfter: ["兑换后余额", "Balance after"],
  summary: ["兑换清单", "Items"],
  speakConfirm: [
    (total, after) => `一共 ${total} 积分,兑换后还剩 ${after} 积分。没有问题请点确认兑换。`,
    (total, after) => `${total} points in all; ${after} points left after. If everything is right, tap Confirm.`,
  ],

  // Receipt.
  successTitle: ["兑换成功", "Redeemed"],
  receiptNumber: ["小票号", "Receipt no."],
  receiptTime: ["时间", "Time"],
  receiptHousehold: ["户", "Household"],
  receiptHash: ["校验码", "Check code"],
  receiptPaid: ["用了", "Spent"],
  backHomeIn: [(s) => `${s} 秒后回到首页`, (s) => `Back to the start in ${s} s`],
  receiptRegion: ["打印的小票", "Printed receipt"],
  thanks: ["谢谢您为村里出的力!", "Thank you for your part in the village!"],
  speakRedeemed: [
    (total, after) => `兑换成功。用了 ${total} 积分,还剩 ${after} 积分。`,
    (total, after) => `Redeemed. ${total} points spent, ${after} points left.`,
  ],
  // The printed receipt (58 mm), in Chinese; its rows' other labels are the
  // screen's (receiptNumber, receiptTime, receiptHousehold, balance,
  // receiptHash, collectorLabel, pinResetLabel).
  receiptPrintTitle: ["积分兑换小票", "Receipt"],
  receiptTotal: ["合计 积分", "Total points"],
  receiptAssisted: ["协助", "Assisted by"],
  receiptFoot: ["1 积分 = 1 元 · 谢谢!", "1 point = 1 yuan · Thank you!"],

  // History.
  historyTitle: ["我的积分", "My points"],
  historyEmpty: ["还没有积分记录", "No points records yet"],
  colDate: ["日期", "Date"],
  colWhat: ["内容", "What"],
  colChange: ["变动", "Change"],
  colBalance: ["余额", "Balance"],
  kind_credited: ["积分入账", "Points earned"],
  kind_corrected: ["积分更正", "Correction"],
  kind_redeemed: ["兑换商品", "Redeemed goods"],
  kind_redemption_voided: ["兑换作废,积分退回", "Redemption cancelled, points returned"],
  kind_other: ["积分变动", "Change"],
  // A credit says its period and what it was for, so equal amounts read apart.
  creditFor: [(period, source) => `${period} ${source}`, (period, source) => `${source}, ${period}`],
  source_evaluation: ["月度评分", "Monthly score"],
  source_bonus: ["连续奖励", "Streak bonus"],
  receiptNote: [(number) => `小票号 ${number}`, (number) => `Receipt ${number}`],
  toShop: ["去选商品", "Go shopping"],
};
