//! The refusals: every way an operation can be turned down, each with a
//! stable code the page switches on, the figures a person needs, and a
//! message in Chinese (shown first) and English.
//!
//! These are operating errors — a wrong PIN, too few points, a full disk —
//! returned as values and handled every time. They never carry a stack or a
//! debug dump; the messages are written for a villager or a clerk.

use crate::ledger::QUANTITY_MAX;
use crate::points::Points;
use std::fmt;

/// A figure attached to a refusal: a number for the page to format (a time in
/// milliseconds, a count) or a text (an amount as `12.50`, a code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Figure {
    Number(i64),
    Text(String),
}

/// Why an operation was refused. The variant is the stable code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    InsufficientPoints {
        needed: Points,
        available: Points,
    },
    OutOfStock {
        sku: String,
        needed: i64,
        available: i64,
    },
    WrongPin {
        attempts_left: u32,
    },
    LockedOut {
        locked_until_ms: i64,
    },
    NoPin {
        household: String,
    },
    SessionExpired,
    UnknownHousehold {
        household: String,
    },
    Suspended {
        household: String,
    },
    MovedAway {
        household: String,
    },
    NegativeBalance {
        balance: Points,
    },
    UnknownItem {
        sku: String,
    },
    InactiveItem {
        sku: String,
    },
    BadQuantity {
        sku: String,
        quantity: i64,
    },
    EmptyBasket,
    TooManyLines {
        lines_max: usize,
    },
    Busy,
    LimitReached {
        what: &'static str,
        limit: i64,
    },
    /// No live staff session: none given, signed out, or ended after the
    /// idle time. The page asks for the staff PIN (`reason: "expired"`).
    /// The ledger answers this for a role that does not cover the act as
    /// well; the binding, which knows the session the call named, tells the
    /// two apart and answers [`Error::StaffRoleRefused`] for a live one.
    StaffAuthRequired,
    /// `STAFF_AUTH_REQUIRED` for a live staff session whose role does not
    /// cover the act (`reason: "role"`): signing in again would not help,
    /// so the page says so instead of asking for the PIN.
    StaffRoleRefused,
    /// A field of the input is not acceptable; `field` names it, `detail`
    /// says why in English, `detail_zh` in Chinese. `detail_code` is the
    /// precise code where the input was read by a typed parser (an amount:
    /// `AMOUNT_TOO_MANY_DECIMALS` …), so the page may switch on it.
    InvalidInput {
        field: String,
        detail_zh: String,
        detail: String,
        detail_code: Option<&'static str>,
    },
    AlreadyExists {
        what: &'static str,
        key: String,
    },
    UnknownReceipt {
        receipt: String,
    },
    AlreadyVoided {
        receipt: String,
    },
    NotEmpty,
    WrongKiosk {
        expected: String,
        found: String,
    },
    ReadOnly {
        reason: &'static str,
    },
    YearClosed {
        year: i32,
    },
    StorageCorrupt {
        seq: u64,
        detail: String,
    },
    StorageFull,
    StorageFailed {
        detail: String,
    },
    /// The core found its own state inconsistent: a defect, never input's fault.
    Internal {
        detail: String,
    },
    /// A score sheet applied before its posting (公示) is over.
    PostingNotOver {
        period: String,
        until_ms: i64,
    },
    /// The kiosk's clock jumped more than a day since the last entry and no
    /// staff member has confirmed it: what counts days or reads the
    /// calendar waits ([`crate::clock`]).
    ClockUnconfirmed,
    /// A score sheet applied while objections (异议) to it are pending
    /// ("公示无异议后"): `households` are the codes they concern.
    ObjectionPending {
        period: String,
        households: Vec<String>,
    },
    /// A blacklisted household, where the village does not let it redeem.
    Blacklisted {
        household: String,
    },
    /// A backup file that is not whole and intact: `line` is the first bad
    /// line (1 is the header), `detail_zh`/`detail` say what is wrong there.
    BackupInvalid {
        line: u64,
        detail_zh: String,
        detail: String,
    },
    /// A platform address this page may not reach: not the origin the page
    /// was built for (`allowed`), or, with none, not a loopback one.
    PlatformOriginNotAllowed {
        origin: String,
        allowed: Option<String>,
    },
    /// The kiosk is not enrolled with the county platform.
    PlatformNotEnrolled,
    /// No answer from the platform: no network, refused, or not allowed by
    /// the browser (CORS, the page's CSP).
    PlatformUnreachable {
        detail: String,
    },
    /// The platform turned the enrollment code down: wrong, used or expired.
    EnrollCodeInvalid,
    /// The platform holds this county id for another kiosk's journal.
    GenesisMismatch,
    /// The platform turned a restore code down: wrong, used or expired.
    RestoreCodeInvalid,
    /// The platform holds no entries for this county id: nothing to restore.
    PlatformNothingToRestore,
    /// The journal the platform sent for a restore fails the kiosk's own
    /// verification (the chain, the fold, or its head) at `seq`.
    PlatformJournalRefused {
        seq: u64,
        detail: String,
    },
    /// The platform holds less than the upload follows from: it has
    /// entries up to `head_seq` only.
    PlatformGap {
        head_seq: u64,
    },
    /// The platform holds another entry at `seq`: two journals claim to be
    /// this kiosk. The county settles it; uploading stops until then.
    PlatformFork {
        seq: u64,
        platform_hash: String,
        kiosk_hash: String,
    },
    /// The platform refused the upload (an entry that could not have
    /// happened, a broken chain): at `seq` or at `line` of the body.
    PlatformRefused {
        seq: Option<u64>,
        line: Option<u64>,
        reason: String,
    },
    /// The platform does not know an entry kind of this kiosk: it needs
    /// updating (not a refusal of the kiosk).
    PlatformTooOld {
        seq: Option<u64>,
        reason: String,
    },
    /// The platform does not accept the kiosk's token (revoked by a newer
    /// enrollment, or never valid).
    PlatformUnauthorized,
    /// The upload was larger than the platform takes.
    PlatformTooLarge,
    /// The platform asked to wait `retry_after_ms` before the next upload.
    PlatformBusy {
        retry_after_ms: i64,
    },
    /// The platform answered something the kiosk cannot read.
    PlatformAnswerInvalid {
        detail: String,
    },
    /// A restore without the recovery code or the PIN of an admin the
    /// backup carries. `county`: the backup has neither a recovery code nor
    /// PINs (format 1), so only the county's restore code could allow it.
    RestoreAuthRequired {
        county: bool,
    },
    /// The two-person rule: this act needs a second staff member's
    /// `coSign`. `reason` names which rule (`credit_over_day_limit`,
    /// `old_void`, `import`).
    SecondStaffRequired {
        reason: &'static str,
    },
}

