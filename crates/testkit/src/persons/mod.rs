//! A synthetic population for testing and demonstrating the matcher:
//! persons with common Syrian names at realistic frequencies, in Latin
//! letters and Arabic script, and a noise model that writes the record the
//! other side would keep of the same person.
//!
//! Deterministic: the same seed gives the same persons on every machine.
//!
//! The noise model of [`noisy_copy`], per record (rates are the defaults of
//! [`Noise`]): every Latin word re-spelt from the spellings lists use
//! (Mohammed/Muhammad/Mhd…); the family article al-/el-/as-/glued/absent
//! redrawn; names in both scripts, Arabic only or Latin only; Arabic
//! spelling choices (hamza seats, taa marbuta, alef maqsura, glued "عبد")
//! redrawn; a kunya added or dropped; the grandfather's name dropped; the
//! father's name dropped from the full name; the family name written
//! first; the father's or mother's name missing; the birth year missing,
//! or off by one or two; a one-letter typo; the origin missing, respelt or
//! in Arabic script.
//!
//! Test data, not part of the exchange crate: the matcher's tests, its
//! benchmark and the demo draw from it, and no list a member keeps does.

use std::collections::HashMap;
use std::sync::OnceLock;

use jiff::civil::Date;
use truce_exchange::Person;
use truce_model::PersonCategory;

use crate::Rng;
use names::{FAMILIES, FEMALE, HOLDING_PARTIES, MALE, TOWNS};

/// Draws the generator needs beyond the kit's [`Rng`].
trait Draws {
    fn weighted(&mut self, weights: impl Iterator<Item = u32> + Clone) -> usize;
    fn spelling<'a>(&mut self, spellings: &[&'a str]) -> &'a str;
}

impl Draws for Rng {
    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: impl Iterator<Item = u32> + Clone) -> usize {
        let total: u64 = weights.clone().map(u64::from).sum();
        let mut pick = self.next_u64() % total.max(1);
        for (i, w) in weights.enumerate() {
            if pick < u64::from(w) {
                return i;
            }
            pick -= u64::from(w);
        }
        0
    }

    /// A spelling from a list whose first entries are the most used.
    fn spelling<'a>(&mut self, spellings: &[&'a str]) -> &'a str {
        let weights = (0..spellings.len()).map(|i| 12 / (i as u32 + 1));
        spellings.get(self.weighted(weights)).copied().unwrap_or("")
    }
}

/// Rates of the noise model; see the module comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Noise {
    pub arabic_only: f64,
    pub latin_only: f64,
    pub drop_family_article: f64,
    pub add_kunya: f64,
    pub drop_kunya: f64,
    pub drop_grandfather: f64,
    pub drop_father_from_name: f64,
    pub family_name_first: f64,
    pub missing_father: f64,
    pub missing_mother: f64,
    pub missing_birth_year: f64,
    pub birth_year_off_by_one: f64,
    pub birth_year_off_by_two: f64,
    pub typo: f64,
    pub missing_origin: f64,
    pub origin_in_arabic: f64,
    pub missing_event_place: f64,
}

impl Noise {
    /// The holding side's own gaps: fields it never recorded, but names
    /// in its own order and spelling, years as it has them.
    pub fn holding_side() -> Self {
        Self {
            drop_kunya: 0.0,
            add_kunya: 0.0,
            drop_grandfather: 0.0,
            drop_father_from_name: 0.0,
            family_name_first: 0.0,
            missing_father: 0.15,
            missing_mother: 0.4,
            missing_birth_year: 0.08,
            birth_year_off_by_one: 0.0,
            birth_year_off_by_two: 0.0,
            typo: 0.0,
            missing_origin: 0.1,
            origin_in_arabic: 0.05,
            missing_event_place: 0.3,
            ..Self::default()
        }
    }
}

impl Default for Noise {
    fn default() -> Self {
        Self {
            arabic_only: 0.25,
            latin_only: 0.30,
            drop_family_article: 0.3,
            add_kunya: 0.12,
            drop_kunya: 0.5,
            drop_grandfather: 0.5,
            drop_father_from_name: 0.10,
            family_name_first: 0.10,
            missing_father: 0.20,
            missing_mother: 0.35,
            missing_birth_year: 0.10,
            birth_year_off_by_one: 0.15,
            birth_year_off_by_two: 0.04,
            typo: 0.20,
            missing_origin: 0.15,
            origin_in_arabic: 0.15,
            missing_event_place: 0.5,
        }
    }
}

