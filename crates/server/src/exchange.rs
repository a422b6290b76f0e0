//! Reads of the exchanges: lists by their counts, matches, projects with
//! each person's status. No endpoint can name a person: the node holds no
//! exchange key. A sealed list is handed only to the members it is sealed
//! to, who open it on their own machine (`truce exchange open`).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::Json;
use jiff::Timestamp;
use serde::Serialize;
use truce_model::{ListId, PersonCategory};
use truce_record::Body;
use truce_regime::{ExchangeList, ExchangeProject, Register};
use utoipa::ToSchema;

use crate::auth::{Caller, Resource};
use crate::{AppState, ErrorBody, ServerError};

#[derive(Debug, Serialize, ToSchema)]
pub struct VulnerableView {
    pub women: u32,
    pub children: u32,
    pub elderly: u32,
    pub sick: u32,
}

/// A list as every member sees it: counts, never names.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListView {
    /// Position of the statement that submitted it.
    pub id: u64,
    /// `L-` and the id.
    pub name: String,
    pub reference: String,
    /// `held` or `sought`.
    pub direction: String,
    pub party: String,
    pub submitted_by: String,
    pub persons: usize,
    /// Persons per category: detainee, abductee, body, missing.
    pub categories: BTreeMap<String, usize>,
    pub vulnerable: VulnerableView,
    /// Members whose exchange key opens it.
    pub readable_by: Vec<String>,
}

fn list_view(register: &Register, list: &ExchangeList) -> ListView {
    let readable_by = register
        .exchange_keys()
        .filter(|k| list.recipients.contains(&k.key))
        .map(|k| k.member.to_string())
        .collect();
    ListView {
        id: list.id.0,
        name: list.id.to_string(),
        reference: list.reference.clone(),
        direction: list.direction.as_str().to_string(),
        party: list.party.to_string(),
        submitted_by: list.submitted_by.to_string(),
        persons: list.entries.len(),
        categories: PersonCategory::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), list.count(*c)))
            .collect(),
        vulnerable: VulnerableView {
            women: list.vulnerable.women,
            children: list.vulnerable.children,
            elderly: list.vulnerable.elderly,
            sick: list.vulnerable.sick,
        },
        readable_by,
    }
}

