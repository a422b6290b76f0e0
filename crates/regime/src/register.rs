//! The register: a thin front over its parts. Each part checks and applies
//! its own statements — formations (`formations.rs`); reports with their
//! assessments, links, grouping into incidents and evidence index
//! (`reports.rs`); decisions (`decisions.rs`); agreements, criteria,
//! meetings and documents (`agreements.rs`, the calendar); exchanges
//! (`exchange.rs`). Where a statement in one part changes another (an
//! adopted decision sets a formation's status, puts an agreement or
//! criteria in force, or changes the parameters), the part returns effects
//! (`effects.rs`) and the front routes each to the part it concerns. Reads
//! that span parts (findings, the map, bulletins, compliance, measures) are
//! made here or in modules that read the front. Complaints from outside
//! the mechanism (`complaints.rs`) and requests for clarification
//! (`requests.rs`) are parts of their own too, and so are restrictions of
//! the monitors' access (`access.rs`) and their assets' coverage
//! (`coverage.rs`).

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::civil::Date;
use jiff::Timestamp;
use rayon::prelude::*;
use truce_gazetteer::Gazetteer;
use truce_model::{
    Clause, DecisionId, FormationId, FormationStatus, Handle, ListDirection, ListId, MemberName,
    Party, PersonRef, PublicKeyBytes, RegisterConfig, ReportId, Role, ViolationType,
};
use truce_record::{Body, Context, Rejection, Rules, Statement};

use crate::access::AccessBook;
use crate::agreements::{Agreement, Calendar, Document, Meeting, ZoneHit};
use crate::cases::CaseBook;
use crate::complaints::{ComplaintBook, ComplaintOutcome};
use crate::coverage::CoverageBook;
use crate::criteria::Criteria;
use crate::decisions::{Decision, Decisions};
use crate::derived::{Derived, JudgedUnder};
use crate::effects::Effect;
use crate::exchange::{ExchangeBook, ExchangeKey, ExchangeList, ExchangeProject, MatchRecord};
use crate::findings::{Finding, Judge};
use crate::formations::{Formation, Formations};
use crate::incidents::Incident;
use crate::map::{MapIncident, MapIndex};
use crate::origin::Origin;
use crate::reports::{AssessmentEntry, GroupingBy, Report, Reports};
use crate::requests::RequestBook;

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
    pub(crate) formations: Formations,
    pub(crate) reports: Reports,
    pub(crate) decisions: Decisions,
    pub(crate) exchange: ExchangeBook,
    pub(crate) calendar: Calendar,
    /// Complaints from outside the mechanism, taken up or declined.
    pub(crate) complaints: ComplaintBook,
    /// Requests for clarification between the parties.
    pub(crate) requests: RequestBook,
    /// Verification cases.
    pub(crate) cases: CaseBook,
    /// Denials and restrictions of the monitors' access.
    pub(crate) access: AccessBook,
    /// The monitoring assets and when each was working.
    pub(crate) coverage: CoverageBook,
    /// What readers derive from this state, computed at most once per copy.
    pub(crate) derived: Derived,
}

impl Register {
    pub fn new(config: RegisterConfig, gazetteer: &'static Gazetteer) -> Self {
        Self {
            initial_config: config.clone(),
            config,
            gazetteer,
            guarantors: Vec::new(),
            formations: Formations::default(),
            reports: Reports::default(),
            decisions: Decisions::default(),
            exchange: ExchangeBook::default(),
            calendar: Calendar::default(),
            complaints: ComplaintBook::default(),
            requests: RequestBook::default(),
            cases: CaseBook::default(),
            access: AccessBook::default(),
            coverage: CoverageBook::default(),
            derived: Derived::default(),
        }
    }

    pub fn config(&self) -> &RegisterConfig {
        &self.config
    }

    pub fn guarantors(&self) -> &[Party] {
        &self.guarantors
    }

    pub fn gazetteer(&self) -> &'static Gazetteer {
        self.gazetteer
    }

    /// Guarantor parties in the order the Record first names them.
    fn note_guarantor(&mut self, member: &truce_model::FoundingMember) {
        if member.role == Role::GuarantorMember && !self.guarantors.contains(&member.party) {
            self.guarantors.push(member.party.clone());
        }
    }

    /// How the reports part groups reports into incidents.
    fn grouping_by(&self) -> GroupingBy<'_> {
        GroupingBy {
            config: &self.config.grouping,
            guarantors: &self.guarantors,
        }
    }

    /// Routes what a part's statement does to the other parts.
    fn route(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::SetParameters(parameters) => {
                    self.config = parameters;
                    self.reports.regroup_later();
                }
                Effect::SetCriteria(decision, criteria) => {
                    self.calendar.set_criteria(decision, criteria)
                }
                Effect::PutInForce(agreement) => self.calendar.put_in_force(agreement),
                Effect::SetStatus { formation, period } => {
                    self.formations.add_status_period(&formation, period)
                }
            }
        }
    }
}

