// The words of the page's first screen, loaded with it: home and its points
// board's frame, the idle warning, the fatal screen, and what js/app.js says
// on any screen. The words of the screens after home (sign-in, shop,
// confirm, receipt, my points) are in villager.js, loaded once home is drawn.
import { showAmount } from "../amounts.js";

/** "12.5 积分" / "12.5 points": an amount as points, in `language`. */
export const pointsIn = (language) => (amount) => {
  const shown = showAmount(amount);
  if (language === "zh") return `${shown} 积分`;
  return shown === "1" ? "1 point" : `${shown} points`;
};

export default {
  appTitle: ["爱心超市积分兑换", "Love Supermarket points kiosk"],
  loading: ["正在加载…", "Loading…"],
  ready: ["已就绪", "Ready"],
  kioskLabel: [(id) => `终端 ${id}`, (id) => `Kiosk ${id}`],
  switchLanguage: ["English", "中文"],
  switchLanguageName: ["Switch to English", "切换到中文"],
  points: [pointsIn("zh"), pointsIn("en")],
  start: ["开始兑换", "Start"],
  myPoints: ["我的积分", "My points"],
  continue: ["继续", "Continue"],
  reload: ["重新加载", "Reload"],

  // Home.
  welcome: ["欢迎来兑换", "Welcome"],
  homeHint: [
    "点下面的大按钮开始。也可以直接扫户卡。",
    "Tap the big button to begin, or scan your household card.",
  ],
  boardTitle: ["积分榜", "Points board"],
  boardHouseholds: [(n) => `本村 ${n} 户参加积分兑换`, (n) => `${n} households take part`],
  boardGoods: [(n) => `店里有 ${n} 种商品`, (n) => `${n} kinds of goods in the shop`],
  boardSoon: ["积分排名和积分之星即将在这里公布", "Rankings and stars of the quarter will show here soon"],

  // What the page says on any screen (js/app.js, screens/common.js): the
  // balance line, why one more cannot go in the basket, a scan, the voice.
  balance: ["余额", "Balance"],
  afterRedeem: ["兑换后", "After"],
  whyNotEnough: [
    (name, price, left) => `${name} 要 ${price},您还剩 ${left},积分不够。`,
    (name, price, left) => `${name} costs ${price}; you have ${left} left. Not enough points.`,
  ],
  whyOutOfStock: [(name) => `${name} 现在缺货,请选别的。`, (name) => `${name} is out of stock. Please choose something else.`],
  whyAllInBasket: [
    (name, n) => `${name} 只有 ${n} 件,已经都放进购物篮了。`,
    (name, n) => `There are only ${n} of ${name}, and all are in your basket.`,
  ],
  whyMaxQty: [(name, max) => `${name} 一次最多 ${max} 件。`, (name, max) => `At most ${max} of ${name} at once.`],
  added: [(name) => `已放入:${name}`, (name) => `Added: ${name}`],
  scanSignInFirst: ["请先登录,再扫商品", "Please sign in first, then scan goods"],
  scanUnknownBarcode: [(code) => `没有找到条码 ${code} 的商品`, (code) => `No goods with barcode ${code}`],
  scanUnknown: [(code) => `没有认出这个码:${code}`, (code) => `This code was not recognised: ${code}`],
  tooManyLines: [(n) => `一次最多兑换 ${n} 种商品`, (n) => `At most ${n} different items at once`],
  // Read out by the optional voice, in Chinese: the balance at sign-in (the
  // name as the household is registered); the basket's total in villager.js.
  speakBalance: [(name, balance) => `${name},您的余额是 ${balance}`, (name, balance) => `${name}, your balance is ${balance}`],

  // Idle.
  idleTitle: ["还在吗?", "Still there?"],
  idleText: [(s) => `${s} 秒后自动退出`, (s) => `Signing out in ${s} s`],
  idleHint: ["还要继续,请点“继续”", "Tap Continue to keep going"],

  // Read-only.
  readOnlyTitle: ["现在只能查看,不能兑换", "View only: no redemption now"],
  startBlocked: ["现在不能兑换", "No redemption now"],

  // Fatal.
  fatalTitle: ["终端出了点问题", "The kiosk has a problem"],
  callShopkeeper: ["请找店主帮忙。", "Please call the shopkeeper."],
  fatalKioskId: [
    "网址里的终端编号(kiosk=…)不对,只能用字母、数字和 - _。请找积分专员。",
    "The kiosk id in the address (kiosk=…) is not valid: letters, digits, - and _ only. Please call the clerk.",
  ],

  // Home's corner button to the staff's screens, which load when it is
  // tapped; a load that fails (no network, nothing cached yet) says so.
  staffEntry: ["管理", "Staff"],
  staffEntryName: ["管理 员工登录", "Staff sign-in"],
  screenLoadFailed: ["这个页面打不开,请检查网络后再试", "This screen could not be loaded: check the network and try again"],

  // A kiosk that recovers by itself: the fatal screen's restart, and the
  // receipt of a redemption whose receipt was never shown.
  fatalRestarting: [(s) => `${s} 秒后自动重新启动。`, (s) => `Restarting by itself in ${s} s.`],
  lastReceiptTitle: ["上次兑换已成功", "Your last redemption went through"],
  lastReceiptText: [
    "上次兑换已经记下了,只是小票没来得及显示。请核对,不用再兑换一次。",
    "Your last redemption was recorded, but its receipt was not shown. Please check it; there is no need to redeem again.",
  ],
};