impl Error {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        use Error::*;
        match self {
            InsufficientPoints { .. } => "INSUFFICIENT_POINTS",
            OutOfStock { .. } => "OUT_OF_STOCK",
            WrongPin { .. } => "WRONG_PIN",
            LockedOut { .. } => "LOCKED_OUT",
            NoPin { .. } => "NO_PIN",
            SessionExpired => "SESSION_EXPIRED",
            UnknownHousehold { .. } => "UNKNOWN_HOUSEHOLD",
            Suspended { .. } => "SUSPENDED",
            MovedAway { .. } => "MOVED_AWAY",
            NegativeBalance { .. } => "NEGATIVE_BALANCE",
            UnknownItem { .. } => "UNKNOWN_ITEM",
            InactiveItem { .. } => "INACTIVE_ITEM",
            BadQuantity { .. } => "BAD_QUANTITY",
            EmptyBasket => "EMPTY_BASKET",
            TooManyLines { .. } => "TOO_MANY_LINES",
            Busy => "BUSY",
            LimitReached { .. } => "LIMIT_REACHED",
            StaffAuthRequired | StaffRoleRefused => "STAFF_AUTH_REQUIRED",
            InvalidInput { .. } => "INVALID_INPUT",
            AlreadyExists { .. } => "ALREADY_EXISTS",
            UnknownReceipt { .. } => "UNKNOWN_RECEIPT",
            AlreadyVoided { .. } => "ALREADY_VOIDED",
            NotEmpty => "NOT_EMPTY",
            WrongKiosk { .. } => "WRONG_KIOSK",
            ReadOnly { .. } => "READ_ONLY",
            YearClosed { .. } => "YEAR_CLOSED",
            StorageCorrupt { .. } => "STORAGE_CORRUPT",
            StorageFull => "STORAGE_FULL",
            StorageFailed { .. } => "STORAGE_FAILED",
            Internal { .. } => "INTERNAL",
            PostingNotOver { .. } => "POSTING_NOT_OVER",
            ClockUnconfirmed => "CLOCK_UNCONFIRMED",
            ObjectionPending { .. } => "OBJECTION_PENDING",
            Blacklisted { .. } => "BLACKLISTED",
            BackupInvalid { .. } => "BACKUP_INVALID",
            PlatformOriginNotAllowed { .. } => "PLATFORM_ORIGIN_NOT_ALLOWED",
            PlatformNotEnrolled => "PLATFORM_NOT_ENROLLED",
            PlatformUnreachable { .. } => "PLATFORM_UNREACHABLE",
            EnrollCodeInvalid => "ENROLL_CODE_INVALID",
            GenesisMismatch => "GENESIS_MISMATCH",
            RestoreCodeInvalid => "RESTORE_CODE_INVALID",
            PlatformNothingToRestore => "PLATFORM_NOTHING_TO_RESTORE",
            PlatformJournalRefused { .. } => "PLATFORM_JOURNAL_REFUSED",
            PlatformGap { .. } => "PLATFORM_GAP",
            PlatformFork { .. } => "PLATFORM_FORK",
            PlatformRefused { .. } => "PLATFORM_REFUSED",
            PlatformTooOld { .. } => "PLATFORM_TOO_OLD",
            PlatformUnauthorized => "PLATFORM_UNAUTHORIZED",
            PlatformTooLarge => "PLATFORM_TOO_LARGE",
            PlatformBusy { .. } => "PLATFORM_BUSY",
            PlatformAnswerInvalid { .. } => "PLATFORM_ANSWER_INVALID",
            RestoreAuthRequired { .. } => "RESTORE_AUTH_REQUIRED",
            SecondStaffRequired { .. } => "SECOND_STAFF_REQUIRED",
        }
    }

    /// Every stable code, for documentation and for the page's message table
    /// test.
    pub const CODES: [&'static str; 53] = [
        "INSUFFICIENT_POINTS",
        "OUT_OF_STOCK",
        "WRONG_PIN",
        "LOCKED_OUT",
        "NO_PIN",
        "SESSION_EXPIRED",
        "UNKNOWN_HOUSEHOLD",
        "SUSPENDED",
        "MOVED_AWAY",
        "NEGATIVE_BALANCE",
        "UNKNOWN_ITEM",
        "INACTIVE_ITEM",
        "BAD_QUANTITY",
        "EMPTY_BASKET",
        "TOO_MANY_LINES",
        "BUSY",
        "LIMIT_REACHED",
        "STAFF_AUTH_REQUIRED",
        "INVALID_INPUT",
        "ALREADY_EXISTS",
        "UNKNOWN_RECEIPT",
        "ALREADY_VOIDED",
        "NOT_EMPTY",
        "WRONG_KIOSK",
        "READ_ONLY",
        "YEAR_CLOSED",
        "STORAGE_CORRUPT",
        "STORAGE_FULL",
        "STORAGE_FAILED",
        "INTERNAL",
        "POSTING_NOT_OVER",
        "CLOCK_UNCONFIRMED",
        "OBJECTION_PENDING",
        "BLACKLISTED",
        "BACKUP_INVALID",
        "PLATFORM_ORIGIN_NOT_ALLOWED",
        "PLATFORM_NOT_ENROLLED",
        "PLATFORM_UNREACHABLE",
        "ENROLL_CODE_INVALID",
        "GENESIS_MISMATCH",
        "RESTORE_CODE_INVALID",
        "PLATFORM_NOTHING_TO_RESTORE",
        "PLATFORM_JOURNAL_REFUSED",
        "PLATFORM_GAP",
        "PLATFORM_FORK",
        "PLATFORM_REFUSED",
        "PLATFORM_TOO_OLD",
        "PLATFORM_UNAUTHORIZED",
        "PLATFORM_TOO_LARGE",
        "PLATFORM_BUSY",
        "PLATFORM_ANSWER_INVALID",
        "RESTORE_AUTH_REQUIRED",
        "SECOND_STAFF_REQUIRED",
    ];

    /// The figures a person needs, under the names the JS API uses.
    pub fn figures(&self) -> Vec<(&'static str, Figure)> {
        use Error::*;
        use Figure::{Number, Text};
        match self {
            InsufficientPoints { needed, available } => vec![
                ("needed", Text(needed.to_fixed())),
                ("available", Text(available.to_fixed())),
            ],
            OutOfStock {
                sku,
                needed,
                available,
            } => vec![
                ("sku", Text(sku.clone())),
                ("needed", Number(*needed)),
                ("available", Number(*available)),
            ],
            // The lockout that follows the last try, so the page can say it
            // without keeping its own copy of the rule.
            WrongPin { attempts_left } => vec![
                ("attemptsLeft", Number(i64::from(*attempts_left))),
                (
                    "lockoutMinutes",
                    Number(crate::credential::LOCKOUT_MS / 60_000),
                ),
            ],
            LockedOut { locked_until_ms } => vec![("lockedUntil", Number(*locked_until_ms))],
            NoPin { household }
            | UnknownHousehold { household }
            | Suspended { household }
            | MovedAway { household } => vec![("household", Text(household.clone()))],
            NegativeBalance { balance } => vec![("balance", Text(balance.to_fixed()))],
            UnknownItem { sku } | InactiveItem { sku } => vec![("sku", Text(sku.clone()))],
            BadQuantity { sku, quantity } => {
                vec![("sku", Text(sku.clone())), ("quantity", Number(*quantity))]
            }
            TooManyLines { lines_max } => vec![("limit", Number(*lines_max as i64))],
            LimitReached { what, limit } => {
                vec![("what", Text(what.to_string())), ("limit", Number(*limit))]
            }
            StaffAuthRequired => vec![("reason", Text("expired".to_string()))],
            StaffRoleRefused => vec![("reason", Text("role".to_string()))],
            InvalidInput {
                field, detail_code, ..
            } => {
                let mut figures = vec![("field", Text(field.clone()))];
                if let Some(code) = detail_code {
                    figures.push(("detail", Text(code.to_string())));
                }
                figures
            }
            AlreadyExists { what, key } => {
                vec![("what", Text(what.to_string())), ("key", Text(key.clone()))]
            }
            UnknownReceipt { receipt } | AlreadyVoided { receipt } => {
                vec![("receipt", Text(receipt.clone()))]
            }
            WrongKiosk { expected, found } => {
                vec![
                    ("expected", Text(expected.clone())),
                    ("found", Text(found.clone())),
                ]
            }
            StorageCorrupt { seq, .. } => vec![("seq", Number(*seq as i64))],
            YearClosed { year } => vec![("year", Number(i64::from(*year)))],
            ReadOnly { reason } => vec![("reason", Text(reason.to_string()))],
            ObjectionPending { period, households } => vec![
                ("period", Text(period.clone())),
                ("households", Text(households.join(","))),
            ],
            PostingNotOver { period, until_ms } => {
                vec![
                    ("period", Text(period.clone())),
                    ("until", Number(*until_ms)),
                ]
            }
            Blacklisted { household } => vec![("household", Text(household.clone()))],
            BackupInvalid {
                line,
                detail_zh,
                detail,
            } => vec![
                ("line", Number(*line as i64)),
                ("detailZh", Text(detail_zh.clone())),
                ("detailEn", Text(detail.clone())),
            ],
            PlatformOriginNotAllowed { origin, allowed } => {
                let mut figures = vec![("origin", Text(origin.clone()))];
                if let Some(allowed) = allowed {
                    figures.push(("allowed", Text(allowed.clone())));
                }
                figures
            }
            PlatformGap { head_seq } => vec![("headSeq", Number(*head_seq as i64))],
            RestoreAuthRequired { county: true } => vec![("county", Number(1))],
            SecondStaffRequired { reason } => vec![("reason", Text(reason.to_string()))],
            PlatformFork {
                seq,
                platform_hash,
                kiosk_hash,
            } => vec![
                ("seq", Number(*seq as i64)),
                ("platformHash", Text(platform_hash.clone())),
                ("kioskHash", Text(kiosk_hash.clone())),
            ],
            PlatformRefused { seq, line, reason } => {
                let mut figures = vec![("reason", Text(reason.clone()))];
                if let Some(seq) = seq {
                    figures.push(("seq", Number(*seq as i64)));
                }
                if let Some(line) = line {
                    figures.push(("line", Number(*line as i64)));
                }
                figures
            }
            PlatformTooOld { seq, reason } => {
                let mut figures = vec![("reason", Text(reason.clone()))];
                if let Some(seq) = seq {
                    figures.push(("seq", Number(*seq as i64)));
                }
                figures
            }
            PlatformBusy { retry_after_ms } => vec![("retryAfterMs", Number(*retry_after_ms))],
            PlatformJournalRefused { seq, detail } => vec![
                ("seq", Number(*seq as i64)),
                ("reason", Text(detail.clone())),
            ],
            _ => Vec::new(),
        }
    }

    /// The message in Chinese, in plain words for a villager or a clerk.
    ///
    /// These are the page's words for a refusal: it shows them as they are
    /// (`message`), and writes its own sentence only where it knows more than
    /// the core (the goods' names, whether this was a redemption, the
    /// village's time, a form's field), so each sentence has one home.
    pub fn message_zh(&self) -> String {
        use Error::*;
        match self {
            InsufficientPoints { needed, available } => {
                format!("积分不够:需要 {needed} 积分,现有 {available} 积分")
            }
            OutOfStock { available, .. } => format!("库存不够:只剩 {available} 件"),
            WrongPin { attempts_left } => format!("密码不对,还可以试 {attempts_left} 次"),
            LockedOut { .. } => "密码错误次数太多,已暂时锁定,请稍后再试或找管理员".to_string(),
            NoPin { .. } => "这一户还没有设置密码,请找管理员设置".to_string(),
            SessionExpired => "已经超时退出,请重新登录".to_string(),
            // ASCII upper case: a household code is ASCII letters and digits,
            // and Unicode's case tables would be 17 KB of the villager's wasm.
            UnknownHousehold { household } => {
                format!("没有找到户号 {}。请再看一下户卡。", household.to_ascii_uppercase())
            }
            Suspended { .. } => "这一户的积分账户已暂停,请找管理员".to_string(),
            MovedAway { .. } => "这一户已迁出,不能再兑换".to_string(),
            NegativeBalance { balance } => format!("积分余额为 {balance},不能兑换,请找管理员"),
            UnknownItem { .. } => "没有这种商品。请换一种。".to_string(),
            InactiveItem { .. } => "这种商品已下架".to_string(),
            BadQuantity { .. } => format!("数量不对:每种商品一次 1 到 {QUANTITY_MAX} 件。"),
            EmptyBasket => "购物篮是空的,请先选商品。".to_string(),
            TooManyLines { lines_max } => format!("一次最多兑换 {lines_max} 种商品。"),
            Busy => "正在处理上一步,请稍等一下再点。".to_string(),
            LimitReached { .. } => "已经到了上限,不能再添加。请找积分专员。".to_string(),
            StaffAuthRequired => "需要管理员登录".to_string(),
            StaffRoleRefused => "你的工作人员角色不能做这件事".to_string(),
            InvalidInput { detail_zh, .. } => format!("填写的内容不对:{detail_zh}"),
            AlreadyExists { what, key } => match what_named(what) {
                Some((zh, _)) => format!("{zh} {key} 已经有了。"),
                None => format!("{key} 已经有了。"),
            },
            UnknownReceipt { receipt } => format!("找不到这张小票 {receipt}。请核对小票号。"),
            AlreadyVoided { .. } => "这张小票已经作废过了。".to_string(),
            NotEmpty => "这台终端已经有数据了,不用再载入演示村。".to_string(),
            WrongKiosk { expected, found } => format!(
                "这台电脑里存的是另一台终端({found})的数据,不是终端 {expected} 的。请找积分专员。"
            ),
            ReadOnly {
                reason: "other_tab",
            } => "这台终端已在另一个窗口打开。这里只能查看,不能兑换。请关掉另一个窗口,再重新打开本页。"
                .to_string(),
            ReadOnly {
                reason: "insecure_context",
            } => "这个网页不是从本机安全地址打开的,不能保存兑换记录。请找积分专员。".to_string(),
            ReadOnly { reason: "closed" } => "终端已关闭。请重新打开本页。".to_string(),
            ReadOnly {
                reason: "no_journal",
            } => "这台终端还没有数据,请先设置或载入演示村。".to_string(),
            ReadOnly { .. } => "现在只能查看,不能兑换。请找店主。".to_string(),
            YearClosed { year } => format!("{year} 年已经结账,不能作废,请用积分调整"),
            StorageCorrupt { seq, .. } => format!(
                "存储的记录(第 {seq} 条)已损坏。现在只能查看,不能兑换。请找积分专员。"
            ),
            StorageFull => "存储空间已满,这次没有成功,请找管理员".to_string(),
            StorageFailed { .. } => "保存失败,这次没有成功,请找管理员".to_string(),
            Internal { .. } => "终端内部出错,这次没有成功,请找管理员".to_string(),
            PostingNotOver { period, .. } => {
                format!("{period} 的评分还在公示期内,公示期满后才能入账")
            }
            ClockUnconfirmed => "终端时钟与上一笔记录相差超过一天。请管理员先在管理首页核对并确认时间,再做这一步。"
                .to_string(),
            ObjectionPending { period, households } => format!(
                "{period} 的评分还有没处理完的异议({}),处理完才能入账。",
                households.join("、")
            ),
            Blacklisted { .. } => {
                "这一户在曝光台上,按本村规定暂不能兑换。请找积分专员。".to_string()
            }
            BackupInvalid {
                line, detail_zh, ..
            } => {
                format!("备份文件第 {line} 行不对:{detail_zh}。什么也没有恢复")
            }
            PlatformOriginNotAllowed {
                allowed: Some(allowed),
                ..
            } => format!("这个页面只能连接县级平台 {allowed}。"),
            PlatformOriginNotAllowed { allowed: None, .. } => {
                "这个页面没有配置县级平台地址,只能连接本机地址(http://127.0.0.1 或 http://localhost)。"
                    .to_string()
            }
            PlatformNotEnrolled => "还没有连接县级平台。请管理员在村设置里登记。".to_string(),
            PlatformUnreachable { .. } => {
                "连不上县级平台。记录都在本机,稍后会自动重试。".to_string()
            }
            EnrollCodeInvalid => {
                "登记码不对、已经用过或过期了。请向县里要一个新的登记码。".to_string()
            }
            GenesisMismatch => {
                "县级平台上这个编号属于另一台终端。请和县里核对终端编号。".to_string()
            }
            RestoreCodeInvalid => {
                "恢复码不对、已经用过或过期了。请向县里要一个新的恢复码。".to_string()
            }
            PlatformNothingToRestore => {
                "县级平台上没有这个编号上传过的记录,无法恢复。请和县里核对终端编号。".to_string()
            }
            PlatformJournalRefused { seq, .. } => format!(
                "县级平台发来的记录在第 {seq} 条没有通过本机的核对,什么也没有恢复。请告诉县里。"
            ),
            PlatformGap { head_seq } => format!(
                "县级平台只有到第 {head_seq} 条的记录,缺少已归档的部分。请把 U 盘批次交给县里导入。"
            ),
            PlatformFork { seq, .. } => format!(
                "县级平台的第 {seq} 条记录和本机的不一样:有两份记录自称是这台终端。已停止上传,要由县里处理。"
            ),
            PlatformRefused { seq: Some(seq), .. } => {
                format!("县级平台拒收第 {seq} 条记录。已停止上传,要由县里处理。")
            }
            PlatformRefused { .. } => {
                "县级平台拒收这次上传。已停止上传,要由县里处理。".to_string()
            }
            PlatformTooOld { .. } => {
                "县级平台的程序需要更新,才能收下这台终端的记录。记录都在本机。".to_string()
            }
            PlatformUnauthorized => {
                "县级平台不再认这台终端的登记。请向县里要新的登记码,重新登记。".to_string()
            }
            PlatformTooLarge => "这次上传太大,县级平台没有收下。".to_string(),
            PlatformBusy { .. } => "县级平台正忙,稍后会自动重试。".to_string(),
            PlatformAnswerInvalid { .. } => "县级平台的回答看不懂,稍后会自动重试。".to_string(),
            RestoreAuthRequired { county: false } => {
                "恢复备份要输入打印的恢复码,或备份里一位管理员的密码。什么也没有恢复。".to_string()
            }
            RestoreAuthRequired { county: true } => {
                "这个旧格式备份既没有密码也没有恢复码,只能用县里发的恢复码恢复。请联系县里。什么也没有恢复。"
                    .to_string()
            }
            SecondStaffRequired { .. } => {
                "这一步要第二位工作人员输入自己的编号和密码确认(双人核对)。".to_string()
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        use Error::*;
        match self {
            InsufficientPoints { needed, available } => {
                format!("Not enough points: {needed} needed, {available} available")
            }
            OutOfStock { available, .. } => format!("Not enough in stock: only {available} left"),
            WrongPin { attempts_left } => {
                format!("Wrong PIN; {attempts_left} tries left")
            }
            LockedOut { .. } => {
                "Too many wrong PINs: locked for a while. Try later or ask the shopkeeper"
                    .to_string()
            }
            NoPin { .. } => "This household has no PIN yet; ask the shopkeeper".to_string(),
            SessionExpired => "Signed out after a pause; please sign in again".to_string(),
            UnknownHousehold { household } => format!(
                "There is no household with code {}. Please check your card.",
                household.to_ascii_uppercase()
            ),
            Suspended { .. } => {
                "This household's account is suspended; ask the shopkeeper".to_string()
            }
            MovedAway { .. } => "This household has moved away and cannot redeem".to_string(),
            NegativeBalance { balance } => {
                format!("The balance is {balance}; no redemption until it is settled")
            }
            UnknownItem { .. } => "There is no such item. Please choose another.".to_string(),
            InactiveItem { .. } => "This item is no longer offered".to_string(),
            BadQuantity { .. } => {
                format!("Wrong quantity: 1 to {QUANTITY_MAX} of each item at once.")
            }
            EmptyBasket => "The basket is empty. Please choose goods first.".to_string(),
            TooManyLines { lines_max } => format!("At most {lines_max} different items at once."),
            Busy => "Still working on the last step. Please wait a moment.".to_string(),
            LimitReached { .. } => {
                "A limit is reached; nothing more can be added. Please call the clerk.".to_string()
            }
            StaffAuthRequired => "A staff sign-in is required".to_string(),
            StaffRoleRefused => "Your staff role does not cover this".to_string(),
            InvalidInput { field, detail, .. } => format!("{field}: {detail}"),
            AlreadyExists { what, key } => match what_named(what) {
                Some((_, en)) => format!("The {en} {key} already exists."),
                None => format!("The {what} {key} already exists."),
            },
            UnknownReceipt { receipt } => {
                format!("This receipt {receipt} was not found. Please check the number.")
            }
            AlreadyVoided { .. } => "This receipt was already voided.".to_string(),
            NotEmpty => "This kiosk already has data; the demo village is not needed.".to_string(),
            WrongKiosk { expected, found } => format!(
                "This computer holds another kiosk's data ({found}, not {expected}). Please call the clerk."
            ),
            ReadOnly { reason: "other_tab" } => {
                "This kiosk is open in another window. Here you can only look, not redeem. Close the other window, then reload this page.".to_string()
            }
            ReadOnly { reason: "insecure_context" } => {
                "This page was not opened from a secure address and cannot save redemptions. Please call the clerk.".to_string()
            }
            ReadOnly { reason: "closed" } => "The kiosk was closed. Please reload this page.".to_string(),
            ReadOnly { reason: "no_journal" } => {
                "This kiosk has no data yet. Set it up or load the demo village first.".to_string()
            }
            ReadOnly { .. } => {
                "View only: no redemption is possible now. Please call the shopkeeper.".to_string()
            }
            YearClosed { year } => format!("The books of {year} are closed: no void; use a correction"),
            StorageCorrupt { seq, .. } => format!(
                "The stored records (record {seq}) are damaged. View only: no redemption now. Please call the clerk."
            ),
            StorageFull => "Storage is full: this did NOT happen. Call the shopkeeper".to_string(),
            StorageFailed { .. } => {
                "Saving failed: this did NOT happen. Call the shopkeeper".to_string()
            }
            Internal { .. } => {
                "Internal error: this did NOT happen. Call the shopkeeper".to_string()
            }
            PostingNotOver { period, .. } => {
                format!("The scores of {period} are still posted; apply them after the posting period")
            }
            ClockUnconfirmed => {
                "The kiosk's clock moved more than a day since the last entry. An admin must check and confirm the time on the staff home first.".to_string()
            }
            ObjectionPending { period, households } => format!(
                "Objections to the scores of {period} are still open ({}); settle them before applying.",
                households.join(", ")
            ),
            Blacklisted { .. } => {
                "This household is on the blacklist and the village does not let it redeem now. Please call the clerk.".to_string()
            }
            BackupInvalid { line, detail, .. } => {
                format!("Backup file, line {line}: {detail}. Nothing was restored")
            }
            PlatformOriginNotAllowed {
                allowed: Some(allowed),
                ..
            } => format!("This page may reach only the county platform at {allowed}."),
            PlatformOriginNotAllowed { allowed: None, .. } => {
                "No county platform is configured for this page: only a local address (http://127.0.0.1 or http://localhost).".to_string()
            }
            PlatformNotEnrolled => {
                "Not enrolled with the county platform. An admin enrols it in Village settings.".to_string()
            }
            PlatformUnreachable { .. } => {
                "The county platform cannot be reached. Every record is kept here; the kiosk retries by itself.".to_string()
            }
            EnrollCodeInvalid => {
                "The enrollment code is wrong, used or expired. Ask the county for a new one.".to_string()
            }
            GenesisMismatch => {
                "The county platform holds this id for another kiosk. Check the kiosk's id with the county.".to_string()
            }
            RestoreCodeInvalid => {
                "The restore code is wrong, used or expired. Ask the county for a new one.".to_string()
            }
            PlatformNothingToRestore => {
                "The county platform holds nothing uploaded under this id, so there is nothing to restore. Check the kiosk's id with the county.".to_string()
            }
            PlatformJournalRefused { seq, .. } => format!(
                "The records from the county platform fail this kiosk's check at entry {seq}; nothing was restored. Tell the county."
            ),
            PlatformGap { head_seq } => format!(
                "The county platform holds records up to {head_seq} only and lacks the archived ones. Give the county the USB batches to import."
            ),
            PlatformFork { seq, .. } => format!(
                "The county platform's record {seq} differs from this kiosk's: two journals claim to be this kiosk. Uploading stopped; the county must settle it."
            ),
            PlatformRefused { seq: Some(seq), .. } => format!(
                "The county platform refused record {seq}. Uploading stopped; the county must settle it."
            ),
            PlatformRefused { .. } => {
                "The county platform refused the upload. Uploading stopped; the county must settle it.".to_string()
            }
            PlatformTooOld { .. } => {
                "The county platform needs updating to take this kiosk's records. Every record is kept here.".to_string()
            }
            PlatformUnauthorized => {
                "The county platform no longer accepts this kiosk's enrollment. Ask the county for a new code and enrol again.".to_string()
            }
            PlatformTooLarge => "The upload was too large for the county platform.".to_string(),
            PlatformBusy { .. } => {
                "The county platform is busy; the kiosk retries by itself.".to_string()
            }
            PlatformAnswerInvalid { .. } => {
                "The county platform's answer could not be read; the kiosk retries by itself.".to_string()
            }
            RestoreAuthRequired { county: false } => {
                "Restoring needs the printed recovery code, or the PIN of an admin the backup carries. Nothing was restored.".to_string()
            }
            RestoreAuthRequired { county: true } => {
                "This old-format backup carries neither PINs nor a recovery code: only a county restore code can restore it. Ask the county. Nothing was restored.".to_string()
            }
            SecondStaffRequired { .. } => {
                "This step needs a second staff member to confirm with their own id and PIN (two-person rule).".to_string()
            }
        }
    }

    /// An input field's refusal, from a validation problem of a name.
    pub fn invalid(field: &str, problem: &crate::ids::InvalidName) -> Error {
        use crate::ids::NameProblem::*;
        let (detail_zh, detail) = match problem.problem {
            Empty => ("不能为空".to_string(), "is empty".to_string()),
            TooLong { length_max } => (
                format!("太长,最多 {length_max} 个字"),
                format!("is longer than {length_max} characters"),
            ),
            BadCharacter => (
                "含有不允许的字符".to_string(),
                "has a character that is not allowed".to_string(),
            ),
        };
        Error::InvalidInput {
            field: field.to_string(),
            detail_zh,
            detail,
            detail_code: None,
        }
    }

    /// An input field's refusal with its own words.
    pub fn invalid_with(field: &str, detail_zh: &str, detail: &str) -> Error {
        Error::InvalidInput {
            field: field.to_string(),
            detail_zh: detail_zh.to_string(),
            detail: detail.to_string(),
            detail_code: None,
        }
    }

    /// An amount field's refusal: `INVALID_INPUT` with the parser's precise
    /// code as `detail` and its words.
    pub fn invalid_amount(field: &str, problem: crate::points::PointsParseError) -> Error {
        Error::InvalidInput {
            field: field.to_string(),
            detail_zh: problem.message_zh().to_string(),
            detail: problem.message_en().to_string(),
            detail_code: Some(problem.code()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message_en())
    }
}

impl std::error::Error for Error {}

/// What already exists, as the refusal names it: the thing a person
/// typed (a household code, an item code), in Chinese and English.
fn what_named(what: &str) -> Option<(&'static str, &'static str)> {
    match what {
        "household" => Some(("户号", "household")),
        "item" => Some(("商品编号", "item")),
        "barcode" => Some(("条码", "barcode")),
        "staff" => Some(("员工编号", "staff id")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_household_is_named_in_capitals_as_its_card_prints_it() {
        let error = Error::UnknownHousehold {
            household: "a099".into(),
        };
        assert_eq!(error.message_zh(), "没有找到户号 A099。请再看一下户卡。");
        assert_eq!(
            error.message_en(),
            "There is no household with code A099. Please check your card."
        );
    }

    #[test]
    fn figures_carry_what_a_person_needs() {
        let error = Error::InsufficientPoints {
            needed: Points::from_hundredths(1950).unwrap(),
            available: Points::from_hundredths(1200).unwrap(),
        };
        assert_eq!(error.code(), "INSUFFICIENT_POINTS");
        assert_eq!(
            error.figures(),
            vec![
                ("needed", Figure::Text("19.50".into())),
                ("available", Figure::Text("12.00".into()))
            ]
        );
        assert_eq!(error.message_zh(), "积分不够:需要 19.5 积分,现有 12 积分");
        assert_eq!(
            Error::WrongPin { attempts_left: 3 }.message_zh(),
            "密码不对,还可以试 3 次"
        );
    }

    #[test]
    fn a_staff_refusal_says_why_and_an_amount_names_its_code() {
        let reason = |error: &Error| {
            assert_eq!(error.code(), "STAFF_AUTH_REQUIRED");
            error.figures()
        };
        assert_eq!(
            reason(&Error::StaffAuthRequired),
            vec![("reason", Figure::Text("expired".into()))]
        );
        assert_eq!(
            reason(&Error::StaffRoleRefused),
            vec![("reason", Figure::Text("role".into()))]
        );
        let problem = crate::points::PointsParseError::TooManyDecimals;
        let error = Error::invalid_amount("amount", problem);
        assert_eq!(error.code(), "INVALID_INPUT");
        assert_eq!(
            error.figures(),
            vec![
                ("field", Figure::Text("amount".into())),
                ("detail", Figure::Text(problem.code().into()))
            ]
        );
        assert_eq!(
            Error::invalid_with("amount", "不对", "wrong").figures(),
            vec![("field", Figure::Text("amount".into()))]
        );
    }

    /// One refusal of every kind, so a new variant must be added here (the
    /// match below does not compile without it) and gets its words checked.
    fn one_of_each() -> Vec<Error> {
        let points = |hundredths| Points::from_hundredths(hundredths).unwrap();
        let text = |s: &str| s.to_string();
        let all = vec![
            Error::InsufficientPoints {
                needed: points(1950),
                available: points(1200),
            },
            Error::OutOfStock {
                sku: text("salt"),
                needed: 3,
                available: 1,
            },
            Error::WrongPin { attempts_left: 2 },
            Error::LockedOut { locked_until_ms: 1 },
            Error::NoPin {
                household: text("a01"),
            },
            Error::SessionExpired,
            Error::UnknownHousehold {
                household: text("a01"),
            },
            Error::Suspended {
                household: text("A01"),
            },
            Error::MovedAway {
                household: text("A01"),
            },
            Error::NegativeBalance {
                balance: points(-500),
            },
            Error::UnknownItem { sku: text("salt") },
            Error::InactiveItem { sku: text("salt") },
            Error::BadQuantity {
                sku: text("salt"),
                quantity: 0,
            },
            Error::EmptyBasket,
            Error::TooManyLines { lines_max: 50 },
            Error::Busy,
            Error::LimitReached {
                what: "households",
                limit: 5000,
            },
            Error::StaffAuthRequired,
            Error::StaffRoleRefused,
            Error::invalid_with("name", "不能为空", "is empty"),
            Error::AlreadyExists {
                what: "household",
                key: text("A01"),
            },
            Error::AlreadyExists {
                what: "members",
                key: text("A01"),
            },
            Error::UnknownReceipt {
                receipt: text("R-1"),
            },
            Error::AlreadyVoided {
                receipt: text("R-1"),
            },
            Error::NotEmpty,
            Error::WrongKiosk {
                expected: text("k1"),
                found: text("k2"),
            },
            Error::ReadOnly {
                reason: "other_tab",
            },
            Error::ReadOnly {
                reason: "insecure_context",
            },
            Error::ReadOnly { reason: "closed" },
            Error::ReadOnly {
                reason: "no_journal",
            },
            Error::ReadOnly { reason: "" },
            Error::YearClosed { year: 2025 },
            Error::StorageCorrupt {
                seq: 17,
                detail: text("hash"),
            },
            Error::StorageFull,
            Error::StorageFailed {
                detail: text("quota"),
            },
            Error::Internal {
                detail: text("state"),
            },
            Error::PostingNotOver {
                period: text("2026-08"),
                until_ms: 1,
            },
            Error::ClockUnconfirmed,
            Error::ObjectionPending {
                period: text("2026-08"),
                households: vec![text("H01"), text("H03")],
            },
            Error::Blacklisted {
                household: text("A01"),
            },
            Error::BackupInvalid {
                line: 42,
                detail_zh: text("不对"),
                detail: text("wrong"),
            },
            Error::PlatformOriginNotAllowed {
                origin: text("http://x"),
                allowed: Some(text("https://y")),
            },
            Error::PlatformOriginNotAllowed {
                origin: text("http://x"),
                allowed: None,
            },
            Error::PlatformNotEnrolled,
            Error::PlatformUnreachable {
                detail: text("offline"),
            },
            Error::EnrollCodeInvalid,
            Error::GenesisMismatch,
            Error::RestoreCodeInvalid,
            Error::PlatformNothingToRestore,
            Error::PlatformJournalRefused {
                seq: 4,
                detail: text("chain"),
            },
            Error::PlatformGap { head_seq: 4 },
            Error::PlatformFork {
                seq: 4,
                platform_hash: text("p"),
                kiosk_hash: text("k"),
            },
            Error::PlatformRefused {
                seq: Some(4),
                line: None,
                reason: text("chain"),
            },
            Error::PlatformRefused {
                seq: None,
                line: Some(2),
                reason: text("chain"),
            },
            Error::PlatformTooOld {
                seq: Some(4),
                reason: text("kind"),
            },
            Error::PlatformUnauthorized,
            Error::PlatformTooLarge,
            Error::PlatformBusy {
                retry_after_ms: 1000,
            },
            Error::PlatformAnswerInvalid {
                detail: text("json"),
            },
            Error::RestoreAuthRequired { county: false },
            Error::RestoreAuthRequired { county: true },
            Error::SecondStaffRequired { reason: "import" },
        ];
        for error in &all {
            // Exhaustive: a new variant fails to compile until listed above.
            use Error::*;
            match error {
                InsufficientPoints { .. }
                | OutOfStock { .. }
                | WrongPin { .. }
                | LockedOut { .. }
                | NoPin { .. }
                | SessionExpired
                | UnknownHousehold { .. }
                | Suspended { .. }
                | MovedAway { .. }
                | NegativeBalance { .. }
                | UnknownItem { .. }
                | InactiveItem { .. }
                | BadQuantity { .. }
                | EmptyBasket
                | TooManyLines { .. }
                | Busy
                | LimitReached { .. }
                | StaffAuthRequired
                | StaffRoleRefused
                | InvalidInput { .. }
                | AlreadyExists { .. }
                | UnknownReceipt { .. }
                | AlreadyVoided { .. }
                | NotEmpty
                | WrongKiosk { .. }
                | ReadOnly { .. }
                | YearClosed { .. }
                | StorageCorrupt { .. }
                | StorageFull
                | StorageFailed { .. }
                | Internal { .. }
                | PostingNotOver { .. }
                | ClockUnconfirmed
                | ObjectionPending { .. }
                | Blacklisted { .. }
                | BackupInvalid { .. }
                | PlatformOriginNotAllowed { .. }
                | PlatformNotEnrolled
                | PlatformUnreachable { .. }
                | EnrollCodeInvalid
                | GenesisMismatch
                | RestoreCodeInvalid
                | PlatformNothingToRestore
                | PlatformJournalRefused { .. }
                | PlatformGap { .. }
                | PlatformFork { .. }
                | PlatformRefused { .. }
                | PlatformTooOld { .. }
                | PlatformUnauthorized
                | PlatformTooLarge
                | PlatformBusy { .. }
                | PlatformAnswerInvalid { .. }
                | RestoreAuthRequired { .. }
                | SecondStaffRequired { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_code_has_words_in_chinese_and_in_english() {
        let chinese = |text: &str| text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let all = one_of_each();
        let mut codes: Vec<&str> = all.iter().map(Error::code).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut listed = Error::CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(
            codes, listed,
            "one refusal of every listed code, and no other"
        );
        for error in &all {
            let (zh, en) = (error.message_zh(), error.message_en());
            assert!(chinese(&zh), "{}: {zh}", error.code());
            assert!(
                !en.trim().is_empty() && !chinese(&en),
                "{}: {en}",
                error.code()
            );
        }
        // The page's words for the villager: the code as on the card, the
        // core's own limit, and what already exists named as typed.
        assert!(Error::UnknownHousehold {
            household: "a01".into()
        }
        .message_zh()
        .contains("A01"));
        assert!(Error::BadQuantity {
            sku: "salt".into(),
            quantity: 0
        }
        .message_en()
        .contains(&format!("1 to {QUANTITY_MAX}")));
        assert_eq!(
            Error::AlreadyExists {
                what: "household",
                key: "A01".into()
            }
            .message_zh(),
            "户号 A01 已经有了。"
        );
    }

    #[test]
    fn every_code_is_listed_once() {
        let mut codes = Error::CODES.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Error::CODES.len());
    }
}