impl Rules for Register {
    fn fresh(&self) -> Self {
        Register::new(self.initial_config.clone(), self.gazetteer)
    }

    /// Shares with the snapshot, and with the states that follow this one,
    /// what readers derive and is still good (see `derived`).
    fn snapshot(&self) -> Self {
        Self {
            derived: self.derived.next_state(),
            ..self.clone()
        }
    }

    fn to_saved(&self) -> Box<dyn Iterator<Item = truce_record::SavedBlob<'_>> + '_> {
        Box::new(Register::to_saved(self))
    }

    fn restore(
        &self,
        saved: &mut (dyn Iterator<Item = bytes::Bytes> + Send),
    ) -> Result<Self, String> {
        self.from_saved(saved).map_err(|e| e.to_string())
    }

    fn same_state(&self, other: &Self) -> bool {
        self == other
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
            self.decisions.check_vote(vote, now)?;
        }
        Ok(())
    }

    fn check(&self, context: &Context<'_>, statement: &Statement) -> Result<(), Rejection> {
        let party = &context.state.party;
        let time = statement.time;
        let (formations, reports) = (&self.formations, &self.reports);
        match &statement.body {
            Body::FormationRegistered(f) => formations.check_registration(f),
            Body::FormationStatusChanged(s) => formations.check_status_change(s),
            Body::ReportFiled(r) => {
                reports.check_filing(&r.report, time, formations, self.gazetteer)?;
                self.calendar.check_act("report.clause", &r.report)
            }
            Body::ReportAmended(a) => {
                reports.check_amendment(a, party, time, formations, self.gazetteer)?;
                self.calendar.check_act("report.clause", &a.report)
            }
            Body::ReportWithdrawn(w) => reports.check_withdrawal(w, party),
            Body::IncidentLinked(l) => reports.check_link(l),
            Body::Assessment(a) => reports.check_assessment(a, formations),
            Body::DecisionProposed(p) => {
                self.decisions
                    .check_proposal(p, time, &self.config, formations, |spec| {
                        self.exchange.check_exchange_persons(spec)
                    })
            }
            Body::DecisionVote(v) => self.decisions.check_vote(v, time),
            Body::MeasureCompliance(c) => self.decisions.check_compliance_record(c),
            Body::ExchangeKeyPublished(k) => self.exchange.check_exchange_key(context.member, k),
            Body::ExchangeListSubmitted(l) => self.exchange.check_list(context.member, l),
            Body::ExchangeMatch(m) => self.exchange.check_match(m),
            Body::ExchangeInterview(i) => {
                let spec = self.decisions.adopted_exchange(i.project)?;
                self.exchange.check_interview(i, spec)
            }
            Body::ExchangeRelease(r) => {
                let spec = self.decisions.adopted_exchange(r.project)?;
                self.exchange.check_release(r, spec, time)
            }
            Body::MeetingRecorded(m) => self.calendar.check_meeting(m),
            Body::DocumentVersion(v) => self.calendar.check_document_version(v),
            Body::DocumentApproved(a) => self.calendar.check_approval(a),
            Body::ComplaintDeclined(d) => self.complaints.check_decline(d),
            Body::RequestMade(r) => {
                match &r.about {
                    truce_model::RequestSubject::Incident(report) => {
                        reports.check_active_report("about.incident", *report)?;
                    }
                    truce_model::RequestSubject::Formation(formation) => {
                        formations.check_known("about.formation", formation)?;
                    }
                }
                self.requests
                    .check_request(r, party, context.registry, time)
            }
            Body::RequestAnswered(a) => self.requests.check_answer(a, party),
            Body::CaseOpened(opened) => {
                match &opened.about {
                    truce_model::CaseSubject::Incident(report) => {
                        reports.check_active_report("about.incident", *report)?;
                    }
                    truce_model::CaseSubject::Complaint(sha256) => {
                        self.complaints.check_case(sha256)?;
                    }
                }
                self.cases.check_opening(opened)
            }
            Body::CaseTasked(tasked) => self.cases.check_tasking(tasked),
            Body::CaseVisited(visited) => self.cases.check_visit(visited, time),
            Body::CasePosition(stated) => {
                if let Some(formation) = &stated.responsible {
                    formations.check_known("responsible", formation)?;
                }
                self.cases.check_position(stated)
            }
            Body::AccessRestricted(r) => self.access.check(r, time, formations, self.gazetteer),
            Body::AssetRegistered(a) => self.coverage.check_registration(a, time, self.gazetteer),
            Body::AssetStatus(s) => self.coverage.check_status(s, party, time),
            _ => Ok(()),
        }
    }

    fn settle(&mut self) {
        let by = GroupingBy {
            config: &self.config.grouping,
            guarantors: &self.guarantors,
        };
        self.reports.settle_grouping(by);
    }

    fn apply(&mut self, context: &Context<'_>, statement: &Statement) {
        // Whatever was derived from the state before this statement is
        // derived again from the state after it, reusing what it can.
        self.derived = self.derived.next_state();
        let origin = Origin::of(context);
        let position = context.position;
        let guarantors = self.guarantors.len();
        let effects = match &statement.body {
            Body::Genesis(genesis) => {
                if let Some(parameters) = &genesis.register {
                    self.config = parameters.clone();
                }
                for member in std::iter::once(&genesis.operator).chain(&genesis.members) {
                    self.note_guarantor(member);
                }
                Vec::new()
            }
            Body::MemberAdmitted(member) => {
                self.note_guarantor(member);
                Vec::new()
            }
            Body::FormationRegistered(f) => {
                self.formations.register(position, f);
                Vec::new()
            }
            Body::FormationStatusChanged(s) => {
                self.formations.change_status(position, s);
                Vec::new()
            }
            Body::ReportFiled(r) => {
                let by = GroupingBy {
                    config: &self.config.grouping,
                    guarantors: &self.guarantors,
                };
                self.reports.file(origin, &r.report, self.gazetteer, by);
                self.complaints
                    .note_report(ReportId(position), &context.state.party, &r.report);
                Vec::new()
            }
            Body::ReportAmended(a) => {
                self.reports.amend(origin, a, self.gazetteer);
                self.complaints
                    .note_report(a.amends, &context.state.party, &a.report);
                Vec::new()
            }
            Body::ReportWithdrawn(w) => {
                self.reports.withdraw(origin, w);
                Vec::new()
            }
            Body::IncidentLinked(l) => {
                self.reports.link(l);
                Vec::new()
            }
            Body::Assessment(a) => {
                self.reports.assess(origin, a);
                Vec::new()
            }
            Body::DecisionProposed(p) => {
                self.decisions.propose(origin, p, &self.config, guarantors)
            }
            Body::DecisionVote(v) => self.decisions.vote(origin, v, &self.config, guarantors),
            Body::MeasureCompliance(c) => {
                self.decisions.apply_compliance_record(origin, c);
                Vec::new()
            }
            Body::ExchangeKeyPublished(k) => {
                self.exchange.apply_exchange_key(origin, k);
                Vec::new()
            }
            Body::ExchangeListSubmitted(l) => {
                self.exchange.apply_list(origin, l);
                Vec::new()
            }
            Body::ExchangeMatch(m) => {
                self.exchange.apply_match(origin, m);
                Vec::new()
            }
            Body::ExchangeInterview(i) => {
                self.exchange.apply_interview(origin, i);
                Vec::new()
            }
            Body::ExchangeRelease(r) => {
                self.exchange.apply_release(origin, r);
                Vec::new()
            }
            Body::MeetingRecorded(m) => {
                self.calendar.apply_meeting(origin, m);
                Vec::new()
            }
            Body::DocumentVersion(v) => {
                self.calendar.apply_document_version(origin, v);
                Vec::new()
            }
            Body::DocumentApproved(a) => {
                self.calendar.apply_approval(origin, a);
                Vec::new()
            }
            Body::ComplaintDeclined(d) => {
                self.complaints
                    .decline(position, context.member, &context.state.party, d);
                Vec::new()
            }
            Body::RequestMade(r) => {
                self.requests.ask(
                    position,
                    context.member,
                    &context.state.party,
                    r,
                    statement.time,
                );
                Vec::new()
            }
            Body::RequestAnswered(a) => {
                self.requests
                    .answer(position, context.member, a, statement.time);
                Vec::new()
            }
            Body::CaseOpened(opened) => {
                let party = &context.state.party;
                self.cases.open(
                    position,
                    context.member,
                    party,
                    opened,
                    statement.time,
                    self.config.cases,
                );
                if let truce_model::CaseSubject::Complaint(sha256) = &opened.about {
                    self.complaints
                        .note_case(truce_model::CaseId(position), party, sha256);
                }
                Vec::new()
            }
            Body::CaseTasked(tasked) => {
                self.cases.task(
                    position,
                    context.member,
                    &context.state.party,
                    tasked,
                    statement.time,
                );
                Vec::new()
            }
            Body::CaseVisited(visited) => {
                self.cases.visit(
                    position,
                    context.member,
                    &context.state.party,
                    visited,
                    statement.time,
                );
                Vec::new()
            }
            Body::CasePosition(stated) => {
                self.cases.take_position(
                    position,
                    context.member,
                    &context.state.party,
                    stated,
                    statement.time,
                    self.config.finding_rule,
                    guarantors,
                );
                Vec::new()
            }
            Body::AccessRestricted(r) => {
                self.access.apply(origin, r, self.gazetteer);
                Vec::new()
            }
            Body::AssetRegistered(a) => {
                self.coverage.register(origin, a, self.gazetteer);
                Vec::new()
            }
            Body::AssetStatus(s) => {
                self.coverage.change_status(position, s);
                Vec::new()
            }
            Body::KeyRotated(_) | Body::KeyRevoked(_) | Body::Note(_) => Vec::new(),
        };
        self.route(effects);
    }
}

