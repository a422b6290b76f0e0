-- An entry is kept as it was signed: its position, bytes and signature.
-- The author, sequence number, kind, claimed time and leaf hash that were
-- kept beside it are each read from those bytes; no query read them, and
-- they and their two indexes cost every append more writing.
DROP INDEX entries_by_author;
DROP INDEX entries_by_kind;
ALTER TABLE entries DROP COLUMN author;
ALTER TABLE entries DROP COLUMN author_seq;
ALTER TABLE entries DROP COLUMN kind;
ALTER TABLE entries DROP COLUMN claimed_time;
ALTER TABLE entries DROP COLUMN leaf_hash;
