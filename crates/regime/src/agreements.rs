//! What adopted decisions put in force: agreements with their clauses and
//! zones, and formations' status changes; and the meetings and documents
//! the guarantors keep. A report inside a zone says so.
//!
//! This is the calendar part of the register: an adopted agreement or
//! criteria reach it as effects of the decisions part.

use std::collections::BTreeMap;

use imbl::OrdMap;

use geo::{Contains, Coord, Distance, Haversine, LineString, Point, Polygon};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use truce_model::{
    AgreementSpec, Clause, DecisionId, DocumentApproved, DocumentVersion, Handle, MeetingRecorded,
    MemberName, ProhibitedAct, ReportFields, Zone, ZoneGeometry, ZoneKind,
};
use truce_record::Rejection;

use crate::criteria::Criteria;
use crate::error::rule;
use crate::origin::Origin;

/// How close to a separation line a point is "at the line".
const NEAR_LINE_METRES: f64 = 2_000.0;

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Agreement {
    pub spec: AgreementSpec,
    pub decision: DecisionId,
}

/// A zone a point falls in (or, for a line, lies near) on a date.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneHit {
    pub agreement: Handle,
    pub zone: Handle,
    pub name: String,
    pub kind: ZoneKind,
    /// For separation lines: how far the point is from the line.
    pub distance_m: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Meeting {
    /// Position of its first record.
    pub id: u64,
    pub record: MeetingRecorded,
    /// Positions of every record of it, first to latest.
    pub records: Vec<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Version {
    pub version: DocumentVersion,
    pub position: u64,
    pub recorded_by: MemberName,
    /// Guarantor party → position of its approval.
    pub approvals: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Document {
    pub id: Handle,
    pub versions: Vec<Version>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Calendar {
    agreements: OrdMap<Handle, Agreement>,
    /// The criteria in force and the decision that adopted them.
    criteria: Option<(DecisionId, Criteria)>,
    meetings: OrdMap<u64, Meeting>,
    documents: OrdMap<Handle, Document>,
}

fn to_line(points: &[[f64; 2]]) -> LineString<f64> {
    points.iter().map(|[x, y]| Coord { x: *x, y: *y }).collect()
}

fn to_polygon(rings: &[Vec<[f64; 2]>]) -> Polygon<f64> {
    let mut rings = rings.iter().map(|r| to_line(r));
    let outer = rings.next().unwrap_or_else(|| LineString::new(vec![]));
    Polygon::new(outer, rings.collect())
}

/// Where `point` stands against one zone: inside, near the line, or not.
fn hit(zone: &Zone, point: Point<f64>) -> Option<Option<f64>> {
    match &zone.geometry {
        ZoneGeometry::Polygon(rings) => to_polygon(rings).contains(&point).then_some(None),
        ZoneGeometry::Line(points) => {
            let line = to_line(points);
            let nearest = line
                .lines()
                .map(|segment| nearest_on_segment(segment, point))
                .map(|p| Haversine.distance(p, point))
                .fold(f64::INFINITY, f64::min);
            (nearest <= NEAR_LINE_METRES).then_some(Some(nearest.round()))
        }
    }
}

/// The nearest point of a segment, in degrees (good enough at a few km).
fn nearest_on_segment(segment: geo::Line<f64>, point: Point<f64>) -> Point<f64> {
    let (a, b) = (segment.start, segment.end);
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = dx * dx + dy * dy;
    let t = if length == 0.0 {
        0.0
    } else {
        (((point.x() - a.x) * dx + (point.y() - a.y) * dy) / length).clamp(0.0, 1.0)
    };
    Point::new(a.x + t * dx, a.y + t * dy)
}

impl Calendar {
    pub(crate) fn agreements(&self) -> impl Iterator<Item = &Agreement> {
        self.agreements.values()
    }

    /// A clause by `agreement/clause` or by its bare id when only one agreement has it.
    pub(crate) fn clause(&self, reference: &str) -> Option<(&Handle, &Clause)> {
        let (agreement, clause) = match reference.split_once('/') {
            Some((a, c)) => (Some(a), c),
            None => (None, reference),
        };
        self.agreements
            .values()
            .filter(|a| agreement.is_none_or(|id| a.spec.id.as_str() == id))
            .flat_map(|a| a.spec.clauses.iter().map(move |c| (&a.spec.id, c)))
            .find(|(_, c)| c.id.as_str() == clause)
    }

    /// A report that cites a clause prohibiting an act must carry the
    /// act's base type; citing any other clause, or one the Record does
    /// not know, is the filer's own affair.
    pub(crate) fn check_act(&self, field: &str, fields: &ReportFields) -> Result<(), Rejection> {
        let Some(reference) = &fields.clause else {
            return Ok(());
        };
        let Some((agreement, clause)) = self.clause(reference) else {
            return Ok(());
        };
        match &clause.prohibits {
            Some(act) if act.base_type != fields.violation_type => Err(rule(
                field,
                format!(
                    "{agreement}/{} prohibits {}, a kind of {}; the report says {}",
                    clause.id,
                    act.name,
                    act.base_type.as_str(),
                    fields.violation_type.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The act a report names by citing its clause, as `agreement/clause`
    /// with the act's name.
    pub(crate) fn act_of(&self, fields: &ReportFields) -> Option<(String, &ProhibitedAct)> {
        let (agreement, clause) = self.clause(fields.clause.as_deref()?)?;
        let act = clause.prohibits.as_ref()?;
        Some((format!("{agreement}/{}", clause.id), act))
    }

    /// The zones in force on `date` that hold the point, or whose line it is near.
    pub(crate) fn zones_at(&self, lon: f64, lat: f64, date: Date) -> Vec<ZoneHit> {
        let point = Point::new(lon, lat);
        self.agreements
            .values()
            .flat_map(|a| a.spec.zones.iter().map(move |z| (&a.spec.id, z)))
            .filter(|(_, zone)| zone.holds_on(date))
            .filter_map(|(agreement, zone)| {
                hit(zone, point).map(|distance_m| ZoneHit {
                    agreement: agreement.clone(),
                    zone: zone.id.clone(),
                    name: zone.name.clone(),
                    kind: zone.kind,
                    distance_m,
                })
            })
            .collect()
    }

    pub(crate) fn meetings(&self) -> impl Iterator<Item = &Meeting> {
        self.meetings.values()
    }

    pub(crate) fn documents(&self) -> impl Iterator<Item = &Document> {
        self.documents.values()
    }

    pub(crate) fn document(&self, id: &Handle) -> Option<&Document> {
        self.documents.get(id)
    }

    /// The criteria adopted last, if any, with the decision that adopted them.
    pub(crate) fn adopted_criteria(&self) -> Option<(DecisionId, &Criteria)> {
        self.criteria.as_ref().map(|(id, c)| (*id, c))
    }

    /// An adopted agreement comes into force (replacing one of its id).
    pub(crate) fn put_in_force(&mut self, agreement: Agreement) {
        self.agreements.insert(agreement.spec.id.clone(), agreement);
    }

    /// Adopted criteria replace those in force.
    pub(crate) fn set_criteria(&mut self, decision: DecisionId, criteria: Criteria) {
        self.criteria = Some((decision, criteria));
    }

    pub(crate) fn check_meeting(&self, meeting: &MeetingRecorded) -> Result<(), Rejection> {
        match meeting.updates {
            Some(id) if !self.meetings.contains_key(&id) => {
                Err(rule("updates", format!("there is no meeting {id}")))
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn apply_meeting(&mut self, origin: Origin<'_>, meeting: &MeetingRecorded) {
        let id = meeting.updates.unwrap_or(origin.position);
        let entry = self.meetings.entry(id).or_insert_with(|| Meeting {
            id,
            record: meeting.clone(),
            records: Vec::new(),
        });
        entry.record = meeting.clone();
        entry.records.push(origin.position);
    }

    pub(crate) fn check_document_version(
        &self,
        version: &DocumentVersion,
    ) -> Result<(), Rejection> {
        if let Some(meeting) = version.meeting {
            if !self.meetings.contains_key(&meeting) {
                return Err(rule("meeting", format!("there is no meeting {meeting}")));
            }
        }
        let known = self.documents.get(&version.document).is_some_and(|d| {
            d.versions
                .iter()
                .any(|v| v.version.sha256 == version.sha256)
        });
        if known {
            return Err(rule(
                "sha256",
                format!("this version of {} is already recorded", version.document),
            ));
        }
        Ok(())
    }

    pub(crate) fn apply_document_version(&mut self, origin: Origin<'_>, version: &DocumentVersion) {
        let document = self
            .documents
            .entry(version.document.clone())
            .or_insert_with(|| Document {
                id: version.document.clone(),
                versions: Vec::new(),
            });
        document.versions.push(Version {
            version: version.clone(),
            position: origin.position,
            recorded_by: origin.member.clone(),
            approvals: BTreeMap::new(),
        });
    }

    pub(crate) fn check_approval(&self, approval: &DocumentApproved) -> Result<(), Rejection> {
        let document = self.documents.get(&approval.document).ok_or_else(|| {
            rule(
                "document",
                format!("there is no document {}", approval.document),
            )
        })?;
        if !document
            .versions
            .iter()
            .any(|v| v.version.sha256 == approval.sha256)
        {
            return Err(rule(
                "sha256",
                format!("{} has no such version", approval.document),
            ));
        }
        Ok(())
    }

    pub(crate) fn apply_approval(&mut self, origin: Origin<'_>, approval: &DocumentApproved) {
        let version = self.documents.get_mut(&approval.document).and_then(|d| {
            d.versions
                .iter_mut()
                .find(|v| v.version.sha256 == approval.sha256)
        });
        if let Some(version) = version {
            version
                .approvals
                .insert(origin.party.to_string(), origin.position);
        }
    }
}

#[cfg(test)]
mod tests {
    use truce_model::{MeetingLevel, MeetingStatus};

    use super::*;
    use crate::origin::Author;

    fn handle(text: &str) -> Handle {
        Handle::new(text).unwrap()
    }

    fn meeting(updates: Option<u64>, status: MeetingStatus) -> MeetingRecorded {
        MeetingRecorded {
            updates,
            level: MeetingLevel::Technical,
            status,
            place: "Astana".into(),
            date: "2026-03-10".parse().unwrap(),
            participants: vec!["east".into(), "west".into()],
            observers: vec![],
            agenda: vec!["exchanges".into()],
            summary: String::new(),
        }
    }

    fn version(sha: char, meeting: Option<u64>) -> DocumentVersion {
        DocumentVersion {
            document: handle("minutes"),
            title: "Minutes".into(),
            sha256: sha.to_string().repeat(64),
            media_type: "application/pdf".into(),
            size: 100,
            meeting,
            note: String::new(),
        }
    }

    #[test]
    fn a_meeting_keeps_its_first_position_through_its_updates() {
        let east = Author::guarantor("east-monitor", "east");
        let mut calendar = Calendar::default();
        let unknown = calendar.check_meeting(&meeting(Some(4), MeetingStatus::Held));
        assert!(matches!(unknown, Err(Rejection::Rule { field, .. }) if field == "updates"));
        let scheduled = meeting(None, MeetingStatus::Scheduled);
        calendar.check_meeting(&scheduled).unwrap();
        calendar.apply_meeting(east.at(4, "2026-03-01T12:00:00Z"), &scheduled);
        let held = meeting(Some(4), MeetingStatus::Held);
        calendar.check_meeting(&held).unwrap();
        calendar.apply_meeting(east.at(9, "2026-03-11T12:00:00Z"), &held);
        let kept: Vec<_> = calendar.meetings().collect();
        assert_eq!(kept.len(), 1);
        assert_eq!((kept[0].id, kept[0].records.clone()), (4, vec![4, 9]));
        assert_eq!(kept[0].record.status, MeetingStatus::Held);
    }

    #[test]
    fn a_document_version_is_recorded_once_and_approved_per_party() {
        let east = Author::guarantor("east-monitor", "east");
        let west = Author::guarantor("west-monitor", "west");
        let mut calendar = Calendar::default();
        let no_meeting = calendar.check_document_version(&version('a', Some(3)));
        assert!(matches!(no_meeting, Err(Rejection::Rule { field, .. }) if field == "meeting"));
        let first = version('a', None);
        calendar.check_document_version(&first).unwrap();
        calendar.apply_document_version(east.at(5, "2026-03-01T12:00:00Z"), &first);
        let again = calendar.check_document_version(&first);
        assert!(matches!(again, Err(Rejection::Rule { field, .. }) if field == "sha256"));
        let approval = |sha: char| DocumentApproved {
            document: handle("minutes"),
            sha256: sha.to_string().repeat(64),
        };
        assert!(calendar.check_approval(&approval('b')).is_err());
        let elsewhere = DocumentApproved {
            document: handle("other"),
            ..approval('a')
        };
        assert!(calendar.check_approval(&elsewhere).is_err());
        calendar.check_approval(&approval('a')).unwrap();
        calendar.apply_approval(west.at(6, "2026-03-02T12:00:00Z"), &approval('a'));
        calendar.apply_approval(east.at(7, "2026-03-02T12:00:00Z"), &approval('a'));
        let document = calendar.document(&handle("minutes")).unwrap();
        let approvals: Vec<_> = document.versions[0].approvals.iter().collect();
        assert_eq!(
            approvals,
            [(&"east".to_string(), &7), (&"west".to_string(), &6)]
        );
    }

    #[test]
    fn an_agreement_in_force_names_its_clauses_and_its_zones_by_date() {
        let mut calendar = Calendar::default();
        let zone = |id: &str, kind, geometry| Zone {
            id: handle(id),
            name: id.to_uppercase(),
            kind,
            geometry,
            valid_from: "2026-01-01".parse().unwrap(),
            valid_to: Some("2026-12-31".parse().unwrap()),
        };
        calendar.put_in_force(Agreement {
            spec: AgreementSpec {
                id: handle("astana"),
                title: "Astana memorandum".into(),
                clauses: vec![Clause {
                    id: handle("no-shelling"),
                    text: "No shelling.".into(),
                    prohibits: None,
                }],
                zones: vec![
                    zone(
                        "idlib",
                        ZoneKind::DeEscalation,
                        ZoneGeometry::Polygon(vec![vec![
                            [36.0, 35.5],
                            [37.0, 35.5],
                            [37.0, 36.5],
                            [36.0, 35.5],
                        ]]),
                    ),
                    zone(
                        "m4",
                        ZoneKind::SeparationLine,
                        ZoneGeometry::Line(vec![[36.0, 35.7], [37.0, 35.7]]),
                    ),
                ],
            },
            decision: DecisionId(8),
        });
        assert_eq!(calendar.agreements().count(), 1);
        assert!(calendar.clause("astana/no-shelling").is_some());
        assert!(calendar.clause("no-shelling").is_some());
        assert!(calendar.clause("other/no-shelling").is_none());
        let hits = calendar.zones_at(36.9, 35.71, "2026-06-01".parse().unwrap());
        let names: Vec<_> = hits
            .iter()
            .map(|h| (h.name.as_str(), h.distance_m.is_some()))
            .collect();
        assert_eq!(names, [("IDLIB", false), ("M4", true)]);
        assert!(calendar
            .zones_at(36.9, 35.71, "2027-01-01".parse().unwrap())
            .is_empty());
        assert!(calendar.adopted_criteria().is_none());
        let criteria =
            Criteria::from_toml("[[criterion]]\nid = \"a\"\nkind = \"declared_adherence\"\n")
                .unwrap();
        calendar.set_criteria(DecisionId(9), criteria);
        assert_eq!(calendar.adopted_criteria().unwrap().0, DecisionId(9));
    }
}
