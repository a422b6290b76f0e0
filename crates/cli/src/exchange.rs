//! `truce exchange …`: lists of detainees, abductees, bodies and missing
//! persons, sealed on this machine before they reach the node; matching
//! and opening happen here too, with the reader's own exchange key, so no
//! node ever needs to hold one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;
use truce_exchange::{seal, seal_list_in_parts, ExchangeSecret, ListContents, OpenedList, Person};
use truce_model::{
    ExchangeInterview, ExchangeKeyPublished, ExchangeListSubmitted, ExchangeMatch, ExchangeRelease,
    ListDirection, ListId, MatchVerdict, MemberName, PersonRef,
};
use truce_record::{Body, Statement};
use truce_regime::Register;
use truce_store::Store;

use crate::keyfile;
use crate::node::Location;
use crate::register::sign_and_append;

#[derive(Subcommand)]
pub enum ExchangeCommand {
    /// Create your exchange key (if the file does not exist) and publish its
    /// public half, so that lists can be sealed to you.
    Key(KeyArgs),
    /// Seal a list (CSV or JSON) to the intermediary and yourself, and submit it.
    ///
    /// CSV columns: name_arabic, name_latin, father_name, mother_name,
    /// birth_year, origin, category (detainee|abductee|body|missing),
    /// event_date, event_place, holding_party, woman, child, elderly, sick,
    /// notes. Only category and one of the names are required. Persons you
    /// have already submitted are left out and named.
    Submit(SubmitArgs),
    /// Lists with their counts: what every member may see.
    Lists(JsonArg),
    /// Open a list you may read (as its submitter or the intermediary).
    Open(OpenArgs),
    /// The intermediary's matching of persons sought against persons held.
    Match(MatchArgs),
    /// Confirm or reject a candidate match (intermediary).
    Decide(DecideArgs),
    /// Record the pre-release interview of a person (intermediary).
    Interview(InterviewArgs),
    /// Record the simultaneous release of persons of a project (intermediary).
    Release(ReleaseArgs),
    /// Exchange projects with each person's status (no identities).
    Projects(JsonArg),
}

