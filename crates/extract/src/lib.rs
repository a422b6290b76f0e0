//! Text to candidate reports (being built).
