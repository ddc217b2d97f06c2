//! The engine on a growing economy: inventory targets on expected
//! production settle on the growth path where BoARIO's rule cycles, and the
//! warm start begins on that path (see `plenum_sim::growth`).

#![allow(clippy::result_large_err)]

use plenum_sim::{build_extended, parse_shocks_file, ArioModel, Controls, Hook, StateView};

const QUARTERLY: &str = "[simulation]\nstep = \"quarter\"\nrates = \"exponential\"\n";
const HEADROOM: f64 = 1.08;

/// The embedded default table (10 regions × 24 sectors, 2022).
fn default_model() -> ArioModel {
    let table = plenum_testdata::default_table().expect("default table");
    let f = parse_shocks_file(QUARTERLY, "settings").expect("settings");
    let mut m = build_extended(&table, &f).expect("model");
    if let Some(c) = m.controls_mut() {
        c.capacity_scale.fill(HEADROOM);
    }
    m
}

/// Every final demand grows at `g` a year, capacity with it; records value
/// added by region after each step.
struct Grow {
    g: f64,
    k: usize,
    va: Vec<Vec<f64>>,
}

impl Hook for Grow {
    fn after_step(&mut self, v: &StateView<'_>, c: &mut Controls) {
        self.va.push(v.value_added_by_region.clone());
        self.k += 1;
        let idx = (1.0 + self.g).powf(self.k as f64 / 4.0);
        c.final_demand_scale.fill(idx);
        c.capacity_scale.fill(idx * HEADROOM);
    }
}

/// China's value added, y/y per cent, from the fifth quarter on.
fn china_yoy(m: &mut ArioModel, g: f64, quarters: usize) -> Vec<f64> {
    let mut h = Grow {
        g,
        k: 0,
        va: Vec::new(),
    };
    m.run_with_hook(quarters, false, &mut h).expect("run");
    let r = m.layout().region_index("CHN").expect("CHN");
    (4..h.va.len())
        .map(|t| 100.0 * (h.va[t][r] / h.va[t - 4][r] - 1.0))
        .collect()
}

fn swing(v: &[f64]) -> f64 {
    let max = v.iter().copied().fold(f64::MIN, f64::max);
    let min = v.iter().copied().fold(f64::MAX, f64::min);
    max - min
}

#[test]
fn boario_rule_cycles_and_smoothed_targets_settle_on_the_growth_path() {
    // BoARIO's rule (targets on current production): quarterly steps turn
    // 5% demand growth into a cycle that is still there after 10 years.
    let mut m = default_model();
    let plain = china_yoy(&mut m, 0.05, 48);
    let late = &plain[28..];
    assert!(swing(late) > 2.0, "BoARIO rule, years 8-12: {late:?}");

    let mut m = default_model();
    let nr = m.layout().n_regions();
    m.set_inventory_target_smoothing(730.0, &vec![0.05; nr])
        .expect("smoothing");
    let smooth = china_yoy(&mut m, 0.05, 48);
    for (t, g) in smooth.iter().enumerate().skip(24) {
        assert!((g - 5.0).abs() < 0.05, "quarter {}: {g}", t + 4);
    }
}

#[test]
fn warm_start_begins_on_the_growth_path() {
    let g: f64 = 0.05;
    let gamma = (1.0 + g).powf(0.25);
    let nr = default_model().layout().n_regions();
    // Without a warm start, switching growth on builds inventories: output
    // growth overshoots demand growth in the first years.
    let mut cold = default_model();
    cold.set_inventory_target_smoothing(730.0, &vec![g; nr])
        .expect("smoothing");
    let cold_yoy = china_yoy(&mut cold, g, 12);
    assert!(
        cold_yoy.iter().any(|v| (v - 5.0).abs() > 1.0),
        "{cold_yoy:?}"
    );
    // Warmed up for 40 quarters and rescaled so that the last warm-up step
    // is one step's growth below the equilibrium level the run starts at,
    // the first year already grows at the trend.
    let mut warm = default_model();
    warm.set_inventory_target_smoothing(730.0, &vec![g; nr])
        .expect("smoothing");
    warm.warm_start(gamma, 40, 1.0 / gamma).expect("warm start");
    // On the growth path output exceeds the equilibrium's by the
    // inventory investment that growth needs (90 days of inputs growing
    // at 5% a year: about 1.4% of output).
    let x0: f64 = warm.x0().iter().sum();
    let x: f64 = warm.production().iter().sum();
    let lvl = x / x0 * gamma;
    assert!((1.005..1.03).contains(&lvl), "level after rescaling: {lvl}");
    let warm_yoy = china_yoy(&mut warm, g, 12);
    for (t, v) in warm_yoy.iter().enumerate() {
        assert!((v - 5.0).abs() < 0.1, "quarter {}: {v}", t + 4);
    }
}

#[test]
fn without_growth_smoothing_and_warm_start_change_nothing_but_rounding() {
    let mut base = default_model();
    let a = base.run(12, true).expect("run");
    let mut m = default_model();
    let nr = m.layout().n_regions();
    m.set_inventory_target_smoothing(730.0, &vec![0.0; nr])
        .expect("smoothing");
    m.warm_start(1.0, 8, 1.0).expect("warm start");
    let b = m.run(12, true).expect("run");
    // Equal up to rounding: E follows production, which wobbles in the
    // last bits at the equilibrium.
    let mut worst = 0.0f64;
    for (ra, rb) in a.production_realised.iter().zip(&b.production_realised) {
        for (x, y) in ra.iter().zip(rb) {
            worst = worst.max((x - y).abs() / y.abs().max(1e-300));
        }
    }
    assert!(worst < 1e-12, "largest relative difference {worst:e}");
}

#[test]
fn ario_mode_refuses_smoothing_and_bad_settings_are_errors() {
    let table = plenum_testdata::default_table().expect("default table");
    let mut ario = ArioModel::new(&table, &Default::default()).expect("ario");
    let nr = ario.layout().n_regions();
    assert!(ario
        .set_inventory_target_smoothing(730.0, &vec![0.05; nr])
        .is_err());
    assert!(ario.warm_start(1.01, 4, 1.0).is_err());
    let mut m = default_model();
    assert!(m
        .set_inventory_target_smoothing(0.0, &vec![0.05; nr])
        .is_err());
    assert!(m.set_inventory_target_smoothing(730.0, &[0.05]).is_err());
    assert!(m.warm_start(-1.0, 4, 1.0).is_err());
    // A warm-up that outgrows capacity is refused rather than rescaled.
    if let Some(c) = m.controls_mut() {
        c.capacity_scale.fill(1.0);
    }
    assert!(m.warm_start(1.05, 8, 1.0).is_err());
}
