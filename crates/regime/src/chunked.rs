//! A vector that copies of a state share, for the grouping's per-report
//! columns: elements live in chunks of fixed size behind `Arc`s, so a copy
//! costs one pointer per chunk, a write after a copy copies one chunk, and
//! reading an element is two loads. imbl's `Vector` walked a tree for each
//! read, and grouping a million reports reads these columns tens of
//! millions of times.

use std::ops::Index;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::saved_ids::{plain_bytes, plain_values, Plain};

/// Elements per chunk: a write after a copy copies this many.
const CHUNK: usize = 1024;

#[derive(Debug, Clone)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone> Chunked<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, value: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
        }
        if let Some(last) = self.chunks.last_mut() {
            Arc::make_mut(last).push(value);
        }
        self.len += 1;
    }

    pub(crate) fn set(&mut self, at: usize, value: T) {
        assert!(at < self.len, "index {at} of {}", self.len);
        Arc::make_mut(&mut self.chunks[at / CHUNK])[at % CHUNK] = value;
    }

    pub(crate) fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).map(|at| &self[at])
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }
}

impl<T: Clone + Ord> Chunked<T> {
    /// As `slice::binary_search`, over elements in ascending order.
    pub(crate) fn binary_search(&self, wanted: &T) -> Result<usize, usize> {
        self.binary_search_within(0, self.len, wanted)
    }

    /// As `binary_search`, for a value known not to lie before `start`:
    /// the bound is found by steps that double from there, so searching
    /// for values in ascending order, each from where the last was found,
    /// reads a few elements each, not twenty.
    pub(crate) fn search_from(&self, start: usize, wanted: &T) -> Result<usize, usize> {
        let mut low = start.min(self.len);
        let (mut high, mut step) = (low, 1);
        // Every element before `low` is below `wanted`.
        while high < self.len && self[high] < *wanted {
            low = high + 1;
            high = (high + step).min(self.len);
            step *= 2;
        }
        let end = if high < self.len { high + 1 } else { self.len };
        self.binary_search_within(low, end, wanted)
    }

    fn binary_search_within(&self, low: usize, high: usize, wanted: &T) -> Result<usize, usize> {
        let (mut low, mut high) = (low, high);
        while low < high {
            let middle = low + (high - low) / 2;
            match self[middle].cmp(wanted) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(middle),
            }
        }
        Err(low)
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self
                .chunks
                .iter()
                .flat_map(|chunk| chunk.iter())
                .eq(other.chunks.iter().flat_map(|chunk| chunk.iter()))
    }
}

/// Saved as one string of bytes, eight per element (`saved_ids.rs`): the
/// chunks are how copies share, not data.
impl<T: Plain> Serialize for Chunked<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&plain_bytes(self.iter().copied()))
    }
}

impl<'de, T: Plain> Deserialize<'de> for Chunked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Column<T>(std::marker::PhantomData<T>);
        impl<T: Plain> serde::de::Visitor<'_> for Column<T> {
            type Value = Chunked<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a column of 8-byte integers")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Chunked<T>, E> {
                let mut values = plain_values(bytes, "a column of 8-byte integers")?;
                let len = bytes.len() / 8;
                let mut chunks = Vec::with_capacity(len.div_ceil(CHUNK));
                while values.len() > 0 {
                    chunks.push(Arc::new(values.by_ref().take(CHUNK).collect()));
                }
                Ok(Chunked { chunks, len })
            }
        }
        deserializer.deserialize_bytes(Column(std::marker::PhantomData))
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, at: usize) -> &T {
        assert!(at < self.len, "index {at} of {}", self.len);
        &self.chunks[at / CHUNK][at % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_writes_and_searches_as_a_vec_does_and_a_copy_keeps_its_own() {
        let mut chunked = Chunked::default();
        let mut plain = Vec::new();
        for i in 0..(3 * CHUNK + 17) {
            chunked.push(2 * i);
            plain.push(2 * i);
        }
        assert_eq!(chunked.len(), plain.len());
        assert!(chunked.iter().eq(plain.iter()));
        assert_eq!(chunked.last(), plain.last());
        for wanted in [
            0,
            1,
            2,
            2 * CHUNK,
            2 * CHUNK + 1,
            6 * CHUNK + 32,
            10 * CHUNK,
        ] {
            assert_eq!(chunked.binary_search(&wanted), plain.binary_search(&wanted));
        }
        // Searching from any start at or before where the value lies (or
        // would lie) finds what a search of the whole does.
        for wanted in (0..2 * plain.len() + 3).step_by(7) {
            let whole = plain.binary_search(&wanted);
            let place = whole.unwrap_or_else(|at| at);
            for start in [0, place / 2, place.saturating_sub(1), place] {
                assert_eq!(
                    chunked.search_from(start, &wanted),
                    whole,
                    "{wanted} from {start}"
                );
            }
        }
        let copy = chunked.clone();
        for at in [0, CHUNK - 1, CHUNK, 3 * CHUNK + 16] {
            chunked.set(at, 1);
            plain[at] = 1;
        }
        chunked.push(7);
        plain.push(7);
        assert!(chunked.iter().eq(plain.iter()));
        assert_eq!(copy.len(), 3 * CHUNK + 17);
        assert!(copy.iter().enumerate().all(|(i, v)| *v == 2 * i));
        assert!(Chunked::<u8>::default().last().is_none());
    }
}
