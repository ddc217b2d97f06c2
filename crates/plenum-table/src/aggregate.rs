//! Aggregation of regions and sectors by concordance.
//!
//! A concordance maps each source label to exactly one group. With the 0/1
//! matrices S_r (regions) and S_s (sectors), the industry map is
//! S = S_r ⊗ S_s and the aggregated table is
//! Z* = S Z S', Y* = S Y (S_r ⊗ I_F)', x* = S x, V* = V S', F* = F S',
//! F_Y* = F_Y (S_r ⊗ I_F)'. Sums are exact, so balances carry over.
//! Groups keep the order of their first appearance in the mapping.

use std::collections::HashMap;

use faer::{Col, Mat};

use crate::error::TableError;
use crate::flows::Flows;
use crate::labels::Labels;
use crate::table::{Extension, ImportedUse, MrioTable, TableParts};
use crate::validate::ValidationPolicy;

/// A validated many-to-one map from a table's labels to groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concordance {
    /// Group labels, in order of first appearance.
    pub groups: Vec<String>,
    /// For each source label (in the table's order), its group's index.
    pub assign: Vec<usize>,
}

impl Concordance {
    /// Builds a concordance for `source` labels from `(label, group)` pairs.
    /// Every source label must appear exactly once; a pair naming a label the
    /// table lacks is an error that lists the valid labels.
    pub fn from_pairs(
        kind: &'static str,
        source: &[String],
        pairs: &[(String, String)],
    ) -> Result<Self, TableError> {
        let pos: HashMap<&str, usize> = source
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let mut assigned: Vec<Option<usize>> = vec![None; source.len()];
        let mut groups: Vec<String> = Vec::new();
        let mut gidx: HashMap<String, usize> = HashMap::new();
        for (label, group) in pairs {
            let Some(&i) = pos.get(label.as_str()) else {
                return Err(TableError::ConcordanceUnknown {
                    kind,
                    label: label.clone(),
                    valid: source.to_vec(),
                });
            };
            let g = *gidx.entry(group.clone()).or_insert_with(|| {
                groups.push(group.clone());
                groups.len() - 1
            });
            if let Some(prev) = assigned[i] {
                return Err(TableError::DoublyMapped {
                    kind,
                    label: label.clone(),
                    first: groups[prev].clone(),
                    second: group.clone(),
                });
            }
            assigned[i] = Some(g);
        }
        let mut assign = Vec::with_capacity(source.len());
        for (i, a) in assigned.into_iter().enumerate() {
            match a {
                Some(g) => assign.push(g),
                None => {
                    return Err(TableError::Unmapped {
                        kind,
                        label: source[i].clone(),
                    })
                }
            }
        }
        Ok(Self { groups, assign })
    }

    /// The identity map (each label its own group).
    pub fn identity(source: &[String]) -> Self {
        Self {
            groups: source.to_vec(),
            assign: (0..source.len()).collect(),
        }
    }
}

fn agg_rows_cols(
    m: &Mat<f64>,
    rmap: Option<(&[usize], usize)>,
    cmap: Option<(&[usize], usize)>,
) -> Mat<f64> {
    let nr = rmap.map_or(m.nrows(), |r| r.1);
    let nc = cmap.map_or(m.ncols(), |c| c.1);
    let mut out = Mat::<f64>::zeros(nr, nc);
    for j in 0..m.ncols() {
        let jj = cmap.map_or(j, |c| c.0[j]);
        for i in 0..m.nrows() {
            let ii = rmap.map_or(i, |r| r.0[i]);
            out[(ii, jj)] += m[(i, j)];
        }
    }
    out
}

/// [`agg_rows_cols`] of Z as stored, into a dense aggregate: a sparse Z's
/// entries are visited column by column in row order (its transpose), the
/// order of the dense loop, so that both give the same bits.
fn agg_flows(z: &Flows, map: Option<(&[usize], usize)>) -> Mat<f64> {
    let s = match z {
        Flows::Dense(m) => return agg_rows_cols(m, map, map),
        Flows::Sparse(s) => s,
    };
    let at = |k: usize| map.map_or(k, |m| m.0[k]);
    let nr = map.map_or(s.nrows(), |m| m.1);
    let nc = map.map_or(s.ncols(), |m| m.1);
    let mut out = Mat::<f64>::zeros(nr, nc);
    let t = s.transpose();
    for j in 0..t.nrows() {
        let (rows, vals) = t.row(j);
        for (&i, &v) in rows.iter().zip(vals) {
            out[(at(i as usize), at(j))] += v;
        }
    }
    out
}

