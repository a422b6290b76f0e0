//! A node as its readers see it over HTTP or HTTPS: the C2SP tlog-tiles resources
//! (`/checkpoint`, `/tile/…`, `/tile/entries/…`) and the follow loop of a
//! mirror, which verifies everything it fetches before its store keeps it.
//!
//! Nothing fetched is trusted: checkpoints are checked against the node key
//! pinned by the mirror, entries against their signatures, the Record's
//! rules and the checkpoint's root (see [`follow`]).

pub mod follow;
mod origin;
mod tls;
pub mod webhooks;
pub mod witnesses;

pub use follow::{Evidence, EvidenceKind, EvidenceSide, Follower, Progress, Stop};
pub use origin::{parse_bundle, tile_index_path};
pub use origin::{ClientError, Origin};
pub use tls::Trust;
pub use webhooks::{Endpoint as WebhookEndpoint, WebhookSecret};
pub use witnesses::{Outcome, Publisher, WITNESS_DEADLINE};
