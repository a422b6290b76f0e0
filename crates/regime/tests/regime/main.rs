//! The register driven statement by statement, in one test binary: the
//! rules of reports and findings, of agreements and decisions, and of
//! exchanges, each on a mechanism from the test kit.

mod agreements;
mod cases;
mod coverage;
mod derived;
mod exchange;
mod formats;
mod modules;
mod register;
mod saved;
mod settling;
