// The words of the two-person rule (双人核对): the second staff member's
// dialog and the setting that turns the rule on or off.

export default {
  coSignTitle: ["请第二位工作人员确认", "A second staff member confirms"],
  coSignWhy_credit_over_day_limit: [
    "这一户今天的积分入账和调整合计超过 50 分,要两个人核对。",
    "This household's credits and corrections today come to more than 50 points: two people check it.",
  ],
  coSignWhy_old_void: ["作废 24 小时以前的兑换,要两个人核对。", "Voiding a redemption older than 24 hours takes two people."],
  coSignWhy_import: ["导入积分要两个人核对。", "Importing points takes two people."],
  coSignWhy_transfer: ["分户或合户转移超过 50 分,要两个人核对。", "A split or merge moving more than 50 points takes two people."],
  coSignPick: ["确认人:请选您的名字", "Confirming: pick your name"],
  coSignPin: [(name) => `${name},请输入您的密码`, (name) => `${name}, type your PIN`],
  coSignNobody: [
    "没有第二位可以确认的工作人员。请管理员添加一位,或在设置里关闭双人核对。",
    "There is no second staff member who can confirm. An admin can add one, or turn the two-person rule off in Settings.",
  ],
  coSignConfirm: ["确认", "Confirm"],
  coSignOther: ["换一位", "Someone else"],
  setting_two_person_rule: ["双人核对", "Two-person rule"],
  setting_two_person_rule_on: ["开启", "On"],
  setting_two_person_rule_off: ["关闭", "Off"],
  settingHint_two_person_rule: [
    "开启时:一户一天入账或调整超过 50 分、作废 24 小时以前的兑换、导入积分、分户合户转移超过 50 分,都要第二位工作人员输入密码确认。关闭会记入台账,并印在每份报表上。",
    "On: more than 50 points credited or corrected for one household in a day, voiding a redemption older than 24 hours, importing points, and a split or merge of more than 50 points need a second staff member's PIN. Turning it off is recorded in the journal and printed on every report.",
  ],
  twoPersonRuleOff: [
    "本村已关闭双人核对:一位工作人员即可入账、作废和导入。",
    "This village has turned the two-person rule off: one staff member alone may credit, void and import.",
  ],
};