/// Formations.
impl Register {
    pub fn formations(&self) -> impl Iterator<Item = &Formation> {
        self.formations.iter()
    }

    pub fn formation(&self, id: &FormationId) -> Option<&Formation> {
        self.formations.get(id)
    }

    /// Formations by their status on `date`.
    pub fn formations_with_status(
        &self,
        date: Date,
        status: FormationStatus,
    ) -> BTreeSet<&FormationId> {
        self.formations.with_status(date, status)
    }
}

/// Reports, assessments, evidence.
impl Register {
    pub fn reports(&self) -> impl Iterator<Item = &Report> {
        self.reports.iter()
    }

    pub fn report(&self, id: ReportId) -> Option<&Report> {
        self.reports.get(id)
    }

    pub fn assessments(
        &self,
    ) -> impl ExactSizeIterator<Item = &AssessmentEntry> + DoubleEndedIterator {
        self.reports.assessments.iter()
    }

    /// Assessments naming any report of `reports`, in Record order.
    pub fn assessments_of<'a>(&'a self, reports: &[ReportId]) -> Vec<&'a AssessmentEntry> {
        self.reports.assessments_of(reports)
    }

    /// Whether any admitted report or amendment, current or not, names the
    /// evidence file with this SHA-256.
    /// What the Record says of the complaint whose text hashes to `sha256`:
    /// taken up as a report, declined, or nothing yet.
    pub fn complaint_outcome(&self, sha256: &str) -> Option<&ComplaintOutcome> {
        self.complaints.outcome(sha256)
    }

    /// Requests for clarification between the parties.
    pub fn requests(&self) -> &RequestBook {
        &self.requests
    }

    /// Verification cases.
    pub fn cases(&self) -> &CaseBook {
        &self.cases
    }

    /// Denials and restrictions of the monitors' access.
    pub fn access(&self) -> &AccessBook {
        &self.access
    }

    /// The monitoring assets and when each was working.
    pub fn coverage(&self) -> &CoverageBook {
        &self.coverage
    }

    pub fn names_evidence(&self, sha256: &str) -> bool {
        self.evidence_media_type(sha256).is_some()
    }

    /// The media type the Record gives the evidence file with this SHA-256
    /// (as a report first named it, else a case's visit), if the Record
    /// names it.
    pub fn evidence_media_type(&self, sha256: &str) -> Option<&str> {
        self.reports
            .evidence
            .get(sha256)
            .map(String::as_str)
            .or_else(|| self.cases.evidence_media_type(sha256))
    }

    /// The latest day on which an active report places an event.
    pub fn latest_report_date(&self) -> Option<Date> {
        self.reports.latest_date()
    }

    /// Active reports in one governorate (ISO code) from `from` to `to`.
    pub fn reports_in(
        &self,
        governorate: &str,
        from: Date,
        to: Date,
    ) -> impl Iterator<Item = &Report> {
        self.report_ids_in(governorate, from, to)
            .filter_map(|id| self.reports.get(id))
    }

    /// The ids of `reports_in`, without touching the reports themselves:
    /// enough to find their incidents, and cheaper on a large register.
    pub fn report_ids_in(
        &self,
        governorate: &str,
        from: Date,
        to: Date,
    ) -> impl Iterator<Item = ReportId> + '_ {
        self.reports.ids_in(governorate, from, to)
    }

    /// The ids of the active reports from `from` to `to`, in any
    /// governorate: an index read, no report decoded.
    pub fn report_ids_between(&self, from: Date, to: Date) -> impl Iterator<Item = ReportId> + '_ {
        self.reports.ids_between(from, to)
    }

    /// Active reports with events from `from` to `to`, in filing order per day.
    pub fn reports_between(&self, from: Date, to: Date) -> impl Iterator<Item = &Report> {
        self.reports.between(from, to)
    }
}

