//! What judging an incident reads of each of its reports: who filed it,
//! the day, the governorate, the type, and the formations it names. Saved
//! as a column beside each run of reports, so that the findings of many
//! incidents (a governorate over five years) are judged without decoding
//! whole reports, which are mostly narrative, sources and casualties.
//!
//! The column is a table of the run's names (MessagePack: parties,
//! governorates, formations, types), then one fixed-width row per report,
//! little-endian: id (8 bytes), year (2), month (1), day (1), and the
//! indexes into the names of its party, governorate, type, target and
//! perpetrator (2 each; [`NONE`] for a target or perpetrator that is not
//! a formation).

use std::collections::HashMap;

use bytes::Bytes;
use jiff::civil::Date;
use truce_gazetteer::Gazetteer;
use truce_model::{FormationId, Party, ReportId, ViolationType};

use crate::report::{governorate_code, Report};

/// What judging reads of one report, its names borrowed from the report
/// or its run's column: the findings of a governorate read hundreds of
/// thousands, and a shared name cloned for each is counted up and down
/// from every core at once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Facts<'a> {
    pub id: ReportId,
    pub party: &'a Party,
    pub date: Date,
    /// The gazetteer's code, empty outside every governorate.
    pub governorate: &'static str,
    pub violation_type: ViolationType,
    pub target: Option<&'a FormationId>,
    pub perpetrator: Option<&'a FormationId>,
}

impl Report {
    pub(crate) fn facts(&self) -> Facts<'_> {
        Facts {
            id: self.id,
            party: &self.party,
            date: self.date(),
            governorate: self.governorate,
            violation_type: self.fields.violation_type,
            target: self.fields.target.formation(),
            perpetrator: self.fields.perpetrator.formation(),
        }
    }
}

/// Bytes of one report's row.
const ROW_BYTES: usize = 22;

/// The index of a target or perpetrator that is not a formation.
const NONE: u16 = u16::MAX;

/// Names of one kind met in a run, in the order first met, each with
/// the index its rows give.
struct Names<T> {
    list: Vec<T>,
    at: HashMap<T, u16>,
}

impl<T: Copy + Eq + std::hash::Hash> Names<T> {
    fn new() -> Self {
        Self {
            list: Vec::new(),
            at: HashMap::new(),
        }
    }

    fn place(&mut self, name: T) -> Result<u16, String> {
        if let Some(index) = self.at.get(&name) {
            return Ok(*index);
        }
        let index = u16::try_from(self.list.len())
            .ok()
            .filter(|index| *index != NONE)
            .ok_or("a run of reports names more than 65,534 different names of one kind")?;
        self.list.push(name);
        self.at.insert(name, index);
        Ok(index)
    }
}

/// The column of `reports` (a run, in id order), appended to `out`.
pub(crate) fn write_column<'a>(reports: &[&'a Report], out: &mut Vec<u8>) -> Result<(), String> {
    let (mut parties, mut governorates) = (Names::new(), Names::new());
    let (mut formations, mut types) = (Names::new(), Names::new());
    let mut rows = Vec::with_capacity(reports.len() * ROW_BYTES);
    for report in reports {
        let mut formation = |actor: &'a truce_model::Actor| {
            actor
                .formation()
                .map_or(Ok(NONE), |id| formations.place(id.as_str()))
        };
        let indexes = [
            parties.place(report.party.as_str())?,
            governorates.place(report.governorate)?,
            types.place(report.fields.violation_type)?,
            formation(&report.fields.target)?,
            formation(&report.fields.perpetrator)?,
        ];
        let date = report.date();
        rows.extend_from_slice(&report.id.0.to_le_bytes());
        rows.extend_from_slice(&date.year().to_le_bytes());
        rows.push(date.month() as u8);
        rows.push(date.day() as u8);
        for index in indexes {
            rows.extend_from_slice(&index.to_le_bytes());
        }
    }
    let names = (
        &parties.list,
        &governorates.list,
        &formations.list,
        &types.list,
    );
    rmp_serde::encode::write(out, &names).map_err(|e| e.to_string())?;
    out.extend_from_slice(&rows);
    Ok(())
}

/// A run's column read back: its names made once, its rows copied as
/// they are (checked once, when the column is read), so judging copies
/// out only the facts it asks for. The rows are copied, not kept where
/// they lie, so that the run's saved bytes, and with them every page of
/// its reports that a decoding read, can be let go of.
pub(crate) struct Column {
    parties: Vec<Party>,
    governorates: Vec<&'static str>,
    formations: Vec<FormationId>,
    types: Vec<ViolationType>,
    rows: Box<[u8]>,
}

/// One row's fields, as written.
struct Row {
    id: u64,
    year: i16,
    month: i8,
    day: i8,
    party: u16,
    governorate: u16,
    violation_type: u16,
    target: u16,
    perpetrator: u16,
}

