//! The SQL of both backends. The statements are the same text for SQLite
//! and PostgreSQL (`$n` placeholders, `ON CONFLICT` upserts, integers and
//! byte strings only), so they are written once and instantiated per driver;
//! what differs — how a writer takes the write lock — is passed in. A
//! SQLite file's group commits are written without sqlx (`direct.rs`);
//! PostgreSQL's are here, as multi-row INSERTs.

use sqlx::{QueryBuilder, Row};

use crate::store::{to_u64, BatchNumbers};
use crate::{Batch, StoreError};

macro_rules! backend {
    ($module:ident, $db:ty, |$pool:ident| $begin:expr) => {
        pub(crate) mod $module {
            use sqlx::Row;
            use truce_record::Hash;

            use crate::store::{hashes_of_run, lookup_i64, to_i64, to_u64};
            use crate::{StoreError, StoredEntry};

            type Pool = sqlx::Pool<$db>;

            pub(crate) async fn size(pool: &Pool) -> Result<u64, StoreError> {
                let row = sqlx::query("SELECT COALESCE(MAX(position) + 1, 0) FROM entries")
                    .fetch_one(pool)
                    .await?;
                to_u64(row.try_get::<i64, _>(0)?)
            }

            pub(crate) async fn entries(
                pool: &Pool,
                from: u64,
                limit: u64,
            ) -> Result<Vec<StoredEntry>, StoreError> {
                let Some(from) = lookup_i64(from) else {
                    return Ok(Vec::new());
                };
                let limit = lookup_i64(limit).unwrap_or(i64::MAX);
                let rows = sqlx::query(
                    "SELECT position, statement, signature FROM entries
                     WHERE position >= $1 ORDER BY position LIMIT $2",
                )
                .bind(from)
                .bind(limit)
                .fetch_all(pool)
                .await?;
                rows.into_iter()
                    .map(|row| {
                        Ok(StoredEntry {
                            position: to_u64(row.try_get(0)?)?,
                            statement: row.try_get(1)?,
                            signature: row.try_get(2)?,
                        })
                    })
                    .collect()
            }

            pub(crate) async fn tree_hashes(pool: &Pool) -> Result<Vec<(u64, Hash)>, StoreError> {
                let rows = sqlx::query("SELECT first_index, hashes FROM tree_hash_runs ORDER BY first_index")
                    .fetch_all(pool)
                    .await?;
                let mut stored = Vec::new();
                for row in rows {
                    let first = to_u64(row.try_get(0)?)?;
                    let hashes: Vec<u8> = row.try_get(1)?;
                    stored.extend(hashes_of_run(first, &hashes)?);
                }
                Ok(stored)
            }

            pub(crate) async fn checkpoints(pool: &Pool) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
                let rows = sqlx::query("SELECT size, note FROM checkpoints ORDER BY size")
                    .fetch_all(pool)
                    .await?;
                rows.into_iter()
                    .map(|row| Ok((to_u64(row.try_get(0)?)?, row.try_get(1)?)))
                    .collect()
            }

            pub(crate) async fn latest_checkpoint(
                pool: &Pool,
            ) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
                let row = sqlx::query("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1")
                    .fetch_optional(pool)
                    .await?;
                row.map(|row| Ok((to_u64(row.try_get(0)?)?, row.try_get(1)?)))
                    .transpose()
            }

            pub(crate) async fn checkpoint(pool: &Pool, size: u64) -> Result<Option<Vec<u8>>, StoreError> {
                let Some(size) = lookup_i64(size) else {
                    return Ok(None);
                };
                let row = sqlx::query("SELECT note FROM checkpoints WHERE size = $1")
                    .bind(size)
                    .fetch_optional(pool)
                    .await?;
                Ok(row.map(|row| row.try_get(0)).transpose()?)
            }

            /// Rewrites the latest checkpoint row with its own value under
            /// the write lock: a commit that changes nothing, but needs the
            /// lock and room for the database's log as a real one does.
            pub(crate) async fn probe_write(pool: &Pool) -> Result<(), StoreError> {
                let $pool = pool;
                let mut tx = $begin;
                sqlx::query(
                    "UPDATE checkpoints SET note = note WHERE size = (SELECT MAX(size) FROM checkpoints)",
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn add_checkpoint(pool: &Pool, size: u64, note: &[u8]) -> Result<(), StoreError> {
                sqlx::query("INSERT INTO checkpoints (size, note) VALUES ($1, $2) ON CONFLICT (size) DO NOTHING")
                    .bind(to_i64(size)?)
                    .bind(note)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub(crate) async fn add_cosignature(
                pool: &Pool,
                size: u64,
                witness: &str,
                line: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO cosignatures (size, witness, signature_line) VALUES ($1, $2, $3)
                     ON CONFLICT (size, witness) DO UPDATE SET signature_line = excluded.signature_line",
                )
                .bind(to_i64(size)?)
                .bind(witness)
                .bind(line)
                .execute(pool)
                .await?;
                Ok(())
            }

            pub(crate) async fn all_cosignatures(pool: &Pool) -> Result<Vec<(u64, String)>, StoreError> {
                let rows = sqlx::query("SELECT size, signature_line FROM cosignatures ORDER BY size, witness")
                    .fetch_all(pool)
                    .await?;
                rows.into_iter()
                    .map(|row| Ok((to_u64(row.try_get(0)?)?, row.try_get(1)?)))
                    .collect()
            }

            pub(crate) async fn cosignatures(pool: &Pool, size: u64) -> Result<Vec<String>, StoreError> {
                let Some(size) = lookup_i64(size) else {
                    return Ok(Vec::new());
                };
                let rows = sqlx::query(
                    "SELECT signature_line FROM cosignatures WHERE size = $1 ORDER BY witness",
                )
                .bind(size)
                .fetch_all(pool)
                .await?;
                rows.into_iter().map(|row| Ok(row.try_get(0)?)).collect()
            }
        }
    };
}

