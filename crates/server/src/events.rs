//! `GET /api/v1/events`: the live stream (server-sent events) of what the
//! Record admits, so a member's client hears of a new report or a decision
//! to vote on without reloading. One SSE event per [`LiveEvent`], its `id`
//! the statement's position: a client that reconnects sends
//! `Last-Event-ID` (browsers do it by themselves) and misses nothing.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use serde::Deserialize;
use tokio::sync::watch;
use truce_query::{EventScope, LiveEvent};
use truce_record::Statement;
use truce_regime::Register;
use truce_store::Ledger;
use utoipa::IntoParams;

use crate::auth::{Allowed, LiveEventsGate};
use crate::query::{self, Query};
use crate::{AppState, ErrorBody, ServerError};

/// Entries read from the store at a time while a stream catches up.
const PAGE: u64 = 256;
/// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Resume after this position (the `id` of the last event received);
    /// the `Last-Event-ID` header does the same and wins. Without either,
    /// the stream starts with the next statement admitted.
    #[param(value_type = Option<u64>)]
    after: Option<String>,
    /// Every admitted statement, not only what concerns the caller's party
    /// (a guarantor member receives, by default, the reports, assessments,
    /// proposals and votes of the other parties and the decisions settled).
    #[param(value_type = Option<bool>)]
    all: Option<String>,
}

/// The live stream of admitted statements.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "register",
    params(EventsQuery),
    responses(
        (status = 200, description = "A `text/event-stream`: each event's `data` is a LiveEvent as JSON and its `id` the statement's position", body = LiveEvent, content_type = "text/event-stream"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn events(
    State(state): State<AppState>,
    allowed: Allowed<LiveEventsGate>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ServerError> {
    let caller = allowed.0;
    let resume = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| {
                    ServerError::bad("Last-Event-ID", "must be a position in the Record")
                })?,
        ),
        None => query::parse::<u64>("after", query.after.as_deref())?,
    };
    let all = query::parse::<bool>("all", query.all.as_deref())?.unwrap_or(false);
    let scope = match &caller.member {
        Some(member) if !all => state
            .ledger
            .with_registry(|r| {
                r.member(member)
                    .filter(|m| m.role == truce_model::Role::GuarantorMember)
                    .map(|m| m.party.clone())
            })
            .map_or(EventScope::Everything, EventScope::ConcerningParty),
        _ => EventScope::Everything,
    };
    let size = state.ledger.size();
    let next = match resume {
        Some(after) if after >= size => {
            return Err(ServerError::bad(
                "after",
                format!("{after} is beyond the {size} entries of the Record"),
            ))
        }
        Some(after) => after + 1,
        None => size,
    };
    let feed = LiveFeed::new(&state, next, scope);
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        let event = feed.next_event().await?;
        let sse = Event::default()
            .id(event.position.to_string())
            .json_data(&event)
            .unwrap_or_else(|_| Event::default().comment("an event could not be written"));
        Some((Ok(sse), feed))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

/// One reader's place in the Record: a live stream's, or a webhook's.
pub(crate) struct LiveFeed {
    ledger: Arc<Ledger<Register>>,
    sizes: watch::Receiver<u64>,
    closing: watch::Receiver<bool>,
    next: u64,
    scope: EventScope,
    ready: VecDeque<LiveEvent>,
}

impl LiveFeed {
    /// The events in `scope` from position `next` on.
    pub(crate) fn new(state: &AppState, next: u64, scope: EventScope) -> Self {
        Self {
            ledger: state.ledger.clone(),
            sizes: state.ledger.watch_size(),
            closing: state.closing.subscribe(),
            next,
            scope,
            ready: VecDeque::new(),
        }
    }

    /// Events read from the Record and not yet taken.
    pub(crate) fn waiting(&self) -> usize {
        self.ready.len()
    }

    /// The position of the next statement to read.
    pub(crate) fn next_position(&self) -> u64 {
        self.next
    }

    /// The next event for this reader, waiting for the Record to grow;
    /// `None` ends the stream (the node stops).
    pub(crate) async fn next_event(&mut self) -> Option<LiveEvent> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            let size = *self.sizes.borrow_and_update();
            if self.next < size {
                self.read(size).await?;
                continue;
            }
            tokio::select! {
                changed = self.sizes.changed() => changed.ok()?,
                _ = self.closing.wait_for(|closing| *closing) => return None,
            }
        }
    }

    /// Turns the next page of entries before `size` into events.
    async fn read(&mut self, size: u64) -> Option<()> {
        let entries = match self
            .ledger
            .store()
            .entries(self.next, PAGE.min(size - self.next))
            .await
        {
            Ok(entries) if !entries.is_empty() => entries,
            Ok(_) => {
                tracing::warn!(
                    position = self.next,
                    "live events: entry missing from the store"
                );
                return None;
            }
            Err(error) => {
                tracing::warn!("live events: reading the store: {error}");
                return None;
            }
        };
        let register = self.ledger.rules();
        for entry in entries {
            self.next = entry.position + 1;
            let Ok(statement) = Statement::from_bytes(&entry.statement) else {
                continue;
            };
            let author = self.ledger.with_registry(|r| {
                let name = r.member_of(&statement.author)?.clone();
                let party = r.member(&name)?.party.clone();
                Some((name, party))
            });
            let Some((member, party)) = author else {
                continue;
            };
            self.ready.extend(
                truce_query::events_of(&register, entry.position, &statement, &member, &party)
                    .into_iter()
                    .filter(|event| self.scope.admits(event)),
            );
        }
        Some(())
    }
}
