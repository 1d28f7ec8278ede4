//! The points rules' half of the JS API: the rules in force and their
//! change (admin), score sheets (preview, post, objections, apply), the
//! posting as the board shows it, lifting the blacklist, and whether a year
//! close is due. Scores cross as strings with at most one decimal (`"85.5"`),
//! points as strings with two (`"5.00"`); time is always passed in.

use super::clerk::import_error;
use super::convert::{from_js, to_js, to_js_error};
use super::kiosk::{Inner, Kiosk};
use crate::error::Error;
use crate::ids::{HouseholdCode, Period, Text};
use crate::ledger::{Auth, Operation, REASON_LENGTH_MAX};
use crate::points::Points;
use crate::rulebook::{BandRecord, CategoryRecord, ItemRecord, Rules, RulesRecord};
use crate::rules::{band_of, BlacklistChange, Score, SCORE_TENTHS_MAX};
use crate::scoresheet::{self, PointsOperation, Review};
use crate::state::State;
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ItemView {
    name: String,
    max: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CategoryView {
    name: String,
    items: Vec<ItemView>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BandView {
    lower: String,
    inclusive: bool,
    points: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RulesView {
    #[serde(default)]
    version: u32,
    source: String,
    period: String,
    table: Vec<CategoryView>,
    bands: Vec<BandView>,
    bonus_points: String,
}

fn rules_view(rules: &Rules) -> RulesView {
    let record = rules.to_record();
    let score = |tenths: u16| Score::from_tenths(tenths).unwrap_or_default().to_string();
    RulesView {
        version: record.version,
        source: record.source,
        period: record.period,
        table: record
            .table
            .into_iter()
            .map(|category| CategoryView {
                name: category.name,
                items: category
                    .items
                    .into_iter()
                    .map(|item| ItemView {
                        name: item.name,
                        // A deduction item's limit crosses as a negative
                        // score: "-10" takes up to 10 off.
                        max: match item.deduction {
                            true => format!("-{}", score(item.max_tenths)),
                            false => score(item.max_tenths),
                        },
                    })
                    .collect(),
            })
            .collect(),
        bands: record
            .bands
            .into_iter()
            .map(|band| BandView {
                lower: score(band.lower_tenths),
                inclusive: band.lower_inclusive,
                points: band.points.to_fixed(),
            })
            .collect(),
        bonus_points: record.bonus_points.to_fixed(),
    }
}

fn score(field: &str, text: &str) -> Result<Score, Error> {
    Score::parse(
        text,
        Score::from_tenths(SCORE_TENTHS_MAX).unwrap_or_default(),
    )
    .map_err(|problem| Error::invalid_with(field, problem.message_zh(), problem.message_en()))
}

fn points(field: &str, text: &str) -> Result<Points, Error> {
    Points::parse_unsigned(text).map_err(|problem| Error::invalid_amount(field, problem))
}

fn rules_from_view(view: RulesView) -> Result<Rules, Error> {
    let mut table = Vec::with_capacity(view.table.len());
    for category in view.table {
        let mut items = Vec::with_capacity(category.items.len());
        for item in category.items {
            let max = item.max.trim();
            let deduction = crate::rules::without_minus(max);
            items.push(ItemRecord {
                max_tenths: score("table", deduction.unwrap_or(max))?.tenths(),
                name: item.name.trim().to_string(),
                deduction: deduction.is_some(),
            });
        }
        table.push(CategoryRecord {
            name: category.name.trim().to_string(),
            items,
        });
    }
    let mut bands = Vec::with_capacity(view.bands.len());
    for band in view.bands {
        bands.push(BandRecord {
            lower_tenths: score("bands", &band.lower)?.tenths(),
            lower_inclusive: band.inclusive,
            points: points("bands", &band.points)?,
        });
    }
    let record = RulesRecord {
        version: 0,
        source: view.source,
        period: view.period,
        table,
        bands,
        bonus_points: points("bonusPoints", &view.bonus_points)?,
    };
    Rules::from_record(&record).map_err(|(zh, en)| Error::invalid_with("rules", &zh, &en))
}

fn period(text: &str) -> Result<Period, Error> {
    Period::new(text).map_err(|problem| Error::invalid("period", &problem))
}

fn household(text: &str) -> Result<HouseholdCode, Error> {
    HouseholdCode::new(text.trim()).map_err(|problem| Error::invalid("household", &problem))
}

fn reason(field: &str, text: &str) -> Result<Text, Error> {
    Text::new(text, REASON_LENGTH_MAX).map_err(|problem| Error::invalid(field, &problem))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultView {
    rank: usize,
    household: String,
    name: String,
    score: String,
    /// 1-based band, 0 below the first.
    band: usize,
    points: String,
    bonus: bool,
    last: bool,
    /// `listed`, `lifted` or null.
    blacklist: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectionView {
    household: String,
    name: String,
    finding: String,
    before: Option<String>,
    score: String,
    time: i64,
    /// Who raised it, what it said and when, when it waited for a finding.
    raised_by: Option<String>,
    what: Option<String>,
    raised_at: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PendingView {
    household: String,
    name: String,
    raised_by: String,
    what: String,
    time: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostingView {
    period: String,
    posted_at: i64,
    /// When the posting period ends and the sheet may be applied.
    until: i64,
    applicable: bool,
    results: Vec<ResultView>,
    objections: Vec<ObjectionView>,
    /// `waiting` (for the leading group's review), `approved`, or
    /// `unreviewed` (posted before sheets were reviewed).
    review: &'static str,
    imported_by: Option<String>,
    approved_by: Option<String>,
    /// The importer approved it, the village having turned the two-person
    /// rule off.
    own_approval: bool,
    pending: Vec<PendingView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UploadOverdueView {
    month: String,
    upload_day: u8,
}

fn name_of(state: &State, code: &HouseholdCode) -> String {
    let name = state
        .household(code)
        .map(|h| h.name.to_string())
        .unwrap_or_default();
    crate::board::display_name(&name, code, state.settings.name_display)
}

fn posting_view(
    state: &State,
    period: &Period,
    posting: &scoresheet::Posting,
    now: i64,
) -> PostingView {
    let until = posting.posting_ends_ms(state.settings.posting_days);
    let results = scoresheet::results(state, period, posting);
    let mut views: Vec<ResultView> = Vec::with_capacity(results.len());
    for (index, result) in results.iter().enumerate() {
        let rank = match views.last() {
            Some(previous) if results[index - 1].score == result.score => previous.rank,
            _ => index + 1,
        };
        views.push(ResultView {
            rank,
            household: result.household.to_string(),
            name: name_of(state, &result.household),
            score: result.score.to_string(),
            band: band_of(&state.rules.bands, result.score).map_or(0, |b| b + 1),
            points: result.points.to_fixed(),
            bonus: result.bonus,
            last: result.last,
            blacklist: result.blacklist.map(|change| match change {
                BlacklistChange::Listed => "listed",
                BlacklistChange::Lifted => "lifted",
            }),
        });
    }
    let (review, imported_by, approved_by, own_approval) = match &posting.review {
        Review::Unreviewed => ("unreviewed", None, None, false),
        Review::Waiting { imported_by } => ("waiting", imported_by.as_ref(), None, false),
        Review::Approved { by, own } => ("approved", None, by.as_ref(), *own),
    };
    PostingView {
        period: period.to_string(),
        posted_at: posting.posted_ms,
        until,
        // By the ledger's time, as the apply itself is (crate::clock).
        applicable: posting.review.is_posted()
            && posting.pending.is_empty()
            && state
                .clock
                .ledger_time_at(now)
                .is_some_and(|ledger| ledger >= until),
        review,
        imported_by: imported_by.map(|s| s.to_string()),
        approved_by: approved_by.map(|s| s.to_string()),
        own_approval,
        pending: posting
            .pending
            .iter()
            .map(|raised| PendingView {
                household: raised.household.to_string(),
                name: name_of(state, &raised.household),
                raised_by: raised.by.to_string(),
                what: raised.what.to_string(),
                time: raised.time_ms,
            })
            .collect(),
        results: views,
        objections: posting
            .objections
            .iter()
            .map(|objection| ObjectionView {
                household: objection.household.to_string(),
                name: name_of(state, &objection.household),
                finding: objection.finding.to_string(),
                before: objection.before.map(|s| s.to_string()),
                score: objection.score.to_string(),
                time: objection.time_ms,
                raised_by: objection.raised.as_ref().map(|r| r.by.to_string()),
                what: objection.raised.as_ref().map(|r| r.what.to_string()),
                raised_at: objection.raised.as_ref().map(|r| r.time_ms),
            })
            .collect(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChangeRulesInput {
    rules: RulesView,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SheetInput {
    #[serde(rename = "staffSession")]
    _staff_session: serde::de::IgnoredAny,
    now: i64,
    period: String,
    text: String,
    #[serde(default)]
    request_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ObjectionInput {
    period: String,
    household: String,
    finding: String,
    score: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RaiseInput {
    period: String,
    household: String,
    raised_by: String,
    what: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResolveInput {
    period: String,
    household: String,
    finding: String,
    /// The corrected score; none or empty when the score stands.
    #[serde(default)]
    score: Option<String>,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApplyInput {
    period: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LiftInput {
    household: String,
    reason: String,
    request_id: String,
}

fn request(text: &str) -> Result<crate::ids::RequestId, Error> {
    super::convert::request_id(text)
}

fn points_operation(operation: PointsOperation, request_id: &str) -> Result<Operation, Error> {
    Ok(Operation::Points {
        operation,
        request: request(request_id)?,
    })
}

#[wasm_bindgen]
impl Kiosk {
    /// The points rules in force: `{ version, source, period, table: [{ name,
    /// items: [{ name, max }] }], bands: [{ lower, inclusive, points }],
    /// bonusPoints }`.
    #[cfg(feature = "staff")]
    pub fn rules(&self) -> JsValue {
        to_js(&rules_view(&self.inner().ledger.borrow().state().rules))
    }

    /// New points rules (admin): `{ rules: <as rules() answers>, requestId }`.
    /// The version is set to the next one.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = changeRules)]
    pub fn change_rules(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "changeRules", |f: ChangeRulesInput, _| {
            let rules = rules_from_view(f.rules)?;
            points_operation(PointsOperation::ChangeRules { rules }, &f.request_id)
        })
    }

    /// What posting a score sheet would show (clerk), without changing
    /// anything: `{ staffSession, now, period, text }` → the posting as
    /// `posting()` answers it. A sheet with any bad row throws
    /// `IMPORT_REFUSED` with `.rows`.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = previewScoreSheet)]
    pub fn preview_score_sheet(&self, input: JsValue) -> Result<JsValue, JsValue> {
        let fields: SheetInput =
            from_js(input.clone(), "previewScoreSheet").map_err(|e| to_js_error(&e))?;
        self.staff_read(input, |_| Ok(JsValue::UNDEFINED))?;
        let ledger = self.inner().ledger.borrow();
        let state = ledger.state();
        let period = period(&fields.period).map_err(|e| to_js_error(&e))?;
        let sheet =
            scoresheet::parse(state, &period, &fields.text).map_err(|e| import_error(&e))?;
        let posting = scoresheet::Posting {
            posted_ms: fields.now,
            scores: sheet
                .rows
                .into_iter()
                .map(|row| (row.household, row.score))
                .collect(),
            objections: Vec::new(),
            applied_ms: None,
            review: Review::Waiting { imported_by: None },
            pending: Vec::new(),
        };
        Ok(to_js(&posting_view(state, &period, &posting, fields.now)))
    }

    /// Imports a period's score sheet (clerk): `{ staffSession, now, period,
    /// text, requestId }`. It waits for an admin other than the importer to
    /// approve it (`approveScoreSheet`); its results show on the board from
    /// the approval, and it may be applied after the posting days.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = postScoreSheet)]
    pub fn post_score_sheet(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        future_promise(async move {
            let coded = |error: Error| to_js_error(&error);
            let session = js_sys::Reflect::get(&input, &JsValue::from_str("staffSession"))
                .unwrap_or(JsValue::UNDEFINED);
            let session = super::convert::session_id(&session)
                .map_err(|_| coded(Error::StaffAuthRequired))?;
            let fields: SheetInput = from_js(input, "postScoreSheet").map_err(coded)?;
            let period = period(&fields.period).map_err(coded)?;
            let parsed = scoresheet::parse(inner.ledger.borrow().state(), &period, &fields.text);
            let sheet = parsed.map_err(|errors| import_error(&errors))?;
            let request_id = fields.request_id.unwrap_or_default();
            let operation = points_operation(PointsOperation::PostScores { sheet }, &request_id)
                .map_err(coded)?;
            let outcome = Inner::run(&inner, Auth::StaffSession(session), operation, fields.now)
                .await
                .map_err(coded)?;
            Ok(super::staff::done_view(outcome))
        })
    }

    /// An objection (异议) during posting (clerk): `{ period, household,
    /// finding, score, requestId }`; the corrected score replaces the
    /// household's.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = objectScore)]
    pub fn object_score(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "objectScore", |f: ObjectionInput, _| {
            let operation = PointsOperation::Object {
                period: period(&f.period)?,
                household: household(&f.household)?,
                finding: reason("finding", &f.finding)?,
                score: score("score", &f.score)?,
            };
            points_operation(operation, &f.request_id)
        })
    }

    /// Approves an imported sheet and posts it from `now` (admin, the
    /// leading group): `{ period, requestId }`. The admin who imported it
    /// may not, unless the village turned the two-person rule off; the
    /// approver is recorded.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = approveScoreSheet)]
    pub fn approve_score_sheet(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "approveScoreSheet", |f: ApplyInput, _| {
            let operation = PointsOperation::Approve {
                period: period(&f.period)?,
            };
            points_operation(operation, &f.request_id)
        })
    }

    /// Records an objection (异议) raised during posting, pending until it
    /// is resolved (clerk): `{ period, household, raisedBy, what, requestId
    /// }`. While any is pending the sheet is not applied.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = raiseObjection)]
    pub fn raise_objection(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "raiseObjection", |f: RaiseInput, _| {
            let operation = PointsOperation::RaiseObjection {
                period: period(&f.period)?,
                household: household(&f.household)?,
                raised_by: reason("raisedBy", &f.raised_by)?,
                what: reason("what", &f.what)?,
            };
            points_operation(operation, &f.request_id)
        })
    }

    /// Resolves a pending objection (clerk): `{ period, household, finding,
    /// score?, requestId }`; a score corrects the household's, none leaves
    /// it as posted.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = resolveObjection)]
    pub fn resolve_objection(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "resolveObjection", |f: ResolveInput, _| {
            let corrected = match f.score.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => Some(score("score", text)?),
            };
            let operation = PointsOperation::ResolveObjection {
                period: period(&f.period)?,
                household: household(&f.household)?,
                finding: reason("finding", &f.finding)?,
                score: corrected,
            };
            points_operation(operation, &f.request_id)
        })
    }

    /// Applies a period's posted scores after the posting period (clerk):
    /// `{ period, requestId }`. Before it ends: `POSTING_NOT_OVER` with
    /// `until`; while objections are pending: `OBJECTION_PENDING` with
    /// `households` (codes, comma-separated).
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = applyScoreSheet)]
    pub fn apply_score_sheet(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "applyScoreSheet", |f: ApplyInput, _| {
            let operation = PointsOperation::ApplyScores {
                period: period(&f.period)?,
            };
            points_operation(operation, &f.request_id)
        })
    }

    /// Takes a household off the blacklist (clerk): `{ household, reason,
    /// requestId }`.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = liftBlacklist)]
    pub fn lift_blacklist(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "liftBlacklist", |f: LiftInput, _| {
            let operation = PointsOperation::LiftBlacklist {
                household: household(&f.household)?,
                reason: reason("reason", &f.reason)?,
            };
            points_operation(operation, &f.request_id)
        })
    }

    /// The period being posted at `now` (the latest not yet applied), as the
    /// board shows it, or null: `{ period, postedAt, until, applicable,
    /// results: [{ rank, household, name, score, band, points, bonus, last,
    /// blacklist }], objections: [{ household, name, finding, before, score,
    /// time, raisedBy, what, raisedAt }], review, approvedBy, ownApproval,
    /// pending: [{ household, name, raisedBy, what, time }] }`. Names follow
    /// the village's setting. A sheet still waiting for review is not
    /// posted: null (see `sheetInReview`).
    pub fn posting(&self, now: JsValue) -> Result<JsValue, JsValue> {
        let now = super::convert::integer(&now, "now").map_err(|e| to_js_error(&e))?;
        let ledger = self.inner().ledger.borrow();
        let state = ledger.state();
        Ok(match scoresheet::current_posting(state) {
            Some((period, posting)) if posting.review.is_posted() => {
                to_js(&posting_view(state, period, posting, now))
            }
            _ => JsValue::NULL,
        })
    }

    /// The imported sheet waiting for the leading group's review, as
    /// `posting()` answers with `review: "waiting"` and `importedBy`, or
    /// null.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = sheetInReview)]
    pub fn sheet_in_review(&self, now: JsValue) -> Result<JsValue, JsValue> {
        let now: i64 = from_js(now, "now").map_err(|e| to_js_error(&e))?;
        let ledger = self.inner().ledger.borrow();
        let state = ledger.state();
        Ok(match scoresheet::current_posting(state) {
            Some((period, posting)) if !posting.review.is_posted() => {
                to_js(&posting_view(state, period, posting, now))
            }
            _ => JsValue::NULL,
        })
    }

    /// The year a clerk should close at `now`, or null: the village-local
    /// year before `now`'s, when points moved in it or earlier and it is
    /// not closed.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = yearCloseDue)]
    pub fn year_close_due(&self, now: JsValue) -> Result<JsValue, JsValue> {
        let now: i64 = from_js(now, "now").map_err(|e| to_js_error(&e))?;
        let ledger = self.inner().ledger.borrow();
        let state = ledger.state();
        // By the ledger's time: a clock moved to January prompts nothing.
        let last_year = state.local_year(state.clock.reading_at(now)) - 1;
        let first_time = state
            .households
            .values()
            .flat_map(|h| h.history.first())
            .map(|line| line.time_ms)
            .min();
        let first_year = first_time.map(|time| state.local_year(time));
        let due = first_year.is_some_and(|first| first <= last_year)
            && !state.closed_years.contains_key(&last_year);
        Ok(if due {
            JsValue::from(last_year)
        } else {
            JsValue::NULL
        })
    }

    /// Whether last month's entries are late for the platform at `now`
    /// (the village's upload day, "每月10日前上报"), given `oldestWaitingMs`
    /// from `platformStatus()`: `{ month: "2026-11", uploadDay }` or null.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = uploadOverdue)]
    pub fn upload_overdue(
        &self,
        now: JsValue,
        oldest_waiting_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now: i64 = from_js(now, "now").map_err(|e| to_js_error(&e))?;
        let oldest: Option<i64> =
            from_js(oldest_waiting_ms, "oldestWaitingMs").map_err(|e| to_js_error(&e))?;
        let ledger = self.inner().ledger.borrow();
        let state = ledger.state();
        let offset = state.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
        let day = state.settings.upload_day;
        let late = crate::settings::upload_overdue(
            day,
            crate::calendar::local_date(now, offset),
            oldest.map(|time| crate::calendar::local_date(time, offset)),
        );
        Ok(match late {
            Some((year, month)) => to_js(&UploadOverdueView {
                month: format!("{year:04}-{month:02}"),
                upload_day: day,
            }),
            None => JsValue::NULL,
        })
    }

    /// A blank score sheet with the rules' item columns (UTF-8 with BOM).
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = scoreSheetTemplate)]
    pub fn score_sheet_template(&self) -> String {
        scoresheet::template(&self.inner().ledger.borrow().state().rules)
    }
}

/// Like [`promise`], for a future whose errors are JS values already.
fn future_promise<F>(future: F) -> js_sys::Promise
where
    F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    wasm_bindgen_futures::future_to_promise(future)
}
