//! Parameter distributions, every one bounded: uniform, triangular,
//! normal truncated to a range, beta scaled to a range, and a fixed value.
//!
//! Each distribution has a CDF F and a quantile function F⁻¹, so designs on
//! the unit cube (Sobol points, Morris grids) map to parameter values by
//! x = F⁻¹(u), as SALib's `dists` do; and a sampler built on `rand_distr`
//! for Monte Carlo draws from a seeded generator.
//!
//! - Uniform(lo, hi): F(x) = (x − lo)/(hi − lo).
//! - Triangular(lo, mode, hi): F(x) = (x − lo)²/((hi − lo)(mode − lo)) left
//!   of the mode, 1 − (hi − x)²/((hi − lo)(hi − mode)) right of it.
//! - Normal(μ, σ) truncated to [lo, hi]: F(x) = (Φ(z) − Φ(a))/(Φ(b) − Φ(a))
//!   with z = (x − μ)/σ, a and b the standardised bounds. Draws by
//!   rejection from N(μ, σ) while the kept mass is at least 5%, else by
//!   inversion.
//! - Beta(α, β) on [lo, hi]: x = lo + (hi − lo)·y, y ~ Beta(α, β).

use rand::Rng;
use rand_distr::Distribution;

use crate::error::{bad_dist, Result};
use crate::special::{beta_inc, beta_ppf, norm_cdf, norm_ppf};

/// A bounded distribution of one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Always `value` (a fixed parameter).
    Fixed {
        value: f64,
    },
    Uniform {
        lo: f64,
        hi: f64,
    },
    Triangular {
        lo: f64,
        mode: f64,
        hi: f64,
    },
    /// N(mean, sd) truncated to [lo, hi].
    Normal {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
    },
    /// Beta(alpha, beta) scaled to [lo, hi].
    Beta {
        alpha: f64,
        beta: f64,
        lo: f64,
        hi: f64,
    },
}

