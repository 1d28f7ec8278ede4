// The refusals the page words itself (see refusals.js) of a villager's
// sign-in and basket, loaded with the visit's screens (words/index.js).

export default {
  refusal_INSUFFICIENT_POINTS: [
    (needed, available) => `积分不够:这次要 ${needed},您只有 ${available}。请少选一些。`,
    (needed, available) => `Not enough points: this needs ${needed} and you have ${available}. Please take fewer goods.`,
  ],
  // `name` is none when the page does not know the goods.
  refusal_OUT_OF_STOCK: [
    (name, available) => `${name ?? "有一种商品"}库存不够:只剩 ${available} 件。请改一下数量。`,
    (name, available) => `${name ?? "One of the goods"}: only ${available} left in stock. Please change the quantity.`,
  ],
  // What happens after a household's last try, and whom to ask: it is
  // locked for the core's lockout time (`minutes`, or none when unknown),
  // and the shopkeeper can unlock it.
  refusal_WRONG_PIN_lock: [
    (minutes) => (minutes ? `这一户会锁定 ${minutes} 分钟` : "这一户会暂时锁定"),
    (minutes) => (minutes ? `this household is locked for ${minutes} ${minutes === 1 ? "minute" : "minutes"}` : "this household is locked for a while"),
  ],
  refusal_WRONG_PIN_last: [
    (lock) => `密码不对,还可以试 1 次;再错,${lock}。忘了密码请找店主。`,
    (lock) => `Wrong PIN. 1 try left; if that one is wrong too, ${lock}. Forgot the PIN? Ask the shopkeeper.`,
  ],
  refusal_WRONG_PIN: [
    (left, lock) => `密码不对,还可以试 ${left} 次;再错 ${left} 次,${lock},可请店主解锁。`,
    (left, lock) => `Wrong PIN. ${left} tries left. After ${left} more wrong PINs, ${lock}; the shopkeeper can unlock it.`,
  ],
  refusal_LOCKED_OUT: [
    (until) =>
      until ? `密码错了太多次,已锁定到 ${until}。请到 ${until} 以后再试,或请店主解锁。` : "密码错了太多次,已暂时锁定。请稍后再试,或找店主帮忙。",
    (until) =>
      until
        ? `Too many wrong PINs: locked until ${until}. Try again after ${until}, or ask the shopkeeper to unlock it.`
        : "Too many wrong PINs: locked for a while. Try again later, or ask the shopkeeper.",
  ],
  refusal_NO_PIN: ["这一户还没有设置密码,请找店主设置。", "This household has no PIN yet. Please ask the shopkeeper to set one."],
  refusal_SESSION_EXPIRED: ["太久没有操作,已经退出了。请重新登录。", "You were signed out after a pause. Please sign in again."],
  refusal_SUSPENDED: [
    "这一户的积分账户已暂停,现在不能兑换。请找村里的积分管理员。",
    "This household's account is suspended. Please ask the village points officer.",
  ],
  refusal_MOVED_AWAY: ["这一户已经迁出,不能再兑换。有疑问请找村委会。", "This household has moved away and can no longer redeem."],
  refusal_NEGATIVE_BALANCE: [
    (balance) => `积分余额是 ${balance},暂时不能兑换。请找积分管理员。`,
    (balance) => `The balance is ${balance}; no redemption until it is settled. Please ask the points officer.`,
  ],
  refusal_INACTIVE_ITEM: [
    (name) => `${name ?? "这种商品"}已经下架了,请从购物篮拿掉,换一种。`,
    (name) => `${name ?? "This item"} is no longer offered. Please take it out of the basket.`,
  ],
};
