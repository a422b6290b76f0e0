//! How well the matcher finds the held person behind each sought one, on a
//! generated population with realistic transliteration noise.
//!
//! cargo run --release -p truce-exchange --example match_quality [held] [sought] [seed] [threshold]

use std::time::Instant;

use truce_exchange::matching::{evaluate, match_persons, MatchOptions};
use truce_testkit::persons::test_set;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (held, sought, seed) = (
        number(0, 5_000) as usize,
        number(1, 3_000) as usize,
        number(2, 7),
    );
    let overlap = 0.6;
    let set = test_set(held, sought, overlap, seed);
    let mut options = MatchOptions::default();
    if let Some(threshold) = args.get(3).and_then(|a| a.parse().ok()) {
        options.threshold = threshold;
    }
    let started = Instant::now();
    let candidates = match_persons(&set.sought, &set.held, &options);
    let elapsed = started.elapsed();
    let quality = evaluate(&candidates, &set.truth);
    println!(
        "{held} held, {sought} sought ({:.0}% truly held), seed {seed}: matched in {:.2} s",
        overlap * 100.0,
        elapsed.as_secs_f64()
    );
    println!("{quality}");
    let show = |title: &str, which: &[(usize, Option<usize>)]| {
        println!("\n{title}");
        for &(s, predicted) in which.iter().take(4) {
            let person = &set.sought[s];
            println!(
                "  sought #{s}: {:?} / {:?}, father {:?}, born {:?}, from {:?}",
                person.name_latin,
                person.name_arabic,
                person.father_name,
                person.birth_year,
                person.origin
            );
            if let Some(h) = set.truth[s] {
                let truth = &set.held[h];
                println!(
                    "    truly held #{h}: {:?} / {:?}, father {:?}, born {:?}, from {:?}",
                    truth.name_latin,
                    truth.name_arabic,
                    truth.father_name,
                    truth.birth_year,
                    truth.origin
                );
            }
            for candidate in candidates.iter().filter(|c| c.sought == s).take(2) {
                let h = &set.held[candidate.held];
                let mark = if Some(candidate.held) == predicted {
                    "predicted"
                } else {
                    "candidate"
                };
                println!(
                    "    {mark} #{} ({:.2}): {:?} / {:?}, father {:?}, born {:?}",
                    candidate.held,
                    candidate.score,
                    h.name_latin,
                    h.name_arabic,
                    h.father_name,
                    h.birth_year
                );
                for reason in &candidate.reasons {
                    println!("      - {reason}");
                }
            }
        }
    };
    show("Some misses (truly held, not predicted):", &quality.misses);
    show("Some false matches:", &quality.false_matches);
}
