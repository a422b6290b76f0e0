//! Grouping reports into incidents: reports of different guarantors close
//! in space and time, of compatible types, describe one event. A report
//! joins every incident one of whose reports it matches, as long as it lies
//! within the time window of that incident's first report; reports are
//! taken in Record order, so every node derives the same incidents. Members'
//! links and detachments then apply in Record order.
//!
//! The grouping is kept incrementally: a new report is joined to its
//! neighbours in a space-time grid as it is filed. Amendments, withdrawals
//! and links are rare; they mark the grouping stale, and it is rebuilt from
//! all reports before readers are given the state (`Rules::settle`).
//!
//! The grouping knows reports only by their id and fields; the reports
//! part (`reports.rs`) keeps it beside the reports.

use std::sync::OnceLock;

use bytes::Bytes;
use imbl::GenericHashMap;
use rayon::prelude::*;

use crate::chunked::Chunked;
use crate::saved_ids::IdList;

use serde::{Deserialize, Serialize};
use truce_model::{GroupingConfig, ReportFields, ReportId};

#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    /// The incident is named by its first report.
    pub id: ReportId,
    pub reports: Vec<ReportId>,
}

const EARTH_RADIUS_KM: f64 = 6_371.0;

/// Great-circle distance between two points given as (lat, lon) in degrees.
pub(crate) fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

type Cell = (i64, i64, i64);

/// What grouping compares of two reports, kept in the grid's cells.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct Point {
    lat: f64,
    lon: f64,
    minute: i64,
    /// The filing party's index among the Record's parties.
    party: u32,
    violation_type: truce_model::ViolationType,
}

fn minute_of(fields: &ReportFields) -> i64 {
    fields
        .occurred
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second() / 60)
        .unwrap_or_default()
}

/// A fast hash for grid cells (Fibonacci hashing of the three
/// coordinates); the keys are not attacker-chosen in any way that matters
/// here, and SipHash dominated the grouping's profile.
#[derive(Default, Clone, Copy)]
pub(crate) struct CellHasher(u64);

impl std::hash::Hasher for CellHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_i64(&mut self, value: i64) {
        self.0 = (self.0.rotate_left(5) ^ value as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_u64(&mut self, value: u64) {
        self.write_i64(value as i64);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_i64(value as i64);
    }
}

/// A persistent map keyed by numbers of the Record's own making (cells,
/// positions, indexes), hashed the cheap way.
pub(crate) type FastMap<K, V> = GenericHashMap<
    K,
    V,
    std::hash::BuildHasherDefault<CellHasher>,
    imbl::shared_ptr::DefaultSharedPtr,
>;

/// Each cell's reports, with what grouping compares of them, so that
/// scanning a cell reads one list and looks nothing up.
pub(crate) type CellMap = FastMap<Cell, Vec<(usize, Point)>>;

/// The grid of a grouping, or the bytes it was saved as until it is first
/// read: only grouping a new report reads it, which a reader never does,
/// and decoding a million reports' points had been a third of the time a
/// read took to open a saved state.
#[derive(Default, Clone)]
struct Grid {
    cells: OnceLock<CellMap>,
    /// The saved bytes, while the cells have not changed since.
    saved: Option<Bytes>,
}

/// A grid as it is to be saved.
pub(crate) enum GridToSave<'a> {
    /// The bytes it was read back from, never changed since.
    AsRead(Bytes),
    Cells(&'a CellMap),
}

impl Grid {
    fn cells(&self) -> &CellMap {
        self.cells.get_or_init(|| match &self.saved {
            None => CellMap::default(),
            // The bytes passed their checksum when the saved state was
            // opened, and were written by this format's writer: they fail
            // to decode only through a fault of this program or bytes
            // changed on purpose with their checksum, and no answer is
            // then given.
            Some(bytes) => rmp_serde::from_slice(bytes).unwrap_or_else(|e| {
                panic!(
                    "the saved register state holds a grid of the grouping that cannot be read: {e}; \
                     remove register.saved beside the Record and start again"
                )
            }),
        })
    }

