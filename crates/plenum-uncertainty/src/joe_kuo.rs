//! Joe–Kuo direction numbers (new-joe-kuo-6.21201; S. Joe and F. Y. Kuo, "Constructing
//! Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30
//! (2008) 2635-2654), dimensions 2 to 1024, read from the data file
//! `data/new-joe-kuo-6.1024.txt` embedded in the binary (its header carries the
//! authors' licence). Each line is `a m_1 … m_s`: the primitive polynomial's interior
//! coefficients packed as bits, then the initial direction integers. Dimension 1 is the
//! van der Corput sequence (all m = 1). The file is generated from the copy SALib 1.6.0
//! ships by `tests/golden/make_joe_kuo.py`; do not edit it by hand.

use std::sync::OnceLock;

static TEXT: &str = include_str!("../data/new-joe-kuo-6.1024.txt");

/// Parses the embedded table: lines starting with `#` are comments. `None`
/// if a line is not a list of unsigned integers with at least `a` and `m_1`.
fn parse(text: &str) -> Option<Vec<Vec<u32>>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let row = l
                .split_whitespace()
                .map(|t| t.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            (row.len() >= 2).then_some(row)
        })
        .collect()
}

/// Rows for dimensions 2, 3, …: `[a, m_1, …, m_s]`, parsed once. Empty
/// if the embedded file were malformed (a test checks it is not), so that
/// every dimension beyond 1 is then refused as too large rather than panicking.
pub(crate) fn directions() -> &'static [Vec<u32>] {
    static ROWS: OnceLock<Vec<Vec<u32>>> = OnceLock::new();
    ROWS.get_or_init(|| parse(TEXT).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_has_every_dimension_up_to_1024() {
        let rows = parse(TEXT).expect("the embedded direction numbers parse");
        assert_eq!(rows.len(), 1023);
        assert_eq!(rows[0], [0, 1]);
        assert_eq!(rows[1], [1, 1, 3]);
        assert_eq!(
            rows[1022],
            [3538, 1, 1, 5, 11, 11, 33, 37, 29, 263, 1019, 657, 1453, 7807]
        );
        assert_eq!(directions().len(), 1023);
    }

    #[test]
    fn malformed_lines_are_refused() {
        assert_eq!(parse("# c\n1 2\n"), Some(vec![vec![1, 2]]));
        assert_eq!(parse("1 x\n"), None);
        assert_eq!(parse("7\n"), None);
    }
}
