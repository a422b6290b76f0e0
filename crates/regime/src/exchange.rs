//! Exchanges of detainees, abductees, bodies and missing persons, as every
//! member may see them: lists by their counts, persons by their place on a
//! list, matches, projects, interviews and releases. Nothing here can name a
//! person; the sealed lists are opened only by the exchange crate, on the
//! intermediary's or the submitter's side.

use std::collections::BTreeMap;

use imbl::{HashMap, OrdMap};

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{
    DecisionId, ExchangeInterview, ExchangeKeyPublished, ExchangeListSubmitted, ExchangeMatch,
    ExchangeRelease, ExchangeSpec, ListDirection, ListEntry, ListId, MatchVerdict, MemberName,
    Party, PersonCategory, PersonRef, PublicKeyBytes, Role, VulnerableCounts,
};
use truce_record::Rejection;

use crate::decisions::DecisionStatus;
use crate::error::rule;
use crate::origin::Origin;

/// A member's published exchange key.
#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct ExchangeKey {
    pub member: MemberName,
    pub party: Party,
    pub role: Role,
    pub key: PublicKeyBytes,
    pub published_at: u64,
}

/// A list as every member sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct ExchangeList {
    pub id: ListId,
    pub reference: String,
    pub direction: ListDirection,
    pub submitted_by: MemberName,
    pub party: Party,
    pub entries: Vec<ListEntry>,
    pub vulnerable: VulnerableCounts,
    /// The keys that can open it.
    pub recipients: Vec<PublicKeyBytes>,
}

impl ExchangeList {
    pub fn count(&self, category: PersonCategory) -> usize {
        self.entries
            .iter()
            .filter(|e| e.category == category)
            .count()
    }

    pub fn person(&self, entry: u32) -> Option<&ListEntry> {
        self.entries.get(entry.checked_sub(1)? as usize)
    }
}

/// The intermediary's latest verdict on one pair.
#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct MatchRecord {
    pub sought: PersonRef,
    pub held: PersonRef,
    pub verdict: MatchVerdict,
    pub score: u16,
    pub position: u64,
}

/// Where one person of a project stands.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectPerson {
    pub person: PersonRef,
    /// The party whose list holds the person.
    pub held_by: Party,
    pub category: PersonCategory,
    pub interview: Option<InterviewOutcome>,
    pub released_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Deserialize)]
pub struct InterviewOutcome {
    pub identity_confirmed: bool,
    pub consents: bool,
    pub destination_agreed: bool,
    pub fit_to_travel: bool,
    pub position: u64,
}

impl InterviewOutcome {
    pub fn clears_release(&self) -> bool {
        self.identity_confirmed && self.consents && self.destination_agreed && self.fit_to_travel
    }
}

/// An exchange project: a decision of type exchange, and what followed it.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeProject {
    pub decision: DecisionId,
    pub number: u32,
    pub place: String,
    pub date: Date,
    pub status: DecisionStatus,
    pub persons: Vec<ProjectPerson>,
    /// Positions of the release statements.
    pub releases: Vec<u64>,
}

impl ExchangeProject {
    pub fn released(&self) -> usize {
        self.persons
            .iter()
            .filter(|p| p.released_at.is_some())
            .count()
    }

    /// Released persons per holding party, in party order.
    pub fn released_by_party(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for person in self.persons.iter().filter(|p| p.released_at.is_some()) {
            *counts.entry(person.held_by.to_string()).or_default() += 1;
        }
        counts
    }
}

/// Everything the Record says about exchanges, indexed for the rules: the
/// exchanges part of the register. A project is a decision (the decisions
/// part); the register hands this part the adopted project's spec.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExchangeBook {
    keys: OrdMap<MemberName, ExchangeKey>,
    lists: OrdMap<ListId, ExchangeList>,
    /// (submitter, digest) → the list that carried it.
    digests: HashMap<(MemberName, String), ListId>,
    /// (submitter, direction, fingerprint) → where the person first appeared.
    fingerprints: HashMap<(MemberName, ListDirection, String), PersonRef>,
    /// Latest verdict per (sought, held).
    matches: OrdMap<(PersonRef, PersonRef), MatchRecord>,
    interviews: HashMap<(DecisionId, PersonRef), InterviewOutcome>,
    /// Person → (project, release time, release position).
    released: HashMap<PersonRef, (DecisionId, Timestamp)>,
    releases: OrdMap<DecisionId, Vec<u64>>,
}