impl Row {
    fn at(rows: &[u8], at: usize) -> Row {
        let row = &rows[at * ROW_BYTES..(at + 1) * ROW_BYTES];
        let word = |at: usize| u16::from_le_bytes([row[at], row[at + 1]]);
        Row {
            id: u64::from_le_bytes(row[..8].try_into().expect("8 bytes")),
            year: i16::from_le_bytes([row[8], row[9]]),
            month: row[10] as i8,
            day: row[11] as i8,
            party: word(12),
            governorate: word(14),
            violation_type: word(16),
            target: word(18),
            perpetrator: word(20),
        }
    }
}

impl Column {
    /// The column of a run of `count` reports, every row checked.
    pub(crate) fn read(
        bytes: Bytes,
        count: usize,
        gazetteer: &'static Gazetteer,
    ) -> Result<Column, String> {
        let rows_at = count
            .checked_mul(ROW_BYTES)
            .and_then(|len| bytes.len().checked_sub(len))
            .ok_or("its column of facts is shorter than its rows")?;
        let (parties, governorates, formations, types): (
            Vec<&str>,
            Vec<&str>,
            Vec<&str>,
            Vec<ViolationType>,
        ) = rmp_serde::from_slice(&bytes[..rows_at])
            .map_err(|e| format!("the names of its facts: {e}"))?;
        let column = Column {
            parties: parties
                .into_iter()
                .map(|name| Party::new(name).map_err(|e| e.to_string()))
                .collect::<Result<_, _>>()?,
            governorates: governorates
                .into_iter()
                .map(|code| governorate_code(gazetteer, code))
                .collect::<Result<_, _>>()?,
            formations: formations
                .into_iter()
                .map(|name| FormationId::new(name).map_err(|e| e.to_string()))
                .collect::<Result<_, _>>()?,
            types,
            rows: bytes[rows_at..].into(),
        };
        (0..count).try_for_each(|at| column.check(&Row::at(&column.rows, at)))?;
        Ok(column)
    }

    fn check(&self, row: &Row) -> Result<(), String> {
        let within = |index: u16, len: usize, what: &str| {
            if usize::from(index) < len {
                Ok(())
            } else {
                Err(format!(
                    "report {}: it names {what} {index} of {len}",
                    row.id
                ))
            }
        };
        within(row.party, self.parties.len(), "party")?;
        within(row.governorate, self.governorates.len(), "governorate")?;
        within(row.violation_type, self.types.len(), "type")?;
        for formation in [row.target, row.perpetrator] {
            if formation != NONE {
                within(formation, self.formations.len(), "formation")?;
            }
        }
        Date::new(row.year, row.month, row.day)
            .map_err(|e| format!("report {}: its day: {e}", row.id))?;
        Ok(())
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len() / ROW_BYTES
    }

    /// The reports' ids, in the order of the rows.
    pub(crate) fn ids(&self) -> impl ExactSizeIterator<Item = ReportId> + Clone + '_ {
        (0..self.len()).map(|at| ReportId(Row::at(&self.rows, at).id))
    }

    fn id_at(&self, at: usize) -> u64 {
        let bytes = &self.rows[at * ROW_BYTES..at * ROW_BYTES + 8];
        u64::from_le_bytes(bytes.try_into().expect("8 bytes"))
    }

    /// The facts of report `id`, if the run holds it.
    pub(crate) fn find(&self, id: ReportId) -> Option<Facts<'_>> {
        let wanted = id.0;
        let (mut low, mut high) = (0, self.len());
        let mut guesses = 0;
        while low < high {
            let (first, last) = (self.id_at(low), self.id_at(high - 1));
            if wanted < first || wanted > last {
                return None;
            }
            // A run's ids are mostly near-consecutive Record positions:
            // where `wanted` would lie were they evenly spread is usually
            // where it is. A few guesses, then halving, so uneven ids
            // cost no more than a binary search.
            let at = if guesses < 3 && last > first {
                let share = u128::from(wanted - first) * (high - 1 - low) as u128;
                low + (share / u128::from(last - first)) as usize
            } else {
                low + (high - low) / 2
            };
            guesses += 1;
            match self.id_at(at).cmp(&wanted) {
                std::cmp::Ordering::Less => low = at + 1,
                std::cmp::Ordering::Greater => high = at,
                std::cmp::Ordering::Equal => return Some(self.facts_of(Row::at(&self.rows, at))),
            }
        }
        None
    }

    /// A row's facts; its indexes and day were checked when it was read.
    fn facts_of(&self, row: Row) -> Facts<'_> {
        let formation = |index: u16| (index != NONE).then(|| &self.formations[usize::from(index)]);
        Facts {
            id: ReportId(row.id),
            party: &self.parties[usize::from(row.party)],
            date: Date::new(row.year, row.month, row.day).expect("a day checked when read"),
            governorate: self.governorates[usize::from(row.governorate)],
            violation_type: self.types[usize::from(row.violation_type)],
            target: formation(row.target),
            perpetrator: formation(row.perpetrator),
        }
    }
}
