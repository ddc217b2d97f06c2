//! Reader of the OECD national input-output tables in the "TTL" layout
//! (`XXX2022ttl.csv`: one economy, domestic and imported uses together).
//!
//! Layout (first column the row label; USD million):
//!
//! | rows ↓ / columns → | industries `A01 … T` | `HFCE NPISH GGFC GFCF INVNT DPABR CONS_NONRES` | `EXPO` | `IMPO` | `TOTAL` |
//! |---|---|---|---|---|---|
//! | `TTL_<ind>` (products) | U: total uses | final uses | exports | −imports | row total |
//! | `IMP_OTHER` | imports n.e.c. | same | | | |
//! | `TXS_INT_FNL` | taxes less subsidies on products | same | | | |
//! | `TTL_INT_FNL` | total at purchasers' prices (a check) | | | | |
//! | `VALU` | value added | | | | |
//! | `LABR`, `OTXS`, `CFC`, `NOPS` (or `GOPS`) | components of VALU | | | | |
//! | `OUTPUT` | x | | | | |
//!
//! As a single-region [`MrioTable`] (`meta.imports =
//! ImportTreatment::CompetitiveTotal`):
//! - Z = the `TTL_` block (n × n);
//! - Y = the seven final uses, then `EXPO`, then `IMPO` (negative), so that
//!   Z·1 + Y·1 = `TOTAL` ≈ x;
//! - x = `OUTPUT`;
//! - V = `TXS_INT_FNL`, `IMP_OTHER` (only when some industry has a non-zero
//!   entry), `LABR`, `OTXS`, `GOPS`, with GOPS = VALU − LABR − OTXS (gross
//!   operating surplus and mixed income, = CFC + NOPS). Measured on the 80
//!   files of 2022, 1'Z + IMP_OTHER + TXS_INT_FNL + VALU = OUTPUT holds to
//!   0.001 except CHN `L` (−82, 7e-5 of its output), whereas the published
//!   components miss VALU by up to 47 (NZL `C19`); deriving GOPS from VALU
//!   makes the column balance hold wherever VALU does.
//!
//! Measured balances of the 80 files: with a floor of USD 10 million the
//! largest relative row gap is 6.0e-4 (TOTAL against OUTPUT) and the largest
//! column gap 8.0e-4; [`default_policy`] uses 2e-3. Products with zero
//! output but imported uses (e.g. coal mining in several economies) have
//! rows that sum to zero through `IMPO`; they are accepted as absent. Two
//! industries publish negative value added, so that their column of A sums
//! past 1: CYP `H51` (VALU −6.4, column sum 1.065) and ISL `C21` (VALU
//! −16.7, 1.205); both tables stay productive (ρ(A) = 0.62 and 0.54), and
//! the policy accepts them (`allow_negative_value_added`).
//!
//! [`NationalTable`] keeps everything the file says, apart, for the
//! world-table builder.

use std::path::{Path, PathBuf};

use plenum_table::table::ImportTreatment;
use plenum_table::{
    Col, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy, ZeroOutputPolicy,
};

use crate::error::{FormatError, Result};
use crate::text::{expect_len, name, parse_number, read_path, Row, TextOptions, TextTable};

/// The final-use columns kept as final demand, in the file's order.
pub const FINAL_CATEGORIES: [&str; 7] = [
    "HFCE",
    "NPISH",
    "GGFC",
    "GFCF",
    "INVNT",
    "DPABR",
    "CONS_NONRES",
];

