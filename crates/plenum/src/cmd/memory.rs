//! Memory bounds checked before the heavy work starts: the peak resident
//! memory a command will reach, estimated from the table's size, against
//! `--max-memory-gb`. A run over the bound is refused with the estimate,
//! the flag and the fixes, before the work (at GLORIA size a decomposition
//! would build about 20 GB of matrices on a 23 GiB machine).
//!
//! The estimates are measured peaks (`VmHWM`, whole process; printed with
//! `PLENUM_TIMINGS=1`) on the seeded synthetic tables of
//! `bench/analyze_vs_pymrio.sh` (`synth_pymrio R S DIR 5 42 0.3`, read as
//! native files) at n = 2,500, 5,000 and 7,500, fitted as a + b · 8n² and
//! rounded up (2026-12-04; BENCHMARKS.md, "Memory bounds"). A test checks
//! that each estimate bounds the peak of a real run and is not loose by
//! more than a factor of 2.5 (`tests/memory_bounds.rs`):
//!
//! | work | peak, n = 2,500 / 5,000 / 7,500 | fit b | estimate b |
//! |---|---|---|---|
//! | dense GVC model + decomposition (decompose, self-reliance) | 0.33 / 1.27 / 2.81 GB | 6.1-6.3 | 6.3 |
//! | the dense model alone (`chokepoints --by technology`) | 0.29 / 0.92 GB (pymrio text) | 4.2 | 4.3 |
//! | the dense model + the dynamic engine (`chokepoints --dynamic`) | 0.49 / 1.75 / 3.46 GB | 6.9, a = 0.38 GB | 7.0, a = 0.4 GB |
//! | factoring I − A (analyze, or chokepoints by LU; `--write-L` adds L) | 0.17 / 0.65 / 1.43 GB (n = 19,680 chokepoints: 9.36 GB) | 3.1 | 3.3 (+ 1 for L) |
//! | block GMRES on Z (analyze, chokepoints at scale) | 0.10 / 0.32 / 0.63 GB | Z + 15 n-vectors per right-hand side (7 at n = 19,680) | Z + 20 |
//!
//! b counts the table's Z; every estimate adds the table's other parts (Y
//! and the value-added and satellite rows, twice) and 80 MB for the
//! process (the fits' intercepts were 34-76 MB).

use anyhow::Result;
use plenum_table::{Flows, MrioTable};

/// What a command will hold beside the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Work {
    /// plenum-gvc's `GvcModel` (Z, A and the LU factors of I − A) and a
    /// decomposition's blocks of L.
    DenseModel,
    /// The `GvcModel` alone (technology chokepoints).
    DenseModelOnly,
    /// The dense model and the dynamic engine's matrices.
    DenseModelDynamic,
    /// The solves of `plenum analyze` or the lean chokepoints: by LU
    /// (`factors`: A and the factors), with L formed (`inverse`), or by
    /// block GMRES with `rhs` right-hand sides.
    Solves {
        factors: bool,
        inverse: bool,
        rhs: usize,
    },
}

/// Process, allocator and small vectors (the measured intercepts, 34-76
/// MB, rounded up).
const BASE_BYTES: f64 = 80e6;
/// n-vectors GMRES holds per right-hand side (its Krylov blocks and the
/// preconditioner's work: measured about 15 at n = 5,000-7,500 and 7 at
/// n = 19,680 with 16 sweeps).
const KRYLOV_VECTORS: f64 = 20.0;

/// Measured peak over 8n² (the table's Z included), rounded up, and the
/// intercept beside [`BASE_BYTES`]: see the module docs.
fn slope(work: Work) -> (f64, f64) {
    match work {
        Work::DenseModel => (6.3, 0.0),
        Work::DenseModelOnly => (4.3, 0.0),
        Work::DenseModelDynamic => (7.0, 400e6),
        Work::Solves { inverse, .. } => (3.3 + if inverse { 1.0 } else { 0.0 }, 0.0),
    }
}

/// Estimated peak resident bytes of `work` on `t`.
pub fn estimate(t: &MrioTable, work: Work) -> f64 {
    let n = t.labels().n_industries() as f64;
    let dense = 8.0 * n * n;
    let z_stored = match t.z_flows() {
        Flows::Dense(_) => dense,
        // Row pointers, then a u32 column and an f64 value per entry.
        f => 12.0 * f.nnz() as f64 + 8.0 * n,
    };
    let rows: usize = t.v().nrows() + t.extensions().iter().map(|e| e.f.nrows()).sum::<usize>();
    let others = 2.0 * 8.0 * n * (t.y().ncols() + rows) as f64;
    let beside = match work {
        Work::Solves {
            factors: false,
            inverse: false,
            rhs,
        } => 8.0 * n * rhs as f64 * KRYLOV_VECTORS,
        w => {
            let (b, a) = slope(w);
            (b - 1.0) * dense + a
        }
    };
    BASE_BYTES + z_stored + others + beside
}

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
    let factors = inverse || !choice.iterates_on(t.z_flows(), rhs);
    let need = estimate(
        t,
        Work::Solves {
            factors,
            inverse,
            rhs,
        },
    );
    let fix = match (inverse, factors) {
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

/// The process's peak resident memory so far (Linux `VmHWM`), in bytes.
pub fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
