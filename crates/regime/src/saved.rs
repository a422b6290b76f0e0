//! The register's state as bytes, to be saved beside the Record and read
//! back instead of replaying the entries it was derived from. Everything
//! but what readers derive (findings, the map's index), which is derived
//! again from the state read back.
//!
//! The first blob is [`FORMAT`]; a state of another format is refused,
//! never guessed at. Whoever keeps the bytes ties them to the Record (the
//! size and root they were derived from) and checks they are whole.
//!
//! The state is a sequence of blobs, which whoever keeps them stores and
//! gives back in order: the format line, then MessagePack of the parts but
//! the reports (structs as maps, since the model's types leave empty fields
//! out), of the reports part's indexes and grouping (their lists of ids
//! read back where they lie), of the grouping's grid
//! (decoded only when a report is next grouped: readers never read it), the
//! grouping's per-report columns (ids, minutes, parents: raw little-endian
//! integers, read where they lie), and of the reports in
//! runs of [`REPORTS_PER_BLOB`] (structs as arrays, fields in order: these
//! are most of the bytes), each after a header naming its first and last
//! ids, its count and its lengths (`report_table.rs`) and a column of what
//! judging reads of each report (`report_facts.rs`). Runs are written a few
//! at a time on all cores, so a large register is never in memory twice,
//! and read back as bytes, each decoded when one of its reports is first
//! asked for.

use bytes::Bytes;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use truce_model::{Party, RegisterConfig};
use truce_record::SavedBlob;

use crate::access::AccessBook;
use crate::agreements::Calendar;
use crate::cases::CaseBook;
use crate::complaints::ComplaintBook;
use crate::coverage::CoverageBook;
use crate::decisions::Decisions;
use crate::derived::Derived;
use crate::exchange::ExchangeBook;
use crate::formations::Formations;
use crate::incidents::GridToSave;
use crate::report_table::{saved_run, LazyRun, ReportTable};
use crate::reports::{GroupingSaved, Report, Reports, SavedIndexes};
use crate::requests::RequestBook;
use crate::saved_ids;
use crate::{RegimeError, Register};

/// The first bytes of a saved register: a change of any part's saved form
/// changes it.
pub const FORMAT: &[u8] = b"truce register state, format 5\n";

/// Reports in one blob (about 370 KB): a read of one day decodes the runs
/// holding that day's reports, which a Record filed by many members at
/// once spreads over several runs; enough reports that a run is worth a
/// task when all are decoded on all cores.
const REPORTS_PER_BLOB: usize = 1_024;

#[derive(Serialize)]
struct PartsRef<'a> {
    config: &'a RegisterConfig,
    initial_config: &'a RegisterConfig,
    guarantors: &'a [Party],
    formations: &'a Formations,
    decisions: &'a Decisions,
    exchange: &'a ExchangeBook,
    calendar: &'a Calendar,
    complaints: &'a ComplaintBook,
    requests: &'a RequestBook,
    cases: &'a CaseBook,
    access: &'a AccessBook,
    coverage: &'a CoverageBook,
}

#[derive(Deserialize)]
struct Parts {
    config: RegisterConfig,
    initial_config: RegisterConfig,
    guarantors: Vec<Party>,
    formations: Formations,
    decisions: Decisions,
    exchange: ExchangeBook,
    calendar: Calendar,
    complaints: ComplaintBook,
    requests: RequestBook,
    cases: CaseBook,
    access: AccessBook,
    coverage: CoverageBook,
}

fn unusable(reason: impl Into<String>) -> RegimeError {
    RegimeError::Saved(reason.into())
}

/// Blobs of reports written at once, one per core.
fn runs_at_once() -> usize {
    rayon::current_num_threads()
}

fn written(blob: Result<Vec<u8>, rmp_serde::encode::Error>) -> Vec<u8> {
    blob.expect("every part of the register can be written")
}

/// `value` written as arrays straight where the blob is kept, its length
/// counted first: the indexes of a large register are tens of megabytes,
/// not to be held whole while they are saved.
fn written_straight<'a, T: Serialize + 'a>(value: T) -> SavedBlob<'a> {
    struct Counted(usize);
    impl std::io::Write for Counted {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counted = Counted(0);
    rmp_serde::encode::write(&mut counted, &value)
        .expect("every part of the register can be written");
    SavedBlob::Written {
        len: counted.0 as u64,
        write: Box::new(move |out: &mut dyn std::io::Write| {
            rmp_serde::encode::write(out, &value).map_err(std::io::Error::other)
        }),
    }
}

/// The blobs of a register's state, each made when it is asked for.
struct Blobs<'a> {
    head: std::vec::IntoIter<SavedBlob<'a>>,
    reports: Vec<&'a Report>,
    next_run: usize,
    ready: std::vec::IntoIter<Vec<u8>>,
}

impl<'a> Iterator for Blobs<'a> {
    type Item = SavedBlob<'a>;

