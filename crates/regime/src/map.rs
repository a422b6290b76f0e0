//! The incident map at any size of register: what the map needs of each
//! incident is taken from the register once (`MapIndex::new`), and each view
//! of the map (a bounding box at a zoom level, under the page's filters) is
//! then answered from that index alone, by grid clustering: incidents are
//! counted per square cell of about 64 screen pixels, a cell that holds one
//! incident shows it, a cell that holds several shows one numbered point.
//!
//! Pure: the same register and the same view give the same features.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use serde_json::{json, Value};
use truce_gazetteer::Gazetteer;
use truce_model::{FormationId, Party, Position, PublicViews, ReportId, ViolationType};

use crate::edition::{published_coordinate, Edition};
use crate::findings::{Finding, FindingKind};
use crate::reports::{governorate_name, Reports};

/// From this zoom level on, every incident is shown on its own: cells are
/// then a few metres wide, and incidents at one spot must stay selectable.
pub const SEPARATE_FROM_ZOOM: u8 = 16;

/// The highest zoom level a view may ask for.
pub const MAX_ZOOM: u8 = 20;

/// An incident's finding, as the map colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MapFinding {
    Confirmed,
    NotAViolation,
    Unconfirmed,
}

impl MapFinding {
    const ALL: [MapFinding; 3] = [
        MapFinding::Confirmed,
        MapFinding::NotAViolation,
        MapFinding::Unconfirmed,
    ];

    /// The same words as `FindingKind::label`.
    pub fn label(self) -> &'static str {
        match self {
            MapFinding::Confirmed => "confirmed violation",
            MapFinding::NotAViolation => "not a violation",
            MapFinding::Unconfirmed => "unconfirmed",
        }
    }
}

impl From<&FindingKind> for MapFinding {
    fn from(kind: &FindingKind) -> Self {
        match kind {
            FindingKind::ConfirmedViolation { .. } => MapFinding::Confirmed,
            FindingKind::NotAViolation { .. } => MapFinding::NotAViolation,
            FindingKind::Unconfirmed => MapFinding::Unconfirmed,
        }
    }
}

/// What the map needs of one incident. What every view scans sits in the
/// struct, so that the index is one run of memory; what only a filter on a
/// formation or a point shown on its own reads sits behind one shared
/// pointer, so that a copy for the next state costs no allocation.
#[derive(Debug, Clone)]
pub struct MapIncident {
    /// The incident, named by its first report.
    pub incident: ReportId,
    /// Where and when its first report places it.
    pub lat: f64,
    pub lon: f64,
    pub date: Date,
    pub finding: MapFinding,
    /// The first report's type, which labels the incident.
    pub violation_type: ViolationType,
    /// The types of all its reports, one bit per `ViolationType::ALL`: the
    /// type filter matches an incident if any of its reports matches.
    pub types: u16,
    /// The guarantor parties that filed its reports, one bit per guarantor
    /// in `MapIndex::guarantors` order.
    pub parties: u64,
    pub reports: usize,
    pub details: Arc<MapDetails>,
}

/// What a view reads of an incident only when it shows it on its own, or
/// filters on a formation.
#[derive(Debug)]
pub struct MapDetails {
    /// Formations named as perpetrator or target in any of its reports.
    pub formations: Vec<FormationId>,
    /// The governorate's name.
    pub governorate: String,
    /// Internal edition only: the first report's place and each guarantor's position.
    pub place: String,
    pub positions: BTreeMap<String, Position>,
}

fn type_bit(violation_type: ViolationType) -> u16 {
    let index = ViolationType::ALL
        .iter()
        .position(|t| *t == violation_type)
        .unwrap_or(0);
    1 << index
}

fn party_bit(guarantors: &[Party], party: &Party) -> u64 {
    // More than 64 guarantor parties is not a ceasefire mechanism this
    // register serves; such a party is simply not filterable.
    match guarantors.iter().position(|p| p == party) {
        Some(index) if index < 64 => 1 << index,
        _ => 0,
    }
}

