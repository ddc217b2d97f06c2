//! The exchange rate in a run ([`crate::blocks::fx`]): the rate of each
//! quarter from the money block's LPR, and the expenditure switch it causes
//! as final demand moved between origins in the engine.
//!
//! For destination region d, product s and final-demand column c of d, let
//! C_c be China's entry (its deliveries of s to c) and O_c = Σ_o O_oc the
//! other origins' entries, at the quarter's final-demand multipliers. The
//! switch of the quarter towards China is A_ds = w F_ds a_d for d ≠ China
//! (F_ds China's base deliveries of s to d, intermediate and final, a_d d's
//! demand index, w the export share of [`crate::blocks::fx::switched`]) and
//! A_s = w_M M_s a_t in China (M_s its base imports of s, w_M the import
//! share). Column c takes the part A_c = A (C_c + O_c) / Σ_c' (C_c' + O_c');
//! for A_c > 0 China gains min(A_c, O_c) and each other origin loses it in
//! proportion to O_oc; for A_c < 0 China loses min(−A_c, C_c) and the others
//! gain it in proportion to O_oc (nothing moves where they have none). So
//! every column keeps its total, and no entry turns negative.

use crate::blocks::fx::{self, FxParams};
use crate::economy::Economy;

/// The base flows the switch scales (per quarter of the base table).
#[derive(Debug, Clone)]
pub(super) struct FxFlows {
    /// F: China's deliveries of product s to region d, index d·S + s
    /// (0 for d = China).
    exports: Vec<f64>,
    /// M: other regions' deliveries of product s to China, index s.
    imports: Vec<f64>,
}

impl FxFlows {
    pub(super) fn new(econ: &Economy, china: usize) -> Self {
        let (nr, ns) = (econ.nr, econ.ns);
        let of = |r: usize, s: usize, g: usize| econ.origin_flows[(r * ns + s) * nr + g];
        let mut exports = vec![0.0; nr * ns];
        for d in (0..nr).filter(|&d| d != china) {
            for s in 0..ns {
                exports[d * ns + s] = of(d, s, china);
            }
        }
        let imports = (0..ns)
            .map(|s| {
                (0..nr)
                    .filter(|&g| g != china)
                    .map(|g| of(china, s, g))
                    .sum()
            })
            .collect();
        Self { exports, imports }
    }
}

/// The moves of one quarter ([`switch`]), in order: for each (column c,
/// product s) that moved, China's gain, then the other origins' losses
/// where they deliver (origins ascending). Only the amounts are stored:
/// which origins deliver follows from the table and the quarter's
/// final-demand multipliers (entry > 0), so [`FxMoves::for_each`] finds
/// them again (a quarter has ≈ 14,000 moves on the default table, and the
/// accounts read them once more after the run).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FxMoves {
    /// (column c, product s) of each move towards China, in order.
    blocks: Vec<(usize, usize)>,
    /// The amounts, block by block: China's, then the others'.
    amounts: Vec<f64>,
}

impl FxMoves {
    pub fn is_empty(&self) -> bool {
        self.amounts.is_empty()
    }

    /// Visits the moves in order as (table industry, column, amount);
    /// `fd_mult` must be the multipliers [`switch`] was given.
    #[inline]
    pub fn for_each(
        &self,
        econ: &Economy,
        china: usize,
        fd_mult: &[f64],
        mut f: impl FnMut(usize, usize, f64),
    ) {
        let (n, ns, nr) = (econ.n, econ.ns, econ.nr);
        let mut amounts = self.amounts.iter();
        for &(c, s) in &self.blocks {
            let Some(&moved) = amounts.next() else { return };
            f(china * ns + s, c, moved);
            let m = fd_mult[c * ns + s];
            for g in (0..nr).filter(|&g| g != china) {
                // The same test as the switch's: the origin's entry,
                // floored at zero, is positive.
                if (econ.y0[c * n + g * ns + s] * m).max(0.0) > 0.0 {
                    let Some(&v) = amounts.next() else { return };
                    f(g * ns + s, c, v);
                }
            }
        }
    }
}

