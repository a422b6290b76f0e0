//! Comparing one sought person with one held person: the evidence, its
//! weight, and the reasons a person reads.
//!
//! The weights are log-odds in the manner of Fellegi and Sunter: each
//! field that both lists give adds weight when it agrees and takes weight
//! away when it does not; a field missing on either side adds nothing. The
//! sum goes through a logistic curve to give a score in [0, 1].

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use truce_model::PersonCategory;

use super::features::{Features, MAX_NAME_WORDS};
use super::normalise::{NameToken, PlaceKey, DEFAULT_RARITY};
use super::similarity::{cross_similarity, jaro_winkler};

/// The total weight at which the score is one half: a name that agrees
/// on common words (about 2 to 4) needs some agreement elsewhere to pass.
/// Set on generated test sets for precision and recall both near 0.96.
const SCORE_MIDPOINT: f32 = 3.0;

/// Weight curves: (similarity, weight) points, linear between them.
const GIVEN_NAME: &[(f32, f32)] = &[
    (0.70, -5.0),
    (0.85, -3.0),
    (0.90, 0.0),
    (0.95, 1.4),
    (1.0, 2.0),
];
const FAMILY_NAME: &[(f32, f32)] = &[
    (0.70, -5.0),
    (0.85, -3.0),
    (0.90, 0.0),
    (0.95, 1.6),
    (1.0, 2.3),
];
const OTHER_NAMES: &[(f32, f32)] = &[
    (0.60, -2.5),
    (0.80, -1.0),
    (0.90, 0.4),
    (0.96, 0.9),
    (1.0, 1.2),
];
const FATHER: &[(f32, f32)] = &[
    (0.70, -3.5),
    (0.82, -2.0),
    (0.90, 0.8),
    (0.96, 2.0),
    (1.0, 2.5),
];
/// The father's name of one list looked for among the other's middle names.
const FATHER_IN_NAME: &[(f32, f32)] = &[(0.70, -1.0), (0.85, -0.5), (0.92, 1.0), (1.0, 1.5)];
const MOTHER: &[(f32, f32)] = &[(0.70, -2.0), (0.82, -0.8), (0.92, 0.8), (1.0, 1.5)];
const ORIGIN: &[(f32, f32)] = &[(0.70, -2.0), (0.85, -0.7), (0.92, 0.7), (1.0, 1.0)];
const EVENT_PLACE: &[(f32, f32)] = &[(0.60, -0.2), (0.90, 0.2), (1.0, 0.4)];
const KUNYA_AGREES: f32 = 0.5;
const CATEGORY_CONFLICT: f32 = -3.0;
const WOMAN_CONFLICT: f32 = -2.5;
const CHILD_CONFLICT: f32 = -1.0;
/// A name read with its family name moved, when one of the two names
/// starts with an article (al-Hasan Mohammed Ahmad): slightly less sure.
const FAMILY_NAME_FIRST: f32 = -0.3;
/// … and when neither does: the moved word may well be a given name.
const NAME_ROTATED: f32 = -1.5;

/// Similarity at or above which two words count as the same name.
pub(crate) const SAME_NAME: f32 = 0.999;
pub(crate) const SIMILAR_NAME: f32 = 0.9;

fn curve(x: f32, points: &[(f32, f32)]) -> f32 {
    let Some(&(first_x, first_y)) = points.first() else {
        return 0.0;
    };
    if x <= first_x {
        return first_y;
    }
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if x <= x1 {
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
        }
    }
    points.last().map_or(0.0, |p| p.1)
}

/// How alike two words are, 0 to 1. Latin against Latin compares the
/// phonetic forms, which keep vowels; anything with Arabic script compares
/// skeletons, and an Arabic-Latin match is held a little less certain.
/// Similarities already worked out, by the numbers of the two words (or
/// places): a matching compares the same few thousand names again and again.
#[derive(Default)]
pub(crate) struct Similarities {
    known: HashMap<u64, f32, BuildHasherDefault<PairHasher>>,
}