impl MapIncident {
    pub(crate) fn of(
        reports: &Reports,
        gazetteer: &Gazetteer,
        guarantors: &[Party],
        finding: &Finding,
    ) -> Option<Self> {
        let first = reports.get(finding.incident)?;
        let reports: Vec<_> = finding
            .reports
            .iter()
            .filter_map(|id| reports.get(*id))
            .collect();
        let mut formations: Vec<FormationId> = reports
            .iter()
            .flat_map(|r| {
                [
                    r.fields.perpetrator.formation(),
                    r.fields.target.formation(),
                ]
            })
            .flatten()
            .cloned()
            .collect();
        formations.sort();
        formations.dedup();
        Some(Self {
            incident: finding.incident,
            lat: first.fields.location.lat,
            lon: first.fields.location.lon,
            date: finding.date,
            finding: MapFinding::from(&finding.kind),
            violation_type: first.fields.violation_type,
            types: reports
                .iter()
                .fold(0, |bits, r| bits | type_bit(r.fields.violation_type)),
            parties: reports
                .iter()
                .fold(0, |bits, r| bits | party_bit(guarantors, &r.party)),
            reports: finding.reports.len(),
            details: Arc::new(MapDetails {
                formations,
                governorate: governorate_name(gazetteer, &finding.governorate),
                place: first.fields.location.place.clone(),
                positions: finding.positions.clone(),
            }),
        })
    }
}

/// Every incident of a register, ordered by date, ready to be selected
/// and clustered per view.
#[derive(Debug, Clone, Default)]
pub struct MapIndex {
    incidents: Vec<MapIncident>,
    guarantors: Vec<Party>,
    /// What the public may see of the points, from the Record.
    public: PublicViews,
}

/// Which incidents a view shows.
#[derive(Debug, Clone)]
pub struct MapFilter {
    /// First and last day, included.
    pub from: Date,
    pub to: Date,
    pub violation_type: Option<ViolationType>,
    pub formation: Option<FormationId>,
    /// Incidents with a report filed by this guarantor party.
    pub party: Option<Party>,
}

impl MapFilter {
    /// Every incident.
    pub fn all() -> Self {
        Self {
            from: Date::MIN,
            to: Date::MAX,
            violation_type: None,
            formation: None,
            party: None,
        }
    }
}

/// A rectangle in degrees (WGS 84): west, south, east, north.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BoundingBox {
    pub const WORLD: BoundingBox = BoundingBox {
        west: -180.0,
        south: -90.0,
        east: 180.0,
        north: 90.0,
    };

    fn include(&mut self, lon: f64, lat: f64) {
        self.west = self.west.min(lon);
        self.east = self.east.max(lon);
        self.south = self.south.min(lat);
        self.north = self.north.max(lat);
    }

    fn at(lon: f64, lat: f64) -> Self {
        Self {
            west: lon,
            south: lat,
            east: lon,
            north: lat,
        }
    }
}

/// One view of the map: the incidents in `bbox`, clustered for `zoom`, or
/// each on its own without a zoom level.
#[derive(Debug, Clone, Copy)]
pub struct MapView {
    pub bbox: BoundingBox,
    pub zoom: Option<u8>,
}

/// Several incidents in one grid cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The mean position of its incidents.
    pub lat: f64,
    pub lon: f64,
    pub count: usize,
    /// How many incidents have each finding.
    pub findings: BTreeMap<MapFinding, usize>,
    pub from: Date,
    pub to: Date,
    /// The smallest rectangle holding its incidents: zooming to it splits it.
    pub bounds: BoundingBox,
}

impl Cluster {
    /// The most frequent finding (the more serious one on a tie).
    pub fn main_finding(&self) -> MapFinding {
        MapFinding::ALL
            .into_iter()
            .max_by_key(|f| {
                (
                    self.findings.get(f).copied().unwrap_or(0),
                    std::cmp::Reverse(*f),
                )
            })
            .unwrap_or(MapFinding::Unconfirmed)
    }
}

/// A point on the map.
#[derive(Debug, Clone)]
pub enum MapFeature<'a> {
    Incident(&'a MapIncident),
    Cluster(Cluster),
}

/// What a view shows: its points, and how many incidents they stand for.
#[derive(Debug, Clone)]
pub struct MapSelection<'a> {
    pub features: Vec<MapFeature<'a>>,
    pub incidents: usize,
    public: PublicViews,
}

/// Counts of one cell while the view is scanned.
struct CellTally<'a> {
    first: &'a MapIncident,
    count: usize,
    lat_sum: f64,
    lon_sum: f64,
    findings: BTreeMap<MapFinding, usize>,
    from: Date,
    to: Date,
    bounds: BoundingBox,
}

