//! Governorate boundaries and populated places (being built).
