//! The output of a run: per step, per industry vectors, and their tidy
//! (long) form for writers.
//!
//! Variables, each a vector over industries in model order (regions and
//! sectors sorted alphabetically, region-major):
//! - `production_realised` x(t), `production_capacity` x^Cap(t),
//! - `final_demand_unmet`: final demand not delivered, by destination
//!   region and product (the "industry" label is region/product),
//! - `rebuild_demand`: rebuilding demand addressed to each industry,
//! - `inputs_stocks`: inventories N(t) at the start of the step, one value
//!   per input sector and using industry.

use crate::ario::{Layout, StepRecord};

/// The five recorded variables, by their BoARIO record names.
pub const VARIABLES: [&str; 5] = [
    "production_realised",
    "production_capacity",
    "final_demand_unmet",
    "rebuild_demand",
    "inputs_stocks",
];

/// A run's records, in memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trajectory {
    pub regions: Vec<String>,
    pub sectors: Vec<String>,
    /// Temporal unit of each recorded step.
    pub temporal_units: Vec<f64>,
    pub production_realised: Vec<Vec<f64>>,
    pub production_capacity: Vec<Vec<f64>>,
    pub final_demand_unmet: Vec<Vec<f64>>,
    pub rebuild_demand: Vec<Vec<f64>>,
    /// Per step, S × n input-major (index input · n + industry); empty when
    /// stocks were not recorded.
    pub inputs_stocks: Vec<Vec<f64>>,
    /// Whether some industry was ever constrained by its inventories.
    pub had_shortage: bool,
}

/// One row of the tidy form: `step, region, sector, variable, value`. For
/// `inputs_stocks` the variable is `inputs_stocks[INPUT]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TidyRow<'a> {
    pub step: usize,
    pub region: &'a str,
    pub sector: &'a str,
    pub variable: std::borrow::Cow<'a, str>,
    pub value: f64,
}

impl Trajectory {
    pub fn new(layout: &Layout) -> Self {
        Self {
            regions: layout.regions.clone(),
            sectors: layout.sectors.clone(),
            ..Default::default()
        }
    }

    pub fn push(&mut self, r: StepRecord) {
        self.temporal_units.push(r.temporal_unit);
        self.production_realised.push(r.production_realised);
        self.production_capacity.push(r.production_capacity);
        self.final_demand_unmet.push(r.final_demand_unmet);
        self.rebuild_demand.push(r.rebuild_demand);
        if let Some(s) = r.inputs_stocks {
            self.inputs_stocks.push(s);
        }
    }

    pub fn n_steps(&self) -> usize {
        self.temporal_units.len()
    }
    pub fn n_industries(&self) -> usize {
        self.regions.len() * self.sectors.len()
    }

    /// The per-industry series of a variable other than `inputs_stocks`.
    pub fn variable(&self, name: &str) -> Option<&[Vec<f64>]> {
        match name {
            "production_realised" => Some(&self.production_realised),
            "production_capacity" => Some(&self.production_capacity),
            "final_demand_unmet" => Some(&self.final_demand_unmet),
            "rebuild_demand" => Some(&self.rebuild_demand),
            _ => None,
        }
    }

    /// Every value as a tidy row, step by step, variables in the order of
    /// [`VARIABLES`], industries in model order. Deterministic.
    pub fn tidy_rows(&self) -> impl Iterator<Item = TidyRow<'_>> + '_ {
        let ns = self.sectors.len();
        let n = self.n_industries();
        (0..self.n_steps()).flat_map(move |t| {
            let vecs = VARIABLES[..4]
                .iter()
                .map(move |v| (*v, self.variable(v).map(|x| &x[t])));
            let flat = vecs.flat_map(move |(name, vals)| {
                vals.into_iter().flat_map(move |vals| {
                    vals.iter().enumerate().map(move |(i, &value)| TidyRow {
                        step: t,
                        region: &self.regions[i / ns],
                        sector: &self.sectors[i % ns],
                        variable: std::borrow::Cow::Borrowed(name),
                        value,
                    })
                })
            });
            let stocks = self.inputs_stocks.get(t).into_iter().flat_map(move |st| {
                st.iter().enumerate().map(move |(k, &value)| {
                    let (input, i) = (k / n, k % n);
                    TidyRow {
                        step: t,
                        region: &self.regions[i / ns],
                        sector: &self.sectors[i % ns],
                        variable: std::borrow::Cow::Owned(format!(
                            "inputs_stocks[{}]",
                            self.sectors[input]
                        )),
                        value,
                    }
                })
            });
            flat.chain(stocks)
        })
    }
}