impl<'a> CellTally<'a> {
    fn new(incident: &'a MapIncident) -> Self {
        Self {
            first: incident,
            count: 1,
            lat_sum: incident.lat,
            lon_sum: incident.lon,
            findings: BTreeMap::from([(incident.finding, 1)]),
            from: incident.date,
            to: incident.date,
            bounds: BoundingBox::at(incident.lon, incident.lat),
        }
    }

    fn add(&mut self, incident: &MapIncident) {
        self.count += 1;
        self.lat_sum += incident.lat;
        self.lon_sum += incident.lon;
        *self.findings.entry(incident.finding).or_default() += 1;
        self.from = self.from.min(incident.date);
        self.to = self.to.max(incident.date);
        self.bounds.include(incident.lon, incident.lat);
    }

    fn into_feature(self) -> MapFeature<'a> {
        if self.count == 1 {
            return MapFeature::Incident(self.first);
        }
        let n = self.count as f64;
        MapFeature::Cluster(Cluster {
            lat: self.lat_sum / n,
            lon: self.lon_sum / n,
            count: self.count,
            findings: self.findings,
            from: self.from,
            to: self.to,
            bounds: self.bounds,
        })
    }
}

/// The side of a grid cell at `zoom`, in degrees: a quarter of a 256-pixel
/// Web Mercator tile, so about 64 pixels on screen.
pub fn cell_degrees(zoom: u8) -> f64 {
    90.0 / f64::from(1u32 << zoom.min(MAX_ZOOM))
}

/// The grid cells, as (column, row), that a box touches: a view takes whole
/// cells, so a cell's count does not change as the map is panned.
struct CellRange {
    size: f64,
    columns: (i64, i64),
    rows: (i64, i64),
}

impl CellRange {
    fn new(bbox: BoundingBox, size: f64) -> Self {
        Self {
            size,
            columns: (Self::cell(bbox.west, size), Self::cell(bbox.east, size)),
            rows: (Self::cell(bbox.south, size), Self::cell(bbox.north, size)),
        }
    }

    fn cell(degrees: f64, size: f64) -> i64 {
        (degrees / size).floor() as i64
    }

    /// The cell holding the point, if the range holds that cell.
    fn cell_of(&self, lon: f64, lat: f64) -> Option<(i64, i64)> {
        let column = Self::cell(lon, self.size);
        let row = Self::cell(lat, self.size);
        ((self.columns.0..=self.columns.1).contains(&column)
            && (self.rows.0..=self.rows.1).contains(&row))
        .then_some((column, row))
    }
}

impl MapIndex {
    /// Every incident of the register, with its finding. It needs every
    /// finding, which is what the map must not compute on each request:
    /// use `Register::map_index`, built once per state.
    pub(crate) fn new(
        mut incidents: Vec<MapIncident>,
        guarantors: Vec<Party>,
        public: PublicViews,
    ) -> Self {
        // Ids are unique, so the order is total.
        incidents.sort_unstable_by_key(|i| (i.date, i.incident));
        Self {
            incidents,
            guarantors,
            public,
        }
    }

    /// An index of given incidents (for tests and measures).
    pub fn from_incidents(incidents: Vec<MapIncident>, guarantors: Vec<Party>) -> Self {
        Self::new(incidents, guarantors, PublicViews::default())
    }

    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    /// The incidents from `from` to `to`: a slice, since they are in date order.
    fn between(&self, from: Date, to: Date) -> &[MapIncident] {
        let start = self.incidents.partition_point(|i| i.date < from);
        let end = self.incidents.partition_point(|i| i.date <= to);
        &self.incidents[start..end.max(start)]
    }

