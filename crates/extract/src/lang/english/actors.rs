//! The shipped list of states and organisations, with the English names,
//! adjectives, capitals used as metonyms, and people who speak for them.
//! Matching is case-sensitive on purpose: "US", "IS" and "UN" are only
//! acronyms in capitals.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::candidate::Actor;
use crate::locate::is_word_boundary;

/// (id, display name, whether a state, aliases).
const ACTORS: &[(&str, &str, bool, &[&str])] = &[
    (
        "russia",
        "Russia",
        true,
        &[
            "Russia",
            "Russian",
            "Russians",
            "Moscow",
            "Kremlin",
            "Lavrov",
            "Putin",
            "Russian Federation",
            "Russian Aerospace Forces",
            "Russian warplanes",
            "Russian Centre for Reconciliation",
            "Russian Center for Reconciliation",
        ],
    ),
    (
        "turkey",
        "Turkey",
        true,
        &[
            "Turkey",
            "Turkish",
            "Türkiye",
            "Ankara",
            "Erdogan",
            "Cavusoglu",
            "Turkish army",
            "Turkish Armed Forces",
        ],
    ),
    (
        "iran",
        "Iran",
        true,
        &[
            "Iran",
            "Iranian",
            "Tehran",
            "Zarif",
            "Rouhani",
            "Islamic Revolutionary Guard Corps",
            "IRGC",
        ],
    ),
    (
        "syria",
        "Syrian government",
        true,
        &[
            "Syrian government",
            "Syrian army",
            "Syrian Arab Army",
            "SAA",
            "Syrian government forces",
            "government forces",
            "pro-government forces",
            "regime forces",
            "Syrian regime",
            "Syrian troops",
            "Syrian forces",
            "Assad",
            "Syrian Foreign Ministry",
            "Syrian authorities",
            "Syrian air force",
            "Syrian warplanes",
            "government troops",
            "army",
        ],
    ),
    (
        "usa",
        "United States",
        true,
        &[
            "United States",
            "US",
            "U.S.",
            "USA",
            "American",
            "Americans",
            "Washington",
            "Pentagon",
            "US-led coalition",
            "U.S.-led coalition",
            "Tillerson",
        ],
    ),
    (
        "un",
        "United Nations",
        false,
        &[
            "United Nations",
            "UN",
            "U.N.",
            "de Mistura",
            "OCHA",
            "UN Security Council",
            "Security Council",
        ],
    ),
    (
        "icrc",
        "International Committee of the Red Cross",
        false,
        &[
            "ICRC",
            "International Committee of the Red Cross",
            "Red Cross",
        ],
    ),
    (
        "sarc",
        "Syrian Arab Red Crescent",
        false,
        &["SARC", "Syrian Arab Red Crescent", "Red Crescent"],
    ),
    (
        "sdf",
        "Syrian Democratic Forces",
        false,
        &[
            "SDF",
            "Syrian Democratic Forces",
            "YPG",
            "Kurdish-led forces",
            "Kurdish fighters",
        ],
    ),
    (
        "hts",
        "Hayat Tahrir al-Sham",
        false,
        &[
            "HTS",
            "Hayat Tahrir al-Sham",
            "Hay'at Tahrir al-Sham",
            "Tahrir al-Sham",
            "Jabhat al-Nusra",
            "al-Nusra Front",
            "Nusra Front",
            "Nusra",
            "Jabhat Fatah al-Sham",
            "Jabhat al-Nusra terrorist group",
        ],
    ),
    (
        "isis",
        "Islamic State",
        false,
        &[
            "ISIS",
            "ISIL",
            "Islamic State",
            "IS",
            "Daesh",
            "Daesh terrorists",
        ],
    ),
    (
        "jaysh_al_islam",
        "Jaysh al-Islam",
        false,
        &["Jaysh al-Islam", "Jaish al-Islam", "Jaish al Islam"],
    ),
    (
        "ahrar_al_sham",
        "Ahrar al-Sham",
        false,
        &["Ahrar al-Sham", "Ahrar al Sham", "Harakat Ahrar al-Sham"],
    ),
    (
        "fsa",
        "Free Syrian Army",
        false,
        &["Free Syrian Army", "FSA"],
    ),
    (
        "faylaq_al_rahman",
        "Faylaq al-Rahman",
        false,
        &["Faylaq al-Rahman", "Failaq al-Rahman"],
    ),
    (
        "hezbollah",
        "Hezbollah",
        false,
        &["Hezbollah", "Hizbollah", "Hizbullah"],
    ),
    ("israel", "Israel", true, &["Israel", "Israeli"]),
    ("jordan", "Jordan", true, &["Jordan", "Jordanian", "Amman"]),
    (
        "opposition",
        "Armed opposition",
        false,
        &[
            "rebels",
            "rebel",
            "armed opposition",
            "opposition fighters",
            "opposition groups",
            "rebel groups",
            "opposition factions",
            "armed groups",
            "militants",
            "insurgents",
            "the opposition",
            "opposition",
        ],
    ),
];

