//! Who a bulletin, an export or the map is for, and what the public
//! edition may see of a coordinate.

use serde::Serialize;
use truce_model::PublicViews;

/// Who the bulletin is for. The public edition holds counts and findings
/// only: never narratives, sources, evidence or who filed what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    Internal,
    Public,
}

/// A coordinate as `edition` publishes it: as reported for members, as
/// the mechanism's public views say for the public (the Record's
/// `public.coordinate_decimals`, 2 by default: about 1 km).
pub fn published_coordinate(value: f64, edition: Edition, public: &PublicViews) -> f64 {
    match edition {
        Edition::Internal => value,
        Edition::Public => public.coordinate(value),
    }
}