/// Aggregates `table` by a region and a sector concordance (either may be
/// the identity). The result is validated under `policy`.
pub fn aggregate(
    table: &MrioTable,
    regions: &Concordance,
    sectors: &Concordance,
    policy: &ValidationPolicy,
) -> Result<MrioTable, TableError> {
    let l = table.labels();
    if regions.assign.len() != l.n_regions() || sectors.assign.len() != l.n_sectors() {
        return Err(TableError::Other(
            "concordance was built for another table's labels".into(),
        ));
    }
    let ns_new = sectors.groups.len();
    let nf = l.n_fd_categories();
    let ind_map: Vec<usize> = (0..l.n_industries())
        .map(|i| {
            let ind = l.industry(i);
            regions.assign[ind.region] * ns_new + sectors.assign[ind.sector]
        })
        .collect();
    let fd_map: Vec<usize> = (0..l.n_fd_columns())
        .map(|c| regions.assign[c / nf] * nf + c % nf)
        .collect();
    let n_new = regions.groups.len() * ns_new;
    let nfd_new = regions.groups.len() * nf;
    let im = Some((ind_map.as_slice(), n_new));
    let fm = Some((fd_map.as_slice(), nfd_new));

    let p = table.parts();
    let mut x = Col::<f64>::zeros(n_new);
    for i in 0..p.x.nrows() {
        x[ind_map[i]] += p.x[i];
    }
    let mut meta = p.meta.clone();
    meta.notes.push(format!(
        "aggregated to {} regions × {} sectors",
        regions.groups.len(),
        ns_new
    ));
    let parts = TableParts {
        meta,
        labels: Labels::new(
            regions.groups.clone(),
            sectors.groups.clone(),
            l.fd_categories().to_vec(),
            l.va_components().to_vec(),
        )?,
        z: agg_flows(&p.z, im).into(),
        y: agg_rows_cols(&p.y, im, fm),
        x,
        v: agg_rows_cols(&p.v, None, im),
        imported_use: p.imported_use.as_ref().map(|m| ImportedUse {
            z: agg_rows_cols(&m.z, im, im),
            y: agg_rows_cols(&m.y, im, fm),
        }),
        extensions: p
            .extensions
            .iter()
            .map(|e| Extension {
                name: e.name.clone(),
                stressors: e.stressors.clone(),
                units: e.units.clone(),
                f: agg_rows_cols(&e.f, None, im),
                f_y: e.f_y.as_ref().map(|fy| agg_rows_cols(fy, None, fm)),
            })
            .collect(),
    };
    MrioTable::new(parts, policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }
    fn p(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn unmapped_and_doubly_mapped() {
        let src = s(&["a", "b", "c"]);
        let e = Concordance::from_pairs("sector", &src, &p(&[("a", "X"), ("b", "X")])).unwrap_err();
        assert!(matches!(e, TableError::Unmapped { ref label, .. } if label == "c"));
        let e = Concordance::from_pairs(
            "sector",
            &src,
            &p(&[("a", "X"), ("b", "X"), ("c", "Y"), ("a", "Y")]),
        )
        .unwrap_err();
        assert!(
            matches!(e, TableError::DoublyMapped { ref label, .. } if label == "a"),
            "{e}"
        );
        let e = Concordance::from_pairs("sector", &src, &p(&[("zz", "X")])).unwrap_err();
        assert!(e.to_string().contains("zz"));
    }

    #[test]
    fn groups_in_order_of_first_appearance() {
        let src = s(&["a", "b", "c"]);
        let c = Concordance::from_pairs("sector", &src, &p(&[("c", "Y"), ("a", "X"), ("b", "Y")]))
            .unwrap();
        assert_eq!(c.groups, s(&["Y", "X"]));
        assert_eq!(c.assign, vec![1, 0, 0]);
    }
}
