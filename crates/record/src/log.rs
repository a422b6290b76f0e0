//! The RFC 6962 Merkle tree over the Record's entries, kept as the stored
//! hashes of the tlog layout (every complete subtree's hash at a fixed index),
//! so proofs and roots for any size come from the same table.

use tlog_tiles::{
    check_record, check_tree, prove_record, prove_tree, record_hash, stored_hash_count,
    stored_hashes_for_record_hash, tree_hash, Hash, HashReader,
};

use bytes::Bytes;

use crate::RecordError;

/// Hashes in a full C2SP tile, and entries in a full entry bundle.
pub const TILE_WIDTH: u16 = 256;

/// The number of entries a tree needs to hold the tile at tile level
/// `level`, index `index`, `width` hashes wide; `None` if no tree can.
pub fn tile_end(level: u8, index: u64, width: u16) -> Option<u64> {
    if !(1..=TILE_WIDTH).contains(&width) || level > 7 {
        return None;
    }
    index
        .checked_mul(u64::from(TILE_WIDTH))?
        .checked_add(u64::from(width))?
        .checked_mul(1u64 << (level * 8))
}

/// The RFC 6962 leaf hash: SHA-256(0x00 || leaf).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    record_hash(leaf)
}

/// All stored hashes of the tree: about 2 hashes (64 bytes) per entry.
/// Those a saved state held may stay where they lie (a mapped file,
/// [`MerkleLog::from_stored_bytes`]): a read of a large Record does not
/// copy tens of megabytes of them into memory. Hashes appended after are
/// kept in memory.
#[derive(Debug, Clone, Default)]
pub struct MerkleLog {
    /// The first stored hashes, 32 bytes each, as saved.
    saved: Bytes,
    /// The stored hashes after those.
    hashes: Vec<Hash>,
    size: u64,
}

impl HashReader for MerkleLog {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| self.hash(i).ok_or(tlog_tiles::Error::IndexesNotInTree))
            .collect()
    }
}

impl MerkleLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds from stored hashes as a store returns them, in index order.
    /// Refuses a table whose length does not match a whole number of entries.
    pub fn from_stored(hashes: Vec<Hash>, size: u64) -> Result<Self, RecordError> {
        check_stored_count(hashes.len() as u64, size)?;
        Ok(Self {
            saved: Bytes::new(),
            hashes,
            size,
        })
    }

    /// Rebuilds from stored hashes written one after another, 32 bytes
    /// each, in index order, read where they lie.
    pub fn from_stored_bytes(saved: Bytes, size: u64) -> Result<Self, RecordError> {
        if !saved.len().is_multiple_of(32) {
            return Err(RecordError::Proof(format!(
                "{} bytes of stored hashes are not a whole number of hashes",
                saved.len()
            )));
        }
        check_stored_count(saved.len() as u64 / 32, size)?;
        Ok(Self {
            saved,
            hashes: Vec::new(),
            size,
        })
    }

    /// The stored hash at `index`, if the tree holds one there.
    fn hash(&self, index: u64) -> Option<Hash> {
        let index = usize::try_from(index).ok()?;
        let saved = self.saved.len() / 32;
        if index < saved {
            let bytes = &self.saved[index * 32..index * 32 + 32];
            Some(Hash(bytes.try_into().expect("32 bytes")))
        } else {
            self.hashes.get(index - saved).copied()
        }
    }

    /// How many hashes the tree stores.
    pub fn stored_count(&self) -> usize {
        self.saved.len() / 32 + self.hashes.len()
    }

    /// The stored hashes with indexes in `range`, in index order, as
    /// [`MerkleLog::from_stored`] takes them back; `None` where the tree
    /// stores fewer.
    pub fn stored_hashes_in(&self, range: std::ops::Range<usize>) -> Option<Vec<Hash>> {
        if range.start > range.end || range.end > self.stored_count() {
            return None;
        }
        Some(
            range
                .map(|i| self.hash(i as u64).expect("within the stored hashes"))
                .collect(),
        )
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends an entry by its leaf hash; returns the index of the first new
    /// stored hash and the new hashes, which the store must persist.
    pub fn append(&mut self, leaf_hash: Hash) -> (u64, Vec<Hash>) {
        let first = self.stored_count() as u64;
        let new = stored_hashes_for_record_hash(self.size, leaf_hash, self)
            .expect("the frontier of an in-memory tree is always present");
        self.hashes.extend_from_slice(&new);
        self.size += 1;
        (first, new)
    }

    /// Drops entries appended after `size`, for a batch whose commit failed.
    pub fn truncate(&mut self, size: u64) {
        if size < self.size {
            let kept = stored_hash_count(size) as usize;
            let saved = self.saved.len() / 32;
            if kept < saved {
                self.saved.truncate(kept * 32);
                self.hashes.clear();
            } else {
                self.hashes.truncate(kept - saved);
            }
            self.size = size;
        }
    }

    pub fn root(&self) -> Hash {
        self.root_at(self.size)
            .expect("current size is in the tree")
    }

    pub fn root_at(&self, size: u64) -> Result<Hash, RecordError> {
        if size > self.size {
            return Err(RecordError::Proof(format!(
                "size {size} is beyond the log's {} entries",
                self.size
            )));
        }
        tree_hash(size, self).map_err(|e| RecordError::Proof(e.to_string()))
    }

    pub fn leaf_hash_at(&self, index: u64) -> Option<Hash> {
        (index < self.size)
            .then(|| self.hash(tlog_tiles::stored_hash_index(0, index)))
            .flatten()
    }

    /// The audit path proving entry `index` is in the tree of `size` entries.
    pub fn prove_inclusion(&self, index: u64, size: u64) -> Result<Vec<Hash>, RecordError> {
        if size > self.size || index >= size {
            return Err(RecordError::Proof(format!(
                "entry {index} is not in a tree of {size} entries (log has {})",
                self.size
            )));
        }
        prove_record(size, index, self).map_err(|e| RecordError::Proof(e.to_string()))
    }

    /// Proof that the tree of `old` entries is a prefix of the tree of `new`.
    pub fn prove_consistency(&self, old: u64, new: u64) -> Result<Vec<Hash>, RecordError> {
        if new > self.size || old > new {
            return Err(RecordError::Proof(format!(
                "no consistency proof from {old} to {new} entries (log has {})",
                self.size
            )));
        }
        if old == 0 || old == new {
            return Ok(Vec::new());
        }
        prove_tree(new, old, self).map_err(|e| RecordError::Proof(e.to_string()))
    }

    /// The C2SP tlog-tiles hash tile at tile level `level`, index `index`,
    /// `width` hashes wide (256 for a full tile), as served bytes: `None`
    /// when the tree does not hold that many complete subtrees there.
    pub fn tile(&self, level: u8, index: u64, width: u16) -> Option<Vec<u8>> {
        if tile_end(level, index, width)? > self.size {
            return None;
        }
        let height = level * 8;
        let first = index * u64::from(TILE_WIDTH);
        let last = first + u64::from(width) - 1;
        let mut tile = Vec::with_capacity(usize::from(width) * 32);
        for n in first..=last {
            let at = tlog_tiles::stored_hash_index(height, n);
            tile.extend_from_slice(&self.hash(at)?.0);
        }
        Some(tile)
    }
}

