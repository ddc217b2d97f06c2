//! Reader of concordance CSV files: which group each region or sector of a
//! table goes to, for `plenum_table::aggregate`.
//!
//! Layout: two columns, `source label, group`; the first non-comment line is
//! a header (its names are free); lines starting with `#` are comments;
//! blank lines are skipped; surrounding blanks are trimmed. Example:
//!
//! ```text
//! # WIOD sectors to 3 groups
//! sector,group
//! c1,primary
//! c2,primary
//! c3,manufacturing
//! ```
//!
//! The checks (every label mapped exactly once, no unknown labels) are those
//! of `plenum_table::Concordance::from_pairs`; this module adds the file and
//! line to its errors.

use std::path::Path;

use plenum_table::{Concordance, TableError};

use crate::error::{FormatError, Result};
use crate::text::{read_bytes, read_path, TextOptions, TextTable};

/// One row of a concordance file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConcordanceRow {
    pub label: String,
    pub group: String,
    /// 1-based line in the file.
    pub line: u64,
}

const OPTS: TextOptions = TextOptions {
    delimiter: b',',
    comment: Some(b'#'),
};

/// Reads the `(label, group)` rows of a concordance file, header skipped.
pub fn read_concordance_rows(path: &Path) -> Result<Vec<ConcordanceRow>> {
    rows(&read_path(path, OPTS)?)
}

fn rows(t: &TextTable) -> Result<Vec<ConcordanceRow>> {
    let f = t.file.as_str();
    if t.rows.is_empty() {
        return Err(FormatError::file(
            f,
            "no header and no rows",
            "write a header line `label,group` and one line per label",
        ));
    }
    let mut out = Vec::with_capacity(t.rows.len().saturating_sub(1));
    for row in &t.rows[1..] {
        if row.len() != 2 {
            return Err(FormatError::layout(
                f,
                row.line,
                format!("{} fields, expected 2 (label, group)", row.len()),
                "write one `label,group` pair per line (quote labels that hold commas)",
            ));
        }
        let label = row.get(0).unwrap_or("");
        let group = row.get(1).unwrap_or("");
        for (col, v, what) in [(1, label, "label"), (2, group, "group")] {
            if v.is_empty() {
                return Err(FormatError::cell(
                    f,
                    row.line,
                    col,
                    what,
                    label,
                    format!("a non-empty {what}"),
                    v,
                    "fill in the cell or delete the line",
                ));
            }
        }
        out.push(ConcordanceRow {
            label: label.to_string(),
            group: group.to_string(),
            line: row.line,
        });
    }
    Ok(out)
}

/// Reads a concordance for the `kind` labels (`"region"` or `"sector"`)
/// `source` of a table.
pub fn read_concordance(path: &Path, kind: &'static str, source: &[String]) -> Result<Concordance> {
    let t = read_path(path, OPTS)?;
    build(&t, kind, source)
}

/// Like [`read_concordance`], from text in memory (`name` is used in errors).
pub fn parse_concordance(
    name: &str,
    text: &str,
    kind: &'static str,
    source: &[String],
) -> Result<Concordance> {
    let t = read_bytes(name, text.as_bytes(), OPTS)?;
    build(&t, kind, source)
}

fn build(t: &TextTable, kind: &'static str, source: &[String]) -> Result<Concordance> {
    let rows = rows(t)?;
    let pairs: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.label.clone(), r.group.clone()))
        .collect();
    let f = t.file.as_str();
    Concordance::from_pairs(kind, source, &pairs).map_err(|e| {
        let line_of = |label: &str, nth: usize| {
            rows.iter()
                .filter(|r| r.label == label)
                .nth(nth)
                .map_or(0, |r| r.line)
        };
        match &e {
            TableError::DoublyMapped { label, .. } => FormatError::layout(
                f,
                line_of(label, 1),
                format!("{e} (first on line {})", line_of(label, 0)),
                "delete one of the two lines",
            ),
            TableError::ConcordanceUnknown { label, .. } => FormatError::layout(
                f,
                line_of(label, 0),
                e.to_string(),
                "correct the label or delete the line",
            ),
            TableError::Unmapped { label, .. } => {
                FormatError::file(f, e.to_string(), format!("add a line `{label},<group>`"))
            }
            _ => FormatError::file(f, e.to_string(), "check the concordance"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn reads_with_comments_and_blanks() {
        let text =
            "# map\nsector,group\n\nc1, primary\n# c2 below\nc2,primary\nc3,\"manu, heavy\"\n";
        let c = parse_concordance("m.csv", text, "sector", &s(&["c1", "c2", "c3"])).unwrap();
        assert_eq!(c.groups, s(&["primary", "manu, heavy"]));
        assert_eq!(c.assign, vec![0, 0, 1]);
    }

    #[test]
    fn errors_carry_lines() {
        let src = s(&["c1", "c2"]);
        let e = parse_concordance("m.csv", "a,b\nc1,X\nc2,X\nc1,Y\n", "sector", &src).unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with("m.csv line 4:") && m.contains("first on line 2"),
            "{m}"
        );

        let e = parse_concordance("m.csv", "a,b\nc1,X\n", "sector", &src).unwrap_err();
        assert!(e.to_string().contains("add a line `c2,<group>`"), "{e}");

        let e = parse_concordance("m.csv", "a,b\nc1,X\nc9,X\nc2,X\n", "sector", &src).unwrap_err();
        assert!(e.to_string().starts_with("m.csv line 3:"), "{e}");

        let e = parse_concordance("m.csv", "a,b\nc1,X,Z\n", "sector", &src).unwrap_err();
        assert!(e.to_string().contains("expected 2"), "{e}");

        let e = parse_concordance("m.csv", "a,b\nc1,\n", "sector", &src).unwrap_err();
        assert_eq!(e.as_cell().map(|c| (c.line, c.column)), Some((2, 2)), "{e}");
    }

    #[test]
    fn unmapped_is_named() {
        let e = parse_concordance("c.csv", "source,group\na,X\n", "region", &s(&["a", "b"]))
            .unwrap_err();
        assert!(e.to_string().contains("\"b\" is not mapped"), "{e}");
    }

    #[test]
    fn unknown_label_lists_valid() {
        let e = parse_concordance(
            "c.csv",
            "source,group\na,X\nb,X\nzz,Y\n",
            "region",
            &s(&["a", "b"]),
        )
        .unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("line 4") && m.contains("zz") && m.contains("a, b"),
            "{m}"
        );
    }

    #[test]
    fn file_with_crlf_and_bom() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c.csv");
        std::fs::write(&p, "\u{feff}source,group\r\na,X\r\nb,Y\r\n").unwrap();
        let c = read_concordance(&p, "region", &s(&["a", "b"])).unwrap();
        assert_eq!(c.groups, s(&["X", "Y"]));
        let r = read_concordance_rows(&p).unwrap();
        assert_eq!(r[1].line, 3);
    }
}
