-- The Record: entries as the exact signed bytes, the Merkle tree's stored
-- hashes (tlog layout), checkpoints signed by the node, witness cosignatures.
CREATE TABLE entries (
    position     INTEGER PRIMARY KEY,
    statement    BLOB    NOT NULL,
    signature    BLOB    NOT NULL,
    author       TEXT    NOT NULL,
    author_seq   INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    claimed_time TEXT    NOT NULL,
    leaf_hash    BLOB    NOT NULL
);
CREATE INDEX entries_by_author ON entries (author, author_seq);
CREATE INDEX entries_by_kind ON entries (kind, position);

CREATE TABLE tree_hashes (
    stored_index INTEGER PRIMARY KEY,
    hash         BLOB NOT NULL
);

CREATE TABLE checkpoints (
    size INTEGER PRIMARY KEY,
    note BLOB NOT NULL
);

CREATE TABLE cosignatures (
    size           INTEGER NOT NULL,
    witness        TEXT    NOT NULL,
    signature_line TEXT    NOT NULL,
    PRIMARY KEY (size, witness)
);