/// Refuses a count of stored hashes that is not that of a tree of `size`.
fn check_stored_count(count: u64, size: u64) -> Result<(), RecordError> {
    let expected = stored_hash_count(size);
    if count != expected {
        return Err(RecordError::Proof(format!(
            "{count} stored hashes for {size} entries; expected {expected}"
        )));
    }
    Ok(())
}

/// Checks that `proof` shows the leaf with `leaf_hash` at `index` in the tree
/// of `size` entries with root `root`.
pub fn check_inclusion(
    proof: &[Hash],
    size: u64,
    root: Hash,
    index: u64,
    leaf_hash: Hash,
) -> Result<(), RecordError> {
    check_record(&proof.to_vec(), size, root, index, leaf_hash)
        .map_err(|e| RecordError::Proof(format!("inclusion of entry {index} in {size}: {e}")))
}

/// Checks that the tree (`old`, `old_root`) is a prefix of (`new`, `new_root`).
pub fn check_consistency(
    proof: &[Hash],
    old: u64,
    old_root: Hash,
    new: u64,
    new_root: Hash,
) -> Result<(), RecordError> {
    if old == 0 {
        return Ok(());
    }
    if old == new {
        return if old_root == new_root && proof.is_empty() {
            Ok(())
        } else {
            Err(RecordError::Proof(format!(
                "two different roots for the same size {old}"
            )))
        };
    }
    check_tree(&proof.to_vec(), new, new_root, old, old_root)
        .map_err(|e| RecordError::Proof(format!("consistency {old} -> {new}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ct_merkle::mem_backed_tree::MemoryBackedTree;
    use sha2_for_ct_merkle::Sha256;

    type Leaf = Vec<u8>;

    fn leaves(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
    }

    #[test]
    fn roots_match_an_independent_implementation() {
        let mut ours = MerkleLog::new();
        let mut theirs = MemoryBackedTree::<Sha256, Leaf>::new();
        for leaf in leaves(70) {
            ours.append(leaf_hash(&leaf));
            theirs.push(leaf);
            assert_eq!(
                ours.root().0.as_slice(),
                theirs.root().as_bytes().as_slice()
            );
        }
    }

    #[test]
    fn inclusion_proofs_match_and_check() {
        let data = leaves(37);
        let mut ours = MerkleLog::new();
        let mut theirs = MemoryBackedTree::<Sha256, Leaf>::new();
        for leaf in &data {
            ours.append(leaf_hash(leaf));
            theirs.push(leaf.clone());
        }
        for index in 0..37u64 {
            let proof = ours.prove_inclusion(index, 37).unwrap();
            let theirs_proof = theirs.prove_inclusion(index as usize);
            let flat: Vec<u8> = proof.iter().flat_map(|h| h.0).collect();
            assert_eq!(flat.as_slice(), theirs_proof.as_bytes());
            check_inclusion(
                &proof,
                37,
                ours.root(),
                index,
                leaf_hash(&data[index as usize]),
            )
            .unwrap();
        }
        let proof = ours.prove_inclusion(3, 37).unwrap();
        assert!(check_inclusion(&proof, 37, ours.root(), 4, leaf_hash(&data[3])).is_err());
    }

    #[test]
    fn consistency_proofs_match_and_check() {
        let data = leaves(40);
        let mut ours = MerkleLog::new();
        let mut theirs = MemoryBackedTree::<Sha256, Leaf>::new();
        for leaf in &data {
            ours.append(leaf_hash(leaf));
            theirs.push(leaf.clone());
        }
        for old in 1..40u64 {
            let proof = ours.prove_consistency(old, 40).unwrap();
            let theirs_proof = theirs.prove_consistency(40 - old as usize);
            let flat: Vec<u8> = proof.iter().flat_map(|h| h.0).collect();
            assert_eq!(flat.as_slice(), theirs_proof.as_bytes(), "old = {old}");
            check_consistency(&proof, old, ours.root_at(old).unwrap(), 40, ours.root()).unwrap();
        }
    }

    #[test]
    fn tiles_hold_the_subtree_hashes_of_their_level() {
        let data = leaves(70_000);
        let mut log = MerkleLog::new();
        for leaf in &data {
            log.append(leaf_hash(leaf));
        }
        // The spec's example: 273 full level-0 tiles, a partial one of 112,
        // a full level-1 tile, a partial one of 17, a level-2 tile of 1.
        assert_eq!(log.tile(0, 272, 256).map(|t| t.len()), Some(8192));
        assert!(log.tile(0, 273, 256).is_none());
        assert!(log.tile(0, 273, 112).is_some());
        assert!(log.tile(0, 273, 113).is_none());
        assert!(log.tile(1, 0, 256).is_some());
        assert!(log.tile(1, 1, 17).is_some() && log.tile(1, 1, 18).is_none());
        assert!(log.tile(2, 0, 1).is_some() && log.tile(2, 0, 2).is_none());
        let level0 = log.tile(0, 3, 256).unwrap();
        assert_eq!(&level0[..32], leaf_hash(&data[768]).0.as_slice());
        // A level-1 hash is the root of the 256 leaves below it.
        let level1 = log.tile(1, 0, 256).unwrap();
        let mut first_tile = MerkleLog::new();
        for leaf in &data[256..512] {
            first_tile.append(leaf_hash(leaf));
        }
        assert_eq!(&level1[32..64], first_tile.root().0.as_slice());
    }

    #[test]
    fn a_tree_read_from_saved_bytes_is_the_tree_it_was() {
        let mut whole = MerkleLog::new();
        for leaf in leaves(300) {
            whole.append(leaf_hash(&leaf));
        }
        let bytes: Vec<u8> = whole
            .stored_hashes_in(0..whole.stored_count())
            .unwrap()
            .iter()
            .flat_map(|h| h.0)
            .collect();
        let mut read = MerkleLog::from_stored_bytes(Bytes::from(bytes.clone()), 300).unwrap();
        // It grows as the tree it was does, its new hashes after the saved.
        for leaf in leaves(520).into_iter().skip(300) {
            assert_eq!(
                read.append(leaf_hash(&leaf)),
                whole.append(leaf_hash(&leaf))
            );
        }
        for size in [1, 2, 255, 256, 300, 301, 520] {
            assert_eq!(read.root_at(size).unwrap(), whole.root_at(size).unwrap());
        }
        for index in [0, 7, 299, 300, 519] {
            assert_eq!(
                read.prove_inclusion(index, 520).unwrap(),
                whole.prove_inclusion(index, 520).unwrap()
            );
            assert_eq!(read.leaf_hash_at(index), whole.leaf_hash_at(index));
        }
        assert_eq!(read.tile(0, 1, 256), whole.tile(0, 1, 256));
        assert_eq!(
            read.stored_hashes_in(500..read.stored_count()),
            whole.stored_hashes_in(500..whole.stored_count())
        );
        assert_eq!(read.stored_hashes_in(10..read.stored_count() + 1), None);
        // Cut back into the saved hashes, and past them.
        for size in [310, 120] {
            read.truncate(size);
            whole.truncate(size);
            assert_eq!(read.root(), whole.root());
            assert_eq!(read.stored_count(), whole.stored_count());
        }
        // A length that is not whole hashes, or not a tree's, is refused.
        assert!(MerkleLog::from_stored_bytes(Bytes::from(bytes[..100].to_vec()), 300).is_err());
        assert!(MerkleLog::from_stored_bytes(Bytes::from(bytes), 299).is_err());
    }

    #[test]
    fn truncate_restores_the_earlier_tree() {
        let mut log = MerkleLog::new();
        for leaf in leaves(10) {
            log.append(leaf_hash(&leaf));
        }
        let root_at_6 = log.root_at(6).unwrap();
        log.truncate(6);
        assert_eq!(log.root(), root_at_6);
        assert_eq!(log.size(), 6);
    }
}
