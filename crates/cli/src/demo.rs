//! `truce demo`: a Record for the Astana mechanism as the public record
//! describes it — Russia, Turkey and Iran as guarantors, UN experts as
//! observers — with a few statements, witness cosignatures and a full check.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use jiff::Timestamp;
use truce_exchange::{seal_list_in_parts, ExchangeSecret, ListContents};
use truce_model::{
    DecisionId, DecisionProposed, DecisionType, DecisionVote, DocumentApproved, DocumentVersion,
    ExchangeInterview, ExchangeKeyPublished, ExchangeMatch, ExchangeRelease, ExchangeSpec,
    FoundingMember, Handle, KeyRotated, ListDirection, ListId, MatchVerdict, MeetingStatus,
    MemberName, Note, Party, PersonRef, Role, Vote, Witness,
};
use truce_record::{Body, CheckpointSigner, Cosigner, MemberKey, Statement};
use truce_store::Ledger;
use truce_testkit::Rng;

use crate::commands::{self, LogArgs, VerifyArgs};
use crate::demo_data;
use crate::keyfile;
use crate::mechanism::MechanismFile;
use crate::node::{new_register, Location};

#[derive(Args)]
pub struct DemoArgs {
    /// Days of generated reports before today.
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(i64).range(1..=365))]
    days: i64,
    /// Build (or check) the demo Record and exit instead of serving it.
    #[arg(long)]
    no_serve: bool,
    #[command(flatten)]
    serve: crate::serve::ServeArgs,
}

struct DemoMember {
    name: &'static str,
    party: &'static str,
    role: Role,
}

const MEMBERS: [DemoMember; 6] = [
    DemoMember {
        name: "secretariat",
        party: "Joint secretariat of the mechanism",
        role: Role::Operator,
    },
    DemoMember {
        name: "ru-monitor-1",
        party: "Russian Federation",
        role: Role::GuarantorMember,
    },
    DemoMember {
        name: "tr-monitor-1",
        party: "Republic of Türkiye",
        role: Role::GuarantorMember,
    },
    DemoMember {
        name: "ir-monitor-1",
        party: "Islamic Republic of Iran",
        role: Role::GuarantorMember,
    },
    DemoMember {
        name: "un-expert-1",
        party: "United Nations",
        role: Role::Observer,
    },
    DemoMember {
        name: "icrc-delegate-1",
        party: "International Committee of the Red Cross",
        role: Role::Intermediary,
    },
];

const WITNESSES: [(&str, &str); 3] = [
    ("ru-witness", "Russian Federation"),
    ("tr-witness", "Republic of Türkiye"),
    ("ir-witness", "Islamic Republic of Iran"),
];

pub async fn run(location: &Location, mut args: DemoArgs) -> Result<ExitCode> {
    if location.node_key_path().exists() {
        println!(
            "A Record already exists in {}; checking and listing it.\n",
            location.data_dir.display()
        );
    } else {
        let _writing = location.lock_for_writing()?;
        build(location, args.days).await?;
    }
    // The guarantors' witnesses run as services (here in this process, on
    // loopback, each with its own state); the node pushes its checkpoint.
    let witnesses = start_witnesses(location).await?;
    cosign_by_services(location, &witnesses).await?;
    let verified = commands::verify(location, VerifyArgs { json: false }).await?;
    println!();
    commands::log(
        location,
        LogArgs {
            from: 0,
            limit: 12,
            kind: None,
            json: false,
        },
    )
    .await?;
    println!("  …\n");
    crate::register::print_latest_bulletin(location).await?;
    println!(
        "\nKeys of the demo members are in {}.",
        keys_dir(location).display()
    );
    println!("Try: {} proof inclusion 3", location.command_line());
    if args.no_serve || verified != ExitCode::SUCCESS {
        return Ok(verified);
    }
    println!();
    args.serve
        .witnesses
        .extend(witnesses.iter().map(|(name, url)| format!("{name}={url}")));
    crate::serve::serve(location, args.serve).await
}

