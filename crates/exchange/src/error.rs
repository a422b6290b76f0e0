use truce_model::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("line {line}: {reason}")]
    Csv { line: u64, reason: String },
    #[error("the list is not valid JSON: {0}")]
    Json(String),
    #[error("sealing failed: {0}")]
    Seal(String),
    #[error("this key cannot open the box: it is sealed to {recipients} other key(s)")]
    NotARecipient { recipients: usize },
    #[error("the box does not open: {0}")]
    Open(String),
}
