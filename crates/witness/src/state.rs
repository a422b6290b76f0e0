//! The witness's own SQLite file: per log, the latest checkpoint it
//! cosigned, and the signed checkpoints that contradicted it. `synchronous =
//! FULL`: a cosignature is handed out only after its state is on disk.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use truce_record::{ForkEvidence, WitnessState};

use crate::Refusal;

/// A contradiction the witness refused to cosign.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Fork {
    pub origin: String,
    pub reason: String,
    pub earlier: String,
    pub later: String,
    pub found_at: u64,
}

#[derive(Debug, Clone)]
pub struct StateStore {
    pool: SqlitePool,
}

fn state_error(e: impl std::fmt::Display) -> Refusal {
    Refusal::State(e.to_string())
}

impl StateStore {
    /// Opens (creating) `witness.sqlite` in `dir`.
    pub async fn open(dir: &Path) -> Result<Self, Refusal> {
        std::fs::create_dir_all(dir).map_err(state_error)?;
        let options = SqliteConnectOptions::new()
            .filename(dir.join("witness.sqlite"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(state_error)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(state_error)?;
        Ok(Self { pool })
    }

    pub async fn latest(&self, origin: &str) -> Result<Option<WitnessState>, Refusal> {
        Ok(self.latest_with_time(origin).await?.map(|(s, _)| s))
    }

    /// The latest cosigned state and the time it was cosigned (seconds).
    pub async fn latest_with_time(
        &self,
        origin: &str,
    ) -> Result<Option<(WitnessState, u64)>, Refusal> {
        let row =
            sqlx::query("SELECT size, root, note, cosigned_at FROM cosigned WHERE origin = $1")
                .bind(origin)
                .fetch_optional(&self.pool)
                .await
                .map_err(state_error)?;
        row.map(|row| {
            let size: i64 = row.try_get(0).map_err(state_error)?;
            let note: Vec<u8> = row.try_get(2).map_err(state_error)?;
            let at: i64 = row.try_get(3).map_err(state_error)?;
            Ok((
                WitnessState {
                    origin: origin.to_string(),
                    size: size as u64,
                    root: row.try_get(1).map_err(state_error)?,
                    checkpoint: String::from_utf8_lossy(&note).into_owned(),
                },
                at as u64,
            ))
        })
        .transpose()
    }

    /// Replaces the log's latest cosigned checkpoint, durably.
    pub async fn store(&self, state: &WitnessState, now: u64) -> Result<(), Refusal> {
        let size = i64::try_from(state.size).map_err(state_error)?;
        sqlx::query(
            "INSERT INTO cosigned (origin, size, root, note, cosigned_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root,
                 note = excluded.note, cosigned_at = excluded.cosigned_at",
        )
        .bind(&state.origin)
        .bind(size)
        .bind(&state.root)
        .bind(state.checkpoint.as_bytes())
        .bind(now as i64)
        .execute(&self.pool)
        .await
        .map_err(state_error)?;
        Ok(())
    }

    pub async fn keep_fork(
        &self,
        origin: &str,
        evidence: &ForkEvidence,
        now: u64,
    ) -> Result<(), Refusal> {
        sqlx::query("INSERT INTO forks (origin, reason, earlier, later, found_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(origin)
            .bind(&evidence.reason)
            .bind(evidence.earlier.as_bytes())
            .bind(evidence.later.as_bytes())
            .bind(now as i64)
            .execute(&self.pool)
            .await
            .map_err(state_error)?;
        Ok(())
    }

    pub async fn forks(&self) -> Result<Vec<Fork>, Refusal> {
        let rows =
            sqlx::query("SELECT origin, reason, earlier, later, found_at FROM forks ORDER BY id")
                .fetch_all(&self.pool)
                .await
                .map_err(state_error)?;
        rows.into_iter()
            .map(|row| {
                let text = |i: usize| -> Result<String, Refusal> {
                    let bytes: Vec<u8> = row.try_get(i).map_err(state_error)?;
                    Ok(String::from_utf8_lossy(&bytes).into_owned())
                };
                Ok(Fork {
                    origin: row.try_get(0).map_err(state_error)?,
                    reason: row.try_get(1).map_err(state_error)?,
                    earlier: text(2)?,
                    later: text(3)?,
                    found_at: row.try_get::<i64, _>(4).map_err(state_error)? as u64,
                })
            })
            .collect()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
