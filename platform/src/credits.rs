//! Credits decided at the county. `aixin-platform credits import` reads the
//! same points file the kiosk imports, with the core's own importer (same
//! formats, same refusals, the households checked against the kiosk's
//! journal as the platform folded it) and keeps each row as a pending
//! credit keyed as the kiosk keys credits, (household, period, source). The
//! kiosk fetches what it has not taken (`GET /v1/kiosks/{id}/credits`),
//! appends ordinary credit entries with those keys, and uploads them; a
//! pending credit is taken once the folded journal holds its key. A key is
//! stored once, so a credit offered twice is credited once.

use crate::admin::AdminResult;
use crate::db::sql_error;
use crate::fold::{self, Cache, LoadError};
use crate::http::{authorised, bearer_hash, connection, county_id, now_ms, sha256, App, Fail};
use crate::ingest::{KioskRow, KIOSK_COLUMNS};
use aixin_kiosk::ids::{HouseholdCode, Period, Text};
use aixin_kiosk::import::{self, ImportKind, RowStatus};
use aixin_kiosk::points::Points;
use aixin_kiosk::state::State as Folded;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use deadpool_postgres::Pool;
use serde::Serialize;
use tokio_postgres::Transaction;

pub fn routes() -> Router<App> {
    Router::new().route("/v1/kiosks/{id}/credits", get(waiting_credits))
}

/// The core's id of a credit entry, which is also how the kiosk and the
/// platform name a credit key.
pub fn credit_key(household: &str, period: &str, source: &str) -> String {
    format!("credit:{household}:{period}:{source}")
}

/// The text of a points file: UTF-8 (with or without BOM) or UTF-16 as the
/// core reads it, else GBK, as Excel saves a CSV on a Chinese Windows PC.
pub fn decode_file(bytes: &[u8]) -> Result<String, String> {
    match import::decode_bytes(bytes) {
        Ok(text) => Ok(text),
        Err(error) if error.problem == import::ImportProblem::NotText => encoding_rs::GBK
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
            .ok_or_else(|| format!("{}\n{}", error.message_zh(), error.message_en())),
        Err(error) => Err(format!("{}\n{}", error.message_zh(), error.message_en())),
    }
}

/// The kiosk row of `id`, locked against uploads (`FOR SHARE`) for the rest
/// of the transaction, with the state its journal folds to. The state goes
/// back into the cache while the row is still locked, so the next upload
/// finds it at the head it was folded to.
pub async fn folded(
    client: &Transaction<'_>,
    cache: &Cache,
    id: &str,
) -> Result<Option<(KioskRow, Folded)>, LoadError> {
    let sql = format!("SELECT {KIOSK_COLUMNS} FROM kiosk WHERE county_id = $1 FOR SHARE");
    let Some(kiosk) = client
        .query_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(KioskRow::from_row)
    else {
        return Ok(None);
    };
    let state = fold::load(client, cache, id, kiosk.head_seq, &kiosk.head_hash)
        .await?
        .into_state()
        .unwrap_or_default();
    cache.put(id, state.clone());
    Ok(Some((kiosk, state)))
}

/// Marks the pending credits of `id` whose key the folded journal holds as
/// taken, with the seq of the kiosk's credit entry. Answers how many wait.
pub async fn mark_taken(
    client: &Transaction<'_>,
    id: &str,
    state: &Folded,
) -> Result<i64, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT household, period, source FROM pending_credit WHERE kiosk = $1 AND taken_seq IS NULL",
            &[&id],
        )
        .await?;
    let mut waiting = 0;
    for row in &rows {
        let (household, period, source): (&str, &str, &str) = (row.get(0), row.get(1), row.get(2));
        let taken = key_of(household, period, source).and_then(|key| state.credits.get(&key));
        match taken {
            Some((seq, _)) => {
                client
                    .execute(
                        "UPDATE pending_credit SET taken_seq = $5 \
                         WHERE kiosk = $1 AND household = $2 AND period = $3 AND source = $4",
                        &[&id, &household, &period, &source, &(*seq as i64)],
                    )
                    .await?;
            }
            None => waiting += 1,
        }
    }
    Ok(waiting)
}

fn key_of(household: &str, period: &str, source: &str) -> Option<(HouseholdCode, Period, Text)> {
    Some((
        HouseholdCode::new(household).ok()?,
        Period::new(period).ok()?,
        Text::new(source, 200).ok()?,
    ))
}

/// What `credits import` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Credits now waiting for the kiosk.
    pub added: usize,
    /// Rows already waiting with the same amount.
    pub already_waiting: usize,
    /// Rows the kiosk holds already (credited with the file's amount).
    pub already_credited: usize,
    /// Σ points of the added credits.
    pub added_points: Points,
}

