-- What a witness remembers per log: the latest checkpoint it cosigned, and
-- the signed checkpoints that contradicted it (evidence of a fork).
CREATE TABLE cosigned (
    origin     TEXT    PRIMARY KEY,
    size       INTEGER NOT NULL,
    root       TEXT    NOT NULL,
    note       BLOB    NOT NULL,
    cosigned_at INTEGER NOT NULL
);

CREATE TABLE forks (
    id       INTEGER PRIMARY KEY,
    origin   TEXT    NOT NULL,
    reason   TEXT    NOT NULL,
    earlier  BLOB    NOT NULL,
    later    BLOB    NOT NULL,
    found_at INTEGER NOT NULL
);
