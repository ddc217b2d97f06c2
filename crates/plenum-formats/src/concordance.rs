//! Concordance CSV files: a many-to-one map from a table's labels (regions
//! or sectors) to groups, for aggregation.
//!
//! Layout: a header row `source,group` (any two names), then one row per
//! source label. Blank lines and lines starting with `#` are comments.
//! Every label of the table must appear exactly once; the groups keep the
//! order of their first appearance. Errors name the file and line.

use std::path::Path;

use plenum_table::{Concordance, TableError};

use crate::error::{FormatError, Result};
use crate::text::name;

/// Reads a concordance for `source` labels (`kind` is "region" or
/// "sector", for messages).
pub fn read_concordance(path: &Path, kind: &'static str, source: &[String]) -> Result<Concordance> {
    let file = name(path);
    let text =
        std::fs::read_to_string(path).map_err(|e| FormatError::io(file.clone(), "read", e))?;
    parse_concordance(&file, &text, kind, source)
}

/// Parses concordance text; `file` names it in errors.
pub fn parse_concordance(
    file: &str,
    text: &str,
    kind: &'static str,
    source: &[String],
) -> Result<Concordance> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut lines: Vec<u64> = Vec::new();
    let mut header_seen = false;
    for (k, raw) in text.lines().enumerate() {
        let line = k as u64 + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = t.split(',').map(|f| f.trim().trim_matches('"')).collect();
        if fields.len() != 2 {
            return Err(FormatError::Layout {
                file: file.to_string(),
                line,
                problem: format!("expected 2 fields (source,group), found {}", fields.len()),
                fix: "write one `label,group` pair per line".into(),
            });
        }
        if !header_seen {
            header_seen = true;
            continue;
        }
        if fields[0].is_empty() || fields[1].is_empty() {
            return Err(FormatError::Layout {
                file: file.to_string(),
                line,
                problem: "a label or group is blank".into(),
                fix: "give both the source label and its group".into(),
            });
        }
        pairs.push((fields[0].to_string(), fields[1].to_string()));
        lines.push(line);
    }
    Concordance::from_pairs(kind, source, &pairs).map_err(|e| {
        // Point at the line of the offending label where there is one.
        let label = match &e {
            TableError::DoublyMapped { label, .. }
            | TableError::ConcordanceUnknown { label, .. } => Some(label.clone()),
            _ => None,
        };
        let line = label
            .and_then(|l| pairs.iter().rposition(|(s, _)| *s == l))
            .map(|i| lines[i])
            .unwrap_or(0);
        if line > 0 {
            FormatError::Layout {
                file: file.to_string(),
                line,
                problem: e.to_string(),
                fix: "each table label must be mapped exactly once".into(),
            }
        } else {
            FormatError::Table {
                file: file.to_string(),
                source: e,
            }
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
    fn reads_with_comments_and_header() {
        let c = parse_concordance(
            "c.csv",
            "# map\nsource,group\na,X\n\nb,Y\nc,X\n",
            "sector",
            &s(&["a", "b", "c"]),
        )
        .unwrap();
        assert_eq!(c.groups, s(&["X", "Y"]));
        assert_eq!(c.assign, vec![0, 1, 0]);
    }

    #[test]
    fn doubly_mapped_names_line() {
        let e = parse_concordance(
            "c.csv",
            "source,group\na,X\nb,Y\na,Y\n",
            "sector",
            &s(&["a", "b"]),
        )
        .unwrap_err();
        let m = e.to_string();
        assert!(m.contains("c.csv line 4") && m.contains("\"a\""), "{m}");
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
    fn wrong_field_count() {
        let e = parse_concordance("c.csv", "source,group\na,X,extra\n", "region", &s(&["a"]))
            .unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