/// The 50 industries of the 2022 national tables (ICIO 2025 list,
/// ISIC Rev.4) and their names.
pub const INDUSTRIES: [(&str, &str); 50] = [
    (
        "A01",
        "Crop and animal production, hunting and related service activities",
    ),
    ("A02", "Forestry and logging"),
    ("A03", "Fishing and aquaculture"),
    ("B05", "Mining of coal and lignite"),
    ("B06", "Extraction of crude petroleum and natural gas"),
    ("B07", "Mining of metal ores"),
    ("B08", "Other mining and quarrying"),
    ("B09", "Mining support service activities"),
    ("C10T12", "Food products, beverages and tobacco"),
    ("C13T15", "Textiles, textile products, leather and footwear"),
    ("C16", "Wood and products of wood and cork"),
    ("C17_18", "Paper products and printing"),
    ("C19", "Coke and refined petroleum products"),
    ("C20", "Chemicals and chemical products"),
    (
        "C21",
        "Pharmaceuticals, medicinal chemical and botanical products",
    ),
    ("C22", "Rubber and plastics products"),
    ("C23", "Other non-metallic mineral products"),
    ("C24A", "Basic iron and steel"),
    ("C24B", "Basic precious and other non-ferrous metals"),
    ("C25", "Fabricated metal products"),
    ("C26", "Computer, electronic and optical equipment"),
    ("C27", "Electrical equipment"),
    ("C28", "Machinery and equipment, n.e.c."),
    ("C29", "Motor vehicles, trailers and semi-trailers"),
    ("C301", "Building of ships and boats"),
    ("C302T309", "Other transport equipment"),
    (
        "C31T33",
        "Manufacturing n.e.c.; repair and installation of machinery and equipment",
    ),
    ("D", "Electricity, gas, steam and air conditioning supply"),
    (
        "E",
        "Water supply; sewerage, waste management and remediation",
    ),
    ("F", "Construction"),
    ("G", "Wholesale and retail trade; repair of motor vehicles"),
    ("H49", "Land transport and transport via pipelines"),
    ("H50", "Water transport"),
    ("H51", "Air transport"),
    (
        "H52",
        "Warehousing and support activities for transportation",
    ),
    ("H53", "Postal and courier activities"),
    ("I", "Accommodation and food service activities"),
    (
        "J58T60",
        "Publishing, audiovisual and broadcasting activities",
    ),
    ("J61", "Telecommunications"),
    ("J62_63", "IT and other information services"),
    ("K", "Financial and insurance activities"),
    ("L", "Real estate activities"),
    ("M", "Professional, scientific and technical activities"),
    ("N", "Administrative and support services"),
    (
        "O",
        "Public administration and defence; compulsory social security",
    ),
    ("P", "Education"),
    ("Q", "Human health and social work activities"),
    ("R", "Arts, entertainment and recreation"),
    ("S", "Other service activities"),
    (
        "T",
        "Activities of households as employers; own-use production of households",
    ),
];

/// The name of industry `code` of the national tables.
pub fn industry_name(code: &str) -> Option<&'static str> {
    INDUSTRIES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The validation policy that fits the published rounding (see the module
/// docs for the measurement).
pub fn default_policy() -> ValidationPolicy {
    ValidationPolicy {
        balance_rtol: Some(2e-3),
        balance_floor: 10.0,
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        allow_negative_value_added: true,
        ..ValidationPolicy::default()
    }
}

/// A row of primary inputs (`TXS_INT_FNL`, `IMP_OTHER`) over the columns of
/// the table.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimaryRow {
    /// Over the industries, n.
    pub intermediate: Col<f64>,
    /// Over the final-use categories [`FINAL_CATEGORIES`], k.
    pub final_use: Col<f64>,
    /// In the `EXPO` column.
    pub exports: f64,
}

/// One economy's national table, everything kept apart as published.
#[derive(Debug, Clone, PartialEq)]
pub struct NationalTable {
    /// ISO3 code, from the file name.
    pub economy: String,
    pub year: Option<i32>,
    /// Industry (= product) codes, `A01 … T`.
    pub industries: Vec<String>,
    /// Uses of product i by industry j, domestic and imported, n × n.
    pub use_ttl: Mat<f64>,
    /// [`FINAL_CATEGORIES`].
    pub final_categories: Vec<String>,
    /// Final uses of product i by category, n × k (excl. EXPO and IMPO).
    pub final_use: Mat<f64>,
    /// `EXPO`, n.
    pub exports: Col<f64>,
    /// Imports, positive: −`IMPO`, n.
    pub imports: Col<f64>,
    /// `TOTAL`: the row sums as published, n.
    pub total: Col<f64>,
    /// `TXS_INT_FNL`: taxes less subsidies on products.
    pub taxes: PrimaryRow,
    /// `IMP_OTHER`: imports not allocated to products.
    pub imp_other: PrimaryRow,
    /// Value-added component labels as published: `LABR, OTXS, CFC, NOPS`
    /// (or `LABR, OTXS, GOPS`).
    pub va_components: Vec<String>,
    /// Value added by component, K × n.
    pub va: Mat<f64>,
    /// `VALU`: value added, n.
    pub valu: Col<f64>,
    /// `OUTPUT`: gross output x, n.
    pub output: Col<f64>,
    /// The file it was read from.
    pub source_file: String,
}