/// The final demand a quarter moves between origins at the log rate `z`
/// (a quarter earlier), as [`FxMoves`] ((table industry, table column,
/// amount) entries), and China's gain (Σ of its entries: exports gained plus imports
/// replaced, table units per quarter). `fd_mult` is the quarter's
/// final-demand multiplier per column and product (c·S + s), `demand(d)`
/// the demand index of region d.
pub(super) fn switch(
    econ: &Economy,
    flows: &FxFlows,
    p: &FxParams,
    china: usize,
    z: f64,
    fd_mult: &[f64],
    demand: impl Fn(usize) -> f64,
) -> (FxMoves, f64) {
    let mut adds = FxMoves::default();
    if z == 0.0 {
        return (adds, 0.0);
    }
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let (w_x, w_m) = fx::switched(p, z);
    // The demand index of each region, once (not once per product).
    let dem: Vec<f64> = (0..nr).map(&demand).collect();
    // Scratch, reused for every (region, product): per column c of the
    // region, (c, China's entry, the others' sum), and the others' entries
    // (origin-major within the column; China's slot unused).
    let mut cols: Vec<(usize, f64, f64)> = Vec::with_capacity(nf);
    let mut ent = vec![0.0; nf * nr];
    let mut loss = vec![0.0; nr];
    let mut gain = 0.0;
    for d in 0..nr {
        for s in 0..ns {
            let a = if d == china {
                w_m * flows.imports[s] * dem[d]
            } else {
                w_x * flows.exports[d * ns + s] * dem[d]
            };
            if a == 0.0 || !a.is_finite() {
                continue;
            }
            let entry = |c: usize, g: usize| econ.y0[c * n + g * ns + s] * fd_mult[c * ns + s];
            cols.clear();
            for (f, c) in (d * nf..(d + 1) * nf).enumerate() {
                // Only positive entries trade (a column of changes in
                // inventories can hold negative ones).
                let own = entry(c, china).max(0.0);
                let e = &mut ent[f * nr..(f + 1) * nr];
                for (g, v) in e.iter_mut().enumerate() {
                    *v = if g == china {
                        0.0
                    } else {
                        entry(c, g).max(0.0)
                    };
                }
                let others: f64 = (0..nr).filter(|&g| g != china).map(|g| e[g]).sum();
                cols.push((c, own, others));
            }
            let total: f64 = cols.iter().map(|&(_, o, r)| o + r).sum();
            if total <= 0.0 {
                continue;
            }
            for (f, &(c, own, others)) in cols.iter().enumerate() {
                if others <= 0.0 {
                    continue;
                }
                let a_c = a * (own + others) / total;
                let moved = if a_c > 0.0 {
                    a_c.min(others)
                } else {
                    -(-a_c).min(own)
                };
                if moved == 0.0 {
                    continue;
                }
                adds.blocks.push((c, s));
                adds.amounts.push(moved);
                // The others' losses, computed for every origin first (a
                // loop without pushes, which vectorises; the same
                // operations), then kept where the origin delivers.
                let e = &ent[f * nr..(f + 1) * nr];
                for (l, &e) in loss.iter_mut().zip(e) {
                    *l = -moved * e / others;
                }
                adds.amounts.extend(
                    e.iter()
                        .zip(&loss)
                        .enumerate()
                        .filter(|&(g, (&e, _))| g != china && e > 0.0)
                        .map(|(_, (_, &l))| l),
                );
                gain += moved;
            }
        }
    }
    (adds, gain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_keeps_every_column_and_moves_demand_to_china() {
        let table = plenum_testdata::default_table().unwrap();
        let econ = Economy::from_table(&table).unwrap();
        let ch = econ.regions.iter().position(|r| r == "CHN").unwrap();
        let flows = FxFlows::new(&econ, ch);
        let p = FxParams {
            rate_pressure: 2.0,
            management: 0.5,
            import_passthrough: 0.9,
            trade_elasticity: 0.5,
        };
        let mult = vec![1.0; econ.nr * econ.nf * econ.ns];
        for z in [0.1, -0.1] {
            let (moves, gain) = switch(&econ, &flows, &p, ch, z, &mult, |_| 1.0);
            let mut adds = Vec::new();
            moves.for_each(&econ, ch, &mult, |i, c, v| adds.push((i, c, v)));
            assert!(!adds.is_empty());
            // Every (column, product) keeps its total.
            let mut by = std::collections::BTreeMap::new();
            let mut china = 0.0;
            for &(i, c, v) in &adds {
                *by.entry((c, i % econ.ns)).or_insert(0.0) += v;
                if i / econ.ns == ch {
                    china += v;
                }
                // No entry that loses turns negative.
                if v < 0.0 {
                    assert!(econ.y0[c * econ.n + i] + v >= -1e-9, "{i} {c} {v}");
                }
            }
            for v in by.values() {
                assert!(v.abs() < 1e-9, "{v}");
            }
            assert!((china - gain).abs() < 1e-9);
            // A weaker yuan moves demand to China; a stronger one away.
            assert_eq!(gain > 0.0, z > 0.0, "{gain}");
        }
        let (none, g0) = switch(&econ, &flows, &p, ch, 0.0, &mult, |_| 1.0);
        assert!(none.is_empty() && g0 == 0.0);
    }
}
