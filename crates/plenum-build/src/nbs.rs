//! How far import proportionality is from China's own split.
//!
//! China's NBS input-output tables at 42 sectors keep domestic and imported
//! product rows apart (`Origin` = `Domestic` / `Imports`). Adding the two
//! gives the "TTL" uses T_iu a national table publishes; the proportionality
//! assumption of [`crate::build`] then predicts imported uses
//! M̂_iu = μ_i T_iu with μ_i = m_i / Σ_u T_iu. This module reads the table,
//! applies the assumption and measures the gap to the recorded M_iu:
//!
//! * per cell of a product row, the recorded imported share M_iu / T_iu
//!   against μ_i (reported for electronics, sector 20);
//! * per using industry, the share of imported inputs in all intermediate
//!   inputs, Σ_i M_ij / Σ_i T_ij, recorded against predicted;
//! * overall, the share of imported uses put in the wrong cell,
//!   ½ Σ |M̂ − M| / Σ M.
//!
//! Uses u are the 42 industries and the final uses TC (consumption), FU201
//! (gross fixed capital formation) and FU202 (inventory change); exports are
//! left out of T as in the builder. The imported rows' `EX` (re-exports)
//! counts in m, as the import total a TTL table would show.

use std::path::Path;

use faer::Mat;

use crate::error::InputError;

/// A competitive-import NBS table, split by origin.
#[derive(Debug, Clone)]
pub struct NbsSplitTable {
    /// Sector codes `01` … `42`.
    pub codes: Vec<String>,
    pub names: Vec<String>,
    /// Use labels: sector codes then `TC`, `FU201`, `FU202`.
    pub uses: Vec<String>,
    /// Domestic uses, n × (n + 3).
    pub domestic: Mat<f64>,
    /// Imported uses, n × (n + 3).
    pub imported: Mat<f64>,
    /// Imports by product (all uses of the imported rows, re-exports included).
    pub imports: Vec<f64>,
}

/// Reads `china_YEAR_42.csv` (the layout of `../shared/data/README.md`).
pub fn read_nbs_split(path: &Path) -> Result<NbsSplitTable, InputError> {
    let file = path.display().to_string();
    let perr = |line: u64, message: String, hint: &str| InputError::Parse {
        file: file.clone(),
        line,
        message,
        hint: hint.to_string(),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| perr(0, e.to_string(), "check the path"))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| perr(1, e.to_string(), "the first line must be the header"))?
        .iter()
        .map(|s| s.to_string())
        .collect();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            perr(
                1,
                format!("no column \"{name}\""),
                "use the NBS 42-sector layout",
            )
        })
    };
    let origin = col("Origin")?;
    let code_c = col("Code")?;
    let desc_c = col("Description")?;
    let first = col("01")?;
    let tiu = col("TIU")?;
    let n = tiu - first;
    let fd: Vec<usize> = ["TC", "FU201", "FU202"]
        .iter()
        .map(|c| col(c))
        .collect::<Result<_, _>>()?;
    let ex = col("EX")?;
    let nu = n + fd.len();
    let mut codes = Vec::new();
    let mut names = Vec::new();
    let mut domestic = Mat::<f64>::zeros(n, nu);
    let mut imported = Mat::<f64>::zeros(n, nu);
    let mut imports = vec![0.0; n];
    let (mut nd, mut ni) = (0usize, 0usize);
    for (k, rec) in rdr.records().enumerate() {
        let line = k as u64 + 2;
        let rec = rec.map_err(|e| perr(line, e.to_string(), "fix the CSV quoting"))?;
        let num = |c: usize| -> Result<f64, InputError> {
            let s = rec.get(c).unwrap_or("").trim();
            if s.is_empty() {
                return Ok(0.0);
            }
            s.parse::<f64>().map_err(|_| {
                perr(
                    line,
                    format!("column {} ({}): \"{s}\" is not a number", c + 1, header[c]),
                    "write numbers in plain decimal notation",
                )
            })
        };
        match rec.get(origin).unwrap_or("") {
            "Domestic" => {
                if nd >= n {
                    return Err(perr(
                        line,
                        "more domestic rows than sectors".into(),
                        "one row per sector",
                    ));
                }
                codes.push(rec.get(code_c).unwrap_or("").to_string());
                names.push(rec.get(desc_c).unwrap_or("").to_string());
                for u in 0..n {
                    domestic[(nd, u)] = num(first + u)?;
                }
                for (q, &c) in fd.iter().enumerate() {
                    domestic[(nd, n + q)] = num(c)?;
                }
                nd += 1;
            }
            "Imports" | "Imported" => {
                if ni >= n {
                    return Err(perr(
                        line,
                        "more imported rows than sectors".into(),
                        "one row per sector",
                    ));
                }
                let mut tot = 0.0;
                for u in 0..n {
                    let v = num(first + u)?;
                    imported[(ni, u)] = v;
                    tot += v;
                }
                for (q, &c) in fd.iter().enumerate() {
                    let v = num(c)?;
                    imported[(ni, n + q)] = v;
                    tot += v;
                }
                imports[ni] = tot + num(ex)?;
                ni += 1;
            }
            _ => {}
        }
    }
    if nd != n || ni != n {
        return Err(perr(
            0,
            format!("{nd} domestic and {ni} imported rows for {n} sectors"),
            "give one Domestic and one Imports row per sector",
        ));
    }
    let mut uses = codes.clone();
    uses.extend(["TC", "FU201", "FU202"].iter().map(|s| s.to_string()));
    Ok(NbsSplitTable {
        codes,
        names,
        uses,
        domestic,
        imported,
        imports,
    })
}