/// How far a national table is from its identities, absolute (USD million)
/// and relative to max(|x|, floor).
#[derive(Debug, Clone, PartialEq)]
pub struct NationalResiduals {
    /// Row: Σ_j U_ij + Σ_f F_if + e_i − m_i − x_i; worst industry.
    pub row_abs: f64,
    pub row_rel: f64,
    pub row_worst: String,
    /// Column: Σ_i U_ij + TXS_j + IMP_OTHER_j + VALU_j − x_j; worst industry.
    pub col_abs: f64,
    pub col_rel: f64,
    pub col_worst: String,
    /// Σ published components − VALU; worst industry.
    pub va_components_abs: f64,
    pub va_components_worst: String,
}

impl NationalTable {
    /// Number of industries n.
    pub fn n(&self) -> usize {
        self.industries.len()
    }

    /// Gross operating surplus GOPS = VALU − LABR − OTXS (n), the value-added
    /// remainder that closes the column balance.
    pub fn gops(&self) -> Col<f64> {
        let comp = |name: &str| self.va_components.iter().position(|c| c == name);
        let l = comp("LABR");
        let o = comp("OTXS");
        Col::from_fn(self.n(), |j| {
            self.valu[j] - l.map_or(0.0, |k| self.va[(k, j)]) - o.map_or(0.0, |k| self.va[(k, j)])
        })
    }

    /// Measures the identities with the relative floor `floor`.
    pub fn residuals(&self, floor: f64) -> NationalResiduals {
        let n = self.n();
        let mut r = NationalResiduals {
            row_abs: 0.0,
            row_rel: 0.0,
            row_worst: String::new(),
            col_abs: 0.0,
            col_rel: 0.0,
            col_worst: String::new(),
            va_components_abs: 0.0,
            va_components_worst: String::new(),
        };
        for i in 0..n {
            let x = self.output[i];
            let row: f64 = (0..n).map(|j| self.use_ttl[(i, j)]).sum::<f64>()
                + (0..self.final_use.ncols())
                    .map(|f| self.final_use[(i, f)])
                    .sum::<f64>()
                + self.exports[i]
                - self.imports[i]
                - x;
            if row.abs() / x.abs().max(floor) > r.row_rel {
                r.row_rel = row.abs() / x.abs().max(floor);
                r.row_worst = self.industries[i].clone();
            }
            r.row_abs = r.row_abs.max(row.abs());
            let col: f64 = self.use_ttl.col(i).iter().sum::<f64>()
                + self.taxes.intermediate[i]
                + self.imp_other.intermediate[i]
                + self.valu[i]
                - x;
            if col.abs() / x.abs().max(floor) > r.col_rel {
                r.col_rel = col.abs() / x.abs().max(floor);
                r.col_worst = self.industries[i].clone();
            }
            r.col_abs = r.col_abs.max(col.abs());
            let comp: f64 =
                (0..self.va.nrows()).map(|k| self.va[(k, i)]).sum::<f64>() - self.valu[i];
            if comp.abs() > r.va_components_abs {
                r.va_components_abs = comp.abs();
                r.va_components_worst = self.industries[i].clone();
            }
        }
        r
    }

