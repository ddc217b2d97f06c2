//! How values are shown in error messages, shared by every crate's errors so
//! that a value reads the same wherever it is reported.
//!
//! Rust's `Display` for `f64` never uses an exponent: `1e308` prints as 309
//! digits, and `1e-300` as 300 zeros (issue 14, defect 7). Messages show
//! such numbers in scientific notation instead, and escape control
//! characters so that a label cannot drive the user's terminal.

/// A value as written into a message: a number whose plain form is longer
/// than 24 characters is shown as `1e308`; anything else is unchanged
/// except for control characters, which are escaped (`\u{1b}`).
pub fn shown(value: impl ToString) -> String {
    let s = value.to_string();
    if s.len() > 24 {
        if let Ok(v) = s.trim().parse::<f64>() {
            if v.is_finite() {
                return format!("{v:e}");
            }
        }
    }
    printable(&s)
}

/// `s` with every control character (ESC, BEL, CR, ...) escaped as Rust
/// does (`\u{1b}`), so labels read from files reach the terminal inert.
pub fn printable(s: &str) -> String {
    escape_controls(s, false).into_owned()
}

/// `s` with control characters escaped; with `keep_layout` a message's own
/// line breaks and tabs are kept (the binary prints whole messages so).
pub fn escape_controls(s: &str, keep_layout: bool) -> std::borrow::Cow<'_, str> {
    let escape = |c: char| c.is_control() && !(keep_layout && (c == '\n' || c == '\t'));
    if !s.chars().any(escape) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if escape(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_numbers_get_an_exponent_and_short_ones_do_not() {
        assert_eq!(shown(1e308), "1e308");
        assert_eq!(shown(-1.5e300), "-1.5e300");
        assert_eq!(shown(1e-300), "1e-300");
        assert_eq!(shown(0.95), "0.95");
        assert_eq!(shown(123456.5), "123456.5");
        assert_eq!(shown("9999Q4"), "9999Q4");
        // A long label that is not a number is left alone.
        let label = "a".repeat(40);
        assert_eq!(shown(&label), label);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("fo\u{1b}[31mod"), "fo\\u{1b}[31mod");
        assert_eq!(printable("a\tb\r"), "a\\tb\\r");
        assert_eq!(printable("plain/food"), "plain/food");
        assert_eq!(escape_controls("a\n\tb\u{7}", true), "a\n\tb\\u{7}");
    }
}
