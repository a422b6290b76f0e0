//! The HTTP API driven over its real router and real sockets, on a real
//! SQLite file, in one test binary: submissions and reads by role, the
//! public edition, evidence, exchanges, documents, drafts, tiles, time,
//! the live stream, numbers at their limits and the web interface's files.

mod access;
mod api;
mod cases;
mod common;
mod complaints;
mod documents;
mod drafts;
mod events;
mod evidence;
mod exchange;
mod numbers;
mod public;
mod requests;
mod tiles;
mod time;
mod web;