impl ExchangeBook {
    pub(crate) fn exchange_keys(&self) -> impl Iterator<Item = &ExchangeKey> {
        self.keys.values()
    }

    /// The current exchange keys of the intermediaries: every list must be sealed to them.
    pub(crate) fn intermediary_keys(&self) -> Vec<PublicKeyBytes> {
        self.keys
            .values()
            .filter(|k| k.role == Role::Intermediary)
            .map(|k| k.key)
            .collect()
    }

    pub(crate) fn exchange_key_of(&self, member: &MemberName) -> Option<&ExchangeKey> {
        self.keys.get(member)
    }

    pub(crate) fn exchange_lists(&self) -> impl Iterator<Item = &ExchangeList> {
        self.lists.values()
    }

    pub(crate) fn exchange_list(&self, id: ListId) -> Option<&ExchangeList> {
        self.lists.get(&id)
    }

    /// Whether `fingerprint` is already on a list of `member`'s in `direction`.
    pub(crate) fn known_fingerprint(
        &self,
        member: &MemberName,
        direction: ListDirection,
        fingerprint: &str,
    ) -> Option<PersonRef> {
        self.fingerprints
            .get(&(member.clone(), direction, fingerprint.to_string()))
            .copied()
    }

    pub(crate) fn exchange_matches(&self) -> impl Iterator<Item = &MatchRecord> {
        self.matches.values()
    }

    /// Where the persons of a project stand.
    pub(crate) fn project(
        &self,
        id: DecisionId,
        status: DecisionStatus,
        spec: &ExchangeSpec,
    ) -> ExchangeProject {
        let persons = spec
            .persons
            .iter()
            .map(|person| {
                let list = self.lists.get(&person.list);
                ProjectPerson {
                    person: *person,
                    held_by: list
                        .map(|l| l.party.clone())
                        .unwrap_or_else(|| Party::new("unknown").expect("a valid party")),
                    category: list
                        .and_then(|l| l.person(person.entry))
                        .map(|e| e.category)
                        .unwrap_or(PersonCategory::Detainee),
                    interview: self.interviews.get(&(id, *person)).copied(),
                    released_at: self
                        .released
                        .get(person)
                        .filter(|(project, _)| *project == id)
                        .map(|(_, at)| *at),
                }
            })
            .collect();
        ExchangeProject {
            decision: id,
            number: spec.number,
            place: spec.place.clone(),
            date: spec.date,
            status,
            persons,
            releases: self.releases.get(&id).cloned().unwrap_or_default(),
        }
    }

    /// Where a person stands: released by which project, or still open.
    pub(crate) fn person_released(&self, person: PersonRef) -> Option<(DecisionId, Timestamp)> {
        self.released.get(&person).copied()
    }

    // ----- rules -----

    pub(crate) fn check_exchange_key(
        &self,
        member: &MemberName,
        published: &ExchangeKeyPublished,
    ) -> Result<(), Rejection> {
        let taken = self
            .keys
            .values()
            .find(|k| k.key == published.key && &k.member != member);
        match taken {
            Some(other) => Err(rule(
                "key",
                format!("is already the exchange key of {}", other.member),
            )),
            None => Ok(()),
        }
    }

    pub(crate) fn check_list(
        &self,
        member: &MemberName,
        list: &ExchangeListSubmitted,
    ) -> Result<(), Rejection> {
        self.check_recipients(member, list)?;
        let digest_key = (member.clone(), list.digest.clone());
        if let Some(earlier) = self.digests.get(&digest_key) {
            return Err(rule(
                "digest",
                format!("this list was already submitted as {earlier}"),
            ));
        }
        for (i, entry) in list.entries.iter().enumerate() {
            if let Some(earlier) =
                self.known_fingerprint(member, list.direction, &entry.fingerprint)
            {
                return Err(rule(
                    &format!("entries[{i}]"),
                    format!("this person was already submitted as {earlier}"),
                ));
            }
        }
        Ok(())
    }

