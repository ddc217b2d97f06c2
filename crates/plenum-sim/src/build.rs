//! Building the model: the immutable baseline and the initial state.
//!
//! From the table (Z, Y, x, in table units a year) and the parameters:
//! x⁰ = x·f, Z⁰ = Z·f, Y⁰ = Y·f with f = dt / 365; A^S = I_Σ Z diag(x)⁻¹
//! (S × n); the threshold I_Σ Z > 10⁻⁵ x⁰ that marks the inputs that
//! matter; Σ_r Z⁰[(r,s), j] (the split of orders under "noalt"); inventory
//! targets s and rates τ⁻¹. The initial state is the equilibrium: x = x⁰,
//! α = α^b, N = s ∘ A^S diag(x⁰), O = Z⁰.
//!
//! The baseline ([`crate::ario::Baseline`]) sits behind an `Arc` and is
//! read-only after this (ensemble members built from one table share it);
//! the state and the scratch buffers are the only fields a step writes.

use std::sync::Arc;

use plenum_table::MrioTable;
use rayon::prelude::*;

use crate::ario::{ArioModel, Baseline, Layout, StepBalance, TimeBase, TECHNOLOGY_THRESHOLD};
use crate::colmajor::ColMajor;
use crate::error::{Result, SimError};
use crate::kernels::BUILD_COLS_PER_TASK;
use crate::params::{ArioParams, RestorationTau};

