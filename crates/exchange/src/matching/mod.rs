//! Matching persons sought by one side (the families' lists) against
//! persons held by the other, across transliterations and scripts.
//!
//! The matcher proposes; the intermediary decides. For each sought person
//! it returns the best held candidates with a score in [0, 1] and the
//! reasons behind it ("given name Mohammed ~ Muhammad (same after
//! normalisation)", "birth year 1988 vs 1989 (±1)", …), and a person
//! confirms or rejects each one.
//!
//! To stay fast on lists of tens of thousands, persons are compared only
//! within blocks: persons that share two name skeletons (see
//! [`name_skeleton`]); a block of common names is further cut to births
//! within two years.

mod features;
mod normalise;
mod quality;
mod score;
mod similarity;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::Person;
use features::{Features, NameCounts};

pub use normalise::{name_key, name_skeleton, name_tokens, NameToken};
pub use quality::{evaluate, Quality};

#[derive(Debug, Clone, PartialEq)]
pub struct MatchOptions {
    /// A candidate scoring at least this is a likely match (`Candidate::likely`).
    pub threshold: f32,
    /// Candidates scoring below this are not returned at all.
    pub min_score: f32,
    /// At most this many candidates per sought person, best first.
    pub max_candidates_per_person: usize,
    /// Blocks up to this size are compared whatever the years of birth.
    pub small_block: usize,
    /// Blocks larger than this, even cut to births within two years, are
    /// skipped: their two names are too common to find anyone by, and the
    /// person's other name pairs still find the candidates.
    pub max_block: usize,
}

impl Default for MatchOptions {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            min_score: 0.05,
            max_candidates_per_person: 5,
            small_block: 150,
            max_block: 600,
        }
    }
}

/// A held person who may be a sought one.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index into the sought persons given to [`match_persons`].
    pub sought: usize,
    /// Index into the held persons.
    pub held: usize,
    /// 0 to 1; comparable between candidates, not a probability.
    pub score: f32,
    /// At least the options' threshold.
    pub likely: bool,
    /// What agrees and what does not, for the person who decides.
    pub reasons: Vec<String>,
}

/// The candidates, and how much work finding them took.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchOutcome {
    /// Sorted by sought index, then by score, best first.
    pub candidates: Vec<Candidate>,
    /// Pairs of persons compared.
    pub comparisons: u64,
}

/// Candidates for every sought person among the held ones, sorted by
/// sought index then score (best first). Pure and deterministic.
pub fn match_persons(sought: &[Person], held: &[Person], options: &MatchOptions) -> Vec<Candidate> {
    match_with_outcome(sought, held, options).candidates
}

/// As [`match_persons`], with the number of comparisons made.
pub fn match_with_outcome(
    sought: &[Person],
    held: &[Person],
    options: &MatchOptions,
) -> MatchOutcome {
    let mut sought: Vec<Features> = sought.par_iter().map(Features::of).collect();
    let mut held: Vec<Features> = held.par_iter().map(Features::of).collect();
    let counts = NameCounts::of(&held);
    sought.par_iter_mut().for_each(|p| counts.assign(p));
    held.par_iter_mut().for_each(|p| counts.assign(p));
    features::number_forms(&mut sought.iter_mut().chain(held.iter_mut()).collect::<Vec<_>>());
    let index = BlockIndex::build(&held);
    let per_person: Vec<(Vec<Candidate>, u64)> = sought
        .par_iter()
        .enumerate()
        .map_init(score::Similarities::default, |known, (i, person)| {
            candidates_for(i, person, &held, &index, options, known)
        })
        .collect();
    let comparisons = per_person.iter().map(|p| p.1).sum();
    let candidates = per_person.into_iter().flat_map(|p| p.0).collect();
    MatchOutcome {
        candidates,
        comparisons,
    }
}

fn candidates_for(
    sought_index: usize,
    sought: &Features,
    held: &[Features],
    index: &BlockIndex,
    options: &MatchOptions,
    known: &mut score::Similarities,
) -> (Vec<Candidate>, u64) {
    let pool = index.candidates(sought, options);
    let mut scored: Vec<(usize, score::Evidence, f32)> = pool
        .iter()
        .filter_map(|&h| {
            let evidence = score::compare(sought, &held[h as usize], options.min_score, known)?;
            let score = evidence.score();
            (score >= options.min_score).then_some((h as usize, evidence, score))
        })
        .collect();
    // Ties go to the earlier held person, so the output never depends on
    // the order of the blocks.
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    scored.truncate(options.max_candidates_per_person);
    let candidates = scored
        .into_iter()
        .map(|(h, evidence, score)| Candidate {
            sought: sought_index,
            held: h,
            score,
            likely: score >= options.threshold,
            reasons: score::explain(sought, &held[h], &evidence),
        })
        .collect();
    (candidates, pool.len() as u64)
}

/// Held persons by blocking key: all of them, by key and year of birth,
/// and those of unknown year.
struct BlockIndex {
    by_key: HashMap<u64, Vec<u32>>,
    by_key_and_year: HashMap<(u64, u16), Vec<u32>>,
    by_key_without_year: HashMap<u64, Vec<u32>>,
}

/// How far apart two lists may put a birth year within a common block.
const YEAR_SLACK: u16 = 2;

impl BlockIndex {
    fn build(held: &[Features]) -> Self {
        let keys: Vec<Vec<u64>> = held.par_iter().map(Features::block_keys).collect();
        let mut index = Self {
            by_key: HashMap::new(),
            by_key_and_year: HashMap::new(),
            by_key_without_year: HashMap::new(),
        };
        for (i, (person, keys)) in held.iter().zip(keys).enumerate() {
            let i = i as u32;
            for key in keys {
                index.by_key.entry(key).or_default().push(i);
                match person.birth_year {
                    Some(year) => index
                        .by_key_and_year
                        .entry((key, year))
                        .or_default()
                        .push(i),
                    None => index.by_key_without_year.entry(key).or_default().push(i),
                }
            }
        }
        index
    }

    /// Distinct held indexes to compare with `sought`, in ascending order.
    fn candidates(&self, sought: &Features, options: &MatchOptions) -> Vec<u32> {
        let mut pool = Vec::new();
        for key in sought.block_keys() {
            self.add_block(key, sought.birth_year, options, &mut pool);
        }
        pool.sort_unstable();
        pool.dedup();
        pool
    }

    fn add_block(&self, key: u64, year: Option<u16>, options: &MatchOptions, pool: &mut Vec<u32>) {
        let Some(block) = self.by_key.get(&key) else {
            return;
        };
        if block.len() <= options.small_block {
            pool.extend_from_slice(block);
            return;
        }
        let Some(year) = year else {
            if block.len() <= options.max_block {
                pool.extend_from_slice(block);
            }
            return;
        };
        let years = year.saturating_sub(YEAR_SLACK)..=year.saturating_add(YEAR_SLACK);
        let near: Vec<&Vec<u32>> = years
            .filter_map(|y| self.by_key_and_year.get(&(key, y)))
            .chain(self.by_key_without_year.get(&key))
            .collect();
        if near.iter().map(|b| b.len()).sum::<usize>() <= options.max_block {
            pool.extend(near.into_iter().flatten());
        }
    }
}