    /// Sealed to every intermediary and to the submitter, and to nobody
    /// else: a list sealed to another guarantor would leak identities.
    fn check_recipients(
        &self,
        member: &MemberName,
        list: &ExchangeListSubmitted,
    ) -> Result<(), Rejection> {
        let own = self.keys.get(member).ok_or_else(|| {
            rule(
                "sealed.recipients",
                format!("{member} has published no exchange key; publish one first"),
            )
        })?;
        let intermediaries = self.intermediary_keys();
        if intermediaries.is_empty() {
            return Err(rule(
                "sealed.recipients",
                "no intermediary has published an exchange key yet",
            ));
        }
        let recipients: Vec<PublicKeyBytes> =
            list.sealed.recipients.iter().map(|r| r.key).collect();
        for key in intermediaries.iter().chain([&own.key]) {
            if !recipients.contains(key) {
                return Err(rule(
                    "sealed.recipients",
                    format!(
                        "must include {key}, the current key of {}",
                        self.key_holder(key)
                    ),
                ));
            }
        }
        for (i, key) in recipients.iter().enumerate() {
            if !intermediaries.contains(key) && *key != own.key {
                return Err(rule(
                    &format!("sealed.recipients[{i}].key"),
                    "is neither an intermediary's key nor the submitter's own",
                ));
            }
        }
        Ok(())
    }

    fn key_holder(&self, key: &PublicKeyBytes) -> String {
        self.keys
            .values()
            .find(|k| &k.key == key)
            .map(|k| k.member.to_string())
            .unwrap_or_default()
    }

    fn check_person(
        &self,
        field: &str,
        person: PersonRef,
        direction: ListDirection,
    ) -> Result<&ExchangeList, Rejection> {
        let list = self
            .lists
            .get(&person.list)
            .ok_or_else(|| rule(field, format!("there is no list {}", person.list)))?;
        if list.direction != direction {
            return Err(rule(
                field,
                format!(
                    "{} is a list of persons {}, not {}",
                    list.id,
                    list.direction.as_str(),
                    direction.as_str()
                ),
            ));
        }
        if list.person(person.entry).is_none() {
            return Err(rule(
                field,
                format!("{} holds {} persons", list.id, list.entries.len()),
            ));
        }
        Ok(list)
    }

    pub(crate) fn check_match(&self, decided: &ExchangeMatch) -> Result<(), Rejection> {
        let sought = self.check_person("sought", decided.sought, ListDirection::Sought)?;
        let held = self.check_person("held", decided.held, ListDirection::Held)?;
        if sought.party == held.party {
            return Err(rule(
                "held",
                format!(
                    "both lists are {}'s; a match pairs one side's sought with the other's held",
                    held.party
                ),
            ));
        }
        Ok(())
    }

    /// The persons of a proposed exchange: each on a list of persons held,
    /// and not already released. (Its number is the decisions part's.)
    pub(crate) fn check_exchange_persons(&self, spec: &ExchangeSpec) -> Result<(), Rejection> {
        for (i, person) in spec.persons.iter().enumerate() {
            let field = format!("exchange.persons[{i}]");
            self.check_person(&field, *person, ListDirection::Held)?;
            if let Some((project, _)) = self.released.get(person) {
                return Err(rule(
                    &field,
                    format!("{person} was already released in {project}"),
                ));
            }
        }
        Ok(())
    }

    fn check_open_project_person(
        &self,
        field: &str,
        project: DecisionId,
        spec: &ExchangeSpec,
        person: PersonRef,
    ) -> Result<(), Rejection> {
        if !spec.persons.contains(&person) {
            return Err(rule(field, format!("{person} is not part of {project}")));
        }
        if let Some((by, _)) = self.released.get(&person) {
            return Err(rule(
                field,
                format!("{person} was already released in {by}"),
            ));
        }
        Ok(())
    }

