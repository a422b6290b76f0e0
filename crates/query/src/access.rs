//! What the monitors could and could not see: the restrictions of their
//! access as members read them, and for a day each governorate's
//! observation state with the assets that cover it. The public sees the
//! governorates' states (the map shows them); members see the assets too.

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{AccessActor, AccessId, AccessKind, AccessPlace, Covers};
use truce_regime::{day_bounds, Asset, Register, Restriction};

use crate::{one_of, Audience, QueryError};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessView {
    /// `A-<position>`.
    pub id: String,
    pub position: u64,
    /// The guarantor's member who recorded it, and its party.
    pub recorded_by: String,
    pub recorded_by_party: String,
    /// Who denied: a formation's id or a party's name.
    pub by: String,
    /// `formation` or `party`.
    pub by_kind: String,
    /// `denial`, `restriction`, `threat` or `jamming`.
    pub kind: String,
    /// ISO 3166-2 code of the governorate the place lies in.
    pub governorate: String,
    pub governorate_name: String,
    /// The point, when one was given rather than a whole governorate.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub from: String,
    pub until: String,
    pub prevented: String,
}

/// Which restrictions to list.
#[derive(Debug, Clone, Default)]
pub struct AccessFilter {
    /// By this formation (its id) or party (its name).
    pub by: Option<String>,
    pub kind: Option<AccessKind>,
    /// Lasting through some of this mechanism day.
    pub day: Option<Date>,
    /// In this governorate (ISO code).
    pub governorate: Option<String>,
}

impl AccessFilter {
    /// Reads a kind's name (`denial`, `restriction`, `threat`, `jamming`).
    pub fn kind_named(text: &str) -> Result<AccessKind, QueryError> {
        one_of(&AccessKind::ALL, AccessKind::as_str, text)
            .map_err(|reason| QueryError::invalid("kind", reason))
    }
}

fn view(register: &Register, r: &Restriction) -> AccessView {
    let (lat, lon) = match &r.at {
        AccessPlace::Point(point) => (Some(point.lat), Some(point.lon)),
        AccessPlace::Governorate(_) => (None, None),
    };
    AccessView {
        id: r.id.to_string(),
        position: r.id.0,
        recorded_by: r.recorded_by.to_string(),
        recorded_by_party: r.party.to_string(),
        by: r.by.to_string(),
        by_kind: match &r.by {
            AccessActor::Formation(_) => "formation",
            AccessActor::Party(_) => "party",
        }
        .into(),
        kind: r.kind.as_str().into(),
        governorate_name: register.governorate_name(&r.governorate),
        governorate: r.governorate.clone(),
        lat,
        lon,
        from: r.from.to_string(),
        until: r.until.to_string(),
        prevented: r.prevented.clone(),
    }
}

/// Restrictions matching `filter`, the latest recorded first.
pub fn access(register: &Register, filter: &AccessFilter) -> Vec<AccessView> {
    let day = filter.day.map(|d| day_bounds(register.config(), d));
    register
        .access()
        .iter()
        .rev()
        .filter(|r| filter.by.as_deref().is_none_or(|by| r.by.to_string() == by))
        .filter(|r| filter.kind.is_none_or(|k| r.kind == k))
        .filter(|r| day.is_none_or(|(start, end)| r.overlaps(start, end)))
        .filter(|r| {
            filter
                .governorate
                .as_deref()
                .is_none_or(|g| r.governorate == g)
        })
        .map(|r| view(register, r))
        .collect()
}

pub fn access_one(register: &Register, id: AccessId) -> Result<AccessView, QueryError> {
    register
        .access()
        .get(id)
        .map(|r| view(register, r))
        .ok_or_else(|| QueryError::NotFound(format!("no restriction of access {id}")))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GovernorateStateView {
    pub code: String,
    pub name: String,
    /// `observed` or `not_observed`.
    pub state: String,
    /// Active reports placed there that day.
    pub reports: usize,
    /// Observed, with no report.
    pub no_violation_observed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetStatusView {
    /// `working` or `down`.
    pub status: String,
    pub from: String,
    pub position: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetView {
    pub id: String,
    /// `post`, `camera`, `patrol_area` or `uav`.
    pub kind: String,
    pub name: String,
    pub party: String,
    pub registered_by: String,
    pub position: u64,
    /// ISO codes of the governorates it covers.
    pub governorates: Vec<String>,
    /// The point it stands at, when registered by its point.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `working` or `down` at the day's end (or now, for today); none
    /// when registered later.
    pub status: Option<String>,
    /// Every status by the time it took effect.
    pub history: Vec<AssetStatusView>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageView {
    /// The mechanism's day.
    pub day: String,
    /// Whether the Record names any asset or restriction of access at all:
    /// without either, "not observed" everywhere says only that the
    /// mechanism does not record coverage, and the map leaves it out.
    pub tracked: bool,
    /// Every governorate, observed or not that day.
    pub governorates: Vec<GovernorateStateView>,
    /// Members only; empty for the public.
    pub assets: Vec<AssetView>,
}

fn asset_view(asset: &Asset, at: Timestamp) -> AssetView {
    let (lat, lon) = match &asset.covers {
        Covers::Point(point) => (Some(point.lat), Some(point.lon)),
        Covers::Governorates(_) => (None, None),
    };
    AssetView {
        id: asset.id.to_string(),
        kind: asset.kind.as_str().into(),
        name: asset.name.clone(),
        party: asset.party.to_string(),
        registered_by: asset.registered_by.to_string(),
        position: asset.position,
        governorates: asset.governorates.clone(),
        lat,
        lon,
        status: asset.status_at(at).map(|s| s.as_str().to_string()),
        history: asset
            .history
            .iter()
            .map(|s| AssetStatusView {
                status: s.status.as_str().into(),
                from: s.from.to_string(),
                position: s.position,
            })
            .collect(),
    }
}

/// Each governorate's observation state on `day`, and for members the
/// assets with their status at the day's end (or at `now`, if sooner).
pub fn coverage(
    register: &Register,
    day: Date,
    audience: Audience,
    now: Timestamp,
) -> CoverageView {
    let governorates = register
        .observation_on(day)
        .into_iter()
        .map(|g| GovernorateStateView {
            no_violation_observed: g.no_violation_observed(),
            state: g.observation.as_str().into(),
            code: g.code,
            name: g.name,
            reports: g.reports,
        })
        .collect();
    let (_, end) = day_bounds(register.config(), day);
    let at = (end - jiff::SignedDuration::from_nanos(1)).min(now);
    let assets = if audience.is_member() {
        register
            .coverage()
            .iter()
            .map(|a| asset_view(a, at))
            .collect()
    } else {
        Vec::new()
    };
    CoverageView {
        day: day.to_string(),
        tracked: !register.coverage().is_empty() || !register.access().is_empty(),
        governorates,
        assets,
    }
}
