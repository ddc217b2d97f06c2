//! Metrics to judge a built table against a true one (same regions and
//! sectors; regions are matched by name and a closure region missing from
//! the truth is ignored).
//!
//! With A = Z diag(x)⁻¹ (plenum-iomath's: columns of the industries the
//! table treats as absent set to 0),
//! B = (I − A)⁻¹ and value-added coefficients v_j = (1'V)_j / x_j:
//!
//! * **bilateral import shares**: for importer r and product i, the share of
//!   partner s in r's imports of i, σ^{sr}_i. The error of one (r, i) is the
//!   total-variation distance ½ Σ_s |σ̂ − σ| (0 = same partners, 1 =
//!   disjoint); the summary weights it by r's true imports of i.
//! * **foreign value-added share of exports**: with e_r r's gross exports
//!   (placed in r's rows), the value added they embody by origin is
//!   diag(v) B e_r; the foreign share is 1 − (VA from r) / 1'e_r.
//! * **domestic value-added multipliers**: for industry (r, j), the value
//!   added generated in r per unit of final demand for it, Σ_{k ∈ r} v_k
//!   B_{k,(r,j)}. (The world-wide multiplier v'B is 1 for every industry of
//!   a closed world table and carries no information.)
//! * **dependence on partners' output of one sector**: with y_c the final
//!   demand of economy c, q = B y_c is the output it requires everywhere;
//!   the shares q_{(s, k)} / Σ_{s ≠ c} q_{(s, k)} over partners s say how
//!   much c's final demand relies on each partner's sector k.

use faer::linalg::solvers::Solve;
use faer::Mat;
use plenum_iomath::IoMathError;
use plenum_table::MrioTable;

/// Leontief quantities of a table needed by the metrics.
pub struct Leontief {
    pub n: usize,
    /// LU of I − A.
    lu: faer::linalg::solvers::PartialPivLu<f64>,
    /// Value-added coefficients.
    pub v: Vec<f64>,
}

impl Leontief {
    /// A and v from plenum-iomath (zero-output industries as the table's
    /// policy says: absent ones get zero columns, others are an error).
    pub fn new(t: &MrioTable) -> Result<Self, IoMathError> {
        let n = t.n_industries();
        let a = plenum_iomath::coefficients::table_a(t)?;
        let ia = Mat::from_fn(
            n,
            n,
            |i, j| {
                if i == j {
                    1.0 - a[(i, j)]
                } else {
                    -a[(i, j)]
                }
            },
        );
        let v = plenum_iomath::value_added::value_added_coefficient_totals(
            t.v().as_ref(),
            t.x().as_ref(),
            t.zero_output(),
        )
        .map_err(|e| plenum_iomath::name_industries(e, t.labels()))?;
        Ok(Self {
            n,
            lu: ia.partial_piv_lu(),
            v: v.iter().copied().collect(),
        })
    }

    /// B · rhs.
    pub fn solve(&self, mut rhs: Mat<f64>) -> Mat<f64> {
        self.lu.solve_in_place(&mut rhs);
        rhs
    }

    /// rhs' · B, returned as a column block (B' · rhs).
    pub fn solve_t(&self, mut rhs: Mat<f64>) -> Mat<f64> {
        self.lu.solve_transpose_in_place(&mut rhs);
        rhs
    }
}

/// Gross exports of each region by product: `e[(r·ns + i)]` is what
/// industry (r, i) sells to other regions (intermediate and final).
pub fn gross_exports(t: &MrioTable) -> Vec<f64> {
    let l = t.labels();
    let (nr, ns, nf) = (l.n_regions(), l.n_sectors(), l.n_fd_categories());
    let (z, y) = (t.z(), t.y());
    let mut e = vec![0.0; nr * ns];
    for j in 0..nr * ns {
        let rj = j / ns;
        for i in 0..nr * ns {
            if i / ns != rj {
                e[i] += z[(i, j)];
            }
        }
    }
    for c in 0..nr * nf {
        let rc = c / nf;
        for i in 0..nr * ns {
            if i / ns != rc {
                e[i] += y[(i, c)];
            }
        }
    }
    e
}

