/// Errors of the regime crate: configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RegimeError {
    #[error("register configuration: {field}: {reason}")]
    Config { field: String, reason: String },
    /// A zones file (GeoJSON) that cannot be read; `field` names the
    /// feature and member, `features[2].properties.kind`.
    #[error("zones: {field}: {reason}")]
    Zones { field: String, reason: String },
    /// A saved register state that cannot be read back: the reason.
    #[error("saved register state: {0}")]
    Saved(String),
}

/// A refusal under the register's rules, naming the field at fault.
pub(crate) fn rule(field: &str, reason: impl Into<String>) -> truce_record::Rejection {
    truce_record::Rejection::Rule {
        field: field.to_string(),
        reason: reason.into(),
    }
}
