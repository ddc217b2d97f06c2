//! The dense linear-algebra backend: LU factorisation with partial pivoting,
//! triangular solves with it, the inverse, and matrix products.
//!
//! Two backends sit behind the one [`Backend`] enum, so that callers never
//! name a library:
//!
//! * [`Backend::Faer`], pure Rust (faer 0.24), always compiled in.
//! * [`Backend::OpenBlas`], LAPACK `dgetrf`/`dgetrs`/`dgetri` and BLAS
//!   `dgemm` of the system's OpenBLAS, compiled in only with the cargo
//!   feature `openblas` (it links `libopenblas`; on Debian
//!   `apt-get install libopenblas-dev`). Without the feature, asking for it is
//!   a typed [`IoMathError::BackendUnavailable`], not a link error.
//!
//! Both compute P M = L U with L unit lower triangular and U upper
//! triangular, stored together in one n × n matrix (L strictly below the
//! diagonal, U on and above it), plus the row permutation. For I − A with a
//! productive A (every column sum of A below 1) the matrix is strictly
//! diagonally dominant by columns, so partial pivoting makes no row
//! interchanges and the factorisation is backward stable.
//!
//! The measurements behind [`Backend::default`] (faer) are in
//! `BENCHMARKS.md` at the workspace root, made with `examples/lu_bench.rs`:
//! faer's LU reaches 81–87 % of the machine's best DGEMM rate at n = 5000,
//! above the project's 70 % target, and matches OpenBLAS's dgetrf.

use std::fmt;
use std::str::FromStr;

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::lu::partial_pivoting as pp;
use faer::perm::PermRef;
use faer::{Accum, Mat, MatMut, MatRef};

use crate::error::IoMathError;

/// Which library does the dense linear algebra.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// faer 0.24, pure Rust, always available.
    Faer,
    /// LAPACK/BLAS of the system OpenBLAS; needs the cargo feature `openblas`.
    OpenBlas,
}

impl Backend {
    /// Every backend, available or not, in a fixed order.
    pub const ALL: [Backend; 2] = [Backend::Faer, Backend::OpenBlas];

    /// Whether this build can use the backend.
    pub const fn is_available(self) -> bool {
        match self {
            Backend::Faer => true,
            Backend::OpenBlas => cfg!(feature = "openblas"),
        }
    }

    /// The lowercase name used on command lines: `faer`, `openblas`.
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Faer => "faer",
            Backend::OpenBlas => "openblas",
        }
    }

    pub(crate) fn require(self) -> Result<(), IoMathError> {
        if self.is_available() {
            Ok(())
        } else {
            Err(IoMathError::BackendUnavailable {
                backend: self.name(),
            })
        }
    }
}

impl Default for Backend {
    /// faer, also when OpenBLAS is compiled in: at n = 5000 on the 2-core
    /// machine measured (BENCHMARKS.md, "plenum-iomath") faer's LU ran at
    /// 81–87 % of the best DGEMM and within 5 % of OpenBLAS's dgetrf, and it
    /// needs no system library and no large-stack thread. Choose
    /// [`Backend::OpenBlas`] explicitly to use LAPACK.
    fn default() -> Self {
        Backend::Faer
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = IoMathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "faer" => Ok(Backend::Faer),
            "openblas" | "lapack" => Ok(Backend::OpenBlas),
            _ => Err(IoMathError::UnknownBackend {
                name: s.to_string(),
            }),
        }
    }
}

/// An LU factorisation P M = L U held by one backend.
#[derive(Debug, Clone)]
pub(crate) enum LuFactors {
    Faer {
        lu: Mat<f64>,
        fwd: Vec<usize>,
        bwd: Vec<usize>,
    },
    #[cfg(feature = "openblas")]
    Lapack { lu: Mat<f64>, ipiv: Vec<i32> },
}

