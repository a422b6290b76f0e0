//! Throughput of `find_names` on generated news-like text, and the cost of
//! `governorate_at`. Plain std::time; run with `cargo bench -p truce-gazetteer`.

use std::hint::black_box;
use std::time::Instant;

use truce_gazetteer::Gazetteer;

/// Deterministic xorshift, so every run measures the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const FILLER: &[&str] = &[
    "the",
    "shelling",
    "of",
    "residential",
    "areas",
    "was",
    "reported",
    "by",
    "monitors",
    "in",
    "and",
    "near",
    "artillery",
    "fire",
    "killed",
    "two",
    "civilians",
    "injured",
    "five",
    "at",
    "as",
    "an",
    "Hamas",
    "sources",
    "said",
    "village",
    "outskirts",
    "ceasefire",
    "violation",
    "recorded",
    "side",
    "Russian",
    "Turkish",
    "registered",
    "drone",
    "strike",
    "on",
    "positions",
];

const NAMES: &[&str] = &[
    "Idlib",
    "Idleb province",
    "Deir ez-Zor",
    "Aleppo",
    "Damascus countryside",
    "Daraa",
    "Khan Sheikhoun",
    "Maarat al-Numan",
    "Jisr al-Shughur",
    "Saraqib",
    "Douma",
    "Kobani",
    "Tell Rifaat",
    "Palmyra",
    "Abu Kamal",
    "Qamishli",
    "Hama",
    "Latakia",
    "Sweida",
    "Al-Bab",
];

/// About `bytes` of text: sentences of filler with a place name every ~12 words.
fn news_text(bytes: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut text = String::with_capacity(bytes + 100);
    while text.len() < bytes {
        for _ in 0..12 {
            text.push_str(rng.pick(FILLER));
            text.push(' ');
        }
        text.push_str(rng.pick(NAMES));
        text.push_str(". ");
    }
    text
}

fn bench_find_names(gaz: &Gazetteer) {
    let text = news_text(4 << 20);
    let mb = text.len() as f64 / 1e6;
    let runs = 5;
    let mut found = 0;
    let start = Instant::now();
    for _ in 0..runs {
        found = black_box(gaz.find_names(black_box(&text))).len();
    }
    let secs = start.elapsed().as_secs_f64() / runs as f64;
    println!(
        "find_names: {mb:.1} MB in {:.1} ms -> {:.0} MB/s ({found} names)",
        secs * 1e3,
        mb / secs
    );
}

fn bench_governorate_at(gaz: &Gazetteer) {
    let (x0, y0, x1, y1) = gaz.bounds();
    let mut rng = Rng(42);
    let points: Vec<(f64, f64)> = (0..200_000)
        .map(|_| (x0 + rng.unit() * (x1 - x0), y0 + rng.unit() * (y1 - y0)))
        .collect();
    let start = Instant::now();
    let inside = points
        .iter()
        .filter(|(x, y)| black_box(gaz.governorate_at(*x, *y)).is_some())
        .count();
    let per_call = start.elapsed().as_secs_f64() / points.len() as f64;
    println!(
        "governorate_at: {:.2} µs per point ({} points in the bounding box, {inside} inside Syria)",
        per_call * 1e6,
        points.len()
    );
}

fn main() {
    let start = Instant::now();
    let gaz = Gazetteer::syria();
    println!(
        "Gazetteer::syria(): first call {:.1} ms ({gaz:?})",
        start.elapsed().as_secs_f64() * 1e3
    );
    bench_find_names(gaz);
    bench_governorate_at(gaz);
}
