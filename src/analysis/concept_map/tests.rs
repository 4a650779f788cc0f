//! Unit tests of the concept map.
