//! A vector that copies of a state share, for the grouping's per-report
//! columns: elements live in chunks of fixed size behind `Arc`s, so a copy
//! costs one pointer per chunk, a write after a copy copies one chunk, and
//! reading an element is two loads. imbl's `Vector` walked a tree for each
//! read, and grouping a million reports reads these columns tens of
//! millions of times. A column read back from a saved state stays where
//! it lies until a chunk of it is written: copying three columns of a
//! million elements into fresh memory had been a third of the time a read
//! of a governorate took to open the state.

use std::sync::Arc;

use bytes::Bytes;

use crate::saved_ids::{plain_bytes, plain_value, Plain};

/// Elements per chunk: a write after a copy copies this many.
const CHUNK: usize = 1024;

/// Bytes of one element as saved.
const SAVED_BYTES: usize = 8;

#[derive(Debug, Clone)]
pub(crate) struct Chunked<T> {
    /// `None` where a chunk is still as it was saved, in `saved`: a column
    /// read back is not copied, only read where it lies, until it is
    /// written to, a chunk at a time.
    chunks: Vec<Option<Arc<Vec<T>>>>,
    /// The column as read back ([`Chunked::from_saved`]), eight
    /// little-endian bytes an element.
    saved: Bytes,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self {
            chunks: Vec::new(),
            saved: Bytes::new(),
            len: 0,
        }
    }
}

impl<T: Plain> Chunked<T> {
    /// A column of `saved.len() / 8` elements read where they lie.
    pub(crate) fn from_saved(saved: Bytes) -> Result<Self, String> {
        if !saved.len().is_multiple_of(SAVED_BYTES) {
            return Err(format!(
                "a column is {} bytes long, not a multiple of {SAVED_BYTES}",
                saved.len()
            ));
        }
        let len = saved.len() / SAVED_BYTES;
        Ok(Self {
            chunks: vec![None; len.div_ceil(CHUNK)],
            saved,
            len,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The element at `at`.
    pub(crate) fn get(&self, at: usize) -> T {
        assert!(at < self.len, "index {at} of {}", self.len);
        match &self.chunks[at / CHUNK] {
            Some(chunk) => chunk[at % CHUNK],
            None => self.saved_at(at),
        }
    }

    fn saved_at(&self, at: usize) -> T {
        plain_value(&self.saved[at * SAVED_BYTES..(at + 1) * SAVED_BYTES])
    }

    /// The chunk at `index`, to write to: copied out of the saved column,
    /// or out of a copy of this state, first.
    fn chunk_mut(&mut self, index: usize) -> &mut Vec<T> {
        if self.chunks[index].is_none() {
            let from = index * CHUNK;
            let to = self.len.min(from + CHUNK);
            let mut chunk = Vec::with_capacity(CHUNK);
            chunk.extend((from..to).map(|at| self.saved_at(at)));
            self.chunks[index] = Some(Arc::new(chunk));
        }
        Arc::make_mut(
            self.chunks[index]
                .as_mut()
                .expect("the chunk was just made"),
        )
    }

    pub(crate) fn push(&mut self, value: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Some(Arc::new(Vec::with_capacity(CHUNK))));
        }
        let last = self.chunks.len() - 1;
        self.chunk_mut(last).push(value);
        self.len += 1;
    }

    pub(crate) fn set(&mut self, at: usize, value: T) {
        assert!(at < self.len, "index {at} of {}", self.len);
        self.chunk_mut(at / CHUNK)[at % CHUNK] = value;
    }

    pub(crate) fn last(&self) -> Option<T> {
        self.len.checked_sub(1).map(|at| self.get(at))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.len).map(|at| self.get(at))
    }

    /// The column as [`Chunked::from_saved`] reads it back.
    pub(crate) fn write_saved(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for (index, chunk) in self.chunks.iter().enumerate() {
            match chunk {
                Some(chunk) => out.write_all(&plain_bytes(chunk.iter().copied()))?,
                None => {
                    let from = index * CHUNK * SAVED_BYTES;
                    let to = (self.len * SAVED_BYTES).min(from + CHUNK * SAVED_BYTES);
                    out.write_all(&self.saved[from..to])?;
                }
            }
        }
        Ok(())
    }

    /// Bytes [`Chunked::write_saved`] writes.
    pub(crate) fn saved_len(&self) -> usize {
        self.len * SAVED_BYTES
    }
}

impl<T: Plain + Ord> Chunked<T> {
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
        while high < self.len && self.get(high) < *wanted {
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
            match self.get(middle).cmp(wanted) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(middle),
            }
        }
        Err(low)
    }
}

impl<T: Plain + PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_model::ReportId;

    #[test]
    fn reads_writes_and_searches_as_a_vec_does_and_a_copy_keeps_its_own() {
        let mut chunked = Chunked::default();
        let mut plain = Vec::new();
        for i in 0..(3 * CHUNK + 17) {
            chunked.push(2 * i);
            plain.push(2 * i);
        }
        assert_eq!(chunked.len(), plain.len());
        assert!(chunked.iter().eq(plain.iter().copied()));
        assert_eq!(chunked.last(), plain.last().copied());
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
        assert!(chunked.iter().eq(plain.iter().copied()));
        assert_eq!(copy.len(), 3 * CHUNK + 17);
        assert!(copy.iter().enumerate().all(|(i, v)| v == 2 * i));
        assert!(Chunked::<usize>::default().last().is_none());
    }

    fn saved<T: Plain>(column: &Chunked<T>) -> Vec<u8> {
        let mut bytes = Vec::new();
        column.write_saved(&mut bytes).unwrap();
        assert_eq!(bytes.len(), column.saved_len());
        bytes
    }

    #[test]
    fn a_column_read_back_reads_and_changes_as_the_one_saved() {
        let mut original = Chunked::default();
        for i in 0..(2 * CHUNK + 5) {
            original.push(ReportId(3 * i as u64 + 1));
        }
        let bytes = saved(&original);
        let mut read = Chunked::<ReportId>::from_saved(Bytes::from(bytes.clone())).unwrap();
        assert_eq!(read, original);
        assert!(read.chunks.iter().all(Option::is_none), "nothing copied");
        assert_eq!(saved(&read), bytes, "written back as read");
        for wanted in [0, 1, 4, 3 * CHUNK as u64 + 1, 9_999_999] {
            assert_eq!(
                read.binary_search(&ReportId(wanted)),
                original.binary_search(&ReportId(wanted))
            );
        }
        // Writes copy the chunks they touch; a copy taken before keeps
        // the column as read, and so do the chunks not written.
        let before = read.clone();
        read.set(CHUNK + 3, ReportId(0));
        original.set(CHUNK + 3, ReportId(0));
        // The last chunk is partial and still as saved when pushed onto.
        read.push(ReportId(u64::MAX));
        original.push(ReportId(u64::MAX));
        assert_eq!(read, original);
        assert_eq!(saved(&read), saved(&original));
        assert!(read.chunks[0].is_none());
        assert_eq!(before.get(CHUNK + 3), ReportId(3 * (CHUNK as u64 + 3) + 1));
        assert_eq!(before.len(), 2 * CHUNK + 5);
        assert!(Chunked::<usize>::from_saved(Bytes::from_static(&[0; 12])).is_err());
    }
}
