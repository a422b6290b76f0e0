//! One report as the register keeps it, and as it is saved beside the
//! Record: written in runs (`SavedRun`) and read back straight into
//! reports (`RunReader`), the names met in a run made once.

use std::sync::Arc;

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_gazetteer::Gazetteer;
use truce_model::{MemberName, Party, ReportFields, ReportId};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: ReportId,
    pub filed_by: MemberName,
    pub party: Party,
    pub fields: ReportFields,
    /// ISO code of the governorate that holds the point: the gazetteer's
    /// own, not a copy per report.
    pub governorate: &'static str,
    /// Positions of the amendments, in order.
    pub amendments: Vec<u64>,
    pub withdrawn: Option<String>,
    /// The time of the statement that filed, last amended or withdrew it.
    #[serde(skip)]
    pub updated: Timestamp,
}

impl Report {
    pub fn date(&self) -> Date {
        self.fields.occurred.date()
    }

    pub fn is_active(&self) -> bool {
        self.withdrawn.is_none()
    }
}

/// A report as saved beside the Record (`Register::to_saved`), with its
/// governorate's code and the time it last changed, which the report's own
/// form (the API's) leaves out. Written as an array, fields in this order,
/// so [`SavedReport`] must keep the same order.
#[derive(Serialize)]
pub(crate) struct SavedReportRef<'a> {
    id: ReportId,
    filed_by: &'a MemberName,
    party: &'a Party,
    fields: &'a ReportFields,
    governorate: &'a str,
    amendments: &'a [u64],
    withdrawn: &'a Option<String>,
    /// Seconds and nanoseconds: read back several times sooner than text.
    updated: (i64, i32),
}

/// [`SavedReportRef`] read back. The names are borrowed from the blob and
/// made once per run ([`Names`]): a register read back then shares them
/// between its reports, as one derived from the entries does.
#[derive(Deserialize)]
struct SavedReport<'a> {
    id: ReportId,
    filed_by: &'a str,
    party: &'a str,
    fields: ReportFields,
    governorate: &'a str,
    amendments: Vec<u64>,
    withdrawn: Option<String>,
    updated: (i64, i32),
}

/// The members' and parties' names met in one run of saved reports.
#[derive(Default)]
struct Names<'a> {
    members: std::collections::HashMap<&'a str, MemberName>,
    parties: std::collections::HashMap<&'a str, Party>,
}

impl<'a> Names<'a> {
    fn member(&mut self, name: &'a str) -> Result<MemberName, String> {
        if let Some(known) = self.members.get(name) {
            return Ok(known.clone());
        }
        let made = MemberName::new(name).map_err(|e| e.to_string())?;
        self.members.insert(name, made.clone());
        Ok(made)
    }

    fn party(&mut self, name: &'a str) -> Result<Party, String> {
        if let Some(known) = self.parties.get(name) {
            return Ok(known.clone());
        }
        let made = Party::new(name).map_err(|e| e.to_string())?;
        self.parties.insert(name, made.clone());
        Ok(made)
    }
}

/// Reads one run of saved reports ([`SavedRun`]) straight into reports,
/// each made as it is read: no run of saved reports is held on the way.
pub(crate) struct RunReader {
    pub gazetteer: &'static Gazetteer,
}

impl<'de> serde::de::DeserializeSeed<'de> for RunReader {
    type Value = Vec<(ReportId, Arc<Report>)>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RunReader {
    type Value = Vec<(ReportId, Arc<Report>)>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a run of saved reports")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // A run holds at most a blob's worth; a larger count is damage.
        let mut reports = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        let mut names = Names::default();
        while let Some(saved) = seq.next_element::<SavedReport<'de>>()? {
            let report = saved
                .restore(self.gazetteer, &mut names)
                .map_err(serde::de::Error::custom)?;
            reports.push(report);
        }
        Ok(reports)
    }
}

/// Reports in order, saved as one blob.
pub(crate) struct SavedRun<'a>(pub &'a [&'a Report]);

impl Serialize for SavedRun<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|report| SavedReportRef::of(report)))
    }
}

impl<'a> SavedReportRef<'a> {
    fn of(report: &'a Report) -> Self {
        Self {
            id: report.id,
            filed_by: &report.filed_by,
            party: &report.party,
            fields: &report.fields,
            governorate: report.governorate,
            amendments: &report.amendments,
            withdrawn: &report.withdrawn,
            updated: (
                report.updated.as_second(),
                report.updated.subsec_nanosecond(),
            ),
        }
    }
}

impl<'a> SavedReport<'a> {
    pub(crate) fn restore(
        self,
        gazetteer: &'static Gazetteer,
        names: &mut Names<'a>,
    ) -> Result<(ReportId, Arc<Report>), String> {
        let (seconds, nanoseconds) = self.updated;
        let updated = Timestamp::new(seconds, nanoseconds)
            .map_err(|e| format!("report {}: its time: {e}", self.id.0))?;
        let report = Report {
            id: self.id,
            filed_by: names.member(self.filed_by)?,
            party: names.party(self.party)?,
            fields: self.fields,
            governorate: governorate_code(gazetteer, self.governorate)?,
            amendments: self.amendments,
            withdrawn: self.withdrawn,
            updated,
        };
        Ok((report.id, Arc::new(report)))
    }
}

/// A governorate code as the gazetteer holds it: the empty code is a
/// point outside every governorate.
pub(crate) fn governorate_code(
    gazetteer: &'static Gazetteer,
    code: &str,
) -> Result<&'static str, String> {
    if code.is_empty() {
        return Ok("");
    }
    gazetteer
        .governorate(code)
        .map(|g| g.code.as_str())
        .ok_or_else(|| format!("governorate {code:?} is not in the gazetteer"))
}
