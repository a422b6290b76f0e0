//! Matching 50,000 sought persons against 50,000 held (TRUCE_BENCH_PERSONS
//! changes both sizes): prints the time taken and the comparisons made.
//!
//! cargo bench -p truce-exchange --bench matching

use std::time::Instant;

use truce_exchange::matching::{evaluate, match_with_outcome, MatchOptions};
use truce_testkit::persons::test_set;

fn main() {
    let persons: usize = std::env::var("TRUCE_BENCH_PERSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let started = Instant::now();
    let set = test_set(persons, persons, 0.6, 2024);
    println!(
        "generated {persons} held and {persons} sought in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let options = MatchOptions::default();
    let started = Instant::now();
    let outcome = match_with_outcome(&set.sought, &set.held, &options);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "matched {persons} x {persons} in {seconds:.2} s on {} threads: {} comparisons ({:.0} per sought person), {} candidates",
        rayon::current_num_threads(),
        outcome.comparisons,
        outcome.comparisons as f64 / persons.max(1) as f64,
        outcome.candidates.len()
    );
    println!("{}", evaluate(&outcome.candidates, &set.truth));
}