    fn matcher<'f>(&self, filter: &'f MapFilter) -> Option<impl Fn(&MapIncident) -> bool + 'f> {
        let party = match &filter.party {
            Some(party) => match party_bit(&self.guarantors, party) {
                0 => return None,
                bit => Some(bit),
            },
            None => None,
        };
        let types = filter.violation_type.map(type_bit);
        Some(move |incident: &MapIncident| {
            types.is_none_or(|bit| incident.types & bit != 0)
                && party.is_none_or(|bit| incident.parties & bit != 0)
                && filter
                    .formation
                    .as_ref()
                    .is_none_or(|f| incident.details.formations.contains(f))
        })
    }

    /// The points of one view: at a zoom level below `SEPARATE_FROM_ZOOM`,
    /// one point per grid cell; otherwise (or without a zoom) every incident
    /// in the box on its own, in the order of the incidents' ids.
    pub fn select(&self, filter: &MapFilter, view: &MapView) -> MapSelection<'_> {
        let Some(matches) = self.matcher(filter) else {
            return MapSelection {
                features: Vec::new(),
                incidents: 0,
                public: self.public,
            };
        };
        let candidates = self
            .between(filter.from, filter.to)
            .iter()
            .filter(|i| matches(i));
        let selection = match view.zoom {
            Some(zoom) if zoom < SEPARATE_FROM_ZOOM => {
                Self::clustered(candidates, view.bbox, cell_degrees(zoom))
            }
            _ => Self::separate(candidates, view.bbox),
        };
        MapSelection {
            public: self.public,
            ..selection
        }
    }

    fn separate<'a>(
        candidates: impl Iterator<Item = &'a MapIncident>,
        bbox: BoundingBox,
    ) -> MapSelection<'a> {
        let mut inside: Vec<&MapIncident> = candidates
            .filter(|i| {
                (bbox.west..=bbox.east).contains(&i.lon)
                    && (bbox.south..=bbox.north).contains(&i.lat)
            })
            .collect();
        inside.sort_by_key(|i| i.incident);
        MapSelection {
            incidents: inside.len(),
            features: inside.into_iter().map(MapFeature::Incident).collect(),
            public: PublicViews::default(),
        }
    }

    fn clustered<'a>(
        candidates: impl Iterator<Item = &'a MapIncident>,
        bbox: BoundingBox,
        cell_size: f64,
    ) -> MapSelection<'a> {
        let range = CellRange::new(bbox, cell_size);
        let mut cells: HashMap<(i64, i64), CellTally<'a>> = HashMap::new();
        let mut incidents = 0;
        for incident in candidates {
            let Some(cell) = range.cell_of(incident.lon, incident.lat) else {
                continue;
            };
            incidents += 1;
            cells
                .entry(cell)
                .and_modify(|tally| tally.add(incident))
                .or_insert_with(|| CellTally::new(incident));
        }
        // Cells in a fixed order (row by row), so one view always gives the
        // same document.
        let mut cells: Vec<_> = cells.into_iter().collect();
        cells.sort_unstable_by_key(|((column, row), _)| (*row, *column));
        MapSelection {
            features: cells
                .into_iter()
                .map(|(_, tally)| tally.into_feature())
                .collect(),
            incidents,
            public: PublicViews::default(),
        }
    }
}

impl MapSelection<'_> {
    /// A GeoJSON FeatureCollection of the points, with `incidents` (how many
    /// incidents they stand for) beside `features`. An incident has the
    /// properties of `incidents_geojson`'s features; a cluster has `cluster`,
    /// `count`, `finding` (the most frequent), `findings` (count per
    /// finding), `from`, `to` and `bounds` ([west, south, east, north]).
    pub fn to_geojson(&self, edition: Edition) -> Value {
        let features: Vec<Value> = self
            .features
            .iter()
            .map(|feature| match feature {
                MapFeature::Incident(incident) => incident_feature(incident, edition, &self.public),
                MapFeature::Cluster(cluster) => cluster_feature(cluster, edition, &self.public),
            })
            .collect();
        json!({
            "type": "FeatureCollection",
            "incidents": self.incidents,
            "features": features,
        })
    }
}

fn point(lon: f64, lat: f64, edition: Edition, public: &PublicViews) -> Value {
    json!({
        "type": "Point",
        "coordinates": [
            published_coordinate(lon, edition, public),
            published_coordinate(lat, edition, public),
        ],
    })
}

fn incident_feature(incident: &MapIncident, edition: Edition, public: &PublicViews) -> Value {
    let mut properties = json!({
        "incident": incident.incident.to_string(),
        "date": incident.date.to_string(),
        "type": incident.violation_type.as_str(),
        "governorate": incident.details.governorate,
        "finding": incident.finding.label(),
        "reports": incident.reports,
    });
    if edition == Edition::Internal {
        properties["place"] = json!(incident.details.place);
        properties["positions"] = json!(incident.details.positions);
    }
    json!({
        "type": "Feature",
        "geometry": point(incident.lon, incident.lat, edition, public),
        "properties": properties,
    })
}

