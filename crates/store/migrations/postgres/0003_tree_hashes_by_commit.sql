-- The tree hashes a commit stores are kept as one row: the stored index of
-- the first, and the hashes from there on, 32 bytes each, in order. A row
-- for each hash was about three rows written for every entry appended.
CREATE TABLE tree_hash_runs (
    first_index BIGINT PRIMARY KEY,
    hashes      BYTEA   NOT NULL
);
INSERT INTO tree_hash_runs (first_index, hashes)
    SELECT stored_index, hash FROM tree_hashes;
DROP TABLE tree_hashes;
