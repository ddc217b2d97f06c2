//! What a run derives from the table alone, built once per [`Economy`] and
//! shared by every run on it (a Monte Carlo draw makes several runs, a
//! design thousands): the price block's response matrices
//! ([`PriceBlock`]), the controls' Leontief price model of China's
//! industries, factored once ([`PriceChannel`]), China's base imports by
//! product, and the world's intermediate flows by (input, user) sector
//! (the critical-input rule of `[controls] critical`):
//!
//! ```text
//!     M⁰_s  = Σ_{g≠CHN} (Σ_{j∈CHN} a_(g,s),j x⁰_j + Σ_{c∈CHN} Y⁰_(g,s),c)
//!     Z_su  = Σ_{i∈s} Σ_{j∈u} a_ij x⁰_j,   Z_u = Σ_s Z_su
//! ```
//!
//! Each is computed by the same operations, in the same order, as the runs
//! made them before they were shared, so a run gets the same bits whether
//! it built them or found them here; none depends on a scenario's
//! parameters. Entries are keyed by China's region index (and the
//! households' column for the price block); an economy holds one or two.
//! Cloning an economy starts empty.

use std::sync::{Arc, Mutex};

use crate::blocks::controls_prices::PriceChannel;
use crate::blocks::prices::PriceBlock;
use crate::economy::Economy;
use crate::error::Result;

/// The table's intermediate flows by sector: Z_u and Z_su (index s·S + u).
#[derive(Debug, Clone, PartialEq)]
pub struct InputShares {
    pub inputs_of: Vec<f64>,
    pub input_su: Vec<f64>,
}

/// Everything shared for one China index (see the module docs).
pub struct ChinaStatics {
    pub china: usize,
    /// M⁰_s.
    pub imports0: Vec<f64>,
    /// Price blocks by households' column.
    price_blocks: Mutex<Vec<(usize, Arc<PriceBlock>)>>,
    /// The controls' price channel, once built.
    channel: Mutex<Option<Arc<PriceChannel>>>,
}

/// The per-economy store (see the module docs).
#[derive(Default)]
pub struct Statics {
    china: Mutex<Vec<Arc<ChinaStatics>>>,
    shares: Mutex<Option<Arc<InputShares>>>,
}

impl Clone for Statics {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for Statics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.china.lock().map_or(0, |s| s.len());
        write!(f, "Statics({n} China indices)")
    }
}

impl Statics {
    /// The statics for China at region `china`.
    pub fn china(&self, econ: &Economy, china: usize) -> Arc<ChinaStatics> {
        if let Ok(v) = self.china.lock() {
            if let Some(s) = v.iter().find(|s| s.china == china) {
                return Arc::clone(s);
            }
        }
        let s = Arc::new(ChinaStatics {
            china,
            imports0: imports0(econ, china),
            price_blocks: Mutex::new(Vec::new()),
            channel: Mutex::new(None),
        });
        if let Ok(mut v) = self.china.lock() {
            if let Some(found) = v.iter().find(|x| x.china == china) {
                return Arc::clone(found);
            }
            v.push(Arc::clone(&s));
        }
        s
    }

    /// Z_u and Z_su of the table.
    pub fn input_shares(&self, econ: &Economy) -> Arc<InputShares> {
        if let Ok(g) = self.shares.lock() {
            if let Some(s) = g.as_ref() {
                return Arc::clone(s);
            }
        }
        let s = Arc::new(input_shares(econ));
        if let Ok(mut g) = self.shares.lock() {
            *g = Some(Arc::clone(&s));
        }
        s
    }
}

impl ChinaStatics {
    /// The price block with households at column `households`.
    pub fn price_block(&self, econ: &Economy, households: usize) -> Result<Arc<PriceBlock>> {
        if let Ok(v) = self.price_blocks.lock() {
            if let Some((_, b)) = v.iter().find(|(h, _)| *h == households) {
                return Ok(Arc::clone(b));
            }
        }
        let b = Arc::new(PriceBlock::new(econ, self.china, households)?);
        if let Ok(mut v) = self.price_blocks.lock() {
            if !v.iter().any(|(h, _)| *h == households) {
                v.push((households, Arc::clone(&b)));
            }
        }
        Ok(b)
    }

    /// The controls' price channel (built on first use; an error is not
    /// kept, so a run that needs the channel reports it every time).
    pub fn channel(&self, econ: &Economy) -> Result<Arc<PriceChannel>> {
        if let Ok(g) = self.channel.lock() {
            if let Some(c) = g.as_ref() {
                return Ok(Arc::clone(c));
            }
        }
        let c = Arc::new(PriceChannel::new(econ, self.china)?);
        if let Ok(mut g) = self.channel.lock() {
            *g = Some(Arc::clone(&c));
        }
        Ok(c)
    }
}

/// M⁰_s (the sums the run made before they were shared).
fn imports0(econ: &Economy, ch: usize) -> Vec<f64> {
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let mut imports0 = vec![0.0; ns];
    for g in (0..nr).filter(|&g| g != ch) {
        for sec in 0..ns {
            let i = g * ns + sec;
            let mut v: f64 = (ch * ns..(ch + 1) * ns)
                .map(|j| econ.a[i * n + j] * econ.x0[j])
                .sum();
            v += (ch * nf..(ch + 1) * nf)
                .map(|c| econ.y0[c * n + i])
                .sum::<f64>();
            imports0[sec] += v;
        }
    }
    imports0
}

/// Z_u and Z_su (the sums the run made before they were shared).
fn input_shares(econ: &Economy) -> InputShares {
    let (n, ns) = (econ.n, econ.ns);
    let mut inputs_of = vec![0.0; ns];
    let mut input_su = vec![0.0; ns * ns];
    for i in 0..n {
        for j in 0..n {
            let z = econ.a[i * n + j] * econ.x0[j];
            inputs_of[j % ns] += z;
            input_su[(i % ns) * ns + j % ns] += z;
        }
    }
    InputShares {
        inputs_of,
        input_su,
    }
}
