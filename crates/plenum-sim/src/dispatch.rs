//! The one dispatcher of the engine's vector kernels.
//!
//! Every kernel of the step (the region sums of pass A, the order row sums
//! of pass B, both fused in the ARIO sweep, and the serving of final
//! demand) is written once, as an `#[inline(always)]` body generic over
//! `WIDE` ([`Kernel::run`]). [`dispatch`] detects the widest vector unit
//! once per process ([`Isa::get`]) and runs the body inside a function
//! compiled for it: AVX-512F (`WIDE = true`: the groups of four columns
//! may use the register-blocked kernels of `kernels512`), AVX2, or the
//! portable baseline. The bodies only multiply, divide, add and subtract
//! lane by lane in the order written (Rust never fuses a multiply and an
//! add), so every instruction set gives the same bits; the
//! register-blocked kernels are tested equal to the generic ones.

use std::sync::OnceLock;

/// The instruction set the kernels run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    Avx512,
    Avx2,
    Portable,
}

impl Isa {
    /// The widest vector unit of this processor, detected once.
    pub(crate) fn get() -> Isa {
        static ISA: OnceLock<Isa> = OnceLock::new();
        *ISA.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx512f") {
                    return Isa::Avx512;
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    return Isa::Avx2;
                }
            }
            Isa::Portable
        })
    }
}

/// A kernel's body, run by [`dispatch`] under the widest instruction set.
pub(crate) trait Kernel {
    type Out;
    /// The body; `WIDE` is true only under AVX-512F. Implementations are
    /// `#[inline(always)]` so that the body is compiled for the caller's
    /// instruction set.
    fn run<const WIDE: bool>(self) -> Self::Out;
}

/// Runs `k` compiled for the widest vector unit the processor has.
#[inline]
pub(crate) fn dispatch<K: Kernel>(k: K) -> K::Out {
    match Isa::get() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Isa::get found AVX-512F on this processor.
        Isa::Avx512 => unsafe { on_avx512(k) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Isa::get found AVX2 on this processor.
        Isa::Avx2 => unsafe { on_avx2(k) },
        _ => k.run::<false>(),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn on_avx512<K: Kernel>(k: K) -> K::Out {
    k.run::<true>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn on_avx2<K: Kernel>(k: K) -> K::Out {
    k.run::<false>()
}
