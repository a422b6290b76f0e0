//! The contract every backend keeps, run on a real SQLite file and a real
//! PostgreSQL database.

#[macro_use]
mod common;

use common::{founded, note, sign, Fixture};
use truce_model::{KeyRevoked, KeyRotated, MemberName};
use truce_record::{check_inclusion, Body, MemberKey, Rejection, SignedStatement};
use truce_store::{replay, AppendError, Ledger, SavedUse, Store};

fn refused(result: Result<truce_store::Receipt, AppendError>) -> Rejection {
    match result {
        Err(AppendError::Refused { rejection, .. }) => rejection,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn appends_survive_reopening(store: Store) {
    let fixture = Fixture::new();
    let ledger = founded(store.clone(), &fixture).await;
    let ru = &fixture.guarantors[0].key;
    for seq in 0..5 {
        let receipt = ledger
            .append(note(ru, seq, "shelling near Idlib"))
            .await
            .unwrap();
        assert_eq!(receipt.position, seq + 1);
    }
    let root = ledger.checkpoint().unwrap().root();
    ledger.close().await;
    // Every connection to a SQLite file is closed with the ledger, the
    // last of them moving the WAL into the database file: a copy of that
    // file alone is the whole Record.
    if let Store::Sqlite(pool, _) = &store {
        let mut wal = pool.connect_options().get_filename().as_os_str().to_owned();
        wal.push("-wal");
        let left = std::fs::metadata(&wal).map_or(0, |m| m.len());
        assert_eq!(left, 0, "{} left behind", wal.to_string_lossy());
    }

    let store = reopen(&store).await;
    let ledger = Ledger::open(store.clone(), fixture.signer()).await.unwrap();
    assert_eq!(ledger.size(), 6);
    assert_eq!(ledger.checkpoint().unwrap().root(), root);
    let receipt = ledger.append(note(ru, 5, "sixth")).await.unwrap();
    assert_eq!(receipt.position, 6);
    let report = replay(&store, &|_, _| {}).await.unwrap();
    assert_eq!(report.entries, 7);
    ledger.close().await;
}

/// An entry missing from the store is named by its position, and nothing
/// is opened: the last entry, then also one in the middle.
async fn a_missing_entry_stops_the_opening(store: Store) {
    let fixture = Fixture::new();
    let store = five_notes_reopened(&store, &fixture).await;
    for missing in [5, 3] {
        let delete = format!("DELETE FROM entries WHERE position = {missing}");
        match &store {
            Store::Sqlite(pool, _) => sqlx::query(&delete).execute(pool).await.map(drop),
            Store::Postgres(pool) => sqlx::query(&delete).execute(pool).await.map(drop),
        }
        .unwrap();
        let error = Ledger::open(store.clone(), fixture.signer())
            .await
            .err()
            .expect("a Record with a hole does not open")
            .to_string();
        assert!(
            error.contains(&format!("entry {missing} is missing")),
            "{error}"
        );
    }
}

mod a_missing_entry_stops_the_opening {
    use super::common;
    on_both_backends!(a_missing_entry_stops_the_opening);
}

/// Opening reads its own entries without encoding each again to compare:
/// an entry stored in other bytes that decode to the same statement (not
/// the canonical encoding) is still caught, by the root, and named.
async fn an_entry_in_other_bytes_stops_the_opening(store: Store) {
    let fixture = Fixture::new();
    let store = five_notes_reopened(&store, &fixture).await;
    let select = "SELECT statement FROM entries WHERE position = 3";
    let update = "UPDATE entries SET statement = $1 WHERE position = 3";
    let stored: Vec<u8> = match &store {
        Store::Sqlite(pool, _) => sqlx::query_scalar(select).fetch_one(pool).await,
        Store::Postgres(pool) => sqlx::query_scalar(select).fetch_one(pool).await,
    }
    .unwrap();
    // The same statement, with a space after its opening brace.
    let mut spaced = b"{ ".to_vec();
    spaced.extend_from_slice(&stored[1..]);
    truce_record::Statement::from_stored_bytes(&spaced).expect("still the same statement");
    match &store {
        Store::Sqlite(pool, _) => sqlx::query(update)
            .bind(&spaced)
            .execute(pool)
            .await
            .map(drop),
        Store::Postgres(pool) => sqlx::query(update)
            .bind(&spaced)
            .execute(pool)
            .await
            .map(drop),
    }
    .unwrap();
    let error = Ledger::open(store, fixture.signer())
        .await
        .err()
        .expect("a Record with a changed entry does not open")
        .to_string();
    assert!(
        error.contains("entry 3: its bytes do not hash to the leaf"),
        "{error}"
    );
}

mod an_entry_in_other_bytes_stops_the_opening {
    use super::common;
    on_both_backends!(an_entry_in_other_bytes_stops_the_opening);
}

/// Reading a whole Record in bulk (opening, `truce verify`) gives the
/// entries a page read gives, in order, wherever it starts and stops; a
/// missing entry is a gap in what it returns, as in a page.
async fn bulk_reads_are_page_reads(store: Store) {
    let fixture = Fixture::new();
    let store = five_notes_reopened(&store, &fixture).await;
    let ranges = [
        (0, 6),
        (0, 100),
        (2, 3),
        (5, 1),
        (6, 10),
        (0, 0),
        (u64::MAX, 5),
    ];
    for (from, limit) in ranges {
        let paged = store.entries(from, limit).await.unwrap();
        let bulk = store.entries_in_bulk(from, limit).await.unwrap();
        assert_eq!(bulk, paged, "entries {from}, at most {limit}");
    }
    assert_eq!(store.entries_in_bulk(0, 100).await.unwrap().len(), 6);
    let delete = "DELETE FROM entries WHERE position = 2";
    match &store {
        Store::Sqlite(pool, _) => sqlx::query(delete).execute(pool).await.map(drop),
        Store::Postgres(pool) => sqlx::query(delete).execute(pool).await.map(drop),
    }
    .unwrap();
    let positions: Vec<u64> = store
        .entries_in_bulk(0, 4)
        .await
        .unwrap()
        .iter()
        .map(|e| e.position)
        .collect();
    assert_eq!(positions, [0, 1, 3, 4]);
}

mod bulk_reads_are_page_reads {
    use super::common;
    on_both_backends!(bulk_reads_are_page_reads);
}

/// A read opens from the saved membership state and tree, replaying only
/// the entries after it, to the state a full replay derives; a saved state
/// that is damaged or of another Record costs a full replay, not a wrong
/// answer.
async fn a_saved_membership_state_spares_the_replay_of_its_entries(store: Store) {
    let fixture = Fixture::new();
    let saved_dir = tempfile::tempdir().unwrap();
    let saved = saved_dir.path().join("membership");
    let ledger = founded(store.clone(), &fixture).await;
    let ru = &fixture.guarantors[0].key;
    for seq in 0..3 {
        ledger
            .append(note(ru, seq, "shelling near Idlib"))
            .await
            .unwrap();
    }
    ledger.save_membership(&saved).unwrap();
    for seq in 3..5 {
        ledger.append(note(ru, seq, "calm in Hama")).await.unwrap();
    }
    ledger.close().await;
    let store = reopen(&store).await;

    let full = Ledger::open_reader(store.clone(), truce_record::NoRules)
        .await
        .unwrap();
    let (opened, used) = Ledger::open_saved(store.clone(), truce_record::NoRules, &saved)
        .await
        .unwrap();
    assert_eq!(
        used,
        SavedUse::Loaded {
            size: 4,
            replayed: 2
        }
    );
    assert_eq!(opened.size(), 6);
    assert_eq!(opened.registry().to_saved(), full.registry().to_saved());
    assert_eq!(opened.root_at(6).unwrap(), full.root_at(6).unwrap());
    for position in 0..6 {
        assert_eq!(opened.leaf_hash(position), full.leaf_hash(position));
    }
    // The next statement is admitted as after a full replay: the saved
    // state carried the member's sequence.
    assert_eq!(
        opened
            .registry()
            .member(&MemberName::new("ru-1").unwrap())
            .unwrap()
            .next_seq,
        5
    );

    // Saved again at the end, nothing is left to replay.
    opened.save_membership(&saved).unwrap();
    let (_, used) = Ledger::open_saved(store.clone(), truce_record::NoRules, &saved)
        .await
        .unwrap();
    assert_eq!(
        used,
        SavedUse::Loaded {
            size: 6,
            replayed: 0
        }
    );

    // One byte changed: the checksum no longer holds.
    let mut bytes = std::fs::read(&saved).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&saved, &bytes).unwrap();
    let (damaged, used) = Ledger::open_saved(store.clone(), truce_record::NoRules, &saved)
        .await
        .unwrap();
    assert!(
        matches!(&used, SavedUse::Derived { unused } if unused.contains("checksum")),
        "{used:?}"
    );
    assert_eq!(damaged.registry().to_saved(), full.registry().to_saved());

    // The saved state of another Record: its tree does not end at this
    // Record's checkpoint.
    let (other_store, _other_dir) = common::sqlite_store().await;
    let other_fixture = Fixture::new();
    let other = founded(other_store, &other_fixture).await;
    other
        .append(note(&other_fixture.guarantors[0].key, 0, "another Record"))
        .await
        .unwrap();
    other.save_membership(&saved).unwrap();
    other.close().await;
    let (refitted, used) = Ledger::open_saved(store.clone(), truce_record::NoRules, &saved)
        .await
        .unwrap();
    assert!(
        matches!(&used, SavedUse::Derived { unused } if unused.contains("does not fit")),
        "{used:?}"
    );
    assert_eq!(refitted.root_at(6).unwrap(), full.root_at(6).unwrap());

    // None saved.
    std::fs::remove_file(&saved).unwrap();
    let (_, used) = Ledger::open_saved(store, truce_record::NoRules, &saved)
        .await
        .unwrap();
    assert!(matches!(used, SavedUse::Derived { .. }));
}

mod a_saved_membership_state_spares_the_replay_of_its_entries {
    use super::common;
    on_both_backends!(a_saved_membership_state_spares_the_replay_of_its_entries);
}

/// A Record kept before the tree's hashes were stored a commit to a row
/// (a row for each hash) opens, after its migration, as the same Record.
async fn tree_hashes_kept_a_row_each_are_gathered_by_the_migration(store: Store) {
    let fixture = Fixture::new();
    let store = five_notes_reopened(&store, &fixture).await;
    let hashes = store.tree_hashes().await.unwrap();
    // A tree of n leaves stores 2n hashes less one per bit set in n.
    assert_eq!(hashes.len(), 2 * 6 - 2);
    assert!(hashes
        .iter()
        .enumerate()
        .all(|(at, (index, _))| *index == at as u64));
    // The layout of migration 2, with this Record's hashes in it.
    let (blob, sqlite) = match &store {
        Store::Sqlite(..) => ("BLOB", true),
        Store::Postgres(_) => ("BYTEA", false),
    };
    let mut undo = vec![
        format!("CREATE TABLE tree_hashes (stored_index BIGINT PRIMARY KEY, hash {blob} NOT NULL)"),
        "DROP TABLE tree_hash_runs".to_string(),
        "DELETE FROM _sqlx_migrations WHERE version = 3".to_string(),
    ];
    for (index, hash) in &hashes {
        let hex: String = hash.0.iter().map(|b| format!("{b:02x}")).collect();
        let literal = if sqlite {
            format!("X'{hex}'")
        } else {
            format!("'\\x{hex}'::bytea")
        };
        undo.push(format!(
            "INSERT INTO tree_hashes (stored_index, hash) VALUES ({index}, {literal})"
        ));
    }
    for statement in &undo {
        match &store {
            Store::Sqlite(pool, _) => sqlx::query(statement).execute(pool).await.map(drop),
            Store::Postgres(pool) => sqlx::query(statement).execute(pool).await.map(drop),
        }
        .unwrap();
    }
    let store = reopen(&store).await;
    assert_eq!(store.tree_hashes().await.unwrap(), hashes);
    let ledger = Ledger::open(store.clone(), fixture.signer()).await.unwrap();
    let ru = &fixture.guarantors[0].key;
    ledger.append(note(ru, 5, "sixth")).await.unwrap();
    let report = replay(&store, &|_, _| {}).await.unwrap();
    assert_eq!(report.entries, 7);
    assert_eq!(store.tree_hashes().await.unwrap().len(), 2 * 7 - 3);
    ledger.close().await;
}

mod tree_hashes_kept_a_row_each_are_gathered_by_the_migration {
    use super::common;
    on_both_backends!(tree_hashes_kept_a_row_each_are_gathered_by_the_migration);
}

/// A Record of the genesis and five notes, closed, and the store opened
/// again on a new connection, to be changed underneath.
async fn five_notes_reopened(store: &Store, fixture: &Fixture) -> Store {
    let ledger = founded(store.clone(), fixture).await;
    let ru = &fixture.guarantors[0].key;
    for seq in 0..5 {
        ledger
            .append(note(ru, seq, "shelling near Idlib"))
            .await
            .unwrap();
    }
    ledger.close().await;
    reopen(store).await
}

/// A second connection to the same database, as a restarted node would open.
async fn reopen(store: &Store) -> Store {
    match store {
        Store::Sqlite(pool, _) => {
            let path = pool.connect_options().get_filename().to_path_buf();
            pool.close().await;
            Store::open_sqlite(&path).await.unwrap()
        }
        Store::Postgres(pool) => {
            let options = pool.connect_options();
            let url = format!(
                "postgres://{}@{}:{}/{}",
                options.get_username(),
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap()
            );
            Store::open_postgres(&url).await.unwrap()
        }
    }
}

mod appends_survive_reopening {
    use super::common;
    on_both_backends!(appends_survive_reopening);
}

async fn every_bad_statement_is_refused_and_nothing_is_stored(store: Store) {
    let fixture = Fixture::new();
    let ledger = founded(store.clone(), &fixture).await;
    let ru = &fixture.guarantors[0].key;
    ledger.append(note(ru, 0, "first")).await.unwrap();
    let before = store.size().await.unwrap();

    // Forged signature: the bytes of one statement, the signature of another.
    let genuine = note(ru, 1, "genuine");
    let other = note(ru, 1, "other");
    let forged = SignedStatement::new(genuine.bytes().to_vec(), *other.signature());
    assert!(matches!(
        ledger.append(forged).await,
        Err(AppendError::Refused {
            rejection: Rejection::BadSignature(_),
            ..
        })
    ));
    // Replayed and skipped sequence numbers.
    assert!(matches!(
        refused(ledger.append(note(ru, 0, "again")).await),
        Rejection::Sequence {
            expected: 1,
            got: 0,
            ..
        }
    ));
    assert!(matches!(
        refused(ledger.append(note(ru, 2, "skipped one")).await),
        Rejection::Sequence {
            expected: 1,
            got: 2,
            ..
        }
    ));
    // Unknown key.
    let stranger = MemberKey::generate();
    assert!(matches!(
        refused(ledger.append(note(&stranger, 0, "hello")).await),
        Rejection::UnknownKey(_)
    ));
    // Wrong role: an observer may not admit members.
    let observer = &fixture.observer.key;
    let admit = Body::MemberAdmitted(truce_model::FoundingMember {
        member: MemberName::new("new-monitor").unwrap(),
        party: truce_model::Party::new("Russian Federation").unwrap(),
        role: truce_model::Role::GuarantorMember,
        public_key: MemberKey::generate().public_key(),
    });
    assert!(matches!(
        refused(ledger.append(sign(observer, 0, admit)).await),
        Rejection::RoleMayNot { .. }
    ));
    // Non-canonical bytes, signed properly.
    let canonical = note(ru, 1, "spaced").bytes().to_vec();
    let mut spaced = b" ".to_vec();
    spaced.extend_from_slice(&canonical);
    let signature = ru.sign_bytes(&spaced);
    assert!(matches!(
        ledger.append(SignedStatement::new(spaced, signature)).await,
        Err(AppendError::Undecodable(_))
    ));
    // A second genesis.
    assert!(matches!(
        refused(ledger.append(fixture.genesis()).await),
        Rejection::UnknownKey(_) | Rejection::GenesisAgain | Rejection::Sequence { .. }
    ));
    assert_eq!(store.size().await.unwrap(), before);
    assert_eq!(ledger.size(), before);
    ledger.close().await;
}

mod every_bad_statement_is_refused_and_nothing_is_stored {
    use super::common;
    on_both_backends!(every_bad_statement_is_refused_and_nothing_is_stored);
}

async fn rotated_and_revoked_keys_stop_signing(store: Store) {
    let fixture = Fixture::new();
    let ledger = founded(store.clone(), &fixture).await;
    let tr = &fixture.guarantors[1].key;
    let new_key = MemberKey::generate();
    let rotation = Body::KeyRotated(KeyRotated {
        new_public_key: new_key.public_key(),
    });
    ledger.append(sign(tr, 0, rotation)).await.unwrap();
    assert!(matches!(
        refused(ledger.append(note(tr, 1, "old key")).await),
        Rejection::RotatedKey { .. }
    ));
    // The sequence continues per member across the rotation.
    ledger.append(note(&new_key, 1, "new key")).await.unwrap();

    let revocation = Body::KeyRevoked(KeyRevoked {
        member: fixture.guarantors[1].name.clone(),
        public_key: new_key.public_key(),
        reason: "device lost at the border crossing".into(),
    });
    ledger
        .append(sign(&fixture.operator.key, 1, revocation))
        .await
        .unwrap();
    assert!(matches!(
        refused(ledger.append(note(&new_key, 2, "after revocation")).await),
        Rejection::RevokedKey { .. }
    ));
    let report = replay(&store, &|_, _| {}).await.unwrap();
    assert_eq!(report.entries, 4);
    ledger.close().await;
}

mod rotated_and_revoked_keys_stop_signing {
    use super::common;
    on_both_backends!(rotated_and_revoked_keys_stop_signing);
}

async fn concurrent_appends_share_commits(store: Store) {
    let fixture = Fixture::new();
    let ledger = std::sync::Arc::new(founded(store.clone(), &fixture).await);
    let per_member = 300u64;
    let mut tasks = Vec::new();
    for member in 0..3 {
        let ledger = ledger.clone();
        let key = MemberKey::from_seed(fixture.guarantors[member].key.seed());
        tasks.push(tokio::spawn(async move {
            // Pipelined: every statement is sent before the earlier ones are
            // acknowledged, and the queue keeps each member's order.
            let mut pending = Vec::new();
            for seq in 0..per_member {
                let statement = note(&key, seq, &format!("report {seq} of member {member}"));
                pending.push(ledger.submit(statement).await.unwrap());
            }
            let mut receipts = Vec::new();
            for queued in pending {
                receipts.push(queued.durable().await.unwrap());
            }
            receipts
        }));
    }
    let mut positions = Vec::new();
    for task in tasks {
        positions.extend(task.await.unwrap().into_iter().map(|r| r.position));
    }
    positions.sort();
    assert_eq!(positions, (1..=3 * per_member).collect::<Vec<_>>());
    let checkpoints = store.checkpoints().await.unwrap().len() as u64;
    assert!(
        checkpoints < 3 * per_member + 1,
        "{checkpoints} commits for {} statements: no grouping",
        3 * per_member
    );
    let report = replay(&store, &|_, _| {}).await.unwrap();
    assert_eq!(report.entries, 3 * per_member + 1);
    assert_eq!(report.checkpoints, checkpoints);
    let ledger = std::sync::Arc::into_inner(ledger).unwrap();
    ledger.close().await;
}

mod concurrent_appends_share_commits {
    use super::common;
    on_both_backends!(concurrent_appends_share_commits);
}

/// Signatures are checked on threads of their own ahead of the writer:
/// forged statements among many pipelined ones are refused, and the rest
/// reach the writer in the order they were sent.
async fn forgeries_among_pipelined_statements_are_refused_in_order(store: Store) {
    let fixture = Fixture::new();
    let ledger = founded(store.clone(), &fixture).await;
    let key = &fixture.guarantors[0].key;
    let mut pending = Vec::new();
    for seq in 0..400u64 {
        if seq % 37 == 5 {
            // The bytes of this statement under the signature of another.
            let other = note(key, seq, "other words");
            let genuine = note(key, seq, &format!("report {seq}"));
            let forged = SignedStatement::new(genuine.bytes().to_vec(), *other.signature());
            pending.push((true, ledger.submit(forged).await.unwrap()));
        }
        let statement = note(key, seq, &format!("report {seq}"));
        pending.push((false, ledger.submit(statement).await.unwrap()));
    }
    let mut positions = Vec::new();
    for (forged, queued) in pending {
        let answer = queued.durable().await;
        if forged {
            assert!(
                matches!(
                    answer,
                    Err(AppendError::Refused {
                        rejection: Rejection::BadSignature(_),
                        ..
                    })
                ),
                "a forged statement was answered {answer:?}"
            );
        } else {
            positions.push(answer.unwrap().position);
        }
    }
    assert_eq!(positions, (1..=400).collect::<Vec<_>>());
    let report = replay(&store, &|_, _| {}).await.unwrap();
    assert_eq!(report.entries, 401);
    ledger.close().await;
}

mod forgeries_among_pipelined_statements_are_refused_in_order {
    use super::common;
    on_both_backends!(forgeries_among_pipelined_statements_are_refused_in_order);
}

async fn inclusion_proofs_check_against_the_checkpoint(store: Store) {
    let fixture = Fixture::new();
    let ledger = founded(store.clone(), &fixture).await;
    let ir = &fixture.guarantors[2].key;
    for seq in 0..20 {
        ledger
            .append(note(ir, seq, "movement of forces"))
            .await
            .unwrap();
    }
    let checkpoint = ledger.checkpoint().unwrap();
    for position in 0..checkpoint.size() {
        let proof = ledger.prove_inclusion(position, checkpoint.size()).unwrap();
        let leaf = ledger.leaf_hash(position).unwrap();
        check_inclusion(&proof, checkpoint.size(), checkpoint.root(), position, leaf).unwrap();
    }
    assert!(ledger.prove_inclusion(0, checkpoint.size() + 1).is_err());
    ledger.close().await;
}

mod inclusion_proofs_check_against_the_checkpoint {
    use super::common;
    on_both_backends!(inclusion_proofs_check_against_the_checkpoint);
}

/// A node that colludes with a member: it admits a vote claiming a time
/// before the deadline although the witnesses had cosigned the Record
/// without it after the deadline, and a note claiming a time long before
/// the witnesses saw the Record without it. `replay` names both.
async fn witnessed_times_bound_claimed_times(store: Store) {
    use jiff::{SignedDuration, Timestamp};
    use truce_model::{DecisionId, DecisionProposed, DecisionType, DecisionVote, Vote};
    let fixture = Fixture::new();
    let ledger = founded(store.clone(), &fixture).await;
    let [ru, tr, ir] = [0, 1, 2].map(|i| &fixture.guarantors[i].key);
    let now = Timestamp::now();
    let deadline = now + SignedDuration::from_secs(60);
    let at = |key: &truce_record::MemberKey, seq, time, body| {
        key.sign(&truce_record::Statement::new(key.key_id(), seq, time, body))
    };
    let proposal = ledger
        .append(at(
            ru,
            0,
            now,
            Body::DecisionProposed(DecisionProposed {
                decision_type: DecisionType::Other,
                title: "Joint patrols".into(),
                text: "The guarantors decide on joint patrols.".into(),
                deadline,
                references: vec![],
                measure: None,
                exchange: None,
                agreement: None,
                status: None,
                criteria: None,
                parameters: None,
            }),
        ))
        .await
        .unwrap();
    // Two witnesses cosign the Record as it stands two minutes after the
    // deadline: within the clock skew of the vote's claimed time, so only
    // the deadline rule can tell.
    let witnessed = (deadline + SignedDuration::from_secs(120)).as_second() as u64;
    cosign_by_two(&ledger, &fixture, witnessed).await;
    let vote = Body::DecisionVote(DecisionVote {
        decision: DecisionId(proposal.position),
        vote: Vote::Endorse,
        reason: "backdated".into(),
    });
    let backdated = deadline - SignedDuration::from_secs(15);
    let vote = ledger.append(at(tr, 0, backdated, vote)).await.unwrap();
    cosign_by_two(&ledger, &fixture, witnessed + 1).await;
    let problem = replay(&store, &|_, _| {}).await.unwrap_err().to_string();
    assert!(
        problem.starts_with(&format!("entry {}:", vote.position)),
        "{problem}"
    );
    assert!(problem.contains("after its deadline"), "{problem}");
    ledger.close().await;

    // The same with a note claiming a time an hour before the Record was
    // seen without it: outside the 300 s skew.
    let fixture = Fixture::new();
    let (store, _dir) = common::sqlite_store().await;
    let ledger = founded(store.clone(), &fixture).await;
    let ir_key = &fixture.guarantors[2].key;
    let later = (Timestamp::now() + SignedDuration::from_hours(2)).as_second() as u64;
    cosign_by_two(&ledger, &fixture, later).await;
    let note_at = ledger
        .append(at(
            ir_key,
            0,
            Timestamp::now(),
            Body::Note(truce_model::Note {
                text: "backdated by the node's friend".into(),
                refers_to: vec![],
            }),
        ))
        .await
        .unwrap();
    let problem = replay(&store, &|_, _| {}).await.unwrap_err().to_string();
    assert!(
        problem.starts_with(&format!("entry {}:", note_at.position)),
        "{problem}"
    );
    assert!(problem.contains("before the witnesses saw"), "{problem}");
    let _ = ir;
    ledger.close().await;
}

/// Two of the three witnesses cosign the ledger's latest checkpoint at `when`.
async fn cosign_by_two(ledger: &Ledger, fixture: &Fixture, when: u64) {
    let checkpoint = ledger.checkpoint().unwrap();
    for witness in &fixture.witnesses[..2] {
        let line = witness.cosign(&checkpoint, when);
        ledger
            .store()
            .add_cosignature(checkpoint.size(), witness.name(), &line)
            .await
            .unwrap();
    }
}

mod witnessed_times_bound_claimed_times {
    use super::common;
    on_both_backends!(witnessed_times_bound_claimed_times);
}

/// Counts the notes in the Record: the least state a reader can hold.
#[derive(Debug, Clone, Default)]
struct NoteCount(u64);

impl truce_record::Rules for NoteCount {
    fn check(
        &self,
        _: &truce_record::Context<'_>,
        _: &truce_record::Statement,
    ) -> Result<(), Rejection> {
        Ok(())
    }

    fn apply(&mut self, _: &truce_record::Context<'_>, statement: &truce_record::Statement) {
        if matches!(statement.body, Body::Note(_)) {
            self.0 += 1;
        }
    }

    fn fresh(&self) -> Self {
        Self::default()
    }
}

/// A reader holds the rules' state as long as it likes: appends neither wait
/// for it nor change what it holds; the next reader sees them.
async fn readers_hold_snapshots_that_appends_do_not_wait_for(store: Store) {
    let fixture = Fixture::new();
    let ledger = Ledger::open_with(store.clone(), fixture.signer(), NoteCount::default())
        .await
        .unwrap();
    ledger.append(fixture.genesis()).await.unwrap();
    let ru = &fixture.guarantors[0].key;
    ledger.append(note(ru, 0, "first")).await.unwrap();
    let held = ledger.rules();
    assert_eq!(held.0, 1);
    for seq in 1..4 {
        tokio::time::timeout(
            std::time::Duration::from_secs(30),
            ledger.append(note(ru, seq, "while a reader holds the first")),
        )
        .await
        .expect("an append waited for a reader")
        .unwrap();
    }
    assert_eq!(held.0, 1, "a snapshot changed under its reader");
    assert_eq!(ledger.rules().0, 4);
    drop(held);
    ledger.close().await;

    // Opening again derives the same state from the store.
    let store = reopen(&store).await;
    let ledger = Ledger::open_reader(store, NoteCount::default())
        .await
        .unwrap();
    assert_eq!(ledger.rules().0, 4);
    ledger.close().await;
}

mod readers_hold_snapshots_that_appends_do_not_wait_for {
    use super::common;
    on_both_backends!(readers_hold_snapshots_that_appends_do_not_wait_for);
}

/// A new SQLite Record is made with pages of 16 KiB (fewer WAL frames per
/// group commit); one made with pages of 4 KiB keeps them, and appends.
#[tokio::test]
async fn sqlite_pages_are_set_when_the_file_is_made() {
    let page_size = |store: &Store| {
        let Store::Sqlite(pool, _) = store else {
            unreachable!("a SQLite store")
        };
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("PRAGMA page_size")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (store, _dir) = common::sqlite_store().await;
    assert_eq!(page_size(&store).await, 16_384);
    store.close().await;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truce.sqlite");
    {
        let older = rusqlite::Connection::open(&path).unwrap();
        older
            .execute_batch("PRAGMA page_size = 4096; CREATE TABLE made_before (x INTEGER);")
            .unwrap();
    }
    let store = Store::open_sqlite(&path).await.unwrap();
    assert_eq!(page_size(&store).await, 4_096);
    let fixture = Fixture::new();
    let ledger = founded(store.clone(), &fixture).await;
    let key = MemberKey::from_seed(fixture.guarantors[0].key.seed());
    ledger
        .append(note(&key, 0, "calm overnight"))
        .await
        .unwrap();
    assert_eq!(replay(&store, &|_, _| {}).await.unwrap().entries, 2);
    ledger.close().await;
}
