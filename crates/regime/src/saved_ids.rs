//! Integers in a saved register state (lists of report ids, the grouping's
//! per-report columns), each list saved as one string of bytes, eight
//! little-endian bytes a value: the indexes of a large register hold
//! millions of them, read back as copies, not one decode each.

use std::borrow::Borrow;
use std::marker::PhantomData;

use imbl::{HashMap, OrdMap};
use jiff::civil::Date;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use truce_model::ReportId;

/// Report ids by day.
type DayLists = OrdMap<Date, Vec<ReportId>>;

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
    Ok(bytes
        .chunks_exact(8)
        .map(|value| T::from_bits(u64::from_le_bytes(value.try_into().expect("8 bytes")))))
}

/// A list of ids, saved as bytes.
struct IdsRef<'a>(&'a [ReportId]);

impl Serialize for IdsRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&plain_bytes(self.0.iter().copied()))
    }
}

/// A list of ids read back.
struct Ids(Vec<ReportId>);

impl<'de> Deserialize<'de> for Ids {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl Visitor<'_> for Bytes {
            type Value = Ids;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of report ids, 8 bytes each")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Ids, E> {
                Ok(Ids(plain_values(bytes, "a list of report ids")?.collect()))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

fn serialize_lists<'a, K, S>(
    entries: impl ExactSizeIterator<Item = (&'a K, &'a Vec<ReportId>)>,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    K: Serialize + 'a,
    S: Serializer,
{
    serializer.collect_map(entries.map(|(key, ids)| (key, IdsRef(ids))))
}

/// Reads a map of lists of ids into any collection of its entries.
struct Lists<K, M>(PhantomData<(K, M)>);

impl<'de, K, M> Visitor<'de> for Lists<K, M>
where
    K: Deserialize<'de>,
    M: FromIterator<(K, Vec<ReportId>)>,
{
    type Value = M;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a map of lists of report ids")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        // The length is the file's word: reserve no more than a little.
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1 << 12));
        while let Some((key, Ids(ids))) = map.next_entry::<K, Ids>()? {
            entries.push((key, ids));
        }
        Ok(entries.into_iter().collect())
    }
}

fn deserialize_lists<'de, K, M, D>(deserializer: D) -> Result<M, D::Error>
where
    K: Deserialize<'de>,
    M: FromIterator<(K, Vec<ReportId>)>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(Lists::<K, M>(PhantomData))
}

/// Reports by day (`#[serde(with)]`).
pub(crate) mod by_day {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        days: &impl Borrow<OrdMap<Date, Vec<ReportId>>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serialize_lists(days.borrow().iter(), serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OrdMap<Date, Vec<ReportId>>, D::Error> {
        deserialize_lists::<Date, _, _>(deserializer)
    }
}

/// Reports by governorate, then day (`#[serde(with)]`), read back with
/// the governorates' codes as the file names them.
pub(crate) mod by_governorate_and_day {
    use super::*;

    struct DaysRef<'a>(&'a OrdMap<Date, Vec<ReportId>>);

    impl Serialize for DaysRef<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            by_day::serialize(self.0, serializer)
        }
    }

    struct Days(OrdMap<Date, Vec<ReportId>>);

    impl<'de> Deserialize<'de> for Days {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            by_day::deserialize(deserializer).map(Days)
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        governorates: &impl Borrow<HashMap<&'static str, OrdMap<Date, Vec<ReportId>>>>,
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
        &'a M: IntoIterator<Item = (&'a K, &'a Vec<ReportId>)>,
        <&'a M as IntoIterator>::IntoIter: ExactSizeIterator,
        K: Serialize + 'a,
        S: Serializer,
    {
        serialize_lists(map.into_iter(), serializer)
    }

    pub(crate) fn deserialize<'de, M, K, D>(deserializer: D) -> Result<M, D::Error>
    where
        K: Deserialize<'de>,
        M: FromIterator<(K, Vec<ReportId>)>,
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
        days: OrdMap<Date, Vec<ReportId>>,
        #[serde(with = "lists")]
        members: HashMap<usize, Vec<ReportId>>,
    }

    #[test]
    fn lists_of_ids_read_back_as_written_and_a_cut_one_is_refused() {
        let ids = |ids: &[u64]| ids.iter().copied().map(ReportId).collect::<Vec<_>>();
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
}