/// Incidents and findings.
impl Register {
    /// All incidents, in order of their first report.
    pub fn incidents(&self) -> Vec<Incident> {
        self.reports.incidents(self.grouping_by())
    }

    /// The incidents computed again from all reports, ignoring the kept
    /// grouping: what `incidents` must always equal.
    pub fn incidents_from_scratch(&self) -> Vec<Incident> {
        self.reports
            .rebuild_grouping(self.grouping_by())
            .incidents()
    }

    /// The incident that holds a report, if the report is active.
    pub fn incident_of(&self, report: ReportId) -> Option<Incident> {
        self.reports
            .grouping(self.grouping_by())
            .incident_of(report)
    }

    /// The incidents that hold any of `reports`, in order of their first report.
    pub fn incidents_of(&self, reports: impl IntoIterator<Item = ReportId>) -> Vec<Incident> {
        let incidents = self
            .reports
            .grouping(self.grouping_by())
            .incidents_of(reports);
        self.with_facts_decoded(incidents)
    }

    /// The findings of the incidents that hold any of `reports`, in order
    /// of their first reports, judged on all cores.
    pub fn findings_of(&self, reports: impl IntoIterator<Item = ReportId>) -> Vec<Finding> {
        let judge = self.judge();
        self.incidents_of(reports)
            .par_iter()
            .map(|incident| judge.finding(incident))
            .collect()
    }