fn keys_dir(location: &Location) -> std::path::PathBuf {
    location.data_dir.join("demo-keys")
}

async fn build(location: &Location, days: i64) -> Result<()> {
    let dir = keys_dir(location);
    let keys: Vec<MemberKey> = MEMBERS.iter().map(|_| MemberKey::generate()).collect();
    for (member, key) in MEMBERS.iter().zip(&keys) {
        keyfile::write_member_key(&dir.join(format!("{}.key", member.name)), key, true)?;
    }
    let mut witnesses = Vec::new();
    for (name, party) in WITNESSES {
        let cosigner = Cosigner::generate(name)?;
        keyfile::write_witness_key(&dir.join(format!("{name}.key")), &cosigner, true)?;
        witnesses.push(Witness {
            party: Party::new(party)?,
            verifier_key: cosigner.verifier_key(),
        });
    }
    let founder = |i: usize| -> Result<FoundingMember> {
        Ok(FoundingMember {
            member: MemberName::new(MEMBERS[i].name)?,
            party: Party::new(MEMBERS[i].party)?,
            role: MEMBERS[i].role,
            public_key: keys[i].public_key(),
        })
    };
    let mechanism = MechanismFile {
        name: "Astana ceasefire mechanism (Syria), demo".into(),
        origin: Some("truce.demo/astana".into()),
        witness_quorum: 2,
        operator: founder(0)?,
        members: (1..MEMBERS.len()).map(founder).collect::<Result<_>>()?,
        witnesses,
        register: None,
    };
    let signer = CheckpointSigner::generate(&mechanism.origin())?;
    let genesis = mechanism.genesis(signer.verifier_key())?;
    keyfile::write_secret(
        &location.node_key_path(),
        &format!("{}\n", signer.secret()),
        false,
    )?;
    let ledger = Ledger::open_with(location.open_store().await?, signer, new_register()).await?;
    let mut script = Script {
        ledger: &ledger,
        keys,
        seqs: [0; 6],
    };
    script.say(0, Body::Genesis(genesis)).await?;
    for (who, text) in NOTES_BEFORE_ROTATION {
        script.note(who, text).await?;
    }
    let second_monitor = MemberKey::generate();
    keyfile::write_member_key(&dir.join("ru-monitor-2.key"), &second_monitor, true)?;
    script
        .say(
            0,
            Body::MemberAdmitted(FoundingMember {
                member: MemberName::new("ru-monitor-2")?,
                party: Party::new("Russian Federation")?,
                role: Role::GuarantorMember,
                public_key: second_monitor.public_key(),
            }),
        )
        .await?;
    let new_key = MemberKey::generate();
    script
        .say(
            2,
            Body::KeyRotated(KeyRotated {
                new_public_key: new_key.public_key(),
            }),
        )
        .await?;
    keyfile::write_member_key(&dir.join("tr-monitor-1.key"), &new_key, true)?;
    script.keys[2] = new_key;
    script
        .note(2, "Key rotated after the Tehran meeting; statements signed with the earlier key stay valid.")
        .await?;
    script
        .note(5, "Ready to act as the neutral intermediary for the exchange of detainees and abductees: lists are to be encrypted to the intermediary's key.")
        .await?;
    build_register(&mut script, days).await?;
    build_decisions(&mut script).await?;
    build_exchange(&mut script, &dir).await?;
    build_agreements(&mut script, &location.data_dir).await?;
    crate::demo_cases::build(&mut script, &location.data_dir).await?;
    ledger.close().await;
    write_mechanism_file(&dir, &mechanism)?;
    Ok(())
}

