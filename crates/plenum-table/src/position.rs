//! Positions in a text file for error messages: the one `line_col` of the
//! workspace (the scenario, event/shocks and group parsers all use it).
//!
//! A parser (toml, csv) reports a byte offset; people and editors count
//! lines from 1 and columns in characters from 1, so "é" or "→" before the
//! error counts once, not two or three times. An offset past the end is
//! taken as the end; one inside a multi-byte character as that character.

/// The 1-based (line, column) of byte `offset` in `text`, the column in
/// characters (Unicode scalar values).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn lines_and_columns_from_one() {
        let t = "a = 1\nbb = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 4), (1, 5));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 11), (2, 6));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // "é" is 2 bytes, "→" 3: the `=` after them is the 4th character.
        let t = "x\né→ = 1";
        let eq = t.find('=').unwrap();
        assert_eq!(line_col(t, eq), (2, 4));
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_do_not_panic() {
        let t = "ab\n→";
        assert_eq!(line_col(t, 1000), (2, 2));
        // Byte 4 is inside "→" (bytes 3..6): the column of "→" itself.
        assert_eq!(line_col(t, 4), (2, 1));
        assert_eq!(line_col("", 5), (1, 1));
    }
}