    /// An interview in an adopted project (`spec`, from the decisions part).
    pub(crate) fn check_interview(
        &self,
        interview: &ExchangeInterview,
        spec: &ExchangeSpec,
    ) -> Result<(), Rejection> {
        self.check_open_project_person("person", interview.project, spec, interview.person)?;
        if let Some(sealed) = &interview.sealed_notes {
            let intermediaries = self.intermediary_keys();
            let submitter = self
                .lists
                .get(&interview.person.list)
                .and_then(|l| self.keys.get(&l.submitted_by))
                .map(|k| k.key);
            for (i, recipient) in sealed.recipients.iter().enumerate() {
                if !intermediaries.contains(&recipient.key) && Some(recipient.key) != submitter {
                    return Err(rule(
                        &format!("sealed_notes.recipients[{i}].key"),
                        "notes may be sealed only to intermediaries and the list's submitter",
                    ));
                }
            }
        }
        Ok(())
    }

    /// A release in an adopted project (`spec`, from the decisions part).
    pub(crate) fn check_release(
        &self,
        release: &ExchangeRelease,
        spec: &ExchangeSpec,
        time: Timestamp,
    ) -> Result<(), Rejection> {
        if release.released_at > time {
            return Err(rule(
                "released_at",
                format!(
                    "{} is later than the statement ({time})",
                    release.released_at
                ),
            ));
        }
        for (i, person) in release.persons.iter().enumerate() {
            let field = format!("persons[{i}]");
            self.check_open_project_person(&field, release.project, spec, *person)?;
            let cleared = self
                .interviews
                .get(&(release.project, *person))
                .is_some_and(InterviewOutcome::clears_release);
            if !cleared {
                return Err(rule(
                    &field,
                    format!(
                        "{person} has no interview confirming identity, consent, destination and fitness to travel"
                    ),
                ));
            }
        }
        Ok(())
    }

    // ----- projection -----

    pub(crate) fn apply_exchange_key(
        &mut self,
        origin: Origin<'_>,
        published: &ExchangeKeyPublished,
    ) {
        self.keys.insert(
            origin.member.clone(),
            ExchangeKey {
                member: origin.member.clone(),
                party: origin.party.clone(),
                role: origin.role,
                key: published.key,
                published_at: origin.position,
            },
        );
    }

    pub(crate) fn apply_list(&mut self, origin: Origin<'_>, list: &ExchangeListSubmitted) {
        let id = ListId(origin.position);
        let book = self;
        book.digests
            .insert((origin.member.clone(), list.digest.clone()), id);
        for (i, entry) in list.entries.iter().enumerate() {
            let person = PersonRef {
                list: id,
                entry: i as u32 + 1,
            };
            book.fingerprints.insert(
                (
                    origin.member.clone(),
                    list.direction,
                    entry.fingerprint.clone(),
                ),
                person,
            );
        }
        book.lists.insert(
            id,
            ExchangeList {
                id,
                reference: list.reference.clone(),
                direction: list.direction,
                submitted_by: origin.member.clone(),
                party: origin.party.clone(),
                entries: list.entries.clone(),
                vulnerable: list.vulnerable,
                recipients: list.sealed.recipients.iter().map(|r| r.key).collect(),
            },
        );
    }

    pub(crate) fn apply_match(&mut self, origin: Origin<'_>, decided: &ExchangeMatch) {
        self.matches.insert(
            (decided.sought, decided.held),
            MatchRecord {
                sought: decided.sought,
                held: decided.held,
                verdict: decided.verdict,
                score: decided.score,
                position: origin.position,
            },
        );
    }

    pub(crate) fn apply_interview(&mut self, origin: Origin<'_>, interview: &ExchangeInterview) {
        self.interviews.insert(
            (interview.project, interview.person),
            InterviewOutcome {
                identity_confirmed: interview.identity_confirmed,
                consents: interview.consents,
                destination_agreed: interview.destination_agreed,
                fit_to_travel: interview.fit_to_travel,
                position: origin.position,
            },
        );
    }

    pub(crate) fn apply_release(&mut self, origin: Origin<'_>, release: &ExchangeRelease) {
        for person in &release.persons {
            self.released
                .insert(*person, (release.project, release.released_at));
        }
        self.releases
            .entry(release.project)
            .or_default()
            .push(origin.position);
    }
}

#[cfg(test)]
mod tests {
    use truce_model::{SealedBox, SealedFor};

    use super::*;
    use crate::origin::Author;

    const TIME: &str = "2026-03-01T12:00:00Z";

    struct Sides {
        intermediary: Author,
        east: Author,
        west: Author,
    }

