//! Industry labels of the form `REGION_SECTOR` (WIOD `CHN_c14`, OECD ICIO
//! `CHN_C26`, `CHN_A01_02`): split at the first underscore, since region
//! codes never hold one while sector codes may. The labels of a table must be
//! region-major, every region listing the same sectors in the same order.

use crate::error::{FormatError, Result};
use crate::text::Row;

/// Splits `REGION_SECTOR` at its first underscore.
pub(crate) fn split(label: &str) -> Option<(&str, &str)> {
    let (r, s) = label.split_once('_')?;
    if r.is_empty() || s.is_empty() {
        return None;
    }
    Some((r, s))
}

/// Reads `count` labels from fields `start..start+count` of `row` and returns
/// the regions and sectors they make, checking region-major order.
pub(crate) fn regions_sectors(
    file: &str,
    row: &Row,
    start: usize,
    count: usize,
) -> Result<(Vec<String>, Vec<String>)> {
    let mut regions: Vec<String> = Vec::new();
    let mut sectors: Vec<String> = Vec::new();
    let cell = |col: usize, found: &str, expected: String, fix: &str| {
        FormatError::cell(
            file.to_string(),
            row.line,
            col + 1,
            found.to_string(),
            row.label().to_string(),
            expected,
            found.to_string(),
            fix.to_string(),
        )
    };
    let mut k = 0usize; // position within the current region
    for col in start..start + count {
        let label = row.get(col).unwrap_or("");
        let Some((r, s)) = split(label) else {
            return Err(cell(
                col,
                label,
                "an industry label REGION_SECTOR".into(),
                "label every industry as REGION_SECTOR, e.g. CHN_C26",
            ));
        };
        let new_region = regions.last().is_none_or(|last| last != r);
        if new_region {
            if regions.iter().any(|x| x == r) {
                return Err(cell(
                    col,
                    label,
                    "industries in region-major order".into(),
                    &format!("keep all industries of region {r} together"),
                ));
            }
            if regions.len() >= 2 && k != sectors.len() {
                return Err(cell(
                    col,
                    label,
                    format!(
                        "{} sectors in region {} (as in region {})",
                        sectors.len(),
                        regions.last().map_or("", |s| s.as_str()),
                        regions[0]
                    ),
                    "give every region the same sectors in the same order",
                ));
            }
            regions.push(r.to_string());
            k = 0;
        }
        if regions.len() == 1 {
            if sectors.iter().any(|x| x == s) {
                return Err(cell(
                    col,
                    label,
                    "each sector once per region".into(),
                    "remove the duplicate column",
                ));
            }
            sectors.push(s.to_string());
        } else {
            match sectors.get(k) {
                Some(want) if want == s => {}
                Some(want) => {
                    return Err(cell(
                        col,
                        label,
                        format!("{r}_{want} (sectors in the order of region {})", regions[0]),
                        "give every region the same sectors in the same order",
                    ))
                }
                None => {
                    return Err(cell(
                        col,
                        label,
                        format!(
                            "at most {} sectors in region {r} (as in region {})",
                            sectors.len(),
                            regions[0]
                        ),
                        "give every region the same sectors in the same order",
                    ))
                }
            }
        }
        k += 1;
    }
    if regions.len() > 1 && k != sectors.len() {
        return Err(FormatError::layout(
            file,
            row.line,
            format!(
                "region {} has {} sectors, region {} has {}",
                regions.last().map_or("", |s| s.as_str()),
                k,
                regions[0],
                sectors.len()
            ),
            "give every region the same sectors in the same order",
        ));
    }
    if regions.is_empty() {
        return Err(FormatError::layout(
            file,
            row.line,
            "no industry labels found",
            "the header must list the industries REGION_SECTOR",
        ));
    }
    Ok((regions, sectors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{read_bytes, TextOptions};

    fn row(s: &str) -> Row {
        read_bytes("h.csv", s.as_bytes(), TextOptions::CSV)
            .unwrap()
            .rows
            .remove(0)
    }

    #[test]
    fn region_major_ok() {
        let r = row(",A_x,A_y_1,B_x,B_y_1\n");
        let (reg, sec) = regions_sectors("h.csv", &r, 1, 4).unwrap();
        assert_eq!(reg, vec!["A", "B"]);
        assert_eq!(sec, vec!["x", "y_1"]);
    }

    #[test]
    fn errors_name_the_label() {
        for bad in [
            ",A_x,A_y,B_y,B_x\n",
            ",A_x,A_y,B_x\n",
            ",A_x,A_y,B_x,B_y,A_z\n",
            ",A_x,Ay\n",
            ",A_x,A_y,B_x,B_y,B_z\n",
        ] {
            let r = row(bad);
            let n = r.len() - 1;
            let e = regions_sectors("h.csv", &r, 1, n).unwrap_err().to_string();
            assert!(e.starts_with("h.csv line 1"), "{e}");
        }
    }
}
