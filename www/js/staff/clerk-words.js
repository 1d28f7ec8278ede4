// The clerk's screens' words (imports, reconciling, exports, the verifier,
// the storage gauge) in Chinese and English, added to the page's word table
// when this module loads.
import { WORDS } from "../i18n.js";

export const CLERK_WORDS = {
  // The menu.
  menuClerkGroup: ["积分和上传", "Points and uploads"],
  menuImportHouseholds: ["导入住户", "Import households"],
  menuImportCredits: ["导入积分", "Import points"],
  menuReconcile: ["核对余额", "Reconcile balances"],
  menuExport: ["导出上传", "Export for upload"],
  menuVerify: ["核验批次", "Verify batches"],

  // Choosing and reading a file.
  importStepFile: ["第一步:选择文件", "Step 1: choose the file"],
  importStepPreview: ["第二步:看清楚再导入", "Step 2: check, then import"],
  chooseFile: ["选择文件", "Choose a file"],
  chooseAnother: ["换一个文件", "Choose another file"],
  downloadTemplate: ["下载空白模板", "Download a blank template"],
  importFileHint: [
    "Excel 存的 CSV 或“Unicode 文本”都可以:GBK、UTF-8、UTF-16。表头中文英文都行。",
    "CSV or “Unicode text” as Excel saves it: GBK, UTF-8 or UTF-16. Chinese or English headers.",
  ],
  balancesFileHint: [
    "积分管理平台导出的余额表:户号和余额两列,户主可有可无。",
    "The points platform's balance list: code and balance columns; a name column is optional.",
  ],
  fileRead: [(name, encoding) => `文件 ${name},按 ${encoding} 编码读取`, (name, encoding) => `File ${name}, read as ${encoding}`],
  fileNotText: [
    "这个文件读不出文字:不是 GBK、UTF-8 或 UTF-16 的表格。请在 Excel 里另存为 CSV 再试。",
    "This file is not text in GBK, UTF-8 or UTF-16. Save it from Excel as CSV and try again.",
  ],
  fileTooBig: [(mb) => `文件太大了(最多 ${mb} MB)`, (mb) => `The file is too big (at most ${mb} MB)`],
  templateSaved: [(name) => `模板已下载:${name}`, (name) => `Template downloaded: ${name}`],

  // The refusal.
  importRefusedTitle: [(n) => `有 ${n} 处不对,什么都没有导入`, (n) => `${n} problem(s): nothing was imported`],
  importRefusedHint: [
    "请在 Excel 里按下面的行和列改好,保存后再选择文件。",
    "Fix the rows and columns below in Excel, save, and choose the file again.",
  ],
  colLine: ["行", "Line"],
  colColumn: ["列", "Column"],
  colValue: ["内容", "Value"],
  colProblem: ["问题", "Problem"],
  badRowAt: [(line, column) => `第 ${line} 行${column ? `「${column}」列` : ""}`, (line, column) => `line ${line}${column ? `, column “${column}”` : ""}`],

  // The preview.
  factRows: ["行数", "Rows"],
  factHouseholds: ["户数", "Households"],
  factTotalPoints: ["积分合计", "Total points"],
  factNew: ["新的", "New"],
  factChanged: ["有改动", "Changed"],
  factAlready: ["已导入过", "Already imported"],
  factConflicts: ["和已入账的不同", "Differ from credited"],
  factNewPoints: ["这次入账", "Credited now"],
  factPins: ["设初始密码", "Initial PINs"],
  codesPadded: [
    (n, width) => `有 ${n} 个户号被 Excel 去掉了开头的 0,已按户号位数 ${width} 补齐(见每行备注)。`,
    (n, width) => `Excel dropped the leading zeros of ${n} code(s); padded to the village's code width ${width} (see the notes).`,
  ],
  ignoredColumns: [(list) => `不认识的列没有导入:${list}`, (list) => `Columns not imported: ${list}`],
  nothingToDo: ["这些都已经导入过了,不用再导入。", "All of this is imported already: nothing to do."],
  colCode: ["户号", "Code"],
  colName: ["户主", "Name"],
  colPoints: ["积分", "Points"],
  colPeriod: ["期间", "Period"],
  colOutcome: ["会怎样", "What happens"],
  badRowsTitle: ["要改的地方", "What to fix"],
  colNotes: ["备注", "Notes"],
  row_new: ["新增", "New"],
  row_changed: ["修改", "Changed"],
  row_already_imported: ["已导入过", "Already imported"],
  row_conflict: ["和已入账不同", "Differs"],
  row_skipped: ["跳过", "Skipped"],
  conflictWas: [(amount) => `已入账 ${amount}`, (amount) => `credited ${amount}`],
  rowsShown: [(shown, all) => `显示前 ${shown} 行,共 ${all} 行`, (shown, all) => `The first ${shown} of ${all} rows`],
  conflictsTitle: [(n) => `有 ${n} 笔和已入账的积分不同`, (n) => `${n} credit(s) differ from what was credited`],
  conflictsHint: [
    "只有写明原因,才会按文件的数额记一笔更正;不写原因就不能导入。",
    "They are applied only as a correction with a reason; without one the file is not imported.",
  ],
  correctionReason: ["更正原因", "Reason for the correction"],
  applyImport: [(n) => `导入(${n} 条)`, (n) => `Import (${n})`],
  applyWithCorrections: ["导入并更正", "Import with corrections"],
  importDone: [(n) => `已导入,记了 ${n} 条`, (n) => `Imported: ${n} entries`],
  importNothing: ["没有新的内容,什么都没记", "Nothing new: nothing recorded"],

  // Reconciling.
  reconcileTitle: ["和平台余额核对", "Reconcile with the platform"],
  reconcileAllAgree: ["每一户的余额都和平台一致。", "Every household's balance agrees with the platform."],
  reconcileSummary: [
    (differ, unexplained) => `${differ} 户不一致,其中 ${unexplained} 户不能用上次上传以后的记录解释`,
    (differ, unexplained) => `${differ} household(s) differ; ${unexplained} not explained by the entries since the last upload`,
  ],
  reconcileTotals: [(kiosk, platform) => `终端合计 ${kiosk},平台合计 ${platform}`, (kiosk, platform) => `Kiosk total ${kiosk}, platform total ${platform}`],
  colKiosk: ["终端", "Kiosk"],
  colPlatform: ["平台", "Platform"],
  colDifference: ["相差", "Difference"],
  colExplained: ["上次上传以后的记录", "Entries since the last upload"],
  colUnexplained: ["没解释的", "Unexplained"],
  notInKiosk: ["终端里没有", "Not in the kiosk"],
  notOnPlatform: ["平台表里没有", "Not in the list"],
  agrees: ["一致", "Agrees"],
  entriesMore: [(n) => `共 ${n} 条,最近的几条:`, (n) => `${n} entries; the latest:`],
  entryLine: [(seq, change, note) => `第 ${seq} 条 ${change}${note ? ` ${note}` : ""}`, (seq, change, note) => `#${seq} ${change}${note ? ` ${note}` : ""}`],

  // Exporting.
  exportRange: ["导出哪些记录", "Which entries"],
  range_since: ["上次上传以后的", "Since the last upload"],
  range_seqs: ["指定序号", "A range of seqs"],
  range_all: ["全部", "Everything"],
  rangeSince: [(from, to) => `第 ${from} 到第 ${to} 条`, (from, to) => `Entries ${from} to ${to}`],
  rangeSinceNone: ["上次上传以后没有新的记录", "Nothing new since the last upload"],
  lastUpload: [(seq) => `上次上传到第 ${seq} 条`, (seq) => `Last upload: through entry ${seq}`],
  neverUploaded: ["还没有上传过", "Never uploaded yet"],
  seqFrom: ["从第几条", "From entry"],
  seqTo: ["到第几条", "To entry"],
  seqsFirst: ["请先填从第几条到第几条", "Please fill in from which entry to which"],
  exportFiles: [
    "会导出四个文件:redemptions.csv、ledger.csv(Excel 可以打开)、journal.ndjson、manifest.json。",
    "Four files: redemptions.csv and ledger.csv (for Excel), journal.ndjson, manifest.json.",
  ],
  saveToFolder: ["保存到U盘文件夹", "Save to a USB folder"],
  saveAsZip: ["下载压缩包", "Download as a zip"],
  exportSaved: [(where) => `已保存:${where}`, (where) => `Saved: ${where}`],
  exportCancelled: ["没有选择文件夹,什么都没保存", "No folder chosen: nothing saved"],
  exportBatchLine: [(from, to, n) => `批次:第 ${from} 到第 ${to} 条,共 ${n} 条`, (from, to, n) => `Batch: entries ${from} to ${to}, ${n} in all`],
  markUploadedTitle: ["上传以后", "After uploading"],
  markUploadedHint: [
    "文件传到积分管理平台以后再点。只有这样,“上次上传以后”才会往后移。",
    "Tap once the files are on the points platform. Only then does “since the last upload” move on.",
  ],
  markUploaded: [(to) => `已上传到第 ${to} 条`, (to) => `Uploaded through entry ${to}`],
  markedUploaded: [(to) => `已记下:上传到第 ${to} 条`, (to) => `Recorded: uploaded through entry ${to}`],
  notMarkable: [
    "只能把导出到最新一条的批次标记为已上传。请导出“上次上传以后的”,再标记。",
    "Only a batch that reaches the latest entry can be marked uploaded: export “since the last upload”, then mark it.",
  ],

  // The verifier.
  verifyHint: [
    "选择导出的文件夹(可以一次选几个批次)、压缩包,或一个批次的四个文件。和 aixin-verify 命令做同样的检查。",
    "Choose an exported folder (several batches at once), a zip, or one batch's four files. The same check as the aixin-verify command.",
  ],
  chooseFolder: ["选择文件夹", "Choose a folder"],
  chooseBatchFiles: ["选择文件或压缩包", "Choose files or a zip"],
  verifyNone: ["没有找到批次文件(manifest.json)", "No batch found (manifest.json)"],
  verifyOk: [(n) => `${n} 个批次都完整:文件、哈希链都对`, (n) => `All ${n} batch(es) intact: files and hash chain`],
  verifyFailed: [(n) => `${n} 个批次没通过`, (n) => `${n} batch(es) failed`],
  batchOk: [(from, to) => `通过:第 ${from} 到第 ${to} 条`, (from, to) => `OK: entries ${from} to ${to}`],
  batchFailed: ["没通过", "Failed"],
  batchNotAnchored: [
    "未能接续:此批不从第 1 条开始,也没有前一批。它本身完整,但不能说明它是这台终端的记录;请连同前面的批次一起核对。",
    "Not anchored: this batch does not start at entry 1 and the batch before it was not given. It is whole in itself, but nothing shows it is this kiosk's history; check it together with the batches before it.",
  ],
  colBatch: ["批次", "Batch"],
  colFile: ["文件", "File"],
  zipBad: ["这个压缩包打不开", "This zip cannot be opened"],

  // The storage gauge.
  storageTitle: ["存储空间", "Storage"],
  storageJournal: ["账本", "Journal"],
  storageJournalValue: [(n, size) => `${n} 条,${size}`, (n, size) => `${n} entries, ${size}`],
  storageUsed: ["浏览器已用", "Browser storage used"],
  storageUsedValue: [(used, quota, percent) => `${used} / ${quota}(${percent}%)`, (used, quota, percent) => `${used} of ${quota} (${percent}%)`],
  storageUnknown: ["浏览器没有告诉", "Not reported by the browser"],
  storagePersisted: ["长期保存", "Kept for good"],
  persistedYes: ["是", "Yes"],
  persistedNo: ["否", "No"],
  persistedNoHint: [
    "浏览器没有答应长期保存:空间不够时可能清除这里的数据。请常备份、常上传。",
    "The browser has not promised to keep the data: it may clear it when short of space. Back up and upload often.",
  ],
  storageWarn: [
    (percent) => `存储空间已用 ${percent}%,快满了。请导出上传,并请管理员清理这台电脑的空间。`,
    (percent) => `Storage is ${percent}% full. Export and upload, and ask the admin to free space on this computer.`,
  ],
  storageOk: ["空间够用", "Enough space"],
};

for (const [key, value] of Object.entries(CLERK_WORDS)) {
  if (!(key in WORDS)) WORDS[key] = value;
}