impl LuFactors {
    /// Factors `m` in place (it becomes the packed L\U).
    pub(crate) fn factor(m: Mat<f64>, backend: Backend) -> Result<Self, IoMathError> {
        backend.require()?;
        match backend {
            Backend::Faer => Ok(faer_factor(m)),
            Backend::OpenBlas => {
                #[cfg(feature = "openblas")]
                {
                    lapack::factor(m)
                }
                #[cfg(not(feature = "openblas"))]
                {
                    drop(m);
                    Err(IoMathError::BackendUnavailable {
                        backend: Backend::OpenBlas.name(),
                    })
                }
            }
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            LuFactors::Faer { .. } => Backend::Faer,
            #[cfg(feature = "openblas")]
            LuFactors::Lapack { .. } => Backend::OpenBlas,
        }
    }

    /// The packed factors: unit-lower L strictly below the diagonal, U on and above.
    pub(crate) fn packed(&self) -> MatRef<'_, f64> {
        match self {
            LuFactors::Faer { lu, .. } => lu.as_ref(),
            #[cfg(feature = "openblas")]
            LuFactors::Lapack { lu, .. } => lu.as_ref(),
        }
    }

    /// The row permutation as `perm[i]` = the original row that sits at row
    /// i of P M.
    pub(crate) fn row_perm(&self) -> Vec<usize> {
        match self {
            LuFactors::Faer { fwd, .. } => fwd.clone(),
            #[cfg(feature = "openblas")]
            LuFactors::Lapack { ipiv, .. } => {
                let mut perm: Vec<usize> = (0..ipiv.len()).collect();
                for (i, &p) in ipiv.iter().enumerate() {
                    perm.swap(i, p as usize - 1);
                }
                perm
            }
        }
    }

    /// Overwrites `rhs` with M⁻¹ rhs, or with M⁻ᵀ rhs when `transpose`.
    pub(crate) fn solve_in_place(
        &self,
        rhs: MatMut<'_, f64>,
        transpose: bool,
    ) -> Result<(), IoMathError> {
        match self {
            LuFactors::Faer { lu, fwd, bwd } => {
                faer_solve(lu.as_ref(), fwd, bwd, rhs, transpose);
                Ok(())
            }
            #[cfg(feature = "openblas")]
            LuFactors::Lapack { lu, ipiv } => lapack::solve(lu.as_ref(), ipiv, rhs, transpose),
        }
    }

    /// M⁻¹, formed explicitly.
    pub(crate) fn inverse(&self) -> Result<Mat<f64>, IoMathError> {
        match self {
            LuFactors::Faer { lu, fwd, bwd } => Ok(faer_inverse(lu.as_ref(), fwd, bwd)),
            #[cfg(feature = "openblas")]
            LuFactors::Lapack { lu, ipiv } => lapack::inverse(lu.clone(), ipiv),
        }
    }
}

fn faer_factor(mut m: Mat<f64>) -> LuFactors {
    let n = m.nrows();
    let par = faer::get_global_parallelism();
    let mut fwd = vec![0usize; n];
    let mut bwd = vec![0usize; n];
    let mut buf = MemBuffer::new(pp::factor::lu_in_place_scratch::<usize, f64>(
        n,
        n,
        par,
        Default::default(),
    ));
    pp::factor::lu_in_place(
        m.as_mut(),
        &mut fwd,
        &mut bwd,
        par,
        MemStack::new(&mut buf),
        Default::default(),
    );
    LuFactors::Faer { lu: m, fwd, bwd }
}

fn perm_ref<'a>(fwd: &'a [usize], bwd: &'a [usize]) -> PermRef<'a, usize> {
    PermRef::new_checked(fwd, bwd, fwd.len())
}

