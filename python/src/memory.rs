//! `max_memory_gb=` of `analyze`, `chokepoints`, `decompose` and
//! `self_reliance`: the peak the call will add to the interpreter (which
//! already holds the table), estimated from the table's size before the
//! work with the CLI's measured slopes ([`plenum_iomath::memory`]) plus
//! the arrays handed to numpy, and refused over the bound with the
//! estimate, the bound and the fixes (as the CLI's `--max-memory-gb`).
//! `python/tests/test_memory.py` checks each estimate against the peak a
//! real call adds and the refusals.

use plenum_iomath::memory::{self, Work};
use plenum_iomath::{report, SolverChoice};
use plenum_table::MrioTable;

/// The bound when none is given: the CLI's default.
pub const DEFAULT_GB: f64 = 8.0;

/// Bytes `analyze` adds with the solver `choice` it will use (already
/// [`SolverChoice::factoring_if`] L or G is asked for): the solves' work,
/// pymrio's dense A (formed whatever the solver) and the numpy copy of
/// every n × n result (A; L; B and G, each also held in Rust until it is
/// copied); and whether the solves factor.
pub fn analyze_need(t: &MrioTable, choice: SolverChoice, with_l: bool, ghosh: bool) -> (f64, bool) {
    let work = memory::solves(t, choice, report::expected_rhs(t), with_l);
    let factors = ghosh || work.factors();
    let d = memory::dense_bytes(t);
    let copies = 2.0 + if with_l { 1.0 } else { 0.0 } + if ghosh { 4.0 } else { 0.0 };
    (
        memory::BASE_BYTES + memory::beside(t, work) + copies * d,
        factors,
    )
}

/// Bytes the lean chokepoints add with `rhs` right-hand sides (the CLI's
/// computation; the result is a few columns); and whether they factor.
pub fn chokepoints_need(t: &MrioTable, choice: SolverChoice, rhs: usize) -> (f64, bool) {
    let work = memory::solves(t, choice, rhs, false);
    (memory::BASE_BYTES + memory::beside(t, work), work.factors())
}

/// Bytes `decompose` and `self_reliance` add: the dense GVC model and a
/// decomposition's blocks of L.
pub fn dense_model_need(t: &MrioTable) -> f64 {
    memory::BASE_BYTES + memory::beside(t, Work::DenseModel)
}

/// The process's bound for a solve's LU fallback
/// ([`plenum_iomath::IterOptions::max_fallback_bytes`]): what it holds now
/// plus `max_gb`, as the bound is on what a call adds; None where the
/// resident memory cannot be read.
pub fn fallback_budget(max_gb: f64) -> Option<f64> {
    memory::current_rss().map(|now| now as f64 + max_gb * 1e9)
}

/// Refuses `what` if `need` bytes pass `max_gb`; `fix` is the lighter
/// route, offered before aggregating the table or raising the bound.
pub fn check(need: f64, max_gb: f64, what: &str, fix: &str) -> Result<(), String> {
    if !(max_gb.is_finite() && max_gb > 0.0) {
        return Err(format!(
            "max_memory_gb must be a positive number of GB, got {max_gb}"
        ));
    }
    if need > max_gb * 1e9 {
        return Err(format!(
            "{what} would need about {:.2} GB of memory beside the table (max_memory_gb is \
             {max_gb}); fix: {fix}aggregate the table (plenum table aggregate), or raise the \
             bound with max_memory_gb={:.0}",
            need / 1e9,
            (need / 1e9).ceil() + 1.0
        ));
    }
    Ok(())
}