/// Persons sought and held, and which held person each sought one is.
#[derive(Debug, Clone)]
pub struct TestSet {
    pub held: Vec<Person>,
    pub sought: Vec<Person>,
    /// For each sought person, the index of the held record of the same
    /// person; `None` for persons the other side does not hold.
    pub truth: Vec<Option<usize>>,
}

/// `n` persons as a holding side would list them.
pub fn population(n: usize, seed: u64) -> Vec<Person> {
    let mut rng = Rng::new(seed);
    let noise = Noise::holding_side();
    (0..n)
        .map(|_| {
            let identity = Identity::random(&mut rng).with_noise(&noise, &mut rng);
            render(&identity, &Style::noisy(&noise, &mut rng), &mut rng)
        })
        .collect()
}

/// The record the other side would keep of `person`, with the default
/// noise.
pub fn noisy_copy(person: &Person, rng: &mut Rng) -> Person {
    noisy_copy_with(person, &Noise::default(), rng)
}

pub fn noisy_copy_with(person: &Person, noise: &Noise, rng: &mut Rng) -> Person {
    let identity = Identity::read(person);
    let mut copy = render(
        &identity.with_noise(noise, rng),
        &Style::noisy(noise, rng),
        rng,
    );
    copy.category = reported_category(person.category, rng);
    copy.holding_party = person.holding_party.clone();
    copy.notes = String::new();
    if rng.chance(noise.typo) {
        add_typo(&mut copy, rng);
    }
    copy
}

/// `held` persons held; `sought` persons sought, of whom a fraction
/// `overlap` are noisy copies of held persons and the rest are not held:
/// half of those strangers, half namesakes of a held person (same given
/// and family name, another father and birth year, often the same town).
pub fn test_set(held: usize, sought: usize, overlap: f32, seed: u64) -> TestSet {
    test_set_with(held, sought, overlap, &Noise::default(), seed)
}

pub fn test_set_with(
    held: usize,
    sought: usize,
    overlap: f32,
    noise: &Noise,
    seed: u64,
) -> TestSet {
    let held_persons = population(held, seed);
    let mut rng = Rng::new(seed ^ 0x5EED_0F50_0647);
    let found = ((sought as f32 * overlap.clamp(0.0, 1.0)).round() as usize).min(held);
    let mut order: Vec<usize> = (0..held).collect();
    shuffle(&mut order, &mut rng);
    let mut pairs: Vec<(Person, Option<usize>)> = Vec::with_capacity(sought);
    for &h in &order[..found] {
        pairs.push((noisy_copy_with(&held_persons[h], noise, &mut rng), Some(h)));
    }
    for k in found..sought {
        let stranger = if k % 2 == 0 || held == 0 {
            Identity::random(&mut rng)
        } else {
            Identity::read(&held_persons[rng.below(held)]).namesake(&mut rng)
        };
        let holding = Noise::holding_side();
        let stranger = stranger.with_noise(&holding, &mut rng);
        let record = render(&stranger, &Style::noisy(&holding, &mut rng), &mut rng);
        pairs.push((noisy_copy_with(&record, noise, &mut rng), None));
    }
    shuffle(&mut pairs, &mut rng);
    let (sought, truth) = pairs.into_iter().unzip();
    TestSet {
        held: held_persons,
        sought,
        truth,
    }
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// A name from the lists, or a word the lists do not know (kept as found).
#[derive(Debug, Clone, PartialEq)]
enum Word {
    Known { name: NameRef, article: bool },
    Unknown { latin: String, arabic: String },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NameRef {
    Male(usize),
    Female(usize),
    Family(usize),
}

impl NameRef {
    fn arabic(self) -> &'static str {
        match self {
            NameRef::Male(i) => MALE[i].1,
            NameRef::Female(i) => FEMALE[i].1,
            NameRef::Family(i) => FAMILIES[i].2,
        }
    }

    fn latin(self) -> &'static [&'static str] {
        match self {
            NameRef::Male(i) => MALE[i].2,
            NameRef::Female(i) => FEMALE[i].2,
            NameRef::Family(i) => FAMILIES[i].3,
        }
    }
}