    fn key(byte: u8) -> PublicKeyBytes {
        PublicKeyBytes([byte; 32])
    }

    fn sides() -> Sides {
        Sides {
            intermediary: Author::new("icrc-delegate", "icrc", Role::Intermediary),
            east: Author::guarantor("east-monitor", "east"),
            west: Author::guarantor("west-monitor", "west"),
        }
    }

    fn list(
        direction: ListDirection,
        digest: &str,
        prints: &[&str],
        to: &[u8],
    ) -> ExchangeListSubmitted {
        ExchangeListSubmitted {
            reference: format!("{}-{digest}", direction.as_str()),
            direction,
            entries: prints
                .iter()
                .map(|p| ListEntry {
                    category: PersonCategory::Detainee,
                    fingerprint: p.to_string(),
                })
                .collect(),
            vulnerable: VulnerableCounts::default(),
            digest: digest.into(),
            sealed: SealedBox {
                recipients: to
                    .iter()
                    .map(|b| SealedFor {
                        key: key(*b),
                        encapsulated: "00".repeat(32),
                        wrapped_key: "00".repeat(48),
                    })
                    .collect(),
                ciphertext: String::new(),
            },
        }
    }

    /// Keys published (intermediary 1, east 2, west 3), and a list of
    /// persons held by each side: east's at 10, west's at 11.
    fn book(sides: &Sides) -> ExchangeBook {
        let mut book = ExchangeBook::default();
        for (position, (author, byte)) in
            [(&sides.intermediary, 1), (&sides.east, 2), (&sides.west, 3)]
                .into_iter()
                .enumerate()
        {
            let published = ExchangeKeyPublished { key: key(byte) };
            book.check_exchange_key(&author.member, &published).unwrap();
            book.apply_exchange_key(author.at(position as u64 + 1, TIME), &published);
        }
        let held = list(ListDirection::Held, "e1", &["p1", "p2"], &[1, 2]);
        book.check_list(&sides.east.member, &held).unwrap();
        book.apply_list(sides.east.at(10, TIME), &held);
        let held = list(ListDirection::Held, "w1", &["p1"], &[1, 3]);
        book.check_list(&sides.west.member, &held).unwrap();
        book.apply_list(sides.west.at(11, TIME), &held);
        book
    }