#[derive(Args)]
pub struct JsonArg {
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct KeyArgs {
    /// Your member key, to sign the publication.
    #[arg(long)]
    key: PathBuf,
    /// Your exchange key file; created (readable only by you) if missing.
    #[arg(long)]
    exchange_key: PathBuf,
    /// Replace the exchange key you published before (lists sealed to the
    /// old key stay readable only with the old key file).
    #[arg(long)]
    rotate: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DirectionArg {
    /// Persons your side holds.
    Held,
    /// Persons your side seeks.
    Sought,
}

#[derive(Args)]
pub struct SubmitArgs {
    #[arg(long)]
    key: PathBuf,
    #[arg(long)]
    exchange_key: PathBuf,
    #[arg(long, value_enum)]
    direction: DirectionArg,
    /// Your side's reference for the list, such as TR-2026-07.
    #[arg(long)]
    reference: String,
    /// The list: .csv or .json ({"persons": [...]}).
    file: PathBuf,
}

#[derive(Args)]
pub struct OpenArgs {
    /// The list: L-12 or 12.
    list: String,
    #[arg(long)]
    exchange_key: PathBuf,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct MatchArgs {
    /// The intermediary's exchange key: it opens every list.
    #[arg(long)]
    exchange_key: PathBuf,
    /// Score from which a candidate is marked likely (0 to 1).
    #[arg(long, default_value_t = 0.5)]
    threshold: f32,
    /// Lowest score shown (0 to 1).
    #[arg(long, default_value_t = 0.3)]
    min_score: f32,
    /// Candidates shown per person sought.
    #[arg(long, default_value_t = 3)]
    candidates: usize,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VerdictArg {
    Confirm,
    Reject,
}

#[derive(Args)]
pub struct DecideArgs {
    #[arg(long)]
    key: PathBuf,
    /// The person sought, as L-4/1.
    #[arg(long)]
    sought: PersonRef,
    /// The person held, as L-5/2.
    #[arg(long)]
    held: PersonRef,
    #[arg(value_enum)]
    verdict: VerdictArg,
    /// The matcher's score, 0 to 1.
    #[arg(long, default_value_t = 0.0)]
    score: f32,
}

#[derive(Args)]
pub struct InterviewArgs {
    #[arg(long)]
    key: PathBuf,
    /// The exchange project (decision): D-20 or 20.
    #[arg(long)]
    project: String,
    #[arg(long)]
    person: PersonRef,
    #[arg(long)]
    identity_confirmed: bool,
    #[arg(long)]
    consents: bool,
    #[arg(long)]
    destination_agreed: bool,
    #[arg(long)]
    fit_to_travel: bool,
    /// Destination and notes, sealed to the intermediaries and the list's
    /// submitter (needs --exchange-key).
    #[arg(long, requires = "exchange_key")]
    notes: Option<String>,
    #[arg(long)]
    exchange_key: Option<PathBuf>,
}

#[derive(Args)]
pub struct ReleaseArgs {
    #[arg(long)]
    key: PathBuf,
    #[arg(long)]
    project: String,
    /// A released person (repeat): all of them were released together.
    #[arg(long = "person", required = true)]
    persons: Vec<PersonRef>,
    /// When (default: now).
    #[arg(long)]
    at: Option<Timestamp>,
}

pub async fn run(location: &Location, command: ExchangeCommand) -> Result<ExitCode> {
    match command {
        ExchangeCommand::Key(args) => publish_key(location, args).await,
        ExchangeCommand::Submit(args) => submit(location, args).await,
        ExchangeCommand::Lists(args) => lists(location, args).await,
        ExchangeCommand::Open(args) => open_list(location, args).await,
        ExchangeCommand::Match(args) => match_lists(location, args).await,
        ExchangeCommand::Decide(args) => decide(location, args).await,
        ExchangeCommand::Interview(args) => interview(location, args).await,
        ExchangeCommand::Release(args) => release(location, args).await,
        ExchangeCommand::Projects(args) => projects(location, args).await,
    }
    .map(|()| ExitCode::SUCCESS)
}

async fn publish_key(location: &Location, args: KeyArgs) -> Result<()> {
    let member = member_of_key(location, &args.key).await?;
    let published = {
        let ledger = location.open_ledger().await?;
        let key = ledger.rules().exchange_key_of(&member).map(|k| k.key);
        ledger.close().await;
        key
    };
    let secret = if args.exchange_key.exists() {
        keyfile::read_exchange_key(&args.exchange_key)?
    } else {
        let secret = ExchangeSecret::generate();
        keyfile::write_exchange_key(&args.exchange_key, &secret, false)?;
        println!("created {}", args.exchange_key.display());
        secret
    };
    match published {
        Some(key) if key == secret.public() => {
            println!("{member}'s exchange key is already published; nothing to do");
            return Ok(());
        }
        Some(_) if !args.rotate => {
            bail!("{member} already published another exchange key; give --rotate to replace it")
        }
        _ => {}
    }
    let body = Body::ExchangeKeyPublished(ExchangeKeyPublished {
        key: secret.public(),
    });
    sign_and_append(location, &args.key, body).await?;
    Ok(())
}

fn read_list(path: &Path) -> Result<ListContents> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let contents = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        ListContents::from_json(&text)
    } else {
        ListContents::from_csv(&text)
    };
    contents.with_context(|| path.display().to_string())
}

fn this_year() -> i16 {
    jiff::Zoned::now().year()
}

/// The member a key file belongs to, by its Record entry.
async fn member_of_key(location: &Location, key: &Path) -> Result<MemberName> {
    let key = keyfile::read_member_key(key)?;
    let ledger = location.open_ledger().await?;
    let registry = ledger.registry();
    ledger.close().await;
    registry
        .member_of(&key.key_id())
        .cloned()
        .with_context(|| format!("key {} is not admitted in this Record", key.key_id()))
}

async fn submit(location: &Location, args: SubmitArgs) -> Result<()> {
    let secret = keyfile::read_exchange_key(&args.exchange_key)?;
    let mut contents = read_list(&args.file)?;
    contents
        .validate(this_year())
        .with_context(|| args.file.display().to_string())?;
    let member = member_of_key(location, &args.key).await?;
    let direction = match args.direction {
        DirectionArg::Held => ListDirection::Held,
        DirectionArg::Sought => ListDirection::Sought,
    };
    let recipients = {
        let ledger = location.open_ledger().await?;
        let register = ledger.rules();
        let recipients = recipients(&register, &member, &secret)?;
        leave_out_known(&register, &member, direction, &secret, &mut contents)?;
        drop(register);
        ledger.close().await;
        recipients
    };
    // A long list goes in parts: each Record entry holds at most 64 KiB.
    let parts = seal_list_in_parts(
        &contents,
        &args.reference,
        direction,
        &secret,
        &recipients,
        this_year(),
    )?;
    let several = parts.len() > 1;
    for part in parts {
        let counts = category_line(&part.body);
        let reference = part.body.reference.clone();
        let receipt =
            sign_and_append(location, &args.key, Body::ExchangeListSubmitted(part.body)).await?;
        let part = if several {
            format!(" ({reference})")
        } else {
            String::new()
        };
        println!("list {}: {counts}{part}", ListId(receipt.position));
    }
    Ok(())
}

/// The intermediaries' keys and the submitter's own, as the Record has them.
fn recipients(
    register: &Register,
    member: &MemberName,
    secret: &ExchangeSecret,
) -> Result<Vec<truce_model::PublicKeyBytes>> {
    let own = register.exchange_key_of(member).map(|k| k.key);
    if own != Some(secret.public()) {
        bail!("this exchange key is not {member}'s published key; publish it with `truce exchange key`");
    }
    let mut keys = register.intermediary_keys();
    if keys.is_empty() {
        bail!("no intermediary has published an exchange key yet: lists cannot be sealed");
    }
    keys.push(secret.public());
    Ok(keys)
}

fn leave_out_known(
    register: &Register,
    member: &MemberName,
    direction: ListDirection,
    secret: &ExchangeSecret,
    contents: &mut ListContents,
) -> Result<()> {
    let before = contents.persons.len();
    contents.persons.retain(|person| {
        let fingerprint = truce_exchange::fingerprint(secret, person);
        match register.known_fingerprint(member, direction, &fingerprint) {
            Some(earlier) => {
                println!("left out: {} is already {earlier}", display_name(person));
                false
            }
            None => true,
        }
    });
    if contents.persons.is_empty() {
        bail!("all {before} persons were submitted before; nothing to send");
    }
    Ok(())
}

fn display_name(person: &Person) -> &str {
    if person.name_latin.is_empty() {
        &person.name_arabic
    } else {
        &person.name_latin
    }
}

fn category_line(list: &ExchangeListSubmitted) -> String {
    let counts: Vec<String> = list
        .category_counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| format!("{n} {}", c.as_str()))
        .collect();
    format!(
        "{} persons {} ({})",
        list.entries.len(),
        list.direction.as_str(),
        counts.join(", ")
    )
}

async fn lists(location: &Location, args: JsonArg) -> Result<()> {
    let ledger = location.open_ledger().await?;
    let lists = truce_query::exchange_lists(&ledger.rules());
    ledger.close().await;
    for list in lists {
        if args.json {
            println!("{}", serde_json::to_string(&list)?);
            continue;
        }
        let v = &list.vulnerable;
        println!(
            "{} {:<6} {:<24} {:<14} {} persons (women {}, children {}, elderly {}, sick {})",
            list.name,
            list.direction,
            list.party,
            list.reference,
            list.persons,
            v.women,
            v.children,
            v.elderly,
            v.sick
        );
    }
    Ok(())
}

fn parse_list_id(text: &str) -> Result<ListId> {
    let digits = text.trim_start_matches("L-").trim_start_matches("l-");
    Ok(ListId(digits.parse().with_context(|| {
        format!("{text:?} is not a list such as L-12")
    })?))
}

/// The list statement at `id`, as it was signed.
async fn list_statement(store: &Store, id: ListId) -> Result<ExchangeListSubmitted> {
    let entry = store
        .entries(id.0, 1)
        .await?
        .into_iter()
        .next()
        .with_context(|| format!("there is no entry {}", id.0))?;
    match Statement::from_bytes(&entry.statement)?.body {
        Body::ExchangeListSubmitted(list) => Ok(list),
        other => bail!("{id} is not a list but a {} statement", other.kind()),
    }
}

async fn open_list(location: &Location, args: OpenArgs) -> Result<()> {
    let id = parse_list_id(&args.list)?;
    let secret = keyfile::read_exchange_key(&args.exchange_key)?;
    let store = location.open_store().await?;
    let list = list_statement(&store, id).await;
    store.close().await;
    let opened = OpenedList::open(&list?, &secret).with_context(|| format!("opening {id}"))?;
    for problem in &opened.discrepancies {
        eprintln!("warning: {id}: {problem}");
    }
    for (i, person) in opened.contents.persons.iter().enumerate() {
        let at = PersonRef {
            list: id,
            entry: i as u32 + 1,
        };
        if args.json {
            let mut value = serde_json::to_value(person)?;
            value["person"] = serde_json::Value::String(at.to_string());
            println!("{value}");
        } else {
            println!("{at:<10} {}", describe(person));
        }
    }
    Ok(())
}

fn describe(person: &Person) -> String {
    let mut parts = vec![display_name(person).to_string()];
    if !person.name_arabic.is_empty() && !person.name_latin.is_empty() {
        parts.push(format!("({})", person.name_arabic));
    }
    if !person.father_name.is_empty() {
        parts.push(format!("child of {}", person.father_name));
    }
    if let Some(year) = person.birth_year {
        parts.push(format!("born {year}"));
    }
    if !person.origin.is_empty() {
        parts.push(format!("from {}", person.origin));
    }
    parts.push(format!("— {}", person.category.as_str()));
    parts.join(" ")
}

/// Every list this key opens, with the persons on it.
async fn open_all(
    store: &Store,
    register: &Register,
    secret: &ExchangeSecret,
    direction: ListDirection,
) -> Result<Vec<(PersonRef, Person)>> {
    let me = secret.public();
    let mut persons = Vec::new();
    for summary in register
        .exchange_lists()
        .filter(|l| l.direction == direction && l.recipients.contains(&me))
    {
        let list = list_statement(store, summary.id).await?;
        let opened =
            OpenedList::open(&list, secret).with_context(|| format!("opening {}", summary.id))?;
        for (i, person) in opened.contents.persons.into_iter().enumerate() {
            let at = PersonRef {
                list: summary.id,
                entry: i as u32 + 1,
            };
            persons.push((at, person));
        }
    }
    Ok(persons)
}

async fn match_lists(location: &Location, args: MatchArgs) -> Result<()> {
    let secret = keyfile::read_exchange_key(&args.exchange_key)?;
    let ledger = location.open_ledger().await?;
    let (sought, held, parties) = {
        let register = ledger.rules();
        let sought = open_all(ledger.store(), &register, &secret, ListDirection::Sought).await?;
        let held = open_all(ledger.store(), &register, &secret, ListDirection::Held).await?;
        let parties: std::collections::HashMap<ListId, String> = register
            .exchange_lists()
            .map(|l| (l.id, l.party.to_string()))
            .collect();
        (sought, held, parties)
    };
    ledger.close().await;
    let options = truce_exchange::matching::MatchOptions {
        threshold: args.threshold,
        min_score: args.min_score,
        max_candidates_per_person: args.candidates,
        ..Default::default()
    };
    let sought_persons: Vec<Person> = sought.iter().map(|(_, p)| p.clone()).collect();
    let held_persons: Vec<Person> = held.iter().map(|(_, p)| p.clone()).collect();
    let candidates =
        truce_exchange::matching::match_persons(&sought_persons, &held_persons, &options);
    let mut shown = 0;
    for candidate in candidates {
        let (sought_at, sought_person) = &sought[candidate.sought];
        let (held_at, held_person) = &held[candidate.held];
        // A side's sought persons are looked for among the others' held.
        if parties.get(&sought_at.list) == parties.get(&held_at.list) {
            continue;
        }
        shown += 1;
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "sought": sought_at.to_string(),
                    "held": held_at.to_string(),
                    "score": candidate.score,
                    "likely": candidate.likely,
                    "reasons": candidate.reasons,
                })
            );
            continue;
        }
        println!(
            "{sought_at} ~ {held_at}  score {:.3}{}\n    sought: {}\n    held:   {}",
            candidate.score,
            if candidate.likely { " (likely)" } else { "" },
            describe(sought_person),
            describe(held_person)
        );
        for reason in &candidate.reasons {
            println!("      - {reason}");
        }
    }
    if !args.json {
        println!(
            "{shown} candidate matches ({} sought, {} held)",
            sought.len(),
            held.len()
        );
    }
    Ok(())
}

