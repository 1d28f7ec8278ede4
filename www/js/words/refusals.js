// The words of the refusals the page words itself (i18n.js's errorText):
// where it knows more than the core — the goods' names, whether this was a
// redemption or a staff sign-in, the village's time, a form's field — or
// refuses before asking the core. Every other code shows the core's own
// `message` / `messageEn`. Figures come in already shown: amounts as
// points, times in the village's clock.

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
  refusal_WRONG_PIN_recover: [(left) => `恢复码不对,还可以试 ${left} 次`, (left) => `Wrong recovery code. You can try ${left} more times.`],
  refusal_WRONG_PIN_staff: [
    (left) => `密码不对,还可以试 ${left} 次`,
    (left) => `Wrong PIN. You can try ${left} more ${left === 1 ? "time" : "times"}.`,
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
  // `until` is the village's time the lock ends, or none when unknown.
  refusal_LOCKED_OUT_staff: [
    (until) => `错了太多次,已锁定${until ? `到 ${until}` : "一会儿"}。请稍后再试,或请管理员帮忙。`,
    (until) => `Too many wrong tries: locked${until ? ` until ${until}` : " for a while"}. Try again later, or ask the admin.`,
  ],
  refusal_LOCKED_OUT: [
    (until) =>
      until ? `密码错了太多次,已锁定到 ${until}。请到 ${until} 以后再试,或请店主解锁。` : "密码错了太多次,已暂时锁定。请稍后再试,或找店主帮忙。",
    (until) =>
      until
        ? `Too many wrong PINs: locked until ${until}. Try again after ${until}, or ask the shopkeeper to unlock it.`
        : "Too many wrong PINs: locked for a while. Try again later, or ask the shopkeeper.",
  ],
  refusal_NO_PIN_staff: ["这位员工还没有密码,请管理员设置。", "This staff member has no PIN yet. Please ask the admin to set one."],
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
  refusal_STAFF_AUTH_REQUIRED_recover: [
    "恢复码只能给在职的管理员用。请检查员工编号。",
    "The recovery code is only for an active admin. Please check the staff id.",
  ],
  refusal_STAFF_AUTH_REQUIRED_signIn: [
    "员工编号不对,或这位员工已停用。请再试一次。",
    "Unknown staff id, or this staff member is no longer active. Please try again.",
  ],
  // A live session whose role does not cover the act (signing in again
  // would not help), or none (sign in again).
  refusal_STAFF_AUTH_REQUIRED_role: [
    "你的员工角色不能做这件事。请找有这项权限的工作人员。",
    "Your staff role does not cover this. Please ask a staff member whose role does.",
  ],
  refusal_STAFF_AUTH_REQUIRED: ["员工登录已结束,请重新登录。", "The staff sign-in has ended. Please sign in again."],
  // A staff form's field by its name in fields.js, and the core's detail.
  refusal_INVALID_INPUT_field: [
    (name, detail) => `${name}填写得不对${detail ? `:${detail}` : ""}。`,
    (name, detail) => `${name} is not accepted${detail ? ` (${detail})` : ""}.`,
  ],
  refusal_INVALID_INPUT: ["输入的内容不对,请再试一次。", "Something entered is not right. Please try again."],
  refusal_STORAGE_FULL_redeem: [
    "存储空间满了。这次兑换没有成功,积分没有扣。请找店主。",
    "Storage is full. The redemption did NOT happen and no points were taken. Please call the shopkeeper.",
  ],
  refusal_STORAGE_FULL: ["存储空间满了,这一步没有成功。请找店主。", "Storage is full; this step did NOT happen. Please call the shopkeeper."],
  refusal_STORAGE_FAILED_redeem: [
    "保存失败。这次兑换没有成功,积分没有扣。请找店主。",
    "Saving failed. The redemption did NOT happen and no points were taken. Please call the shopkeeper.",
  ],
  refusal_STORAGE_FAILED: ["保存失败,这一步没有成功。请找店主。", "Saving failed; this step did NOT happen. Please call the shopkeeper."],
  refusal_INTERNAL_redeem: [
    "终端出了点问题。这次兑换没有成功,积分没有扣。请找店主。",
    "The kiosk had a problem. The redemption did NOT happen and no points were taken. Please call the shopkeeper.",
  ],
  refusal_INTERNAL: ["终端出了点问题,这一步没有成功。请找店主。", "The kiosk had a problem; this step did NOT happen. Please call the shopkeeper."],
  // `period` and `until` are none when the core did not say them.
  refusal_POSTING_NOT_OVER: [
    (period, until) => `${period ?? "这一期"} 的评分还在公示期内,${until ? `${until} ` : ""}以后才能入账。`,
    (period, until) => `The scores of ${period ?? "this period"} are still posted; apply them after ${until ?? "the posting period"}.`,
  ],
  // The page's own refusal of a file that is no backup (line 1), as well
  // as the core's, which names the line and what is wrong there.
  refusal_BACKUP_INVALID: [
    (line, detail) => `备份文件${line ? `第 ${line} 行` : ""}不对${detail ? `:${detail}` : ""}。什么也没有恢复。`,
    (line, detail) => `The backup file is not valid${line ? ` at line ${line}` : ""}${detail ? `: ${detail}` : ""}. Nothing was restored.`,
  ],
};
