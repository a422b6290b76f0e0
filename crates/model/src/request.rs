//! Requests for clarification: a guarantor asks another party of the
//! mechanism a question about an incident or a formation, with a date to
//! answer by; the answer is a statement of its own. A request is named by
//! the position of the statement that made it (`Q-12`).

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::register::prefixed_position;
use crate::{FormationId, Party, ReportId, Validate, ValidationError};

/// Longest question or answer, in characters.
pub const MAX_REQUEST_CHARS: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Q-{}", self.0)
    }
}

impl std::str::FromStr for RequestId {
    type Err = ValidationError;

    /// `Q-12`, `q12` or `12`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        prefixed_position(text, &['Q', 'q'])
            .map(RequestId)
            .ok_or_else(|| ValidationError::new("request", format!("{text:?} is not Q-<position>")))
    }
}

/// What a request is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RequestSubject {
    /// The incident that holds this report.
    Incident(ReportId),
    Formation(FormationId),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestMade {
    /// The party asked; not the asker's own.
    pub to: Party,
    pub about: RequestSubject,
    pub question: String,
    /// The answer is due by then; a later one is kept and counted late.
    pub reply_by: Timestamp,
}

impl Validate for RequestMade {
    fn validate(&self) -> Result<(), ValidationError> {
        text("question", &self.question)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestAnswered {
    pub request: RequestId,
    pub answer: String,
}

impl Validate for RequestAnswered {
    fn validate(&self) -> Result<(), ValidationError> {
        text("answer", &self.answer)
    }
}

fn text(field: &str, value: &str) -> Result<(), ValidationError> {
    crate::register::non_empty(field, value, MAX_REQUEST_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_texts() {
        assert_eq!("Q-12".parse::<RequestId>().unwrap(), RequestId(12));
        assert_eq!("q12".parse::<RequestId>().unwrap(), RequestId(12));
        assert!("R-12".parse::<RequestId>().is_err());
        let answer = RequestAnswered {
            request: RequestId(3),
            answer: " ".into(),
        };
        assert_eq!(
            answer.validate().unwrap_err().to_string(),
            "answer: must not be empty"
        );
        let json = r#"{"to":"Republic of Türkiye","about":{"incident":12},"question":"Which unit fired?","reply_by":"2026-12-08T12:00:00Z"}"#;
        let made: RequestMade = serde_json::from_str(json).unwrap();
        assert_eq!(made.about, RequestSubject::Incident(ReportId(12)));
        made.validate().unwrap();
    }
}
