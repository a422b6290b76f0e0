//! The reports by id. A register read back from its saved state holds its
//! reports as the runs they were saved in, each kept as bytes and decoded
//! the first time one of its reports is asked for; reports filed or
//! changed since are kept in a map over them. A bulletin of one day then
//! decodes the runs holding that day's reports, not a million reports,
//! and a node opened from the saved state is ready before its reports are
//! decoded (its readers decode them, on all cores, when they need all).

use std::ops::Index;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use imbl::OrdMap;
use rayon::prelude::*;
use truce_gazetteer::Gazetteer;
use truce_model::ReportId;

use crate::report::{Report, RunReader, SavedRun};
use crate::report_facts::{self, Column, Facts};

/// Reports by id, in id order.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReportTable {
    /// Runs read back, in ascending id order, their ranges disjoint.
    runs: Arc<[LazyRun]>,
    /// Each run's first and last ids, apart: a run is looked up for every
    /// report judged, and these fit in a few cache lines.
    spans: Arc<[(ReportId, ReportId)]>,
    /// Reports filed or changed since the runs were saved: a report here
    /// stands for the one of the same id in a run.
    changed: OrdMap<ReportId, Arc<Report>>,
    len: usize,
}

/// A run of saved reports: the ids it spans, and its column of facts
/// and its reports, each as bytes until it is decoded.
pub(crate) struct LazyRun {
    first: ReportId,
    last: ReportId,
    count: usize,
    facts_bytes: Mutex<Option<Bytes>>,
    facts: OnceLock<Column>,
    bytes: Mutex<Option<Bytes>>,
    reports: OnceLock<Vec<Arc<Report>>>,
    gazetteer: &'static Gazetteer,
}

impl std::fmt::Debug for LazyRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LazyRun({}..={}, {} reports, {})",
            self.first,
            self.last,
            self.count,
            if self.reports.get().is_some() {
                "decoded"
            } else {
                "as saved"
            }
        )
    }
}

/// Bytes before a run's column of facts and its reports: its first and
/// last ids, its count, the length of the column and that of the reports,
/// little-endian, so a run is placed, and a cut one refused, without being
/// decoded.
pub(crate) const RUN_HEADER_BYTES: usize = 40;

/// A run of `reports` (in ascending id order, at least one) as saved:
/// header, column of facts, then the reports as MessagePack.
pub(crate) fn saved_run(reports: &[&Report]) -> Result<Vec<u8>, String> {
    let mut blob = vec![0; RUN_HEADER_BYTES];
    report_facts::write_column(reports, &mut blob)?;
    let facts_len = blob.len() - RUN_HEADER_BYTES;
    rmp_serde::encode::write(&mut blob, &SavedRun(reports)).map_err(|e| e.to_string())?;
    let reports_len = blob.len() - RUN_HEADER_BYTES - facts_len;
    let ids = reports.first().zip(reports.last());
    let (first, last) = ids.map_or((0, 0), |(first, last)| (first.id.0, last.id.0));
    let words = [
        first,
        last,
        reports.len() as u64,
        facts_len as u64,
        reports_len as u64,
    ];
    for (at, word) in words.into_iter().enumerate() {
        blob[at * 8..at * 8 + 8].copy_from_slice(&word.to_le_bytes());
    }
    Ok(blob)
}