    /// `incidents`, their reports' facts decoded (those not yet, at once,
    /// on all cores): they are judged next.
    fn with_facts_decoded(&self, incidents: Vec<Incident>) -> Vec<Incident> {
        let held = incidents
            .par_iter()
            .flat_map_iter(|i| i.reports.iter().copied());
        self.reports.reports.decode_facts_of(held);
        incidents
    }

    /// The type of violation a report names.
    pub fn violation_type_of(&self, report: ReportId) -> Option<ViolationType> {
        let facts = self.reports.reports.facts(report)?;
        Some(facts.violation_type)
    }

    fn judge(&self) -> Judge<'_> {
        Judge {
            reports: &self.reports,
            formations: &self.formations,
            rule: self.config.finding_rule,
            guarantors: self.guarantors.len(),
        }
    }

    pub fn findings(&self) -> Vec<Finding> {
        let judge = self.judge();
        self.with_facts_decoded(self.incidents())
            .par_iter()
            .map(|i| judge.finding(i))
            .collect()
    }

    pub fn finding(&self, incident: &Incident) -> Finding {
        self.judge().finding(incident)
    }

    /// Every incident's finding, in order of the incidents' first reports;
    /// derived once for this state, judging again only the incidents that
    /// changed since the states before it were read.
    pub fn all_findings(&self) -> Arc<[Arc<Finding>]> {
        let judge = self.judge();
        let under = JudgedUnder {
            formations: self.formations.revision(),
            guarantors: self.guarantors.len(),
            rule: self.config.finding_rule,
        };
        self.derived.findings(
            under,
            || self.with_facts_decoded(self.incidents()),
            |incident| self.reports.revision_of(&incident.reports),
            |incident| judge.finding(incident),
        )
    }

    /// Every incident's finding if a reader of this state has derived them
    /// (see `all_findings`); a one-off read of a few may judge just those.
    pub fn derived_findings(&self) -> Option<Arc<[Arc<Finding>]>> {
        self.derived.findings_if_derived()
    }

    /// The map's index of every incident with its finding; built once for
    /// this state, from the findings above.
    pub fn map_index(&self) -> Arc<MapIndex> {
        // Each incident's first report is read: all at once, on all cores.
        self.reports.reports.decode_all();
        self.derived.map(
            &self.all_findings(),
            |finding| MapIncident::of(&self.reports, self.gazetteer, &self.guarantors, finding),
            |points| MapIndex::new(points, self.guarantors.clone(), self.config.public),
        )
    }
}

