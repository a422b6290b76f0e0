use std::fmt;

use crate::Role;

/// The kinds of statement the Record knows.
///
/// Adding a kind means: a body type in this crate, a variant here with its
/// name and the roles that may make it, and a variant of `Body` in the
/// record crate. Nothing else needs to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Genesis,
    MemberAdmitted,
    KeyRotated,
    KeyRevoked,
    Note,
    FormationRegistered,
    FormationStatusChanged,
    ReportFiled,
    ReportAmended,
    ReportWithdrawn,
    IncidentLinked,
    Assessment,
    DecisionProposed,
    DecisionVote,
    MeasureCompliance,
    ExchangeKeyPublished,
    ExchangeListSubmitted,
    ExchangeMatch,
    ExchangeInterview,
    ExchangeRelease,
    MeetingRecorded,
    DocumentVersion,
    DocumentApproved,
    ComplaintDeclined,
    RequestMade,
    RequestAnswered,
    CaseOpened,
    CaseTasked,
    CaseVisited,
    CasePosition,
    AccessRestricted,
    AssetRegistered,
    AssetStatus,
}

impl Kind {
    pub const ALL: [Kind; 33] = [
        Kind::Genesis,
        Kind::MemberAdmitted,
        Kind::KeyRotated,
        Kind::KeyRevoked,
        Kind::Note,
        Kind::FormationRegistered,
        Kind::FormationStatusChanged,
        Kind::ReportFiled,
        Kind::ReportAmended,
        Kind::ReportWithdrawn,
        Kind::IncidentLinked,
        Kind::Assessment,
        Kind::DecisionProposed,
        Kind::DecisionVote,
        Kind::MeasureCompliance,
        Kind::ExchangeKeyPublished,
        Kind::ExchangeListSubmitted,
        Kind::ExchangeMatch,
        Kind::ExchangeInterview,
        Kind::ExchangeRelease,
        Kind::MeetingRecorded,
        Kind::DocumentVersion,
        Kind::DocumentApproved,
        Kind::ComplaintDeclined,
        Kind::RequestMade,
        Kind::RequestAnswered,
        Kind::CaseOpened,
        Kind::CaseTasked,
        Kind::CaseVisited,
        Kind::CasePosition,
        Kind::AccessRestricted,
        Kind::AssetRegistered,
        Kind::AssetStatus,
    ];

    /// The name used on the wire and in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Genesis => "genesis",
            Kind::MemberAdmitted => "member_admitted",
            Kind::KeyRotated => "key_rotated",
            Kind::KeyRevoked => "key_revoked",
            Kind::Note => "note",
            Kind::FormationRegistered => "formation_registered",
            Kind::FormationStatusChanged => "formation_status_changed",
            Kind::ReportFiled => "report_filed",
            Kind::ReportAmended => "report_amended",
            Kind::ReportWithdrawn => "report_withdrawn",
            Kind::IncidentLinked => "incident_linked",
            Kind::Assessment => "assessment",
            Kind::DecisionProposed => "decision_proposed",
            Kind::DecisionVote => "decision_vote",
            Kind::MeasureCompliance => "measure_compliance",
            Kind::ExchangeKeyPublished => "exchange_key_published",
            Kind::ExchangeListSubmitted => "exchange_list_submitted",
            Kind::ExchangeMatch => "exchange_match",
            Kind::ExchangeInterview => "exchange_interview",
            Kind::ExchangeRelease => "exchange_release",
            Kind::MeetingRecorded => "meeting_recorded",
            Kind::DocumentVersion => "document_version",
            Kind::DocumentApproved => "document_approved",
            Kind::ComplaintDeclined => "complaint_declined",
            Kind::RequestMade => "request_made",
            Kind::RequestAnswered => "request_answered",
            Kind::CaseOpened => "case_opened",
            Kind::CaseTasked => "case_tasked",
            Kind::CaseVisited => "case_visited",
            Kind::CasePosition => "case_position",
            Kind::AccessRestricted => "access_restricted",
            Kind::AssetRegistered => "asset_registered",
            Kind::AssetStatus => "asset_status",
        }
    }

    /// Whether a member holding `role` may author a statement of this kind.
    ///
    /// Genesis is allowed to nobody here: it is only valid as the first entry,
    /// which the admission rules check separately. Revoking a key is also
    /// allowed to its own holder, whatever the role; the record crate checks that.
    pub fn may_be_made_by(self, role: Role) -> bool {
        match self {
            Kind::Genesis => false,
            Kind::MemberAdmitted | Kind::KeyRevoked => role == Role::Operator,
            Kind::KeyRotated | Kind::Note => true,
            // The register is the guarantors' own: observers comment with notes.
            Kind::FormationRegistered
            | Kind::FormationStatusChanged
            | Kind::ReportFiled
            | Kind::ReportAmended
            | Kind::ReportWithdrawn
            | Kind::IncidentLinked
            | Kind::Assessment
            | Kind::DecisionProposed
            | Kind::DecisionVote
            | Kind::MeasureCompliance
            | Kind::ExchangeListSubmitted
            | Kind::ComplaintDeclined
            | Kind::RequestMade
            | Kind::CaseOpened
            | Kind::CaseTasked
            | Kind::CaseVisited
            | Kind::CasePosition
            // What the monitors could see is the guarantors' to say.
            | Kind::AccessRestricted
            | Kind::AssetRegistered
            | Kind::AssetStatus => role == Role::GuarantorMember,
            // The party asked answers through whichever member speaks for it.
            Kind::RequestAnswered => role != Role::Intermediary,
            // Those who receive sealed lists publish the key they are sealed to.
            Kind::ExchangeKeyPublished => {
                matches!(role, Role::GuarantorMember | Role::Intermediary)
            }
            // The secretariat keeps the calendar and the drafts too; only
            // guarantors approve.
            Kind::MeetingRecorded | Kind::DocumentVersion => {
                matches!(role, Role::GuarantorMember | Role::Operator)
            }
            Kind::DocumentApproved => role == Role::GuarantorMember,
            // Matching, interviews and releases are the neutral intermediary's.
            Kind::ExchangeMatch | Kind::ExchangeInterview | Kind::ExchangeRelease => {
                role == Role::Intermediary
            }
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_operator_admits_members() {
        for role in Role::ALL {
            assert_eq!(
                Kind::MemberAdmitted.may_be_made_by(role),
                role == Role::Operator
            );
        }
    }

    #[test]
    fn observers_never_take_positions() {
        assert!(!Kind::Assessment.may_be_made_by(Role::Observer));
        assert!(Kind::Note.may_be_made_by(Role::Observer));
        assert!(Kind::Assessment.may_be_made_by(Role::GuarantorMember));
    }

    #[test]
    fn nobody_may_author_a_second_genesis() {
        assert!(Role::ALL.iter().all(|r| !Kind::Genesis.may_be_made_by(*r)));
    }

    #[test]
    fn kind_names_are_distinct() {
        let mut names: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len());
    }
}