impl Similarities {
    fn remember(&mut self, a: u32, b: u32, work: impl FnOnce() -> f32) -> f32 {
        if a == 0 || b == 0 {
            return work();
        }
        let key = (u64::from(a.min(b)) << 32) | u64::from(a.max(b));
        *self.known.entry(key).or_insert_with(work)
    }

    pub fn words(&mut self, a: &NameToken, b: &NameToken) -> f32 {
        if a.id == b.id && a.id != 0 {
            return 1.0;
        }
        self.remember(a.id, b.id, || word_similarity(a, b))
    }

    fn places(&mut self, a: &PlaceKey, b: &PlaceKey) -> f32 {
        self.remember(a.id, b.id, || place_similarity(a, b))
    }
}

/// A hasher for keys that are already two distinct numbers.
#[derive(Default)]
pub(crate) struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        let mixed = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = mixed ^ (mixed >> 29);
    }
}

pub(crate) fn word_similarity(a: &NameToken, b: &NameToken) -> f32 {
    let both_latin = !a.phonetic.is_empty() && !b.phonetic.is_empty();
    if both_latin {
        if a.phonetic == b.phonetic {
            return 1.0;
        }
        // Jaro-Winkler forgives typos but finds Mohannad close to Mohammed;
        // the weighted edit on letters does the reverse. Take the kinder,
        // with the Jaro-Winkler figure held a little lower.
        let jaro = jaro_winkler(&a.phonetic, &b.phonetic) - 0.05;
        return cross_similarity(&a.letters, false, &b.letters, false).max(jaro);
    }
    cross_similarity(
        &a.letters,
        a.phonetic.is_empty(),
        &b.letters,
        b.phonetic.is_empty(),
    )
}

fn place_similarity(a: &PlaceKey, b: &PlaceKey) -> f32 {
    if !a.phonetic.trim().is_empty() && !b.phonetic.trim().is_empty() {
        return jaro_winkler(&a.phonetic, &b.phonetic);
    }
    let arabic = |p: &PlaceKey| p.phonetic.trim().is_empty();
    cross_similarity(&a.letters, arabic(a), &b.letters, arabic(b))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    Latin,
    Arabic,
}

/// Word pairs of the best reading of two full names. Indexes are into
/// the sought and the held person's word lists of the scripts named.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameMatch {
    pub sought_script: Script,
    pub held_script: Script,
    /// The held name read with its last word first (+1) or its first word
    /// last (-1), as lists that put the family name first write it.
    pub rotation: Rotation,
    /// Whether the word read as the family name carries an article, as a
    /// family name written first usually does.
    pub family_first: bool,
    pub given: (u8, u8, f32),
    pub family: Option<(u8, u8, f32)>,
    pub others: [(u8, u8, f32); MAX_NAME_WORDS],
    pub other_count: u8,
    /// How many middle words the shorter name has: each should find its pair.
    pub middle_slots: u8,
    /// Words of the longer name that the shorter one lacks.
    pub unpaired: u8,
    pub weight: f32,
}