fn faer_solve(
    lu: MatRef<'_, f64>,
    fwd: &[usize],
    bwd: &[usize],
    rhs: MatMut<'_, f64>,
    transpose: bool,
) {
    let n = lu.nrows();
    let k = rhs.ncols();
    let par = faer::get_global_parallelism();
    let perm = perm_ref(fwd, bwd);
    // The triangular solvers read only their own triangle, so the packed
    // matrix serves as both L (unit diagonal implied) and U.
    if transpose {
        let mut buf = MemBuffer::new(pp::solve::solve_transpose_in_place_scratch::<usize, f64>(
            n, k, par,
        ));
        pp::solve::solve_transpose_in_place(lu, lu, perm, rhs, par, MemStack::new(&mut buf));
    } else {
        let mut buf = MemBuffer::new(pp::solve::solve_in_place_scratch::<usize, f64>(n, k, par));
        pp::solve::solve_in_place(lu, lu, perm, rhs, par, MemStack::new(&mut buf));
    }
}

fn faer_inverse(lu: MatRef<'_, f64>, fwd: &[usize], bwd: &[usize]) -> Mat<f64> {
    let n = lu.nrows();
    let par = faer::get_global_parallelism();
    let mut out = Mat::<f64>::zeros(n, n);
    let mut buf = MemBuffer::new(pp::inverse::inverse_scratch::<usize, f64>(n, par));
    pp::inverse::inverse(
        out.as_mut(),
        lu,
        lu,
        perm_ref(fwd, bwd),
        par,
        MemStack::new(&mut buf),
    );
    out
}

/// C = A B with the chosen backend. Shapes must agree (checked).
pub fn matmul(
    a: MatRef<'_, f64>,
    b: MatRef<'_, f64>,
    backend: Backend,
) -> Result<Mat<f64>, IoMathError> {
    backend.require()?;
    crate::error::check_shape(
        "right factor of a product",
        (b.nrows(), b.ncols()),
        (a.ncols(), b.ncols()),
        "its rows must equal the columns of the left factor",
    )?;
    let mut c = Mat::<f64>::zeros(a.nrows(), b.ncols());
    match backend {
        Backend::Faer => {
            faer::linalg::matmul::matmul(
                c.as_mut(),
                Accum::Replace,
                a,
                b,
                1.0,
                faer::get_global_parallelism(),
            );
        }
        Backend::OpenBlas => {
            #[cfg(feature = "openblas")]
            lapack::gemm(a, b, c.as_mut())?;
        }
    }
    Ok(c)
}

#[cfg(feature = "openblas")]
mod lapack {
    //! Direct `extern "C"` calls into the system OpenBLAS (LP64: 32-bit
    //! integers, column-major, Fortran calling convention).

    use faer::{Mat, MatMut, MatRef};

    use super::LuFactors;
    use crate::error::IoMathError;

    #[link(name = "openblas")]
    extern "C" {
        fn dgetrf_(
            m: *const i32,
            n: *const i32,
            a: *mut f64,
            lda: *const i32,
            ipiv: *mut i32,
            info: *mut i32,
        );
        fn dgetrs_(
            trans: *const u8,
            n: *const i32,
            nrhs: *const i32,
            a: *const f64,
            lda: *const i32,
            ipiv: *const i32,
            b: *mut f64,
            ldb: *const i32,
            info: *mut i32,
        );
        fn dgetri_(
            n: *const i32,
            a: *mut f64,
            lda: *const i32,
            ipiv: *const i32,
            work: *mut f64,
            lwork: *const i32,
            info: *mut i32,
        );
        fn dgemm_(
            transa: *const u8,
            transb: *const u8,
            m: *const i32,
            n: *const i32,
            k: *const i32,
            alpha: *const f64,
            a: *const f64,
            lda: *const i32,
            b: *const f64,
            ldb: *const i32,
            beta: *const f64,
            c: *mut f64,
            ldc: *const i32,
        );
    }

    /// Stack of the thread that runs each OpenBLAS call. OpenBLAS's threaded
    /// getrf keeps per-thread job tables on the stack (MAX_CPU_NUMBER² cache
    /// lines, over 2 MiB for Debian's build), which overflows the 2 MiB stacks
    /// of Rust's spawned threads (seen as SIGSEGV in `cargo test`). A scoped
    /// thread with a large stack costs microseconds against an O(n³) call.
    const LAPACK_STACK: usize = 64 << 20;

