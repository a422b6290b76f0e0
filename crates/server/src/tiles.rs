//! The Record in C2SP tlog-tiles form, beside the JSON API, so standard
//! transparency tooling (and `truce mirror`) can read it: the checkpoint
//! as a signed note, hash tiles, and entry bundles.
//!
//! Hash tiles and the checkpoint are public, as proofs are; entry bundles
//! hold the statements' bytes (narratives), so they are served to members
//! (observer access and up), as `/api/v1/entries` is.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use truce_record::{tile_end, TILE_WIDTH};

use crate::auth::{Allowed, Caller, EntriesGate, Resource};
use crate::{AppState, ServerError};

/// Tiles and bundles never change once served: cache them for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Bundles hold narratives: only the member's own cache may keep them.
const IMMUTABLE_PRIVATE: &str = "private, max-age=31536000, immutable";

/// `GET /checkpoint`: the latest checkpoint with the witnesses' cosignatures.
pub async fn checkpoint(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, ServerError> {
    caller.require(Resource::Verification)?;
    let (checkpoint, _) = crate::log::checkpoint_with_cosignatures(&state, None).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        checkpoint.note().to_vec(),
    )
        .into_response())
}

/// Where a tile path points.
#[derive(Debug, PartialEq, Eq)]
pub struct TilePath {
    /// `None` for an entry bundle.
    pub level: Option<u8>,
    pub index: u64,
    /// 256 for a full tile.
    pub width: u16,
}

/// Parses what follows `tile/`: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`,
/// with N in zero-padded 3-digit elements, all but the last prefixed `x`.
pub fn parse_tile_path(path: &str) -> Option<TilePath> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let first = parts.remove(0);
    let level = if first == "entries" {
        None
    } else {
        Some(decimal(first).filter(|l| *l <= 63)? as u8)
    };
    let mut width = TILE_WIDTH;
    if parts.len() >= 2 && parts[parts.len() - 2].ends_with(".p") {
        let w = decimal(parts.pop()?)?;
        if !(1..u64::from(TILE_WIDTH)).contains(&w) {
            return None;
        }
        width = w as u16;
        let last = parts.pop()?;
        parts.push(last.strip_suffix(".p")?);
    }
    let (last, leading) = parts.split_last()?;
    let mut index: u64 = 0;
    for element in leading {
        index = index
            .checked_mul(1000)?
            .checked_add(three_digits(element.strip_prefix('x')?)?)?;
    }
    index = index.checked_mul(1000)?.checked_add(three_digits(last)?)?;
    Some(TilePath {
        level,
        index,
        width,
    })
}

fn three_digits(text: &str) -> Option<u64> {
    (text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// A decimal with no leading zeroes.
fn decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

fn no_tile(path: &str) -> ServerError {
    ServerError::NotFound(format!(
        "no tile at tile/{path}: the Record's checkpoints do not cover it"
    ))
}

/// `GET /tile/<L>/<N>[.p/<W>]` (public) and `GET /tile/entries/<N>[.p/<W>]`
/// (members).
pub async fn tile(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<String>,
) -> Result<Response, ServerError> {
    let Some(tile) = parse_tile_path(&path) else {
        return Err(ServerError::NotFound(format!(
            "tile/{path} is not a tile path (tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>])"
        )));
    };
    let body = match tile.level {
        Some(level) => {
            caller.require(Resource::Verification)?;
            let bytes = state
                .ledger
                .tile(level, tile.index, tile.width)
                .ok_or_else(|| no_tile(&path))?;
            (bytes, IMMUTABLE)
        }
        None => {
            Allowed::<EntriesGate>::from_caller(caller)?;
            (entry_bundle(&state, &tile, &path).await?, IMMUTABLE_PRIVATE)
        }
    };
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(body.1)),
        ],
        body.0,
    )
        .into_response())
}

async fn entry_bundle(
    state: &AppState,
    tile: &TilePath,
    path: &str,
) -> Result<Vec<u8>, ServerError> {
    let end = tile_end(0, tile.index, tile.width)
        .filter(|end| *end <= state.ledger.size())
        .ok_or_else(|| no_tile(path))?;
    let first = end - u64::from(tile.width);
    let entries = state
        .ledger
        .store()
        .entries(first, u64::from(tile.width))
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    if entries.len() != usize::from(tile.width) {
        return Err(ServerError::Internal(format!(
            "the store lacks entries of bundle {}",
            tile.index
        )));
    }
    let mut bundle = Vec::with_capacity(entries.iter().map(|e| e.statement.len() + 66).sum());
    for entry in entries {
        let length = entry.statement.len() + entry.signature.len();
        let length = u16::try_from(length).map_err(|_| {
            ServerError::Internal(format!(
                "entry {} is {length} bytes, too large for an entry bundle",
                entry.position
            ))
        })?;
        bundle.extend_from_slice(&length.to_be_bytes());
        bundle.extend_from_slice(&entry.statement);
        bundle.extend_from_slice(&entry.signature);
    }
    Ok(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(path: &str) -> Option<(Option<u8>, u64, u16)> {
        parse_tile_path(path).map(|t| (t.level, t.index, t.width))
    }

    #[test]
    fn tile_paths_follow_the_spec() {
        assert_eq!(parsed("0/000"), Some((Some(0), 0, 256)));
        assert_eq!(parsed("1/x001/x234/067"), Some((Some(1), 1_234_067, 256)));
        assert_eq!(parsed("0/x001/x234/067.p/8"), Some((Some(0), 1_234_067, 8)));
        assert_eq!(parsed("entries/001.p/255"), Some((None, 1, 255)));
        assert_eq!(parsed("entries/x001/000"), Some((None, 1000, 256)));
        for bad in [
            "0/0",
            "00/000",
            "0/x000",
            "0/001/002",
            "0/000.p/0",
            "0/000.p/256",
            "0/000.p/08",
            "64/000",
            "entries",
            "0/000.p",
            "0/x99999999999999999999/000",
            "data/000",
            "8/000",
        ] {
            if bad == "8/000" {
                // Level 8 is a valid path; the tree just never holds it.
                assert!(parsed(bad).is_some());
                continue;
            }
            assert_eq!(parsed(bad), None, "{bad}");
        }
    }
}