impl Dist {
    /// The name used in files: fixed, uniform, triangular, normal, beta.
    pub fn kind(&self) -> &'static str {
        match self {
            Dist::Fixed { .. } => "fixed",
            Dist::Uniform { .. } => "uniform",
            Dist::Triangular { .. } => "triangular",
            Dist::Normal { .. } => "normal",
            Dist::Beta { .. } => "beta",
        }
    }

    /// Short text for tables: "uniform", "triangular (mode 0.6)", …
    pub fn describe(&self) -> String {
        match *self {
            Dist::Fixed { value } => format!("fixed at {value}"),
            Dist::Uniform { .. } => "uniform".into(),
            Dist::Triangular { mode, .. } => format!("triangular (mode {mode})"),
            Dist::Normal { mean, sd, .. } => format!("normal ({mean}, sd {sd}), truncated"),
            Dist::Beta { alpha, beta, .. } => format!("beta ({alpha}, {beta}) on the range"),
        }
    }

    /// The support [lo, hi].
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Dist::Fixed { value } => (value, value),
            Dist::Uniform { lo, hi }
            | Dist::Triangular { lo, hi, .. }
            | Dist::Normal { lo, hi, .. }
            | Dist::Beta { lo, hi, .. } => (lo, hi),
        }
    }

    /// Checks the parameters; the error says what is wrong and how to fix it.
    pub fn validate(&self) -> Result<()> {
        let finite = |v: f64, what: &str| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(bad_dist(
                    format!("{} {what} is {v}", self.kind()),
                    "give a finite number",
                ))
            }
        };
        let range = |lo: f64, hi: f64| {
            finite(lo, "lo")?;
            finite(hi, "hi")?;
            if lo < hi {
                Ok(())
            } else {
                Err(bad_dist(
                    format!("{} needs lo < hi, got lo = {lo}, hi = {hi}", self.kind()),
                    "widen the range, or use a fixed value",
                ))
            }
        };
        match *self {
            Dist::Fixed { value } => finite(value, "value"),
            Dist::Uniform { lo, hi } => range(lo, hi),
            Dist::Triangular { lo, mode, hi } => {
                range(lo, hi)?;
                finite(mode, "mode")?;
                if (lo..=hi).contains(&mode) {
                    Ok(())
                } else {
                    Err(bad_dist(
                        format!("triangular mode {mode} lies outside [{lo}, {hi}]"),
                        "put the mode inside the range",
                    ))
                }
            }
            Dist::Normal { mean, sd, lo, hi } => {
                range(lo, hi)?;
                finite(mean, "mean")?;
                finite(sd, "sd")?;
                if sd <= 0.0 {
                    return Err(bad_dist(
                        format!("normal sd must be positive, got {sd}"),
                        "give a positive standard deviation",
                    ));
                }
                let mass = norm_cdf((hi - mean) / sd) - norm_cdf((lo - mean) / sd);
                if mass < 1e-12 {
                    return Err(bad_dist(
                        format!(
                            "normal(mean {mean}, sd {sd}) puts no mass on [{lo}, {hi}] (the mean is {:.1} sd away)",
                            ((mean - lo).abs().min((mean - hi).abs())) / sd
                        ),
                        "move the mean into the range or widen sd",
                    ));
                }
                Ok(())
            }
            Dist::Beta {
                alpha,
                beta,
                lo,
                hi,
            } => {
                range(lo, hi)?;
                finite(alpha, "alpha")?;
                finite(beta, "beta")?;
                if alpha <= 0.0 || beta <= 0.0 {
                    return Err(bad_dist(
                        format!("beta shapes must be positive, got alpha = {alpha}, beta = {beta}"),
                        "give positive alpha and beta",
                    ));
                }
                Ok(())
            }
        }
    }

    /// F(x).
    pub fn cdf(&self, x: f64) -> f64 {
        let (lo, hi) = self.bounds();
        if x < lo {
            return 0.0;
        }
        if x >= hi {
            return 1.0;
        }
        match *self {
            Dist::Fixed { .. } => 1.0,
            Dist::Uniform { lo, hi } => (x - lo) / (hi - lo),
            Dist::Triangular { lo, mode, hi } => {
                if x <= mode {
                    (x - lo) * (x - lo) / ((hi - lo) * (mode - lo))
                } else {
                    1.0 - (hi - x) * (hi - x) / ((hi - lo) * (hi - mode))
                }
            }
            Dist::Normal { mean, sd, lo, hi } => {
                let (fa, fb) = (norm_cdf((lo - mean) / sd), norm_cdf((hi - mean) / sd));
                (norm_cdf((x - mean) / sd) - fa) / (fb - fa)
            }
            Dist::Beta {
                alpha,
                beta,
                lo,
                hi,
            } => beta_inc(alpha, beta, (x - lo) / (hi - lo)),
        }
    }

    /// F⁻¹(u) for u in [0, 1] (clamped); F⁻¹(0) = lo and F⁻¹(1) = hi.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        match *self {
            Dist::Fixed { value } => value,
            Dist::Uniform { lo, hi } => lo + u * (hi - lo),
            Dist::Triangular { lo, mode, hi } => {
                let fc = (mode - lo) / (hi - lo);
                if u < fc {
                    lo + (u * (hi - lo) * (mode - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * (hi - lo) * (hi - mode)).sqrt()
                }
            }
            Dist::Normal { mean, sd, lo, hi } => {
                if u <= 0.0 {
                    return lo;
                }
                if u >= 1.0 {
                    return hi;
                }
                let (fa, fb) = (norm_cdf((lo - mean) / sd), norm_cdf((hi - mean) / sd));
                (mean + sd * norm_ppf(fa + u * (fb - fa))).clamp(lo, hi)
            }
            Dist::Beta {
                alpha,
                beta,
                lo,
                hi,
            } => lo + (hi - lo) * beta_ppf(alpha, beta, u),
        }
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed { value } => value,
            Dist::Uniform { lo, hi } => 0.5 * (lo + hi),
            Dist::Triangular { lo, mode, hi } => (lo + mode + hi) / 3.0,
            Dist::Normal { mean, sd, lo, hi } => {
                let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
                let z = norm_cdf(b) - norm_cdf(a);
                mean + sd * (crate::special::norm_pdf(a) - crate::special::norm_pdf(b)) / z
            }
            Dist::Beta {
                alpha,
                beta,
                lo,
                hi,
            } => lo + (hi - lo) * alpha / (alpha + beta),
        }
    }

    /// A sampler on `rand_distr` (validates first).
    pub fn sampler(&self) -> Result<Sampler> {
        self.validate()?;
        let err = |e: String| bad_dist(e, "check the distribution's parameters");
        Ok(match *self {
            Dist::Fixed { value } => Sampler::Fixed(value),
            Dist::Uniform { lo, hi } => {
                Sampler::Uniform(rand_distr::Uniform::new(lo, hi).map_err(|e| err(e.to_string()))?)
            }
            Dist::Triangular { lo, mode, hi } => Sampler::Triangular(
                rand_distr::Triangular::new(lo, hi, mode).map_err(|e| err(e.to_string()))?,
            ),
            Dist::Normal { mean, sd, lo, hi } => {
                let mass = norm_cdf((hi - mean) / sd) - norm_cdf((lo - mean) / sd);
                Sampler::Normal {
                    n: rand_distr::Normal::new(mean, sd).map_err(|e| err(e.to_string()))?,
                    lo,
                    hi,
                    reject: mass >= 0.05,
                    dist: *self,
                }
            }
            Dist::Beta {
                alpha,
                beta,
                lo,
                hi,
            } => Sampler::Beta {
                b: rand_distr::Beta::new(alpha, beta).map_err(|e| err(e.to_string()))?,
                lo,
                hi,
            },
        })
    }
}