impl ArioModel {
    /// Builds the model with a given time base (the extended mode's steps
    /// of a day or a quarter, with exponential rates).
    pub(crate) fn with_time(
        table: &MrioTable,
        params: &ArioParams,
        time: TimeBase,
    ) -> Result<Self> {
        let layout = Layout::from_table(table);
        let n = layout.n_industries();
        let ns = layout.n_sectors();
        let nr = layout.n_regions();
        let nf = layout.fd_categories.len();
        let nfd = nr * nf;
        let p = params;
        let bad = |key: &str, value: String, expected: &str, fix: &str| SimError::InvalidValue {
            at: Default::default(),
            context: "[model]".into(),
            key: key.into(),
            value,
            expected: expected.into(),
            fix: fix.into(),
        };
        if p.psi_param > 1.0 || p.psi_param.is_nan() || p.psi_param < 0.0 {
            return Err(bad(
                "psi_param",
                p.psi_param.to_string(),
                "a number in [0, 1]",
                "set psi_param to e.g. 0.8",
            ));
        }
        // Every time constant must be a positive integer; the fix names
        // BoARIO's default.
        for (key, value, default) in [
            ("temporal_units_by_step", p.temporal_units_by_step, "1"),
            (
                "iotable_year_to_temporal_unit_factor",
                p.iotable_year_to_temporal_unit_factor,
                "365",
            ),
            ("alpha_tau", p.alpha_tau, "365"),
            ("rebuild_tau", p.rebuild_tau, "60"),
        ] {
            if value == 0 {
                return Err(bad(
                    key,
                    "0".into(),
                    "a positive integer",
                    &format!("use {default}"),
                ));
            }
        }
        if p.monetary_factor.is_nan() || p.monetary_factor <= 0.0 {
            return Err(bad(
                "monetary_factor",
                p.monetary_factor.to_string(),
                "a positive number",
                "use 1000000 for a table in millions",
            ));
        }
        if p.alpha_max.is_nan() || p.alpha_max < p.alpha_base {
            return Err(bad(
                "alpha_max",
                p.alpha_max.to_string(),
                "at least alpha_base",
                "set alpha_max >= alpha_base",
            ));
        }
        let check_sectors = |key: &str, keys: Vec<&String>| -> Result<()> {
            for k in &keys {
                if layout.sector_index(k).is_none() {
                    return Err(SimError::UnknownLabel {
                        at: Default::default(),
                        context: format!("[model] {key}"),
                        kind: "sector",
                        label: (*k).clone(),
                        valid: layout.sectors.clone(),
                    });
                }
            }
            let missing: Vec<String> = layout
                .sectors
                .iter()
                .filter(|s| !keys.contains(s))
                .cloned()
                .collect();
            if !missing.is_empty() {
                return Err(bad(
                    key,
                    format!("{} sectors given", keys.len()),
                    "one entry for every sector, as BoARIO requires",
                    &format!("add {}", missing.join(", ")),
                ));
            }
            Ok(())
        };
        for s in &p.infinite_inventories_sect {
            if layout.sector_index(s).is_none() {
                return Err(SimError::UnknownLabel {
                    at: Default::default(),
                    context: "[model] infinite_inventories_sect".into(),
                    kind: "sector",
                    label: s.clone(),
                    valid: layout.sectors.clone(),
                });
            }
        }

        // Gather the table in model order.
        let (zt, yt, xt) = (table.z(), table.y(), table.x());
        let ti = &layout.table_industry;
        let tf = &layout.table_fd;
        let x: Vec<f64> = (0..n).map(|i| xt[ti[i]]).collect();
        let steply = time.dt / p.iotable_year_to_temporal_unit_factor as f64;
        let x0: Vec<f64> = x.iter().map(|v| v * steply).collect();
        let mut y0 = vec![0.0; n * nfd];
        for i in 0..n {
            for c in 0..nfd {
                y0[i * nfd + c] = yt[(ti[i], tf[c])] * steply;
            }
        }
        let y_rowsum: Vec<f64> = (0..n)
            .map(|i| y0[i * nfd..(i + 1) * nfd].iter().sum())
            .collect();

        // A = Z · (1/x) as pymrio's calc_A, then A^S = I_Σ A.
        let recix: Vec<f64> = x
            .iter()
            .map(|&v| {
                let r = 1.0 / v;
                if r == f64::INFINITY {
                    0.0
                } else {
                    r
                }
            })
            .collect();
        // One pass over the table's Z, column by column in model order:
        // Z⁰ = Z·f, the sums by input (A^S, I_Σ Z, I_Σ Z⁰) over r in order,
        // and the column sums for value added (from -0.0, as
        // `Iterator::sum`), without a gathered copy of Z. A negative flow
        // is reported at the first (column, row) in model order.
        let mut z0 = ColMajor::zeros(n, n);
        let mut tech = vec![0.0; ns * n];
        let mut zc_annual = vec![0.0; ns * n];
        let mut zc0 = vec![0.0; ns * n];
        let mut colsum = vec![-0.0; n];
        // Columns in fixed chunks on the thread pool (each column's sums
        // run over i in order, so the bits do not depend on the threads);
        // per chunk the first negative flow, the chunks in order.
        let cw = BUILD_COLS_PER_TASK;
        let nsw = cw * ns.max(1);
        let negative: Vec<Option<(usize, usize, f64)>> = z0
            .as_mut_slice()
            .par_chunks_mut(cw * n.max(1))
            .zip(tech.par_chunks_mut(nsw))
            .zip(zc_annual.par_chunks_mut(nsw))
            .zip(zc0.par_chunks_mut(nsw))
            .zip(colsum.par_chunks_mut(cw))
            .enumerate()
            .map(|(c, ((((zb, tb), ab), cb), sb))| {
                for (dj, sj) in sb.iter_mut().enumerate() {
                    let j = c * cw + dj;
                    let zcol = zt.col_as_slice(ti[j]);
                    let col = &mut zb[dj * n..(dj + 1) * n];
                    let r = dj * ns..(dj + 1) * ns;
                    let (tj, aj, cj) = (&mut tb[r.clone()], &mut ab[r.clone()], &mut cb[r]);
                    for i in 0..n {
                        let v = zcol[ti[i]];
                        if v < 0.0 {
                            return Some((i, j, v));
                        }
                        let v0 = v * steply;
                        col[i] = v0;
                        let s = i % ns;
                        tj[s] += v * recix[j];
                        aj[s] += v;
                        cj[s] += v0;
                        *sj += v;
                    }
                }
                None
            })
            .collect();
        if let Some((i, j, v)) = negative.into_iter().flatten().next() {
            return Err(SimError::Table {
                message: format!(
                    "Z holds a negative flow from {} to {} ({:e}); the ARIO model (like BoARIO) needs Z >= 0",
                    layout.industry_name(i),
                    layout.industry_name(j),
                    v
                ),
                fix: "move negative intermediate flows to final demand or set them to 0 before simulating".into(),
            });
        }
        let thresh: Vec<bool> = (0..ns * n)
            .map(|k| zc_annual[k] > x0[k / ns] * TECHNOLOGY_THRESHOLD)
            .collect();

        // Value added as BoARIO: x − 1'Z, negatives set to 0.
        let va: Vec<f64> = (0..n)
            .map(|j| {
                let v = x[j] - colsum[j];
                if v < 0.0 {
                    0.0
                } else {
                    v
                }
            })
            .collect();
        let capital: Vec<f64> = if let Some(kv) = &p.productive_capital_vector {
            let mut k = vec![0.0; n];
            for (reg, secs) in kv {
                let r = layout
                    .region_index(reg)
                    .ok_or_else(|| SimError::UnknownLabel {
                        at: Default::default(),
                        context: "[model] productive_capital_vector".into(),
                        kind: "region",
                        label: reg.clone(),
                        valid: layout.regions.clone(),
                    })?;
                for (sec, v) in secs {
                    let s = layout
                        .sector_index(sec)
                        .ok_or_else(|| SimError::UnknownLabel {
                            at: Default::default(),
                            context: "[model] productive_capital_vector".into(),
                            kind: "sector",
                            label: sec.clone(),
                            valid: layout.sectors.clone(),
                        })?;
                    if !(v.is_finite() && *v >= 0.0) {
                        return Err(bad(
                            "productive_capital_vector",
                            v.to_string(),
                            "a non-negative number",
                            "give every industry's capital stock in table units",
                        ));
                    }
                    k[r * ns + s] = *v;
                }
            }
            k
        } else if let Some(d) = &p.productive_capital_to_va_dict {
            check_sectors("productive_capital_to_VA_dict", d.keys().collect())?;
            (0..n).map(|i| va[i] * d[&layout.sectors[i % ns]]).collect()
        } else {
            va.iter().map(|v| v * 4.0).collect()
        };

        let tubs = time.dt;
        let inventories: Vec<f64> = match &p.inventory_dict {
            None => layout
                .sectors
                .iter()
                .map(|s| {
                    if p.infinite_inventories_sect.contains(s) {
                        f64::INFINITY
                    } else {
                        p.main_inv_dur
                    }
                })
                .collect(),
            Some(d) => {
                check_sectors("inventory_dict", d.keys().collect())?;
                layout
                    .sectors
                    .iter()
                    .map(|s| {
                        if p.infinite_inventories_sect.contains(s) {
                            f64::INFINITY
                        } else {
                            d[s].days()
                        }
                    })
                    .collect()
            }
        };
        for (s, v) in inventories.iter().enumerate() {
            if v.is_nan() || *v < 0.0 {
                return Err(bad(
                    "inventory_dict",
                    format!("{} = {v}", layout.sectors[s]),
                    "a non-negative number of temporal units or \"inf\"",
                    "use e.g. 90",
                ));
            }
        }
        let inv_duration: Vec<f64> = inventories
            .iter()
            .map(|v| {
                let d = v / tubs;
                if d <= 1.0 && time.boario_clamp {
                    2.0
                } else {
                    d
                }
            })
            .collect();
        let inv_duration_finite: Vec<f64> = inv_duration
            .iter()
            .map(|&d| if d.is_infinite() { 0.0 } else { d })
            .collect();
        let restoration_tau: Vec<f64> = match &p.inventory_restoration_tau {
            RestorationTau::Uniform(t) => {
                if *t == 0 {
                    return Err(bad(
                        "inventory_restoration_tau",
                        "0".into(),
                        "a positive integer",
                        "use 60",
                    ));
                }
                vec![time.rate(*t as f64); ns]
            }
            RestorationTau::PerSector(d) => {
                check_sectors("inventory_restoration_tau", d.keys().collect())?;
                let mut v = Vec::with_capacity(ns);
                for s in &layout.sectors {
                    if d[s] == 0 {
                        return Err(bad(
                            "inventory_restoration_tau",
                            format!("{s} = 0"),
                            "a positive integer",
                            "use 60",
                        ));
                    }
                    v.push(time.rate(d[s] as f64));
                }
                v
            }
        };

        let mut stock = vec![0.0; ns * n];
        for j in 0..n {
            for s in 0..ns {
                let v = (x0[j] * tech[j * ns + s]) * inv_duration[s];
                stock[j * ns + s] = if v.is_nan() || v.is_infinite() {
                    f64::INFINITY
                } else {
                    v
                };
            }
        }
        // Row sums of Z⁰, j ascending for every row as a row-wise
        // `Iterator::sum` adds them (from -0.0, its neutral element), but
        // column by column (Z⁰ is column-major).
        let mut ord_rowsum = vec![-0.0; n];
        for j in 0..n {
            for (o, z) in ord_rowsum.iter_mut().zip(z0.col_as_slice(j)) {
                *o += z;
            }
        }

        let zc0_copy = zc0.clone();
        Ok(Self {
            n,
            ns,
            nr,
            nfd,
            dt: time.dt,
            base: Arc::new(Baseline {
                z0: Arc::new(z0),
                y0_grouped: crate::serve::GroupedY::new(&y0, nr, ns, nfd),
                y0,
                x0: x0.clone(),
                tech,
                thresh,
                zc0,
                va,
                capital,
                inv_duration,
                inv_duration_finite,
                restoration_tau,
                overprod_tau: time.rate(p.alpha_tau as f64),
                psi: p.psi_param,
            }),
            y_rowsum,
            y_eff: Vec::new(),
            t: 0.0,
            overprod: vec![p.alpha_base; n],
            stock,
            production: x0,
            ord_ratio: vec![1.0; n],
            ord_h: vec![1.0; ns * n],
            ord_rowsum,
            delta_tot: vec![0.0; n],
            arb_prev: None,
            blocks: Vec::new(),
            n_rebuilding_events: 0,
            trackers: Vec::new(),
            had_shortage: false,
            in_shortage: false,
            step_index: 0,
            s_add: vec![0.0; ns * n],
            // Σ_r Z⁰ ρ of the initial orders (ρ = 1).
            s_zc: zc0_copy,
            a_coef: vec![0.0; n],
            a_ratio: vec![1.0; n],
            sweep_scratch: Default::default(),
            last_balance: StepBalance::default(),
            mech: Box::new(crate::mechanisms::Boario),
            expected: None,
            layout,
            params: p.clone(),
        })
    }
}