    fn refusal(result: Result<(), Rejection>) -> (String, String) {
        match result {
            Err(Rejection::Rule { field, reason }) => (field, reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_list_is_sealed_to_every_intermediary_and_its_submitter_only_and_sent_once() {
        let sides = sides();
        let book = book(&sides);
        let taken = ExchangeKeyPublished { key: key(2) };
        let (field, _) = refusal(book.check_exchange_key(&sides.west.member, &taken));
        assert_eq!(field, "key");
        // A member may publish its own key again.
        book.check_exchange_key(&sides.east.member, &taken).unwrap();
        assert_eq!(book.intermediary_keys(), [key(1)]);

        let east = &sides.east.member;
        let (field, reason) =
            refusal(book.check_list(east, &list(ListDirection::Sought, "e2", &["q"], &[2])));
        assert_eq!(field, "sealed.recipients");
        assert!(reason.contains("icrc-delegate"), "{reason}");
        let (field, _) =
            refusal(book.check_list(east, &list(ListDirection::Sought, "e2", &["q"], &[1, 2, 3])));
        assert_eq!(field, "sealed.recipients[2].key");
        let (field, _) =
            refusal(book.check_list(east, &list(ListDirection::Held, "e1", &["q"], &[1, 2])));
        assert_eq!(field, "digest");
        let (field, reason) = refusal(book.check_list(
            east,
            &list(ListDirection::Held, "e3", &["q", "p2"], &[1, 2]),
        ));
        assert_eq!(
            (field.as_str(), reason.as_str()),
            ("entries[1]", "this person was already submitted as L-10/2")
        );
        // The same fingerprint from another member, or sought rather than held, is another person.
        book.check_list(east, &list(ListDirection::Sought, "e3", &["p2"], &[1, 2]))
            .unwrap();
        assert_eq!(
            book.known_fingerprint(east, ListDirection::Held, "p2"),
            Some(PersonRef {
                list: ListId(10),
                entry: 2
            })
        );
        let nobody = Author::guarantor("north-monitor", "north");
        let (_, reason) = refusal(book.check_list(
            &nobody.member,
            &list(ListDirection::Held, "n1", &["x"], &[1]),
        ));
        assert!(reason.contains("no exchange key"), "{reason}");
    }

    #[test]
    fn a_match_pairs_one_sides_sought_with_the_others_held() {
        let sides = sides();
        let mut book = book(&sides);
        let sought = list(ListDirection::Sought, "w2", &["s1"], &[1, 3]);
        book.apply_list(sides.west.at(12, TIME), &sought);
        let person = |list, entry| PersonRef {
            list: ListId(list),
            entry,
        };
        let pair = |sought, held| ExchangeMatch {
            sought,
            held,
            verdict: MatchVerdict::Confirmed,
            score: 950,
        };
        let (field, _) = refusal(book.check_match(&pair(person(12, 1), person(11, 1))));
        assert_eq!(field, "held");
        let (field, reason) = refusal(book.check_match(&pair(person(10, 1), person(11, 1))));
        assert_eq!(field, "sought");
        assert!(reason.contains("persons held, not sought"), "{reason}");
        let (_, reason) = refusal(book.check_match(&pair(person(12, 1), person(10, 3))));
        assert_eq!(reason, "L-10 holds 2 persons");
        let good = pair(person(12, 1), person(10, 1));
        book.check_match(&good).unwrap();
        book.apply_match(sides.intermediary.at(13, TIME), &good);
        assert_eq!(book.exchange_matches().next().unwrap().position, 13);
    }

    #[test]
    fn a_person_is_released_once_and_only_after_an_interview_that_clears_it() {
        let sides = sides();
        let mut book = book(&sides);
        let person = |list, entry| PersonRef {
            list: ListId(list),
            entry,
        };
        let project = DecisionId(20);
        let spec = ExchangeSpec {
            number: 1,
            place: "Astana".into(),
            date: "2026-03-20".parse().unwrap(),
            persons: vec![person(10, 1), person(11, 1)],
        };
        book.check_exchange_persons(&spec).unwrap();
        let release = ExchangeRelease {
            project,
            released_at: "2026-03-20T09:00:00Z".parse().unwrap(),
            persons: vec![person(10, 1)],
        };
        let at: Timestamp = "2026-03-20T10:00:00Z".parse().unwrap();
        let (field, reason) = refusal(book.check_release(&release, &spec, at));
        assert_eq!(field, "persons[0]");
        assert!(reason.contains("no interview"), "{reason}");
        let interview = ExchangeInterview {
            project,
            person: person(10, 1),
            identity_confirmed: true,
            consents: true,
            destination_agreed: true,
            fit_to_travel: true,
            sealed_notes: None,
        };
        book.check_interview(&interview, &spec).unwrap();
        let outsider = ExchangeInterview {
            person: person(10, 2),
            ..interview.clone()
        };
        let (_, reason) = refusal(book.check_interview(&outsider, &spec));
        assert!(reason.contains("is not part of D-20"), "{reason}");
        book.apply_interview(sides.intermediary.at(21, TIME), &interview);
        let early = "2026-03-20T08:00:00Z".parse().unwrap();
        let (field, _) = refusal(book.check_release(&release, &spec, early));
        assert_eq!(field, "released_at");
        book.check_release(&release, &spec, at).unwrap();
        book.apply_release(sides.intermediary.at(22, TIME), &release);
        let (_, reason) = refusal(book.check_release(&release, &spec, at));
        assert!(reason.contains("already released in D-20"), "{reason}");
        let (field, _) = refusal(book.check_exchange_persons(&spec));
        assert_eq!(field, "exchange.persons[0]");

        let projected = book.project(project, DecisionStatus::Adopted { at: 20 }, &spec);
        assert_eq!(projected.released(), 1);
        assert_eq!(projected.releases, [22]);
        assert_eq!(projected.released_by_party().get("east"), Some(&1));
        assert_eq!(projected.persons[1].held_by.to_string(), "west");
        assert_eq!(
            book.person_released(person(10, 1)).map(|(d, _)| d),
            Some(project)
        );
    }
}
