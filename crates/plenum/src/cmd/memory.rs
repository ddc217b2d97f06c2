//! Memory bounds checked before the heavy work starts: the peak resident
//! memory a command will reach, estimated from the table's size
//! ([`plenum_iomath::memory`], with the measured slopes), against
//! `--max-memory-gb`. A run over the bound is refused with the estimate,
//! the flag and the fixes, before the work (at GLORIA size a decomposition
//! would build about 20 GB of matrices on a 23 GiB machine).

use anyhow::Result;
use plenum_table::MrioTable;

pub use plenum_iomath::memory::{estimate, peak_rss, Work};

/// Checks the solves of `plenum analyze` or the lean chokepoints (`what`)
/// with `rhs` right-hand sides: by LU where `choice` factors (the solver's
/// own rule, [`plenum_iomath::SolverChoice::iterates_on`]) or L is formed
/// (`inverse`, which factors whatever the choice), else by GMRES. The
/// lighter route offered first: no L, then GMRES.
pub fn check_solves(
    t: &MrioTable,
    choice: plenum_iomath::SolverChoice,
    rhs: usize,
    inverse: bool,
    max_gb: f64,
    what: &str,
) -> Result<()> {
    let work = plenum_iomath::memory::solves(t, choice, rhs, inverse);
    let need = estimate(t, work);
    let fix = match (inverse, work.factors()) {
        (true, _) => "drop --write-L (nothing else needs L), ",
        (false, true) => "--solver iterative (block GMRES on Z: no A or factors), ",
        _ => "",
    };
    check(need, max_gb, what, fix)
}

pub(crate) fn gb(bytes: f64) -> String {
    format!("{:.2} GB", bytes / 1e9)
}

/// Refuses `what` if `need` bytes pass `max_gb`; the message gives the
/// estimate, the bound and the fixes (`fix` first, then aggregating the
/// table or raising the bound).
pub fn check(need: f64, max_gb: f64, what: &str, fix: &str) -> Result<()> {
    if !(max_gb.is_finite() && max_gb > 0.0) {
        anyhow::bail!("--max-memory-gb must be a positive number of GB, got {max_gb}");
    }
    if crate::progress::timings_on() {
        eprintln!("memory: estimate {need:.0} bytes ({what})");
    }
    if need > max_gb * 1e9 {
        anyhow::bail!(
            "{what} would need about {} of memory (--max-memory-gb is {max_gb}); \
             fix: {fix}aggregate the table (plenum table aggregate), or raise the bound with --max-memory-gb {:.0}",
            gb(need),
            (need / 1e9).ceil() + 1.0
        );
    }
    Ok(())
}

/// With `PLENUM_TIMINGS`, prints the process's peak resident memory (what
/// the estimates are checked against); called when a command ends.
pub fn report_peak() {
    if let (true, Some(p)) = (crate::progress::timings_on(), peak_rss()) {
        eprintln!("memory: peak {p} bytes");
    }
}