async fn decide(location: &Location, args: DecideArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&args.score) {
        bail!("--score: {} is not between 0 and 1", args.score);
    }
    let body = Body::ExchangeMatch(ExchangeMatch {
        sought: args.sought,
        held: args.held,
        verdict: match args.verdict {
            VerdictArg::Confirm => MatchVerdict::Confirmed,
            VerdictArg::Reject => MatchVerdict::Rejected,
        },
        score: (args.score * 1000.0).round() as u16,
    });
    sign_and_append(location, &args.key, body).await?;
    Ok(())
}

async fn interview(location: &Location, args: InterviewArgs) -> Result<()> {
    let project = crate::decide::parse_decision_id(&args.project)?;
    let sealed_notes = match (&args.notes, &args.exchange_key) {
        (Some(notes), Some(path)) => {
            let secret = keyfile::read_exchange_key(path)?;
            let ledger = location.open_ledger().await?;
            let keys = {
                let register = ledger.rules();
                notes_recipients(&register, args.person, &secret)
            };
            ledger.close().await;
            Some(seal(notes.as_bytes(), &keys?)?)
        }
        _ => None,
    };
    let body = Body::ExchangeInterview(ExchangeInterview {
        project,
        person: args.person,
        identity_confirmed: args.identity_confirmed,
        consents: args.consents,
        destination_agreed: args.destination_agreed,
        fit_to_travel: args.fit_to_travel,
        sealed_notes,
    });
    sign_and_append(location, &args.key, body).await?;
    Ok(())
}

