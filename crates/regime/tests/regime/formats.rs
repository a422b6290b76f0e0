//! A proposal in statement format version 2, its payload one field, is
//! read and decided as the same proposal in version 1.

use jiff::Timestamp;
use truce_model::{
    DecisionId, DecisionProposed, DecisionType, DecisionVote, FormationId, FormationRegistered,
    FormationStatus, Side, StatusSpec, Vote,
};
use truce_record::{Body, Statement};
use truce_regime::DecisionStatus;
use truce_testkit::{Mechanism, IR, RU, TR};

fn designation(formation: &FormationId) -> DecisionProposed {
    DecisionProposed {
        decision_type: DecisionType::Designation,
        title: "Designation".into(),
        text: "Outside the ceasefire from the new year.".into(),
        deadline: "2099-01-01T00:00:00Z".parse().unwrap(),
        references: vec![],
        measure: None,
        exchange: None,
        agreement: None,
        status: Some(StatusSpec {
            formation: formation.clone(),
            status: FormationStatus::Excluded,
            valid_from: "2026-01-01".parse().unwrap(),
        }),
        criteria: None,
        parameters: None,
    }
}

#[test]
fn a_designation_proposed_in_version_2_is_adopted_as_in_version_1() {
    let mut m = Mechanism::new();
    let formation = FormationId::new("jaysh-x").unwrap();
    m.say(
        RU,
        Body::FormationRegistered(FormationRegistered {
            formation: formation.clone(),
            name: "Jaysh X".into(),
            aliases: vec![],
            side: Side::Opposition,
        }),
    )
    .unwrap();
    let proposal = designation(&formation);
    let id = DecisionId(
        m.say_in(RU, 2, Body::DecisionProposed(proposal.clone()))
            .unwrap(),
    );
    let (_, signed) = m.admitted.last().unwrap();
    let written = Statement::from_bytes(signed.bytes()).unwrap();
    assert_eq!(written.v, 2);
    assert_eq!(written.body, Body::DecisionProposed(proposal.clone()));
    for who in [TR, IR] {
        let vote = Body::DecisionVote(DecisionVote {
            decision: id,
            vote: Vote::Endorse,
            reason: "agreed".into(),
        });
        m.say(who, vote).unwrap();
    }
    let decision = m.register.decision(id).unwrap();
    assert!(matches!(
        decision.status_at(Timestamp::now()),
        DecisionStatus::Adopted { .. }
    ));
    assert_eq!(decision.status_change, proposal.status);
    let status = m
        .register
        .formation(&formation)
        .unwrap()
        .status_on("2026-02-01".parse().unwrap())
        .unwrap();
    assert_eq!(status.status, FormationStatus::Excluded);
}

#[test]
fn a_version_2_proposal_is_refused_by_the_rules_as_in_version_1() {
    let mut m = Mechanism::new();
    // The formation was never registered.
    let unknown = designation(&FormationId::new("nobody").unwrap());
    let refused = m.say_in(RU, 2, Body::DecisionProposed(unknown));
    assert!(
        matches!(&refused, Err(truce_record::Rejection::Rule { field, .. }) if field == "status.formation"),
        "{refused:?}"
    );
}
