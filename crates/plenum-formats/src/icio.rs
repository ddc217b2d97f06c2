//! Reader of the OECD Inter-Country Input-Output (ICIO) tables as the OECD
//! publishes them in CSV (one file per year, USD million), in both layouts:
//!
//! | | 2021 edition (`ICIO2021_YYYY.csv`) | 2023 and 2025 editions (`ICIO2023_YYYY.csv`, …) |
//! |---|---|---|
//! | industry rows and columns | `REG_SEC`, e.g. `CHN_C26` | `REG_SEC`, e.g. `CHN_C26`, `CHN_A01_02` |
//! | final-demand columns | `REG_HFCE`, `_NPISH`, `_GGFC`, `_GFCF`, `_INVNT`, `_DPABR` | same |
//! | taxes less subsidies on products (row) | `TAXSUB` (or one `REG_TAXSUB` row per country) | `TLS` |
//! | value added (row) | `VALU` | `VA` |
//! | gross output (row) | `OUTPUT` | `OUT` |
//! | row totals (column) | `TOTAL` | `OUT` |
//!
//! Region and sector are split at the first underscore (country codes have
//! none, sector codes may). China and Mexico may come split into parts
//! (`CN1`, `CN2`, …, `MX1`, `MX2`, … — processing exporters and the rest);
//! the parts are merged into `CHN` and `MEX` (added to the `CHN`/`MEX`
//! industries when those exist too, as pymrio's `parse_oecd` does), rows
//! and columns alike. Regions take the order of the final-demand columns.
//!
//! As an [`MrioTable`]: Z = industry rows × industry columns; Y = industry
//! rows × final-demand columns (region-major, the six categories); x =
//! `OUTPUT`/`OUT`; V = two components, taxes less subsidies on products
//! (`TAXSUB`, summed over the per-country rows when there are several, or
//! `TLS`) and value added (`VALU` or `VA`). Taxes on final demand (the tax
//! row under the final-demand columns) have no place in V and are dropped.
//!
//! No real ICIO file is at hand; the layouts follow the OECD's ReadMe files
//! and pymrio's parser, and the tests use small faithful mock files. The
//! OECD notes that balancing leaves small residuals and may zero values
//! below USD 0.1 million; [`default_policy`] allows |imbalance| ≤ 1e-3 ·
//! max(x, 100), i.e. USD 0.1 million for small industries (not measured on
//! real files here).

use std::collections::HashMap;
use std::path::Path;

use plenum_table::table::ImportTreatment;
use plenum_table::{
    Col, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy, ZeroOutputPolicy,
};

use crate::error::{FormatError, Result};
use crate::industry_labels::split;
use crate::text::{name, parse_number, read_path, Row, TextOptions};

/// The six final-demand categories of the ICIO tables.
pub const FD_CATEGORIES: [&str; 6] = ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"];

/// Which layout a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcioLayout {
    /// `TAXSUB`, `VALU`, `OUTPUT`, `TOTAL`.
    Edition2021,
    /// `TLS`, `VA`, `OUT`.
    Edition2023,
}

/// A policy for the ICIO tables (see the module docs).
pub fn default_policy() -> ValidationPolicy {
    ValidationPolicy {
        balance_rtol: Some(1e-3),
        balance_floor: 100.0,
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        ..ValidationPolicy::default()
    }
}

/// The region a (possibly split) country code merges into.
fn merged_region(code: &str) -> &str {
    let digits = |rest: &str| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit());
    if code.len() > 2 && code.starts_with("CN") && digits(&code[2..]) {
        "CHN"
    } else if code.len() > 2 && code.starts_with("MX") && digits(&code[2..]) {
        "MEX"
    } else {
        code
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Industry,
    Tax,
    ValueAdded,
    Output,
}

/// Edition and year from a file name `ICIOEEEE_YYYY.csv`.
fn edition_year(path: &Path) -> (Option<i32>, Option<i32>) {
    let f = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
    let years: Vec<i32> = f
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| p.len() == 4)
        .filter_map(|p| p.parse().ok())
        .collect();
    match years.as_slice() {
        [e, y, ..] => (Some(*e), Some(*y)),
        [y] => (None, Some(*y)),
        [] => (None, None),
    }
}

/// Reads an OECD ICIO CSV (plain or gzip) and validates it under `policy`.
pub fn read_icio(path: &Path, policy: &ValidationPolicy) -> Result<MrioTable> {
    read_icio_with_layout(path, policy).map(|(t, _)| t)
}

