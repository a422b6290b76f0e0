//! Requests for clarification between the parties: asked with a date to
//! answer by, answered once by the party asked. An answer after the date
//! is kept and counted late; a request past its date with no answer is
//! overdue, for everyone to see.

use imbl::OrdMap;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{MemberName, Party, RequestAnswered, RequestId, RequestMade, RequestSubject};
use truce_record::{Registry, Rejection};

/// The longest a party may be given to answer.
const LONGEST_WAIT_DAYS: i64 = 90;

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Answer {
    pub position: u64,
    pub member: MemberName,
    pub answer: String,
    /// When the answer was made (its statement's time).
    pub time: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Request {
    pub id: RequestId,
    pub asked_by: MemberName,
    pub from: Party,
    pub to: Party,
    pub about: RequestSubject,
    pub question: String,
    pub asked: Timestamp,
    pub reply_by: Timestamp,
    pub answer: Option<Answer>,
}

/// Where a request stands at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Open,
    /// Past its date, not answered.
    Overdue,
    Answered,
    /// Answered after its date.
    AnsweredLate,
}

impl RequestState {
    pub const ALL: [RequestState; 4] = [
        RequestState::Open,
        RequestState::Overdue,
        RequestState::Answered,
        RequestState::AnsweredLate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Open => "open",
            RequestState::Overdue => "overdue",
            RequestState::Answered => "answered",
            RequestState::AnsweredLate => "answered_late",
        }
    }
}

impl Request {
    pub fn state_at(&self, now: Timestamp) -> RequestState {
        match &self.answer {
            Some(answer) if answer.time > self.reply_by => RequestState::AnsweredLate,
            Some(_) => RequestState::Answered,
            None if now > self.reply_by => RequestState::Overdue,
            None => RequestState::Open,
        }
    }
}