/// A person as the generator knows them, before any list writes them down.
#[derive(Debug, Clone)]
struct Identity {
    kunya: Option<Word>,
    /// Given name, father's, grandfather's…, family name last.
    name: Vec<Word>,
    father: Option<Word>,
    mother: Vec<Word>,
    birth_year: Option<u16>,
    origin: Option<Place>,
    event_place: Option<Place>,
    event_date: Option<Date>,
    category: PersonCategory,
    holding_party: String,
    woman: bool,
    child: bool,
    elderly: bool,
    sick: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Place {
    Town(usize),
    Unknown(String),
}

fn male(rng: &mut Rng) -> Word {
    let i = rng.weighted(MALE.iter().map(|r| r.0));
    Word::Known {
        name: NameRef::Male(i),
        article: false,
    }
}

fn female(rng: &mut Rng) -> Word {
    let i = rng.weighted(FEMALE.iter().map(|r| r.0));
    Word::Known {
        name: NameRef::Female(i),
        article: false,
    }
}

fn family(rng: &mut Rng) -> Word {
    let i = rng.weighted(FAMILIES.iter().map(|r| r.0));
    Word::Known {
        name: NameRef::Family(i),
        article: FAMILIES[i].1,
    }
}

fn town(rng: &mut Rng) -> usize {
    rng.weighted(TOWNS.iter().map(|r| r.0))
}

/// Years of birth peak in the late 1980s, as among detainees.
fn birth_year(rng: &mut Rng) -> u16 {
    let spread = (0..4).map(|_| rng.below(16) as u16).sum::<u16>();
    1958 + spread
}

impl Identity {
    fn random(rng: &mut Rng) -> Self {
        let woman = rng.chance(0.12);
        let given = if woman { female(rng) } else { male(rng) };
        let father = male(rng);
        let family = family(rng);
        let mut name = vec![given, father.clone()];
        if rng.chance(0.3) {
            name.push(male(rng));
        }
        name.push(family);
        let mut mother = vec![female(rng)];
        if rng.chance(0.5) {
            mother.push(self::family(rng));
        }
        let year = birth_year(rng);
        let event_year = (2012 + rng.below(13) as i16).max(year as i16 + 1);
        let event_date =
            Date::new(event_year, 1 + rng.below(12) as i8, 1 + rng.below(28) as i8).ok();
        let origin = town(rng);
        let event_place = if rng.chance(0.5) { origin } else { town(rng) };
        Self {
            kunya: None,
            name,
            father: Some(father),
            mother,
            birth_year: Some(year),
            origin: Some(Place::Town(origin)),
            event_place: Some(Place::Town(event_place)),
            event_date,
            category: held_category(rng),
            holding_party: HOLDING_PARTIES[rng.below(HOLDING_PARTIES.len())].to_string(),
            woman,
            child: event_year - (year as i16) < 18,
            elderly: event_year - (year as i16) >= 65,
            sick: rng.chance(0.08),
        }
    }

    /// Another person with the same given and family name: another father
    /// (so another middle name), mother and birth year; from the same town
    /// half the time.
    fn namesake(&self, rng: &mut Rng) -> Self {
        let mut other = Identity::random(rng);
        other.woman = self.woman;
        let father = loop {
            let candidate = male(rng);
            if Some(&candidate) != self.father.as_ref() {
                break candidate;
            }
        };
        other.name = vec![
            self.name.first().cloned().unwrap_or_else(|| male(rng)),
            father.clone(),
        ];
        other.name.extend(self.name.last().cloned());
        other.father = Some(father);
        if rng.chance(0.5) {
            other.origin = self.origin.clone();
        }
        other
    }

    /// The identity as another list would have it: names dropped, moved
    /// or added, fields missing, the year of birth off.
    fn with_noise(&self, noise: &Noise, rng: &mut Rng) -> Self {
        let mut out = self.clone();
        if out.name.len() > 3 && rng.chance(noise.drop_grandfather) {
            out.name.remove(2);
        }
        if out.name.len() == 3 && rng.chance(noise.drop_father_from_name) {
            out.name.remove(1);
        }
        if out.kunya.is_some() && rng.chance(noise.drop_kunya) {
            out.kunya = None;
        } else if out.kunya.is_none() && !out.woman && rng.chance(noise.add_kunya) {
            out.kunya = Some(male(rng));
        }
        if out.name.len() > 1 && rng.chance(noise.family_name_first) {
            out.name.rotate_right(1);
        }
        if rng.chance(noise.missing_father) {
            out.father = None;
        }
        if rng.chance(noise.missing_mother) {
            out.mother.clear();
        }
        out.birth_year = out.birth_year.and_then(|year| {
            if rng.chance(noise.missing_birth_year) {
                return None;
            }
            let shift = if rng.chance(noise.birth_year_off_by_one) {
                1
            } else if rng.chance(noise.birth_year_off_by_two) {
                2
            } else {
                0
            };
            Some(if rng.chance(0.5) {
                year + shift
            } else {
                year - shift
            })
        });
        if rng.chance(noise.missing_origin) {
            out.origin = None;
        }
        if rng.chance(noise.missing_event_place) {
            out.event_place = None;
        }
        out
    }

