//! Integers in a saved register state (lists of report ids, the grouping's
//! per-report columns), each list saved as one string of bytes, eight
//! little-endian bytes a value: the indexes of a large register hold
//! millions of them, read back where they lie ([`IdList`],
//! [`reading_in_place`]), not one decode each, nor copied into fresh
//! memory.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::marker::PhantomData;

use bytes::Bytes;
use imbl::{HashMap, OrdMap};
use jiff::civil::Date;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use truce_model::ReportId;

/// Report ids by day.
pub(crate) type DayLists = OrdMap<Date, IdList>;

/// A list of report ids: as read back from a saved state, where it lies,
/// until it is first changed; a vector after.
#[derive(Clone)]
pub(crate) enum IdList {
    Owned(Vec<ReportId>),
    /// Eight little-endian bytes an id.
    Saved(Bytes),
}

impl Default for IdList {
    fn default() -> Self {
        IdList::Owned(Vec::new())
    }
}

impl From<Vec<ReportId>> for IdList {
    fn from(ids: Vec<ReportId>) -> Self {
        IdList::Owned(ids)
    }
}

impl IdList {
    pub(crate) fn len(&self) -> usize {
        match self {
            IdList::Owned(ids) => ids.len(),
            IdList::Saved(bytes) => bytes.len() / 8,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = ReportId> + Clone + '_ {
        let (owned, saved) = match self {
            IdList::Owned(ids) => (ids.as_slice(), &[][..]),
            IdList::Saved(bytes) => (&[][..], &bytes[..]),
        };
        // One of the two is empty: chained, they are one exact iterator.
        Ids {
            owned: owned.iter(),
            saved: saved.chunks_exact(8),
        }
    }

    /// The ids as a vector to change, copied out of the saved bytes first.
    pub(crate) fn to_mut(&mut self) -> &mut Vec<ReportId> {
        if let IdList::Saved(_) = self {
            *self = IdList::Owned(self.iter().collect());
        }
        match self {
            IdList::Owned(ids) => ids,
            IdList::Saved(_) => unreachable!("made a vector above"),
        }
    }

    pub(crate) fn push(&mut self, id: ReportId) {
        self.to_mut().push(id);
    }
}

/// The ids of an [`IdList`], whichever it holds.
#[derive(Clone)]
struct Ids<'a> {
    owned: std::slice::Iter<'a, ReportId>,
    saved: std::slice::ChunksExact<'a, u8>,
}

impl Iterator for Ids<'_> {
    type Item = ReportId;

    fn next(&mut self) -> Option<ReportId> {
        if let Some(id) = self.owned.next() {
            return Some(*id);
        }
        self.saved.next().map(plain_value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.owned.len() + self.saved.len();
        (len, Some(len))
    }
}

impl ExactSizeIterator for Ids<'_> {}

impl PartialEq for IdList {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for IdList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

thread_local! {
    /// The blob being read by [`reading_in_place`] on this thread.
    static READING: RefCell<Option<Bytes>> = const { RefCell::new(None) };
}

/// What `read` reads of `blob`, the lists of ids in it kept where they lie
/// in it; read anywhere else, a list is copied.
pub(crate) fn reading_in_place<T>(blob: &Bytes, read: impl FnOnce(&[u8]) -> T) -> T {
    struct Done;
    impl Drop for Done {
        fn drop(&mut self) {
            READING.with(|reading| reading.borrow_mut().take());
        }
    }
    READING.with(|reading| *reading.borrow_mut() = Some(blob.clone()));
    let _done = Done;
    read(blob)
}

/// `bytes` as a list kept where it lies, when they lie in the blob being
/// read in place.
fn in_place(bytes: &[u8]) -> Option<IdList> {
    READING.with(|reading| {
        let reading = reading.borrow();
        let blob = reading.as_ref()?;
        let (start, end) = (blob.as_ptr() as usize, blob.as_ptr() as usize + blob.len());
        let at = bytes.as_ptr() as usize;
        (start <= at && at + bytes.len() <= end).then(|| IdList::Saved(blob.slice_ref(bytes)))
    })
}

/// A value saved as eight little-endian bytes.
pub(crate) trait Plain: Copy {
    fn to_bits(self) -> u64;
    fn from_bits(bits: u64) -> Self;
}

impl Plain for i64 {
    fn to_bits(self) -> u64 {
        self as u64
    }
    fn from_bits(bits: u64) -> Self {
        bits as i64
    }
}

impl Plain for usize {
    fn to_bits(self) -> u64 {
        self as u64
    }
    fn from_bits(bits: u64) -> Self {
        // Indexes of reports held in memory: never more than a usize holds.
        bits as usize
    }
}

impl Plain for ReportId {
    fn to_bits(self) -> u64 {
        self.0
    }
    fn from_bits(bits: u64) -> Self {
        ReportId(bits)
    }
}

/// `values`, eight little-endian bytes each.
pub(crate) fn plain_bytes<T: Plain>(values: impl Iterator<Item = T>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(values.size_hint().0 * 8);
    for value in values {
        bytes.extend_from_slice(&value.to_bits().to_le_bytes());
    }
    bytes
}

/// The values `bytes` holds, eight little-endian bytes each; refused, as
/// `what`, unless it holds a whole number of them.
pub(crate) fn plain_values<'b, T: Plain, E: serde::de::Error>(
    bytes: &'b [u8],
    what: &str,
) -> Result<impl ExactSizeIterator<Item = T> + 'b, E> {
    if !bytes.len().is_multiple_of(8) {
        return Err(E::custom(format!(
            "{what} is {} bytes long, not a multiple of 8",
            bytes.len()
        )));
    }
    Ok(bytes.chunks_exact(8).map(|value| plain_value(value)))
}