fn rule(field: &str, reason: impl Into<String>) -> Rejection {
    Rejection::Rule {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Every request, by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestBook {
    requests: OrdMap<RequestId, Request>,
}

impl RequestBook {
    pub fn get(&self, id: RequestId) -> Option<&Request> {
        self.requests.get(&id)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Request> {
        self.requests.values()
    }

    /// The party asked must be another party of the Record; the date to
    /// answer by after the request and within 90 days. Whether the
    /// subject exists is the register's to say.
    pub fn check_request(
        &self,
        made: &RequestMade,
        asker: &Party,
        registry: &Registry,
        time: Timestamp,
    ) -> Result<(), Rejection> {
        if &made.to == asker {
            return Err(rule("to", "a party does not ask itself"));
        }
        if !registry.members().any(|(_, m)| m.party == made.to) {
            return Err(rule(
                "to",
                format!("{} has no member in the Record to answer", made.to),
            ));
        }
        if made.reply_by <= time {
            return Err(rule(
                "reply_by",
                format!("{} is not after the request ({time})", made.reply_by),
            ));
        }
        if made.reply_by.as_second() - time.as_second() > LONGEST_WAIT_DAYS * 86_400 {
            return Err(rule(
                "reply_by",
                format!("at most {LONGEST_WAIT_DAYS} days after the request"),
            ));
        }
        Ok(())
    }

    pub fn ask(
        &mut self,
        position: u64,
        member: &MemberName,
        party: &Party,
        made: &RequestMade,
        time: Timestamp,
    ) {
        let id = RequestId(position);
        self.requests.insert(
            id,
            Request {
                id,
                asked_by: member.clone(),
                from: party.clone(),
                to: made.to.clone(),
                about: made.about.clone(),
                question: made.question.clone(),
                asked: time,
                reply_by: made.reply_by,
                answer: None,
            },
        );
    }

    /// Only the party asked answers, once.
    pub fn check_answer(&self, answered: &RequestAnswered, party: &Party) -> Result<(), Rejection> {
        let request = self
            .requests
            .get(&answered.request)
            .ok_or_else(|| rule("request", format!("no request {}", answered.request)))?;
        if &request.to != party {
            return Err(rule(
                "request",
                format!("{} was asked of {}, not of {party}", request.id, request.to),
            ));
        }
        if let Some(answer) = &request.answer {
            return Err(rule(
                "request",
                format!(
                    "{} was answered already (at position {})",
                    request.id, answer.position
                ),
            ));
        }
        Ok(())
    }

    pub fn answer(
        &mut self,
        position: u64,
        member: &MemberName,
        answered: &RequestAnswered,
        time: Timestamp,
    ) {
        if let Some(request) = self.requests.get_mut(&answered.request) {
            request.answer = Some(Answer {
                position,
                member: member.clone(),
                answer: answered.answer.clone(),
                time,
            });
        }
    }

    /// How many requests stand in each state at `now`, among those asked
    /// by then.
    pub fn tally(&self, now: Timestamp) -> RequestTally {
        let mut tally = RequestTally::default();
        for request in self.requests.values().filter(|r| r.asked <= now) {
            match request.state_at(now) {
                RequestState::Open => tally.open += 1,
                RequestState::Overdue => tally.overdue += 1,
                RequestState::Answered => tally.answered += 1,
                RequestState::AnsweredLate => tally.answered_late += 1,
            }
        }
        tally
    }
}

/// Requests by state, for the bulletin.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RequestTally {
    pub open: usize,
    pub overdue: usize,
    /// Answered by the date.
    pub answered: usize,
    pub answered_late: usize,
}

impl RequestTally {
    pub fn is_empty(&self) -> bool {
        *self == RequestTally::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_model::ReportId;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_request_is_answered_once_by_the_party_asked_and_late_is_kept() {
        let mut book = RequestBook::default();
        let (russia, turkey) = (
            Party::new("Russian Federation").unwrap(),
            Party::new("Republic of Türkiye").unwrap(),
        );
        let asker = MemberName::new("ru-monitor-1").unwrap();
        let made = RequestMade {
            to: turkey.clone(),
            about: RequestSubject::Incident(ReportId(40)),
            question: "Which unit held the checkpoint at 06:00?".into(),
            reply_by: at("2026-12-03T12:00:00Z"),
        };
        book.ask(50, &asker, &russia, &made, at("2026-12-01T09:00:00Z"));
        let id = RequestId(50);
        let request = book.get(id).unwrap();
        assert_eq!(
            request.state_at(at("2026-12-02T00:00:00Z")),
            RequestState::Open
        );
        assert_eq!(
            request.state_at(at("2026-12-04T00:00:00Z")),
            RequestState::Overdue
        );
        let answer = RequestAnswered {
            request: id,
            answer: "A border guard unit; it reported no fire.".into(),
        };
        let refused = book.check_answer(&answer, &russia).unwrap_err();
        assert!(
            refused.to_string().contains("asked of Republic of Türkiye"),
            "{refused}"
        );
        book.check_answer(&answer, &turkey).unwrap();
        let responder = MemberName::new("tr-monitor-1").unwrap();
        book.answer(55, &responder, &answer, at("2026-12-04T08:00:00Z"));
        assert_eq!(
            book.get(id).unwrap().state_at(at("2026-12-05T00:00:00Z")),
            RequestState::AnsweredLate
        );
        let twice = book.check_answer(&answer, &turkey).unwrap_err();
        assert!(twice.to_string().contains("answered already"), "{twice}");
        let missing = RequestAnswered {
            request: RequestId(7),
            answer: "?".into(),
        };
        assert!(book.check_answer(&missing, &turkey).is_err());
        let tally = book.tally(at("2026-12-05T00:00:00Z"));
        assert_eq!(tally.answered_late, 1);
        assert_eq!(tally.open + tally.overdue + tally.answered, 0);
        // Before it was asked, it is not counted at all.
        assert_eq!(
            book.tally(at("2026-11-30T00:00:00Z")),
            RequestTally::default()
        );
    }
}