/// Formations, then four weeks of reports from the three guarantors, some
/// seen by two of them, and the others' assessments.
async fn build_register(script: &mut Script<'_>, days: i64) -> Result<()> {
    use jiff::ToSpan;
    let today = jiff::Zoned::now().date();
    let first_day = today.checked_sub(days.days())?;
    let designation_day = first_day.checked_add((days / 2).days())?;
    for body in demo_data::formation_statements(designation_day) {
        script.say(1, body).await?;
    }
    let mut rng = Rng::new(20_170_504);
    let mut day = first_day;
    while day < today {
        for report in demo_data::reports_for_day(&mut rng, day, 3) {
            let filer = 1 + report.guarantor;
            let position = script
                .say(filer, demo_data::filed(report.fields.clone()))
                .await?;
            let mut seen_by = vec![report.guarantor];
            if let Some(other) = report.also_seen_by {
                let again = demo_data::seen_again(&mut rng, &report.fields);
                script.say(1 + other, demo_data::filed(again)).await?;
                seen_by.push(other);
            }
            for assessor in (0..3).filter(|g| !seen_by.contains(g)) {
                let id = truce_model::ReportId(position);
                if let Some(body) = demo_data::assessment_of(&mut rng, id, &report.fields) {
                    script.say(1 + assessor, body).await?;
                }
            }
        }
        day = day.tomorrow()?;
    }
    Ok(())
}

/// Two decisions of the guarantors, deadlines a month ahead: a measure all
/// three endorse (adopted), and a designation one of them objects to
/// (rejected under unanimity, the objection kept as dissent).
async fn build_decisions(script: &mut Script<'_>) -> Result<()> {
    use jiff::ToSpan;
    let deadline = jiff::Zoned::now()
        .checked_add(1.month())?
        .timestamp()
        .round(jiff::Unit::Second)?;
    for (proposer, proposal, votes) in demo_data::decisions(deadline) {
        let id = DecisionId(script.say(1 + proposer, proposal).await?);
        for (voter, vote, reason) in votes {
            script
                .say(
                    1 + voter,
                    Body::DecisionVote(DecisionVote {
                        decision: id,
                        vote,
                        reason: reason.into(),
                    }),
                )
                .await?;
        }
    }
    Ok(())
}

pub(crate) const RU: usize = 1;
pub(crate) const TR: usize = 2;
pub(crate) const IR: usize = 3;
const ICRC: usize = 5;

