// The words of the backup, restore and recovery screens.

export default {
  // The staff menu and the backup screen.
  backupMenu: ["备份", "Backup"],
  backupTitle: ["备份全部记录", "Back up every record"],
  backupText: [
    "把这台终端的全部记录存成一个文件,放到 U 盘里收好。电脑坏了、换了电脑,都能用它恢复。",
    "Saves every record of this kiosk to one file. Keep it on a USB stick: if this computer fails or is replaced, the kiosk comes back from it.",
  ],
  backupPins: ["带上密码", "Include PINs"],
  backupNoPins: ["不带密码(推荐)", "Without PINs (recommended)"],
  backupPinsWarn: [
    "带密码的备份文件里有各户和工作人员的密码(加密过的)。请只存在管理员保管的 U 盘上。",
    "A backup with PINs holds every household's and staff member's PIN (hashed). Keep it only on a USB stick the admin holds.",
  ],
  backupNoPinsHint: [
    "不带密码恢复时,管理员要设新密码,各户要由工作人员重新设置密码。",
    "Restored without PINs, an admin sets a new PIN and staff set each household's PIN again.",
  ],
  backupSave: ["保存备份文件", "Save the backup file"],
  backupSaved: [(name, n) => `已保存 ${name}(共 ${n} 条记录)`, (name, n) => `Saved ${name} (${n} records)`],
  backupStateHash: [(hash) => `状态校验码 ${hash}`, (hash) => `State hash ${hash}`],
  backupRestoreHint: [
    "恢复要在新的(空的)终端上做:第一次打开时选“从备份恢复”。",
    "A backup is restored onto a new, empty kiosk: choose “Restore from a backup” when it first opens.",
  ],

  // Restore onto an empty kiosk.
  restoreStart: ["从备份恢复", "Restore from a backup"],
  restoreTitle: ["从备份文件恢复", "Restore from a backup file"],
  restoreText: ["请插上存有备份文件的 U 盘,然后选择文件。", "Insert the USB stick with the backup file, then choose the file."],
  restoreChoose: ["选择备份文件", "Choose the backup file"],
  restoreReading: ["正在检查文件…", "Checking the file…"],
  restoreSummary: [
    (village, shop, n, time) => `${village} ${shop}:共 ${n} 条记录,备份于 ${time}`,
    (village, shop, n, time) => `${village}, ${shop}: ${n} records, backed up ${time}`,
  ],
  restoreOtherKiosk: [
    (found, here) => `这个备份属于终端 ${found},这里是 ${here}。点下面的按钮换到 ${found},再选一次文件。`,
    (found, here) => `This backup belongs to kiosk ${found}; this is ${here}. Tap below to switch to ${found}, then choose the file again.`,
  ],
  restoreSwitch: [(id) => `换到终端 ${id}`, (id) => `Switch to kiosk ${id}`],
  restoreAdmin: ["管理员", "Admin"],
  restoreNewPin: [(min, max) => `新密码(${min} 到 ${max} 位数字)`, (min, max) => `New PIN (${min} to ${max} digits)`],
  restoreDo: ["恢复", "Restore"],
  restoreDone: ["已经恢复,可以照常使用了", "Restored: the kiosk works as usual"],
  restoreNeedPin: [(min, max) => `请给管理员设 ${min} 到 ${max} 位数字的新密码`, (min, max) => `Give the admin a new PIN of ${min} to ${max} digits`],
  restoreAuthText: [
    "恢复要证明是本村允许的:输入建村时打印的 12 位恢复码,或备份里一位管理员的密码。",
    "A restore must show the village allows it: enter the 12-digit recovery code printed at set-up, or the PIN of an admin in the backup.",
  ],
  restoreNoPinsCode: [
    "这个备份没有密码:要输入恢复码,并选一位管理员给他设新密码。各户的密码之后由工作人员重新设置。",
    "This backup has no PINs: enter the recovery code, and choose an admin and give them a new PIN. Staff set each household's PIN again afterwards.",
  ],
  restoreCode: ["恢复码(12 位数字)", "Recovery code (12 digits)"],
  restoreAdminPin: ["这位管理员的密码", "This admin's PIN"],
  restoreNeedAuth: ["请输入 12 位恢复码,或管理员的密码", "Enter the 12-digit recovery code, or the admin's PIN"],
  restoreNeedCode: ["这个备份没有密码,要输入 12 位恢复码", "This backup has no PINs: enter the 12-digit recovery code"],
  restorePlatformAsking: ["正在向县级平台核对这个备份是不是最新的…", "Asking the county platform whether this backup is the latest…"],
  restorePlatformLater: [
    (n, m) => `这个备份只到第 ${n} 条记录,县级平台已经有到第 ${m} 条。用这个备份恢复,第 ${n} 条以后的记录就没有了,县里会看到两份不同的记录(分叉)。请先从县级平台恢复(向县里要恢复码)。`,
    (n, m) => `This backup ends at record ${n}; the county platform holds up to record ${m}. Restoring this backup loses every record after ${n}, and the county will see two different histories (a fork). Restore from the county platform first (ask the county for a restore code).`,
  ],
  restorePlatformSame: [
    (n, m) => `已核对:这个备份到第 ${n} 条记录,县级平台有到第 ${m} 条,备份不比平台旧。`,
    (n, m) => `Checked: this backup reaches record ${n}; the county platform holds up to record ${m}, so the backup is not older.`,
  ],
  restorePlatformUnreachable: [
    "连不上县级平台,没法核对这个备份是不是最新的。可以照常用备份恢复。",
    "The county platform cannot be reached, so whether this backup is the latest is unknown. The restore can go on as usual.",
  ],
  restorePlatformUse: ["从县级平台恢复(推荐)", "Restore from the county platform (recommended)"],
  restoreOlderNeedCode: [
    "仍要用这个较旧的备份恢复,要输入 12 位恢复码",
    "To restore this older backup anyway, enter the 12-digit recovery code",
  ],

  // Recovery from damaged storage.
  damagedTitle: ["存储的记录损坏了", "Stored records are damaged"],
  damagedText: [
    (seq) => `第 ${seq} 条记录读不出来或被改动了。现在不能兑换。前面的记录都完好。请积分专员或管理员按下面的步骤处理。`,
    (seq) => `Record ${seq} cannot be read or was changed. No redemption for now. The records before it are intact. A clerk or admin, please follow the steps below.`,
  ],
  damagedWho: ["工作人员", "Staff"],
  damagedStaffId: ["工作人员编号", "Staff id"],
  damagedPin: ["密码", "PIN"],
  damagedStep1: ["第一步:先把完好的记录存到 U 盘", "Step 1: save the intact records to a USB stick"],
  damagedStep1Do: ["保存完好的记录", "Save the intact records"],
  damagedStep2: ["第二步:用最近的备份恢复(管理员)", "Step 2: restore from the latest backup (admin)"],
  damagedStep2Text: [
    "选最近的备份文件。备份之后、损坏之前的记录会自动接上。",
    "Choose the latest backup file. Records made after it that are still intact are added back.",
  ],
  damagedStep3: ["最后的办法:从损坏处重新开始(管理员)", "Last resort: restart after the damage (admin)"],
  damagedStep3Text: [
    "没有备份时才用。损坏处以后的记录会丢失,终端记下丢了哪些,并打印一份报告。请按报告把丢失的积分和兑换重新补录。",
    "Only without a backup. Records from the damage on are lost; the kiosk records which, and prints a report. Re-enter the lost points and redemptions from the report.",
  ],
  damagedStep3Confirm: ["我明白会丢失记录", "I understand records will be lost"],
  damagedStep3Do: ["重新开始并打印报告", "Restart and print the report"],
  damagedDone: ["已经恢复,可以照常兑换了", "Recovered: redemptions work again"],
  damagedReportTitle: ["存储恢复报告", "Storage recovery report"],
  damagedReportKiosk: [(id) => `终端 ${id}`, (id) => `Kiosk ${id}`],
  damagedReportBy: [(staff, time) => `${staff} 于 ${time} 处理`, (staff, time) => `By ${staff} at ${time}`],
  damagedReportBackup: [(seq) => `从备份恢复(备份到第 ${seq} 条)`, (seq) => `Restored from a backup (through record ${seq})`],
  damagedReportPrefix: ["从完好的记录重新开始", "Restarted from the intact records"],
  damagedReportReapplied: [(n) => `接回备份后的记录 ${n} 条`, (n) => `${n} later records added back`],
  damagedReportNothingLost: ["没有丢失记录", "No record was lost"],
  damagedReportLost: [(from, to) => `丢失第 ${from} 至 ${to} 条记录`, (from, to) => `Records ${from} to ${to} are lost`],
  damagedReportBadHash: [(hash) => `损坏记录的校验码 ${hash}`, (hash) => `Hash of the damaged record ${hash}`],
  damagedReportLostList: ["丢失的记录(能读出的部分,请据此补录)", "Lost records (as far as they can be read; re-enter from these)"],
  damagedReportNow: [(seq, hash) => `现在共 ${seq} 条记录,状态校验码 ${hash}`, (seq, hash) => `Now ${seq} records, state hash ${hash}`],
  damagedPrint: ["打印报告", "Print the report"],
  damagedHome: ["回到首页", "Back to home"],
  damagedFillStaff: ["请填工作人员编号和密码", "Enter the staff id and PIN"],

  // The printed one-time recovery code (staff/print.js).
  recoveryNote: ["终端恢复码", "Recovery code"],
  recoveryNoteText: [
    "管理员忘记密码时,用这个恢复码设置新密码。只能用一次,用过后请马上生成新的恢复码。请锁好保管,不要给别人看。",
    "Recovery code for a forgotten admin PIN. One use only. Keep it locked away.",
  ],
};
