//! Grouping reports into incidents: reports of different guarantors close
//! in space and time, of compatible types, describe one event. The result
//! is the connected components of that relation (so it does not depend on
//! the order reports are looked at), adjusted by members' links and
//! detachments in Record order.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use truce_model::ReportId;

use crate::register::{Register, Report};

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

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller index becomes the root, for determinism.
        let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[high] = low;
    }
}

/// Grid cell of a report: space in cells about one grouping distance wide,
/// time in buckets one window long. Matching reports are always in
/// neighbouring cells, so only those are compared.
fn cell(report: &Report, degrees: f64, window_minutes: i64) -> (i64, i64, i64) {
    let minutes = report
        .fields
        .occurred
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second() / 60)
        .unwrap_or_default();
    // A degree of longitude shrinks with latitude; cells twice as wide in
    // longitude stay at least one grouping distance wide up to 60 degrees.
    (
        (report.fields.location.lat / degrees).floor() as i64,
        (report.fields.location.lon / (2.0 * degrees)).floor() as i64,
        minutes.div_euclid(window_minutes),
    )
}

fn minutes_apart(a: &Report, b: &Report) -> i64 {
    let span = a.fields.occurred.duration_until(b.fields.occurred);
    (span.as_secs() / 60).abs()
}

impl Register {
    fn same_event(&self, a: &Report, b: &Report) -> bool {
        let grouping = &self.config.grouping;
        a.party != b.party
            && a.fields
                .violation_type
                .compatible_with(b.fields.violation_type)
            && minutes_apart(a, b) <= grouping.window_hours * 60
            && distance_km(
                (a.fields.location.lat, a.fields.location.lon),
                (b.fields.location.lat, b.fields.location.lon),
            ) <= grouping.max_distance_km
    }

    /// All incidents, in order of their first report.
    pub fn incidents(&self) -> Vec<Incident> {
        let active: Vec<&Report> = self.reports.values().filter(|r| r.is_active()).collect();
        let index: HashMap<ReportId, usize> =
            active.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let (detached, pairs) = self.manual_overrides(&index);
        let mut groups = UnionFind::new(active.len());
        self.join_automatically(&active, &detached, &mut groups);
        for (a, b) in pairs {
            groups.union(a, b);
        }
        let mut components: BTreeMap<usize, Vec<ReportId>> = BTreeMap::new();
        for (i, report) in active.iter().enumerate() {
            components
                .entry(groups.find(i))
                .or_default()
                .push(report.id);
        }
        components
            .into_values()
            .map(|reports| Incident {
                id: reports[0],
                reports,
            })
            .collect()
    }

    /// The incident that holds a report.
    pub fn incident_of(&self, report: ReportId) -> Option<Incident> {
        self.incidents()
            .into_iter()
            .find(|incident| incident.reports.contains(&report))
    }

    fn join_automatically(
        &self,
        active: &[&Report],
        detached: &BTreeSet<usize>,
        groups: &mut UnionFind,
    ) {
        let grouping = &self.config.grouping;
        // One degree of latitude is about 111 km.
        let degrees = (grouping.max_distance_km / 111.0).max(1e-6);
        let window = (grouping.window_hours * 60).max(1);
        let mut grid: HashMap<(i64, i64, i64), Vec<usize>> = HashMap::new();
        for (i, report) in active.iter().enumerate() {
            if !detached.contains(&i) {
                grid.entry(cell(report, degrees, window))
                    .or_default()
                    .push(i);
            }
        }
        for (&(lat, lon, time), members) in &grid {
            for &i in members {
                for neighbour in neighbours(lat, lon, time) {
                    let Some(others) = grid.get(&neighbour) else {
                        continue;
                    };
                    for &j in others.iter().filter(|&&j| j > i) {
                        if self.same_event(active[i], active[j]) {
                            groups.union(i, j);
                        }
                    }
                }
            }
        }
    }

    /// Detached reports and linked pairs after all links in Record order:
    /// a detachment undoes earlier links of that report, a later link
    /// undoes an earlier detachment.
    fn manual_overrides(
        &self,
        index: &HashMap<ReportId, usize>,
    ) -> (BTreeSet<usize>, Vec<(usize, usize)>) {
        let mut detached = BTreeSet::new();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for link in &self.links {
            let Some(&report) = index.get(&link.report) else {
                continue;
            };
            match link.with.and_then(|w| index.get(&w)) {
                Some(&with) => {
                    detached.remove(&report);
                    detached.remove(&with);
                    pairs.push((report, with));
                }
                None if link.with.is_none() => {
                    detached.insert(report);
                    pairs.retain(|&(a, b)| a != report && b != report);
                }
                None => {}
            }
        }
        (detached, pairs)
    }
}

fn neighbours(lat: i64, lon: i64, time: i64) -> impl Iterator<Item = (i64, i64, i64)> {
    (-1..=1).flat_map(move |a| {
        (-1..=1).flat_map(move |b| (-1..=1).map(move |c| (lat + a, lon + b, time + c)))
    })
}

#[cfg(test)]
mod tests {
    use super::distance_km;

    #[test]
    fn distance_between_damascus_and_aleppo_is_about_310_km() {
        let d = distance_km((33.5138, 36.2765), (36.2021, 37.1343));
        assert!((300.0..320.0).contains(&d), "{d}");
    }
}
