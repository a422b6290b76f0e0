-- The Record: entries as the exact signed bytes, the Merkle tree's stored
-- hashes (tlog layout), checkpoints signed by the node, witness cosignatures.
CREATE TABLE entries (
    position     BIGINT PRIMARY KEY,
    statement    BYTEA  NOT NULL,
    signature    BYTEA  NOT NULL,
    author       TEXT   NOT NULL,
    author_seq   BIGINT NOT NULL,
    kind         TEXT   NOT NULL,
    claimed_time TEXT   NOT NULL,
    leaf_hash    BYTEA  NOT NULL
);
CREATE INDEX entries_by_author ON entries (author, author_seq);
CREATE INDEX entries_by_kind ON entries (kind, position);

CREATE TABLE tree_hashes (
    stored_index BIGINT PRIMARY KEY,
    hash         BYTEA NOT NULL
);

CREATE TABLE checkpoints (
    size BIGINT PRIMARY KEY,
    note BYTEA  NOT NULL
);

CREATE TABLE cosignatures (
    size           BIGINT NOT NULL,
    witness        TEXT   NOT NULL,
    signature_line TEXT   NOT NULL,
    PRIMARY KEY (size, witness)
);
