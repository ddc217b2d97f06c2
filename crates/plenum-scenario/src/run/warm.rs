//! The engine's warm-up, shared between runs.
//!
//! Before 2022Q1 every run steps the engine through [`super::WARM_UP_QUARTERS`]
//! quarters of steady growth (see `plenum_sim::growth`). That state depends
//! only on the table and on five inputs: the inventory-target smoothing and
//! the regions' trends it uses, the capacity scale, the growth factor γ and
//! the level it ends at; not on the calibrated rates, nor on anything a
//! scenario does from 2022 on. A Monte Carlo draw's calibration runs (a few
//! runs to 2024Q2) and its scenario runs all start from the same warm state,
//! which took about three quarters of a calibration run's steps.
//!
//! [`WarmCache`] keeps the last few warm states, keyed by the exact bits of
//! those inputs, and hands out clones: a hit gives the very state a fresh
//! warm-up would (same operations on the same inputs), so results do not
//! depend on what the cache holds, on the order runs come in, or on the
//! number of threads. Z⁰ is shared between the clones (plenum-sim keeps it
//! behind an `Arc`), so a slot costs the engine's state vectors only.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use plenum_sim::ArioModel;

use crate::engine::sim_error;
use crate::error::Result;

/// Slots kept: a draw in flight per thread needs one; more threads than
/// this only means warm-ups done again.
pub const SLOTS: usize = 16;

/// The inputs of a warm-up (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct WarmInputs<'a> {
    /// Inventory-target smoothing, days, and the regions' trend growth
    /// (engine order, per quarter as a fraction).
    pub smoothing: f64,
    pub trend: &'a [f64],
    /// Capacity scale of every industry during the warm-up.
    pub capacity_scale: f64,
    /// Growth factor per quarter and the level the warm-up ends at.
    pub gamma: f64,
    pub level: f64,
}

impl WarmInputs<'_> {
    fn key(&self) -> Vec<u64> {
        let mut k = vec![
            self.smoothing.to_bits(),
            self.capacity_scale.to_bits(),
            self.gamma.to_bits(),
            self.level.to_bits(),
        ];
        k.extend(self.trend.iter().map(|v| v.to_bits()));
        k
    }

    /// Warms `base` up (the steps every run took before the cache).
    fn warm(&self, base: &ArioModel, quarters: usize) -> Result<ArioModel> {
        let mut model = base.clone();
        model
            .set_inventory_target_smoothing(self.smoothing, self.trend)
            .map_err(sim_error)?;
        if let Some(c) = model.controls_mut() {
            c.capacity_scale.fill(self.capacity_scale);
        }
        model
            .warm_start(self.gamma, quarters, self.level)
            .map_err(sim_error)?;
        Ok(model)
    }
}

type Slot = (Vec<u64>, Arc<ArioModel>);

/// Recent warm states (see the module docs). Cloning an economy starts an
/// empty cache.
#[derive(Default)]
pub struct WarmCache {
    slots: Mutex<VecDeque<Slot>>,
}

impl Clone for WarmCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for WarmCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.slots.lock().map_or(0, |s| s.len());
        write!(f, "WarmCache({n} of {SLOTS} slots)")
    }
}

impl WarmCache {
    fn find(&self, key: &[u64]) -> Option<Arc<ArioModel>> {
        let slots = self.slots.lock().ok()?;
        slots
            .iter()
            .find(|(k, _)| k.as_slice() == key)
            .map(|(_, m)| Arc::clone(m))
    }

    /// The engine `base` warmed up under `inputs` for `quarters` quarters:
    /// a clone of the cached state, or a fresh warm-up (then cached).
    pub fn warmed(
        &self,
        base: &ArioModel,
        inputs: &WarmInputs<'_>,
        quarters: usize,
    ) -> Result<ArioModel> {
        let mut key = inputs.key();
        key.push(quarters as u64);
        if let Some(m) = self.find(&key) {
            return Ok((*m).clone());
        }
        // Warm up outside the lock: other threads keep going meanwhile.
        let model = inputs.warm(base, quarters)?;
        if let Ok(mut slots) = self.slots.lock() {
            if !slots.iter().any(|(k, _)| *k == key) {
                if slots.len() >= SLOTS {
                    slots.pop_front();
                }
                slots.push_back((key, Arc::new(model.clone())));
            }
        }
        Ok(model)
    }

    /// Warm states held.
    pub fn len(&self) -> usize {
        self.slots.lock().map_or(0, |s| s.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
