//! The response to violations: each formation's compliance with the
//! criteria, and the graduated measures taken and next due, as of a day.
//! "Today" is the mechanism's day by its parameters in the Record, never
//! the reader's time zone, so every copy answers alike.

use jiff::civil::Date;
use jiff::Timestamp;
use serde::Serialize;
use truce_model::{FormationId, MeasureSpec};
use truce_regime::{Compliance, ComplianceRecord, Criteria, Register, Suggestion};

use crate::QueryError;

/// The day asked for, or the mechanism's day at `now`.
pub fn day_or_today(register: &Register, date: Option<Date>, now: Timestamp) -> Date {
    date.unwrap_or_else(|| register.config().day_of(now))
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceView {
    /// The day judged on.
    pub date: String,
    /// The decision that adopted the criteria; none when judged by other
    /// criteria (a file on the reader's machine).
    pub criteria_decision: Option<String>,
    /// Each formation: whether it complies, the failed criteria and the
    /// reports behind each failure, the criteria not judged.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub formations: Vec<Compliance>,
}

/// Which criteria to judge by.
#[derive(Debug, Clone, Copy)]
pub enum CriteriaSource<'a> {
    /// Those adopted in the Record.
    Adopted,
    /// Others, e.g. a draft under discussion.
    Given(&'a Criteria),
}

/// Each formation's (or one formation's) compliance on a day.
pub fn compliance(
    register: &Register,
    criteria: CriteriaSource<'_>,
    formation: Option<&FormationId>,
    date: Option<Date>,
    now: Timestamp,
) -> Result<ComplianceView, QueryError> {
    let date = day_or_today(register, date, now);
    let (decision, criteria) = match criteria {
        CriteriaSource::Given(criteria) => (None, criteria),
        CriteriaSource::Adopted => {
            let (decision, criteria) = register.adopted_criteria().ok_or_else(|| {
                QueryError::NotFound("no criteria have been adopted in this Record".into())
            })?;
            (Some(decision.to_string()), criteria)
        }
    };
    let formations = register
        .compliance(criteria, date)
        .into_iter()
        .filter(|c| formation.is_none_or(|f| &c.formation == f))
        .collect();
    Ok(ComplianceView {
        date: date.to_string(),
        criteria_decision: decision,
        formations,
    })
}

/// A measure proposed or adopted, with what was recorded of compliance.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureView {
    /// The decision that carries it.
    pub decision: String,
    /// `open`, `adopted`, `rejected` or `expired`, as of now.
    pub status: String,
    /// The formation, the ladder step and the comply-by day.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub measure: MeasureSpec,
    /// Compliance records in Record order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub compliance: Vec<ComplianceRecord>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasuresView {
    /// The day the next steps are suggested for.
    pub date: String,
    pub measures: Vec<MeasureView>,
    /// The next step the ladder calls for, per formation, with the reports
    /// behind it.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub due: Vec<Suggestion>,
}

/// Measures taken, and those the ladder calls for on a day.
pub fn measures(register: &Register, date: Option<Date>, now: Timestamp) -> MeasuresView {
    let date = day_or_today(register, date, now);
    let measures = register
        .decisions()
        .filter_map(|d| {
            d.measure.as_ref().map(|measure| MeasureView {
                decision: d.id.to_string(),
                status: d.status_at(now).label().to_string(),
                measure: measure.clone(),
                compliance: d.compliance.clone(),
            })
        })
        .collect();
    MeasuresView {
        date: date.to_string(),
        measures,
        due: register.suggested_measures(date),
    }
}
