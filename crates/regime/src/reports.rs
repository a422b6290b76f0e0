//! The reports part of the register: reports filed, amended and withdrawn,
//! the guarantors' assessments, members' links, the grouping of reports
//! into incidents, the indexes by day and governorate, and every evidence
//! file a report named.

use bytes::Bytes;
use imbl::{HashMap, OrdMap, Vector};
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use truce_gazetteer::Gazetteer;
use truce_model::{
    Assessment, GroupingConfig, IncidentLink, MemberName, Party, ReportAmended, ReportFields,
    ReportId, ReportWithdrawn,
};
use truce_record::Rejection;

use std::borrow::Cow;
use std::sync::Arc;

use crate::error::rule;
use crate::formations::Formations;
use crate::incidents::{FastMap, GridToSave, Grouping, Incident};
use crate::origin::Origin;
use crate::report::governorate_code;
pub use crate::report::Report;
use crate::report_table::ReportTable;
use crate::saved_ids::{self, IdList};

/// Syria keeps UTC+3 all year; report times are local times there.
pub(crate) fn local_zone() -> TimeZone {
    TimeZone::fixed(Offset::constant(3))
}

/// How far ahead of the statement's own time an event may be reported,
/// for clocks that run a little fast.
const FUTURE_TOLERANCE_MINUTES: i64 = 15;

/// A guarantor's position as the Record has it.
#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct AssessmentEntry {
    pub position: u64,
    pub member: MemberName,
    pub party: Party,
    pub assessment: Assessment,
}

/// A member's override of the automatic grouping.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct Link {
    pub report: ReportId,
    pub with: Option<ReportId>,
}

/// How the reports are grouped: the Record's grouping rule and the
/// guarantor parties in the order they first appear (a report is grouped
/// only with reports of other parties).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GroupingBy<'a> {
    pub config: &'a GroupingConfig,
    pub guarantors: &'a [Party],
}

impl GroupingBy<'_> {
    /// A small number per filing party, for cheap comparisons.
    fn party_index(&self, party: &Party) -> usize {
        self.guarantors
            .iter()
            .position(|p| p == party)
            .unwrap_or(usize::MAX)
    }
}

/// The governorate's name in the gazetteer, or its code where it has none.
pub(crate) fn governorate_name(gazetteer: &Gazetteer, code: &str) -> String {
    gazetteer
        .governorate(code)
        .map(|g| g.name.clone())
        .unwrap_or_else(|| code.to_string())
}

/// Reports, assessments and links, with what is derived from them as they
/// come: the indexes, the grouping and the evidence files named.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Reports {
    /// Each report behind its own pointer: a tree node then holds pointers
    /// only, so a node the writer copies after publishing a snapshot copies
    /// no report, and a half-full node wastes pointers, not reports.
    pub(crate) reports: ReportTable,
    pub(crate) links: Vector<Link>,
    pub(crate) assessments: Vector<AssessmentEntry>,
    /// Indexes into `assessments` by the report each names.
    pub(crate) assessments_by_report: FastMap<ReportId, Vec<usize>>,
    /// Active reports by the day of the event.
    pub(crate) by_date: OrdMap<Date, IdList>,
    /// Active reports by governorate, then day.
    pub(crate) by_governorate: HashMap<&'static str, OrdMap<Date, IdList>>,
    pub(crate) grouping: Grouping,
    /// Every evidence file an admitted report or amendment named (versions
    /// later amended away and withdrawn reports included), by SHA-256, with
    /// the media type it was first named with.
    pub(crate) evidence: HashMap<String, String>,
}

/// The reports part but its reports, as saved (written as an array: the
/// field order is the format, the same in [`SavedIndexes`]).
#[derive(Serialize)]
pub(crate) struct SavedIndexesRef<'a> {
    links: &'a Vector<Link>,
    assessments: &'a Vector<AssessmentEntry>,
    assessments_by_report: &'a FastMap<ReportId, Vec<usize>>,
    #[serde(serialize_with = "saved_ids::by_day::serialize")]
    by_date: &'a OrdMap<Date, IdList>,
    #[serde(serialize_with = "saved_ids::by_governorate_and_day::serialize")]
    by_governorate: &'a HashMap<&'static str, OrdMap<Date, IdList>>,
    grouping: &'a Grouping,
    evidence: &'a HashMap<String, String>,
}

