// The words of restoring a kiosk from the county platform and of the
// credits that come down from it.

export default {
  platformRestoreStart: ["从县级平台恢复", "Restore from the platform"],
  platformRestoreTitle: ["从县级平台恢复这台终端", "Restore this kiosk from the county platform"],
  platformRestoreText: [
    "终端坏了或记录被删了:请县里打印一个恢复码,填上平台地址、县里给的终端编号和恢复码。终端会从平台取回全部记录,自己核对后接着用。",
    "The kiosk failed or its records were deleted: ask the county for a restore code, then give the platform address, the county's kiosk id and the code. The kiosk takes every record back from the platform, checks them itself, and carries on.",
  ],
  platformRestoreCode: ["恢复码", "Restore code"],
  platformRestorePinsTitle: ["密码(平台上没有密码)", "PINs (the platform holds none)"],
  platformRestorePinsText: [
    "如果有这台终端带密码的备份文件(旧的也行),选上它,各户和工作人员的密码就能接着用。没有的话,请给一位管理员设新密码,其他人的密码由工作人员重新设置。",
    "If you have a backup of this kiosk made with PINs (an old one will do), choose it and PINs carry on. Without one, give an admin a new PIN; staff set everyone else's PIN again.",
  ],
  platformRestoreBackup: ["选带密码的备份文件(可不选)", "Choose a backup with PINs (optional)"],
  platformRestoreBackupChosen: [(n) => `已选备份文件(${n} 条记录)`, (n) => `Backup chosen (${n} records)`],
  platformRestoreAdmin: ["管理员编号", "Admin id"],
  platformRestoreNewPin: [(min, max) => `管理员的新密码(${min} 到 ${max} 位数字)`, (min, max) => `The admin's new PIN (${min} to ${max} digits)`],
  platformRestoreFill: ["请填平台地址、终端编号和恢复码", "Give the platform address, the kiosk id and the restore code"],
  platformRestoreNeedPin: [
    (min, max) => `没有选带密码的备份文件时,要给管理员设一个 ${min} 到 ${max} 位数字的新密码`,
    (min, max) => `Without a backup with PINs, give the admin a new PIN of ${min} to ${max} digits`,
  ],
  platformRestoreWorking: ["正在从平台取回记录并核对…", "Taking the records back from the platform and checking them…"],
  platformRestoreDone: [
    (seq) => `已从平台恢复 ${seq} 条记录,终端又连上了平台。`,
    (seq) => `${seq} records restored from the platform; the kiosk is enrolled again.`,
  ],
  platformRestoreStateHash: [(hash) => `状态校验码 ${hash}`, (hash) => `State hash ${hash}`],
  platformRestoreNeedsPin: [
    (n) => `这 ${n} 位还没有密码,请工作人员帮他们重新设置:`,
    (n) => `These ${n} have no PIN yet; staff set one for each:`,
  ],
  platformRestoreAllPins: ["每一位都有密码,可以照常使用。", "Everyone has a PIN; the kiosk works as before."],
  platformRestoreStaff: ["工作人员", "Staff"],
  platformRestoreHousehold: ["住户", "Household"],
  platformRestoreOpen: ["开始使用", "Start using the kiosk"],

  platformCreditsUnapplied: [
    (n) => `县级平台发来 ${n} 笔积分,这台终端入不了账(多半是没有这一户),请和县里核对:`,
    (n) => `The county platform sent ${n} credit(s) this kiosk cannot enter (most likely an unknown household); check them with the county:`,
  ],
  platformCreditsLine: [
    (household, period, source, amount) => `${household} ${period} ${source} ${amount} 分`,
    (household, period, source, amount) => `${household} ${period} ${source} ${amount} points`,
  ],
};
