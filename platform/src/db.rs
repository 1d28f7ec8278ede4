//! The database: a connection pool from `DATABASE_URL`, and the schema from
//! the numbered migrations in `platform/migrations/`, applied in one
//! transaction at start.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use std::time::Duration;
use tokio_postgres::NoTls;

/// The migrations, in order. A migration once released is never edited: a
/// change is a new file.
const MIGRATIONS: [(i32, &str, &str); 2] = [
    (
        1,
        "0001_schema",
        include_str!("../migrations/0001_schema.sql"),
    ),
    (
        2,
        "0002_county",
        include_str!("../migrations/0002_county.sql"),
    ),
];

/// How long a request waits for a connection before it answers busy.
pub const CONNECTION_WAIT: Duration = Duration::from_secs(5);

/// A pool for `url` (a libpq URL or `key=value` string).
pub fn pool(url: &str, size: usize) -> Result<Pool, String> {
    let config: tokio_postgres::Config = url
        .parse()
        .map_err(|error| format!("DATABASE_URL: {error}"))?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .timeouts(Timeouts {
            wait: Some(CONNECTION_WAIT),
            create: Some(CONNECTION_WAIT),
            recycle: Some(CONNECTION_WAIT),
        })
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|error| format!("database pool: {error}"))
}

/// Applies the migrations not yet applied, all in one transaction (a
/// failure leaves the schema as it was). Two processes starting at once
/// wait for each other on an advisory lock.
pub async fn migrate(pool: &Pool) -> Result<Vec<i32>, String> {
    let mut client = pool
        .get()
        .await
        .map_err(|error| format!("database: {error}"))?;
    let tx = client.transaction().await.map_err(sql_error)?;
    tx.execute("SELECT pg_advisory_xact_lock(7412001)", &[])
        .await
        .map_err(sql_error)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
           version integer PRIMARY KEY, name text NOT NULL, \
           applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await
    .map_err(sql_error)?;
    let applied: Vec<i32> = tx
        .query("SELECT version FROM schema_migrations", &[])
        .await
        .map_err(sql_error)?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let mut now_applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if applied.contains(&version) {
            continue;
        }
        tx.batch_execute(sql)
            .await
            .map_err(|error| format!("migration {name}: {}", sql_error(error)))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&version, &name],
        )
        .await
        .map_err(sql_error)?;
        now_applied.push(version);
    }
    tx.commit().await.map_err(sql_error)?;
    Ok(now_applied)
}

/// A database error as one line, with PostgreSQL's own message when it
/// sent one.
pub fn sql_error(error: tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => error.to_string(),
    }
}
