//! The gazetteer's tests in one binary: loading a country from its files,
//! and the embedded Syria data with the lookups over it.

mod load;
mod syria;
