//! The matcher on generated populations. Here, not beside the matcher's
//! unit tests: the test kit that generates them depends on this crate, and
//! a unit test using it would see two copies of its types.

use truce_exchange::match_persons;
use truce_exchange::matching::{evaluate, MatchOptions};
use truce_testkit::persons::{population, test_set};

#[test]
fn empty_lists_give_no_candidates() {
    let options = MatchOptions::default();
    let some = population(5, 1);
    assert!(match_persons(&[], &some, &options).is_empty());
    assert!(match_persons(&some, &[], &options).is_empty());
    assert!(match_persons(&[], &[], &options).is_empty());
}

#[test]
fn output_is_deterministic_and_sorted() {
    let set = test_set(400, 200, 0.6, 11);
    let options = MatchOptions::default();
    let first = match_persons(&set.sought, &set.held, &options);
    let second = match_persons(&set.sought, &set.held, &options);
    assert_eq!(first, second);
    for pair in first.windows(2) {
        let ordered = pair[0].sought < pair[1].sought
            || (pair[0].sought == pair[1].sought && pair[0].score >= pair[1].score);
        assert!(ordered);
    }
    assert!(first.iter().all(|c| (0.0..=1.0).contains(&c.score)));
}

#[test]
fn quality_on_a_generated_set() {
    let set = test_set(1_000, 600, 0.6, 3);
    let candidates = match_persons(&set.sought, &set.held, &MatchOptions::default());
    let quality = evaluate(&candidates, &set.truth);
    assert!(quality.precision() >= 0.9, "{quality}");
    assert!(quality.recall() >= 0.9, "{quality}");
}

#[test]
fn generated_persons_pass_validation() {
    let set = test_set(300, 300, 0.6, 5);
    for person in set.held.iter().chain(&set.sought) {
        assert!(person.validate(2026).is_ok(), "{person:?}");
    }
}
