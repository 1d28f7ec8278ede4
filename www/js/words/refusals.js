// The page words a refusal itself only where it knows more than the core —
// the goods' names, whether this was a redemption or a staff sign-in, the
// village's time, a form's field — or refuses before asking the core
// (i18n.js's errorText chooses among these words). Every other code shows
// the core's own `message` / `messageEn`. Figures come in already shown:
// amounts as points, times in the village's clock.
//
// This file: the refusals any screen may show, loaded with the page: a full
// or failing storage and a failure (a redemption's among them, which say
// plainly that no points were taken), bad input. Those of a visit's
// sign-in and basket are in refusals-visit.js, the staff's in
// refusals-staff.js, loaded with their screens; until they are, a refusal
// shows the core's words.

export default {
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
};
