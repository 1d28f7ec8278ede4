//! The county platform: receives every kiosk's journal over HTTP (or from
//! USB batches on the command line), verifies its chain and folds it with
//! the kiosk's own core, so both sides run one implementation of the rules.
//!
//! `db` owns the pool and the migrations, `fold` the state at each kiosk's
//! head, `ingest` what a batch means against what is held, `http` the `/v1`
//! protocol and CORS, `admin` the county's commands; `restore`, `credits`
//! and `county` the county's side: restoring a lost kiosk, credits that go
//! down to it, and the staff's overview with its access log. The platform never
//! repairs a journal: it holds what was proved, and says why it refuses
//! the rest.

pub mod admin;
pub mod county;
pub mod credits;
pub mod db;
pub mod fold;
pub mod http;
pub mod ingest;
pub mod restore;

use std::net::SocketAddr;

/// Serves the protocol on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, app: http::App) -> std::io::Result<()> {
    let router = http::router(app);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
