//! Pure input-output maths on a validated [`plenum_table::MrioTable`].
//!
//! No I/O and no parsing: this crate takes matrices (faer `Mat`/`Col`) and a
//! table's block dimensions and returns matrices. It plays the part of
//! pymrio's `tools/iomath.py` (pymrio 0.7.0) and follows its names and
//! conventions, with the letters of Miller & Blair, *Input-Output Analysis:
//! Foundations and Extensions*, 2nd ed., 2009 (M&B).
//!
//! | symbol | meaning | shape | function |
//! |---|---|---|---|
//! | A | technical coefficients Z x̂⁻¹ | n × n | [`coefficients::technical_coefficients`], [`coefficients::table_a`] |
//! | x | gross output solving (I − A) x = y | n | [`output::output`] |
//! | L | Leontief inverse (I − A)⁻¹ | n × n | [`Leontief::inverse`] (only on demand) |
//! | B | Ghosh allocation coefficients x̂⁻¹ Z | n × n | [`ghosh::allocation_coefficients`] |
//! | G | Ghosh inverse x̂⁻¹ L x̂ = (I − B)⁻¹ | n × n | [`ghosh::ghosh_inverse`] |
//! | S | stressor coefficients F x̂⁻¹ | k × n | [`coefficients::stressor_coefficients`] |
//! | M | multipliers S L | k × n | [`multipliers::satellite_multipliers`] |
//! | D_cba, D_pba, D_imp, D_exp | footprint accounts | k × n | [`accounts::accounts`] |
//! | v_c | value-added coefficients V x̂⁻¹ | K × n | [`value_added`] |
//! | p | Leontief prices p' = v'(I − A)⁻¹, with exogenous import prices and cost wedges | n | [`price::prices`], [`price::PriceModel`] |
//!
//! n = R·S industries (region-major), k stressors, K value-added components.
//! Vectors indexed by industry are `Col`, also where the literature writes a
//! row vector (multipliers m').
//!
//! # Factor once, solve many times
//!
//! [`Leontief::factor`] computes the LU factors of I − A once;
//! [`Leontief::solve`] and [`Leontief::solve_transpose`] then apply L or L'
//! to any number of right-hand sides at 2 n² flops each. L itself is formed
//! only by [`Leontief::inverse`]. The dense backend (faer, or the system
//! OpenBLAS behind the cargo feature `openblas`) is chosen by [`Backend`];
//! callers need not care.
//!
//! ```
//! use plenum_iomath::{Leontief, output, multipliers};
//! use faer::{mat, col};
//!
//! // Miller & Blair (2009), section 2.3: two sectors.
//! let z = mat![[150.0, 500.0], [200.0, 100.0]];
//! let x = col![1000.0, 2000.0];
//! let a = plenum_iomath::coefficients::technical_coefficients(z.as_ref(), x.as_ref(), &[]).unwrap();
//! let lu = Leontief::factor(&a).unwrap();
//! let xx = output::output(&lu, col![350.0, 1700.0].as_ref()).unwrap();
//! assert!((xx[0] - 1000.0).abs() < 1e-9 && (xx[1] - 2000.0).abs() < 1e-9);
//! let m = multipliers::output_multipliers(&lu).unwrap(); // column sums of L
//! assert!((m[0] - (1.254 + 0.264)).abs() < 1e-3);
//! ```
//!
//! # Convenience
//!
//! [`IoModel`] bundles A, the factors of I − A and the block dimensions of a
//! table, with methods for the quantities above and errors naming industries
//! by their `REGION/SECTOR` labels.

pub mod accounts;
pub mod backend;
pub mod coefficients;
pub mod dims;
pub mod error;
pub mod ghosh;
pub mod iterative;
pub mod leontief;
pub mod linkages;
pub mod memory;
pub mod mixed;
pub mod model;
pub mod multipliers;
pub mod output;
pub mod price;
pub mod report;
pub mod solver;
pub mod sparse;
pub mod trade;
pub mod value_added;

pub use accounts::{Accounts, AccountsRoute, PerCapita};
pub use backend::Backend;
pub use dims::Dims;
pub use error::IoMathError;
pub use iterative::{IterOptions, IterStats};
pub use leontief::Leontief;
pub use linkages::Linkages;
pub use model::IoModel;
pub use report::{ExtensionReport, Report};
pub use solver::{LeontiefSolve, LogValue, SolveLog, Solver, SolverChoice};
pub use trade::GrossTrade;
pub use value_added::ValueAddedFootprint;

/// Replaces the index-only labels (`industry 17`) of an error with the
/// table's `REGION/SECTOR` names.
pub fn name_industries(e: IoMathError, labels: &plenum_table::Labels) -> IoMathError {
    let name = |i: usize| {
        if i < labels.n_industries() {
            labels.industry_name(i)
        } else {
            format!("industry {i}")
        }
    };
    match e {
        IoMathError::ZeroOutput { what, index, x, .. } => IoMathError::ZeroOutput {
            what,
            index,
            label: name(index),
            x,
        },
        IoMathError::NotZeroOutput { index, x, .. } => IoMathError::NotZeroOutput {
            index,
            label: name(index),
            x,
        },
        IoMathError::Singular {
            index,
            pivot,
            ratio,
            ..
        } => IoMathError::Singular {
            index,
            label: name(index),
            pivot,
            ratio,
        },
        other => other,
    }
}
