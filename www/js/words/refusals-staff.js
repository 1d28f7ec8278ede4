// The refusals the page words itself (see refusals.js) of the staff's
// sign-in, forms and files, loaded with the staff's screens (words/index.js).

export default {
  refusal_WRONG_PIN_recover: [(left) => `恢复码不对,还可以试 ${left} 次`, (left) => `Wrong recovery code. You can try ${left} more times.`],
  refusal_WRONG_PIN_staff: [
    (left) => `密码不对,还可以试 ${left} 次`,
    (left) => `Wrong PIN. You can try ${left} more ${left === 1 ? "time" : "times"}.`,
  ],
  // `until` is the village's time the lock ends, or none when unknown.
  refusal_LOCKED_OUT_staff: [
    (until) => `错了太多次,已锁定${until ? `到 ${until}` : "一会儿"}。请稍后再试,或请管理员帮忙。`,
    (until) => `Too many wrong tries: locked${until ? ` until ${until}` : " for a while"}. Try again later, or ask the admin.`,
  ],
  refusal_NO_PIN_staff: ["这位员工还没有密码,请管理员设置。", "This staff member has no PIN yet. Please ask the admin to set one."],
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
