// The words of households' members and of splitting and merging households
// (分户 / 合户).

export default {
  membersTitle: ["家庭成员", "Members"],
  membersNone: ["还没有登记成员", "No members listed yet"],
  memberName: ["成员姓名", "Member's name"],
  memberRelation: ["与户主关系", "Relation"],
  memberCard: ["成员卡号(可不填)", "Member's card (optional)"],
  memberCardHint: [
    "刷这张卡就能登录本户,兑换时记下领取人。卡号不能和户号或别人的卡相同。",
    "This card signs in to the household and names the collector. It may not be a household code or another card.",
  ],
  memberCardShort: [(card) => `卡 ${card}`, (card) => `card ${card}`],
  addMember: ["添加成员", "Add member"],
  memberAdded: ["成员已添加", "Member added"],
  removeMember: [(name) => `移除 ${name}`, (name) => `Remove ${name}`],
  memberRemoved: ["成员已移除", "Member removed"],
  splitTitle: ["分户", "Split the household"],
  splitHint: [
    "新户号从本户分出,带走下面的积分和勾选的成员;积分转移会记入账本。",
    "A new household splits from this one with the points below and the ticked members; the transfer is recorded.",
  ],
  splitCode: ["新户号", "New household code"],
  splitName: ["新户户主姓名", "New household's name"],
  splitAmount: ["分出的积分", "Points to move"],
  splitMembers: ["随新户走的成员", "Members who go with it"],
  transferReason: ["原因", "Reason"],
  splitDo: ["分户", "Split"],
  splitDone: ["已分户,积分已转到新户", "Split: the points moved to the new household"],
  mergeTitle: ["合户", "Merge into another household"],
  mergeHint: [
    "本户的全部积分和成员并入另一户,本户记为迁出。积分转移会记入账本。",
    "This household's whole balance and every member go to the other one, and this one moves away. The transfer is recorded.",
  ],
  mergeInto: ["并入的户号", "Household to join"],
  mergeDo: ["合户", "Merge"],
  mergeDone: ["已合户,积分和成员已转过去", "Merged: the points and members moved"],
  transferOnly: [
    "积分只能通过分户或合户在两户之间转移,其他转让一律不受理。",
    "Points pass between households only by a split or a merge; no other transfer is accepted.",
  ],
  collectorLabel: ["领取人", "Collected by"],
  pinResetLabel: ["密码重置", "PIN reset"],
  pinResetBy: [
    (staff) => `工作人员 ${staff} 在 24 小时内重设过本户密码`,
    (staff) => `Staff member ${staff} set this household's PIN within 24 hours`,
  ],
  kind_transferred: ["分户或合户转移", "Points moved by a split or merge"],
};