    fn next(&mut self) -> Option<SavedBlob<'a>> {
        if let Some(blob) = self.head.next() {
            return Some(blob);
        }
        if let Some(blob) = self.ready.next() {
            return Some(SavedBlob::Bytes(blob));
        }
        let runs = self.reports.len().div_ceil(REPORTS_PER_BLOB);
        if self.next_run >= runs {
            return None;
        }
        let until = runs.min(self.next_run + runs_at_once());
        let reports = &self.reports;
        let made: Vec<Vec<u8>> = (self.next_run..until)
            .into_par_iter()
            .map(|run| {
                let from = run * REPORTS_PER_BLOB;
                let to = reports.len().min(from + REPORTS_PER_BLOB);
                saved_run(&reports[from..to]).expect("every run of reports can be written")
            })
            .collect();
        self.next_run = until;
        self.ready = made.into_iter();
        self.ready.next().map(SavedBlob::Bytes)
    }
}

impl Register {
    /// This state as blobs for [`Register::from_saved`], each made as it is
    /// asked for.
    pub fn to_saved(&self) -> impl Iterator<Item = SavedBlob<'_>> + '_ {
        let parts = PartsRef {
            config: &self.config,
            initial_config: &self.initial_config,
            guarantors: &self.guarantors,
            formations: &self.formations,
            decisions: &self.decisions,
            exchange: &self.exchange,
            calendar: &self.calendar,
            complaints: &self.complaints,
            requests: &self.requests,
            cases: &self.cases,
            access: &self.access,
            coverage: &self.coverage,
        };
        let head = vec![
            SavedBlob::Bytes(FORMAT.to_vec()),
            SavedBlob::Bytes(written(rmp_serde::to_vec_named(&parts))),
            written_straight(self.reports.saved_indexes()),
            match self.reports.grid_to_save() {
                GridToSave::Cells(cells) => written_straight(cells),
                GridToSave::AsRead(bytes) => SavedBlob::Written {
                    len: bytes.len() as u64,
                    write: Box::new(move |out: &mut dyn std::io::Write| out.write_all(&bytes)),
                },
            },
            self.reports.grouping_columns_to_save(),
        ];
        Blobs {
            head: head.into_iter(),
            reports: self.reports.in_order(),
            next_run: 0,
            ready: Vec::new().into_iter(),
        }
    }

    /// The state `blobs` hold, read as they are given, for a register made
    /// as this one was (the same configuration before the genesis, the same
    /// gazetteer).
    pub fn from_saved(
        &self,
        blobs: &mut (dyn Iterator<Item = Bytes> + Send),
    ) -> Result<Register, RegimeError> {
        match blobs.next() {
            None => return Err(unusable("no register state is saved with it")),
            Some(format) if format != FORMAT => {
                return Err(unusable(
                    "it is not a register state of this build's format",
                ))
            }
            Some(_) => {}
        }
        let missing = || unusable("it holds fewer parts than a register has");
        let parts_blob = blobs.next().ok_or_else(missing)?;
        let indexes_blob = blobs.next().ok_or_else(missing)?;
        let grouping = GroupingSaved {
            grid: blobs.next().ok_or_else(missing)?,
            columns: blobs.next().ok_or_else(missing)?,
        };
        let failed = |part: &'static str| {
            move |e: rmp_serde::decode::Error| unusable(format!("{part}: {e}"))
        };
        let gazetteer = self.gazetteer;
        let (head, runs) = rayon::join(
            || {
                let parts: Parts =
                    rmp_serde::from_slice(&parts_blob).map_err(failed("the parts"))?;
                // Their lists of ids stay where they lie in the blob.
                let indexes: SavedIndexes = saved_ids::reading_in_place(&indexes_blob, |bytes| {
                    rmp_serde::from_slice(bytes)
                })
                .map_err(failed("the indexes"))?;
                Ok::<_, RegimeError>((parts, indexes))
            },
            || {
                // The runs of reports are placed, not decoded: each is
                // decoded when one of its reports is first asked for.
                let runs = blobs
                    .map(|blob| LazyRun::new(blob, gazetteer))
                    .collect::<Result<Vec<_>, String>>()
                    .map_err(|e| unusable(format!("reports: {e}")))?;
                ReportTable::of_runs(runs).map_err(unusable)
            },
        );
        let (parts, indexes) = head?;
        let reports = runs?;
        if parts.initial_config != self.initial_config {
            return Err(unusable(
                "it was derived under another configuration than this register starts from",
            ));
        }
        let reports =
            Reports::restore(reports, indexes, grouping, self.gazetteer).map_err(unusable)?;
        Ok(Register {
            config: parts.config,
            initial_config: parts.initial_config,
            gazetteer: self.gazetteer,
            guarantors: parts.guarantors,
            formations: parts.formations,
            reports,
            decisions: parts.decisions,
            exchange: parts.exchange,
            calendar: parts.calendar,
            complaints: parts.complaints,
            requests: parts.requests,
            cases: parts.cases,
            access: parts.access,
            coverage: parts.coverage,
            derived: Derived::default(),
        })
    }
}

/// Two states are the same when every part is; what readers derived from
/// either is not compared (it follows from the parts).
impl PartialEq for Register {
    fn eq(&self, other: &Self) -> bool {
        self.config == other.config
            && self.initial_config == other.initial_config
            && std::ptr::eq(self.gazetteer, other.gazetteer)
            && self.guarantors == other.guarantors
            && self.formations == other.formations
            && self.reports == other.reports
            && self.decisions == other.decisions
            && self.exchange == other.exchange
            && self.calendar == other.calendar
            && self.complaints == other.complaints
            && self.requests == other.requests
            && self.cases == other.cases
            && self.access == other.access
            && self.coverage == other.coverage
    }
}
