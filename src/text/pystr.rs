//! Python `str` semantics that the reference relies on (`split()`, `strip()`, `isalpha()`).
//!
//! Rust's `split_whitespace` uses the Unicode `White_Space` property, while CPython's
//! `str.isspace` also counts the ASCII information separators U+001C..U+001F. Parity with the
//! reference needs the Python definition.

/// CPython's `str.isspace` for a single character.
pub fn is_py_space(c: char) -> bool {
    matches!(c, '\u{1c}'..='\u{1f}') || c.is_whitespace()
}

/// `str.split()` with no arguments: split on runs of whitespace, no empty parts.
pub fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_py_space).filter(|p| !p.is_empty())
}

/// `str.strip()` with no arguments.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// `str.isalpha()`: non-empty and every character alphabetic.
pub fn py_isalpha(s: &str) -> bool {
    !s.is_empty() && s.chars().all(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_matches_python() {
        let parts: Vec<_> = py_split("  a\u{1f}b\u{a0}c\n\td ").collect();
        assert_eq!(parts, ["a", "b", "c", "d"]);
    }

    #[test]
    fn strip_and_isalpha() {
        assert_eq!(py_strip("\u{1c} x y \r\n"), "x y");
        assert!(py_isalpha("Feynman"));
        assert!(!py_isalpha("Mr Smith"));
        assert!(!py_isalpha(""));
    }
}