fn cluster_feature(cluster: &Cluster, edition: Edition, public: &PublicViews) -> Value {
    let findings: BTreeMap<&str, usize> = cluster
        .findings
        .iter()
        .map(|(finding, count)| (finding.label(), *count))
        .collect();
    let b = cluster.bounds;
    let c = |value| published_coordinate(value, edition, public);
    json!({
        "type": "Feature",
        "geometry": point(cluster.lon, cluster.lat, edition, public),
        "properties": {
            "cluster": true,
            "count": cluster.count,
            "finding": cluster.main_finding().label(),
            "findings": findings,
            "from": cluster.from.to_string(),
            "to": cluster.to.to_string(),
            "bounds": [c(b.west), c(b.south), c(b.east), c(b.north)],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// A deterministic spread of incidents around a few towns.
    pub(crate) fn generated(n: usize) -> Vec<MapIncident> {
        let towns = [(36.2, 37.16), (33.51, 36.29), (35.93, 36.63), (32.62, 36.1)];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut unit = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|i| {
                let (lat, lon) = towns[i % towns.len()];
                let violation_type = ViolationType::ALL[i % 5];
                MapIncident {
                    incident: ReportId(i as u64 + 10),
                    lat: lat + (unit() - 0.5) * 0.2,
                    lon: lon + (unit() - 0.5) * 0.2,
                    date: date(2025, 1, 1)
                        .checked_add(jiff::Span::new().days((i % 28) as i64))
                        .unwrap(),
                    finding: MapFinding::ALL[i % 3],
                    violation_type,
                    types: type_bit(violation_type),
                    parties: 1 << (i % 3),
                    reports: 1,
                    details: Arc::new(MapDetails {
                        formations: Vec::new(),
                        governorate: "Aleppo".into(),
                        place: format!("place {i}"),
                        positions: BTreeMap::new(),
                    }),
                }
            })
            .collect()
    }

    fn parties() -> Vec<Party> {
        ["Russian Federation", "Türkiye", "Iran"]
            .into_iter()
            .map(|p| Party::new(p).unwrap())
            .collect()
    }

    fn index(n: usize) -> MapIndex {
        MapIndex::from_incidents(generated(n), parties())
    }

    fn count(selection: &MapSelection) -> usize {
        selection
            .features
            .iter()
            .map(|f| match f {
                MapFeature::Incident(_) => 1,
                MapFeature::Cluster(c) => c.count,
            })
            .sum()
    }

    fn world(zoom: Option<u8>) -> MapView {
        MapView {
            bbox: BoundingBox::WORLD,
            zoom,
        }
    }

    #[test]
    fn clusters_account_for_every_incident_once() {
        let index = index(10_000);
        for zoom in [0, 3, 7, 10, 13, 15] {
            let selection = index.select(&MapFilter::all(), &world(Some(zoom)));
            assert_eq!(selection.incidents, 10_000, "zoom {zoom}");
            assert_eq!(count(&selection), 10_000, "zoom {zoom}");
        }
        let coarse = index.select(&MapFilter::all(), &world(Some(5)));
        assert!(coarse.features.len() <= 8, "{}", coarse.features.len());
    }

    #[test]
    fn without_a_zoom_or_zoomed_in_every_incident_stands_alone_in_id_order() {
        let index = index(500);
        for view in [world(None), world(Some(SEPARATE_FROM_ZOOM))] {
            let selection = index.select(&MapFilter::all(), &view);
            assert_eq!(selection.features.len(), 500);
            let ids: Vec<u64> = selection
                .features
                .iter()
                .map(|f| match f {
                    MapFeature::Incident(i) => i.incident.0,
                    MapFeature::Cluster(_) => panic!("a cluster"),
                })
                .collect();
            assert!(ids.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn a_box_takes_whole_cells_so_panning_keeps_counts() {
        let index = index(5_000);
        let zoom = Some(7);
        let around_aleppo = |west: f64| MapView {
            bbox: BoundingBox {
                west,
                south: 35.8,
                east: west + 1.5,
                north: 36.6,
            },
            zoom,
        };
        let a = index.select(&MapFilter::all(), &around_aleppo(36.5));
        let b = index.select(&MapFilter::all(), &around_aleppo(36.6));
        assert!(a.incidents > 0);
        let cluster_at = |s: &MapSelection| {
            s.features
                .iter()
                .find_map(|f| match f {
                    MapFeature::Cluster(c) if c.bounds.west < 37.16 && c.bounds.east > 37.16 => {
                        Some(c.count)
                    }
                    _ => None,
                })
                .expect("Aleppo's cluster")
        };
        assert_eq!(cluster_at(&a), cluster_at(&b));
        // Far from every town: nothing.
        let empty = MapView {
            bbox: BoundingBox {
                west: 0.0,
                south: 0.0,
                east: 1.0,
                north: 1.0,
            },
            zoom,
        };
        assert_eq!(index.select(&MapFilter::all(), &empty).incidents, 0);
    }

    #[test]
    fn filters_narrow_the_incidents() {
        let index = index(3_000);
        let view = world(Some(6));
        let shelling = MapFilter {
            violation_type: Some(ViolationType::Shelling),
            ..MapFilter::all()
        };
        assert_eq!(index.select(&shelling, &view).incidents, 600);
        let one_week = MapFilter {
            from: date(2025, 1, 1),
            to: date(2025, 1, 7),
            ..MapFilter::all()
        };
        let days = index.select(&one_week, &view);
        assert!(days.features.iter().all(|f| match f {
            MapFeature::Cluster(c) => c.from >= one_week.from && c.to <= one_week.to,
            MapFeature::Incident(i) => i.date <= one_week.to,
        }));
        assert_eq!(days.incidents, (0..3_000).filter(|i| i % 28 < 7).count());
        let russia = MapFilter {
            party: Some(parties()[0].clone()),
            ..MapFilter::all()
        };
        assert_eq!(index.select(&russia, &view).incidents, 1_000);
        let stranger = MapFilter {
            party: Some(Party::new("Nobody").unwrap()),
            ..MapFilter::all()
        };
        assert_eq!(index.select(&stranger, &view).incidents, 0);
        let formation = MapFilter {
            formation: Some(FormationId::new("hts").unwrap()),
            ..MapFilter::all()
        };
        assert_eq!(index.select(&formation, &view).incidents, 0);
    }

    #[test]
    fn geojson_has_clusters_and_lone_incidents() {
        let mut incidents = generated(3);
        incidents[2].lat = 10.0;
        let index = MapIndex::from_incidents(incidents, parties());
        let selection = index.select(&MapFilter::all(), &world(Some(2)));
        let geojson = selection.to_geojson(Edition::Public);
        assert_eq!(geojson["incidents"], 3);
        let features = geojson["features"].as_array().unwrap();
        assert_eq!(features.len(), 2, "{geojson}");
        let lone = &features[0]["properties"];
        assert_eq!(lone["incident"], "R-12");
        assert!(lone.get("place").is_none(), "public: no place");
        let cluster = &features[1]["properties"];
        assert_eq!(cluster["cluster"], true);
        assert_eq!(cluster["count"], 2);
        assert_eq!(cluster["finding"], "confirmed violation");
        assert_eq!(cluster["bounds"].as_array().unwrap().len(), 4);
        let internal = selection.to_geojson(Edition::Internal);
        assert_eq!(internal["features"][0]["properties"]["place"], "place 2");
    }

    /// Clustering time at scale: `cargo test -p truce-regime --release --lib
    /// map::tests::clustering_time -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measure, not a check"]
    fn clustering_time() {
        for n in [100_000, 1_000_000] {
            let index = index(n);
            let syria = BoundingBox {
                west: 35.5,
                south: 32.0,
                east: 42.5,
                north: 37.5,
            };
            for zoom in [7, 10, 13] {
                let view = MapView {
                    bbox: syria,
                    zoom: Some(zoom),
                };
                let started = std::time::Instant::now();
                let rounds = 10;
                let mut features = 0;
                for _ in 0..rounds {
                    let selection = index.select(&MapFilter::all(), &view);
                    features = selection.to_geojson(Edition::Public)["features"]
                        .as_array()
                        .map_or(0, Vec::len);
                }
                let each = started.elapsed() / rounds;
                println!("{n} incidents, zoom {zoom}: {features} points in {each:?}");
            }
        }
    }
}
