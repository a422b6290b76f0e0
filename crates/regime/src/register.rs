use std::collections::BTreeSet;

use imbl::{HashMap, OrdMap, Vector};

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use serde::Serialize;
use truce_gazetteer::Gazetteer;
use truce_model::{
    Actor, Assessment, FormationId, FormationRegistered, FormationStatus, FormationStatusChanged,
    MemberName, Party, ReportFields, ReportId, Role, Side,
};
use truce_record::{Body, Context, Rejection, Rules, Statement};

use crate::incidents::Grouping;
use crate::RegisterConfig;

/// Syria keeps UTC+3 all year; report times are local times there.
pub(crate) fn local_zone() -> TimeZone {
    TimeZone::fixed(Offset::constant(3))
}

/// How far ahead of the statement's own time an event may be reported,
/// for clocks that run a little fast.
const FUTURE_TOLERANCE_MINUTES: i64 = 15;

#[derive(Debug, Clone, Serialize)]
pub struct StatusPeriod {
    pub status: FormationStatus,
    pub valid_from: Date,
    pub reference: String,
    /// Position of the statement that recorded it.
    pub recorded_at: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Formation {
    pub id: FormationId,
    pub name: String,
    pub aliases: Vec<String>,
    pub side: Side,
    pub registered_at: u64,
    /// In valid-time order; a later statement for the same date wins.
    pub statuses: Vec<StatusPeriod>,
}

impl Formation {
    /// The status that held on `date`, if any had begun.
    pub fn status_on(&self, date: Date) -> Option<&StatusPeriod> {
        self.statuses.iter().rev().find(|s| s.valid_from <= date)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: ReportId,
    pub filed_by: MemberName,
    pub party: Party,
    pub fields: ReportFields,
    /// ISO code of the governorate that holds the point.
    pub governorate: String,
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

/// A guarantor's position as the Record has it.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentEntry {
    pub position: u64,
    pub member: MemberName,
    pub party: Party,
    pub assessment: Assessment,
}

/// A member's override of the automatic grouping.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Link {
    pub report: ReportId,
    pub with: Option<ReportId>,
}

/// The register as of some position in the Record. Its collections are
/// persistent, so a copy (a reader's snapshot) costs O(1) and later
/// changes to the original copy only what they touch.
#[derive(Debug, Clone)]
pub struct Register {
    pub(crate) config: RegisterConfig,
    /// The configuration it was made with, before the genesis or a
    /// decision changed it: what a fresh copy starts from.
    pub(crate) initial_config: RegisterConfig,
    pub(crate) gazetteer: &'static Gazetteer,
    /// Parties that have guarantor members, in the order they first appear.
    pub(crate) guarantors: Vec<Party>,
    pub(crate) formations: OrdMap<FormationId, Formation>,
    pub(crate) reports: OrdMap<ReportId, Report>,
    pub(crate) links: Vector<Link>,
    pub(crate) assessments: Vector<AssessmentEntry>,
    /// Indexes into `assessments` by the report each names.
    pub(crate) assessments_by_report: crate::incidents::FastMap<ReportId, Vec<usize>>,
    /// Active reports by the day of the event.
    pub(crate) by_date: OrdMap<Date, Vec<ReportId>>,
    /// Active reports by governorate, then day.
    pub(crate) by_governorate: HashMap<String, OrdMap<Date, Vec<ReportId>>>,
    pub(crate) grouping: Grouping,
    pub(crate) decisions: OrdMap<truce_model::DecisionId, crate::decisions::Decision>,
    pub(crate) exchange: crate::exchange::ExchangeBook,
    pub(crate) calendar: crate::agreements::Calendar,
    /// Every evidence file an admitted report or amendment named (versions
    /// later amended away and withdrawn reports included), by SHA-256, with
    /// the media type it was first named with.
    pub(crate) evidence: HashMap<String, String>,
    /// Complaints from outside the mechanism, taken up or declined.
    pub(crate) complaints: crate::complaints::ComplaintBook,
    /// Requests for clarification between the parties.
    pub(crate) requests: crate::requests::RequestBook,
    /// What readers derive from this state, computed at most once per copy.
    pub(crate) derived: crate::derived::Derived,
}

impl Register {
    pub fn new(config: RegisterConfig, gazetteer: &'static Gazetteer) -> Self {
        Self {
            initial_config: config.clone(),
            config,
            gazetteer,
            guarantors: Vec::new(),
            formations: OrdMap::new(),
            reports: OrdMap::new(),
            links: Vector::new(),
            assessments: Vector::new(),
            assessments_by_report: Default::default(),
            by_date: OrdMap::new(),
            by_governorate: HashMap::new(),
            grouping: Grouping::default(),
            decisions: OrdMap::new(),
            exchange: Default::default(),
            calendar: Default::default(),
            evidence: HashMap::new(),
            complaints: Default::default(),
            requests: Default::default(),
            derived: Default::default(),
        }
    }