/// [`SavedIndexesRef`] read back.
#[derive(Deserialize)]
pub(crate) struct SavedIndexes {
    links: Vector<Link>,
    assessments: Vector<AssessmentEntry>,
    assessments_by_report: FastMap<ReportId, Vec<usize>>,
    #[serde(deserialize_with = "saved_ids::by_day::deserialize")]
    by_date: OrdMap<Date, IdList>,
    #[serde(deserialize_with = "saved_ids::by_governorate_and_day::deserialize")]
    by_governorate: std::collections::HashMap<String, OrdMap<Date, IdList>>,
    grouping: Grouping,
    evidence: HashMap<String, String>,
}

/// The grouping's blobs saved apart from the rest of the part.
pub(crate) struct GroupingSaved {
    pub grid: Bytes,
    pub columns: Bytes,
}

impl Reports {
    /// The reports in order, to be saved in runs ([`SavedRun`]).
    pub(crate) fn in_order(&self) -> Vec<&Report> {
        let mut reports = Vec::with_capacity(self.reports.len());
        reports.extend(self.reports.values().map(|report| &**report));
        reports
    }

    /// The rest of the part, as saved.
    pub(crate) fn saved_indexes(&self) -> SavedIndexesRef<'_> {
        SavedIndexesRef {
            links: &self.links,
            assessments: &self.assessments,
            assessments_by_report: &self.assessments_by_report,
            by_date: &self.by_date,
            by_governorate: &self.by_governorate,
            grouping: &self.grouping,
            evidence: &self.evidence,
        }
    }

    /// The grouping's grid, saved apart from the rest: it is read back
    /// only when a report is next grouped.
    pub(crate) fn grid_to_save(&self) -> GridToSave<'_> {
        self.grouping.grid_to_save()
    }

    /// The grouping's per-report columns, saved apart from the rest: they
    /// are read where they lie when read back.
    pub(crate) fn grouping_columns_to_save(&self) -> truce_record::SavedBlob<'_> {
        self.grouping.columns_to_save()
    }

    /// The part read back from its reports, the rest, and the grouping's
    /// grid and columns as saved.
    pub(crate) fn restore(
        reports: ReportTable,
        indexes: SavedIndexes,
        grouping_saved: GroupingSaved,
        gazetteer: &'static Gazetteer,
    ) -> Result<Reports, String> {
        let mut grouping = indexes.grouping;
        grouping.restore_grid(grouping_saved.grid);
        grouping.restore_columns(grouping_saved.columns)?;
        let by_governorate = indexes
            .by_governorate
            .into_iter()
            .map(|(code, days)| Ok((governorate_code(gazetteer, &code)?, days)))
            .collect::<Result<_, String>>()?;
        Ok(Reports {
            reports,
            links: indexes.links,
            assessments: indexes.assessments,
            assessments_by_report: indexes.assessments_by_report,
            by_date: indexes.by_date,
            by_governorate,
            grouping,
            evidence: indexes.evidence,
        })
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Report> {
        self.reports.values().map(|report| &**report)
    }

    pub(crate) fn get(&self, id: ReportId) -> Option<&Report> {
        self.reports.get(&id).map(|report| &**report)
    }

    /// Assessments naming any report of `reports`, in Record order.
    pub(crate) fn assessments_of<'a>(&'a self, reports: &[ReportId]) -> Vec<&'a AssessmentEntry> {
        let mut indexes: Vec<usize> = reports
            .iter()
            .filter_map(|r| self.assessments_by_report.get(r))
            .flatten()
            .copied()
            .collect();
        indexes.sort_unstable();
        indexes.into_iter().map(|i| &self.assessments[i]).collect()
    }

    /// The latest position at which any of `reports` was filed, amended or
    /// assessed: a finding judged from these reports stays right while this
    /// and the reports' list stay the same (a withdrawal takes the report
    /// out of its incident's list).
    pub(crate) fn revision_of(&self, reports: &[ReportId]) -> u64 {
        reports
            .iter()
            .map(|id| {
                let changed = self
                    .reports
                    .get(id)
                    .and_then(|r| r.amendments.last().copied())
                    .unwrap_or(id.0);
                let assessed = self
                    .assessments_by_report
                    .get(id)
                    .and_then(|indexes| indexes.last())
                    .map_or(0, |&i| self.assessments[i].position);
                changed.max(assessed)
            })
            .max()
            .unwrap_or(0)
    }

    /// Whether any assessment names the report.
    pub(crate) fn is_assessed(&self, report: ReportId) -> bool {
        self.assessments_by_report.contains_key(&report)
    }

    /// The latest day on which an active report places an event.
    pub(crate) fn latest_date(&self) -> Option<Date> {
        // From the index, not the reports: a register read back from its
        // saved state would decode every report to find one day.
        self.by_date
            .iter()
            .rev()
            .find(|(_, ids)| !ids.is_empty())
            .map(|(day, _)| *day)
    }

    /// The ids of the active reports in one governorate from `from` to `to`.
    pub(crate) fn ids_in(
        &self,
        governorate: &str,
        from: Date,
        to: Date,
    ) -> impl Iterator<Item = ReportId> + '_ {
        self.by_governorate
            .get(governorate)
            .into_iter()
            .flat_map(move |days| days.range(from..=to))
            .flat_map(|(_, ids)| ids.iter())
    }

    /// The ids of the active reports from `from` to `to`.
    pub(crate) fn ids_between(&self, from: Date, to: Date) -> impl Iterator<Item = ReportId> + '_ {
        self.by_date
            .range(from..=to)
            .flat_map(|(_, ids)| ids.iter())
    }

    /// Active reports with events from `from` to `to`, in filing order per day.
    pub(crate) fn between(&self, from: Date, to: Date) -> impl Iterator<Item = &Report> {
        self.by_date
            .range(from..=to)
            .flat_map(|(_, ids)| ids.iter())
            .filter_map(|id| self.get(id))
    }

    // ----- rules -----

    pub(crate) fn check_filing(
        &self,
        fields: &ReportFields,
        time: Timestamp,
        formations: &Formations,
        gazetteer: &Gazetteer,
    ) -> Result<(), Rejection> {
        check_report("report", fields, time, formations, gazetteer)
    }

    pub(crate) fn check_amendment(
        &self,
        amended: &ReportAmended,
        party: &Party,
        time: Timestamp,
        formations: &Formations,
        gazetteer: &Gazetteer,
    ) -> Result<(), Rejection> {
        self.check_own_report("amends", amended.amends, party)?;
        check_report("report", &amended.report, time, formations, gazetteer)
    }

    pub(crate) fn check_withdrawal(
        &self,
        withdrawn: &ReportWithdrawn,
        party: &Party,
    ) -> Result<(), Rejection> {
        self.check_own_report("withdraws", withdrawn.withdraws, party)
            .map(|_| ())
    }

    pub(crate) fn check_link(&self, link: &IncidentLink) -> Result<(), Rejection> {
        self.check_active_report("report", link.report)?;
        if let Some(with) = link.with {
            self.check_active_report("with", with)?;
        }
        Ok(())
    }

    pub(crate) fn check_assessment(
        &self,
        assessment: &Assessment,
        formations: &Formations,
    ) -> Result<(), Rejection> {
        self.check_active_report("incident", assessment.incident)?;
        if let Some(id) = &assessment.attributed_to {
            formations.check_known("attributed_to", id)?;
        }
        Ok(())
    }

    /// A report that exists, is not withdrawn, and belongs to `party`.
    fn check_own_report(
        &self,
        field: &str,
        id: ReportId,
        party: &Party,
    ) -> Result<&Report, Rejection> {
        let report = self.check_active_report(field, id)?;
        if &report.party != party {
            return Err(rule(
                field,
                format!("{id} was filed by {}, not by {party}", report.party),
            ));
        }
        Ok(report)
    }

    pub(crate) fn check_active_report(
        &self,
        field: &str,
        id: ReportId,
    ) -> Result<&Report, Rejection> {
        let report = self
            .reports
            .get(&id)
            .ok_or_else(|| rule(field, format!("no report {id}")))?;
        if let Some(reason) = &report.withdrawn {
            return Err(rule(field, format!("{id} was withdrawn ({reason})")));
        }
        Ok(report)
    }

    // ----- projection -----

    pub(crate) fn file(
        &mut self,
        origin: Origin<'_>,
        fields: &ReportFields,
        gazetteer: &'static Gazetteer,
        by: GroupingBy<'_>,
    ) {
        self.note_evidence(fields);
        let report = Report {
            id: ReportId(origin.position),
            filed_by: origin.member.clone(),
            party: origin.party.clone(),
            governorate: resolve_governorate(gazetteer, fields),
            fields: fields.clone(),
            amendments: Vec::new(),
            withdrawn: None,
            updated: origin.time,
        };
        let id = report.id;
        self.index_report(&report);
        self.reports.insert(id, Arc::new(report));
        self.group_new_report(id, by);
    }

    pub(crate) fn amend(
        &mut self,
        origin: Origin<'_>,
        amended: &ReportAmended,
        gazetteer: &'static Gazetteer,
    ) {
        self.note_evidence(&amended.report);
        let governorate = resolve_governorate(gazetteer, &amended.report);
        self.unindex_report(amended.amends);
        if let Some(report) = self.reports.get_mut(&amended.amends) {
            let report = Arc::make_mut(report);
            report.fields = amended.report.clone();
            report.governorate = governorate;
            report.amendments.push(origin.position);
            report.updated = origin.time;
        }
        if let Some(report) = self.reports.get(&amended.amends).cloned() {
            self.index_report(&report);
        }
        self.regroup_later();
    }

    pub(crate) fn withdraw(&mut self, origin: Origin<'_>, withdrawn: &ReportWithdrawn) {
        self.unindex_report(withdrawn.withdraws);
        if let Some(report) = self.reports.get_mut(&withdrawn.withdraws) {
            let report = Arc::make_mut(report);
            report.withdrawn = Some(withdrawn.reason.clone());
            report.updated = origin.time;
        }
        self.regroup_later();
    }

    pub(crate) fn link(&mut self, link: &IncidentLink) {
        self.links.push_back(Link {
            report: link.report,
            with: link.with,
        });
        self.regroup_later();
    }

    pub(crate) fn assess(&mut self, origin: Origin<'_>, assessment: &Assessment) {
        self.assessments_by_report
            .entry(assessment.incident)
            .or_default()
            .push(self.assessments.len());
        self.assessments.push_back(AssessmentEntry {
            position: origin.position,
            member: origin.member.clone(),
            party: origin.party.clone(),
            assessment: assessment.clone(),
        });
    }

    fn note_evidence(&mut self, fields: &ReportFields) {
        for e in &fields.evidence {
            self.evidence
                .entry(e.sha256.clone())
                .or_insert_with(|| e.media_type.clone());
        }
    }

    fn index_report(&mut self, report: &Report) {
        let date = report.date();
        self.by_date.entry(date).or_default().push(report.id);
        self.by_governorate
            .entry(report.governorate)
            .or_default()
            .entry(date)
            .or_default()
            .push(report.id);
    }

    fn unindex_report(&mut self, id: ReportId) {
        let Some(report) = self.reports.get(&id) else {
            return;
        };
        let date = report.date();
        if let Some(ids) = self.by_date.get_mut(&date) {
            ids.to_mut().retain(|r| *r != id);
        }
        if let Some(ids) = self
            .by_governorate
            .get_mut(report.governorate)
            .and_then(|days| days.get_mut(&date))
        {
            ids.to_mut().retain(|r| *r != id);
        }
    }

    // ----- incidents -----

    /// Takes a newly filed report into the grouping.
    fn group_new_report(&mut self, id: ReportId, by: GroupingBy<'_>) {
        if self.grouping.is_stale() {
            return;
        }
        let report = &self.reports[&id];
        let party = by.party_index(&report.party);
        self.grouping
            .add(report.id, &report.fields, party, by.config, true);
    }

    /// Marks the grouping for a rebuild before the state is next read.
    pub(crate) fn regroup_later(&mut self) {
        self.grouping.mark_stale();
    }

    /// Rebuilds a stale grouping, once, before readers see the state.
    pub(crate) fn settle_grouping(&mut self, by: GroupingBy<'_>) {
        if self.grouping.is_stale() {
            self.grouping = self.rebuild_grouping(by);
        }
    }

    /// The grouping of the current reports: the kept one, or, on a state
    /// not settled since an amendment, one built for this read alone.
    pub(crate) fn grouping(&self, by: GroupingBy<'_>) -> Cow<'_, Grouping> {
        if self.grouping.is_stale() {
            Cow::Owned(self.rebuild_grouping(by))
        } else {
            Cow::Borrowed(&self.grouping)
        }
    }

    pub(crate) fn rebuild_grouping(&self, by: GroupingBy<'_>) -> Grouping {
        let mut grouping = Grouping::default();
        let (detached, pairs) = self.manual_overrides();
        for report in self.reports.values().filter(|r| r.is_active()) {
            let joinable = !detached.contains(&report.id);
            let party = by.party_index(&report.party);
            grouping.add(report.id, &report.fields, party, by.config, joinable);
        }
        for (a, b) in pairs {
            grouping.join(a, b);
        }
        grouping
    }

    /// All incidents, in order of their first report.
    pub(crate) fn incidents(&self, by: GroupingBy<'_>) -> Vec<Incident> {
        self.grouping(by).incidents()
    }

    /// Detached reports and linked pairs after all links in Record order:
    /// a detachment undoes earlier links of that report, a later link
    /// undoes an earlier detachment.
    fn manual_overrides(&self) -> (BTreeSet<ReportId>, Vec<(ReportId, ReportId)>) {
        let mut detached = BTreeSet::new();
        let mut pairs: Vec<(ReportId, ReportId)> = Vec::new();
        for link in &self.links {
            match link.with {
                Some(with) => {
                    detached.remove(&link.report);
                    detached.remove(&with);
                    pairs.push((link.report, with));
                }
                None => {
                    detached.insert(link.report);
                    pairs.retain(|&(a, b)| a != link.report && b != link.report);
                }
            }
        }
        (detached, pairs)
    }
}