    /// Reads a person back into names from the lists, preferring the
    /// script whose words the lists all know.
    fn read(person: &Person) -> Self {
        let latin = read_words(&person.name_latin, false);
        let arabic = read_words(&person.name_arabic, true);
        let known = |words: &(Option<Word>, Vec<Word>)| {
            !words.1.is_empty() && words.1.iter().all(|w| matches!(w, Word::Known { .. }))
        };
        let (kunya, name) = if known(&latin) || arabic.1.is_empty() {
            latin
        } else {
            arabic
        };
        let field =
            |text: &str| read_words(text, text.chars().any(truce_exchange::is_arabic_letter)).1;
        Self {
            kunya,
            name,
            father: field(&person.father_name).into_iter().next(),
            mother: field(&person.mother_name),
            birth_year: person.birth_year,
            origin: read_place(&person.origin),
            event_place: read_place(&person.event_place),
            event_date: person.event_date,
            category: person.category,
            holding_party: person.holding_party.clone(),
            woman: person.woman,
            child: person.child,
            elderly: person.elderly,
            sick: person.sick,
        }
    }
}

/// Detaining sides hold mostly detainees; some abductees; some bodies.
fn held_category(rng: &mut Rng) -> PersonCategory {
    match rng.below(20) {
        0..=13 => PersonCategory::Detainee,
        14..=16 => PersonCategory::Abductee,
        _ => PersonCategory::Body,
    }
}

/// What a family reports for someone the other side holds: often only
/// that they are missing.
fn reported_category(held: PersonCategory, rng: &mut Rng) -> PersonCategory {
    if rng.chance(0.45) {
        return PersonCategory::Missing;
    }
    match held {
        PersonCategory::Detainee | PersonCategory::Abductee if rng.chance(0.3) => {
            PersonCategory::Abductee
        }
        PersonCategory::Abductee => PersonCategory::Detainee,
        other => other,
    }
}

/// How one record is written down.
#[derive(Debug, Clone)]
struct Style {
    latin: bool,
    arabic: bool,
    drop_family_article: f64,
    origin_in_arabic: bool,
}

impl Style {
    fn noisy(noise: &Noise, rng: &mut Rng) -> Self {
        let draw = rng.next_u64() as f64 / u64::MAX as f64;
        let arabic_only = draw < noise.arabic_only;
        let latin_only = !arabic_only && draw < noise.arabic_only + noise.latin_only;
        Self {
            latin: !arabic_only,
            arabic: !latin_only,
            drop_family_article: noise.drop_family_article,
            origin_in_arabic: rng.chance(noise.origin_in_arabic),
        }
    }
}

fn render(identity: &Identity, style: &Style, rng: &mut Rng) -> Person {
    let arabic_fields = style.arabic && !style.latin;
    let mut person = Person {
        name_arabic: String::new(),
        name_latin: String::new(),
        father_name: String::new(),
        mother_name: String::new(),
        birth_year: identity.birth_year,
        origin: render_place(identity.origin.as_ref(), style.origin_in_arabic, rng),
        category: identity.category,
        event_date: identity.event_date,
        event_place: render_place(identity.event_place.as_ref(), false, rng),
        holding_party: identity.holding_party.clone(),
        woman: identity.woman,
        child: identity.child,
        elderly: identity.elderly,
        sick: identity.sick,
        notes: String::new(),
    };
    let has_unknown_latin = identity
        .name
        .iter()
        .any(|w| matches!(w, Word::Unknown { latin, .. } if latin.is_empty()));
    let has_unknown_arabic = identity
        .name
        .iter()
        .any(|w| matches!(w, Word::Unknown { arabic, .. } if arabic.is_empty()));
    let (want_latin, want_arabic) = match (
        style.latin && !has_unknown_latin,
        style.arabic && !has_unknown_arabic,
    ) {
        (false, false) => (!has_unknown_latin, has_unknown_latin),
        wanted => wanted,
    };
    if want_latin {
        person.name_latin = render_full_name(identity, false, style, rng);
    }
    if want_arabic {
        person.name_arabic = render_full_name(identity, true, style, rng);
    }
    let one = |words: &[Word], rng: &mut Rng| render_words(words, arabic_fields, 0.0, rng);
    if let Some(father) = &identity.father {
        person.father_name = one(std::slice::from_ref(father), rng);
    }
    person.mother_name = one(&identity.mother, rng);
    person
}

fn render_full_name(identity: &Identity, arabic: bool, style: &Style, rng: &mut Rng) -> String {
    let name = render_words(&identity.name, arabic, style.drop_family_article, rng);
    let Some(kunya) = &identity.kunya else {
        return name;
    };
    let son = render_words(std::slice::from_ref(kunya), arabic, 0.0, rng);
    let abu = if arabic {
        "أبو"
    } else {
        ["Abu", "Abou", "Abo"][rng.below(3)]
    };
    if rng.chance(0.5) {
        format!("{abu} {son} {name}")
    } else {
        format!("{name} ({abu} {son})")
    }
}

fn render_words(words: &[Word], arabic: bool, drop_article: f64, rng: &mut Rng) -> String {
    let rendered: Vec<String> = words
        .iter()
        .filter_map(|word| {
            let text = match word {
                Word::Known { name, article } => {
                    let article = *article && !rng.chance(drop_article);
                    if arabic {
                        render_arabic(*name, article, rng)
                    } else {
                        render_latin(*name, article, rng)
                    }
                }
                Word::Unknown {
                    latin,
                    arabic: in_arabic,
                } => {
                    if arabic {
                        in_arabic.clone()
                    } else {
                        latin.clone()
                    }
                }
            };
            (!text.is_empty()).then_some(text)
        })
        .collect();
    rendered.join(" ")
}

const SUN_LETTERS: &[&str] = &["th", "sh", "dh", "t", "d", "r", "z", "s", "n"];

fn render_latin(name: NameRef, article: bool, rng: &mut Rng) -> String {
    let spelling = rng.spelling(name.latin());
    if !article {
        return spelling.to_string();
    }
    let lower = spelling.to_lowercase();
    let sun = SUN_LETTERS.iter().find(|l| lower.starts_with(*l));
    match (rng.below(8), sun) {
        (0, Some(letters)) => format!("a{letters}-{spelling}"),
        (0..=2, _) => format!("al-{spelling}"),
        (3, _) => format!("Al-{spelling}"),
        (4, _) => format!("Al {spelling}"),
        (5, _) => format!("el-{spelling}"),
        (6, _) => format!("Al{}", lower),
        _ => format!("al-{spelling}"),
    }
}

fn render_arabic(name: NameRef, article: bool, rng: &mut Rng) -> String {
    let mut text = name.arabic().to_string();
    if rng.chance(0.3) {
        // Hamza seats and final forms are often written plainly.
        text = text.replace(['أ', 'إ', 'آ'], "ا");
    }
    if rng.chance(0.2) {
        text = text.replace('ة', "ه").replace('ى', "ي");
    }
    if text.starts_with("عبد ") && rng.chance(0.4) {
        text = text.replacen("عبد ", "عبد", 1);
    }
    if article {
        text = format!("ال{text}");
    }
    text
}

fn render_place(place: Option<&Place>, arabic: bool, rng: &mut Rng) -> String {
    match place {
        Some(Place::Town(i)) if arabic => TOWNS[*i].1.to_string(),
        Some(Place::Town(i)) => rng.spelling(TOWNS[*i].2).to_string(),
        Some(Place::Unknown(text)) => text.clone(),
        None => String::new(),
    }
}

/// One letter changed, dropped, doubled or swapped in one Latin word, or
/// one Arabic letter dropped when the record has no Latin name.
fn add_typo(person: &mut Person, rng: &mut Rng) {
    let target = if person.name_latin.is_empty() {
        &mut person.name_arabic
    } else {
        &mut person.name_latin
    };
    let mut chars: Vec<char> = target.chars().collect();
    let letters: Vec<usize> = (1..chars.len().saturating_sub(1))
        .filter(|&i| {
            chars[i].is_alphabetic() && chars[i - 1].is_alphabetic() && chars[i + 1].is_alphabetic()
        })
        .collect();
    if letters.is_empty() {
        return;
    }
    let at = letters[rng.below(letters.len())];
    let latin = chars[at].is_ascii();
    match (rng.below(4), latin) {
        (0, true) => chars[at] = (b'a' + rng.below(26) as u8) as char,
        (1, true) => chars.insert(at, chars[at]),
        (2, true) => chars.swap(at, at + 1),
        _ => {
            chars.remove(at);
        }
    }
    *target = chars.into_iter().collect();
}

/// Lookup of every spelling the lists know, folded, to its name.
fn lexicon() -> &'static HashMap<String, NameRef> {
    static LEXICON: OnceLock<HashMap<String, NameRef>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut map = HashMap::new();
        let mut add = |name: NameRef| {
            for spelling in name.latin() {
                map.entry(fold(spelling)).or_insert(name);
            }
            map.entry(fold(name.arabic())).or_insert(name);
        };
        (0..MALE.len()).for_each(|i| add(NameRef::Male(i)));
        (0..FEMALE.len()).for_each(|i| add(NameRef::Female(i)));
        (0..FAMILIES.len()).for_each(|i| add(NameRef::Family(i)));
        map
    })
}