/// Lists submitted, with their counts (never identities).
#[utoipa::path(
    get,
    path = "/api/v1/exchange/lists",
    tag = "exchange",
    responses(
        (status = 200, description = "Lists in Record order", body = Vec<ListView>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_lists(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ListView>>, ServerError> {
    caller.require(Resource::ExchangeStatus)?;
    let register = state.ledger.rules().await;
    Ok(Json(
        register
            .exchange_lists()
            .map(|l| list_view(&register, l))
            .collect(),
    ))
}

/// The sealed list, for a member it is sealed to; open it with your
/// exchange key on your own machine.
#[utoipa::path(
    get,
    path = "/api/v1/exchange/lists/{id}/sealed",
    tag = "exchange",
    params(("id" = String, Path, description = "L-12 or 12")),
    responses(
        (status = 200, description = "The list statement's body, as signed", body = Object),
        (status = 401, body = ErrorBody),
        (status = 403, description = "The list is not sealed to your exchange key", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn sealed_list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ServerError> {
    caller.require(Resource::ExchangeStatus)?;
    let id = parse_list_id(&id)?;
    {
        let register = state.ledger.rules().await;
        let list = register
            .exchange_list(id)
            .ok_or_else(|| ServerError::NotFound(format!("no list {id}")))?;
        let key = caller
            .member
            .as_ref()
            .and_then(|m| register.exchange_key_of(m))
            .map(|k| k.key);
        if !key.is_some_and(|k| list.recipients.contains(&k)) {
            return Err(ServerError::Forbidden(format!(
                "{id} is not sealed to your exchange key"
            )));
        }
    }
    let entry = state
        .ledger
        .store()
        .entries(id.0, 1)
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?
        .pop()
        .filter(|e| e.position == id.0)
        .ok_or_else(|| ServerError::NotFound(format!("no entry {}", id.0)))?;
    let statement = truce_record::Statement::from_bytes(&entry.statement)
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    match statement.body {
        Body::ExchangeListSubmitted(list) => Ok(Json(
            serde_json::to_value(list).map_err(|e| ServerError::Internal(e.to_string()))?,
        )),
        _ => Err(ServerError::NotFound(format!("{id} is not a list"))),
    }
}

fn parse_list_id(text: &str) -> Result<ListId, ServerError> {
    let digits = text.trim_start_matches(['L', 'l']).trim_start_matches('-');
    digits
        .parse()
        .map(ListId)
        .map_err(|_| ServerError::bad("id", format!("{text:?} is not a list such as L-12 or 12")))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchView {
    /// The person sought, as L-4/1.
    pub sought: String,
    /// The person held, as L-5/2.
    pub held: String,
    /// `confirmed` or `rejected`.
    pub verdict: String,
    /// The matcher's score in thousandths.
    pub score: u16,
    pub position: u64,
}

/// The intermediary's confirmed and rejected matches, by place on the lists.
#[utoipa::path(
    get,
    path = "/api/v1/exchange/matches",
    tag = "exchange",
    responses(
        (status = 200, body = Vec<MatchView>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_matches(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<MatchView>>, ServerError> {
    caller.require(Resource::ExchangeStatus)?;
    let register = state.ledger.rules().await;
    Ok(Json(
        register
            .exchange_matches()
            .map(|m| MatchView {
                sought: m.sought.to_string(),
                held: m.held.to_string(),
                verdict: match m.verdict {
                    truce_model::MatchVerdict::Confirmed => "confirmed".into(),
                    truce_model::MatchVerdict::Rejected => "rejected".into(),
                },
                score: m.score,
                position: m.position,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectPersonView {
    /// As L-5/2.
    pub person: String,
    pub held_by: String,
    pub category: String,
    /// `awaiting_interview`, `cleared`, `not_cleared` or `released`.
    pub status: String,
    /// RFC 3339, once released.
    pub released_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    /// The decision that carries it.
    pub decision: String,
    pub number: u32,
    pub place: String,
    pub date: String,
    /// The decision's status: `open`, `adopted`, `rejected` or `expired`.
    pub status: String,
    pub released: usize,
    /// Released persons per party whose list held them.
    pub released_by_party: BTreeMap<String, usize>,
    pub persons: Vec<ProjectPersonView>,
}

fn project_view(project: &ExchangeProject) -> ProjectView {
    ProjectView {
        decision: project.decision.to_string(),
        number: project.number,
        place: project.place.clone(),
        date: project.date.to_string(),
        status: project.status.label().to_string(),
        released: project.released(),
        released_by_party: project.released_by_party(),
        persons: project
            .persons
            .iter()
            .map(|p| ProjectPersonView {
                person: p.person.to_string(),
                held_by: p.held_by.to_string(),
                category: p.category.as_str().to_string(),
                status: match (&p.released_at, &p.interview) {
                    (Some(_), _) => "released",
                    (None, Some(i)) if i.clears_release() => "cleared",
                    (None, Some(_)) => "not_cleared",
                    (None, None) => "awaiting_interview",
                }
                .to_string(),
                released_at: p.released_at.map(|t| t.to_string()),
            })
            .collect(),
    }
}

/// Exchange projects with each person's status (no identities).
#[utoipa::path(
    get,
    path = "/api/v1/exchange/projects",
    tag = "exchange",
    responses(
        (status = 200, body = Vec<ProjectView>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_projects(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ProjectView>>, ServerError> {
    caller.require(Resource::ExchangeStatus)?;
    let register = state.ledger.rules().await;
    Ok(Json(
        register
            .exchange_projects(Timestamp::now())
            .iter()
            .map(project_view)
            .collect(),
    ))
}
