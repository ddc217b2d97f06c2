//! NSGA-II (Deb, Pratap, Agarwal and Meyarivan 2002) with Deb's (2000)
//! constraint domination, real-coded, with the operators and defaults of
//! pymoo 0.6's `NSGA2`:
//! - binary tournaments: the smaller constraint violation wins if either
//!   is infeasible; else Pareto dominance; else the larger crowding
//!   distance (ties at random);
//! - simulated binary crossover (Deb and Agrawal 1995), η_c = 15, applied
//!   to a mating with probability 0.9 and to each variable with
//!   probability 0.5, children's variables swapped with probability 0.5;
//! - polynomial mutation (Deb and Goyal 1996), η_m = 20, applied to an
//!   offspring with probability 0.9 and to each variable with probability
//!   min(0.5, 1/n);
//! - offspring identical to a member or to one another are dropped and
//!   refilled (pymoo's duplicate elimination);
//! - survival: feasible members by non-dominated rank, the split front by
//!   crowding distance (largest first); then infeasible ones by violation.
//!
//! Objectives are minimised; constraints are g(x) ≤ 0, the violation is
//! CV = Σ max(0, gᵢ). An evaluation that fails (any non-finite number)
//! counts as infeasible with CV = ∞. Evaluation is batched: the caller
//! gets a generation's candidates at once and may evaluate them in
//! parallel. Everything else is serial on one seeded ChaCha8 stream, so a
//! seed gives the same front whatever the number of threads.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{bad_input, Result};

/// The outcome of evaluating one candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Objectives, minimised.
    pub f: Vec<f64>,
    /// Constraints, feasible where every gᵢ ≤ 0.
    pub g: Vec<f64>,
}

/// A member of the population.
#[derive(Debug, Clone, PartialEq)]
pub struct Individual {
    pub x: Vec<f64>,
    pub f: Vec<f64>,
    pub g: Vec<f64>,
    /// Σ max(0, gᵢ); ∞ for a failed evaluation.
    pub cv: f64,
    pub rank: usize,
    pub crowding: f64,
}

impl Individual {
    pub fn feasible(&self) -> bool {
        self.cv <= 0.0
    }
}

/// Settings (pymoo's defaults by [`Default`]).
#[derive(Debug, Clone)]
pub struct Nsga2Options {
    pub pop_size: usize,
    /// Stop when another generation would pass this many evaluations.
    pub max_evals: usize,
    pub eta_c: f64,
    pub prob_c: f64,
    pub eta_m: f64,
    pub prob_m: f64,
    /// Per-variable mutation probability; `None` is min(0.5, 1/n).
    pub prob_m_var: Option<f64>,
    pub seed: u64,
}

impl Default for Nsga2Options {
    fn default() -> Self {
        Self {
            pop_size: 100,
            max_evals: 10_000,
            eta_c: 15.0,
            prob_c: 0.9,
            eta_m: 20.0,
            prob_m: 0.9,
            prob_m_var: None,
            seed: 0,
        }
    }
}

/// The last population and its first front.
#[derive(Debug, Clone)]
pub struct Nsga2Result {
    pub population: Vec<Individual>,
    pub evaluations: usize,
    pub generations: usize,
}

impl Nsga2Result {
    /// Feasible members of rank 0 (the approximated Pareto front), or
    /// empty when no member is feasible.
    pub fn front(&self) -> Vec<&Individual> {
        self.population
            .iter()
            .filter(|i| i.feasible() && i.rank == 0)
            .collect()
    }
}

fn violation(e: &Evaluation) -> f64 {
    if e.f.iter().chain(&e.g).any(|v| !v.is_finite()) {
        return f64::INFINITY;
    }
    e.g.iter().map(|g| g.max(0.0)).sum()
}

/// Pareto dominance for minimisation: 1 if a dominates b, −1 if b
/// dominates a, 0 otherwise.
pub fn dominance(a: &[f64], b: &[f64]) -> i8 {
    let (mut better, mut worse) = (false, false);
    for (x, y) in a.iter().zip(b) {
        if x < y {
            better = true;
        } else if x > y {
            worse = true;
        }
    }
    match (better, worse) {
        (true, false) => 1,
        (false, true) => -1,
        _ => 0,
    }
}