    fn cells_mut(&mut self) -> &mut CellMap {
        self.cells();
        self.saved = None;
        self.cells.get_mut().expect("the cells were just read")
    }
}

impl PartialEq for Grid {
    fn eq(&self, other: &Self) -> bool {
        self.cells() == other.cells()
    }
}

impl std::fmt::Debug for Grid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.cells.get() {
            Some(cells) => write!(f, "Grid({} cells)", cells.len()),
            None => write!(f, "Grid(as saved)"),
        }
    }
}

/// Grid cell of a report: space in cells about two grouping distances
/// wide, time in buckets two windows long. A matching report is then in
/// the report's own cell or in the one neighbour, per dimension, on the
/// side of the cell's middle the report lies: eight cells to read, not the
/// twenty-seven of cells one distance wide.
fn cell(point: &Point, config: &GroupingConfig) -> (Cell, Cell) {
    // One degree of latitude is about 111 km (111.19 for the radius the
    // distance uses, so a match is always a little nearer than `degrees`).
    // A degree of longitude shrinks with latitude; spans twice as wide in
    // longitude stay at least one grouping distance wide up to 60 degrees.
    let degrees = (config.max_distance_km / 111.0).max(1e-6);
    let window = (config.window_hours * 60).max(1);
    let along = |value: f64, span: f64| {
        let at = value / (2.0 * span);
        let base = at.floor();
        let side = if at - base < 0.5 { -1 } else { 1 };
        (base as i64, side)
    };
    let (lat, lat_side) = along(point.lat, degrees);
    let (lon, lon_side) = along(point.lon, 2.0 * degrees);
    let time = point.minute.div_euclid(2 * window);
    let time_side = if point.minute.rem_euclid(2 * window) < window {
        -1
    } else {
        1
    };
    ((lat, lon, time), (lat_side, lon_side, time_side))
}

/// The report's own cell and the seven that hold every report near enough
/// to match it.
fn neighbours(((lat, lon, time), (a, b, c)): (Cell, Cell)) -> impl Iterator<Item = Cell> {
    [0, a].into_iter().flat_map(move |a| {
        [0, b].into_iter().flat_map(move |b| {
            [0, c]
                .into_iter()
                .map(move |c| (lat + a, lon + b, time + c))
        })
    })
}

fn same_event(config: &GroupingConfig, a: &Point, b: &Point) -> bool {
    a.party != b.party
        && a.violation_type.compatible_with(b.violation_type)
        && (a.minute - b.minute).abs() <= config.window_hours * 60
        && distance_km((a.lat, a.lon), (b.lat, b.lon)) <= config.max_distance_km
}

/// An incident spans at most one window around its first report: without
/// this, reports of one town on consecutive days would chain into a single
/// incident covering months.
fn within_window(config: &GroupingConfig, point: &Point, first_minute: i64) -> bool {
    (point.minute - first_minute).abs() <= config.window_hours * 60
}

/// Union-find over the grouped reports, with each root's members. The
/// smaller index (the earlier report) is always the root, so a component is
/// named by its first report on every node.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Grouping {
    /// Reports are taken in Record order, so their ids ascend: a report's
    /// index is found by bisection, with no map to keep.
    /// Saved apart with the next two ([`Grouping::columns_to_save`]).
    #[serde(skip)]
    ids: Chunked<ReportId>,
    /// Each report's minute: a component's window is its first report's.
    #[serde(skip)]
    minutes: Chunked<i64>,
    #[serde(skip)]
    parent: Chunked<usize>,
    /// The reports, by id, of each root with more than one; a report alone
    /// is its own member. Listing incidents then reads no index.
    #[serde(with = "crate::saved_ids::lists")]
    members: FastMap<usize, IdList>,
    /// Saved apart ([`Grouping::grid_to_save`]).
    #[serde(skip)]
    grid: Grid,
    /// Set when the grouping no longer matches the reports.
    stale: bool,
}

impl Grouping {
    fn find(&self, mut i: usize) -> usize {
        loop {
            let parent = self.parent.get(i);
            if parent == i {
                return i;
            }
            i = parent;
        }
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent.set(child, root);
        let moved = self
            .members
            .remove(&child)
            .unwrap_or_else(|| vec![self.ids.get(child)].into());
        let first = self.ids.get(root);
        self.members
            .entry(root)
            .or_insert_with(|| vec![first].into())
            .to_mut()
            .extend(moved.iter());
    }

