//! The RFC 6962 Merkle tree over the Record's entries, kept as the stored
//! hashes of the tlog layout (every complete subtree's hash at a fixed index),
//! so proofs and roots for any size come from the same table.

use tlog_tiles::{
    check_record, check_tree, prove_record, prove_tree, record_hash, stored_hash_count,
    stored_hashes_for_record_hash, tree_hash, Hash, HashReader,
};

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

/// All stored hashes of the tree, in memory: about 2 hashes (64 bytes) per entry.
#[derive(Debug, Clone, Default)]
pub struct MerkleLog {
    hashes: Vec<Hash>,
    size: u64,
}

impl HashReader for MerkleLog {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| {
                self.hashes
                    .get(usize::try_from(i).map_err(|_| tlog_tiles::Error::IndexesNotInTree)?)
                    .copied()
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
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
        let expected = stored_hash_count(size);
        if hashes.len() as u64 != expected {
            return Err(RecordError::Proof(format!(
                "{} stored hashes for {size} entries; expected {expected}",
                hashes.len()
            )));
        }
        Ok(Self { hashes, size })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Every stored hash, in index order, as [`MerkleLog::from_stored`]
    /// takes them back.
    pub fn stored_hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends an entry by its leaf hash; returns the index of the first new
    /// stored hash and the new hashes, which the store must persist.
    pub fn append(&mut self, leaf_hash: Hash) -> (u64, Vec<Hash>) {
        let first = self.hashes.len() as u64;
        let new = stored_hashes_for_record_hash(self.size, leaf_hash, self)
            .expect("the frontier of an in-memory tree is always present");
        self.hashes.extend_from_slice(&new);
        self.size += 1;
        (first, new)
    }

    /// Drops entries appended after `size`, for a batch whose commit failed.
    pub fn truncate(&mut self, size: u64) {
        if size < self.size {
            self.hashes.truncate(stored_hash_count(size) as usize);
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
        (index < self.size).then(|| self.hashes[tlog_tiles::stored_hash_index(0, index) as usize])
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
            let at = tlog_tiles::stored_hash_index(height, n) as usize;
            tile.extend_from_slice(&self.hashes.get(at)?.0);
        }
        Some(tile)
    }

    /// The stored hashes with indexes in `from..`, as persisted.
    pub fn stored_since(&self, from: u64) -> &[Hash] {
        &self.hashes[from as usize..]
    }
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