fn resolve_governorate(gazetteer: &'static Gazetteer, fields: &ReportFields) -> &'static str {
    gazetteer
        .governorate_at(fields.location.lon, fields.location.lat)
        .map_or("", |g| g.code.as_str())
}

fn check_report(
    prefix: &str,
    fields: &ReportFields,
    time: Timestamp,
    formations: &Formations,
    gazetteer: &Gazetteer,
) -> Result<(), Rejection> {
    let location = &fields.location;
    if !gazetteer.contains(location.lon, location.lat) {
        return Err(rule(
            &format!("{prefix}.location"),
            format!(
                "{}, {} is outside the country's governorates",
                location.lat, location.lon
            ),
        ));
    }
    let stated = time.to_zoned(local_zone()).datetime();
    let latest: DateTime = stated
        .checked_add(jiff::Span::new().minutes(FUTURE_TOLERANCE_MINUTES))
        .unwrap_or(stated);
    if fields.occurred > latest {
        return Err(rule(
            &format!("{prefix}.occurred"),
            format!(
                "{} is later than the statement itself ({stated} local time)",
                fields.occurred
            ),
        ));
    }
    formations.check_actor(&format!("{prefix}.perpetrator"), &fields.perpetrator)?;
    formations.check_actor(&format!("{prefix}.target"), &fields.target)
}

#[cfg(test)]
mod tests {
    use truce_model::{
        Actor, Evidence, FormationId, FormationRegistered, GeoPrecision, Location, Position, Side,
        Source, SourceKind, TimePrecision, ViolationType,
    };

    use super::*;
    use crate::origin::Author;

    const DAMASCUS: (f64, f64) = (33.5138, 36.2765);
    const ALEPPO: (f64, f64) = (36.2021, 37.1343);

    fn shelling(occurred: &str, (lat, lon): (f64, f64)) -> ReportFields {
        ReportFields {
            occurred: occurred.parse().unwrap(),
            time_precision: TimePrecision::Hour,
            location: Location {
                lat,
                lon,
                precision: GeoPrecision::Exact,
                place: "outskirts".into(),
            },
            violation_type: ViolationType::Shelling,
            clause: None,
            perpetrator: Actor::Unknown("artillery".into()),
            target: Actor::Unknown("residential area".into()),
            casualties: vec![],
            sources: vec![Source {
                kind: SourceKind::OwnObservation,
                description: "observation post".into(),
            }],
            evidence: vec![],
            narrative: "Mortar fire on the market.".into(),
            observation: None,
        }
    }

    struct Book {
        reports: Reports,
        formations: Formations,
        config: GroupingConfig,
        guarantors: Vec<Party>,
        east: Author,
        west: Author,
    }

    impl Book {
        fn new() -> Self {
            let east = Author::guarantor("east-monitor", "east");
            let west = Author::guarantor("west-monitor", "west");
            Self {
                reports: Reports::default(),
                formations: Formations::default(),
                config: GroupingConfig::default(),
                guarantors: vec![east.party.clone(), west.party.clone()],
                east,
                west,
            }
        }

        fn by(&self) -> GroupingBy<'_> {
            GroupingBy {
                config: &self.config,
                guarantors: &self.guarantors,
            }
        }

        fn file(&mut self, east: bool, position: u64, fields: &ReportFields) -> ReportId {
            let author = if east { &self.east } else { &self.west };
            let origin = author.at(position, "2026-03-02T12:00:00Z");
            let by = GroupingBy {
                config: &self.config,
                guarantors: &self.guarantors,
            };
            let gazetteer = Gazetteer::syria();
            self.reports
                .check_filing(fields, origin.time, &self.formations, gazetteer)
                .unwrap();
            self.reports.file(origin, fields, gazetteer, by);
            ReportId(position)
        }
    }

    #[test]
    fn reports_of_two_guarantors_on_one_event_are_one_incident() {
        let mut book = Book::new();
        let mut first = shelling("2026-03-01T10:00", DAMASCUS);
        first.evidence.push(Evidence {
            sha256: "ab".repeat(32),
            media_type: "image/jpeg".into(),
            bytes: 10,
            description: "crater".into(),
        });
        let a = book.file(true, 10, &first);
        let b = book.file(false, 11, &shelling("2026-03-01T10:30", DAMASCUS));
        // The same guarantor twice is two reports of its own, not one event.
        let c = book.file(true, 12, &shelling("2026-03-01T10:40", ALEPPO));
        let incidents = book.reports.incidents(book.by());
        let grouped: Vec<Vec<ReportId>> = incidents.iter().map(|i| i.reports.clone()).collect();
        assert_eq!(grouped, [vec![a, b], vec![c]]);
        assert_eq!(book.reports.get(a).unwrap().governorate, "SY-DI");
        let day: Date = "2026-03-01".parse().unwrap();
        assert_eq!(book.reports.between(day, day).count(), 3);
        assert_eq!(
            book.reports.ids_in("SY-DI", day, day).collect::<Vec<_>>(),
            [a, b]
        );
        assert_eq!(book.reports.latest_date(), Some(day));
        assert!(book.reports.evidence.contains_key(&"ab".repeat(32)));
    }

    #[test]
    fn an_amendment_or_a_withdrawal_regroups_before_anyone_reads() {
        let mut book = Book::new();
        let a = book.file(true, 10, &shelling("2026-03-01T10:00", DAMASCUS));
        let b = book.file(false, 11, &shelling("2026-03-01T10:30", DAMASCUS));
        let moved = ReportAmended {
            amends: b,
            report: shelling("2026-03-01T10:30", ALEPPO),
            reason: "it was Aleppo".into(),
        };
        book.reports
            .check_amendment(
                &moved,
                &book.west.party,
                "2026-03-02T13:00:00Z".parse().unwrap(),
                &book.formations,
                Gazetteer::syria(),
            )
            .unwrap();
        let origin = book.west.at(12, "2026-03-02T13:00:00Z");
        book.reports.amend(origin, &moved, Gazetteer::syria());
        assert!(book.reports.grouping.is_stale());
        // Read before the state is settled: grouped afresh for the read.
        assert_eq!(book.reports.incidents(book.by()).len(), 2);
        let day: Date = "2026-03-01".parse().unwrap();
        assert_eq!(
            book.reports.ids_in("SY-DI", day, day).collect::<Vec<_>>(),
            [a]
        );
        let by = GroupingBy {
            config: &book.config,
            guarantors: &book.guarantors,
        };
        book.reports.settle_grouping(by);
        assert!(!book.reports.grouping.is_stale());
        let withdrawn = ReportWithdrawn {
            withdraws: a,
            reason: "filed twice".into(),
        };
        let refused = book.reports.check_withdrawal(&withdrawn, &book.west.party);
        assert!(matches!(refused, Err(Rejection::Rule { field, .. }) if field == "withdraws"));
        book.reports
            .check_withdrawal(&withdrawn, &book.east.party)
            .unwrap();
        let origin = book.east.at(13, "2026-03-02T14:00:00Z");
        book.reports.withdraw(origin, &withdrawn);
        assert_eq!(book.reports.incidents(book.by()).len(), 1);
        assert_eq!(book.reports.between(day, day).count(), 1);
        let again = book.reports.check_link(&IncidentLink {
            report: b,
            with: Some(a),
            reason: "same shell".into(),
        });
        assert!(
            matches!(again, Err(Rejection::Rule { field, reason }) if field == "with" && reason.contains("withdrawn"))
        );
    }

    #[test]
    fn links_join_and_detach_reports_in_record_order() {
        let mut book = Book::new();
        let a = book.file(true, 10, &shelling("2026-03-01T10:00", DAMASCUS));
        let b = book.file(false, 11, &shelling("2026-03-01T10:00", ALEPPO));
        assert_eq!(book.reports.incidents(book.by()).len(), 2);
        let link = |with| IncidentLink {
            report: a,
            with,
            reason: "one event".into(),
        };
        book.reports.link(&link(Some(b)));
        assert_eq!(book.reports.incidents(book.by())[0].reports, [a, b]);
        book.reports.link(&link(None));
        assert_eq!(book.reports.incidents(book.by()).len(), 2);
    }

    #[test]
    fn filings_outside_the_country_in_the_future_or_naming_unknown_formations_are_refused() {
        let book = Book::new();
        let time: Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
        let check = |fields: &ReportFields, formations: &Formations| match book
            .reports
            .check_filing(fields, time, formations, Gazetteer::syria())
        {
            Err(Rejection::Rule { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let formations = Formations::default();
        let abroad = shelling("2026-03-01T10:00", (48.85, 2.35));
        assert_eq!(check(&abroad, &formations), "report.location");
        // 15:00 local time is 12:00 UTC; a quarter of an hour ahead is tolerated.
        let late = shelling("2026-03-01T15:20", DAMASCUS);
        assert_eq!(check(&late, &formations), "report.occurred");
        let brigade = FormationId::new("brigade-1").unwrap();
        let mut named = shelling("2026-03-01T10:00", DAMASCUS);
        named.target = Actor::Formation(brigade.clone());
        assert_eq!(check(&named, &formations), "report.target");
        let mut known = Formations::default();
        known.register(
            1,
            &FormationRegistered {
                formation: brigade.clone(),
                name: "Brigade".into(),
                aliases: vec![],
                side: Side::Opposition,
            },
        );
        book.reports
            .check_filing(&named, time, &known, Gazetteer::syria())
            .unwrap();
        let assessment = Assessment {
            incident: ReportId(99),
            position: Position::Confirmed,
            attributed_to: Some(brigade),
            reason: "seen".into(),
            references: vec![],
        };
        let refused = book.reports.check_assessment(&assessment, &known);
        assert!(matches!(refused, Err(Rejection::Rule { field, .. }) if field == "incident"));
    }

    #[test]
    fn assessments_are_found_by_any_report_they_name_in_record_order() {
        let mut book = Book::new();
        let a = book.file(true, 10, &shelling("2026-03-01T10:00", DAMASCUS));
        let b = book.file(false, 11, &shelling("2026-03-01T10:30", DAMASCUS));
        let assess = |incident, position| Assessment {
            incident,
            position,
            attributed_to: None,
            reason: "as seen".into(),
            references: vec![],
        };
        let origin = book.west.at(12, "2026-03-02T12:00:00Z");
        book.reports.assess(origin, &assess(b, Position::Disputed));
        let origin = book.east.at(13, "2026-03-02T12:00:00Z");
        book.reports.assess(origin, &assess(a, Position::Confirmed));
        let found: Vec<u64> = book
            .reports
            .assessments_of(&[a, b])
            .iter()
            .map(|e| e.position)
            .collect();
        assert_eq!(found, [12, 13]);
        assert!(book.reports.is_assessed(a));
        assert!(!book.reports.is_assessed(ReportId(99)));
    }
}