fn town_lexicon() -> &'static HashMap<String, usize> {
    static LEXICON: OnceLock<HashMap<String, usize>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut map = HashMap::new();
        for (i, (_, arabic, latin)) in TOWNS.iter().enumerate() {
            for spelling in latin.iter().chain(std::iter::once(arabic)) {
                map.entry(fold(spelling)).or_insert(i);
            }
        }
        map
    })
}

/// Lower case, hyphens as spaces, plain alef, hamza marks and brackets
/// gone, "عبد" joined to what follows.
fn fold(text: &str) -> String {
    let plain: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '\'' | '(' | ')'))
        .map(|c| match c {
            '-' => ' ',
            'أ' | 'إ' | 'آ' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            c => c,
        })
        .collect();
    plain
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("عبد ", "عبد")
}

const ARTICLES: &[&str] = &[
    "al", "el", "ad", "ash", "as", "ar", "at", "az", "an", "adh", "ath",
];

/// A word group without its article, and whether it had one.
fn strip_article(folded: &str) -> Option<(String, bool)> {
    if let Some(rest) = folded.strip_prefix("ال") {
        return Some((rest.to_string(), true));
    }
    let (first, rest) = folded.split_once(' ')?;
    ARTICLES.contains(&first).then(|| (rest.to_string(), true))
}