    fn on_big_stack<T: Send>(
        f: impl FnOnce() -> Result<T, IoMathError> + Send,
    ) -> Result<T, IoMathError> {
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new()
                .name("plenum-openblas".into())
                .stack_size(LAPACK_STACK)
                .spawn_scoped(scope, f)
                .map_err(|e| IoMathError::Invalid {
                    what: "OpenBLAS call".into(),
                    message: format!(
                        "could not start its thread ({e}); free memory or use Backend::Faer"
                    ),
                })?;
            match handle.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    fn int(what: &'static str, v: usize) -> Result<i32, IoMathError> {
        i32::try_from(v).map_err(|_| IoMathError::TooLarge { what, value: v })
    }

    /// Leading dimension of a column-major view with unit row stride.
    fn ld(m: MatRef<'_, f64>) -> Option<usize> {
        if m.nrows() == 0 || m.ncols() == 0 {
            return Some(m.nrows().max(1));
        }
        (m.row_stride() == 1 && (m.ncols() == 1 || m.col_stride() >= m.nrows() as isize)).then(
            || {
                if m.ncols() == 1 {
                    m.nrows().max(1)
                } else {
                    m.col_stride() as usize
                }
            },
        )
    }

    /// An owned column-major copy when `m` is not already in LAPACK layout.
    fn column_major(m: MatRef<'_, f64>) -> Mat<f64> {
        Mat::from_fn(m.nrows(), m.ncols(), |i, j| m[(i, j)])
    }

    pub(super) fn factor(m: Mat<f64>) -> Result<LuFactors, IoMathError> {
        on_big_stack(move || factor_here(m))
    }

    fn factor_here(mut m: Mat<f64>) -> Result<LuFactors, IoMathError> {
        let n = int("the matrix to factor", m.nrows())?;
        let lda = int("the matrix to factor", ld(m.as_ref()).unwrap_or(m.nrows()))?;
        let mut ipiv = vec![0i32; m.nrows()];
        let mut info = 0i32;
        if m.nrows() > 0 {
            // SAFETY: `m` is an owned faer matrix, column-major with unit row
            // stride and column stride `lda` >= n, and ipiv holds n entries.
            unsafe {
                dgetrf_(&n, &n, m.as_ptr_mut(), &lda, ipiv.as_mut_ptr(), &mut info);
            }
        }
        // info > 0 is an exactly zero pivot; the caller's pivot check
        // reports it with the industry's label, so only a bad argument is
        // an error here.
        if info < 0 {
            return Err(IoMathError::Lapack {
                routine: "dgetrf",
                info,
            });
        }
        Ok(LuFactors::Lapack { lu: m, ipiv })
    }

    pub(super) fn solve(
        lu: MatRef<'_, f64>,
        ipiv: &[i32],
        rhs: MatMut<'_, f64>,
        transpose: bool,
    ) -> Result<(), IoMathError> {
        on_big_stack(move || solve_here(lu, ipiv, rhs, transpose))
    }

    fn solve_here(
        lu: MatRef<'_, f64>,
        ipiv: &[i32],
        mut rhs: MatMut<'_, f64>,
        transpose: bool,
    ) -> Result<(), IoMathError> {
        if rhs.ncols() == 0 || rhs.nrows() == 0 {
            return Ok(());
        }
        let n = int("the factored matrix", lu.nrows())?;
        let lda = int("the factored matrix", ld(lu).unwrap_or(lu.nrows()))?;
        let nrhs = int("the right-hand side", rhs.ncols())?;
        let trans = if transpose { b'T' } else { b'N' };
        let mut info = 0;
        match ld(rhs.as_ref()) {
            Some(ldb) => {
                let ldb = int("the right-hand side", ldb)?;
                // SAFETY: shapes checked by the caller (rhs has n rows);
                // rhs is column-major with unit row stride and stride ldb.
                unsafe {
                    dgetrs_(
                        &trans,
                        &n,
                        &nrhs,
                        lu.as_ptr(),
                        &lda,
                        ipiv.as_ptr(),
                        rhs.as_ptr_mut(),
                        &ldb,
                        &mut info,
                    );
                }
            }
            None => {
                let mut tmp = column_major(rhs.as_ref());
                let ldb = int("the right-hand side", tmp.col_stride().max(1) as usize)?;
                // SAFETY: as above, on an owned column-major copy.
                unsafe {
                    dgetrs_(
                        &trans,
                        &n,
                        &nrhs,
                        lu.as_ptr(),
                        &lda,
                        ipiv.as_ptr(),
                        tmp.as_ptr_mut(),
                        &ldb,
                        &mut info,
                    );
                }
                rhs.copy_from(&tmp);
            }
        }
        if info != 0 {
            return Err(IoMathError::Lapack {
                routine: "dgetrs",
                info,
            });
        }
        Ok(())
    }

    pub(super) fn inverse(lu: Mat<f64>, ipiv: &[i32]) -> Result<Mat<f64>, IoMathError> {
        on_big_stack(move || inverse_here(lu, ipiv))
    }

    fn inverse_here(mut lu: Mat<f64>, ipiv: &[i32]) -> Result<Mat<f64>, IoMathError> {
        if lu.nrows() == 0 {
            return Ok(lu);
        }
        let n = int("the factored matrix", lu.nrows())?;
        let lda = int("the factored matrix", ld(lu.as_ref()).unwrap_or(lu.nrows()))?;
        let mut info = 0;
        let mut query = 0.0f64;
        let minus_one = -1i32;
        // SAFETY: a workspace query (lwork = -1) writes only `query`.
        unsafe {
            dgetri_(
                &n,
                lu.as_ptr_mut(),
                &lda,
                ipiv.as_ptr(),
                &mut query,
                &minus_one,
                &mut info,
            );
        }
        let lwork = (query as usize).max(lu.nrows());
        let mut work = vec![0.0f64; lwork];
        let lwork_i = int("the LAPACK workspace", lwork)?;
        // SAFETY: lu is column-major n × n with stride lda; work has lwork entries.
        unsafe {
            dgetri_(
                &n,
                lu.as_ptr_mut(),
                &lda,
                ipiv.as_ptr(),
                work.as_mut_ptr(),
                &lwork_i,
                &mut info,
            );
        }
        if info != 0 {
            return Err(IoMathError::Lapack {
                routine: "dgetri",
                info,
            });
        }
        Ok(lu)
    }

    pub(super) fn gemm(
        a: MatRef<'_, f64>,
        b: MatRef<'_, f64>,
        mut c: MatMut<'_, f64>,
    ) -> Result<(), IoMathError> {
        let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
        if m == 0 || n == 0 {
            return Ok(());
        }
        if k == 0 {
            c.fill(0.0);
            return Ok(());
        }
        let a_own;
        let a = match ld(a) {
            Some(_) => a,
            None => {
                a_own = column_major(a);
                a_own.as_ref()
            }
        };
        let b_own;
        let b = match ld(b) {
            Some(_) => b,
            None => {
                b_own = column_major(b);
                b_own.as_ref()
            }
        };
        let (mi, ni, ki) = (
            int("a product", m)?,
            int("a product", n)?,
            int("a product", k)?,
        );
        let lda = int("a product", ld(a).unwrap_or(m))?;
        let ldb = int("a product", ld(b).unwrap_or(k))?;
        let ldc = int("a product", ld(c.as_ref()).unwrap_or(m))?;
        let (one, zero) = (1.0f64, 0.0f64);
        // SAFETY: all three operands are column-major with unit row stride
        // and the leading dimensions computed above; c is m × n.
        unsafe {
            dgemm_(
                b"N".as_ptr(),
                b"N".as_ptr(),
                &mi,
                &ni,
                &ki,
                &one,
                a.as_ptr(),
                &lda,
                b.as_ptr(),
                &ldb,
                &zero,
                c.as_ptr_mut(),
                &ldc,
            );
        }
        Ok(())
    }
}
