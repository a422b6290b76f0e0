//! The one error type of the crate: every variant says which input, where in it, and why.

/// Why [`Gazetteer::load`](crate::Gazetteer::load) refused its input.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    /// The admin-1 text is not a GeoJSON FeatureCollection at all.
    #[error("admin1.geojson: {reason}")]
    Admin1 {
        /// What is wrong with the document as a whole.
        reason: String,
    },
    /// One feature of the admin-1 FeatureCollection is unusable.
    #[error("admin1.geojson, feature {index}{}: {reason}", code_suffix(.code))]
    Admin1Feature {
        /// Zero-based position of the feature in the collection.
        index: usize,
        /// The feature's `code` property, when it has one.
        code: Option<String>,
        /// What is wrong with it.
        reason: String,
    },
    /// A line of one of the TSV files is unusable.
    #[error("{file} line {line}: {reason}")]
    Tsv {
        /// `places.tsv` or `variants.tsv`.
        file: &'static str,
        /// One-based line number in that text.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()
}
