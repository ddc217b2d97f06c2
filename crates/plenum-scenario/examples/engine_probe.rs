//! Probe: the engine alone on the embedded default table, every final
//! demand growing at G % a year (default 5) and capacity at the same rate
//! times HEADROOM (1.08); prints China's value-added growth y/y by quarter.
//! With PROBE_SMOOTH=days, inventory targets follow expected output
//! (`plenum_sim::growth`); without it, BoARIO's rule, which cycles.
//!
//!     PROBE_SMOOTH=730 cargo run --release -p plenum-scenario --example engine_probe
struct Grow {
    g: f64,
    f: f64,
    k: usize,
    va: Vec<Vec<f64>>,
}
impl plenum_sim::Hook for Grow {
    fn after_step(&mut self, v: &plenum_sim::StateView<'_>, c: &mut plenum_sim::Controls) {
        self.va.push(v.value_added_by_region.clone());
        self.k += 1;
        let idx = self.g.powf(self.k as f64 / 4.0);
        for x in c.final_demand_scale.iter_mut() {
            *x = idx;
        }
        for x in c.capacity_scale.iter_mut() {
            *x = idx * self.f;
        }
    }
}
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = include_bytes!("../../../data/default/default.plenum");
    let table = plenum_formats::native::read_native_bytes(
        bytes,
        &plenum_table::ValidationPolicy::lenient(1e-6),
    )?;
    let mut m = plenum_scenario::engine::base_model(&table)?;
    let g: f64 = std::env::var("G")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    if let Ok(t) = std::env::var("PROBE_SMOOTH") {
        let nr = m.layout().n_regions();
        m.set_inventory_target_smoothing(t.parse()?, &vec![g / 100.0; nr])?;
    }
    let f: f64 = std::env::var("HEADROOM")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.08);
    let mut h = Grow {
        g: 1.0 + g / 100.0,
        f,
        k: 0,
        va: Vec::new(),
    };
    if let Some(c) = m.controls_mut() {
        for x in c.capacity_scale.iter_mut() {
            *x = f;
        }
    }
    m.run_with_hook(48, false, &mut h)?;
    let r = m.layout().region_index("CHN").ok_or("no CHN")?;
    let yoy: Vec<String> = (4..h.va.len())
        .map(|t| format!("{:.1}", 100.0 * (h.va[t][r] / h.va[t - 4][r] - 1.0)))
        .collect();
    println!("{}", yoy.join(" "));
    Ok(())
}