    /// The single-region [`TableParts`] (see the module docs for the map).
    pub fn to_parts(&self) -> Result<TableParts> {
        let n = self.n();
        let k = self.final_categories.len();
        let mut fd = self.final_categories.clone();
        fd.push("EXPO".into());
        fd.push("IMPO".into());
        let y = Mat::<f64>::from_fn(n, k + 2, |i, c| {
            if c < k {
                self.final_use[(i, c)]
            } else if c == k {
                self.exports[i]
            } else {
                -self.imports[i]
            }
        });
        let with_imp_other = self.imp_other.intermediate.iter().any(|v| *v != 0.0);
        let mut comps: Vec<String> = vec!["TXS_INT_FNL".into()];
        let mut rows: Vec<Col<f64>> = vec![self.taxes.intermediate.clone()];
        if with_imp_other {
            comps.push("IMP_OTHER".into());
            rows.push(self.imp_other.intermediate.clone());
        }
        for name in ["LABR", "OTXS"] {
            let Some(kk) = self.va_components.iter().position(|c| c == name) else {
                return Err(FormatError::file(
                    &self.source_file,
                    format!("no {name} row"),
                    "give the LABR and OTXS rows of value added",
                ));
            };
            comps.push(name.into());
            rows.push(Col::from_fn(n, |j| self.va[(kk, j)]));
        }
        comps.push("GOPS".into());
        rows.push(self.gops());
        let v = Mat::<f64>::from_fn(rows.len(), n, |kk, j| rows[kk][j]);
        let labels = Labels::new(
            vec![self.economy.clone()],
            self.industries.clone(),
            fd,
            comps,
        )
        .map_err(|e| FormatError::table(&self.source_file, e))?;
        let mut notes = vec![
            "single-region TTL table: Z holds domestic and imported uses together; Y ends with EXPO and IMPO (negative)".to_string(),
            "V: TXS_INT_FNL, IMP_OTHER (if any), LABR, OTXS, GOPS = VALU - LABR - OTXS".to_string(),
        ];
        notes.push(format!("read from {}", self.source_file));
        Ok(TableParts {
            meta: Metadata {
                name: match self.year {
                    Some(y) => format!("oecd-niot-{y}-{}", self.economy),
                    None => format!("oecd-niot-{}", self.economy),
                },
                year: self.year,
                currency: "USD".into(),
                unit: "million".into(),
                source: format!(
                    "OECD Inter-Country Input-Output Database / national IOTs{}",
                    self.year.map(|y| format!(", {y}")).unwrap_or_default()
                ),
                licence: "CC BY 4.0".into(),
                imports: ImportTreatment::CompetitiveTotal,
                notes,
            },
            labels,
            z: self.use_ttl.clone().into(),
            y,
            x: self.output.clone(),
            v,
            imported_use: None,
            extensions: Vec::new(),
        })
    }

    /// The single-region table, validated under `policy`
    /// ([`default_policy`] fits the published rounding).
    pub fn to_table(&self, policy: &ValidationPolicy) -> Result<MrioTable> {
        MrioTable::new(self.to_parts()?, policy)
            .map_err(|e| FormatError::table(&self.source_file, e))
    }
}

/// Economy and year from a file name `XXXYYYYttl.csv`; otherwise the stem
/// and no year.
fn economy_year(path: &Path) -> (String, Option<i32>) {
    let stem = path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or("")
        .trim_end_matches(".gz")
        .trim_end_matches(".csv")
        .to_string();
    let lower = stem.to_ascii_lowercase();
    if let Some(core) = lower.strip_suffix("ttl") {
        if core.len() == 7 && core[3..].chars().all(|c| c.is_ascii_digit()) {
            return (stem[..3].to_ascii_uppercase(), core[3..].parse().ok());
        }
    }
    (stem, None)
}

const FIX_NUMBER: &str = "replace with 0 if the flow is absent";

/// Reads one national table; economy and year come from the file name.
pub fn read_oecd_national(path: &Path) -> Result<NationalTable> {
    let t = read_path(path, TextOptions::CSV)?;
    let (economy, year) = economy_year(path);
    parse_national(&t, economy, year)
}

/// Reads one national table as a single-region [`MrioTable`].
pub fn read_oecd_national_table(path: &Path, policy: &ValidationPolicy) -> Result<MrioTable> {
    read_oecd_national(path)?.to_table(policy)
}

/// Reads every `*ttl.csv` of `dir`, sorted by economy code (then year).
/// Two files of the same economy and year are an error.
pub fn read_oecd_national_dir(dir: &Path) -> Result<Vec<NationalTable>> {
    let dname = name(dir);
    let mut files: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| FormatError::io(&dname, "list", e))? {
        let p = e.map_err(|e| FormatError::io(&dname, "list", e))?.path();
        let is_ttl = p.file_name().and_then(|f| f.to_str()).is_some_and(|f| {
            let f = f.to_ascii_lowercase();
            f.ends_with("ttl.csv") || f.ends_with("ttl.csv.gz")
        });
        if is_ttl && p.is_file() {
            files.push(p);
        }
    }
    if files.is_empty() {
        return Err(FormatError::file(
            dname,
            "no *ttl.csv files",
            "point at the folder of the OECD national tables (XXX2022ttl.csv)",
        ));
    }
    let mut tables = files
        .iter()
        .map(|p| read_oecd_national(p))
        .collect::<Result<Vec<_>>>()?;
    tables.sort_by(|a, b| (&a.economy, a.year).cmp(&(&b.economy, b.year)));
    for w in tables.windows(2) {
        if w[0].economy == w[1].economy && w[0].year == w[1].year {
            return Err(FormatError::file(
                dname,
                format!(
                    "two tables of {} ({} and {})",
                    w[0].economy, w[0].source_file, w[1].source_file
                ),
                "keep one file per economy and year",
            ));
        }
    }
    Ok(tables)
}

