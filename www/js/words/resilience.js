// The words of a kiosk that recovers by itself: the first-run page of a
// kiosk whose storage is gone, and the staff home's warning when the
// browser may evict the storage. (The fatal screen's restart and the
// receipt never shown are home.js's, loaded with the page.)

export default {
  missingTitle: ["这台终端的记录不见了", "This kiosk's records are missing"],
  missingText: [
    (id, seq) => `这台电脑上曾经有终端 ${id} 的 ${seq} 条记录,现在存储是空的(可能被浏览器或清理软件删掉了)。请先把记录恢复回来,不要重新设置。`,
    (id, seq) => `This computer held ${seq} records of kiosk ${id}, and its storage is now empty (the browser or a cleaning tool may have deleted it). Bring the records back first; do not set it up again.`,
  ],
  missingRestore: ["从备份文件恢复", "Restore from a backup file"],
  missingNewAnyway: ["没有备份,当作新终端重新设置…", "No backup: set up as a new kiosk…"],
  missingNewConfirm: [
    "我明白:以前的记录和积分都不会回来",
    "I understand: the old records and points will not come back",
  ],
  missingNewConfirmDo: ["确认,重新设置", "Confirm and set up anew"],
  missingNewFirst: ["请先勾选上面的确认", "Tick the confirmation above first"],

  persistNotGranted: [
    "浏览器没有答应长期保存这台终端的记录,磁盘紧张时可能被删除。请经常备份,并把本站装成应用或加入书签。",
    "The browser did not grant lasting storage: it may delete this kiosk's records when the disk is full. Back up often, and install the site as an app or bookmark it.",
  ],
};
