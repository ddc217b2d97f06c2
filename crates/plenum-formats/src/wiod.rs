//! Reader of the WIOD 2013-release world input-output table, as three CSV
//! files (plain or gzip):
//!
//! - `wiotYYYY_inter.csv[.gz]`: Z, n × n with n = 41 regions × 35 sectors;
//!   header and row labels `REG_cN`, region-major;
//! - `wiotYYYY_final.csv[.gz]`: Y, n × 5R, headers `0 … 5R−1`, region-major,
//!   five categories per region: households, NPISH, government, GFCF,
//!   change in inventories (named as WIOD does: `CONS_h`, `CONS_np`,
//!   `CONS_g`, `GFCF`, `INVEN`);
//! - `wiotYYYY_output.csv`: x, header `,output`.
//!
//! Value added is not published in these files; it is derived as the one
//! component `VA` = x' − 1'Z. It therefore includes everything WIOD books
//! between intermediate use and output: value added at basic prices, net
//! taxes on products and international transport margins. The column
//! balance holds exactly by construction.
//!
//! The numbers are rounded to whole USD million. Measured on the 2011 table,
//! Z·1 + Y·1 falls short of x by 41 on average (1368 of 1435 rows short,
//! rounding drops the many flows below 0.5) and by at most 108 (NLD_c23).
//! The shortfall is an absolute rounding error, so [`default_policy`] checks
//! the row balance as |Z·1 + Y·1 − x| ≤ 0.005 · max(x, 40 000), i.e. within
//! USD 200 million for industries below USD 40 billion of output and within
//! 0.5 % above (the worst measured is 0.27 % of max(x, 40 000), a margin of
//! about 1.8), and accepts the 22 industries with zero output (e.g.
//! `CHN_c35`; two of them, `LUX_c5` and `LUX_c8`, hold a rounded −1 of
//! inventories, within the policy's 0.005 · 40 000) as absent.

use std::path::{Path, PathBuf};

use plenum_table::table::ImportTreatment;
use plenum_table::{
    Col, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy, ZeroOutputPolicy,
};

use crate::error::{FormatError, Result};
use crate::industry_labels::regions_sectors;
use crate::text::{expect_len, name, parse_number, read_path, TextOptions, TextTable};

/// WIOD's five final-demand categories, in the order of the columns.
pub const FD_CATEGORIES: [&str; 5] = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"];

/// A WIOD sector: plenum's label (`c1` … `c35` as in the files), the
/// NACE Rev.1 code and WIOD's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectorInfo {
    pub code: &'static str,
    pub nace: &'static str,
    pub name: &'static str,
}

/// The 35 WIOD (2013 release) sectors, NACE Rev.1 / ISIC Rev.3.
pub const SECTORS: [SectorInfo; 35] = {
    const fn s(code: &'static str, nace: &'static str, name: &'static str) -> SectorInfo {
        SectorInfo { code, nace, name }
    }
    [
        s("c1", "AtB", "Agriculture, hunting, forestry and fishing"),
        s("c2", "C", "Mining and quarrying"),
        s("c3", "15t16", "Food, beverages and tobacco"),
        s("c4", "17t18", "Textiles and textile products"),
        s("c5", "19", "Leather, leather products and footwear"),
        s("c6", "20", "Wood and products of wood and cork"),
        s("c7", "21t22", "Pulp, paper, printing and publishing"),
        s("c8", "23", "Coke, refined petroleum and nuclear fuel"),
        s("c9", "24", "Chemicals and chemical products"),
        s("c10", "25", "Rubber and plastics"),
        s("c11", "26", "Other non-metallic minerals"),
        s("c12", "27t28", "Basic metals and fabricated metal"),
        s("c13", "29", "Machinery, n.e.c."),
        s("c14", "30t33", "Electrical and optical equipment"),
        s("c15", "34t35", "Transport equipment"),
        s("c16", "36t37", "Manufacturing, n.e.c.; recycling"),
        s("c17", "E", "Electricity, gas and water supply"),
        s("c18", "F", "Construction"),
        s(
            "c19",
            "50",
            "Sale, maintenance and repair of motor vehicles; retail sale of fuel",
        ),
        s(
            "c20",
            "51",
            "Wholesale trade and commission trade, except of motor vehicles",
        ),
        s(
            "c21",
            "52",
            "Retail trade, except of motor vehicles; repair of household goods",
        ),
        s("c22", "H", "Hotels and restaurants"),
        s("c23", "60", "Inland transport"),
        s("c24", "61", "Water transport"),
        s("c25", "62", "Air transport"),
        s(
            "c26",
            "63",
            "Other supporting and auxiliary transport activities; travel agencies",
        ),
        s("c27", "64", "Post and telecommunications"),
        s("c28", "J", "Financial intermediation"),
        s("c29", "70", "Real estate activities"),
        s(
            "c30",
            "71t74",
            "Renting of machinery and equipment and other business activities",
        ),
        s(
            "c31",
            "L",
            "Public administration and defence; compulsory social security",
        ),
        s("c32", "M", "Education"),
        s("c33", "N", "Health and social work"),
        s("c34", "O", "Other community, social and personal services"),
        s("c35", "P", "Private households with employed persons"),
    ]
};

