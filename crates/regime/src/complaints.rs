//! What became of the complaints sent to the node from outside the
//! mechanism: taken up by a guarantor as a report (the report names the
//! complaint's text among its evidence, with the complaint media type) or
//! declined with a reason (`complaint_declined`). The complaints
//! themselves are the node's, not the Record's; here they are only hashes.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use truce_model::{CaseId, ComplaintDeclined, MemberName, Party, ReportFields, ReportId};
use truce_record::Rejection;

/// The media type under which a report's evidence names a complaint.
pub const COMPLAINT_MEDIA_TYPE: &str = "application/vnd.truce.complaint+json";

/// Where a complaint stands in the Record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ComplaintOutcome {
    /// A guarantor filed a report from it.
    Adopted { report: ReportId, party: Party },
    /// A guarantor opened a verification case on it.
    CaseOpened { case: CaseId, party: Party },
    Declined {
        position: u64,
        member: MemberName,
        party: Party,
        reason: String,
    },
}

/// The complaints the Record has answered, by the SHA-256 of their text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplaintBook {
    answered: OrdMap<String, ComplaintOutcome>,
}

impl ComplaintBook {
    pub fn outcome(&self, sha256: &str) -> Option<&ComplaintOutcome> {
        self.answered.get(sha256)
    }

    /// A complaint is answered once: declined or taken up, not both.
    pub fn check_decline(&self, declined: &ComplaintDeclined) -> Result<(), Rejection> {
        self.check_unanswered("complaint", &declined.complaint)
    }

    /// A case opened on a complaint takes it up: only one not answered yet.
    pub fn check_case(&self, sha256: &str) -> Result<(), Rejection> {
        self.check_unanswered("about.complaint", sha256)
    }

    fn check_unanswered(&self, field: &str, sha256: &str) -> Result<(), Rejection> {
        match self.answered.get(sha256) {
            None => Ok(()),
            Some(ComplaintOutcome::CaseOpened { case, .. }) => Err(Rejection::Rule {
                field: field.into(),
                reason: format!("it was taken up already by case {case}"),
            }),
            Some(ComplaintOutcome::Adopted { report, .. }) => Err(Rejection::Rule {
                field: field.into(),
                reason: format!("it was taken up already as report {report}"),
            }),
            Some(ComplaintOutcome::Declined {
                position, party, ..
            }) => Err(Rejection::Rule {
                field: field.into(),
                reason: format!("{party} declined it already (at position {position})"),
            }),
        }
    }

    pub fn decline(
        &mut self,
        position: u64,
        member: &MemberName,
        party: &Party,
        declined: &ComplaintDeclined,
    ) {
        self.answered.insert(
            declined.complaint.clone(),
            ComplaintOutcome::Declined {
                position,
                member: member.clone(),
                party: party.clone(),
                reason: declined.reason.clone(),
            },
        );
    }

    pub fn note_case(&mut self, case: CaseId, party: &Party, sha256: &str) {
        self.answered
            .entry(sha256.to_string())
            .or_insert_with(|| ComplaintOutcome::CaseOpened {
                case,
                party: party.clone(),
            });
    }

    /// Notes the complaints a report (as filed or amended) names; the first
    /// answer to a complaint stands.
    pub fn note_report(&mut self, report: ReportId, party: &Party, fields: &ReportFields) {
        for evidence in &fields.evidence {
            if evidence.media_type == COMPLAINT_MEDIA_TYPE
                && !self.answered.contains_key(&evidence.sha256)
            {
                self.answered.insert(
                    evidence.sha256.clone(),
                    ComplaintOutcome::Adopted {
                        report,
                        party: party.clone(),
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_model::{
        Actor, Evidence, GeoPrecision, Location, Source, SourceKind, TimePrecision, ViolationType,
    };

    fn report_naming(sha256: &str, media_type: &str) -> ReportFields {
        ReportFields {
            occurred: "2026-11-20T14:30".parse().unwrap(),
            time_precision: TimePrecision::Hour,
            location: Location {
                lat: 35.93,
                lon: 36.63,
                precision: GeoPrecision::Near,
                place: "Idlib".into(),
            },
            violation_type: ViolationType::Shelling,
            clause: None,
            perpetrator: Actor::Unknown("unidentified artillery".into()),
            target: Actor::Unknown("residential area".into()),
            casualties: vec![],
            sources: vec![Source {
                kind: SourceKind::LocalContact,
                description: "complaint".into(),
            }],
            evidence: vec![Evidence {
                sha256: sha256.into(),
                media_type: media_type.into(),
                bytes: 100,
                description: "the complaint as received".into(),
            }],
            narrative: "Shelling reported by residents.".into(),
            observation: None,
        }
    }

    #[test]
    fn a_complaint_is_answered_once() {
        let mut book = ComplaintBook::default();
        let turkey = Party::new("Republic of Türkiye").unwrap();
        let member = MemberName::new("tr-monitor-1").unwrap();
        let (one, two) = ("a".repeat(64), "b".repeat(64));
        // A photograph is not a complaint, whatever its hash.
        book.note_report(ReportId(9), &turkey, &report_naming(&two, "image/jpeg"));
        assert_eq!(book.outcome(&two), None);
        book.note_report(
            ReportId(10),
            &turkey,
            &report_naming(&one, COMPLAINT_MEDIA_TYPE),
        );
        let decline = |c: &str| ComplaintDeclined {
            complaint: c.into(),
            reason: "outside the zones of the agreement".into(),
        };
        let refused = book.check_decline(&decline(&one)).unwrap_err();
        assert!(refused.to_string().contains("report R-10"), "{refused}");
        book.check_decline(&decline(&two)).unwrap();
        book.decline(12, &member, &turkey, &decline(&two));
        assert!(matches!(
            book.outcome(&two),
            Some(ComplaintOutcome::Declined { position: 12, .. })
        ));
        let again = book.check_decline(&decline(&two)).unwrap_err();
        assert!(again.to_string().contains("declined it already"), "{again}");
        // A report naming a declined complaint later does not change the answer.
        book.note_report(
            ReportId(20),
            &turkey,
            &report_naming(&two, COMPLAINT_MEDIA_TYPE),
        );
        assert!(matches!(
            book.outcome(&two),
            Some(ComplaintOutcome::Declined { .. })
        ));
    }
}