struct ActorIndex {
    /// Acronyms and short names ("US", "IS", "UN"): exact case.
    exact: AhoCorasick,
    exact_actor: Vec<usize>,
    /// Everything else, ASCII case-insensitive ("Government forces").
    folded: AhoCorasick,
    folded_actor: Vec<usize>,
}

/// An alias is matched case-sensitively when it is short or all capitals,
/// because then a case-folded match would hit ordinary words ("us", "is").
fn is_exact(alias: &str) -> bool {
    alias.len() <= 4 || alias.chars().all(|c| !c.is_ascii_lowercase())
}

static INDEX: LazyLock<Option<ActorIndex>> = LazyLock::new(|| {
    let (mut exact, mut exact_actor, mut folded, mut folded_actor) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, (_, _, _, aliases)) in ACTORS.iter().enumerate() {
        for alias in *aliases {
            if is_exact(alias) {
                exact.push(*alias);
                exact_actor.push(i);
            } else {
                folded.push(*alias);
                folded_actor.push(i);
            }
        }
    }
    let build = |patterns: &[&str], fold: bool| {
        AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(fold)
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .ok()
    };
    Some(ActorIndex {
        exact: build(&exact, false)?,
        exact_actor,
        folded: build(&folded, true)?,
        folded_actor,
    })
});

/// An actor mention in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorMention {
    pub start: usize,
    pub end: usize,
    index: usize,
}

impl ActorMention {
    pub fn actor(&self) -> Actor {
        let (id, name, _, _) = ACTORS[self.index];
        Actor {
            id: id.to_string(),
            name: name.to_string(),
        }
    }
    pub fn id(&self) -> &'static str {
        ACTORS[self.index].0
    }
    pub fn is_state(&self) -> bool {
        ACTORS[self.index].2
    }
}

/// Actor mentions in `text`, whole words, in order. A name followed by a
/// hyphen is an attribute, not an actor ("rebel-held", "Turkish-backed").
pub fn find_actors(text: &str) -> Vec<ActorMention> {
    let Some(index) = INDEX.as_ref() else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let keep = |s: usize, e: usize| is_word_boundary(bytes, s, e) && bytes.get(e) != Some(&b'-');
    let mut out: Vec<ActorMention> = index
        .folded
        .find_iter(text)
        .filter(|m| keep(m.start(), m.end()))
        .map(|m| ActorMention {
            start: m.start(),
            end: m.end(),
            index: index.folded_actor[m.pattern().as_usize()],
        })
        .collect();
    for m in index.exact.find_iter(text) {
        let overlaps = out.iter().any(|o| o.start < m.end() && m.start() < o.end);
        if keep(m.start(), m.end()) && !overlaps {
            out.push(ActorMention {
                start: m.start(),
                end: m.end(),
                index: index.exact_actor[m.pattern().as_usize()],
            });
        }
    }
    out.sort_by_key(|m| m.start);
    // "(a terrorist organisation banned in Russia)": the country that bans a
    // group is named by legal boilerplate, not as a party to what happened.
    out.retain(|m| !names_a_ban(&text[..m.start]));
    out
}

/// The actor with identifier `id`, as the shipped list names it.
pub fn actor_by_id(id: &str) -> Option<Actor> {
    ACTORS.iter().find(|a| a.0 == id).map(|a| Actor {
        id: a.0.to_string(),
        name: a.1.to_string(),
    })
}

/// Whether `before` ends with "banned in", "prohibited in" or "outlawed in".
fn names_a_ban(before: &str) -> bool {
    let before = before.trim_end();
    let Some(rest) = before
        .strip_suffix(" in")
        .or_else(|| before.strip_suffix(" In"))
    else {
        return false;
    };
    ["banned", "prohibited", "outlawed", "proscribed"]
        .iter()
        .any(|w| super::text::ends_with_ci(rest.trim_end(), w))
}

/// Builds the actors' index now rather than on first use.
pub(super) fn build_tables() {
    LazyLock::force(&INDEX);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_of_a_ban_is_no_actor() {
        let found: Vec<_> = find_actors(
            "HTS (a terrorist organisation banned in Russia) shelled Russian positions.",
        )
        .iter()
        .map(|m| m.id())
        .collect();
        assert_eq!(found, vec!["hts", "russia"]);
    }

    #[test]
    fn finds_actors_case_sensitively() {
        let found: Vec<_> =
            find_actors("The US and Russian warplanes hit HTS; bus drivers in Tehran.")
                .iter()
                .map(|m| m.id())
                .collect();
        assert_eq!(found, vec!["usa", "russia", "hts", "iran"]);
    }
}
