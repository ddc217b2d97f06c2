//! Ensembles: many variants of one scenario (different parameters or
//! shock sizes) stepped together over the same table. Each pass over Z⁰
//! serves every member (a matrix-matrix product in effect), and each
//! member's arithmetic is exactly a single run's, so the results equal the
//! single runs bit for bit.
//!
//! Between the passes the members are independent: their phases run in
//! parallel (rayon), each member's on one thread with a single run's
//! arithmetic, and results are gathered in member order, so neither the
//! numbers nor the error reported depend on the number of threads.

use rayon::prelude::*;

use crate::ario::ArioModel;
use crate::error::{Result, SimError};
use crate::kernels::{pass_order_rowsums, pass_weighted_sums};
use crate::trajectory::Trajectory;

/// Many variants of one table stepped together. Every pass over Z⁰ serves
/// all members at once (Z⁰ is read once per pass, not once per member), and
/// every member's arithmetic is the same as in a single run, so results
/// are bit-for-bit equal to running the members one by one.
#[derive(Debug, Clone)]
pub struct Ensemble {
    pub members: Vec<ArioModel>,
}

impl Ensemble {
    /// The members must share Z⁰: build them by cloning one model (clones
    /// share it) and adding different events or extended specs.
    pub fn new(members: Vec<ArioModel>) -> Result<Self> {
        if let Some(first) = members.first() {
            for m in &members[1..] {
                if !std::sync::Arc::ptr_eq(&first.base.z0, &m.base.z0) {
                    return Err(SimError::Other(
                        "ensemble members must be clones of one model (sharing Z⁰)".into(),
                    ));
                }
            }
        }
        Ok(Self { members })
    }

    /// Runs every member `steps` steps.
    pub fn run(&mut self, steps: usize, record_stocks: bool) -> Result<Vec<Trajectory>> {
        let Some(first) = self.members.first() else {
            return Ok(Vec::new());
        };
        let z0 = std::sync::Arc::clone(&first.base.z0);
        let (nr, ns) = (first.nr, first.ns);
        for m in &self.members {
            m.check_events(steps as f64 * m.dt)?;
        }
        let mut trajs: Vec<Trajectory> = self
            .members
            .iter()
            .map(|m| Trajectory::new(&m.layout))
            .collect();
        for _ in 0..steps {
            let produced = first_error(
                self.members
                    .par_iter_mut()
                    .map(|m| m.phase_begin(record_stocks))
                    .collect(),
            )?;
            {
                let mut jobs: Vec<_> = self
                    .members
                    .iter_mut()
                    .zip(&produced)
                    .filter_map(|(m, p)| m.pass_a_job(p))
                    .collect();
                if !jobs.is_empty() {
                    pass_weighted_sums(&z0, nr, ns, &mut jobs);
                }
            }
            let ordered = first_error(
                self.members
                    .par_iter_mut()
                    .zip(produced)
                    .map(|(m, p)| m.phase_middle(p))
                    .collect(),
            )?;
            {
                let mut jobs: Vec<_> = self
                    .members
                    .iter_mut()
                    .zip(&ordered)
                    .map(|(m, o)| m.pass_b_job(o))
                    .collect();
                pass_order_rowsums(&z0, nr, ns, &mut jobs);
            }
            let recs: Vec<_> = self
                .members
                .par_iter_mut()
                .zip(ordered)
                .map(|(m, o)| m.phase_end(o))
                .collect();
            for (rec, t) in recs.into_iter().zip(trajs.iter_mut()) {
                t.push(rec);
            }
        }
        for (m, t) in self.members.iter().zip(trajs.iter_mut()) {
            t.had_shortage = m.had_shortage;
        }
        Ok(trajs)
    }
}

/// The error of the first member (in member order) that failed, so that a
/// failing ensemble reports the same error whatever the threads did.
fn first_error<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    results.into_iter().collect()
}