/// Fast non-dominated sort: fronts of indices into `f`.
pub fn non_dominated_sort(f: &[&[f64]]) -> Vec<Vec<usize>> {
    let n = f.len();
    let mut dominated_by: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut count = vec![0usize; n];
    for i in 0..n {
        for j in i + 1..n {
            match dominance(f[i], f[j]) {
                1 => {
                    dominated_by[i].push(j);
                    count[j] += 1;
                }
                -1 => {
                    dominated_by[j].push(i);
                    count[i] += 1;
                }
                _ => {}
            }
        }
    }
    let mut fronts = Vec::new();
    let mut current: Vec<usize> = (0..n).filter(|&i| count[i] == 0).collect();
    while !current.is_empty() {
        let mut next = Vec::new();
        for &i in &current {
            for &j in &dominated_by[i] {
                count[j] -= 1;
                if count[j] == 0 {
                    next.push(j);
                }
            }
        }
        next.sort_unstable();
        fronts.push(current);
        current = next;
    }
    fronts
}

/// Crowding distances of a front (∞ at each objective's extremes).
pub fn crowding_distance(f: &[&[f64]]) -> Vec<f64> {
    let n = f.len();
    let mut cd = vec![0.0; n];
    if n <= 2 {
        return vec![f64::INFINITY; n];
    }
    let m = f[0].len();
    for k in 0..m {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by(|&a, &b| f[a][k].total_cmp(&f[b][k]).then(a.cmp(&b)));
        let (lo, hi) = (f[idx[0]][k], f[idx[n - 1]][k]);
        cd[idx[0]] = f64::INFINITY;
        cd[idx[n - 1]] = f64::INFINITY;
        let span = hi - lo;
        if span <= 0.0 {
            continue;
        }
        for w in 1..n - 1 {
            cd[idx[w]] += (f[idx[w + 1]][k] - f[idx[w - 1]][k]) / span;
        }
    }
    cd
}

/// Survival of `n` members: feasible ones by rank and crowding, then
/// infeasible ones by violation. Sets rank and crowding of the survivors.
fn survive(mut pop: Vec<Individual>, n: usize) -> Vec<Individual> {
    let (mut feas, mut infeas): (Vec<Individual>, Vec<Individual>) =
        pop.drain(..).partition(|i| i.feasible());
    let mut out = Vec::with_capacity(n);
    let fs: Vec<&[f64]> = feas.iter().map(|i| i.f.as_slice()).collect();
    let fronts = non_dominated_sort(&fs);
    let mut chosen: Vec<(usize, usize, f64)> = Vec::new();
    for (r, front) in fronts.iter().enumerate() {
        if chosen.len() >= n {
            break;
        }
        let ff: Vec<&[f64]> = front.iter().map(|&i| fs[i]).collect();
        let cd = crowding_distance(&ff);
        let mut members: Vec<(usize, usize, f64)> =
            front.iter().zip(&cd).map(|(&i, &c)| (i, r, c)).collect();
        if chosen.len() + members.len() > n {
            members.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
            members.truncate(n - chosen.len());
        }
        chosen.extend(members);
    }
    let mut slots: Vec<Option<Individual>> = feas.drain(..).map(Some).collect();
    for (i, r, c) in chosen {
        if let Some(mut ind) = slots[i].take() {
            ind.rank = r;
            ind.crowding = c;
            out.push(ind);
        }
    }
    if out.len() < n {
        infeas.sort_by(|a, b| a.cv.total_cmp(&b.cv));
        let base = fronts.len();
        for (k, mut ind) in infeas.into_iter().take(n - out.len()).enumerate() {
            ind.rank = base + k;
            ind.crowding = 0.0;
            out.push(ind);
        }
    }
    out
}

fn tournament(pop: &[Individual], a: usize, b: usize, rng: &mut ChaCha8Rng) -> usize {
    let (x, y) = (&pop[a], &pop[b]);
    let coin = |rng: &mut ChaCha8Rng| if rng.random::<bool>() { a } else { b };
    if !x.feasible() || !y.feasible() {
        return if x.cv < y.cv {
            a
        } else if y.cv < x.cv {
            b
        } else {
            coin(rng)
        };
    }
    match dominance(&x.f, &y.f) {
        1 => a,
        -1 => b,
        _ => {
            if x.crowding > y.crowding {
                a
            } else if y.crowding > x.crowding {
                b
            } else {
                coin(rng)
            }
        }
    }
}

