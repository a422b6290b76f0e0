//! Delivering the live events to the webhooks the operator configured
//! (`truce webhook add`), one task per endpoint, in Record order. A failed
//! delivery is tried again, later and later, and nothing after it is sent
//! meanwhile, so an endpoint sees every event once it is back; each
//! endpoint's place is saved after each delivery, so a restart resumes
//! there (an event may then come twice, with the same `webhook-id`, which
//! the receiver uses to drop the repeat).

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::task::JoinHandle;
use truce_client::{Trust, WebhookEndpoint, WebhookSecret};
use truce_node::webhooks::{Cursors, Webhook, Webhooks};
use truce_query::{EventScope, LiveEvent};

use crate::events::LiveFeed;
use crate::{AppState, ServerError};

/// Waits before each new try of a failed delivery; the last one repeats.
const RETRY_AFTER: [Duration; 5] = [
    Duration::from_secs(1),
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
];

/// The body of a delivery, shaped as the Standard Webhooks specification
/// suggests: the event's type, when it happened, and the event.
#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    kind: String,
    timestamp: &'a str,
    data: &'a LiveEvent,
}

impl AppState {
    /// Starts delivering to every webhook configured in the data directory;
    /// the tasks end when the node stops. Returns them with the endpoints'
    /// URLs, to say at start where events go.
    pub fn deliver_webhooks(
        &self,
        trust: &Trust,
    ) -> Result<Vec<(String, JoinHandle<()>)>, ServerError> {
        let hooks = Webhooks::new(&self.data_dir).list()?;
        if hooks.is_empty() {
            return Ok(Vec::new());
        }
        let cursors = Arc::new(Cursors::load(&self.data_dir)?);
        let mut tasks = Vec::with_capacity(hooks.len());
        for hook in hooks {
            let Webhook {
                url, secret, party, ..
            } = hook;
            let secret = WebhookSecret::parse(&secret).map_err(|reason| {
                ServerError::Internal(format!("webhook {url}: {reason} (in webhooks.json)"))
            })?;
            let endpoint = WebhookEndpoint::new(&url, secret, trust)
                .map_err(|e| ServerError::Internal(format!("webhook {url}: {e}")))?;
            let next = match cursors.delivered_through(&url) {
                Some(position) => position + 1,
                None => self.ledger.size(),
            };
            let scope = party.map_or(EventScope::Everything, EventScope::ConcerningParty);
            let feed = LiveFeed::new(self, next, scope);
            let task = tokio::spawn(deliver(
                feed,
                url.clone(),
                endpoint,
                cursors.clone(),
                self.clone(),
            ));
            tasks.push((url, task));
        }
        Ok(tasks)
    }
}

async fn deliver(
    mut feed: LiveFeed,
    url: String,
    endpoint: WebhookEndpoint,
    cursors: Arc<Cursors>,
    state: AppState,
) {
    let mut closing = state.closing.subscribe();
    while let Some(event) = feed.next_event().await {
        let id = format!("truce_{}_{}", event.position, event.kind);
        let body = serde_json::to_string(&Envelope {
            kind: format!("truce.{}", event.kind),
            timestamp: &event.time,
            data: &event,
        })
        .expect("an event serialises");
        let mut failures = 0usize;
        loop {
            let now = jiff::Timestamp::now().as_second();
            match endpoint.send(&id, now, body.clone()).await {
                Ok(()) => {
                    if failures > 0 {
                        tracing::info!(
                            url,
                            "webhook delivered again after {failures} failed tries"
                        );
                    }
                    break;
                }
                Err(error) => {
                    let wait = RETRY_AFTER[failures.min(RETRY_AFTER.len() - 1)];
                    failures += 1;
                    tracing::warn!(
                        url,
                        position = event.position,
                        "webhook not delivered ({error}); trying again in {wait:?}"
                    );
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        _ = closing.wait_for(|closing| *closing) => return,
                    }
                }
            }
        }
        // Every event of the statements before this one has been
        // delivered; of this one too once none of its events wait.
        let through = match feed.waiting() {
            0 => Some(feed.next_position() - 1),
            _ => event.position.checked_sub(1),
        };
        if let Some(through) = through {
            if let Err(error) = cursors.advance(&url, through) {
                tracing::error!(url, "saving where webhook delivery stands: {error}");
            }
        }
    }
}
