//! Exchanges as every member sees them: lists by their counts, matches,
//! projects with each person's status. Nothing here can name a person: no
//! reader of the Record holds an exchange key.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{MatchVerdict, PersonCategory};
use truce_regime::{ExchangeList, ExchangeProject, Register};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VulnerableView {
    pub women: u32,
    pub children: u32,
    pub elderly: u32,
    pub sick: u32,
}

/// A list as every member sees it: counts, never names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Lists in Record order, with their counts.
pub fn exchange_lists(register: &Register) -> Vec<ListView> {
    register
        .exchange_lists()
        .map(|l| list_view(register, l))
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
pub fn exchange_matches(register: &Register) -> Vec<MatchView> {
    register
        .exchange_matches()
        .map(|m| MatchView {
            sought: m.sought.to_string(),
            held: m.held.to_string(),
            verdict: match m.verdict {
                MatchVerdict::Confirmed => "confirmed".into(),
                MatchVerdict::Rejected => "rejected".into(),
            },
            score: m.score,
            position: m.position,
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Exchange projects as they stand at `now`, each person by status.
pub fn exchange_projects(register: &Register, now: Timestamp) -> Vec<ProjectView> {
    register
        .exchange_projects(now)
        .iter()
        .map(project_view)
        .collect()
}
