//! Jaro-Winkler similarity on the ASCII forms the normaliser produces.
//!
//! Written here rather than taken from a crate because it runs tens of
//! millions of times per matching on short words: it works on bytes and
//! keeps its bookkeeping on the stack.

/// Words longer than this compare on their first `MAX_LEN` bytes; no name
/// word comes near it.
const MAX_LEN: usize = 64;

pub(crate) fn jaro_winkler(a: &str, b: &str) -> f32 {
    let (a, b) = (clip(a.as_bytes()), clip(b.as_bytes()));
    if a == b {
        return if a.is_empty() { 0.0 } else { 1.0 };
    }
    let jaro = jaro(a, b);
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + prefix as f32 * 0.1 * (1.0 - jaro)
}

fn clip(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(MAX_LEN)]
}

fn jaro(a: &[u8], b: &[u8]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_matched = [false; MAX_LEN];
    let mut b_matched = [false; MAX_LEN];
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let from = i.saturating_sub(window);
        let to = (i + window + 1).min(b.len());
        for j in from..to {
            if !b_matched[j] && b[j] == x {
                a_matched[i] = true;
                b_matched[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_order = a.iter().zip(&a_matched).filter(|(_, &m)| m).map(|(c, _)| c);
    let b_order = b.iter().zip(&b_matched).filter(|(_, &m)| m).map(|(c, _)| c);
    let half_transpositions = a_order.zip(b_order).filter(|(x, y)| x != y).count();
    let m = matches as f32;
    let t = (half_transpositions / 2) as f32;
    (m / a.len() as f32 + m / b.len() as f32 + (m - t) / m) / 3.0
}

#[derive(Clone, Copy, PartialEq)]
enum Sound {
    Consonant,
    Short(u8),
    Long(u8),
}

fn sound(b: u8) -> Sound {
    match b {
        b'a' | b'i' | b'u' => Sound::Short(b),
        b'A' | b'I' | b'U' => Sound::Long(b.to_ascii_lowercase()),
        _ => Sound::Consonant,
    }
}

/// What a letter weighs: short vowels almost nothing (Arabic script does
/// not write them), long vowels something (محمد is not محمود); less when
/// a Latin spelling marks them, since "ou" often spells a short u (Zoubi).
fn weight(s: Sound, arabic: bool) -> f32 {
    match s {
        Sound::Consonant => 1.0,
        Sound::Long(_) if arabic => 0.6,
        Sound::Long(_) => 0.3,
        Sound::Short(_) => 0.05,
    }
}

fn substitution(a: u8, b: u8, arabic: (bool, bool)) -> f32 {
    if a == b {
        return 0.0;
    }
    // A consonantal y or w is how Latin spells a long i or u (Zeyad, Marwan).
    if matches!(
        (a, b),
        (b'y', b'I') | (b'I', b'y') | (b'w', b'U') | (b'U', b'w')
    ) {
        return 0.05;
    }
    match (sound(a), sound(b)) {
        (Sound::Short(_), Sound::Short(_)) => 0.1,
        (Sound::Long(x), Sound::Long(y)) if x == y => 0.0,
        (Sound::Short(x), Sound::Long(y)) | (Sound::Long(x), Sound::Short(y)) if x == y => 0.05,
        (Sound::Consonant, Sound::Consonant) => 1.0,
        (Sound::Consonant, _) | (_, Sound::Consonant) => 1.0,
        (Sound::Long(_), Sound::Short(_)) if !arabic.0 => 0.3,
        (Sound::Short(_), Sound::Long(_)) if !arabic.1 => 0.3,
        _ => 0.6,
    }
}

/// Similarity of two `letters` forms (consonants, long vowels in capitals,
/// short in lower case), 0 to 1: one minus the cheapest edit, where adding
/// a short vowel costs almost nothing, a long vowel a good deal and a
/// consonant the most, over the heavier word's weight.
pub(crate) fn cross_similarity(a: &str, a_arabic: bool, b: &str, b_arabic: bool) -> f32 {
    let (a, b) = (clip(a.as_bytes()), clip(b.as_bytes()));
    if a == b {
        return if a.is_empty() { 0.0 } else { 1.0 };
    }
    let total = |s: &[u8], arabic| s.iter().map(|&c| weight(sound(c), arabic)).sum::<f32>();
    let scale = total(a, a_arabic).max(total(b, b_arabic));
    if scale <= 0.0 {
        return 0.0;
    }
    let mut previous = [0f32; MAX_LEN + 1];
    let mut current = [0f32; MAX_LEN + 1];
    for j in 1..=b.len() {
        previous[j] = previous[j - 1] + weight(sound(b[j - 1]), b_arabic);
    }
    for i in 1..=a.len() {
        let delete = weight(sound(a[i - 1]), a_arabic);
        current[0] = previous[0] + delete;
        for j in 1..=b.len() {
            let insert = weight(sound(b[j - 1]), b_arabic);
            let change = substitution(a[i - 1], b[j - 1], (a_arabic, b_arabic));
            current[j] = (previous[j - 1] + change)
                .min(previous[j] + delete)
                .min(current[j - 1] + insert);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    (1.0 - previous[b.len()] / scale).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::{cross_similarity, jaro_winkler};

    #[test]
    fn long_vowels_weigh_short_ones_do_not() {
        // Latin Muhammad against Arabic محمد and محمود.
        let latin_arabic = |a, b| cross_similarity(a, false, b, true);
        assert!(latin_arabic("muhamad", "mhmd") > 0.95);
        assert!(latin_arabic("muhamad", "mhmUd") < 0.9);
        assert!(latin_arabic("mahmUd", "mhmUd") > 0.95);
        assert!(latin_arabic("husaIn", "hsIn") > 0.95);
        assert!(latin_arabic("hasan", "hsIn") < 0.9);
    }

    #[test]
    fn known_values() {
        assert_eq!(jaro_winkler("", ""), 0.0);
        assert_eq!(jaro_winkler("abc", "abc"), 1.0);
        assert!((jaro_winkler("martha", "marhta") - 0.961).abs() < 0.001);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 0.001);
        assert_eq!(jaro_winkler("abc", "xyz"), 0.0);
    }
}
