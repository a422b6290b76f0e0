//! Trigger words: which words signal which event type. One automaton over
//! all of them, so a text is scanned once whatever the size of the lexicon.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::locate::is_word_boundary;
use crate::taxonomy::{EventType, ViolationType};

use EventType::{Agreement, DetaineeExchange, Meeting, Statement, Violation};
use ViolationType::*;

const TRIGGERS: &[(EventType, &[&str])] = &[
    (
        Violation(Shelling),
        &[
            "shelling",
            "shelled",
            "shells",
            "shell",
            "artillery",
            "mortar",
            "mortars",
            "mortar fire",
            "rocket",
            "rockets",
            "rocket fire",
            "missile",
            "missiles",
            "tank fire",
            "mortar shells",
            "artillery fire",
            "MLRS",
            "Grad",
            "bombarded",
            "bombardment",
            "rocket attack",
            "rocket attacks",
            "mortar rounds",
            "mortar attack",
            "shelling attacks",
        ],
    ),
    (
        Violation(AirStrike),
        &[
            "air strike",
            "air strikes",
            "airstrike",
            "airstrikes",
            "air raid",
            "air raids",
            "airstrikes",
            "warplanes",
            "warplane",
            "bombing raids",
            "bombing raid",
            "barrel bombs",
            "barrel bomb",
            "drone strike",
            "drone strikes",
            "helicopter gunships",
            "aerial bombardment",
            "aircraft struck",
            "jets struck",
            "jets",
            "bombed",
            "bombing",
            "air attack",
            "air attacks",
            "air force",
            "missile strike",
            "missile strikes",
            "missile attack",
            "missile attacks",
            "cruise missile",
            "cruise missiles",
            "Tomahawk",
            "Tomahawks",
        ],
    ),
    (
        Violation(GroundAssault),
        &[
            "assault",
            "assaults",
            "ground assault",
            "ground offensive",
            "offensive",
            "stormed",
            "attacked positions",
            "attack on positions",
            "infiltration",
            "infiltrated",
            "clashes",
            "clashed",
            "advance",
            "advanced",
            "incursion",
            "tried to storm",
            "attempted to advance",
            "ground attack",
            "raid on",
            "overran",
            "attacked",
            "attack",
            "attacks",
            "fighting",
        ],
    ),
    (
        Violation(SmallArms),
        &[
            "firing",
            "fired",
            "gunfire",
            "small arms",
            "small-arms",
            "small arms fire",
            "sniper",
            "snipers",
            "sniper fire",
            "machine gun",
            "machine-gun",
            "heavy machine guns",
            "shooting",
            "shot",
            "shots",
            "opened fire",
            "automatic weapons",
        ],
    ),
    (
        Violation(Ied),
        &[
            "IED",
            "IEDs",
            "improvised explosive device",
            "improvised explosive devices",
            "roadside bomb",
            "car bomb",
            "car bombs",
            "landmine",
            "landmines",
            "explosive device",
            "explosive devices",
            "suicide bomber",
            "suicide bombing",
            "booby-trapped",
            "bomb exploded",
            "explosion",
            "blast",
        ],
    ),
    (
        Violation(ForcesMovement),
        &[
            "reinforcements",
            "deployed",
            "deployment of",
            "moved troops",
            "movement of forces",
            "movement of troops",
            "military build-up",
            "military buildup",
            "amassed",
            "massing",
            "brought in heavy weapons",
            "moved heavy weapons",
            "military convoy",
            "troop movements",
        ],
    ),
    (
        Violation(Obstruction),
        &[
            "blocked aid",
            "blocked an aid convoy",
            "blocked a convoy",
            "obstructed",
            "obstruction",
            "denied access",
            "prevented the convoy",
            "prevented aid",
            "prevented an aid convoy",
            "turned back",
            "refused to allow",
            "blocked access",
            "blocked humanitarian",
            "blocked the delivery",
        ],
    ),
    (
        Violation(DetentionAbduction),
        &[
            "detained",
            "abducted",
            "kidnapped",
            "arrested",
            "abduction",
            "abductions",
            "kidnapping",
            "seized",
            "taken hostage",
            "detention of",
            "arrest of",
            "rounded up",
        ],
    ),
    (
        DetaineeExchange,
        &[
            "exchange of detainees",
            "prisoner exchange",
            "prisoner swap",
            "detainee exchange",
            "exchange of prisoners",
            "swap of detainees",
            "exchanged",
            "swapped",
            "exchange of bodies",
            "released detainees",
            "simultaneous release",
        ],
    ),
    (
        Agreement,
        &[
            "agreed",
            "agreement",
            "signed",
            "memorandum",
            "accord",
            "deal",
            "reached an understanding",
            "endorsed",
            "approved",
        ],
    ),
    (
        Meeting,
        &[
            "meeting",
            "meetings",
            "met",
            "talks",
            "consultations",
            "summit",
            "round of negotiations",
            "negotiations",
            "conference",
            "will meet",
            "to meet",
        ],
    ),
    (
        Statement,
        &[
            "said in a statement",
            "statement",
            "stated",
            "declared",
            "announced",
            "condemned",
            "denounced",
            "called on",
            "warned",
            "accused",
            "said",
        ],
    ),
];

struct TriggerIndex {
    automaton: AhoCorasick,
    pattern_type: Vec<EventType>,
    /// Whether each pattern is in [`WEAK`], decided once here rather than
    /// per match.
    pattern_weak: Vec<bool>,
}

static INDEX: LazyLock<Option<TriggerIndex>> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut pattern_type = Vec::new();
    let mut pattern_weak = Vec::new();
    for (event_type, words) in TRIGGERS {
        for w in *words {
            patterns.push(*w);
            pattern_type.push(*event_type);
            pattern_weak.push(WEAK.iter().any(|weak| weak.eq_ignore_ascii_case(w)));
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .ok()?;
    Some(TriggerIndex {
        automaton,
        pattern_type,
        pattern_weak,
    })
});

/// A trigger word in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    pub start: usize,
    pub end: usize,
    pub event_type: EventType,
    /// A generic word ("fired", "attack") that yields to a more specific
    /// trigger in the same sentence ("fired mortar rounds" is shelling).
    pub weak: bool,
}

/// Generic violent words: they name an event only when nothing more
/// specific does.
const WEAK: &[&str] = &[
    "fired",
    "firing",
    "shooting",
    "shot",
    "shots",
    "opened fire",
    "attack",
    "attacks",
    "attacked",
    "fighting",
    "clashes",
    "clashed",
    "explosion",
    "blast",
];

/// Trigger words in `text`, whole words, in order.
pub fn find_triggers(text: &str) -> Vec<Trigger> {
    let Some(index) = INDEX.as_ref() else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    index
        .automaton
        .find_iter(text)
        .filter(|m| is_word_boundary(bytes, m.start(), m.end()))
        .map(|m| Trigger {
            start: m.start(),
            end: m.end(),
            event_type: index.pattern_type[m.pattern().as_usize()],
            weak: index.pattern_weak[m.pattern().as_usize()],
        })
        .collect()
}

/// Builds the triggers' index now rather than on first use.
pub(super) fn build_tables() {
    LazyLock::force(&INDEX);
}