/// An exchange from lists to release: Türkiye seeks 200 persons, Russia
/// lists 300 held (generated, with the other side's spellings), the
/// intermediary matches them on its own machine and confirms what it checks,
/// the guarantors adopt exchange 1, and the cleared persons are released
/// together. The exchange keys are written beside the member keys.
async fn build_exchange(script: &mut Script<'_>, dir: &Path) -> Result<()> {
    use truce_exchange::matching::{match_persons, MatchOptions};
    use truce_testkit::persons::test_set;
    let secrets: Vec<(usize, ExchangeSecret)> = [ICRC, RU, TR]
        .into_iter()
        .map(|who| (who, ExchangeSecret::generate()))
        .collect();
    for (who, secret) in &secrets {
        let path = dir.join(format!("{}.xkey", MEMBERS[*who].name));
        keyfile::write_exchange_key(&path, secret, true)?;
        let key = secret.public();
        script
            .say(
                *who,
                Body::ExchangeKeyPublished(ExchangeKeyPublished { key }),
            )
            .await?;
    }
    let secret_of = |who: usize| &secrets.iter().find(|(w, _)| *w == who).expect("a key").1;
    let set = test_set(300, 200, 0.6, 20_170_504);
    let this_year = jiff::Zoned::now().year();
    let mut submit = async |who: usize,
                            persons: &[truce_exchange::Person],
                            direction,
                            reference: &str|
           -> Result<Vec<(ListId, usize)>> {
        let contents = ListContents {
            persons: persons.to_vec(),
        };
        let recipients = [secret_of(ICRC).public(), secret_of(who).public()];
        let parts = seal_list_in_parts(
            &contents,
            reference,
            direction,
            secret_of(who),
            &recipients,
            this_year,
        )?;
        let mut lists = Vec::with_capacity(parts.len());
        for part in parts {
            let at = script
                .say(who, Body::ExchangeListSubmitted(part.body))
                .await?;
            lists.push((ListId(at), part.first));
        }
        Ok(lists)
    };
    // A person by their place in the whole list, as the part that holds them names it.
    let person = |parts: &[(ListId, usize)], index: usize| {
        let (list, first) = parts
            .iter()
            .rev()
            .find(|(_, first)| *first <= index)
            .copied()
            .expect("the first part starts at 0");
        PersonRef {
            list,
            entry: (index - first) as u32 + 1,
        }
    };
    let sought = submit(TR, &set.sought, ListDirection::Sought, "TR-2026-07").await?;
    let held = submit(RU, &set.held, ListDirection::Held, "RU-2026-11").await?;

    // The intermediary checks the likely candidates by hand; here the
    // generated truth stands in for its interviews and documents.
    let candidates = match_persons(&set.sought, &set.held, &MatchOptions::default());
    let mut confirmed = Vec::new();
    for candidate in candidates.iter().filter(|c| c.likely).take(16) {
        let verdict = if set.truth[candidate.sought] == Some(candidate.held) {
            confirmed.push(person(&held, candidate.held));
            MatchVerdict::Confirmed
        } else {
            MatchVerdict::Rejected
        };
        let decided = ExchangeMatch {
            sought: person(&sought, candidate.sought),
            held: person(&held, candidate.held),
            verdict,
            score: (candidate.score * 1000.0).round() as u16,
        };
        script.say(ICRC, Body::ExchangeMatch(decided)).await?;
    }
    confirmed.sort();
    confirmed.dedup();
    let project = propose_exchange(script, confirmed.clone()).await?;
    for (i, person) in confirmed.iter().enumerate() {
        // One person does not consent to go; they stay open.
        let interview = ExchangeInterview {
            project,
            person: *person,
            identity_confirmed: true,
            consents: i != 2,
            destination_agreed: true,
            fit_to_travel: true,
            sealed_notes: None,
        };
        script.say(ICRC, Body::ExchangeInterview(interview)).await?;
    }
    let released: Vec<PersonRef> = confirmed
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, p)| *p)
        .collect();
    if !released.is_empty() {
        let release = ExchangeRelease {
            project,
            released_at: Timestamp::now(),
            persons: released,
        };
        script.say(ICRC, Body::ExchangeRelease(release)).await?;
    }
    Ok(())
}

async fn propose_exchange(script: &mut Script<'_>, persons: Vec<PersonRef>) -> Result<DecisionId> {
    use jiff::ToSpan;
    let deadline = jiff::Zoned::now()
        .checked_add(1.month())?
        .timestamp()
        .round(jiff::Unit::Second)?;
    let proposal = DecisionProposed {
        decision_type: DecisionType::Exchange,
        title: "Exchange 1: simultaneous release at Abu al-Zuhur".into(),
        text: "The guarantors agree to the simultaneous release of the persons listed, after the intermediary's interviews.".into(),
        deadline,
        references: vec![],
        measure: None,
        agreement: None,
        status: None,
        criteria: None,
        parameters: None,
        exchange: Some(ExchangeSpec {
            number: 1,
            place: "Abu al-Zuhur crossing".into(),
            date: jiff::Zoned::now().date(),
            persons,
        }),
    };
    let project = DecisionId(script.say(RU, Body::DecisionProposed(proposal)).await?);
    for voter in [TR, IR] {
        let vote = DecisionVote {
            decision: project,
            vote: Vote::Endorse,
            reason: String::new(),
        };
        script.say(voter, Body::DecisionVote(vote)).await?;
    }
    Ok(project)
}

