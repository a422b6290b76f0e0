//! Review rendering: the document text with each evidence span marked as
//! `[[text|field]]`, so a reviewer sees at a glance where every value came
//! from.

use crate::candidate::{Candidate, Evidence};

/// Render `text` with the evidence of `candidates` marked. Overlapping spans
/// are nested where they nest and otherwise the later one is dropped, since
/// a marker cannot straddle another; spans that are out of range or not on
/// character boundaries are ignored rather than trusted.
pub fn render_evidence(text: &str, candidates: &[Candidate]) -> String {
    let mut spans: Vec<&Evidence> = candidates
        .iter()
        .flat_map(|c| c.evidence())
        .filter(|e| {
            e.span.start < e.span.end
                && e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        })
        .collect();
    // Outer spans first at the same start, so they open before inner ones.
    spans.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
    });
    let mut kept: Vec<&Evidence> = Vec::new();
    let mut open: Vec<&Evidence> = Vec::new();
    for e in spans {
        open.retain(|o| o.span.end > e.span.start);
        let crosses = open.iter().any(|o| e.span.end > o.span.end);
        // Sorted by start, a duplicate can only be among the last kept
        // spans with the same start; searching all of them made rendering
        // quadratic in the number of spans.
        let duplicate = kept
            .iter()
            .rev()
            .take_while(|k| k.span.start == e.span.start)
            .any(|k| k.span == e.span && k.field == e.field);
        if !crosses && !duplicate {
            open.push(e);
            kept.push(e);
        }
    }
    // Events: (position, is_close, label); closes before opens at the same
    // position, inner closes first.
    let mut marks: Vec<(usize, u8, usize, String)> = Vec::new();
    for (i, e) in kept.iter().enumerate() {
        marks.push((e.span.start, 1, i, "[[".to_string()));
        marks.push((e.span.end, 0, usize::MAX - i, format!("|{}]]", e.field)));
    }
    marks.sort();
    let mut out = String::with_capacity(text.len() + marks.len() * 8);
    let mut at = 0;
    for (pos, _, _, mark) in marks {
        out.push_str(&text[at..pos]);
        out.push_str(&mark);
        at = pos;
    }
    out.push_str(&text[at..]);
    out
}
