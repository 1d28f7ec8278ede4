// The words of the upload to the county platform: the enrollment form in
// Village settings, the status on the staff home and the export screen.

/** "5 分钟" / "5 min": a duration, rounded down to what a person reads. */
function spanZh(ms) {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return "不到 1 分钟";
  if (minutes < 60) return `${minutes} 分钟`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} 小时`;
  return `${Math.floor(hours / 24)} 天`;
}

function spanEn(ms) {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

export default {
  platformTitle: ["县级平台", "County platform"],
  platformConnected: [(url) => `已连接县级平台 ${url}`, (url) => `Connected to the county platform ${url}`],
  platformNotConnected: ["没有连接县级平台:记录只在本机和 U 盘里", "Not connected to a county platform: the records are only here and on USB sticks"],
  platformWaiting: [(n) => `等待上传 ${n} 条`, (n) => `${n} waiting to upload`],
  platformOldest: [(ms) => `最早的一条已等 ${spanZh(ms)}`, (ms) => `the oldest has waited ${spanEn(ms)}`],
  platformLastSuccess: [(ms) => `上次上传成功:${spanZh(ms)}前`, (ms) => `Last upload: ${spanEn(ms)} ago`],
  platformNeverSucceeded: ["还没有上传成功过", "No upload has succeeded yet"],
  platformLastError: [(text) => `上次没有成功:${text}`, (text) => `Last attempt failed: ${text}`],
  platformNeedsUpdate: ["县级平台的程序需要更新(不是这台终端的问题),更新后会接着上传", "The county platform needs updating (not a fault of this kiosk); uploading continues once it is"],
  platformAlertTitle: [(seq) => `上传已停止:第 ${seq} 条记录有冲突`, (seq) => `Uploading stopped: a conflict at record ${seq}`],
  platformAlertRefusedTitle: ["上传已停止:县级平台拒收", "Uploading stopped: refused by the county platform"],
  platformAlertCounty: [
    "要由县里处理(aixin-platform kiosk resolve)。处理好以后,用县里给的新登记码在村设置里重新登记。",
    "The county must settle it (aixin-platform kiosk resolve). Then enrol again in Village settings with a new code from the county.",
  ],
  platformUploadNow: ["现在上传", "Upload now"],
  // The enrollment form (Village settings, admin).
  platformEnrollTitle: ["连接县级平台", "Connect to the county platform"],
  platformEnrollHint: [
    "县里用 aixin-platform kiosk add 给出终端编号和一次性登记码。填好后,这台终端会自己定时上传记录。",
    "The county gives the kiosk's id and a one-time code (aixin-platform kiosk add). Once enrolled, the kiosk uploads its records by itself.",
  ],
  platformAllowedOnly: [(origin) => `这个页面只能连接 ${origin}`, (origin) => `This page may reach only ${origin}`],
  platformLoopbackOnly: [
    "这个页面没有配置平台地址,只能连接本机的平台(http://127.0.0.1 或 http://localhost)",
    "No platform is configured for this page: only one on this PC (http://127.0.0.1 or http://localhost)",
  ],
  platformUrl: ["平台地址", "Platform address"],
  platformCountyId: ["县里给的终端编号", "The county's kiosk id"],
  platformCode: ["登记码", "Enrollment code"],
  platformEnroll: ["登记", "Enrol"],
  platformEnrolled: [(id) => `已登记为 ${id},开始上传`, (id) => `Enrolled as ${id}; uploading starts`],
  platformFill: ["请填平台地址、终端编号和登记码", "Fill in the platform address, the kiosk id and the code"],
};