/// The memorandum's clauses and the Idlib area (adopted by all three), the
/// expert meeting in Tehran with UN observers and the next one scheduled,
/// and a draft of the ceasefire regulations in two versions, the second
/// approved by two guarantors so far.
async fn build_agreements(script: &mut Script<'_>, data_dir: &Path) -> Result<()> {
    use jiff::ToSpan;
    let today = jiff::Zoned::now().date();
    let agreement = demo_data::memorandum();
    let adopted = propose_and_adopt(
        script,
        DecisionType::Agreement,
        "Memorandum on de-escalation areas",
        Some(agreement),
        vec![],
    )
    .await?;
    propose_and_adopt(
        script,
        DecisionType::Criteria,
        "Criteria of the ceasefire regime",
        None,
        vec![],
    )
    .await?;
    let held = script
        .say(
            0,
            demo_data::meeting(
                MeetingStatus::Held,
                today.checked_sub(6.days())?,
                "Tehran",
                None,
            ),
        )
        .await?;
    let next = today.checked_add(8.days())?;
    script
        .say(
            0,
            demo_data::meeting(MeetingStatus::Scheduled, next, "Tehran", None),
        )
        .await?;
    let mut versions = Vec::new();
    for (draft, text) in demo_data::REGULATION_DRAFTS.iter().enumerate() {
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()));
        crate::agreements::keep_file(data_dir, &sha256, text.as_bytes())?;
        let version = DocumentVersion {
            document: Handle::new("ceasefire-regime")?,
            title: format!("Regulations of the ceasefire regime, draft {}", draft + 1),
            sha256: sha256.clone(),
            media_type: "text/markdown".into(),
            size: text.len() as u64,
            meeting: Some(held),
            note: String::new(),
        };
        script.say(0, Body::DocumentVersion(version)).await?;
        versions.push(sha256);
    }
    for who in [RU, TR] {
        let approval = DocumentApproved {
            document: Handle::new("ceasefire-regime")?,
            sha256: versions[1].clone(),
        };
        script.say(who, Body::DocumentApproved(approval)).await?;
    }
    let _ = propose_and_adopt(
        script,
        DecisionType::Document,
        "Next expert meeting one day before the Astana talks",
        None,
        vec![held, adopted.0],
    )
    .await?;
    Ok(())
}

async fn propose_and_adopt(
    script: &mut Script<'_>,
    decision_type: DecisionType,
    title: &str,
    agreement: Option<truce_model::AgreementSpec>,
    references: Vec<u64>,
) -> Result<DecisionId> {
    let criteria =
        (decision_type == DecisionType::Criteria).then(|| demo_data::CRITERIA.to_string());
    use jiff::ToSpan;
    let deadline = jiff::Zoned::now()
        .checked_add(1.month())?
        .timestamp()
        .round(jiff::Unit::Second)?;
    let proposal = DecisionProposed {
        decision_type,
        title: title.into(),
        text: format!("The guarantors adopt: {title}."),
        deadline,
        references,
        measure: None,
        exchange: None,
        agreement,
        status: None,
        criteria,
        parameters: None,
    };
    let id = DecisionId(script.say(RU, Body::DecisionProposed(proposal)).await?);
    for voter in [TR, IR] {
        let vote = DecisionVote {
            decision: id,
            vote: Vote::Endorse,
            reason: String::new(),
        };
        script.say(voter, Body::DecisionVote(vote)).await?;
    }
    Ok(id)
}

const NOTES_BEFORE_ROTATION: [(usize, &str); 4] = [
    (1, "Over the past 24 hours the Russian side registered 13 ceasefire violations: Damascus (4), Daraa (1), Latakia (4), Hama (4)."),
    (2, "Over the past 24 hours the Turkish side registered 19 ceasefire violations; in one case the fire targeted a group excluded from the ceasefire, the other cases could not be confirmed."),
    (3, "Expert-level meeting in Tehran: draft documents on the ceasefire regime and its implementation, and on the exchange of detainees and abductees, were discussed. Next expert meeting: 2 May, one day before the Astana talks."),
    (4, "A UN expert delegation attended the trilateral meetings in Tehran as observers and offered technical assistance."),
];

pub(crate) struct Script<'a> {
    ledger: &'a Ledger<truce_regime::Register>,
    keys: Vec<MemberKey>,
    seqs: [u64; 6],
}

