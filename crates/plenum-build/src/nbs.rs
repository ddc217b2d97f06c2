//! How far import proportionality is from China's own split.
//!
//! China's NBS input-output tables at 42 sectors keep domestic and imported
//! product rows apart (`Origin` = `Domestic` / `Imports`). Adding the two
//! gives the "TTL" uses T_iu a national table publishes; the proportionality
//! assumption of [`crate::build`] then predicts imported uses
//! M̂_iu = μ_i T_iu with μ_i = m_i / Σ_u T_iu. This module reads the table,
//! applies the assumption and measures the gap to the recorded M_iu (the
//! table is read by plenum-formats; [`NbsSplitTable::from_table`] takes it):
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

use faer::Mat;
use plenum_formats::nbs::NbsSector;
use plenum_table::{MrioTable, TableError};

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

/// The final uses of the split: consumption, capital formation,
/// inventories (exports are left out of T, as in the builder).
const USES: [&str; 3] = ["TC", "FU201", "FU202"];

impl NbsSplitTable {
    /// The split of an NBS table in the split layout, as plenum-formats
    /// reads it (`plenum_formats::nbs::read_nbs_with_sectors`): domestic
    /// uses from Z and Y, imported uses from Z_m and Y_m, imports as all
    /// uses of the imported rows (re-exports `EX` included).
    pub fn from_table(table: &MrioTable, sectors: &[NbsSector]) -> Result<Self, InputError> {
        let name = &table.meta().name;
        let err = |message: String| {
            InputError::Table(TableError::Other(format!(
            "NBS table \"{name}\": {message}; read a 42-sector table of the split layout (china_YEAR_42.csv)"
        )))
        };
        let l = table.labels();
        let Some(m) = table.imported_use() else {
            return Err(err("it does not keep imported rows apart".into()));
        };
        let fd = l.fd_categories();
        let cols: Vec<usize> = USES
            .iter()
            .map(|u| {
                fd.iter()
                    .position(|c| c == u)
                    .ok_or_else(|| err(format!("it has no final use \"{u}\"")))
            })
            .collect::<Result<_, _>>()?;
        let n = l.n_industries();
        let (z, y) = (table.z(), table.y());
        let nu = n + cols.len();
        let pick = |zz: &Mat<f64>, yy: &Mat<f64>| {
            Mat::from_fn(n, nu, |i, u| {
                if u < n {
                    zz[(i, u)]
                } else {
                    yy[(i, cols[u - n])]
                }
            })
        };
        let imports = (0..n)
            .map(|i| {
                (0..n).map(|j| m.z[(i, j)]).sum::<f64>()
                    + (0..m.y.ncols()).map(|c| m.y[(i, c)]).sum::<f64>()
            })
            .collect();
        let codes = l.sectors().to_vec();
        let mut uses = codes.clone();
        uses.extend(USES.iter().map(|s| s.to_string()));
        Ok(Self {
            names: codes
                .iter()
                .map(|c| {
                    sectors
                        .iter()
                        .find(|s| &s.code == c)
                        .map_or_else(String::new, |s| s.description.clone())
                })
                .collect(),
            codes,
            uses,
            domestic: pick(z, y),
            imported: pick(&m.z, &m.y),
            imports,
        })
    }
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
