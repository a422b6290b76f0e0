//! Precision and recall of a matching against known truth, for generated
//! test sets (see `truce_testkit::persons::test_set`).

use std::fmt;

use super::Candidate;

/// How a matching did against the truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Quality {
    /// Sought persons truly held.
    pub true_matches: usize,
    /// Sought persons whose best candidate is likely.
    pub predicted: usize,
    /// … and is the right held person.
    pub correct: usize,
    /// Sought persons with at least one likely candidate among the first three.
    pub shown_top3: usize,
    /// … among which is the right held person.
    pub correct_top3: usize,
    /// Truly held persons with the right held person among all candidates returned.
    pub found_anywhere: usize,
    /// (sought, predicted held) for truly held persons not predicted right.
    pub misses: Vec<(usize, Option<usize>)>,
    /// (sought, predicted held) for predictions that are wrong.
    pub false_matches: Vec<(usize, Option<usize>)>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

impl Quality {
    /// Right predictions among predictions (a prediction is the best
    /// candidate when it is likely).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    /// Right predictions among truly held persons.
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.true_matches)
    }

    /// Among persons shown likely candidates (up to three), how many are
    /// shown the right one.
    pub fn precision_top3(&self) -> f64 {
        ratio(self.correct_top3, self.shown_top3)
    }

    /// Among truly held persons, how many are shown the right one among up
    /// to three likely candidates.
    pub fn recall_top3(&self) -> f64 {
        ratio(self.correct_top3, self.true_matches)
    }
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "top-1: precision {:.4} ({}/{}), recall {:.4} ({}/{})",
            self.precision(),
            self.correct,
            self.predicted,
            self.recall(),
            self.correct,
            self.true_matches
        )?;
        writeln!(
            f,
            "top-3 likely candidates: precision {:.4} ({}/{}), recall {:.4} ({}/{})",
            self.precision_top3(),
            self.correct_top3,
            self.shown_top3,
            self.recall_top3(),
            self.correct_top3,
            self.true_matches
        )?;
        write!(
            f,
            "right person among all candidates returned: {:.4} ({}/{})",
            ratio(self.found_anywhere, self.true_matches),
            self.found_anywhere,
            self.true_matches
        )
    }
}

/// Scores `candidates` (as [`super::match_persons`] returns them) against
/// `truth`: for each sought person, the index of the held record of the
/// same person, or `None`.
pub fn evaluate(candidates: &[Candidate], truth: &[Option<usize>]) -> Quality {
    let mut by_sought: Vec<Vec<&Candidate>> = vec![Vec::new(); truth.len()];
    for candidate in candidates {
        if let Some(list) = by_sought.get_mut(candidate.sought) {
            list.push(candidate);
        }
    }
    let mut quality = Quality {
        true_matches: truth.iter().filter(|t| t.is_some()).count(),
        predicted: 0,
        correct: 0,
        shown_top3: 0,
        correct_top3: 0,
        found_anywhere: 0,
        misses: Vec::new(),
        false_matches: Vec::new(),
    };
    for (s, (list, &truth)) in by_sought.iter().zip(truth).enumerate() {
        let predicted = list.first().filter(|c| c.likely).map(|c| c.held);
        let top3: Vec<usize> = list
            .iter()
            .filter(|c| c.likely)
            .take(3)
            .map(|c| c.held)
            .collect();
        let right = |h: &usize| Some(*h) == truth;
        quality.predicted += usize::from(predicted.is_some());
        quality.correct += usize::from(predicted.as_ref().is_some_and(right));
        quality.shown_top3 += usize::from(!top3.is_empty());
        quality.correct_top3 += usize::from(top3.iter().any(right));
        quality.found_anywhere += usize::from(list.iter().any(|c| right(&c.held)));
        if truth.is_some() && predicted != truth {
            quality.misses.push((s, predicted));
        }
        if predicted.is_some() && predicted != truth {
            quality.false_matches.push((s, predicted));
        }
    }
    quality
}