/// The gap between proportionality and the recorded split.
#[derive(Debug, Clone)]
pub struct ProportionalityGap {
    /// μ_i, the assumed imported share of each product.
    pub mu: Vec<f64>,
    /// Recorded imported share of each cell, M_iu / T_iu (NaN when T_iu = 0).
    pub recorded_share: Mat<f64>,
    /// Total uses T_iu.
    pub total: Mat<f64>,
    /// Per using industry j: (recorded, predicted) share of imports in its
    /// intermediate inputs.
    pub industry_import_share: Vec<(f64, f64)>,
    /// ½ Σ |M̂ − M| / Σ M over all cells.
    pub misallocated: f64,
}

/// Applies import proportionality to `t` and measures the gap.
pub fn proportionality_gap(t: &NbsSplitTable) -> ProportionalityGap {
    let n = t.codes.len();
    let nu = t.uses.len();
    let total = Mat::from_fn(n, nu, |i, u| t.domestic[(i, u)] + t.imported[(i, u)]);
    let mu: Vec<f64> = (0..n)
        .map(|i| {
            let d: f64 = (0..nu).map(|u| total[(i, u)]).sum();
            if d > 0.0 {
                (t.imports[i] / d).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    let recorded_share = Mat::from_fn(n, nu, |i, u| {
        if total[(i, u)] != 0.0 {
            t.imported[(i, u)] / total[(i, u)]
        } else {
            f64::NAN
        }
    });
    let industry_import_share = (0..n)
        .map(|j| {
            let tt: f64 = (0..n).map(|i| total[(i, j)]).sum();
            let rec: f64 = (0..n).map(|i| t.imported[(i, j)]).sum();
            let pred: f64 = (0..n).map(|i| mu[i] * total[(i, j)]).sum();
            if tt > 0.0 {
                (rec / tt, pred / tt)
            } else {
                (0.0, 0.0)
            }
        })
        .collect();
    let (mut diff, mut tot) = (0.0, 0.0);
    for i in 0..n {
        for u in 0..nu {
            diff += (mu[i] * total[(i, u)] - t.imported[(i, u)]).abs();
            tot += t.imported[(i, u)].abs();
        }
    }
    ProportionalityGap {
        mu,
        recorded_share,
        total,
        industry_import_share,
        misallocated: 0.5 * diff / tot.max(f64::MIN_POSITIVE),
    }
}
