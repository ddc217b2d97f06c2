//! Analytic test problems with known answers, for tests and benchmarks:
//! the Ishigami function (Ishigami and Homma 1990), whose Sobol' indices
//! are known in closed form, and ZDT1/ZDT2 (Zitzler, Deb and Thiele 2000),
//! whose Pareto fronts are known.

use std::f64::consts::PI;

use crate::nsga2::Evaluation;

/// Ishigami: f = sin x₁ + a sin² x₂ + b x₃⁴ sin x₁ on [−π, π]³ (a = 7, b = 0.1).
pub fn ishigami(x: &[f64]) -> f64 {
    let (a, b) = (7.0, 0.1);
    x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
}

/// Analytic (S1, ST) of the Ishigami function, a = 7, b = 0.1.
pub fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
    let (a, b) = (7.0_f64, 0.1_f64);
    let pi4 = PI.powi(4);
    let pi8 = PI.powi(8);
    let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

fn zdt_g(x: &[f64]) -> f64 {
    1.0 + 9.0 * x[1..].iter().sum::<f64>() / (x.len() as f64 - 1.0)
}

/// ZDT1 on [0, 1]ⁿ: f₁ = x₁, f₂ = g(1 − √(f₁/g)); front f₂ = 1 − √f₁.
pub fn zdt1(x: &[f64]) -> Evaluation {
    let g = zdt_g(x);
    Evaluation {
        f: vec![x[0], g * (1.0 - (x[0] / g).sqrt())],
        g: vec![],
    }
}

/// ZDT2 on [0, 1]ⁿ: f₂ = g(1 − (f₁/g)²); front f₂ = 1 − f₁².
pub fn zdt2(x: &[f64]) -> Evaluation {
    let g = zdt_g(x);
    Evaluation {
        f: vec![x[0], g * (1.0 - (x[0] / g).powi(2))],
        g: vec![],
    }
}

/// Hypervolume of the true ZDT1 and ZDT2 fronts against (r, r), r ≥ 1:
/// 2/3 + (r² − 1) and 1/3 + (r² − 1).
pub fn zdt_optimal_hv(problem: u8, r: f64) -> f64 {
    let extra = r * r - 1.0;
    match problem {
        1 => 2.0 / 3.0 + extra,
        _ => 1.0 / 3.0 + extra,
    }
}