/// The value of eight little-endian bytes.
pub(crate) fn plain_value<T: Plain>(bytes: &[u8]) -> T {
    T::from_bits(u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
}

/// A list of ids, saved as bytes.
impl Serialize for IdList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IdList::Owned(ids) => serializer.serialize_bytes(&plain_bytes(ids.iter().copied())),
            IdList::Saved(bytes) => serializer.serialize_bytes(bytes),
        }
    }
}

/// A list of ids read back: where it lies, read in place
/// ([`reading_in_place`]), else copied.
impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct List;
        impl<'de> Visitor<'de> for List {
            type Value = IdList;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of report ids, 8 bytes each")
            }

            fn visit_borrowed_bytes<E: serde::de::Error>(
                self,
                bytes: &'de [u8],
            ) -> Result<IdList, E> {
                let ids = plain_values(bytes, "a list of report ids")?;
                Ok(in_place(bytes).unwrap_or_else(|| IdList::Owned(ids.collect())))
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<IdList, E> {
                Ok(IdList::Owned(
                    plain_values(bytes, "a list of report ids")?.collect(),
                ))
            }
        }
        deserializer.deserialize_bytes(List)
    }
}

fn serialize_lists<'a, K, S>(
    entries: impl ExactSizeIterator<Item = (&'a K, &'a IdList)>,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    K: Serialize + 'a,
    S: Serializer,
{
    serializer.collect_map(entries)
}

/// Reads a map of lists of ids into any collection of its entries.
struct Lists<K, M>(PhantomData<(K, M)>);

impl<'de, K, M> Visitor<'de> for Lists<K, M>
where
    K: Deserialize<'de>,
    M: FromIterator<(K, IdList)>,
{
    type Value = M;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a map of lists of report ids")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        // The length is the file's word: reserve no more than a little.
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1 << 12));
        while let Some((key, ids)) = map.next_entry::<K, IdList>()? {
            entries.push((key, ids));
        }
        Ok(entries.into_iter().collect())
    }
}

fn deserialize_lists<'de, K, M, D>(deserializer: D) -> Result<M, D::Error>
where
    K: Deserialize<'de>,
    M: FromIterator<(K, IdList)>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(Lists::<K, M>(PhantomData))
}

/// Reports by day (`#[serde(with)]`).
pub(crate) mod by_day {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        days: &impl Borrow<DayLists>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serialize_lists(days.borrow().iter(), serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DayLists, D::Error> {
        deserialize_lists::<Date, _, _>(deserializer)
    }
}

/// Reports by governorate, then day (`#[serde(with)]`), read back with
/// the governorates' codes as the file names them.
pub(crate) mod by_governorate_and_day {
    use super::*;

    struct DaysRef<'a>(&'a DayLists);

    impl Serialize for DaysRef<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            by_day::serialize(self.0, serializer)
        }
    }

    struct Days(DayLists);

    impl<'de> Deserialize<'de> for Days {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            by_day::deserialize(deserializer).map(Days)
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        governorates: &impl Borrow<HashMap<&'static str, DayLists>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            governorates
                .borrow()
                .iter()
                .map(|(code, days)| (code, DaysRef(days))),
        )
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<std::collections::HashMap<String, DayLists>, D::Error> {
        let read = std::collections::HashMap::<String, Days>::deserialize(deserializer)?;
        Ok(read
            .into_iter()
            .map(|(code, Days(days))| (code, days))
            .collect())
    }
}