/// Draws from a [`Dist`] with `rand_distr`.
#[derive(Debug, Clone)]
pub enum Sampler {
    Fixed(f64),
    Uniform(rand_distr::Uniform<f64>),
    Triangular(rand_distr::Triangular<f64>),
    Normal {
        n: rand_distr::Normal<f64>,
        lo: f64,
        hi: f64,
        /// Rejection while the kept mass is at least 5%, else inversion.
        reject: bool,
        dist: Dist,
    },
    Beta {
        b: rand_distr::Beta<f64>,
        lo: f64,
        hi: f64,
    },
}

impl Sampler {
    /// One draw.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(u) => u.sample(rng),
            Sampler::Triangular(t) => t.sample(rng),
            Sampler::Normal {
                n,
                lo,
                hi,
                reject,
                dist,
            } => {
                if *reject {
                    // Acceptance ≥ 5%: the chance of 2,000 misses is below 1e-44.
                    for _ in 0..2000 {
                        let x = n.sample(rng);
                        if (*lo..=*hi).contains(&x) {
                            return x;
                        }
                    }
                }
                dist.quantile(rng.random::<f64>())
            }
            Sampler::Beta { b, lo, hi } => lo + (hi - lo) * b.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn all() -> Vec<Dist> {
        vec![
            Dist::Uniform { lo: 1.0, hi: 3.0 },
            Dist::Triangular {
                lo: 0.0,
                mode: 0.3,
                hi: 2.0,
            },
            Dist::Normal {
                mean: 0.5,
                sd: 0.2,
                lo: 0.1,
                hi: 0.8,
            },
            Dist::Normal {
                mean: 5.0,
                sd: 1.0,
                lo: 0.0,
                hi: 1.0,
            },
            Dist::Beta {
                alpha: 2.0,
                beta: 5.0,
                lo: -1.0,
                hi: 1.0,
            },
        ]
    }

    #[test]
    fn quantile_inverts_cdf_and_bounds_hold() {
        for d in all() {
            d.validate().unwrap();
            let (lo, hi) = d.bounds();
            assert_eq!(d.quantile(0.0), lo, "{d:?}");
            assert!((d.quantile(1.0) - hi).abs() < 1e-12, "{d:?}");
            for i in 1..100 {
                let u = i as f64 / 100.0;
                let x = d.quantile(u);
                assert!((lo..=hi).contains(&x));
                assert!((d.cdf(x) - u).abs() < 1e-9, "{d:?} {u} {}", d.cdf(x));
            }
        }
    }

    #[test]
    fn draws_match_mean_and_cdf_and_are_reproducible() {
        for d in all() {
            let s = d.sampler().unwrap();
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
            let n = 40_000;
            let xs: Vec<f64> = (0..n).map(|_| s.draw(&mut rng)).collect();
            let (lo, hi) = d.bounds();
            assert!(xs.iter().all(|x| (lo..=hi).contains(x)));
            let m = xs.iter().sum::<f64>() / n as f64;
            assert!(
                (m - d.mean()).abs() < 0.02 * (hi - lo),
                "{d:?} {m} {}",
                d.mean()
            );
            // Kolmogorov–Smirnov distance at a few points (critical 1.63/√n at 1%).
            for i in 1..10 {
                let x = d.quantile(i as f64 / 10.0);
                let emp = xs.iter().filter(|&&v| v <= x).count() as f64 / n as f64;
                assert!((emp - d.cdf(x)).abs() < 1.63 / (n as f64).sqrt(), "{d:?}");
            }
            let mut rng2 = rand_chacha::ChaCha8Rng::seed_from_u64(7);
            assert_eq!(s.draw(&mut rng2).to_bits(), xs[0].to_bits());
        }
    }

    #[test]
    fn impossible_distributions_are_errors() {
        let bad = [
            Dist::Uniform { lo: 2.0, hi: 1.0 },
            Dist::Triangular {
                lo: 0.0,
                mode: 3.0,
                hi: 2.0,
            },
            Dist::Normal {
                mean: 0.0,
                sd: 0.0,
                lo: 0.0,
                hi: 1.0,
            },
            Dist::Normal {
                mean: 100.0,
                sd: 1.0,
                lo: 0.0,
                hi: 1.0,
            },
            Dist::Beta {
                alpha: -1.0,
                beta: 1.0,
                lo: 0.0,
                hi: 1.0,
            },
            Dist::Fixed { value: f64::NAN },
        ];
        for d in bad {
            let e = d.validate().unwrap_err().to_string();
            assert!(e.contains("fix:"), "{e}");
        }
    }
}