    fn push(&mut self, id: ReportId, point: Point) -> usize {
        debug_assert!(
            self.ids.last().is_none_or(|last| last < id),
            "reports are grouped in Record order"
        );
        let i = self.ids.len();
        self.ids.push(id);
        self.minutes.push(point.minute);
        self.parent.push(i);
        i
    }

    /// The index of a grouped report.
    fn index_of(&self, id: ReportId) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    /// Adds a report and joins it to every matching earlier report.
    pub(crate) fn add(
        &mut self,
        id: ReportId,
        fields: &ReportFields,
        party: usize,
        config: &GroupingConfig,
        joinable: bool,
    ) {
        let point = Point {
            lat: fields.location.lat,
            lon: fields.location.lon,
            minute: minute_of(fields),
            // A Record has a handful of parties, never four billion.
            party: party as u32,
            violation_type: fields.violation_type,
        };
        self.add_point(id, point, config, joinable);
    }

    fn add_point(&mut self, id: ReportId, point: Point, config: &GroupingConfig, joinable: bool) {
        let i = self.push(id, point);
        if !joinable {
            return;
        }
        let here = cell(&point, config);
        let mut joined: Vec<usize> = Vec::new();
        let grid = self.grid.cells();
        for neighbour in neighbours(here) {
            let Some(candidates) = grid.get(&neighbour) else {
                continue;
            };
            for (j, other) in candidates {
                // The comparison first, on the point kept in the cell: the
                // union-find is walked only for a report that matches.
                if !same_event(config, &point, other) {
                    continue;
                }
                // One match per component is enough.
                let root = self.find(*j);
                if !joined.contains(&root) && within_window(config, &point, self.minutes.get(root))
                {
                    joined.push(root);
                }
            }
        }
        self.grid
            .cells_mut()
            .entry(here.0)
            .or_default()
            .push((i, point));
        for root in joined {
            self.union(i, root);
        }
    }

    fn incident_at(&self, root: usize) -> Incident {
        match self.members.get(&root) {
            Some(members) => self.incident_of_members(root, members.iter()),
            None => self.incident_of_members(root, [self.ids.get(root)].into_iter()),
        }
    }

    fn incident_of_members(
        &self,
        root: usize,
        members: impl ExactSizeIterator<Item = ReportId>,
    ) -> Incident {
        let mut reports: Vec<ReportId> = members.collect();
        reports.sort_unstable();
        Incident {
            id: self.ids.get(root),
            reports,
        }
    }

