//! Complaints as members and complainants see them: the node keeps the
//! text, the Record says what became of it (by the text's hash).

use serde::{Deserialize, Serialize};
use truce_node::complaints::Kept;
use truce_regime::{ComplaintOutcome, Register};

/// A complaint for members: all it says, its hash, and the Record's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintView {
    pub reference: String,
    pub received: String,
    pub text: String,
    pub place: Option<String>,
    pub occurred: Option<String>,
    pub from: Option<String>,
    pub contact: Option<String>,
    /// SHA-256 of the complaint as kept: what a report taking it up names
    /// among its evidence, and what `complaint_declined` names.
    pub sha256: String,
    /// `waiting`, `adopted` or `declined`.
    pub status: String,
    /// The report that took it up.
    pub report: Option<String>,
    /// The verification case that took it up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// The party that took it up or declined it.
    pub party: Option<String>,
    /// Why it was declined.
    pub reason: Option<String>,
}

/// What a complainant may learn from the reference: the status and when
/// it was received, nothing the mechanism keeps internal (no report, no
/// party, no reason).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintStatus {
    pub reference: String,
    pub received: String,
    /// `waiting`, `adopted` (taken up by the guarantors) or `declined`.
    pub status: String,
}

fn status_name(outcome: Option<&ComplaintOutcome>) -> &'static str {
    match outcome {
        None => "waiting",
        Some(ComplaintOutcome::Adopted { .. } | ComplaintOutcome::CaseOpened { .. }) => "adopted",
        Some(ComplaintOutcome::Declined { .. }) => "declined",
    }
}

pub fn complaint_view(register: &Register, kept: Kept) -> ComplaintView {
    let outcome = register.complaint_outcome(&kept.sha256);
    let (report, case, party, reason) = match outcome {
        None => (None, None, None, None),
        Some(ComplaintOutcome::Adopted { report, party }) => (
            Some(report.to_string()),
            None,
            Some(party.to_string()),
            None,
        ),
        Some(ComplaintOutcome::CaseOpened { case, party }) => {
            (None, Some(case.to_string()), Some(party.to_string()), None)
        }
        Some(ComplaintOutcome::Declined { party, reason, .. }) => {
            (None, None, Some(party.to_string()), Some(reason.clone()))
        }
    };
    let form = kept.complaint.form;
    ComplaintView {
        status: status_name(outcome).into(),
        reference: kept.complaint.reference,
        received: kept.complaint.received,
        text: form.text,
        place: form.place,
        occurred: form.occurred.map(|d| d.to_string()),
        from: form.from,
        contact: form.contact,
        sha256: kept.sha256,
        report,
        case,
        party,
        reason,
    }
}

/// Complaints for members, waiting ones first, then the latest.
pub fn complaints(register: &Register, kept: Vec<Kept>, waiting_only: bool) -> Vec<ComplaintView> {
    let mut views: Vec<ComplaintView> = kept
        .into_iter()
        .map(|k| complaint_view(register, k))
        .filter(|v| !waiting_only || v.status == "waiting")
        .collect();
    views.sort_by(|a, b| {
        (a.status != "waiting")
            .cmp(&(b.status != "waiting"))
            .then_with(|| b.received.cmp(&a.received))
    });
    views
}

pub fn complaint_status(register: &Register, kept: &Kept) -> ComplaintStatus {
    ComplaintStatus {
        reference: kept.complaint.reference.clone(),
        received: kept.complaint.received.clone(),
        status: status_name(register.complaint_outcome(&kept.sha256)).into(),
    }
}