impl LazyRun {
    /// A run as saved ([`saved_run`]), placed but not decoded.
    pub(crate) fn new(blob: Bytes, gazetteer: &'static Gazetteer) -> Result<Self, String> {
        let word = |at: usize| {
            blob.get(at..at + 8)
                .map(|bytes| u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
                .ok_or("a run of reports is shorter than its header")
        };
        let (first, last, count) = (word(0)?, word(8)?, word(16)?);
        let (facts_len, reports_len) = (word(24)?, word(32)?);
        let held = (blob.len() - RUN_HEADER_BYTES) as u64;
        if facts_len.checked_add(reports_len) != Some(held) {
            return Err(format!(
                "a run of reports holds {held} bytes where its header says {facts_len} and {reports_len}"
            ));
        }
        let count = usize::try_from(count).map_err(|_| "a run's count is too large")?;
        if count == 0 || first > last || count as u64 > last - first + 1 {
            return Err(format!(
                "a run's header is impossible: {count} reports from R-{first} to R-{last}"
            ));
        }
        let facts_end = RUN_HEADER_BYTES + facts_len as usize;
        Ok(Self {
            first: ReportId(first),
            last: ReportId(last),
            count,
            facts_bytes: Mutex::new(Some(blob.slice(RUN_HEADER_BYTES..facts_end))),
            facts: OnceLock::new(),
            bytes: Mutex::new(Some(blob.slice(facts_end..))),
            reports: OnceLock::new(),
            gazetteer,
        })
    }

    /// The run's reports, decoded now if they were not yet.
    ///
    /// The run's bytes passed their checksum when the saved state was
    /// opened, and were written by this format's writer; they fail to
    /// decode only through a fault of this program or bytes changed on
    /// purpose with their checksum, and no answer is then given.
    fn reports(&self) -> &[Arc<Report>] {
        self.reports.get_or_init(|| {
            // The column is read first, so that once the reports are, no
            // part of the run's saved bytes is held: the mapping they lie
            // in, and each page of it the decoding read, then goes.
            self.facts();
            self.decoded(&self.bytes, "reports", |bytes| self.decode(&bytes))
        })
    }

    /// The run's column of facts, decoded now if it was not yet (see
    /// [`LazyRun::reports`]).
    fn facts(&self) -> &Column {
        self.facts.get_or_init(|| {
            self.decoded(&self.facts_bytes, "facts", |bytes| {
                let column = Column::read(bytes, self.count, self.gazetteer)?;
                self.check_ids(column.ids())?;
                Ok(column)
            })
        })
    }

    /// What `decode` makes of the bytes `slot` holds, which it gives up:
    /// a part of a run is decoded once.
    fn decoded<T>(
        &self,
        slot: &Mutex<Option<Bytes>>,
        part: &str,
        decode: impl FnOnce(Bytes) -> Result<T, String>,
    ) -> T {
        let bytes = slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let bytes = bytes.expect("a part of a run is decoded once");
        match decode(bytes) {
            Ok(decoded) => decoded,
            Err(why) => panic!(
                "the saved register state holds a run of reports ({}..={}) whose {part} cannot be read: {why}; \
                 remove register.saved beside the Record and start again",
                self.first, self.last
            ),
        }
    }

    /// Refuses ids that are not the run's as its header names them: its
    /// count of them, ascending, from its first to its last.
    fn check_ids(
        &self,
        ids: impl ExactSizeIterator<Item = ReportId> + Clone,
    ) -> Result<(), String> {
        let count = ids.len();
        let in_order = ids.clone().zip(ids.clone().skip(1)).all(|(a, b)| a < b);
        let within = ids.clone().next() == Some(self.first) && ids.last() == Some(self.last);
        if count != self.count || !in_order || !within {
            return Err("its reports are not those its header names".into());
        }
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<Vec<Arc<Report>>, String> {
        let mut reading = rmp_serde::Deserializer::from_read_ref(bytes);
        let read = serde::de::DeserializeSeed::deserialize(
            RunReader {
                gazetteer: self.gazetteer,
            },
            &mut reading,
        )
        .map_err(|e| e.to_string())?;
        self.check_ids(read.iter().map(|(id, _)| *id))?;
        Ok(read.into_iter().map(|(_, report)| report).collect())
    }

    fn find(&self, id: ReportId) -> Option<&Arc<Report>> {
        let reports = self.reports();
        reports
            .binary_search_by_key(&id, |report| report.id)
            .ok()
            .map(|at| &reports[at])
    }

    fn find_facts(&self, id: ReportId) -> Option<Facts<'_>> {
        self.facts().find(id)
    }
}

impl ReportTable {
    /// The table of runs read back (in the order they were saved).
    pub(crate) fn of_runs(runs: Vec<LazyRun>) -> Result<Self, String> {
        if runs.windows(2).any(|pair| pair[0].last >= pair[1].first) {
            return Err("its runs of reports overlap or are out of order".into());
        }
        Ok(Self {
            len: runs.iter().map(|run| run.count).sum(),
            spans: runs.iter().map(|run| (run.first, run.last)).collect(),
            runs: runs.into(),
            changed: OrdMap::new(),
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn run_of(&self, id: ReportId) -> Option<&LazyRun> {
        self.run_index(id).map(|at| &self.runs[at])
    }

    fn run_index(&self, id: ReportId) -> Option<usize> {
        let at = self.spans.partition_point(|(_, last)| *last < id);
        self.spans
            .get(at)
            .filter(|(first, _)| *first <= id)
            .map(|_| at)
    }

    /// Decodes every run not yet decoded, on all cores.
    pub(crate) fn decode_all(&self) {
        self.runs.par_iter().for_each(|run| {
            run.reports();
        });
    }

    /// Decodes the columns of facts of the runs that hold any of `ids` and
    /// are not decoded yet, on all cores: for judging many incidents.
    pub(crate) fn decode_facts_of(&self, ids: impl IntoParallelIterator<Item = ReportId>) {
        // Each id's run marked, on all cores: a governorate's incidents at
        // a million reports hold a quarter of them.
        let unmarked = || vec![false; self.runs.len()];
        let marked = ids
            .into_par_iter()
            .fold(unmarked, |mut marked, id| {
                if let Some(at) = self.run_index(id) {
                    marked[at] = true;
                }
                marked
            })
            .reduce(unmarked, |mut all, some| {
                all.iter_mut()
                    .zip(some)
                    .for_each(|(all, some)| *all |= some);
                all
            });
        let runs: Vec<usize> = (0..self.runs.len())
            .filter(|&at| marked[at] && self.runs[at].facts.get().is_none())
            .collect();
        runs.into_par_iter().for_each(|at| {
            self.runs[at].facts();
        });
    }

    /// What judging reads of a report: from its run's column of facts
    /// when it is as saved, so the report itself is not decoded.
    pub(crate) fn facts(&self, id: ReportId) -> Option<Facts<'_>> {
        match self.changed.get(&id) {
            Some(report) => Some(report.facts()),
            None => self.run_of(id).and_then(|run| run.find_facts(id)),
        }
    }

    pub(crate) fn get(&self, id: &ReportId) -> Option<&Arc<Report>> {
        self.changed
            .get(id)
            .or_else(|| self.run_of(*id).and_then(|run| run.find(*id)))
    }

    pub(crate) fn insert(&mut self, id: ReportId, report: Arc<Report>) {
        if self.get(&id).is_none() {
            self.len += 1;
        }
        self.changed.insert(id, report);
    }

    /// The report to change: one from a run is copied into the changed
    /// reports first, the run staying as saved.
    pub(crate) fn get_mut(&mut self, id: &ReportId) -> Option<&mut Arc<Report>> {
        if !self.changed.contains_key(id) {
            let saved = self.run_of(*id).and_then(|run| run.find(*id)).cloned()?;
            self.changed.insert(*id, saved);
        }
        self.changed.get_mut(id)
    }

    /// Every report in id order. Runs not yet decoded are decoded first,
    /// on all cores.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Arc<Report>> + '_ {
        self.decode_all();
        Merged {
            saved: self
                .runs
                .iter()
                .flat_map(|run| run.reports().iter())
                .peekable(),
            changed: self.changed.iter().peekable(),
        }
    }
}

/// The saved reports and the changed ones, in id order, a changed report
/// standing for the saved one of its id.
struct Merged<
    'a,
    S: Iterator<Item = &'a Arc<Report>>,
    C: Iterator<Item = (&'a ReportId, &'a Arc<Report>)>,
> {
    saved: std::iter::Peekable<S>,
    changed: std::iter::Peekable<C>,
}

impl<'a, S, C> Iterator for Merged<'a, S, C>
where
    S: Iterator<Item = &'a Arc<Report>>,
    C: Iterator<Item = (&'a ReportId, &'a Arc<Report>)>,
{
    type Item = &'a Arc<Report>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::cmp::Ordering;
        let first = match (self.saved.peek(), self.changed.peek()) {
            (Some(saved), Some((id, _))) => saved.id.cmp(id),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => return None,
        };
        match first {
            Ordering::Less => self.saved.next(),
            Ordering::Equal => {
                self.saved.next();
                self.changed.next().map(|(_, report)| report)
            }
            Ordering::Greater => self.changed.next().map(|(_, report)| report),
        }
    }
}

impl Index<&ReportId> for ReportTable {
    type Output = Arc<Report>;