/// Any map whose values are lists of ids (`#[serde(with)]`): each
/// incident's reports, by the index of its first.
pub(crate) mod lists {
    use super::*;

    pub(crate) fn serialize<'a, M, K, S>(map: &'a M, serializer: S) -> Result<S::Ok, S::Error>
    where
        &'a M: IntoIterator<Item = (&'a K, &'a IdList)>,
        <&'a M as IntoIterator>::IntoIter: ExactSizeIterator,
        K: Serialize + 'a,
        S: Serializer,
    {
        serialize_lists(map.into_iter(), serializer)
    }

    pub(crate) fn deserialize<'de, M, K, D>(deserializer: D) -> Result<M, D::Error>
    where
        K: Deserialize<'de>,
        M: FromIterator<(K, IdList)>,
        D: Deserializer<'de>,
    {
        deserialize_lists::<K, M, D>(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Saved {
        #[serde(with = "by_day")]
        days: DayLists,
        #[serde(with = "lists")]
        members: HashMap<usize, IdList>,
    }

    #[test]
    fn lists_of_ids_read_back_as_written_and_a_cut_one_is_refused() {
        let ids = |ids: &[u64]| IdList::from(ids.iter().copied().map(ReportId).collect::<Vec<_>>());
        let saved = Saved {
            days: OrdMap::from_iter([
                (
                    "2026-11-20".parse::<Date>().unwrap(),
                    ids(&[1, 7, u64::MAX]),
                ),
                ("2026-11-21".parse::<Date>().unwrap(), ids(&[])),
            ]),
            members: HashMap::from_iter([(0, ids(&[1, 2])), (5, ids(&[6, 1 << 40]))]),
        };
        let bytes = rmp_serde::to_vec(&saved).unwrap();
        let read: Saved = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(read, saved);

        // A list of ids whose length is not a multiple of eight: the
        // single id of the second day's list, cut by a byte.
        let one = Saved {
            days: OrdMap::from_iter([("2026-11-20".parse::<Date>().unwrap(), ids(&[3]))]),
            members: HashMap::default(),
        };
        let mut bytes = rmp_serde::to_vec(&one).unwrap();
        let at = bytes
            .windows(2)
            .position(|w| w == [0xc4, 8])
            .expect("the list as bytes");
        bytes[at + 1] = 7;
        bytes.remove(at + 2);
        let refusal = rmp_serde::from_slice::<Saved>(&bytes)
            .unwrap_err()
            .to_string();
        assert!(refusal.contains("multiple of 8"), "{refusal}");
    }

    #[test]
    fn lists_read_in_place_lie_in_the_blob_until_changed() {
        let ids = |ids: &[u64]| IdList::from(ids.iter().copied().map(ReportId).collect::<Vec<_>>());
        let saved = Saved {
            days: OrdMap::from_iter([("2026-11-20".parse::<Date>().unwrap(), ids(&[4, 9]))]),
            members: HashMap::from_iter([(3, ids(&[3, 5, 8]))]),
        };
        let blob = Bytes::from(rmp_serde::to_vec(&saved).unwrap());
        let mut read: Saved =
            reading_in_place(&blob, |bytes| rmp_serde::from_slice(bytes)).unwrap();
        assert_eq!(read, saved);
        let lies_in_blob = |list: &IdList| match list {
            IdList::Saved(bytes) => {
                let at = bytes.as_ptr() as usize - blob.as_ptr() as usize;
                at + bytes.len() <= blob.len()
            }
            IdList::Owned(_) => false,
        };
        assert!(read.days.values().all(lies_in_blob));
        assert!(read.members.values().all(lies_in_blob));
        // Written again as read, and changed as a vector.
        assert_eq!(rmp_serde::to_vec(&read).unwrap(), &blob[..]);
        let members = read.members.get_mut(&3).unwrap();
        members.push(ReportId(13));
        assert_eq!(members, &ids(&[3, 5, 8, 13]));
        assert!(!lies_in_blob(members));
        // Read outside `reading_in_place`, lists are copies.
        let copied: Saved = rmp_serde::from_slice(&blob).unwrap();
        assert!(copied.days.values().all(|list| !lies_in_blob(list)));
        assert_eq!(copied, saved);
    }
}
