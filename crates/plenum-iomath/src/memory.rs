//! Peak memory of the heavy input-output work, estimated from a table's
//! size before the work starts, so that every front end (the CLI's
//! `--max-memory-gb`, Python's `max_memory_gb=`) can refuse a run that
//! would not fit instead of letting the kernel kill it.
//!
//! The estimates are measured peaks (`VmHWM`, whole process; the CLI prints
//! them with `PLENUM_TIMINGS=1`) on the seeded synthetic tables of
//! `bench/analyze_vs_pymrio.sh` (`synth_pymrio R S DIR 5 42 0.3`, read as
//! native files) at n = 2,500, 5,000 and 7,500, fitted as a + b · 8n² and
//! rounded up (2026-12-04; BENCHMARKS.md, "Memory bounds"). Tests check
//! that each estimate bounds the peak of a real run and is not loose by
//! more than a factor of 2.5 (`crates/plenum/tests/memory_bounds.rs`);
//! Python's calls add the arrays they hand to numpy (`python/src/memory.rs`,
//! checked within 3× by `python/tests/test_memory.py`):
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
//!
//! The GMRES estimates assume the solves converge. One that does not falls
//! back to LU, which forms the dense A and its factors then; a front end
//! that sets [`crate::IterOptions::max_fallback_bytes`] (the CLI and Python
//! do, from their bound) gets an error with the fixes instead of a
//! fallback past it ([`lu_fallback_bytes`] on top of the process's resident
//! memory at that moment).

use plenum_table::{Flows, MrioTable};

use crate::SolverChoice;

/// What a computation holds beside the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Work {
    /// plenum-gvc's `GvcModel` (Z, A and the LU factors of I − A) and a
    /// decomposition's blocks of L.
    DenseModel,
    /// The `GvcModel` alone (technology chokepoints).
    DenseModelOnly,
    /// The dense model and the dynamic engine's matrices.
    DenseModelDynamic,
    /// The solves of an analysis or the lean chokepoints: by LU
    /// (`factors`: A and the factors), with L formed (`inverse`), or by
    /// block GMRES with `rhs` right-hand sides.
    Solves {
        factors: bool,
        inverse: bool,
        rhs: usize,
    },
}

impl Work {
    /// Whether the work forms the LU factors of I − A (every kind but the
    /// solves by GMRES).
    pub fn factors(self) -> bool {
        !matches!(self, Work::Solves { factors: false, .. })
    }
}

/// Process, allocator and small vectors (the measured intercepts, 34-76
/// MB, rounded up).
pub const BASE_BYTES: f64 = 80e6;
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

/// Bytes of one dense n × n matrix of `t` (8n²).
pub fn dense_bytes(t: &MrioTable) -> f64 {
    let n = t.labels().n_industries() as f64;
    8.0 * n * n
}

/// Bytes the table itself holds: Z as stored, then Y and the value-added
/// and satellite rows (twice: the reader's copy and the accounts').
pub fn table_bytes(t: &MrioTable) -> f64 {
    let n = t.labels().n_industries() as f64;
    let z_stored = match t.z_flows() {
        Flows::Dense(_) => dense_bytes(t),
        // Row pointers, then a u32 column and an f64 value per entry.
        f => 12.0 * f.nnz() as f64 + 8.0 * n,
    };
    let rows: usize = t.v().nrows() + t.extensions().iter().map(|e| e.f.nrows()).sum::<usize>();
    z_stored + 2.0 * 8.0 * n * (t.y().ncols() + rows) as f64
}

/// Bytes `work` holds beside the table at its peak.
pub fn beside(t: &MrioTable, work: Work) -> f64 {
    let n = t.labels().n_industries() as f64;
    match work {
        Work::Solves {
            factors: false,
            inverse: false,
            rhs,
        } => 8.0 * n * rhs as f64 * KRYLOV_VECTORS,
        w => {
            let (b, a) = slope(w);
            (b - 1.0) * dense_bytes(t) + a
        }
    }
}

/// Estimated peak resident bytes of a process that reads `t` and does
/// `work`.
pub fn estimate(t: &MrioTable, work: Work) -> f64 {
    BASE_BYTES + table_bytes(t) + beside(t, work)
}

/// The solves' work with `rhs` right-hand sides: by LU where `choice`
/// factors on Z as stored (the solver's own rule,
/// [`SolverChoice::iterates_on`]) or L is formed (`inverse`, which factors
/// whatever the choice), else by GMRES.
pub fn solves(t: &MrioTable, choice: SolverChoice, rhs: usize, inverse: bool) -> Work {
    Work::Solves {
        factors: inverse || !choice.iterates_on(t.z_flows(), rhs),
        inverse,
        rhs,
    }
}

/// Bytes an LU fallback adds to a solver that iterated on Z: the dense A
/// and its factors (the LU slope less the Z it counts, as [`beside`]).
pub fn lu_fallback_bytes(n: usize) -> f64 {
    let (b, a) = slope(Work::Solves {
        factors: true,
        inverse: false,
        rhs: 0,
    });
    (b - 1.0) * 8.0 * (n as f64) * (n as f64) + a
}

fn status_bytes(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The process's peak resident memory so far (Linux `VmHWM`), in bytes;
/// None where /proc is not there.
pub fn peak_rss() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// The process's resident memory now (Linux `VmRSS`), in bytes; None where
/// /proc is not there.
pub fn current_rss() -> Option<u64> {
    status_bytes("VmRSS:")
}