fn lookup(folded: &str) -> Option<Word> {
    let lexicon = lexicon();
    if let Some(&name) = lexicon.get(folded) {
        return Some(Word::Known {
            name,
            article: false,
        });
    }
    let glued = ["al", "el"]
        .iter()
        .find_map(|a| {
            folded
                .strip_prefix(a)
                .filter(|r| r.len() > 2 && !r.contains(' '))
        })
        .map(|r| (r.to_string(), true));
    let (rest, article) = strip_article(folded).or(glued)?;
    lexicon
        .get(&rest)
        .map(|&name| Word::Known { name, article })
}

/// The words of a full name, longest known groups first; a kunya at the
/// start or in brackets comes apart.
fn read_words(text: &str, arabic: bool) -> (Option<Word>, Vec<Word>) {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|t| !t.is_empty())
        .collect();
    let mut words = Vec::new();
    let mut kunya = None;
    let mut i = 0;
    while i < tokens.len() {
        let is_abu = matches!(fold(tokens[i]).as_str(), "abu" | "abou" | "abo" | "ابو");
        let at_kunya_place = i == 0 || text.contains('(');
        if is_abu && at_kunya_place && i + 1 < tokens.len() && kunya.is_none() {
            if let Some(word) = lookup(&fold(tokens[i + 1])) {
                let family_abu = lookup(&fold(&tokens[i..i + 2].join(" ")));
                if family_abu.is_none() || i == 0 {
                    kunya = Some(word);
                    i += 2;
                    continue;
                }
            }
        }
        let (word, used) = (1..=3)
            .rev()
            .filter(|k| i + k <= tokens.len())
            .find_map(|k| lookup(&fold(&tokens[i..i + k].join(" "))).map(|w| (w, k)))
            .unwrap_or_else(|| (unknown(tokens[i], arabic), 1));
        words.push(word);
        i += used;
    }
    (kunya, words)
}

fn unknown(token: &str, arabic: bool) -> Word {
    if arabic {
        Word::Unknown {
            latin: String::new(),
            arabic: token.to_string(),
        }
    } else {
        Word::Unknown {
            latin: token.to_string(),
            arabic: String::new(),
        }
    }
}

fn read_place(text: &str) -> Option<Place> {
    if text.trim().is_empty() {
        return None;
    }
    let place = match town_lexicon().get(&fold(text)) {
        Some(&i) => Place::Town(i),
        None => Place::Unknown(text.to_string()),
    };
    Some(place)
}

#[rustfmt::skip]
mod names;