// SQLite: take the write lock at BEGIN, so two writers never both read the
// same end of the Record.
backend!(sqlite, sqlx::Sqlite, |pool| pool
    .begin_with("BEGIN IMMEDIATE")
    .await?);
backend!(postgres, sqlx::Postgres, |pool| super::begin_postgres(pool)
    .await?);

/// PostgreSQL: the size check and the inserts run under a table lock that
/// only other writers wait for.
async fn begin_postgres(
    pool: &sqlx::PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE entries IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Rows per multi-row INSERT: well under PostgreSQL's limit of 65,535
/// bound parameters. (A SQLite file's batches are written by `direct.rs`.)
const ROWS_PER_INSERT: usize = 1_000;

pub(crate) async fn append_postgres(pool: &sqlx::PgPool, batch: &Batch) -> Result<(), StoreError> {
    let BatchNumbers {
        entries,
        first_hash,
        hashes,
        checkpoint_size,
    } = batch.numbers()?;
    let mut tx = begin_postgres(pool).await?;
    let row = sqlx::query("SELECT COALESCE(MAX(position) + 1, 0) FROM entries")
        .fetch_one(&mut *tx)
        .await?;
    let found = to_u64(row.try_get::<i64, _>(0)?)?;
    if found != batch.first_position() {
        return Err(StoreError::Conflict {
            expected: batch.first_position(),
            found,
        });
    }
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        let mut insert = QueryBuilder::<sqlx::Postgres>::new(
            "INSERT INTO entries (position, statement, signature) ",
        );
        insert.push_values(chunk, |mut row, (position, e)| {
            row.push_bind(*position)
                .push_bind(e.statement.as_slice())
                .push_bind(e.signature.as_slice());
        });
        insert.build().execute(&mut *tx).await?;
    }
    if !hashes.is_empty() {
        sqlx::query("INSERT INTO tree_hash_runs (first_index, hashes) VALUES ($1, $2)")
            .bind(first_hash)
            .bind(hashes.as_slice())
            .execute(&mut *tx)
            .await?;
    }
    if let (Some(checkpoint), Some(size)) = (&batch.checkpoint, checkpoint_size) {
        sqlx::query("INSERT INTO checkpoints (size, note) VALUES ($1, $2)")
            .bind(size)
            .bind(checkpoint.note())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