/// Bilateral imports by product: `m[i][(s, r)]`, what r imports of product
/// i from s (all uses).
pub fn bilateral_imports(t: &MrioTable) -> Vec<Mat<f64>> {
    let l = t.labels();
    let (nr, ns, nf) = (l.n_regions(), l.n_sectors(), l.n_fd_categories());
    let (z, y) = (t.z(), t.y());
    let mut m: Vec<Mat<f64>> = (0..ns).map(|_| Mat::zeros(nr, nr)).collect();
    for r in 0..nr {
        for s in 0..nr {
            if s == r {
                continue;
            }
            for i in 0..ns {
                let row = s * ns + i;
                let mut v = 0.0;
                for j in 0..ns {
                    v += z[(row, r * ns + j)];
                }
                for c in 0..nf {
                    v += y[(row, r * nf + c)];
                }
                m[i][(s, r)] = v;
            }
        }
    }
    m
}

/// Foreign value-added share of each region's gross exports.
pub fn fva_shares(t: &MrioTable, lt: &Leontief) -> Vec<f64> {
    let l = t.labels();
    let (nr, ns) = (l.n_regions(), l.n_sectors());
    let e = gross_exports(t);
    let rhs = Mat::from_fn(lt.n, nr, |i, r| if i / ns == r { e[i] } else { 0.0 });
    let q = lt.solve(rhs);
    (0..nr)
        .map(|r| {
            let tot: f64 = (0..ns).map(|i| e[r * ns + i]).sum();
            if tot <= 0.0 {
                return 0.0;
            }
            let dva: f64 = (0..ns).map(|i| lt.v[r * ns + i] * q[(r * ns + i, r)]).sum();
            1.0 - dva / tot
        })
        .collect()
}

/// Domestic value-added multiplier of each industry.
pub fn domestic_va_multipliers(t: &MrioTable, lt: &Leontief) -> Vec<f64> {
    let l = t.labels();
    let (nr, ns) = (l.n_regions(), l.n_sectors());
    let rhs = Mat::from_fn(lt.n, nr, |k, r| if k / ns == r { lt.v[k] } else { 0.0 });
    let w = lt.solve_t(rhs);
    (0..lt.n).map(|j| w[(j, j / ns)]).collect()
}

/// Output of sector `sector` in every region required by the final demand
/// of region `c` (all its final-demand categories), q_{(s, k)} of the
/// module docs.
pub fn sector_dependence(t: &MrioTable, lt: &Leontief, c: usize, sector: usize) -> Vec<f64> {
    let l = t.labels();
    let (nr, ns, nf) = (l.n_regions(), l.n_sectors(), l.n_fd_categories());
    let y = t.y();
    let rhs = Mat::from_fn(lt.n, 1, |i, _| (0..nf).map(|f| y[(i, c * nf + f)]).sum());
    let q = lt.solve(rhs);
    (0..nr).map(|s| q[(s * ns + sector, 0)]).collect()
}

/// Total-variation distance between two share vectors built from
/// non-negative weights (each normalised to sum 1; an all-zero vector
/// gives distance 0 to another all-zero one and 1 otherwise).
pub fn tvd(a: &[f64], b: &[f64]) -> f64 {
    let sa: f64 = a.iter().map(|x| x.max(0.0)).sum();
    let sb: f64 = b.iter().map(|x| x.max(0.0)).sum();
    if sa <= 0.0 || sb <= 0.0 {
        return if sa <= 0.0 && sb <= 0.0 { 0.0 } else { 1.0 };
    }
    0.5 * a
        .iter()
        .zip(b)
        .map(|(x, y)| (x.max(0.0) / sa - y.max(0.0) / sb).abs())
        .sum::<f64>()
}

/// The error of an estimate against the truth on the four metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Errors {
    /// Import-weighted mean TVD of bilateral import shares, all (r, i).
    pub import_share_tvd: f64,
    /// TVD of the import shares of `sector` into each named economy.
    pub sector_import_tvd: Vec<(String, f64)>,
    /// Mean |error| of the foreign VA share of exports, percentage points.
    pub fva_mae_pp: f64,
    /// Largest |error| of the foreign VA share, percentage points, and where.
    pub fva_max_pp: (String, f64),
    /// Output-weighted mean |error| of domestic VA multipliers.
    pub va_mult_mae: f64,
    /// Largest |error| of a domestic VA multiplier (industries with output
    /// above 0.01 % of the world's), and where.
    pub va_mult_max: (String, f64),
    /// TVD of the focus economy's dependence on partners' `sector` output.
    pub dependence_tvd: f64,
    /// Relative error of the total foreign `sector` output required by the
    /// focus economy's final demand.
    pub dependence_total_rel: f64,
}

