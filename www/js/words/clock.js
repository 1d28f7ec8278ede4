// The words of the kiosk's clock on the staff home: the clock that moved
// more than a day, and the clock away from the county platform's.

export default {
  clockJumped: [
    (from, to) => `终端时钟与上一笔记录相差超过一天(上一笔:${from};现在:${to})。请先核对时钟:不对就把它调对;对的话由管理员确认。确认之前,评分入账和年底结账都会暂停。`,
    (from, to) => `The kiosk's clock moved more than a day since the last entry (last entry: ${from}; now: ${to}). Check the clock: if it is wrong, set it right; if it is right, an admin confirms it. Until then, applying scores and closing a year wait.`,
  ],
  clockJumpedAskAdmin: ["请管理员登录后确认时间。", "An admin signs in to confirm the time."],
  clockConfirm: ["时间正确,确认", "The time is right: confirm"],
  clockConfirmed: ["已确认时间,并记入账本。", "The time is confirmed and recorded in the journal."],
  clockPlatformOff: [
    (minutes) => `终端时钟与县平台相差约 ${minutes} 分钟(以上次上报时为准)。请把终端时钟调准。`,
    (minutes) => `The kiosk's clock is about ${minutes} minutes away from the county platform's (as of the last upload). Please set the kiosk's clock right.`,
  ],
};