    fn index(&self, id: &ReportId) -> &Arc<Report> {
        self.get(id).expect("a report the register names")
    }
}

impl PartialEq for ReportTable {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.values().eq(other.values())
    }
}

impl FromIterator<(ReportId, Arc<Report>)> for ReportTable {
    fn from_iter<I: IntoIterator<Item = (ReportId, Arc<Report>)>>(reports: I) -> Self {
        let mut table = Self::default();
        for (id, report) in reports {
            table.insert(id, report);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_model::{MemberName, Party};

    /// Reports with the even ids from 2 to 100, so that some ids fall
    /// between the reports of a run.
    fn reports() -> Vec<Report> {
        (1..=50u64)
            .map(|i| Report {
                id: ReportId(2 * i),
                filed_by: MemberName::new(if i % 2 == 0 {
                    "monitor-ru"
                } else {
                    "monitor-tr"
                })
                .unwrap(),
                party: Party::new(if i % 2 == 0 { "RU" } else { "TR" }).unwrap(),
                fields: truce_testkit::reports::near_khan_shaykhun(
                    format!("2026-11-{:02}T06:10", 1 + i % 28).parse().unwrap(),
                    i as f64 / 10.0,
                ),
                governorate: "SY-ID",
                amendments: vec![],
                withdrawn: None,
                updated: jiff::Timestamp::from_second(1_790_000_000 + i as i64).unwrap(),
            })
            .collect()
    }

    fn saved(run: &[&Report]) -> Vec<u8> {
        saved_run(run).unwrap()
    }

    /// The table of `reports` saved in runs of seven.
    fn table_of(reports: &[Report]) -> ReportTable {
        let all: Vec<&Report> = reports.iter().collect();
        let runs = all
            .chunks(7)
            .map(|run| LazyRun::new(saved(run).into(), Gazetteer::syria()).unwrap())
            .collect();
        ReportTable::of_runs(runs).unwrap()
    }

    #[test]
    fn reports_read_back_in_runs_are_found_changed_and_listed_as_in_a_map() {
        let reports = reports();
        let mut table = table_of(&reports);
        let mut map: OrdMap<ReportId, Arc<Report>> = reports
            .iter()
            .map(|r| (r.id, Arc::new(r.clone())))
            .collect();
        assert_eq!(table.len(), 50);
        for id in 0..=102 {
            let id = ReportId(id);
            assert_eq!(table.get(&id), map.get(&id), "{id}");
        }
        let before = table.clone();
        // A report of the third run is changed, one is filed after the
        // runs and one between two of a run's reports.
        Arc::make_mut(table.get_mut(&ReportId(30)).unwrap()).withdrawn = Some("duplicate".into());
        Arc::make_mut(map.get_mut(&ReportId(30)).unwrap()).withdrawn = Some("duplicate".into());
        for id in [ReportId(101), ReportId(33)] {
            let mut filed = reports[0].clone();
            filed.id = id;
            table.insert(id, Arc::new(filed.clone()));
            map.insert(id, Arc::new(filed));
        }
        assert!(table.get_mut(&ReportId(35)).is_none());
        assert_eq!(table.len(), map.len());
        assert!(table.values().eq(map.values()));
        assert_eq!(table[&ReportId(30)].withdrawn.as_deref(), Some("duplicate"));
        assert_eq!(table, map.into_iter().collect::<ReportTable>());
        // The runs themselves stay as saved: a copy taken before the
        // change still has the report as it was.
        assert!(before[&ReportId(30)].withdrawn.is_none());
        assert_eq!(before.len(), 50);
    }

    #[test]
    fn a_read_decodes_the_runs_it_needs_and_no_other() {
        let table = table_of(&reports());
        let decoded = |table: &ReportTable| {
            table
                .runs
                .iter()
                .filter(|run| run.reports.get().is_some())
                .count()
        };
        assert_eq!(decoded(&table), 0);
        assert!(table.get(&ReportId(16)).is_some());
        assert_eq!(decoded(&table), 1);
        // Reports 2 and 14 are in the first run, 100 in the last: their
        // facts are decoded, not their reports. (The run of 16 read its
        // facts as its reports were decoded.)
        table.decode_facts_of([ReportId(2), ReportId(14), ReportId(100), ReportId(999)]);
        let with_facts = table.runs.iter().filter(|run| run.facts.get().is_some());
        assert_eq!(with_facts.count(), 3);
        assert_eq!(decoded(&table), 1);
        table.decode_all();
        assert_eq!(decoded(&table), 8);
    }

    #[test]
    fn facts_are_read_from_the_column_without_decoding_reports() {
        let mut reports = reports();
        // One report names formations, one lies outside every governorate.
        reports[3].fields.target =
            truce_model::Actor::Formation(truce_model::FormationId::new("hts").unwrap());
        reports[3].fields.perpetrator = truce_model::Actor::Formation(
            truce_model::FormationId::new("syrian-arab-army").unwrap(),
        );
        reports[3].fields.violation_type = truce_model::ViolationType::AirStrike;
        reports[4].governorate = "";
        let mut table = table_of(&reports);
        for id in (0..=102).map(ReportId) {
            let expected = reports.iter().find(|r| r.id == id).map(Report::facts);
            assert_eq!(table.facts(id), expected, "{id}");
        }
        assert!(table.runs.iter().all(|run| run.reports.get().is_none()));
        table.decode_facts_of([ReportId(2), ReportId(100)]);
        // A changed report's facts are its own.
        Arc::make_mut(table.get_mut(&ReportId(2)).unwrap()).party = Party::new("IR").unwrap();
        assert_eq!(table.facts(ReportId(2)).unwrap().party.as_str(), "IR");
    }

    #[test]
    fn facts_are_found_among_unevenly_spread_ids() {
        let mut reports = reports();
        for (at, report) in reports.iter_mut().enumerate() {
            let at = at as u64;
            report.id = ReportId(2 * (at * at * at + if at > 40 { 1_000_000 } else { 0 }));
        }
        let all: Vec<&Report> = reports.iter().collect();
        let mut column = Vec::new();
        report_facts::write_column(&all, &mut column).unwrap();
        let column = Column::read(Bytes::from(column), all.len(), Gazetteer::syria()).unwrap();
        for report in &reports {
            assert_eq!(
                column.find(report.id),
                Some(report.facts()),
                "{}",
                report.id
            );
            assert_eq!(column.find(ReportId(report.id.0 + 1)), None);
        }
    }

    #[test]
    fn a_column_of_facts_naming_what_it_does_not_hold_is_refused() {
        let reports = reports();
        let all: Vec<&Report> = reports.iter().collect();
        let mut column = Vec::new();
        report_facts::write_column(&all[..7], &mut column).unwrap();
        let read = |column: &[u8], count: usize| {
            Column::read(Bytes::copy_from_slice(column), count, Gazetteer::syria())
        };
        assert_eq!(read(&column, 7).unwrap().len(), 7);
        // The last row's party points past the two parties named.
        let party_of_last = column.len() - 22 + 12;
        column[party_of_last] = 9;
        let refused = read(&column, 7).err().unwrap();
        assert!(refused.contains("party 9 of 2"), "{refused}");
        assert!(read(&column, 700).is_err());
    }

    #[test]
    fn runs_cut_overlapping_or_with_an_impossible_header_are_refused() {
        let reports = reports();
        let all: Vec<&Report> = reports.iter().collect();
        let mut cut = saved(&all[..7]);
        cut.truncate(cut.len() - 1);
        assert!(LazyRun::new(cut.into(), Gazetteer::syria()).is_err());
        let mut impossible = saved(&all[..7]);
        impossible[16..24].copy_from_slice(&100u64.to_le_bytes());
        assert!(LazyRun::new(impossible.into(), Gazetteer::syria()).is_err());
        let overlapping = vec![
            LazyRun::new(saved(&all[..7]).into(), Gazetteer::syria()).unwrap(),
            LazyRun::new(saved(&all[5..9]).into(), Gazetteer::syria()).unwrap(),
        ];
        assert!(ReportTable::of_runs(overlapping).is_err());
    }
}