impl Script<'_> {
    /// Appends a statement by member `who`; returns its position.
    pub(crate) async fn say(&mut self, who: usize, body: Body) -> Result<u64> {
        let key = &self.keys[who];
        let statement = Statement::new(key.key_id(), self.seqs[who], Timestamp::now(), body);
        let receipt = self.ledger.append(key.sign(&statement)).await?;
        self.seqs[who] += 1;
        Ok(receipt.position)
    }

    async fn note(&mut self, who: usize, text: &str) -> Result<()> {
        self.say(
            who,
            Body::Note(Note {
                text: text.into(),
                refers_to: vec![],
            }),
        )
        .await
        .map(|_| ())
    }
}

/// Starts the three witness services on 127.0.0.1 (any free port), each
/// with its key from the demo's keys and its own state directory; they run
/// until the process ends. Returns each witness's name and URL.
async fn start_witnesses(location: &Location) -> Result<Vec<(String, String)>> {
    let dir = keys_dir(location);
    let ledger = location.open_ledger().await?;
    let node_key = ledger
        .registry()
        .genesis()
        .map(|g| g.node_key.clone())
        .unwrap_or_default();
    ledger.close().await;
    let mut started = Vec::new();
    for (name, _) in WITNESSES {
        let cosigner = keyfile::read_witness_key(&dir.join(format!("{name}.key")))?;
        let state = location.data_dir.join("witness-state").join(name);
        let store = truce_witness::StateStore::open(&state).await?;
        let witness =
            truce_witness::Witness::new(cosigner, std::slice::from_ref(&node_key), store)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = truce_witness::router(std::sync::Arc::new(witness));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        started.push((name.to_string(), url));
    }
    Ok(started)
}

/// The node pushes its latest checkpoint to the witness services until a
/// quorum has cosigned it (each checks the consistency proof first).
async fn cosign_by_services(location: &Location, witnesses: &[(String, String)]) -> Result<()> {
    let writing = location.lock_for_writing()?;
    let ledger = std::sync::Arc::new(location.open_ledger_to_write(&writing).await?);
    let mut publisher =
        truce_client::Publisher::new(ledger.clone(), witnesses, &Default::default())?;
    for (name, outcome) in publisher.round().await {
        match outcome {
            truce_client::Outcome::Cosigned { size }
            | truce_client::Outcome::AlreadyCosigned { size } => {
                println!(
                    "{name} cosigned the checkpoint of size {size} (its service checked the proof)"
                )
            }
            truce_client::Outcome::Failed { reason } => println!("{name} did not cosign: {reason}"),
        }
    }
    drop(publisher);
    if let Ok(ledger) = std::sync::Arc::try_unwrap(ledger) {
        ledger.close().await;
    }
    println!();
    Ok(())
}

/// Leaves the demo's mechanism next to its keys, as an example to edit.
fn write_mechanism_file(dir: &Path, mechanism: &MechanismFile) -> Result<()> {
    let mut text = format!(
        "name = {:?}\norigin = {:?}\nwitness_quorum = {}\n\n",
        mechanism.name,
        mechanism.origin(),
        mechanism.witness_quorum
    );
    let member = |table: &str, m: &FoundingMember| {
        format!(
            "[{table}]\nmember = \"{}\"\nparty = {:?}\nrole = \"{}\"\npublic_key = \"{}\"\n\n",
            m.member,
            m.party.as_str(),
            m.role,
            m.public_key
        )
    };
    text.push_str(&member("operator", &mechanism.operator));
    for m in &mechanism.members {
        text.push_str(&member("[members]", m));
    }
    for w in &mechanism.witnesses {
        text.push_str(&format!(
            "[[witnesses]]\nparty = {:?}\nverifier_key = \"{}\"\n\n",
            w.party.as_str(),
            w.verifier_key
        ));
    }
    std::fs::write(dir.join("mechanism.toml"), text)?;
    Ok(())
}
