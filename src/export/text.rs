//! Escaping shared by the formats: XML text and attributes (characters XML 1.0 forbids become
//! U+FFFD), CSV fields, and plain one-line fields (tabs, quotes and line breaks replaced).

/// `s` as XML character data or an attribute value.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `s` as one CSV field (RFC 4180: quoted when it holds a comma, quote or line break).
pub fn csv(s: &str) -> String {
    let s = no_controls(s);
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// `s` with control characters (line breaks and tabs included) replaced by U+FFFD, for
/// formats whose fields are delimited by them.
pub fn no_controls(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect()
}

/// A number as the formats write it: the shortest text that reads back as the same `f64`
/// (non-finite values, which a validated network never has, as 0).
pub fn num(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { "0".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;\u{FFFD}");
        assert_eq!(csv("plain"), "plain");
        assert_eq!(csv("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv("two\nlines"), "two\u{FFFD}lines");
        assert_eq!(num(0.1), "0.1");
        assert_eq!(num(f64::NAN), "0");
    }
}