impl NameMatch {
    pub fn others(&self) -> &[(u8, u8, f32)] {
        &self.others[..self.other_count as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FatherMatch {
    /// Both lists give the father's name.
    Fields(f32),
    /// The sought list's father's name against a middle name of the held
    /// person's full name (its index), or the reverse.
    SoughtFatherInHeldName(u8, f32),
    HeldFatherInSoughtName(u8, f32),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Evidence {
    pub name: NameMatch,
    pub father: Option<FatherMatch>,
    pub mother: Option<f32>,
    pub birth_years: Option<(u16, u16)>,
    pub origin: Option<f32>,
    pub event_place: Option<f32>,
    pub kunya_agrees: bool,
    pub category_conflict: bool,
    pub woman_conflict: bool,
    pub child_conflict: bool,
    pub weight: f32,
}

impl Evidence {
    pub fn score(&self) -> f32 {
        1.0 / (1.0 + (SCORE_MIDPOINT - self.weight).exp())
    }
}

/// Everything the two records say about being one person; `None` when
/// their names cannot be compared at all (no name in a shared script
/// family), or when even full agreement elsewhere could not lift the
/// score to `floor`.
pub(crate) fn compare(
    sought: &Features,
    held: &Features,
    floor: f32,
    known: &mut Similarities,
) -> Option<Evidence> {
    let name = best_name_match(sought, held, known)?;
    let rarity = |a: &Option<NameToken>, b: &Option<NameToken>| {
        both(a, b).map_or(DEFAULT_RARITY, |(a, b)| a.rarity.min(b.rarity))
    };
    let floor_weight = SCORE_MIDPOINT - (1.0 / floor.clamp(1e-6, 1.0 - 1e-6) - 1.0).ln();
    if name.weight + MOST_OTHER_FIELDS_ADD < floor_weight {
        return None;
    }
    let father = father_match(sought, held, &name, known);
    let mut evidence = Evidence {
        name,
        father,
        mother: both(&sought.mother, &held.mother).map(|(a, b)| known.words(a, b)),
        birth_years: sought.birth_year.zip(held.birth_year),
        origin: both(&sought.origin, &held.origin).map(|(a, b)| known.places(a, b)),
        event_place: both(&sought.event_place, &held.event_place).map(|(a, b)| known.places(a, b)),
        kunya_agrees: both(&sought.kunya, &held.kunya)
            .is_some_and(|(a, b)| known.words(a, b) >= SIMILAR_NAME),
        category_conflict: !categories_compatible(sought.category, held.category),
        woman_conflict: sought.woman != held.woman,
        child_conflict: sought.child != held.child,
        weight: 0.0,
    };
    evidence.weight = total_weight(&evidence, rarity(&sought.father, &held.father));
    Some(evidence)
}

/// The most that fields other than the name can add.
const MOST_OTHER_FIELDS_ADD: f32 = 2.5 + 1.5 + 1.5 + 1.0 + 0.4 + KUNYA_AGREES;

fn both<'a, T>(a: &'a Option<T>, b: &'a Option<T>) -> Option<(&'a T, &'a T)> {
    a.as_ref().zip(b.as_ref())
}

/// A family may report as missing someone the other side holds alive or
/// dead, and one side's abductee is the other's detainee; but a body is
/// not a living detainee.
pub(crate) fn categories_compatible(a: PersonCategory, b: PersonCategory) -> bool {
    use PersonCategory::*;
    match (a, b) {
        (Missing, _) | (_, Missing) => true,
        (Body, Body) => true,
        (Body, _) | (_, Body) => false,
        _ => true,
    }
}

fn birth_year_weight(a: u16, b: u16) -> f32 {
    match a.abs_diff(b) {
        0 => 1.5,
        1 => 0.5,
        2 => -0.5,
        3 | 4 => -2.0,
        _ => -4.0,
    }
}

fn total_weight(e: &Evidence, father_rarity: f32) -> f32 {
    let mut weight = e.name.weight;
    weight += match e.father {
        Some(FatherMatch::Fields(sim)) => by_rarity(curve(sim, FATHER), father_rarity),
        Some(FatherMatch::SoughtFatherInHeldName(_, sim))
        | Some(FatherMatch::HeldFatherInSoughtName(_, sim)) => curve(sim, FATHER_IN_NAME),
        None => 0.0,
    };
    weight += e.mother.map_or(0.0, |sim| curve(sim, MOTHER));
    weight += e.birth_years.map_or(0.0, |(a, b)| birth_year_weight(a, b));
    weight += e.origin.map_or(0.0, |sim| curve(sim, ORIGIN));
    weight += e.event_place.map_or(0.0, |sim| curve(sim, EVENT_PLACE));
    let flags = [
        (e.kunya_agrees, KUNYA_AGREES),
        (e.category_conflict, CATEGORY_CONFLICT),
        (e.woman_conflict, WOMAN_CONFLICT),
        (e.child_conflict, CHILD_CONFLICT),
    ];
    weight + flags.iter().filter(|f| f.0).map(|f| f.1).sum::<f32>()
}

/// Compares the names in the same script where both lists have one (the
/// better of Latin and Arabic), across scripts otherwise.
fn best_name_match(
    sought: &Features,
    held: &Features,
    known: &mut Similarities,
) -> Option<NameMatch> {
    fn lists(f: &Features) -> [(Script, &[NameToken]); 2] {
        [
            (Script::Latin, f.latin.as_slice()),
            (Script::Arabic, f.arabic.as_slice()),
        ]
    }
    let mut same_script: Option<NameMatch> = None;
    let mut cross_script: Option<NameMatch> = None;
    for (s_script, s_words) in lists(sought) {
        for (h_script, h_words) in lists(held) {
            if s_words.is_empty() || h_words.is_empty() {
                continue;
            }
            let best = if s_script == h_script {
                &mut same_script
            } else if same_script.is_none() {
                &mut cross_script
            } else {
                continue;
            };
            let candidate = align_names(s_words, h_words, (s_script, h_script), known);
            if best.is_none_or(|b| candidate.weight > b.weight) {
                *best = Some(candidate);
            }
        }
    }
    same_script.or(cross_script)
}

/// The best reading of two full names: the given names paired, the family
/// names paired, and the words between paired in order; either name may be
/// read as written or as written family name first.
fn align_names(
    sought: &[NameToken],
    held: &[NameToken],
    (s, h): (Script, Script),
    known: &mut Similarities,
) -> NameMatch {
    let n = sought.len().min(MAX_NAME_WORDS);
    let m = held.len().min(MAX_NAME_WORDS);
    let mut similarity = [[0f32; MAX_NAME_WORDS]; MAX_NAME_WORDS];
    for (i, a) in sought.iter().take(n).enumerate() {
        for (j, b) in held.iter().take(m).enumerate() {
            similarity[i][j] = known.words(a, b);
        }
    }
    let readings = [
        Reading::natural((s, h)),
        Reading {
            rotation: Rotation::SoughtFamilyFirst,
            with_article: sought[0].article,
            scripts: (s, h),
        },
        Reading {
            rotation: Rotation::HeldFamilyFirst,
            with_article: held[0].article,
            scripts: (s, h),
        },
    ];
    let count = if n > 1 && m > 1 { 3 } else { 1 };
    let mut best: Option<NameMatch> = None;
    for reading in readings.into_iter().take(count) {
        let mut candidate = align_in_order(&similarity, n, m, reading);
        candidate.weight = name_weight(&candidate, sought, held);
        if best.is_none_or(|b| candidate.weight > b.weight) {
            best = Some(candidate);
        }
    }
    // There is always the natural reading.
    best.unwrap_or_else(|| align_in_order(&similarity, n, m, Reading::natural((s, h))))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rotation {
    Natural,
    /// The sought name starts with the family name: read from its second word.
    SoughtFamilyFirst,
    HeldFamilyFirst,
}

#[derive(Debug, Clone, Copy)]
struct Reading {
    rotation: Rotation,
    /// The word taken for the family name carries an article.
    with_article: bool,
    scripts: (Script, Script),
}

impl Reading {
    fn natural(scripts: (Script, Script)) -> Self {
        Self {
            rotation: Rotation::Natural,
            with_article: false,
            scripts,
        }
    }
}

/// Index in the written name of the `k`-th word of a name of `len` words
/// read from its second word, the first one last.
fn family_first(k: usize, len: usize) -> usize {
    (k + 1) % len
}

fn align_in_order(
    similarity: &[[f32; MAX_NAME_WORDS]; MAX_NAME_WORDS],
    n: usize,
    m: usize,
    reading: Reading,
) -> NameMatch {
    let read_sought = |i: usize| match reading.rotation {
        Rotation::SoughtFamilyFirst => family_first(i, n),
        _ => i,
    };
    let read_held = |j: usize| match reading.rotation {
        Rotation::HeldFamilyFirst => family_first(j, m),
        _ => j,
    };
    let sim = |i: usize, j: usize| similarity[read_sought(i)][read_held(j)];
    let pair = |i: usize, j: usize| (read_sought(i) as u8, read_held(j) as u8, sim(i, j));
    let mut found = NameMatch {
        sought_script: reading.scripts.0,
        held_script: reading.scripts.1,
        rotation: reading.rotation,
        family_first: reading.with_article,
        given: pair(0, 0),
        family: None,
        others: [(0, 0, 0.0); MAX_NAME_WORDS],
        other_count: 0,
        middle_slots: n.min(m).saturating_sub(2) as u8,
        unpaired: n.abs_diff(m) as u8,
        weight: 0.0,
    };
    if n > 1 && m > 1 {
        found.family = Some(pair(n - 1, m - 1));
        for (i, j) in middle_pairs(&sim, n, m) {
            found.others[found.other_count as usize] = pair(i, j);
            found.other_count += 1;
        }
    }
    found
}

/// The order-keeping pairing of the words between given and family name
/// that has the greatest total similarity (words may go unpaired), as
/// (sought, rotated held) index pairs in order.
fn middle_pairs(
    sim: &impl Fn(usize, usize) -> f32,
    n: usize,
    m: usize,
) -> impl Iterator<Item = (usize, usize)> {
    const SIZE: usize = MAX_NAME_WORDS + 1;
    let (rows, cols) = (n.saturating_sub(2), m.saturating_sub(2));
    let mut best = [[0f32; SIZE]; SIZE];
    for i in 1..=rows {
        for j in 1..=cols {
            let paired = best[i - 1][j - 1] + sim(i, j);
            best[i][j] = paired.max(best[i - 1][j]).max(best[i][j - 1]);
        }
    }
    // Traced back from the end, so collected in reverse.
    let mut pairs = [(0usize, 0usize); MAX_NAME_WORDS];
    let mut count = 0;
    let (mut i, mut j) = (rows, cols);
    while i > 0 && j > 0 {
        if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else if best[i][j] == best[i][j - 1] {
            j -= 1;
        } else {
            pairs[count] = (i, j);
            count += 1;
            i -= 1;
            j -= 1;
        }
    }
    pairs.into_iter().take(count).rev()
}

/// Agreement on a common name counts for less, on a rare one for more;
/// disagreement counts the same whatever the name.
fn by_rarity(weight: f32, rarity: f32) -> f32 {
    if weight <= 0.0 {
        return weight;
    }
    weight * (rarity / super::normalise::DEFAULT_RARITY).clamp(0.4, 1.6)
}

fn name_weight(found: &NameMatch, sought: &[NameToken], held: &[NameToken]) -> f32 {
    let rarity = |(i, j, _): (u8, u8, f32)| sought[i as usize].rarity.min(held[j as usize].rarity);
    let mut weight = by_rarity(curve(found.given.2, GIVEN_NAME), rarity(found.given));
    if let Some(family) = found.family {
        weight += by_rarity(curve(family.2, FAMILY_NAME), rarity(family));
    }
    if found.middle_slots > 0 {
        // A middle word left without a pair counts as a mismatch.
        let total = found.others().iter().map(|p| p.2).sum::<f32>();
        weight += curve(total / f32::from(found.middle_slots), OTHER_NAMES);
    }
    if found.rotation != Rotation::Natural {
        weight += if found.family_first {
            FAMILY_NAME_FIRST
        } else {
            NAME_ROTATED
        };
    }
    weight
}

fn words(features: &Features, script: Script) -> &[NameToken] {
    match script {
        Script::Latin => &features.latin,
        Script::Arabic => &features.arabic,
    }
}

/// The middle words of a full name as the alignment read it: neither the
/// given name nor the family name.
fn middle_words(count: usize, given: u8, family: Option<u8>) -> impl Iterator<Item = usize> {
    (0..count).filter(move |&i| i as u8 != given && Some(i as u8) != family)
}

fn father_match(
    sought: &Features,
    held: &Features,
    name: &NameMatch,
    known: &mut Similarities,
) -> Option<FatherMatch> {
    match (&sought.father, &held.father) {
        (Some(a), Some(b)) => Some(FatherMatch::Fields(known.words(a, b))),
        (Some(father), None) => {
            let held_words = words(held, name.held_script);
            let middle = middle_words(held_words.len(), name.given.1, name.family.map(|f| f.1));
            best_word(father, held_words, middle, known)
                .map(|(j, sim)| FatherMatch::SoughtFatherInHeldName(j, sim))
        }
        (None, Some(father)) => {
            let sought_words = words(sought, name.sought_script);
            let middle = middle_words(sought_words.len(), name.given.0, name.family.map(|f| f.0));
            best_word(father, sought_words, middle, known)
                .map(|(i, sim)| FatherMatch::HeldFatherInSoughtName(i, sim))
        }
        (None, None) => None,
    }
}

fn best_word(
    word: &NameToken,
    list: &[NameToken],
    among: impl Iterator<Item = usize>,
    known: &mut Similarities,
) -> Option<(u8, f32)> {
    among.map(|i| (i as u8, known.words(word, &list[i]))).fold(
        None,
        |best: Option<(u8, f32)>, (i, sim)| match best {
            Some((_, b)) if b >= sim => best,
            _ => Some((i, sim)),
        },
    )
}

/// Reasons a person reads, strongest first: names, then family ties, then
/// dates, places and flags.
pub(crate) fn explain(sought: &Features, held: &Features, e: &Evidence) -> Vec<String> {
    let mut reasons = Vec::new();
    let name = &e.name;
    let s_words = words(sought, name.sought_script);
    let h_words = words(held, name.held_script);
    if name.sought_script != name.held_script {
        reasons.push("names compared across scripts (Arabic against Latin letters)".to_string());
    }
    let side = match name.rotation {
        Rotation::Natural => None,
        Rotation::SoughtFamilyFirst => Some("sought"),
        Rotation::HeldFamilyFirst => Some("held"),
    };
    if let Some(side) = side {
        let article = if name.family_first {
            ""
        } else {
            ", though without al-"
        };
        reasons.push(format!("{side} name read as family name first{article}"));
    }
    let word_pair = |(i, j, sim): (u8, u8, f32), role: &str| {
        let a = &s_words[i as usize];
        let b = &h_words[j as usize];
        describe_pair(role, a, b, sim)
    };
    reasons.push(word_pair(name.given, "given name"));
    if let Some(family) = name.family {
        reasons.push(word_pair(family, "family name"));
    }
    for &pair in name.others() {
        reasons.push(word_pair(pair, "middle name"));
    }
    if name.unpaired > 0 {
        reasons.push(format!(
            "{} name word(s) on one list only (grandfather's name?)",
            name.unpaired
        ));
    }
    if e.kunya_agrees {
        if let Some(kunya) = &sought.kunya {
            reasons.push(format!("kunya {} agrees", kunya.display));
        }
    }
    reasons.extend(explain_father(sought, held, e, s_words, h_words));
    if let (Some(sim), Some(a), Some(b)) = (e.mother, &sought.mother, &held.mother) {
        reasons.push(describe_pair("mother's name", a, b, sim));
    }
    if let Some((a, b)) = e.birth_years {
        reasons.push(describe_years(a, b));
    }
    if let (Some(sim), Some(a), Some(b)) = (e.origin, &sought.origin, &held.origin) {
        reasons.push(describe_places("origin", a, b, sim));
    }
    if let (Some(sim), Some(a), Some(b)) = (e.event_place, &sought.event_place, &held.event_place) {
        reasons.push(describe_places("place of the event", a, b, sim));
    }
    reasons.extend(explain_flags(sought, held, e));
    reasons
}

fn explain_father(
    sought: &Features,
    held: &Features,
    e: &Evidence,
    s_words: &[NameToken],
    h_words: &[NameToken],
) -> Option<String> {
    let text = match (e.father?, &sought.father, &held.father) {
        (FatherMatch::Fields(sim), Some(a), Some(b)) => describe_pair("father's name", a, b, sim),
        (FatherMatch::SoughtFatherInHeldName(j, sim), Some(a), _) => {
            describe_found("father's name", a, &h_words[j as usize], sim, "held")
        }
        (FatherMatch::HeldFatherInSoughtName(i, sim), _, Some(b)) => {
            describe_found("father's name", b, &s_words[i as usize], sim, "sought")
        }
        _ => return None,
    };
    Some(text)
}

fn explain_flags(sought: &Features, held: &Features, e: &Evidence) -> Vec<String> {
    let mut reasons = Vec::new();
    if e.category_conflict {
        reasons.push(format!(
            "category {} against {} (a body is not a living detainee)",
            sought.category.as_str(),
            held.category.as_str()
        ));
    } else if sought.category != held.category {
        reasons.push(format!(
            "sought as {}, held as {} (compatible)",
            sought.category.as_str(),
            held.category.as_str()
        ));
    }
    if e.woman_conflict {
        reasons.push("marked as a woman on one list only".to_string());
    }
    if e.child_conflict {
        reasons.push("marked as a child on one list only".to_string());
    }
    reasons
}

fn describe_pair(role: &str, a: &NameToken, b: &NameToken, sim: f32) -> String {
    let (x, y) = (a.display.as_str(), b.display.as_str());
    if x.to_lowercase() == y.to_lowercase() {
        format!("{role} {x} agrees")
    } else if sim >= SAME_NAME || (sim >= 0.96 && a.skeleton == b.skeleton) {
        format!("{role} {x} ~ {y} (same after normalisation)")
    } else if sim >= SIMILAR_NAME {
        format!("{role} {x} ~ {y} (similar, {sim:.2})")
    } else {
        format!("{role} differs: {x} vs {y} ({sim:.2})")
    }
}

fn describe_found(
    role: &str,
    father: &NameToken,
    word: &NameToken,
    sim: f32,
    side: &str,
) -> String {
    let name = &father.display;
    if sim >= SIMILAR_NAME {
        format!(
            "{role} {name} found in the {side} person's full name as {} ({sim:.2})",
            word.display
        )
    } else {
        format!("{role} {name} not found in the {side} person's full name")
    }
}

fn describe_years(a: u16, b: u16) -> String {
    match a.abs_diff(b) {
        0 => format!("birth year agrees ({a})"),
        d @ (1 | 2) => format!("birth year {a} vs {b} (±{d})"),
        d => format!("birth year {a} vs {b} ({d} years apart)"),
    }
}

fn describe_places(role: &str, a: &PlaceKey, b: &PlaceKey, sim: f32) -> String {
    let (x, y) = (a.display.as_str(), b.display.as_str());
    if x.to_lowercase() == y.to_lowercase() {
        format!("{role} agrees ({x})")
    } else if sim >= SIMILAR_NAME {
        format!("{role} agrees: {x} ~ {y} ({sim:.2})")
    } else {
        format!("{role} differs: {x} vs {y} ({sim:.2})")
    }
}