/// Decisions, agreements, meetings and documents.
impl Register {
    pub fn decisions(&self) -> impl Iterator<Item = &Decision> {
        self.decisions.iter()
    }

    pub fn decision(&self, id: DecisionId) -> Option<&Decision> {
        self.decisions.get(id)
    }

    pub fn agreements(&self) -> impl Iterator<Item = &Agreement> {
        self.calendar.agreements()
    }

    /// A clause by `agreement/clause` or by its bare id when only one agreement has it.
    pub fn clause(&self, reference: &str) -> Option<(&Handle, &Clause)> {
        self.calendar.clause(reference)
    }

    /// The prohibited act a report names (by citing the clause that
    /// prohibits it): `agreement/clause` and the act's name.
    pub fn act_of(&self, report: &Report) -> Option<(String, String)> {
        self.calendar
            .act_of(&report.fields)
            .map(|(clause, act)| (clause, act.name.clone()))
    }

    /// The zones in force on `date` that hold the point, or whose line it is near.
    pub fn zones_at(&self, lon: f64, lat: f64, date: Date) -> Vec<ZoneHit> {
        self.calendar.zones_at(lon, lat, date)
    }

    pub fn meetings(&self) -> impl Iterator<Item = &Meeting> {
        self.calendar.meetings()
    }

    /// Decisions that name the meeting among their references.
    pub fn decisions_of_meeting(&self, meeting: u64) -> Vec<&Decision> {
        self.decisions()
            .filter(|d| d.references.contains(&meeting))
            .collect()
    }

    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.calendar.documents()
    }

    pub fn document(&self, id: &Handle) -> Option<&Document> {
        self.calendar.document(id)
    }

    /// The criteria adopted last, if any, with the decision that adopted them.
    pub fn adopted_criteria(&self) -> Option<(DecisionId, &Criteria)> {
        self.calendar.adopted_criteria()
    }
}

/// Exchanges.
impl Register {
    pub fn exchange_keys(&self) -> impl Iterator<Item = &ExchangeKey> {
        self.exchange.exchange_keys()
    }

    /// The current exchange keys of the intermediaries: every list must be sealed to them.
    pub fn intermediary_keys(&self) -> Vec<PublicKeyBytes> {
        self.exchange.intermediary_keys()
    }

    pub fn exchange_key_of(&self, member: &MemberName) -> Option<&ExchangeKey> {
        self.exchange.exchange_key_of(member)
    }

    pub fn exchange_lists(&self) -> impl Iterator<Item = &ExchangeList> {
        self.exchange.exchange_lists()
    }

    pub fn exchange_list(&self, id: ListId) -> Option<&ExchangeList> {
        self.exchange.exchange_list(id)
    }

    /// Whether `fingerprint` is already on a list of `member`'s in `direction`.
    pub fn known_fingerprint(
        &self,
        member: &MemberName,
        direction: ListDirection,
        fingerprint: &str,
    ) -> Option<PersonRef> {
        self.exchange
            .known_fingerprint(member, direction, fingerprint)
    }

    pub fn exchange_matches(&self) -> impl Iterator<Item = &MatchRecord> {
        self.exchange.exchange_matches()
    }

    /// Every exchange project as of `now`, in Record order.
    pub fn exchange_projects(&self, now: Timestamp) -> Vec<ExchangeProject> {
        self.decisions()
            .filter_map(|d| Some((d, d.exchange.as_ref()?)))
            .map(|(decision, spec)| {
                self.exchange
                    .project(decision.id, decision.status_at(now), spec)
            })
            .collect()
    }

    pub fn exchange_project(&self, id: DecisionId, now: Timestamp) -> Option<ExchangeProject> {
        let decision = self.decision(id)?;
        let spec = decision.exchange.as_ref()?;
        Some(self.exchange.project(id, decision.status_at(now), spec))
    }

    /// Where a person stands: released by which project, or still open.
    pub fn person_released(&self, person: PersonRef) -> Option<(DecisionId, Timestamp)> {
        self.exchange.person_released(person)
    }
}