/// The name of WIOD sector `code` (`c1` … `c35`).
pub fn sector_name(code: &str) -> Option<&'static str> {
    SECTORS.iter().find(|s| s.code == code).map(|s| s.name)
}

/// The validation policy that fits WIOD's rounded numbers (see the module
/// docs for the measurement behind it).
pub fn default_policy() -> ValidationPolicy {
    ValidationPolicy {
        balance_rtol: Some(0.005),
        balance_floor: 40_000.0,
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        ..ValidationPolicy::default()
    }
}

/// The three files of one WIOD year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WiodFiles {
    pub inter: PathBuf,
    pub final_demand: PathBuf,
    pub output: PathBuf,
}

impl WiodFiles {
    /// Finds `*_inter.csv[.gz]`, `*_final.csv[.gz]` and `*_output.csv[.gz]`
    /// in `dir`; each must be there exactly once.
    pub fn in_dir(dir: &Path) -> Result<Self> {
        let dname = name(dir);
        let entries = std::fs::read_dir(dir).map_err(|e| FormatError::io(&dname, "list", e))?;
        let mut names: Vec<PathBuf> = Vec::new();
        for e in entries {
            let e = e.map_err(|e| FormatError::io(&dname, "list", e))?;
            names.push(e.path());
        }
        names.sort();
        let find = |stem: &str| -> Result<PathBuf> {
            let hits: Vec<&PathBuf> = names
                .iter()
                .filter(|p| {
                    p.file_name().and_then(|f| f.to_str()).is_some_and(|f| {
                        f.ends_with(&format!("_{stem}.csv"))
                            || f.ends_with(&format!("_{stem}.csv.gz"))
                    })
                })
                .collect();
            match hits.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(FormatError::file(
                    &dname,
                    format!("no file *_{stem}.csv or *_{stem}.csv.gz"),
                    "the folder must hold wiotYYYY_inter, _final and _output CSV files",
                )),
                _ => Err(FormatError::file(
                    &dname,
                    format!("{} files *_{stem}.csv[.gz]", hits.len()),
                    "keep one WIOD year per folder",
                )),
            }
        };
        Ok(Self {
            inter: find("inter")?,
            final_demand: find("final")?,
            output: find("output")?,
        })
    }

    /// The year in a file name `wiotYYYY_…`, if any.
    pub fn year(&self) -> Option<i32> {
        let f = self.inter.file_name()?.to_str()?;
        let digits: String = f
            .strip_prefix("wiot")?
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    }
}

/// Reads the WIOD table in `dir` (see [`WiodFiles::in_dir`]).
pub fn read_wiod_dir(dir: &Path, policy: &ValidationPolicy) -> Result<MrioTable> {
    read_wiod(&WiodFiles::in_dir(dir)?, policy)
}

/// Checks that the row labels of `t` (from line 2 on) are exactly `labels`.
fn check_row_labels(t: &TextTable, labels: &[String]) -> Result<()> {
    let body = &t.rows[1..];
    for (i, want) in labels.iter().enumerate() {
        let Some(row) = body.get(i) else {
            let last = t.rows.last().map_or(1, |r| r.line);
            return Err(FormatError::layout(
                &t.file,
                last,
                format!(
                    "the file ends after {} data rows; row \"{want}\" is missing",
                    body.len()
                ),
                format!("give one row per industry ({} rows)", labels.len()),
            ));
        };
        if row.label() != want {
            return Err(FormatError::cell(
                t.file.clone(),
                row.line,
                1,
                "row label",
                row.label().to_string(),
                format!("row \"{want}\" (rows in the order of the intermediate columns)"),
                row.label().to_string(),
                "order the rows as the columns of the intermediate block",
            ));
        }
    }
    if let Some(extra) = body.get(labels.len()) {
        return Err(FormatError::layout(
            &t.file,
            extra.line,
            format!(
                "unexpected row \"{}\" after the {} industry rows",
                extra.label(),
                labels.len()
            ),
            "remove totals or other rows below the industry rows",
        ));
    }
    Ok(())
}

const FIX_NUMBER: &str = "replace with 0 if the flow is absent";

