//! Reader of China's official input-output tables (National Bureau of
//! Statistics) as CSV, values in 10,000 yuan, two layouts:
//!
//! **Split layout** (the 42-sector tables of 2017, 2018, 2020): columns
//! `Code, Description, DescriptionInChinese, Origin`, the sectors `01 … 42`,
//! `TIU` (total intermediate use), the final uses `TC` (total final
//! consumption), `FU201` (gross fixed capital formation), `FU202` (changes
//! in inventories), `EX` (exports), then `TFU` (total final use) and `GO`
//! (gross output). Product rows come twice: `Origin` = `Domestic`, then
//! `Imports` (or `Imported`); then `TII`, `VA001 … VA004`, `TVA`, `TI`.
//! As a single-region table (`ImportTreatment::CompetitiveSplit`):
//! - Z, Y = the domestic rows × sectors, × final uses (Y includes `EX`);
//! - Z_m, Y_m ([`ImportedUse`]) = the imported rows, same columns (imported
//!   products also appear in `EX`: re-exports);
//! - x = `GO` of the domestic rows; V = `VA001` compensation of employees,
//!   `VA002` net taxes on production, `VA003` depreciation of fixed assets,
//!   `VA004` operating surplus;
//! - so Z·1 + Y·1 = x and 1'Z + 1'Z_m + 1'V = x'.
//!
//! **Total layout** (the 153-sector table of 2020): no `Origin` column and
//! one row per product (domestic and imported together); final uses
//! `FU101` rural and `FU102` urban household consumption, `FU103`
//! government consumption, `FU201`, `FU202`, `EX`, with the subtotals `THC`,
//! `TC`, `GCF`, `TFU`, and `IM` (imports, positive) before `GO`, so that
//! Z·1 + Y·1 − IM = GO. As a table (`ImportTreatment::CompetitiveTotal`):
//! Y = the six final uses and `IM` negated, like the OECD TTL tables.
//!
//! Subtotal columns (`TIU`, `THC`, `TC` where its parts are given, `GCF`,
//! `TFU`) and rows (`TII`, `TVA`, `TI`) are not read. The tables balance to
//! machine precision (measured: relative gaps below 2e-14), so
//! [`default_policy`] is tight.

use std::path::Path;

use plenum_table::table::ImportTreatment;
use plenum_table::{
    Col, ImportedUse, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy,
};

use crate::error::{FormatError, Result};
use crate::text::{name, parse_number, read_path, Row, TextOptions, TextTable};

/// A sector of an NBS table: code (`01`, `001`) and its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NbsSector {
    pub code: String,
    pub description: String,
    pub description_zh: String,
}

/// Which of the two layouts a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NbsLayout {
    /// Domestic and imported product rows kept apart (`Origin` column).
    Split,
    /// One row per product, imports in an `IM` column.
    Total,
}

/// A policy for the NBS tables, which balance to machine precision.
pub fn default_policy() -> ValidationPolicy {
    ValidationPolicy {
        balance_rtol: Some(1e-9),
        ..ValidationPolicy::default()
    }
}

const VA_ROWS: [&str; 4] = ["VA001", "VA002", "VA003", "VA004"];
const SKIP_ROWS: [&str; 3] = ["TII", "TVA", "TI"];

/// Reads an NBS table (either layout) and validates it under `policy`.
pub fn read_nbs(path: &Path, policy: &ValidationPolicy) -> Result<MrioTable> {
    read_nbs_with_sectors(path, policy).map(|(t, _, _)| t)
}

/// Like [`read_nbs`], also returning the layout and the sectors' names.
pub fn read_nbs_with_sectors(
    path: &Path,
    policy: &ValidationPolicy,
) -> Result<(MrioTable, NbsLayout, Vec<NbsSector>)> {
    let t = read_path(path, TextOptions::CSV)?;
    let (parts, layout, sectors) = parse(&t, year_of(path))?;
    let table = MrioTable::new(parts, policy).map_err(|e| FormatError::table(&t.file, e))?;
    Ok((table, layout, sectors))
}

/// The year in a file name `china_YEAR_N.csv`.
fn year_of(path: &Path) -> Option<i32> {
    let f = path.file_name()?.to_str()?;
    f.split(|c: char| !c.is_ascii_digit())
        .find(|p| p.len() == 4)
        .and_then(|p| p.parse().ok())
}

fn col_of(h: &Row, label: &str) -> Option<usize> {
    (0..h.len()).find(|&c| h.get(c) == Some(label))
}

