//! The bulletin for a day or a range of days: what each guarantor
//! registered, where, what the others confirmed, and the findings.

use std::collections::BTreeMap;
use std::fmt::Write;

use jiff::civil::Date;
use serde::Serialize;
use truce_model::{FormationStatus, Position};

use crate::cases::CaseTally;
use crate::edition::{published_coordinate, Edition};
use crate::findings::{Finding, FindingKind};
use crate::observation::CoverageTally;
use crate::register::Register;
use crate::reports::{governorate_name, Report};
use crate::requests::RequestTally;
use crate::response::{write_exchanges, write_response, ExchangeTally, ResponseTally};
use crate::wording::{Language, Words};

impl Register {
    /// [`published_coordinate`] under this Record's public views.
    pub fn published_coordinate(&self, value: f64, edition: Edition) -> f64 {
        published_coordinate(value, edition, &self.config().public)
    }

    /// Whether `edition` may tell which guarantor party filed a report.
    pub fn tells_filing_party(&self, edition: Edition) -> bool {
        edition == Edition::Internal || self.config().public.filing_party
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GovernorateCount {
    pub code: String,
    pub name: String,
    pub count: usize,
}

/// The name of the one tally of a public bulletin that may not tell who
/// filed what.
pub const ALL_GUARANTORS: &str = "all guarantors";

#[derive(Debug, Clone, Serialize)]
pub struct PartyTally {
    pub party: String,
    pub registered: usize,
    pub by_governorate: Vec<GovernorateCount>,
    pub by_type: BTreeMap<String, usize>,
    /// For each other guarantor, how many of these reports it confirmed.
    pub confirmed_by: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingsTally {
    pub confirmed: usize,
    pub not_a_violation: usize,
    pub unconfirmed: usize,
    /// Confirmed violations per formation they are attributed to.
    pub attributed: BTreeMap<String, usize>,
    /// Not a violation because the target was excluded, per formation hit.
    pub excluded_targets: BTreeMap<String, usize>,
    /// Confirmed violations of an act an agreement prohibits, per act
    /// (`agreement/clause: name`); absent while there are none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub prohibited_acts: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormationTally {
    pub in_ceasefire: usize,
    pub excluded: usize,
    pub suspended: usize,
}

/// One report, for the internal edition.
#[derive(Debug, Clone, Serialize)]
pub struct ReportLine {
    pub report: String,
    pub party: String,
    pub occurred: String,
    pub governorate: String,
    pub place: String,
    #[serde(rename = "type")]
    pub violation_type: String,
    pub finding: String,
    pub narrative: String,
    /// The clause it cites, with the agreement that holds it when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    /// Zones in force that hold the place (or lines it lies near).
    pub zones: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bulletin {
    pub mechanism: String,
    pub from: Date,
    pub to: Date,
    pub edition: Edition,
    pub parties: Vec<PartyTally>,
    pub findings: FindingsTally,
    pub formations: FormationTally,
    pub response: ResponseTally,
    pub exchanges: Vec<ExchangeTally>,
    /// Requests for clarification by their state at the period's end;
    /// absent while there are none.
    #[serde(skip_serializing_if = "RequestTally::is_empty")]
    pub requests: RequestTally,
    /// Verification cases in the period; absent while there are none.
    #[serde(skip_serializing_if = "CaseTally::is_empty")]
    pub cases: CaseTally,
    /// What the monitors could see each day, and the restrictions of their
    /// access per party; absent while the Record names no asset or
    /// restriction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageTally>,
    /// Internal edition only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reports: Option<Vec<ReportLine>>,
}

impl Register {
    /// The bulletin for events from `from` to `to`, both included.
    pub fn bulletin(&self, mechanism: &str, from: Date, to: Date, edition: Edition) -> Bulletin {
        let reports: Vec<&Report> = self.reports_between(from, to).collect();
        let findings: Vec<Finding> = self.findings_of(reports.iter().map(|r| r.id));
        let finding_of: BTreeMap<_, _> = findings
            .iter()
            .flat_map(|f| f.reports.iter().map(move |id| (*id, f)))
            .collect();
        Bulletin {
            mechanism: mechanism.to_string(),
            from,
            to,
            edition,
            parties: if self.tells_filing_party(edition) {
                self.party_tallies(&reports, &finding_of)
            } else {
                vec![self.all_guarantors_tally(&reports)]
            },
            findings: FindingsTally {
                prohibited_acts: self.prohibited_acts_confirmed(&findings),
                ..tally_findings(&findings)
            },
            formations: self.formation_tally(to),
            response: self.response_tally(from, to, edition == Edition::Internal),
            exchanges: self.exchange_tallies(from, to),
            requests: self.requests.tally(crate::response::period(from, to).1),
            cases: {
                let (start, end) = crate::response::period(from, to);
                self.cases.tally(start, end)
            },
            coverage: self.coverage_tally(from, to),
            reports: (edition == Edition::Internal)
                .then(|| self.report_lines(&reports, &finding_of)),
        }
    }

    /// Every guarantor's reports counted together, for a public that may
    /// not know who filed what.
    fn all_guarantors_tally(&self, reports: &[&Report]) -> PartyTally {
        let mut by_governorate: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
        for report in reports {
            *by_governorate
                .entry(report.governorate.to_string())
                .or_default() += 1;
            *by_type
                .entry(report.fields.violation_type.as_str().to_string())
                .or_default() += 1;
        }
        PartyTally {
            party: ALL_GUARANTORS.into(),
            registered: reports.len(),
            by_governorate: self.governorate_counts(by_governorate),
            by_type,
            confirmed_by: BTreeMap::new(),
        }
    }

    fn party_tallies(
        &self,
        reports: &[&Report],
        finding_of: &BTreeMap<truce_model::ReportId, &Finding>,
    ) -> Vec<PartyTally> {
        self.guarantors
            .iter()
            .map(|party| {
                let own: Vec<&&Report> = reports.iter().filter(|r| &r.party == party).collect();
                let mut by_governorate: BTreeMap<String, usize> = BTreeMap::new();
                let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
                let mut confirmed_by: BTreeMap<String, usize> = self
                    .guarantors
                    .iter()
                    .filter(|p| *p != party)
                    .map(|p| (p.to_string(), 0))
                    .collect();
                for report in &own {
                    *by_governorate
                        .entry(report.governorate.to_string())
                        .or_default() += 1;
                    *by_type
                        .entry(report.fields.violation_type.as_str().to_string())
                        .or_default() += 1;
                    let Some(finding) = finding_of.get(&report.id) else {
                        continue;
                    };
                    for (other, count) in confirmed_by.iter_mut() {
                        if finding.positions.get(other) == Some(&Position::Confirmed) {
                            *count += 1;
                        }
                    }
                }
                PartyTally {
                    party: party.to_string(),
                    registered: own.len(),
                    by_governorate: self.governorate_counts(by_governorate),
                    by_type,
                    confirmed_by,
                }
            })
            .collect()
    }

    fn governorate_counts(&self, counts: BTreeMap<String, usize>) -> Vec<GovernorateCount> {
        let mut list: Vec<GovernorateCount> = counts
            .into_iter()
            .map(|(code, count)| GovernorateCount {
                name: self.governorate_name(&code),
                code,
                count,
            })
            .collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        list
    }

    pub fn governorate_name(&self, code: &str) -> String {
        governorate_name(self.gazetteer, code)
    }

    fn formation_tally(&self, date: Date) -> FormationTally {
        let count = |s| self.formations_with_status(date, s).len();
        FormationTally {
            in_ceasefire: count(FormationStatus::Joined),
            excluded: count(FormationStatus::Excluded),
            suspended: count(FormationStatus::Suspended),
        }
    }

    fn report_lines(
        &self,
        reports: &[&Report],
        finding_of: &BTreeMap<truce_model::ReportId, &Finding>,
    ) -> Vec<ReportLine> {
        reports
            .iter()
            .map(|r| ReportLine {
                report: r.id.to_string(),
                party: r.party.to_string(),
                occurred: r.fields.occurred.strftime("%Y-%m-%d %H:%M").to_string(),
                governorate: self.governorate_name(r.governorate),
                place: r.fields.location.place.clone(),
                violation_type: r.fields.violation_type.as_str().to_string(),
                finding: finding_of
                    .get(&r.id)
                    .map(|f| f.kind.label().to_string())
                    .unwrap_or_default(),
                narrative: r.fields.narrative.clone(),
                clause: r.fields.clause.as_ref().map(|c| match self.clause(c) {
                    Some((agreement, clause)) => format!("{agreement}/{}", clause.id),
                    None => format!("{c} (not in an adopted agreement)"),
                }),
                zones: self.zone_names(r),
            })
            .collect()
    }

    /// "inside the Idlib de-escalation area", "1200 m from the M5 line".
    pub fn zone_names(&self, report: &Report) -> Vec<String> {
        self.zone_names_for(report, Edition::Internal)
    }

    /// The public reads a line's name without the distance, which would
    /// tell the point more precisely than its rounded coordinates.
    pub fn zone_names_for(&self, report: &Report, edition: Edition) -> Vec<String> {
        let at = &report.fields.location;
        self.zones_at(at.lon, at.lat, report.date())
            .into_iter()
            .map(|hit| match (hit.distance_m, edition) {
                (Some(m), Edition::Internal) => format!("{m} m from {}", hit.name),
                (Some(_), Edition::Public) => format!("near {}", hit.name),
                (None, _) => format!("inside {}", hit.name),
            })
            .collect()
    }
}

impl Register {
    /// Confirmed violations per prohibited act, by the act the incident's
    /// first report citing one names.
    fn prohibited_acts_confirmed(&self, findings: &[Finding]) -> BTreeMap<String, usize> {
        let mut acts = BTreeMap::new();
        for finding in findings {
            if !matches!(finding.kind, FindingKind::ConfirmedViolation { .. }) {
                continue;
            }
            let act = finding
                .reports
                .iter()
                .filter_map(|id| self.report(*id))
                .find_map(|report| self.act_of(report));
            if let Some((clause, name)) = act {
                *acts.entry(format!("{clause}: {name}")).or_default() += 1;
            }
        }
        acts
    }
}

fn tally_findings(findings: &[Finding]) -> FindingsTally {
    let mut tally = FindingsTally {
        confirmed: 0,
        not_a_violation: 0,
        unconfirmed: 0,
        attributed: BTreeMap::new(),
        excluded_targets: BTreeMap::new(),
        prohibited_acts: BTreeMap::new(),
    };
    for finding in findings {
        match &finding.kind {
            FindingKind::ConfirmedViolation { attributed_to } => {
                tally.confirmed += 1;
                let name = attributed_to
                    .as_ref()
                    .map_or("unattributed".to_string(), |f| f.to_string());
                *tally.attributed.entry(name).or_default() += 1;
            }
            FindingKind::NotAViolation {
                excluded_target, ..
            } => {
                tally.not_a_violation += 1;
                if let Some(target) = excluded_target {
                    *tally
                        .excluded_targets
                        .entry(target.to_string())
                        .or_default() += 1;
                }
            }
            FindingKind::Unconfirmed => tally.unconfirmed += 1,
        }
    }
    tally
}

impl Bulletin {
    /// The bulletin as a commission would publish it.
    pub fn to_text(&self) -> String {
        self.to_text_in(Language::En)
    }

    /// The bulletin in one of the mechanism's languages: the same figures,
    /// names and codes, the sentences around them in `language`.
    pub fn to_text_in(&self, language: Language) -> String {
        let words = Words(language);
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{}\n",
            words.heading(
                &self.mechanism,
                &self.from.to_string(),
                &self.to.to_string(),
                self.edition == Edition::Internal
            )
        );
        for tally in &self.parties {
            let _ = writeln!(text, "{}\n", party_sentence(&words, tally));
        }
        let _ = writeln!(text, "{}\n", findings_sentence(&words, &self.findings));
        if !self.findings.prohibited_acts.is_empty() {
            let acts: Vec<(&str, usize)> = self
                .findings
                .prohibited_acts
                .iter()
                .map(|(act, n)| (act.as_str(), *n))
                .collect();
            let _ = writeln!(text, "{}\n", words.prohibited_acts(&acts));
        }
        let f = &self.formations;
        let _ = writeln!(
            text,
            "{}",
            words.formations(f.in_ceasefire, f.excluded, f.suspended)
        );
        write_response(&mut text, &words, &self.response);
        write_exchanges(&mut text, &words, &self.exchanges);
        if !self.requests.is_empty() {
            let r = &self.requests;
            let _ = writeln!(
                text,
                "{}",
                words.requests(
                    r.open,
                    r.overdue,
                    r.answered + r.answered_late,
                    r.answered_late
                )
            );
        }
        if !self.cases.is_empty() {
            let c = &self.cases;
            let _ = writeln!(
                text,
                "{}",
                words.cases(c.opened, c.closed, c.open, c.overdue)
            );
            // Mildest first, as the scale reads.
            let by_severity: Vec<(&str, usize)> = truce_model::Severity::ALL
                .iter()
                .filter_map(|s| Some((s.as_str(), *c.by_severity.get(s.as_str())?)))
                .collect();
            if !by_severity.is_empty() {
                let _ = writeln!(text, "{}", words.case_findings(&by_severity));
            }
            if let Some(days) = c.median_days_to_finding {
                let _ = writeln!(text, "{}", words.median_to_finding(days));
            }
        }
        if let Some(coverage) = &self.coverage {
            write_coverage(&mut text, &words, coverage);
        }
        if let Some(lines) = &self.reports {
            let _ = writeln!(text, "\n{}", words.reports());
            for line in lines {
                let _ = writeln!(
                    text,
                    "  {} {} {} — {}, {} ({}) — {}: {}",
                    line.report,
                    line.occurred,
                    line.party,
                    words.violation_type(&line.violation_type),
                    line.place,
                    line.governorate,
                    words.finding(&line.finding),
                    line.narrative
                );
                if !line.zones.is_empty() {
                    let _ = writeln!(text, "      {}", line.zones.join("; "));
                }
                if let Some(clause) = &line.clause {
                    let _ = writeln!(text, "      {}", words.cites(clause));
                }
            }
        }
        text
    }
}

/// Each day's governorates not observed and those observed with no
/// report, then the restrictions of access per party.
fn write_coverage(text: &mut String, words: &Words, coverage: &CoverageTally) {
    let names = |list: &[crate::observation::Named]| {
        list.iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for day in &coverage.days {
        let date = day.day.to_string();
        if !day.not_observed.is_empty() {
            let _ = writeln!(
                text,
                "{}",
                words.not_observed(&date, &names(&day.not_observed))
            );
        }
        if !day.no_violation_observed.is_empty() {
            let _ = writeln!(
                text,
                "{}",
                words.no_violation_observed(&date, &names(&day.no_violation_observed))
            );
        }
    }
    for tally in &coverage.access {
        let _ = writeln!(
            text,
            "{}",
            words.access(
                &tally.by,
                tally.denial,
                tally.restriction,
                tally.threat,
                tally.jamming
            )
        );
    }
}

fn party_sentence(words: &Words, tally: &PartyTally) -> String {
    if tally.registered == 0 {
        return words.registered_none(&tally.party);
    }
    let places: Vec<String> = tally
        .by_governorate
        .iter()
        .map(|g| format!("{} ({})", g.name, g.count))
        .collect();
    let mut sentence = words.registered(&tally.party, tally.registered, &places);
    for (other, confirmed) in &tally.confirmed_by {
        sentence.push_str(&words.confirmed_by(other, *confirmed));
    }
    sentence
}

fn findings_sentence(words: &Words, f: &FindingsTally) -> String {
    let list = |map: &BTreeMap<String, usize>| {
        (!map.is_empty()).then(|| {
            map.iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    words.findings(
        f.confirmed,
        list(&f.attributed),
        f.not_a_violation,
        list(&f.excluded_targets),
        f.unconfirmed,
    )
}