fn sbx(
    p1: &[f64],
    p2: &[f64],
    lo: &[f64],
    hi: &[f64],
    o: &Nsga2Options,
    rng: &mut ChaCha8Rng,
) -> (Vec<f64>, Vec<f64>) {
    let (mut c1, mut c2) = (p1.to_vec(), p2.to_vec());
    if rng.random::<f64>() > o.prob_c {
        return (c1, c2);
    }
    let eta = o.eta_c;
    for j in 0..p1.len() {
        if rng.random::<f64>() >= 0.5 || (p1[j] - p2[j]).abs() <= 1e-14 || lo[j] == hi[j] {
            continue;
        }
        let (y1, y2) = if p1[j] < p2[j] {
            (p1[j], p2[j])
        } else {
            (p2[j], p1[j])
        };
        let dlt = y2 - y1;
        let rand: f64 = rng.random();
        let betaq = |beta: f64| {
            let alpha = 2.0 - beta.powf(-(eta + 1.0));
            if rand <= 1.0 / alpha {
                (rand * alpha).powf(1.0 / (eta + 1.0))
            } else {
                (1.0 / (2.0 - rand * alpha)).powf(1.0 / (eta + 1.0))
            }
        };
        let k1 = 0.5 * ((y1 + y2) - betaq(1.0 + 2.0 * (y1 - lo[j]) / dlt) * dlt);
        let k2 = 0.5 * ((y1 + y2) + betaq(1.0 + 2.0 * (hi[j] - y2) / dlt) * dlt);
        let (mut a, mut b) = if p1[j] < p2[j] { (k1, k2) } else { (k2, k1) };
        if rng.random::<bool>() {
            std::mem::swap(&mut a, &mut b);
        }
        c1[j] = a.clamp(lo[j], hi[j]);
        c2[j] = b.clamp(lo[j], hi[j]);
    }
    (c1, c2)
}

fn mutate(x: &mut [f64], lo: &[f64], hi: &[f64], o: &Nsga2Options, rng: &mut ChaCha8Rng) {
    if rng.random::<f64>() > o.prob_m {
        return;
    }
    let pv = o.prob_m_var.unwrap_or((1.0 / x.len() as f64).min(0.5));
    let eta = o.eta_m;
    let mp = 1.0 / (eta + 1.0);
    for j in 0..x.len() {
        if rng.random::<f64>() >= pv || lo[j] == hi[j] {
            continue;
        }
        let span = hi[j] - lo[j];
        let (d1, d2) = ((x[j] - lo[j]) / span, (hi[j] - x[j]) / span);
        let r: f64 = rng.random();
        let dq = if r <= 0.5 {
            let val = 2.0 * r + (1.0 - 2.0 * r) * (1.0 - d1).powf(eta + 1.0);
            val.powf(mp) - 1.0
        } else {
            let val = 2.0 * (1.0 - r) + 2.0 * (r - 0.5) * (1.0 - d2).powf(eta + 1.0);
            1.0 - val.powf(mp)
        };
        x[j] = (x[j] + dq * span).clamp(lo[j], hi[j]);
    }
}

fn make(xs: Vec<Vec<f64>>, evals: Vec<Evaluation>) -> Vec<Individual> {
    xs.into_iter()
        .zip(evals)
        .map(|(x, e)| Individual {
            cv: violation(&e),
            x,
            f: e.f,
            g: e.g,
            rank: usize::MAX,
            crowding: 0.0,
        })
        .collect()
}