/// Reads one WIOD year from its three files and validates it under `policy`
/// (for WIOD's rounded numbers use [`default_policy`]).
pub fn read_wiod(files: &WiodFiles, policy: &ValidationPolicy) -> Result<MrioTable> {
    // Z
    let zt = read_path(&files.inter, TextOptions::CSV)?;
    let zf = zt.file.as_str();
    let Some(header) = zt.rows.first() else {
        return Err(FormatError::file(
            zf,
            "the file is empty",
            "give the WIOD intermediate-use CSV",
        ));
    };
    let n = header.len().saturating_sub(1);
    let (regions, sectors) = regions_sectors(zf, header, 1, n)?;
    let labels: Vec<String> = (1..=n)
        .map(|c| header.get(c).unwrap_or("").to_string())
        .collect();
    check_row_labels(&zt, &labels)?;
    let mut z = Mat::<f64>::zeros(n, n);
    for (i, row) in zt.rows[1..].iter().enumerate() {
        expect_len(zf, row, n + 1, "a label and one value per industry")?;
        for j in 0..n {
            z[(i, j)] = parse_number(zf, row, j + 1, &labels[j], FIX_NUMBER)?;
        }
    }
    drop(zt);

    // Y
    let nf = FD_CATEGORIES.len();
    let yt = read_path(&files.final_demand, TextOptions::CSV)?;
    let yf = yt.file.as_str();
    let Some(yh) = yt.rows.first() else {
        return Err(FormatError::file(
            yf,
            "the file is empty",
            "give the WIOD final-demand CSV",
        ));
    };
    let nfd = regions.len() * nf;
    expect_len(yf, yh, nfd + 1, "5 final-demand columns per region")?;
    for c in 0..nfd {
        let h = yh.get(c + 1).unwrap_or("");
        if h != c.to_string() {
            return Err(FormatError::cell(
                yf.to_string(),
                yh.line,
                c + 2,
                h.to_string(),
                yh.label().to_string(),
                format!("column header \"{c}\" (columns numbered 0…{})", nfd - 1),
                h.to_string(),
                "keep WIOD's numbered final-demand columns in their order",
            ));
        }
    }
    check_row_labels(&yt, &labels)?;
    let fd_label = |c: usize| format!("{c} ({}/{})", regions[c / nf], FD_CATEGORIES[c % nf]);
    let mut y = Mat::<f64>::zeros(n, nfd);
    for (i, row) in yt.rows[1..].iter().enumerate() {
        expect_len(yf, row, nfd + 1, "a label and 5 values per region")?;
        for c in 0..nfd {
            y[(i, c)] = parse_number(yf, row, c + 1, &fd_label(c), FIX_NUMBER)?;
        }
    }
    drop(yt);

    // x
    let xt = read_path(&files.output, TextOptions::CSV)?;
    let xf = xt.file.as_str();
    let Some(xh) = xt.rows.first() else {
        return Err(FormatError::file(
            xf,
            "the file is empty",
            "give the WIOD output CSV",
        ));
    };
    expect_len(xf, xh, 2, "a label column and an output column")?;
    check_row_labels(&xt, &labels)?;
    let mut x = Col::<f64>::zeros(n);
    for (i, row) in xt.rows[1..].iter().enumerate() {
        expect_len(xf, row, 2, "a label and the output")?;
        x[i] = parse_number(
            xf,
            row,
            1,
            "output",
            "give the industry's gross output (0 if it has none)",
        )?;
    }

    // V = x' − 1'Z: WIOD's value added including net taxes and margins.
    let v = Mat::<f64>::from_fn(1, n, |_, j| x[j] - z.col(j).iter().sum::<f64>());

    let year = files.year();
    let meta = Metadata {
        name: match year {
            Some(y) => format!("wiod-2013-wiot{y}"),
            None => "wiod-2013".into(),
        },
        year,
        currency: "USD".into(),
        unit: "million".into(),
        source: "World Input-Output Database, 2013 release (Timmer, Dietzenbacher, Los, Stehrer and de Vries 2015, Review of International Economics 23(3): 575-605)".into(),
        licence: "free with citation of Timmer et al. (2015)".into(),
        imports: ImportTreatment::Interregional,
        notes: vec![
            "V has one component VA = x' - 1'Z: value added at basic prices plus net taxes on products and international transport margins, as WIOD books them".into(),
            format!("read from {}", name(&files.inter)),
        ],
    };
    let labels = Labels::new(
        regions,
        sectors,
        FD_CATEGORIES.iter().map(|s| s.to_string()).collect(),
        vec!["VA".into()],
    )
    .map_err(|e| FormatError::table(name(&files.inter), e))?;
    let parts = TableParts {
        meta,
        labels,
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: Vec::new(),
    };
    MrioTable::new(parts, policy).map_err(|e| FormatError::table(name(&files.inter), e))
}