fn notes_recipients(
    register: &Register,
    person: PersonRef,
    secret: &ExchangeSecret,
) -> Result<Vec<truce_model::PublicKeyBytes>> {
    let mut keys = register.intermediary_keys();
    if !keys.contains(&secret.public()) {
        bail!("this exchange key is not an intermediary's published key");
    }
    let list = register
        .exchange_list(person.list)
        .with_context(|| format!("there is no list {}", person.list))?;
    if let Some(submitter) = register.exchange_key_of(&list.submitted_by) {
        keys.push(submitter.key);
    }
    Ok(keys)
}

async fn release(location: &Location, args: ReleaseArgs) -> Result<()> {
    let body = Body::ExchangeRelease(ExchangeRelease {
        project: crate::decide::parse_decision_id(&args.project)?,
        released_at: args.at.unwrap_or_else(Timestamp::now),
        persons: args.persons,
    });
    sign_and_append(location, &args.key, body).await?;
    Ok(())
}

async fn projects(location: &Location, args: JsonArg) -> Result<()> {
    let ledger = location.open_ledger().await?;
    let projects = truce_query::exchange_projects(&ledger.rules(), Timestamp::now());
    ledger.close().await;
    for project in projects {
        if args.json {
            println!("{}", serde_json::to_string(&project)?);
            continue;
        }
        println!(
            "Exchange {} ({}) at {} on {}: {}, {} of {} released",
            project.number,
            project.decision,
            project.place,
            project.date,
            project.status,
            project.released,
            project.persons.len()
        );
        for person in &project.persons {
            let state = match (&person.released_at, person.status.as_str()) {
                (Some(at), _) => format!("released {at}"),
                (None, "cleared") => "interviewed, cleared".into(),
                (None, "not_cleared") => "interviewed, NOT cleared".into(),
                _ => "awaiting interview".into(),
            };
            println!(
                "    {:<10} {:<9} held by {:<24} {state}",
                person.person, person.category, person.held_by
            );
        }
    }
    Ok(())
}