    /// The grid, as it is to be saved beside the rest of the grouping.
    pub(crate) fn grid_to_save(&self) -> GridToSave<'_> {
        match &self.grid.saved {
            Some(bytes) => GridToSave::AsRead(bytes.clone()),
            None => GridToSave::Cells(self.grid.cells()),
        }
    }

    /// Takes the grid as it was saved ([`Grouping::grid_to_save`]), to be
    /// decoded when it is first read.
    pub(crate) fn restore_grid(&mut self, saved: Bytes) {
        self.grid = Grid {
            cells: OnceLock::new(),
            saved: Some(saved),
        };
    }

    /// The per-report columns as one blob to be saved beside the rest:
    /// the ids, then the minutes, then the parents, eight little-endian
    /// bytes each ([`Grouping::restore_columns`]).
    pub(crate) fn columns_to_save(&self) -> truce_record::SavedBlob<'_> {
        let len = self.ids.saved_len() + self.minutes.saved_len() + self.parent.saved_len();
        truce_record::SavedBlob::Written {
            len: len as u64,
            write: Box::new(move |out: &mut dyn std::io::Write| {
                self.ids.write_saved(out)?;
                self.minutes.write_saved(out)?;
                self.parent.write_saved(out)
            }),
        }
    }

    /// Takes the columns as they were saved ([`Grouping::columns_to_save`]),
    /// read where they lie: a report's are read when it is next grouped or
    /// listed, and copied only when written.
    pub(crate) fn restore_columns(&mut self, saved: Bytes) -> Result<(), String> {
        let column = 3 * 8;
        if !saved.len().is_multiple_of(column) {
            return Err(format!(
                "its grouping's columns are {} bytes long, not three of equal length",
                saved.len()
            ));
        }
        let len = saved.len() / 3;
        self.ids = Chunked::from_saved(saved.slice(..len))?;
        self.minutes = Chunked::from_saved(saved.slice(len..2 * len))?;
        self.parent = Chunked::from_saved(saved.slice(2 * len..))?;
        Ok(())
    }

    /// Whether the grouping no longer matches the reports.
    pub(crate) fn is_stale(&self) -> bool {
        self.stale
    }

    /// Marks the grouping for a rebuild before the state is next read.
    pub(crate) fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// Joins the incidents of two reports, where both are grouped.
    pub(crate) fn join(&mut self, a: ReportId, b: ReportId) {
        if let (Some(a), Some(b)) = (self.index_of(a), self.index_of(b)) {
            self.union(a, b);
        }
    }

    /// All incidents, in order of their first report.
    pub(crate) fn incidents(&self) -> Vec<Incident> {
        let mut grouped: Vec<(usize, &IdList)> = self
            .members
            .iter()
            .map(|(root, members)| (*root, members))
            .collect();
        grouped.sort_unstable_by_key(|(root, _)| *root);
        let mut grouped = grouped.into_iter().peekable();
        self.parent
            .iter()
            .enumerate()
            .filter(|(i, parent)| i == parent)
            .map(|(root, _)| match grouped.next_if(|(r, _)| *r == root) {
                Some((_, members)) => self.incident_of_members(root, members.iter()),
                None => self.incident_of_members(root, [self.ids.get(root)].into_iter()),
            })
            .collect()
    }

    /// The incident that holds a report, if the report is grouped.
    pub(crate) fn incident_of(&self, report: ReportId) -> Option<Incident> {
        let i = self.index_of(report)?;
        Some(self.incident_at(self.find(i)))
    }

    /// The incidents that hold any of `reports`, in order of their first report.
    pub(crate) fn incidents_of(
        &self,
        reports: impl IntoIterator<Item = ReportId>,
    ) -> Vec<Incident> {
        let reports: Vec<usize> = reports
            .into_iter()
            .filter_map(|id| usize::try_from(id.0).ok())
            .collect();
        let bound = reports.iter().max().map_or(0, |&last| last + 1);
        // In ascending order, each report is searched for from where the
        // one before it was, a share of them on each core.
        let roots: Vec<usize> = ascending_once(reports, bound)
            .par_chunks(ROOTS_AT_ONCE)
            .flat_map_iter(|ascending| {
                let mut from = 0;
                ascending.iter().filter_map(move |&id| {
                    match self.ids.search_from(from, &ReportId(id as u64)) {
                        Ok(at) => {
                            from = at;
                            Some(self.find(at))
                        }
                        Err(at) => {
                            from = at;
                            None
                        }
                    }
                })
            })
            .collect();
        // A governorate's incidents at a million reports hold a quarter of
        // them, each incident's sorted: on all cores.
        ascending_once(roots, self.parent.len())
            .into_par_iter()
            .map(|r| self.incident_at(r))
            .collect()
    }
}

/// Reports whose incidents one task finds ([`Grouping::incidents_of`]).
const ROOTS_AT_ONCE: usize = 8_192;

