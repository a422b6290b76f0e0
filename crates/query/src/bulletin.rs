//! Which days a bulletin covers.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
pub use truce_regime::Edition;
use truce_regime::Register;

use crate::QueryError;

/// The days of a bulletin: one day, a range, or the latest day with reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulletinDays {
    Latest,
    Day(Date),
    Range { from: Date, to: Date },
}

impl BulletinDays {
    /// From `date`, or `from` and `to`, as a query string or flags give
    /// them: a day and a range together, half a range or a reversed one
    /// are refused by name.
    pub fn new(
        date: Option<Date>,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Self, QueryError> {
        match (date, from, to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(QueryError::invalid(
                "date",
                "give either date or from and to",
            )),
            (Some(day), None, None) => Ok(BulletinDays::Day(day)),
            (None, Some(from), Some(to)) if from <= to => Ok(BulletinDays::Range { from, to }),
            (None, Some(from), Some(to)) => Err(QueryError::invalid(
                "from",
                format!("{from} is after to={to}"),
            )),
            (None, Some(_), None) => Err(QueryError::invalid("to", "from needs to")),
            (None, None, Some(_)) => Err(QueryError::invalid("from", "to needs from")),
            (None, None, None) => Ok(BulletinDays::Latest),
        }
    }

    /// The first and last day, inclusive.
    pub fn resolve(self, register: &Register) -> Result<(Date, Date), QueryError> {
        match self {
            BulletinDays::Day(day) => Ok((day, day)),
            BulletinDays::Range { from, to } => Ok((from, to)),
            BulletinDays::Latest => register
                .latest_report_date()
                .map(|d| (d, d))
                .ok_or_else(|| QueryError::NotFound("the register has no reports yet".into())),
        }
    }
}

/// The most days one series may span.
pub const MAX_SERIES_DAYS: i64 = 366;

/// Reports registered per day and governorate, as the day's public
/// bulletins count them, for a chart of a range of days in one answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinSeries {
    pub from: String,
    pub to: String,
    /// Every day from `from` to `to`, each once, in order.
    pub days: Vec<String>,
    /// The governorates with at least one report in the range.
    pub governorates: Vec<SeriesRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesRow {
    /// ISO 3166-2 code, e.g. `SY-ID`.
    pub code: String,
    pub name: String,
    /// Reports on each of `days`.
    pub counts: Vec<usize>,
}

/// The series from `from` to `to`, both included (at most
/// [`MAX_SERIES_DAYS`]).
pub fn bulletin_series(
    register: &Register,
    from: Date,
    to: Date,
) -> Result<BulletinSeries, QueryError> {
    if from > to {
        return Err(QueryError::invalid(
            "from",
            format!("{from} is after to={to}"),
        ));
    }
    let span = (to - from).get_days() as i64 + 1;
    if span > MAX_SERIES_DAYS {
        return Err(QueryError::invalid(
            "to",
            format!("{span} days: at most {MAX_SERIES_DAYS}"),
        ));
    }
    let days: Vec<Date> = (0..span)
        .filter_map(|i| from.checked_add(jiff::Span::new().days(i)).ok())
        .collect();
    let mut rows: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for report in register.reports_between(from, to) {
        let Ok(index) = usize::try_from((report.date() - from).get_days()) else {
            continue;
        };
        let counts = rows
            .entry(report.governorate.to_string())
            .or_insert_with(|| vec![0; days.len()]);
        if let Some(count) = counts.get_mut(index) {
            *count += 1;
        }
    }
    Ok(BulletinSeries {
        from: from.to_string(),
        to: to.to_string(),
        days: days.iter().map(Date::to_string).collect(),
        governorates: rows
            .into_iter()
            .map(|(code, counts)| SeriesRow {
                name: register.governorate_name(&code),
                code,
                counts,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn days_are_one_day_a_range_or_the_latest() {
        let d = date(2026, 11, 20);
        assert_eq!(
            BulletinDays::new(Some(d), None, None),
            Ok(BulletinDays::Day(d))
        );
        assert_eq!(
            BulletinDays::new(None, None, None),
            Ok(BulletinDays::Latest)
        );
        assert_eq!(
            BulletinDays::new(None, Some(d), Some(d)),
            Ok(BulletinDays::Range { from: d, to: d })
        );
    }

    #[test]
    fn mixed_half_and_reversed_ranges_are_refused_by_name() {
        let (a, b) = (date(2026, 11, 20), date(2026, 11, 21));
        let field = |r: Result<BulletinDays, QueryError>| match r {
            Err(QueryError::Invalid { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        };
        assert_eq!(field(BulletinDays::new(Some(a), Some(a), None)), "date");
        assert_eq!(field(BulletinDays::new(None, Some(b), Some(a))), "from");
        assert_eq!(field(BulletinDays::new(None, Some(a), None)), "to");
        assert_eq!(field(BulletinDays::new(None, None, Some(a))), "from");
    }
}