/// Like [`read_icio`], also saying which layout the file has.
pub fn read_icio_with_layout(
    path: &Path,
    policy: &ValidationPolicy,
) -> Result<(MrioTable, IcioLayout)> {
    let t = read_path(path, TextOptions::CSV)?;
    let f = t.file.as_str();
    let Some(h) = t.rows.first() else {
        return Err(FormatError::file(
            f,
            "the file is empty",
            "give an OECD ICIO CSV",
        ));
    };
    let width = h.len();
    let hcell = |c: usize, expected: &str, fix: &str| {
        let l = h.get(c).unwrap_or("");
        FormatError::cell(f, h.line, c + 1, l, "header", expected, l, fix)
    };

    // Columns.
    let mut ind_cols: Vec<usize> = Vec::new();
    let mut fd_cols: Vec<(usize, String, usize)> = Vec::new(); // (col, region, category)
    let mut total_col = None;
    for c in 1..width {
        let l = h.get(c).unwrap_or("");
        if l == "TOTAL" || l == "OUT" {
            if total_col.is_some() {
                return Err(hcell(
                    c,
                    "one total column",
                    "remove the duplicate total column",
                ));
            }
            total_col = Some(c);
            continue;
        }
        let Some((reg, rest)) = split(l) else {
            return Err(hcell(
                c,
                "an industry REG_SEC, a final-demand column REG_HFCE … REG_DPABR, or TOTAL/OUT",
                "keep the OECD's column labels",
            ));
        };
        if let Some(k) = FD_CATEGORIES.iter().position(|x| *x == rest) {
            fd_cols.push((c, merged_region(reg).to_string(), k));
        } else {
            ind_cols.push(c);
        }
    }
    if ind_cols.is_empty() || fd_cols.is_empty() {
        return Err(FormatError::layout(
            f,
            h.line,
            "no industry or no final-demand columns",
            "give industry columns REG_SEC and final-demand columns REG_HFCE … REG_DPABR",
        ));
    }

    // Original industries (before merging), region-major per original code.
    let ind_labels: Vec<&str> = ind_cols.iter().map(|&c| h.get(c).unwrap_or("")).collect();
    let mut orig_regions: Vec<&str> = Vec::new();
    let mut sectors: Vec<String> = Vec::new();
    let mut sec_of: Vec<usize> = Vec::with_capacity(ind_cols.len());
    let mut reg_of: Vec<&str> = Vec::with_capacity(ind_cols.len());
    let mut k_in_region = 0usize;
    for (k, l) in ind_labels.iter().enumerate() {
        let (reg, sec) = split(l).unwrap_or(("", ""));
        if orig_regions.last() != Some(&reg) {
            if orig_regions.contains(&reg) {
                return Err(hcell(
                    ind_cols[k],
                    "industries of one country together",
                    "keep the OECD's column order",
                ));
            }
            if !orig_regions.is_empty() && k_in_region != sectors.len() {
                return Err(hcell(
                    ind_cols[k],
                    &format!(
                        "{} sectors per country, as in {}",
                        sectors.len(),
                        orig_regions[0]
                    ),
                    "give every country the same sectors",
                ));
            }
            orig_regions.push(reg);
            k_in_region = 0;
        }
        if orig_regions.len() == 1 {
            sectors.push(sec.to_string());
        } else if sectors.get(k_in_region).map(String::as_str) != Some(sec) {
            return Err(hcell(
                ind_cols[k],
                &format!(
                    "{reg}_{} (sectors in the order of {})",
                    sectors.get(k_in_region).map_or("?", |s| s.as_str()),
                    orig_regions[0]
                ),
                "give every country the same sectors in the same order",
            ));
        }
        sec_of.push(k_in_region);
        reg_of.push(reg);
        k_in_region += 1;
    }
    if k_in_region != sectors.len() {
        return Err(FormatError::layout(
            f,
            h.line,
            format!(
                "the last country has {k_in_region} sectors, the first {}",
                sectors.len()
            ),
            "give every country the same sectors",
        ));
    }
    let ns = sectors.len();

    // Merged regions, in the order of the final-demand columns.
    let mut regions: Vec<String> = Vec::new();
    for (_, r, _) in &fd_cols {
        if !regions.contains(r) {
            regions.push(r.clone());
        }
    }
    let ind_regions: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for r in &orig_regions {
            let m = merged_region(r);
            if !v.contains(&m) {
                v.push(m);
            }
        }
        v
    };
    for r in &ind_regions {
        if !regions.iter().any(|x| x == r) {
            return Err(FormatError::file(
                f,
                format!("region {r} has industries but no final-demand columns"),
                "give final demand REG_HFCE … for every region",
            ));
        }
    }
    for r in &regions {
        if !ind_regions.contains(&r.as_str()) {
            return Err(FormatError::file(
                f,
                format!("region {r} has final demand but no industries"),
                "give every region its industries",
            ));
        }
    }
    let nr = regions.len();
    let nf = FD_CATEGORIES.len();
    let rpos: HashMap<&str, usize> = regions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.as_str(), i))
        .collect();
    let target: Vec<usize> = (0..ind_cols.len())
        .map(|k| rpos[merged_region(reg_of[k])] * ns + sec_of[k])
        .collect();
    let mut fd_seen = vec![false; nr * nf];
    let fd_target: Vec<usize> = fd_cols
        .iter()
        .map(|(_, r, k)| {
            let t = rpos[r.as_str()] * nf + k;
            fd_seen[t] = true;
            t
        })
        .collect();
    if let Some(miss) = fd_seen.iter().position(|s| !s) {
        return Err(FormatError::file(
            f,
            format!(
                "no column {}_{}",
                regions[miss / nf],
                FD_CATEGORIES[miss % nf]
            ),
            "give the six final-demand categories for every region",
        ));
    }

    // Rows.
    let n = nr * ns;
    let mut z = Mat::<f64>::zeros(n, n);
    let mut y = Mat::<f64>::zeros(n, nr * nf);
    let mut v = Mat::<f64>::zeros(2, n);
    let mut x = Col::<f64>::zeros(n);
    let mut seen_rows = vec![false; ind_cols.len()];
    let mut layout: Option<IcioLayout> = None;
    let mut got_va = false;
    let mut got_out = false;
    let mut got_tax = false;
    let label_of = |c: usize| h.get(c).unwrap_or("").to_string();
    let num = |row: &Row, c: usize| {
        parse_number(
            f,
            row,
            c,
            &label_of(c),
            "replace with 0 if the flow is absent",
        )
    };
    // Primary rows may leave cells blank outside the industry columns.
    let num_or_blank = |row: &Row, c: usize| -> Result<f64> {
        if row.get(c).is_none_or(str::is_empty) {
            Ok(0.0)
        } else {
            num(row, c)
        }
    };
    let ind_pos: HashMap<&str, usize> = ind_labels
        .iter()
        .enumerate()
        .map(|(k, l)| (*l, k))
        .collect();
    let mut set_layout = |row: &Row, l: IcioLayout| -> Result<()> {
        match layout {
            Some(prev) if prev != l => Err(FormatError::layout(
                f,
                row.line,
                format!("row \"{}\" belongs to the other ICIO layout", row.label()),
                "use TAXSUB/VALU/OUTPUT (2021) or TLS/VA/OUT (2023) rows, not both",
            )),
            _ => {
                layout = Some(l);
                Ok(())
            }
        }
    };
    for row in &t.rows[1..] {
        let l = row.label();
        let kind = match l {
            "TLS" => {
                set_layout(row, IcioLayout::Edition2023)?;
                RowKind::Tax
            }
            "VA" => {
                set_layout(row, IcioLayout::Edition2023)?;
                RowKind::ValueAdded
            }
            "OUT" => {
                set_layout(row, IcioLayout::Edition2023)?;
                RowKind::Output
            }
            "TAXSUB" => {
                set_layout(row, IcioLayout::Edition2021)?;
                RowKind::Tax
            }
            "VALU" => {
                set_layout(row, IcioLayout::Edition2021)?;
                RowKind::ValueAdded
            }
            "OUTPUT" => {
                set_layout(row, IcioLayout::Edition2021)?;
                RowKind::Output
            }
            _ if l.ends_with("_TAXSUB") => {
                set_layout(row, IcioLayout::Edition2021)?;
                RowKind::Tax
            }
            _ => RowKind::Industry,
        };
        if row.len() > width {
            crate::text::expect_len(f, row, width, "one value per header column")?;
        }
        match kind {
            RowKind::Industry => {
                let Some(&k) = ind_pos.get(l) else {
                    return Err(FormatError::cell(
                        f,
                        row.line,
                        1,
                        "row label",
                        l,
                        "an industry of the header, or TAXSUB/VALU/OUTPUT, TLS/VA/OUT",
                        l,
                        "remove the row or use the OECD's labels",
                    ));
                };
                if seen_rows[k] {
                    return Err(FormatError::layout(
                        f,
                        row.line,
                        format!("row \"{l}\" appears twice"),
                        "keep one",
                    ));
                }
                seen_rows[k] = true;
                crate::text::expect_len(f, row, width, "one value per header column")?;
                let i = target[k];
                for (kk, &c) in ind_cols.iter().enumerate() {
                    z[(i, target[kk])] += num(row, c)?;
                }
                for (q, (c, _, _)) in fd_cols.iter().enumerate() {
                    y[(i, fd_target[q])] += num(row, *c)?;
                }
            }
            RowKind::Tax | RowKind::ValueAdded | RowKind::Output => {
                match kind {
                    RowKind::ValueAdded if got_va => {
                        return Err(FormatError::layout(
                            f,
                            row.line,
                            format!("a second value-added row \"{l}\""),
                            "keep one",
                        ))
                    }
                    RowKind::Output if got_out => {
                        return Err(FormatError::layout(
                            f,
                            row.line,
                            format!("a second output row \"{l}\""),
                            "keep one",
                        ))
                    }
                    RowKind::ValueAdded => got_va = true,
                    RowKind::Output => got_out = true,
                    _ => got_tax = true,
                }
                for (kk, &c) in ind_cols.iter().enumerate() {
                    let val = num_or_blank(row, c)?;
                    match kind {
                        RowKind::Tax => v[(0, target[kk])] += val,
                        RowKind::ValueAdded => v[(1, target[kk])] += val,
                        _ => x[target[kk]] += val,
                    }
                }
                // Cells under the final-demand and total columns must still
                // be numbers (or blank).
                for (c, _, _) in &fd_cols {
                    num_or_blank(row, *c)?;
                }
            }
        }
    }
    if let Some(k) = seen_rows.iter().position(|s| !s) {
        return Err(FormatError::file(
            f,
            format!("no row for industry {}", ind_labels[k]),
            "give one row per industry column",
        ));
    }
    let layout = layout.unwrap_or(IcioLayout::Edition2023);
    let (tax_name, va_name) = match layout {
        IcioLayout::Edition2021 => ("TAXSUB", "VALU"),
        IcioLayout::Edition2023 => ("TLS", "VA"),
    };
    for (got, what) in [
        (got_tax, tax_name),
        (got_va, va_name),
        (
            got_out,
            if layout == IcioLayout::Edition2021 {
                "OUTPUT"
            } else {
                "OUT"
            },
        ),
    ] {
        if !got {
            return Err(FormatError::file(
                f,
                format!("no {what} row"),
                "give the tax, value-added and output rows",
            ));
        }
    }
    let merged: Vec<&str> = orig_regions
        .iter()
        .copied()
        .filter(|r| merged_region(r) != *r)
        .collect();
    let (edition, year) = edition_year(Path::new(f));
    let mut notes = vec![format!(
        "OECD ICIO, {} layout; V: {tax_name} (taxes less subsidies on products), {va_name}; taxes on final demand dropped",
        match layout {
            IcioLayout::Edition2021 => "2021-edition",
            IcioLayout::Edition2023 => "2023/2025-edition",
        }
    )];
    if !merged.is_empty() {
        notes.push(format!("merged {} into CHN/MEX", merged.join(", ")));
    }
    notes.push(format!("read from {}", name(Path::new(f))));
    let labels = Labels::new(
        regions,
        sectors,
        FD_CATEGORIES.iter().map(|s| s.to_string()).collect(),
        vec![tax_name.to_string(), va_name.to_string()],
    )
    .map_err(|e| FormatError::table(f, e))?;
    let parts = TableParts {
        meta: Metadata {
            name: match (edition, year) {
                (Some(e), Some(y)) => format!("oecd-icio{e}-{y}"),
                (_, Some(y)) => format!("oecd-icio-{y}"),
                _ => "oecd-icio".into(),
            },
            year,
            currency: "USD".into(),
            unit: "million".into(),
            source: format!(
                "OECD Inter-Country Input-Output Database{}",
                edition
                    .map(|e| format!(", {e} edition"))
                    .unwrap_or_default()
            ),
            licence: "CC BY 4.0".into(),
            imports: ImportTreatment::Interregional,
            notes,
        },
        labels,
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: Vec::new(),
    };
    let table = MrioTable::new(parts, policy).map_err(|e| FormatError::table(f, e))?;
    Ok((table, layout))
}
