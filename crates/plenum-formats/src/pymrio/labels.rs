//! Label checks of pymrio frames: region-major two-level keys (every region
//! lists the same labels in the same order, no label twice) and keys that
//! must repeat another frame's (Y's rows are Z's rows, F's columns are Z's
//! rows, …). Each error names the file, the line or column and the label,
//! and says how to fix it.

use super::Frame;
use crate::error::{FormatError, Result};

/// Regions and second-level labels of region-major two-level keys, checking
/// that every region lists the same labels in the same order.
pub(super) fn two_level(
    frame: &Frame,
    keys: &[Vec<String>],
    on_rows: bool,
    what: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let err = |i: usize, expected: String, found: String| {
        if on_rows {
            frame.label_err(
                Some(i),
                None,
                expected,
                found,
                "keep pymrio's region-major order",
            )
        } else {
            frame.label_err(
                None,
                Some(i),
                expected,
                found,
                "keep pymrio's region-major order",
            )
        }
    };
    if keys.is_empty() {
        return Err(FormatError::file(
            &frame.file,
            format!("no {what}"),
            "give a non-empty table",
        ));
    }
    if keys[0].len() != 2 {
        return Err(FormatError::file(
            &frame.file,
            format!(
                "{what} have {} levels, expected 2 (region and {what})",
                keys[0].len()
            ),
            "check nr_index_col / nr_header in file_parameters.json",
        ));
    }
    // A label given twice is named as such: the count check below would only
    // report "N labels for R regions × S" (issue 14, defect 7).
    let mut seen = std::collections::HashMap::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        if let Some(first) = seen.insert((&k[0], &k[1]), i) {
            let (place, fix) =
                if on_rows {
                    (
                        match frame.row_lines.get(first).copied().unwrap_or(0) {
                            0 => format!("row {}", first + 1),
                            line => format!("line {line}"),
                        },
                        "each region/label pair is one row; remove or rename the duplicate row",
                    )
                } else {
                    (
                    format!("column {}", frame.row_keys.first().map_or(1, |k| k.len()) + first + 1),
                    "each region/label pair is one column; remove or rename the duplicate column",
                )
                };
            return Err(if on_rows {
                frame.label_err(
                    Some(i),
                    None,
                    format!("a label not used before (it is already on {place})"),
                    k.join("/"),
                    fix,
                )
            } else {
                frame.label_err(
                    None,
                    Some(i),
                    format!("a label not used before (it is already in {place})"),
                    k.join("/"),
                    fix,
                )
            });
        }
    }
    let mut regions: Vec<String> = Vec::new();
    let mut seconds: Vec<String> = Vec::new();
    for k in keys {
        if !regions.contains(&k[0]) {
            regions.push(k[0].clone());
        }
        if k[0] == regions[0] && !seconds.contains(&k[1]) {
            seconds.push(k[1].clone());
        }
    }
    if keys.len() != regions.len() * seconds.len() {
        return Err(FormatError::file(
            &frame.file,
            format!(
                "{} {what} for {} regions × {} labels",
                keys.len(),
                regions.len(),
                seconds.len()
            ),
            "give every region the same labels in the same order",
        ));
    }
    for (i, k) in keys.iter().enumerate() {
        let (r, s) = (&regions[i / seconds.len()], &seconds[i % seconds.len()]);
        if &k[0] != r || &k[1] != s {
            return Err(err(i, format!("{r}/{s}"), k.join("/")));
        }
    }
    Ok((regions, seconds))
}

pub(super) fn require_keys(
    frame: &Frame,
    got: &[Vec<String>],
    want: &[Vec<String>],
    on_rows: bool,
    like: &str,
) -> Result<()> {
    if got.len() != want.len() {
        return Err(FormatError::file(
            &frame.file,
            format!(
                "{} {}, but {like} has {}",
                got.len(),
                if on_rows { "rows" } else { "columns" },
                want.len()
            ),
            format!(
                "give the {} of {like}",
                if on_rows { "rows" } else { "columns" }
            ),
        ));
    }
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        if g != w {
            let fix = format!("order them as in {like}");
            return Err(if on_rows {
                frame.label_err(Some(i), None, w.join("/"), g.join("/"), &fix)
            } else {
                frame.label_err(None, Some(i), w.join("/"), g.join("/"), &fix)
            });
        }
    }
    Ok(())
}