/// Runs NSGA-II on the box `lo ≤ x ≤ hi`. `evaluate` gets a batch of
/// candidates and returns one evaluation per candidate, in order.
pub fn nsga2<E>(lo: &[f64], hi: &[f64], opt: &Nsga2Options, mut evaluate: E) -> Result<Nsga2Result>
where
    E: FnMut(&[Vec<f64>]) -> Vec<Evaluation>,
{
    if lo.is_empty()
        || lo.len() != hi.len()
        || lo
            .iter()
            .zip(hi)
            .any(|(l, h)| l > h || !l.is_finite() || !h.is_finite())
    {
        return Err(bad_input(
            "the search box needs finite bounds lo ≤ hi for every variable",
            "give each instrument finite bounds with min ≤ max",
        ));
    }
    if opt.pop_size < 4 || opt.max_evals < opt.pop_size {
        return Err(bad_input(
            format!(
                "population {} with {} evaluations",
                opt.pop_size, opt.max_evals
            ),
            "use a population of at least 4 and at least one population's worth of evaluations",
        ));
    }
    let n = lo.len();
    let mut rng = ChaCha8Rng::seed_from_u64(opt.seed);
    let xs: Vec<Vec<f64>> = (0..opt.pop_size)
        .map(|_| {
            (0..n)
                .map(|j| lo[j] + rng.random::<f64>() * (hi[j] - lo[j]))
                .collect()
        })
        .collect();
    let ev = evaluate(&xs);
    check_len(&ev, xs.len())?;
    let mut pop = survive(make(xs, ev), opt.pop_size);
    let mut evals = opt.pop_size;
    let mut gens = 1;
    while evals + opt.pop_size <= opt.max_evals {
        let mut kids: Vec<Vec<f64>> = Vec::with_capacity(opt.pop_size);
        let mut tries = 0;
        while kids.len() < opt.pop_size && tries < 100 {
            tries += 1;
            let need = opt.pop_size - kids.len();
            let matings = need.div_ceil(2);
            // Tournament pairs from random permutations (pymoo's TournamentSelection).
            let mut order: Vec<usize> = Vec::with_capacity(matings * 4);
            while order.len() < matings * 4 {
                let mut p: Vec<usize> = (0..pop.len()).collect();
                p.shuffle(&mut rng);
                order.extend(p);
            }
            for m in 0..matings {
                let a = tournament(&pop, order[4 * m], order[4 * m + 1], &mut rng);
                let b = tournament(&pop, order[4 * m + 2], order[4 * m + 3], &mut rng);
                let (mut c1, mut c2) = sbx(&pop[a].x, &pop[b].x, lo, hi, opt, &mut rng);
                mutate(&mut c1, lo, hi, opt, &mut rng);
                mutate(&mut c2, lo, hi, opt, &mut rng);
                for c in [c1, c2] {
                    let dup = pop.iter().any(|p| p.x == c) || kids.contains(&c);
                    if !dup && kids.len() < opt.pop_size {
                        kids.push(c);
                    }
                }
            }
        }
        if kids.is_empty() {
            break;
        }
        let ev = evaluate(&kids);
        check_len(&ev, kids.len())?;
        evals += kids.len();
        gens += 1;
        let mut merged = pop;
        merged.extend(make(kids, ev));
        pop = survive(merged, opt.pop_size);
    }
    Ok(Nsga2Result {
        population: pop,
        evaluations: evals,
        generations: gens,
    })
}

fn check_len(ev: &[Evaluation], n: usize) -> Result<()> {
    if ev.len() != n {
        return Err(bad_input(
            format!("{} evaluations returned for {n} candidates", ev.len()),
            "return one evaluation per candidate",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_and_crowding_on_a_small_set() {
        let pts: Vec<Vec<f64>> = vec![
            vec![1.0, 4.0],
            vec![2.0, 2.0],
            vec![4.0, 1.0],
            vec![3.0, 3.0],
            vec![5.0, 5.0],
        ];
        let f: Vec<&[f64]> = pts.iter().map(|p| p.as_slice()).collect();
        assert_eq!(
            non_dominated_sort(&f),
            vec![vec![0, 1, 2], vec![3], vec![4]]
        );
        let cd = crowding_distance(&f[..3]);
        assert!(cd[0].is_infinite() && cd[2].is_infinite());
        assert!((cd[1] - (3.0 / 3.0 + 3.0 / 3.0)).abs() < 1e-12);
    }

    #[test]
    fn constraint_domination_prefers_feasible_and_reports_infeasible() {
        // min (x, 1 − x) subject to x ≥ 0.6: the front is x in [0.6, 1].
        let opt = Nsga2Options {
            pop_size: 20,
            max_evals: 1000,
            seed: 3,
            ..Default::default()
        };
        let r = nsga2(&[0.0], &[1.0], &opt, |xs| {
            xs.iter()
                .map(|x| Evaluation {
                    f: vec![x[0], 1.0 - x[0]],
                    g: vec![0.6 - x[0]],
                })
                .collect()
        })
        .unwrap();
        let front = r.front();
        assert_eq!(front.len(), 20);
        assert!(front.iter().all(|i| i.x[0] >= 0.6));
        // Impossible: x ≥ 2. No feasible member; the least violating come first.
        let r = nsga2(&[0.0], &[1.0], &opt, |xs| {
            xs.iter()
                .map(|x| Evaluation {
                    f: vec![x[0]],
                    g: vec![2.0 - x[0]],
                })
                .collect()
        })
        .unwrap();
        assert!(r.front().is_empty());
        assert!((r.population[0].cv - 1.0).abs() < 0.01);
    }

    #[test]
    fn same_seed_same_front() {
        let opt = Nsga2Options {
            pop_size: 16,
            max_evals: 320,
            seed: 9,
            ..Default::default()
        };
        let run = || {
            nsga2(&[0.0; 3], &[1.0; 3], &opt, |xs| {
                xs.iter().map(|x| crate::problems::zdt1(x)).collect()
            })
            .unwrap()
            .population
        };
        assert_eq!(run(), run());
    }
}