/// The known row labels below the product rows.
const PRIMARY_ROWS: [&str; 10] = [
    "IMP_OTHER",
    "TXS_INT_FNL",
    "TTL_INT_FNL",
    "VALU",
    "LABR",
    "OTXS",
    "CFC",
    "NOPS",
    "GOPS",
    "OUTPUT",
];

fn parse_national(t: &TextTable, economy: String, year: Option<i32>) -> Result<NationalTable> {
    let f = t.file.as_str();
    let Some(h) = t.rows.first() else {
        return Err(FormatError::file(
            f,
            "the file is empty",
            "give an OECD national table (TTL layout)",
        ));
    };
    let width = h.len();
    // Industries: the header fields before the first final-use column.
    let mut industries: Vec<String> = Vec::new();
    let mut c = 1;
    while c < width {
        let l = h.get(c).unwrap_or("");
        if FINAL_CATEGORIES.contains(&l) || ["EXPO", "IMPO", "TOTAL"].contains(&l) {
            break;
        }
        if l.is_empty() || industries.iter().any(|s| s == l) {
            return Err(FormatError::cell(
                f,
                h.line,
                c + 1,
                l,
                h.label(),
                "a distinct industry code",
                l,
                "label every industry column once",
            ));
        }
        industries.push(l.to_string());
        c += 1;
    }
    let n = industries.len();
    if n == 0 {
        return Err(FormatError::layout(
            f,
            h.line,
            "no industry columns before the final uses",
            "the header is \"\", the industries, then HFCE … IMPO, TOTAL",
        ));
    }
    let fd_cols: Vec<&str> = FINAL_CATEGORIES
        .iter()
        .copied()
        .chain(["EXPO", "IMPO", "TOTAL"])
        .collect();
    for (k, want) in fd_cols.iter().enumerate() {
        let col = n + 1 + k;
        let got = h.get(col).unwrap_or("");
        if got != *want {
            return Err(FormatError::cell(
                f,
                h.line,
                col + 1,
                got,
                h.label(),
                format!("column \"{want}\" (final uses HFCE NPISH GGFC GFCF INVNT DPABR CONS_NONRES EXPO IMPO TOTAL after the industries)"),
                got,
                "keep the OECD column order",
            ));
        }
    }
    expect_len(
        f,
        h,
        n + 1 + fd_cols.len(),
        "label, industries, final uses, TOTAL",
    )?;
    let k = FINAL_CATEGORIES.len();
    let col_label = |c: usize| -> String { h.get(c).unwrap_or("").to_string() };

    let body = &t.rows[1..];
    // Product rows TTL_<ind> in the order of the columns.
    for (i, ind) in industries.iter().enumerate() {
        let want = format!("TTL_{ind}");
        let Some(row) = body.get(i) else {
            return Err(FormatError::file(
                f,
                format!("the file ends before row \"{want}\""),
                "give one TTL_ row per industry column, in the same order",
            ));
        };
        if row.label() != want {
            return Err(FormatError::cell(
                f,
                row.line,
                1,
                "row label",
                row.label(),
                format!("row \"{want}\" (product rows in the order of the industry columns)"),
                row.label(),
                "order the TTL_ rows as the industry columns",
            ));
        }
    }
    let mut primary: Vec<(&'static str, &Row)> = Vec::new();
    for row in &body[n..] {
        let l = row.label();
        let Some(known) = PRIMARY_ROWS.iter().find(|p| **p == l) else {
            return Err(FormatError::cell(
                f,
                row.line,
                1,
                "row label",
                l,
                format!("one of {}", PRIMARY_ROWS.join(", ")),
                l,
                "remove the row or rename it to an OECD row code",
            ));
        };
        if let Some((_, first)) = primary.iter().find(|(p, _)| p == known) {
            return Err(FormatError::layout(
                f,
                row.line,
                format!("row \"{l}\" appears twice (first on line {})", first.line),
                "keep one",
            ));
        }
        primary.push((known, row));
    }
    let find = |label: &str| primary.iter().find(|(p, _)| *p == label).map(|(_, r)| *r);
    for need in ["TXS_INT_FNL", "VALU", "LABR", "OTXS", "OUTPUT"] {
        if find(need).is_none() {
            return Err(FormatError::file(
                f,
                format!("no row \"{need}\""),
                "the TTL layout needs TXS_INT_FNL, VALU, LABR, OTXS and OUTPUT rows",
            ));
        }
    }
    let has_cfc_nops = find("CFC").is_some() && find("NOPS").is_some();
    if !has_cfc_nops && find("GOPS").is_none() {
        return Err(FormatError::file(
            f,
            "neither CFC and NOPS rows nor a GOPS row",
            "give the operating surplus as CFC and NOPS, or as GOPS",
        ));
    }

    let number = |row: &Row, c: usize| parse_number(f, row, c, &col_label(c), FIX_NUMBER);
    let all = n + 1 + fd_cols.len();
    let mut use_ttl = Mat::<f64>::zeros(n, n);
    let mut final_use = Mat::<f64>::zeros(n, k);
    let mut exports = Col::<f64>::zeros(n);
    let mut imports = Col::<f64>::zeros(n);
    let mut total = Col::<f64>::zeros(n);
    for (i, row) in body[..n].iter().enumerate() {
        expect_len(f, row, all, "one value per column of the header")?;
        for j in 0..n {
            use_ttl[(i, j)] = number(row, 1 + j)?;
        }
        for c in 0..k {
            final_use[(i, c)] = number(row, n + 1 + c)?;
        }
        exports[i] = number(row, n + 1 + k)?;
        let impo = number(row, n + 2 + k)?;
        if impo > 0.0 {
            return Err(FormatError::cell(
                f,
                row.line,
                n + 3 + k,
                "IMPO",
                row.label(),
                "imports recorded as a negative number (or 0)",
                row.get(n + 2 + k).unwrap_or(""),
                "write imports with a minus sign, as the OECD does",
            ));
        }
        imports[i] = -impo;
        total[i] = number(row, n + 3 + k)?;
    }
    // Primary rows: only the industry (and final-use) columns hold numbers;
    // blank cells elsewhere are read as 0.
    let primary_over = |label: &str, cols: std::ops::Range<usize>| -> Result<Col<f64>> {
        let Some(row) = find(label) else {
            return Ok(Col::zeros(cols.len()));
        };
        let start = cols.start;
        let mut out = Col::<f64>::zeros(cols.len());
        for c in cols {
            let blank = row.get(c).is_none_or(str::is_empty);
            out[c - start] = if blank { 0.0 } else { number(row, c)? };
        }
        Ok(out)
    };
    let industry_cols = 1..n + 1;
    let fd_range = n + 1..n + 1 + k;
    let primary_row = |label: &str| -> Result<PrimaryRow> {
        Ok(PrimaryRow {
            intermediate: primary_over(label, industry_cols.clone())?,
            final_use: primary_over(label, fd_range.clone())?,
            exports: primary_over(label, n + 1 + k..n + 2 + k)?[0],
        })
    };
    let taxes = primary_row("TXS_INT_FNL")?;
    let imp_other = primary_row("IMP_OTHER")?;
    let va_components: Vec<String> = if has_cfc_nops {
        vec!["LABR".into(), "OTXS".into(), "CFC".into(), "NOPS".into()]
    } else {
        vec!["LABR".into(), "OTXS".into(), "GOPS".into()]
    };
    let mut va = Mat::<f64>::zeros(va_components.len(), n);
    for (kk, comp) in va_components.iter().enumerate() {
        let r = primary_over(comp, industry_cols.clone())?;
        for j in 0..n {
            va[(kk, j)] = r[j];
        }
    }
    let valu = primary_over("VALU", industry_cols.clone())?;
    let output = primary_over("OUTPUT", industry_cols.clone())?;
    Ok(NationalTable {
        economy,
        year,
        industries,
        use_ttl,
        final_categories: FINAL_CATEGORIES.iter().map(|s| s.to_string()).collect(),
        final_use,
        exports,
        imports,
        total,
        taxes,
        imp_other,
        va_components,
        va,
        valu,
        output,
        source_file: f.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn economy_and_year_from_name() {
        assert_eq!(
            economy_year(Path::new("/a/CHN2022ttl.csv")),
            ("CHN".into(), Some(2022))
        );
        assert_eq!(
            economy_year(Path::new("usa2019TTL.csv.gz")),
            ("USA".into(), Some(2019))
        );
        assert_eq!(economy_year(Path::new("mock.csv")), ("mock".into(), None));
    }
}