/// Compares `est` with `truth` on the metrics of the module docs.
/// `sector` is the sector singled out (e.g. WIOD `c14`), `importers` the
/// economies whose imports of it are singled out, `focus` the economy whose
/// dependence is measured.
pub fn compare(
    est: &MrioTable,
    truth: &MrioTable,
    sector: &str,
    importers: &[&str],
    focus: &str,
) -> Result<Errors, String> {
    let lt_t = truth.labels();
    let lt_e = est.labels();
    let ns = lt_t.n_sectors();
    if lt_e.sectors() != lt_t.sectors() {
        return Err("the tables have different sectors".into());
    }
    let nr = lt_t.n_regions();
    // Region of the truth -> region of the estimate.
    let map: Vec<usize> = lt_t
        .regions()
        .iter()
        .map(|r| {
            lt_e.region_index(r)
                .ok_or_else(|| format!("region {r} is missing from the estimate"))
        })
        .collect::<Result<_, _>>()?;
    let k = lt_t
        .sector_index(sector)
        .ok_or_else(|| format!("unknown sector {sector}"))?;

    let mt = bilateral_imports(truth);
    let me = bilateral_imports(est);
    let shares = |m: &Mat<f64>, r: usize, remap: Option<&[usize]>| -> Vec<f64> {
        (0..nr)
            .map(|s| match remap {
                Some(mp) => m[(mp[s], mp[r])],
                None => m[(s, r)],
            })
            .collect()
    };
    let (mut wsum, mut acc) = (0.0, 0.0);
    for i in 0..ns {
        for r in 0..nr {
            let a = shares(&mt[i], r, None);
            let b = shares(&me[i], r, Some(&map));
            let w: f64 = a.iter().sum();
            if w > 0.0 {
                wsum += w;
                acc += w * tvd(&b, &a);
            }
        }
    }
    let import_share_tvd = acc / wsum.max(f64::MIN_POSITIVE);
    let mut sector_import_tvd = Vec::new();
    for name in importers {
        let r = lt_t
            .region_index(name)
            .ok_or_else(|| format!("unknown region {name}"))?;
        sector_import_tvd.push((
            name.to_string(),
            tvd(&shares(&me[k], r, Some(&map)), &shares(&mt[k], r, None)),
        ));
    }

    let lt = Leontief::new(truth).map_err(|e| format!("the true table: {e}"))?;
    let le = Leontief::new(est).map_err(|e| format!("the built table: {e}"))?;
    let ft = fva_shares(truth, &lt);
    let fe = fva_shares(est, &le);
    let mut fva_abs = 0.0;
    let mut fva_max = (String::new(), 0.0f64);
    for r in 0..nr {
        let d = (fe[map[r]] - ft[r]).abs() * 100.0;
        fva_abs += d;
        if d > fva_max.1 {
            fva_max = (lt_t.regions()[r].clone(), d);
        }
    }
    let vt = domestic_va_multipliers(truth, &lt);
    let ve = domestic_va_multipliers(est, &le);
    let xt = truth.x();
    let xtot: f64 = xt.iter().sum();
    let (mut vw, mut vacc) = (0.0, 0.0);
    let mut vmax = (String::new(), 0.0f64);
    for r in 0..nr {
        for j in 0..ns {
            let it = r * ns + j;
            let ie = map[r] * ns + j;
            let d = (ve[ie] - vt[it]).abs();
            vw += xt[it];
            vacc += xt[it] * d;
            if xt[it] > 1e-4 * xtot && d > vmax.1 {
                vmax = (lt_t.industry_name(it), d);
            }
        }
    }
    let c = lt_t
        .region_index(focus)
        .ok_or_else(|| format!("unknown region {focus}"))?;
    let dt = sector_dependence(truth, &lt, c, k);
    let de = sector_dependence(est, &le, map[c], k);
    let pt: Vec<f64> = (0..nr).map(|s| if s == c { 0.0 } else { dt[s] }).collect();
    let pe: Vec<f64> = (0..nr)
        .map(|s| if s == c { 0.0 } else { de[map[s]] })
        .collect();
    let tot_t: f64 = pt.iter().sum();
    let tot_e: f64 = pe.iter().sum();
    Ok(Errors {
        import_share_tvd,
        sector_import_tvd,
        fva_mae_pp: fva_abs / nr as f64,
        fva_max_pp: fva_max,
        va_mult_mae: vacc / vw.max(f64::MIN_POSITIVE),
        va_mult_max: vmax,
        dependence_tvd: tvd(&pe, &pt),
        dependence_total_rel: (tot_e - tot_t) / tot_t.abs().max(f64::MIN_POSITIVE),
    })
}