/// `credits import`: the rows of `bytes` as pending credits of `id`, all or
/// nothing. Any bad row (a bad cell, an unknown household, a key the kiosk
/// or the platform holds with another amount) refuses the file, naming
/// every bad row.
pub async fn import_file(
    pool: &Pool,
    cache: &Cache,
    id: &str,
    bytes: &[u8],
    by: &str,
) -> AdminResult<Imported> {
    let text = decode_file(bytes)?;
    let mut client = pool.get().await.map_err(|error| error.to_string())?;
    let tx = client.transaction().await.map_err(sql_error)?;
    let (kiosk, state) = folded(&tx, cache, id)
        .await
        .map_err(load)?
        .ok_or(format!("no kiosk {id}"))?;
    if kiosk.head_seq == 0 {
        return Err(format!(
            "kiosk {id} has never uploaded: the platform does not know its households yet\n\
             终端 {id} 尚未上传过，平台还不知道它的住户"
        ));
    }
    let preview = import::preview(&state, ImportKind::Credits, &text, None)
        .map_err(|errors| format!("{}\n{}", errors.message_zh(), errors.message_en()))?;
    let file_sha256 = sha256(bytes);
    let mut imported = Imported::default();
    let mut bad_zh = Vec::new();
    let mut bad_en = Vec::new();
    for row in &preview.file.credits {
        let (household, period, source) = (
            row.household.as_str(),
            row.period.as_str(),
            row.source.as_str(),
        );
        let status = preview
            .rows
            .iter()
            .find(|preview_row| preview_row.line == row.line)
            .map(|preview_row| &preview_row.status);
        match status.unwrap_or(&RowStatus::New) {
            RowStatus::AlreadyImported => imported.already_credited += 1,
            RowStatus::Skipped => {}
            RowStatus::Conflict(conflict) => {
                bad_zh.push(format!(
                    "第 {} 行:{household} {period} {source} 终端已入账 {},文件为 {}",
                    row.line,
                    conflict.credited.fixed(),
                    conflict.file_amount.fixed()
                ));
                bad_en.push(format!(
                    "Row {}: {household} {period} {source} is credited {} on the kiosk, the file says {}",
                    row.line, conflict.credited.fixed(), conflict.file_amount.fixed()
                ));
            }
            _ => {
                let held: Option<i64> = tx
                    .query_opt(
                        "SELECT amount FROM pending_credit WHERE kiosk = $1 AND household = $2 AND period = $3 AND source = $4",
                        &[&id, &household, &period, &source],
                    )
                    .await
                    .map_err(sql_error)?
                    .map(|held| held.get(0));
                match held {
                    Some(amount) if amount == row.amount.hundredths() => {
                        imported.already_waiting += 1
                    }
                    Some(amount) => {
                        let held = Points::from_hundredths(amount)
                            .unwrap_or(Points::ZERO)
                            .fixed();
                        bad_zh.push(format!(
                            "第 {} 行:{household} {period} {source} 平台已有待下发的 {held},文件为 {}",
                            row.line, row.amount.fixed()
                        ));
                        bad_en.push(format!(
                            "Row {}: {household} {period} {source} already waits on the platform as {held}, the file says {}",
                            row.line, row.amount.fixed()
                        ));
                    }
                    None => {
                        tx.execute(
                            "INSERT INTO pending_credit (kiosk, household, period, source, amount, reason, imported_by, file_sha256) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            &[
                                &id,
                                &household,
                                &period,
                                &source,
                                &row.amount.hundredths(),
                                &row.reason.as_ref().map(|reason| reason.as_str()),
                                &by,
                                &file_sha256,
                            ],
                        )
                        .await
                        .map_err(sql_error)?;
                        imported.added += 1;
                        imported.added_points = imported
                            .added_points
                            .checked_add(row.amount)
                            .unwrap_or(imported.added_points);
                    }
                }
            }
        }
    }
    if !bad_zh.is_empty() {
        // The transaction is dropped: nothing of the file is kept.
        return Err(format!(
            "文件有 {} 处错误,什么都没有导入:\n{}\nThe file has {} problem(s); nothing was imported:\n{}",
            bad_zh.len(),
            bad_zh.join("\n"),
            bad_en.len(),
            bad_en.join("\n")
        ));
    }
    tx.commit().await.map_err(sql_error)?;
    Ok(imported)
}

fn load(error: LoadError) -> String {
    match error {
        LoadError::Database(error) => sql_error(error),
        LoadError::Damaged(detail) => format!("stored journal: {detail}"),
    }
}

/// One credit for the kiosk to append.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitingCredit {
    /// `credit:{household}:{period}:{source}`, the kiosk's entry id.
    pub key: String,
    pub household: String,
    pub period: String,
    pub source: String,
    /// Points with two decimals, `"12.50"`.
    pub amount: String,
    pub reason: Option<String>,
}

/// 200 to `GET /v1/kiosks/{id}/credits`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    pub credits: Vec<WaitingCredit>,
    pub server_time_ms: i64,
}

async fn waiting_credits(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Waiting>, Fail> {
    let id = county_id(&id)?.to_string();
    let token_hash = bearer_hash(&headers).ok_or_else(Fail::unauthorized)?;
    let mut client = connection(&app).await?;
    let tx = client.transaction().await?;
    let sql = format!("SELECT {KIOSK_COLUMNS} FROM kiosk WHERE county_id = $1");
    let kiosk = tx
        .query_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(KioskRow::from_row);
    kiosk
        .filter(|kiosk| authorised(kiosk, &token_hash))
        .ok_or_else(Fail::unauthorized)?;
    let (_, state) = folded(&tx, &app.cache, &id)
        .await?
        .ok_or_else(Fail::unauthorized)?;
    mark_taken(&tx, &id, &state).await?;
    let rows = tx
        .query(
            "SELECT household, period, source, amount, reason FROM pending_credit \
             WHERE kiosk = $1 AND taken_seq IS NULL ORDER BY imported_at, household, period, source",
            &[&id],
        )
        .await?;
    tx.commit().await?;
    let credits = rows
        .iter()
        .map(|row| {
            let (household, period, source): (String, String, String) =
                (row.get(0), row.get(1), row.get(2));
            let amount = Points::from_hundredths(row.get(3)).unwrap_or(Points::ZERO);
            WaitingCredit {
                key: credit_key(&household, &period, &source),
                household,
                period,
                source,
                amount: amount.fixed().to_string(),
                reason: row.get(4),
            }
        })
        .collect();
    Ok(Json(Waiting {
        credits,
        server_time_ms: now_ms(),
    }))
}
