/// Errors of the regime crate: configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RegimeError {
    #[error("register configuration: {field}: {reason}")]
    Config { field: String, reason: String },
}