    pub fn config(&self) -> &RegisterConfig {
        &self.config
    }

    pub fn guarantors(&self) -> &[Party] {
        &self.guarantors
    }

    pub fn formations(&self) -> impl Iterator<Item = &Formation> {
        self.formations.values()
    }

    pub fn formation(&self, id: &FormationId) -> Option<&Formation> {
        self.formations.get(id)
    }

    pub fn reports(&self) -> impl Iterator<Item = &Report> {
        self.reports.values()
    }

    pub fn report(&self, id: ReportId) -> Option<&Report> {
        self.reports.get(&id)
    }

    pub fn assessments(
        &self,
    ) -> impl ExactSizeIterator<Item = &AssessmentEntry> + DoubleEndedIterator {
        self.assessments.iter()
    }

    /// Assessments naming any report of `reports`, in Record order.
    pub fn assessments_of<'a>(&'a self, reports: &[ReportId]) -> Vec<&'a AssessmentEntry> {
        let mut indexes: Vec<usize> = reports
            .iter()
            .filter_map(|r| self.assessments_by_report.get(r))
            .flatten()
            .copied()
            .collect();
        indexes.sort_unstable();
        indexes.into_iter().map(|i| &self.assessments[i]).collect()
    }

    /// Requests for clarification between the parties.
    pub fn requests(&self) -> &crate::RequestBook {
        &self.requests
    }

    /// What the Record says of the complaint whose text hashes to `sha256`:
    /// taken up as a report, declined, or nothing yet.
    pub fn complaint_outcome(&self, sha256: &str) -> Option<&crate::ComplaintOutcome> {
        self.complaints.outcome(sha256)
    }

    /// Whether any admitted report or amendment, current or not, names the
    /// evidence file with this SHA-256.
    pub fn names_evidence(&self, sha256: &str) -> bool {
        self.evidence.contains_key(sha256)
    }

    /// The media type the Record gives the evidence file with this SHA-256
    /// (as first named), if the Record names it.
    pub fn evidence_media_type(&self, sha256: &str) -> Option<&str> {
        self.evidence.get(sha256).map(String::as_str)
    }

    fn note_evidence(&mut self, fields: &truce_model::ReportFields) {
        for e in &fields.evidence {
            self.evidence
                .entry(e.sha256.clone())
                .or_insert_with(|| e.media_type.clone());
        }
    }

    pub fn gazetteer(&self) -> &'static Gazetteer {
        self.gazetteer
    }

    /// The latest day on which an active report places an event.
    pub fn latest_report_date(&self) -> Option<Date> {
        self.reports
            .values()
            .filter(|r| r.is_active())
            .map(Report::date)
            .max()
    }

    pub(crate) fn check_formation(&self, field: &str, id: &FormationId) -> Result<(), Rejection> {
        if self.formations.contains_key(id) {
            Ok(())
        } else {
            Err(rule(
                field,
                format!("unknown formation {id}; register it first"),
            ))
        }
    }

    fn check_actor(&self, field: &str, actor: &Actor) -> Result<(), Rejection> {
        match actor.formation() {
            Some(id) => self.check_formation(field, id),
            None => Ok(()),
        }
    }

    fn check_report(
        &self,
        prefix: &str,
        fields: &ReportFields,
        time: Timestamp,
    ) -> Result<(), Rejection> {
        let location = &fields.location;
        if !self.gazetteer.contains(location.lon, location.lat) {
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
        self.check_actor(&format!("{prefix}.perpetrator"), &fields.perpetrator)?;
        self.check_actor(&format!("{prefix}.target"), &fields.target)
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

    fn check_active_report(&self, field: &str, id: ReportId) -> Result<&Report, Rejection> {
        let report = self
            .reports
            .get(&id)
            .ok_or_else(|| rule(field, format!("no report {id}")))?;
        if let Some(reason) = &report.withdrawn {
            return Err(rule(field, format!("{id} was withdrawn ({reason})")));
        }
        Ok(report)
    }

    fn resolve_governorate(&self, fields: &ReportFields) -> String {
        self.gazetteer
            .governorate_at(fields.location.lon, fields.location.lat)
            .map(|g| g.code.clone())
            .unwrap_or_default()
    }

    /// Guarantor parties in the order the Record first names them.
    fn note_guarantor(&mut self, member: &truce_model::FoundingMember) {
        if member.role == Role::GuarantorMember && !self.guarantors.contains(&member.party) {
            self.guarantors.push(member.party.clone());
        }
    }
}

fn rule(field: &str, reason: impl Into<String>) -> Rejection {
    Rejection::Rule {
        field: field.to_string(),
        reason: reason.into(),
    }
}

impl Rules for Register {
    fn fresh(&self) -> Self {
        Register::new(self.initial_config.clone(), self.gazetteer)
    }

    fn check_arrival(&self, statement: &Statement, now: Timestamp) -> Result<(), Rejection> {
        let skew = self.config.max_clock_skew_seconds;
        let off = statement.time.as_second() - now.as_second();
        if off.unsigned_abs() > u64::from(skew) {
            return Err(Rejection::ClockSkew {
                claimed: statement.time.to_string(),
                node_time: now.to_string(),
                off_seconds: off,
                skew_seconds: skew,
            });
        }
        // A vote counts by when it reached the Record, not by the time its
        // author claims: past the deadline by the node's clock, it is late.
        if let Body::DecisionVote(vote) = &statement.body {
            self.check_vote(vote, now)?;
        }
        Ok(())
    }

    fn check(&self, context: &Context<'_>, statement: &Statement) -> Result<(), Rejection> {
        let party = &context.state.party;
        match &statement.body {
            Body::FormationRegistered(f) => {
                if self.formations.contains_key(&f.formation) {
                    return Err(rule(
                        "formation",
                        format!("{} is already registered", f.formation),
                    ));
                }
                Ok(())
            }
            Body::FormationStatusChanged(s) => self.check_formation("formation", &s.formation),
            Body::ReportFiled(r) => self.check_report("report", &r.report, statement.time),
            Body::ReportAmended(a) => {
                self.check_own_report("amends", a.amends, party)?;
                self.check_report("report", &a.report, statement.time)
            }
            Body::ReportWithdrawn(w) => self
                .check_own_report("withdraws", w.withdraws, party)
                .map(|_| ()),
            Body::IncidentLinked(l) => {
                self.check_active_report("report", l.report)?;
                if let Some(with) = l.with {
                    self.check_active_report("with", with)?;
                }
                Ok(())
            }
            Body::DecisionProposed(p) => self.check_proposal(p, statement.time),
            Body::DecisionVote(v) => self.check_vote(v, statement.time),
            Body::MeasureCompliance(c) => self.check_compliance_record(c),
            Body::ExchangeKeyPublished(k) => self.check_exchange_key(context, k),
            Body::ExchangeListSubmitted(l) => self.check_list(context, l),
            Body::ExchangeMatch(m) => self.check_match(m),
            Body::ExchangeInterview(i) => self.check_interview(i),
            Body::ExchangeRelease(r) => self.check_release(r, statement.time),
            Body::MeetingRecorded(m) => self.check_meeting(m),
            Body::DocumentVersion(v) => self.check_document_version(v),
            Body::DocumentApproved(a) => self.check_approval(a),
            Body::ComplaintDeclined(d) => self.complaints.check_decline(d),
            Body::RequestMade(r) => {
                match &r.about {
                    truce_model::RequestSubject::Incident(report) => {
                        self.check_active_report("about.incident", *report)?;
                    }
                    truce_model::RequestSubject::Formation(formation) => {
                        self.check_formation("about.formation", formation)?
                    }
                }
                self.requests
                    .check_request(r, party, context.registry, statement.time)
            }
            Body::RequestAnswered(a) => self.requests.check_answer(a, party),
            Body::Assessment(a) => {
                self.check_active_report("incident", a.incident)?;
                if let Some(id) = &a.attributed_to {
                    self.check_formation("attributed_to", id)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn settle(&mut self) {
        self.settle_grouping();
    }

    fn apply(&mut self, context: &Context<'_>, statement: &Statement) {
        // Whatever was derived from the state before this statement is
        // derived again from the state after it.
        self.derived = Default::default();
        let position = context.position;
        match &statement.body {
            Body::Genesis(genesis) => {
                if let Some(parameters) = &genesis.register {
                    self.config = parameters.clone();
                }
                for member in std::iter::once(&genesis.operator).chain(&genesis.members) {
                    self.note_guarantor(member);
                }
            }
            Body::MemberAdmitted(member) => self.note_guarantor(member),
            Body::FormationRegistered(f) => self.register_formation(position, f),
            Body::FormationStatusChanged(s) => self.change_status(position, s),
            Body::ReportFiled(r) => {
                self.note_evidence(&r.report);
                self.complaints
                    .note_report(ReportId(position), &context.state.party, &r.report);
                let report = Report {
                    id: ReportId(position),
                    filed_by: context.member.clone(),
                    party: context.state.party.clone(),
                    governorate: self.resolve_governorate(&r.report),
                    fields: r.report.clone(),
                    amendments: Vec::new(),
                    withdrawn: None,
                    updated: statement.time,
                };
                let id = report.id;
                self.index_report(&report);
                self.reports.insert(id, report);
                self.group_new_report(id);
            }
            Body::ReportAmended(a) => {
                self.note_evidence(&a.report);
                self.complaints
                    .note_report(a.amends, &context.state.party, &a.report);
                let governorate = self.resolve_governorate(&a.report);
                self.unindex_report(a.amends);
                if let Some(report) = self.reports.get_mut(&a.amends) {
                    report.fields = a.report.clone();
                    report.governorate = governorate;
                    report.amendments.push(position);
                    report.updated = statement.time;
                }
                if let Some(report) = self.reports.get(&a.amends).cloned() {
                    self.index_report(&report);
                }
                self.regroup_later();
            }
            Body::ReportWithdrawn(w) => {
                self.unindex_report(w.withdraws);
                if let Some(report) = self.reports.get_mut(&w.withdraws) {
                    report.withdrawn = Some(w.reason.clone());
                    report.updated = statement.time;
                }
                self.regroup_later();
            }
            Body::IncidentLinked(l) => {
                self.links.push_back(Link {
                    report: l.report,
                    with: l.with,
                });
                self.regroup_later();
            }
            Body::Assessment(a) => {
                self.assessments_by_report
                    .entry(a.incident)
                    .or_default()
                    .push(self.assessments.len());
                self.assessments.push_back(AssessmentEntry {
                    position,
                    member: context.member.clone(),
                    party: context.state.party.clone(),
                    assessment: a.clone(),
                });
            }
            Body::DecisionProposed(p) => self.apply_proposal(context, p),
            Body::DecisionVote(v) => self.apply_vote(context, v),
            Body::MeasureCompliance(c) => self.apply_compliance_record(context, c),
            Body::ExchangeKeyPublished(k) => self.apply_exchange_key(context, k),
            Body::ExchangeListSubmitted(l) => self.apply_list(context, l),
            Body::ExchangeMatch(m) => self.apply_match(context, m),
            Body::ExchangeInterview(i) => self.apply_interview(context, i),
            Body::ExchangeRelease(r) => self.apply_release(context, r),
            Body::MeetingRecorded(m) => self.apply_meeting(context, m),
            Body::DocumentVersion(v) => self.apply_document_version(context, v),
            Body::DocumentApproved(a) => {
                let party = context.state.party.clone();
                self.apply_approval(context, a, &party)
            }
            Body::ComplaintDeclined(d) => {
                self.complaints
                    .decline(position, context.member, &context.state.party, d)
            }
            Body::RequestMade(r) => self.requests.ask(
                position,
                context.member,
                &context.state.party,
                r,
                statement.time,
            ),
            Body::RequestAnswered(a) => {
                self.requests
                    .answer(position, context.member, a, statement.time)
            }
            Body::KeyRotated(_) | Body::KeyRevoked(_) | Body::Note(_) => {}
        }
    }
}

impl Register {
    fn register_formation(&mut self, position: u64, f: &FormationRegistered) {
        self.formations.insert(
            f.formation.clone(),
            Formation {
                id: f.formation.clone(),
                name: f.name.clone(),
                aliases: f.aliases.clone(),
                side: f.side,
                registered_at: position,
                statuses: Vec::new(),
            },
        );
    }

    fn change_status(&mut self, position: u64, s: &FormationStatusChanged) {
        self.add_status_period(
            &s.formation,
            StatusPeriod {
                status: s.status,
                valid_from: s.valid_from,
                reference: s.reference.clone(),
                recorded_at: position,
            },
        );
    }

    /// Records a status from its date on, whether stated directly or by an
    /// adopted designation or reinstatement.
    pub(crate) fn add_status_period(&mut self, formation: &FormationId, period: StatusPeriod) {
        if let Some(formation) = self.formations.get_mut(formation) {
            formation.statuses.push(period);
            // Stable: statements for the same date keep Record order.
            formation.statuses.sort_by_key(|p| p.valid_from);
        }
    }

    fn index_report(&mut self, report: &Report) {
        let date = report.date();
        self.by_date.entry(date).or_default().push(report.id);
        self.by_governorate
            .entry(report.governorate.clone())
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
            ids.retain(|r| *r != id);
        }
        if let Some(ids) = self
            .by_governorate
            .get_mut(&report.governorate)
            .and_then(|days| days.get_mut(&date))
        {
            ids.retain(|r| *r != id);
        }
    }

    /// Active reports in one governorate (ISO code) from `from` to `to`.
    pub fn reports_in(
        &self,
        governorate: &str,
        from: Date,
        to: Date,
    ) -> impl Iterator<Item = &Report> {
        self.report_ids_in(governorate, from, to)
            .filter_map(|id| self.reports.get(&id))
    }

    /// The ids of `reports_in`, without touching the reports themselves:
    /// enough to find their incidents, and cheaper on a large register.
    pub fn report_ids_in(
        &self,
        governorate: &str,
        from: Date,
        to: Date,
    ) -> impl Iterator<Item = ReportId> + '_ {
        self.by_governorate
            .get(governorate)
            .into_iter()
            .flat_map(move |days| days.range(from..=to))
            .flat_map(|(_, ids)| ids.iter().copied())
    }

    /// Active reports with events from `from` to `to`, in filing order per day.
    pub fn reports_between(&self, from: Date, to: Date) -> impl Iterator<Item = &Report> {
        self.by_date
            .range(from..=to)
            .flat_map(|(_, ids)| ids.iter())
            .filter_map(|id| self.reports.get(id))
    }

    /// Formations by their status on `date`.
    pub fn formations_with_status(
        &self,
        date: Date,
        status: FormationStatus,
    ) -> BTreeSet<&FormationId> {
        self.formations
            .values()
            .filter(|f| f.status_on(date).is_some_and(|p| p.status == status))
            .map(|f| &f.id)
            .collect()
    }
}