/// `indexes` (each below `bound`) in ascending order, each once. Many of
/// them (a governorate's report ids, or their roots, most shared) are
/// marked in a set of bits and read back in order, which cost a tenth of
/// sorting them; a few are sorted.
fn ascending_once(mut indexes: Vec<usize>, bound: usize) -> Vec<usize> {
    if indexes.len() < bound / 64 {
        indexes.sort_unstable();
        indexes.dedup();
        return indexes;
    }
    let mut marked = vec![0u64; bound.div_ceil(64)];
    for &index in &indexes {
        marked[index / 64] |= 1 << (index % 64);
    }
    let mut ascending = Vec::new();
    for (word, mut bits) in marked.into_iter().enumerate() {
        while bits != 0 {
            ascending.push(word * 64 + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }
    ascending
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_model::ViolationType;

    #[test]
    fn indexes_come_back_ascending_and_once_however_many() {
        let mut rng = truce_testkit::Rng::new(7);
        for (count, bound) in [
            (0, 10),
            (3, 1000),
            (500, 1000),
            (5000, 640),
            (100, 64),
            (70, 65),
        ] {
            let indexes: Vec<usize> = (0..count).map(|_| rng.below(bound)).collect();
            let mut expected = indexes.clone();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(
                ascending_once(indexes, bound),
                expected,
                "{count} below {bound}"
            );
        }
    }

    /// The rule as the module's doc states it, over every pair: a report
    /// joins each incident (as incidents stand before it) one of whose
    /// reports it matches, within the window of that incident's first.
    fn grouped_pair_by_pair(points: &[Point], config: &GroupingConfig) -> Vec<usize> {
        let mut parent: Vec<usize> = Vec::new();
        fn find(parent: &[usize], mut i: usize) -> usize {
            while parent[i] != i {
                i = parent[i];
            }
            i
        }
        for (i, point) in points.iter().enumerate() {
            parent.push(i);
            let mut joined = Vec::new();
            for (j, other) in points[..i].iter().enumerate() {
                let root = find(&parent, j);
                if same_event(config, point, other)
                    && !joined.contains(&root)
                    && within_window(config, point, points[root].minute)
                {
                    joined.push(root);
                }
            }
            for root in joined {
                let own = find(&parent, i);
                let (low, high) = (own.min(root), own.max(root));
                parent[high] = low;
            }
        }
        (0..points.len()).map(|i| find(&parent, i)).collect()
    }

    /// The grid reads eight cells two distances (and two windows) wide; it
    /// must find every match the pair-by-pair rule finds, at the edges of
    /// cells and at exactly one window apart (times on the hour).
    #[test]
    fn the_grid_groups_as_comparing_every_pair_does() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        let types = [
            ViolationType::Shelling,
            ViolationType::AirStrike,
            ViolationType::Obstruction,
        ];
        for (config, spread_km) in [
            (GroupingConfig::default(), 30.0),
            (
                GroupingConfig {
                    max_distance_km: 1.0,
                    window_hours: 1,
                },
                5.0,
            ),
        ] {
            let mut grouped_somewhere = false;
            for _ in 0..40 {
                let degrees = spread_km / 111.0;
                let points: Vec<Point> = (0..250)
                    .map(|_| Point {
                        lat: 35.0 + degrees * next(10_000) as f64 / 10_000.0,
                        lon: 36.5 + degrees * next(10_000) as f64 / 10_000.0,
                        minute: 60 * next(3 * config.window_hours as u64 + 1) as i64,
                        party: next(3) as u32,
                        violation_type: types[next(3) as usize],
                    })
                    .collect();
                let mut grouping = Grouping::default();
                for (i, point) in points.iter().enumerate() {
                    grouping.add_point(ReportId(i as u64), *point, &config, true);
                }
                let roots: Vec<usize> = (0..points.len()).map(|i| grouping.find(i)).collect();
                let expected = grouped_pair_by_pair(&points, &config);
                assert_eq!(roots, expected, "{config:?}");
                // Listed as incidents: one per root, its reports in order.
                let mut by_root: std::collections::BTreeMap<usize, Vec<ReportId>> =
                    std::collections::BTreeMap::new();
                for (i, root) in expected.iter().enumerate() {
                    by_root.entry(*root).or_default().push(ReportId(i as u64));
                }
                let listed: Vec<(ReportId, Vec<ReportId>)> = grouping
                    .incidents()
                    .into_iter()
                    .map(|incident| (incident.id, incident.reports))
                    .collect();
                let expected_incidents: Vec<(ReportId, Vec<ReportId>)> = by_root
                    .into_iter()
                    .map(|(root, reports)| (ReportId(root as u64), reports))
                    .collect();
                assert_eq!(listed, expected_incidents, "{config:?}");
                let some = ReportId(points.len() as u64 / 2);
                assert_eq!(
                    grouping.incident_of(some).map(|incident| incident.reports),
                    expected_incidents
                        .iter()
                        .find(|(_, reports)| reports.contains(&some))
                        .map(|(_, reports)| reports.clone()),
                );
                grouped_somewhere |= roots.iter().enumerate().any(|(i, r)| i != *r);
            }
            assert!(grouped_somewhere, "no report grouped under {config:?}");
        }
    }

    #[test]
    fn distance_between_damascus_and_aleppo_is_about_310_km() {
        let d = distance_km((33.5138, 36.2765), (36.2021, 37.1343));
        assert!((300.0..320.0).contains(&d), "{d}");
    }
}
