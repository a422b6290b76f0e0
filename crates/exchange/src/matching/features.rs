//! What the matcher needs of a person, computed once per person.

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use truce_model::PersonCategory;

use super::normalise::{name_tokens, place_key, NameToken, PlaceKey};
use crate::Person;

/// Longer names are cut: nobody's name runs to nine words, and the
/// alignment keeps its tables on the stack.
pub(crate) const MAX_NAME_WORDS: usize = 8;

#[derive(Debug, Clone)]
pub(crate) struct Features {
    /// The full name's words in Latin letters, without the kunya.
    pub latin: Vec<NameToken>,
    /// The full name's words in Arabic script, without the kunya.
    pub arabic: Vec<NameToken>,
    pub kunya: Option<NameToken>,
    /// The first word of the father's name (the rest is the grandfather's).
    pub father: Option<NameToken>,
    /// The mother's given name.
    pub mother: Option<NameToken>,
    pub origin: Option<PlaceKey>,
    pub event_place: Option<PlaceKey>,
    pub birth_year: Option<u16>,
    pub category: PersonCategory,
    pub woman: bool,
    pub child: bool,
}

impl Features {
    pub fn of(person: &Person) -> Self {
        let (latin, latin_kunya) = full_name(&person.name_latin);
        let (arabic, arabic_kunya) = full_name(&person.name_arabic);
        Self {
            latin,
            arabic,
            kunya: latin_kunya.or(arabic_kunya),
            father: first_name_word(&person.father_name),
            mother: first_name_word(&person.mother_name),
            origin: place_key(&person.origin),
            event_place: place_key(&person.event_place),
            birth_year: person.birth_year,
            category: person.category,
            woman: person.woman,
            child: person.child,
        }
    }

    fn tokens(&self) -> impl Iterator<Item = &NameToken> {
        let fields = [&self.kunya, &self.father, &self.mother];
        self.latin
            .iter()
            .chain(&self.arabic)
            .chain(fields.into_iter().flatten())
    }

    fn tokens_mut(&mut self) -> impl Iterator<Item = &mut NameToken> {
        let fields = [&mut self.kunya, &mut self.father, &mut self.mother];
        self.latin
            .iter_mut()
            .chain(self.arabic.iter_mut())
            .chain(fields.into_iter().flatten())
    }

    /// Blocking keys: every pair of distinct name skeletons (the full name
    /// in both scripts and the father's name), so that a person is found
    /// whatever the order of the names and whichever one word is misspelt.
    /// A person with a single distinct skeleton gets it as a key of its own.
    pub fn block_keys(&self) -> Vec<u64> {
        let skeletons: BTreeSet<&str> = self
            .latin
            .iter()
            .chain(&self.arabic)
            .chain(&self.father)
            .map(|t| t.skeleton.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        let skeletons: Vec<&str> = skeletons.into_iter().collect();
        if skeletons.len() == 1 {
            return vec![key_of(&[skeletons[0]])];
        }
        let mut keys = Vec::new();
        for (i, a) in skeletons.iter().enumerate() {
            for b in &skeletons[i + 1..] {
                keys.push(key_of(&[a, b]));
            }
        }
        keys
    }
}

/// How many held persons carry each name skeleton, to weigh agreement on
/// a name by its rarity.
pub(crate) struct NameCounts {
    persons: f32,
    counts: std::collections::HashMap<String, u32>,
}

impl NameCounts {
    pub fn of(held: &[Features]) -> Self {
        let mut counts: std::collections::HashMap<String, u32> = Default::default();
        for person in held {
            let skeletons: BTreeSet<&str> = person.tokens().map(|t| t.skeleton.as_str()).collect();
            for skeleton in skeletons {
                *counts.entry(skeleton.to_string()).or_default() += 1;
            }
        }
        Self {
            persons: held.len() as f32,
            counts,
        }
    }

    pub fn assign(&self, person: &mut Features) {
        for token in person.tokens_mut() {
            let count = self.counts.get(&token.skeleton).copied().unwrap_or(0);
            token.rarity = ((self.persons + 1.0) / (count as f32 + 1.0)).ln();
        }
    }
}

/// Numbers every distinct word and place form, so that similarities can
/// be remembered by number.
pub(crate) fn number_forms(persons: &mut [&mut Features]) {
    let mut numbers: std::collections::HashMap<(bool, String, String), u32> = Default::default();
    let mut number = |place: bool, phonetic: &str, letters: &str| {
        let next = numbers.len() as u32 + 1;
        *numbers
            .entry((place, phonetic.to_string(), letters.to_string()))
            .or_insert(next)
    };
    for person in persons.iter_mut() {
        for token in person.tokens_mut() {
            token.id = number(false, &token.phonetic, &token.letters);
        }
        for place in [&mut person.origin, &mut person.event_place]
            .into_iter()
            .flatten()
        {
            place.id = number(true, &place.phonetic, &place.letters);
        }
    }
}

fn key_of(parts: &[&str]) -> u64 {
    // DefaultHasher::new() has fixed keys, so keys are the same every run.
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

fn full_name(text: &str) -> (Vec<NameToken>, Option<NameToken>) {
    let mut kunya = None;
    let mut words = Vec::new();
    for token in name_tokens(text) {
        if token.kunya {
            kunya.get_or_insert(token);
        } else if words.len() < MAX_NAME_WORDS {
            words.push(token);
        }
    }
    (words, kunya)
}

fn first_name_word(text: &str) -> Option<NameToken> {
    name_tokens(text).into_iter().find(|t| !t.kunya)
}
