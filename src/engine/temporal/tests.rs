//! Unit tests of the temporal engine.