fn parse(t: &TextTable, year: Option<i32>) -> Result<(TableParts, NbsLayout, Vec<NbsSector>)> {
    let f = t.file.as_str();
    let Some(h) = t.rows.first() else {
        return Err(FormatError::file(
            f,
            "the file is empty",
            "give an NBS input-output table",
        ));
    };
    for (c, want) in ["Code", "Description", "DescriptionInChinese"]
        .iter()
        .enumerate()
    {
        if h.get(c) != Some(*want) {
            return Err(FormatError::cell(
                f,
                h.line,
                c + 1,
                h.get(c).unwrap_or(""),
                "header",
                format!("column \"{want}\""),
                h.get(c).unwrap_or(""),
                "start the header with Code, Description, DescriptionInChinese[, Origin]",
            ));
        }
    }
    let layout = if h.get(3) == Some("Origin") {
        NbsLayout::Split
    } else {
        NbsLayout::Total
    };
    let first = if layout == NbsLayout::Split { 4 } else { 3 };
    // Sector columns: all-digit codes up to TIU.
    let Some(tiu) = col_of(h, "TIU") else {
        return Err(FormatError::layout(
            f,
            h.line,
            "no TIU column after the sectors",
            "keep NBS's column codes",
        ));
    };
    let mut codes = Vec::new();
    for c in first..tiu {
        let code = h.get(c).unwrap_or("");
        if code.is_empty() || !code.chars().all(|ch| ch.is_ascii_digit()) {
            return Err(FormatError::cell(
                f,
                h.line,
                c + 1,
                code,
                "header",
                "a sector code of digits (01 … 42 or 001 … 153) before TIU",
                code,
                "keep NBS's sector codes",
            ));
        }
        codes.push(code.to_string());
    }
    let n = codes.len();
    if n == 0 {
        return Err(FormatError::layout(
            f,
            h.line,
            "no sector columns",
            "keep NBS's column codes",
        ));
    }
    // Final uses.
    let has = |l: &str| col_of(h, l).is_some();
    let cats: Vec<&str> = if has("FU101") {
        vec!["FU101", "FU102", "FU103", "FU201", "FU202", "EX"]
    } else {
        vec!["TC", "FU201", "FU202", "EX"]
    };
    let subtotals: Vec<&str> = if has("FU101") {
        vec!["THC", "TC", "GCF", "TFU"]
    } else {
        vec!["GCF", "TFU"]
    };
    let Some(go) = col_of(h, "GO") else {
        return Err(FormatError::layout(
            f,
            h.line,
            "no GO (gross output) column",
            "keep NBS's column codes",
        ));
    };
    let im = col_of(h, "IM");
    if layout == NbsLayout::Total && im.is_none() {
        return Err(FormatError::layout(
            f,
            h.line,
            "no Origin column and no IM column: imports are nowhere",
            "give either domestic and imported rows (Origin) or an IM column",
        ));
    }
    let mut cat_cols = Vec::new();
    for c in cats.iter() {
        let Some(col) = col_of(h, c) else {
            return Err(FormatError::layout(
                f,
                h.line,
                format!("no final-use column {c}"),
                format!("the layout needs {}", cats.join(", ")),
            ));
        };
        cat_cols.push(col);
    }
    for c in tiu + 1..h.len() {
        let l = h.get(c).unwrap_or("");
        if !(cats.contains(&l) || subtotals.contains(&l) || l == "IM" || l == "GO") {
            return Err(FormatError::cell(
                f,
                h.line,
                c + 1,
                l,
                "header",
                format!(
                    "one of {}, {}, IM, GO",
                    cats.join(", "),
                    subtotals.join(", ")
                ),
                l,
                "remove the column or use NBS's codes",
            ));
        }
    }
    let width = h.len();
    let fix = "replace with 0 if the flow is absent";
    let num = |row: &Row, c: usize| parse_number(f, row, c, h.get(c).unwrap_or(""), fix);
    let body = &t.rows[1..];

    // Product rows.
    let check_codes = |rows: &[Row], origin: &str| -> Result<()> {
        for (i, r) in rows.iter().enumerate() {
            crate::text::expect_len(f, r, width, "one value per column of the header")?;
            if r.label() != codes[i] {
                return Err(FormatError::cell(
                    f,
                    r.line,
                    1,
                    "Code",
                    r.label(),
                    format!(
                        "{origin} product row \"{}\" (rows in the order of the sector columns)",
                        codes[i]
                    ),
                    r.label(),
                    "order the product rows as the sector columns",
                ));
            }
        }
        Ok(())
    };
    let (dom, imp, rest) = match layout {
        NbsLayout::Split => {
            let origin = |r: &Row| r.get(3).unwrap_or("").to_string();
            let nd = body.iter().take_while(|r| origin(r) == "Domestic").count();
            let ni = body[nd..]
                .iter()
                .take_while(|r| ["Imports", "Imported"].contains(&origin(r).as_str()))
                .count();
            if nd != n || ni != n {
                let bad = body.get(if nd != n { nd } else { nd + ni });
                return Err(match bad {
                    Some(r) => FormatError::cell(
                        f,
                        r.line,
                        4,
                        "Origin",
                        r.label(),
                        format!(
                            "{} Domestic rows then {n} Imports rows ({nd} and {ni} found so far)",
                            n
                        ),
                        origin(r),
                        "give each product once as Domestic, then once as Imports",
                    ),
                    None => FormatError::file(
                        f,
                        "the file ends within the product rows",
                        "give all product rows",
                    ),
                });
            }
            check_codes(&body[..n], "domestic")?;
            check_codes(&body[n..2 * n], "imported")?;
            (&body[..n], Some(&body[n..2 * n]), &body[2 * n..])
        }
        NbsLayout::Total => {
            if body.len() < n {
                return Err(FormatError::file(
                    f,
                    "the file ends within the product rows",
                    "give all product rows",
                ));
            }
            check_codes(&body[..n], "")?;
            (&body[..n], None, &body[n..])
        }
    };
    let sectors: Vec<NbsSector> = dom
        .iter()
        .map(|r| NbsSector {
            code: r.label().to_string(),
            description: r.get(1).unwrap_or("").to_string(),
            description_zh: r.get(2).unwrap_or("").to_string(),
        })
        .collect();
    let block = |rows: &[Row]| -> Result<(Mat<f64>, Mat<f64>)> {
        let mut z = Mat::<f64>::zeros(n, n);
        let mut y = Mat::<f64>::zeros(
            n,
            cats.len() + usize::from(im.is_some() && layout == NbsLayout::Total),
        );
        for (i, r) in rows.iter().enumerate() {
            for j in 0..n {
                z[(i, j)] = num(r, first + j)?;
            }
            for (k, &c) in cat_cols.iter().enumerate() {
                y[(i, k)] = num(r, c)?;
            }
            if layout == NbsLayout::Total {
                if let Some(c) = im {
                    let v = num(r, c)?;
                    if v < 0.0 {
                        return Err(FormatError::cell(
                            f,
                            r.line,
                            c + 1,
                            "IM",
                            r.label(),
                            "imports as a positive number (or 0)",
                            r.get(c).unwrap_or(""),
                            "write imports without a minus sign, as NBS does",
                        ));
                    }
                    y[(i, cats.len())] = -v;
                }
            }
        }
        Ok((z, y))
    };
    let (z, y) = block(dom)?;
    let imported_use = match imp {
        Some(rows) => {
            let (zm, ym) = block(rows)?;
            Some(ImportedUse { z: zm, y: ym })
        }
        None => None,
    };
    let mut x = Col::<f64>::zeros(n);
    for (i, r) in dom.iter().enumerate() {
        x[i] = num(r, go)?;
    }
    // Value-added rows.
    let mut v = Mat::<f64>::zeros(VA_ROWS.len(), n);
    let mut seen = [false; 4];
    for r in rest {
        let l = r.label();
        if let Some(k) = VA_ROWS.iter().position(|v| *v == l) {
            if seen[k] {
                return Err(FormatError::layout(
                    f,
                    r.line,
                    format!("row {l} appears twice"),
                    "keep one",
                ));
            }
            seen[k] = true;
            for j in 0..n {
                v[(k, j)] = num(r, first + j)?;
            }
        } else if !SKIP_ROWS.contains(&l) {
            return Err(FormatError::cell(
                f,
                r.line,
                1,
                "Code",
                l,
                "one of TII, VA001, VA002, VA003, VA004, TVA, TI",
                l,
                "remove the row or use NBS's codes",
            ));
        }
    }
    if let Some(k) = seen.iter().position(|s| !s) {
        return Err(FormatError::file(
            f,
            format!("no row {}", VA_ROWS[k]),
            "give the four value-added rows VA001 … VA004",
        ));
    }
    let mut fd: Vec<String> = cats.iter().map(|s| s.to_string()).collect();
    if layout == NbsLayout::Total {
        fd.push("IM".into());
    }
    let labels = Labels::new(
        vec!["CHN".into()],
        codes,
        fd,
        VA_ROWS.iter().map(|s| s.to_string()).collect(),
    )
    .map_err(|e| FormatError::table(f, e))?;
    let meta = Metadata {
        name: format!(
            "nbs-{}-{}",
            year.map_or("unknown".to_string(), |y| y.to_string()),
            n
        ),
        year,
        currency: "CNY".into(),
        unit: "10k".into(),
        source: "National Bureau of Statistics of China, input-output tables".into(),
        licence: "official statistics of the PRC".into(),
        imports: match layout {
            NbsLayout::Split => ImportTreatment::CompetitiveSplit,
            NbsLayout::Total => ImportTreatment::CompetitiveTotal,
        },
        notes: vec![
            match layout {
                NbsLayout::Split => "domestic rows in Z and Y, imported rows in imported_use (Z_m, Y_m)".to_string(),
                NbsLayout::Total => "one row per product (domestic and imported); Y ends with IM negated".to_string(),
            },
            "V: VA001 compensation of employees, VA002 net taxes on production, VA003 depreciation of fixed assets, VA004 operating surplus".into(),
            format!("read from {}", name(Path::new(f))),
        ],
    };
    Ok((
        TableParts {
            meta,
            labels,
            z: z.into(),
            y,
            x,
            v,
            imported_use,
            extensions: Vec::new(),
        },
        layout,
        sectors,
    ))
}
