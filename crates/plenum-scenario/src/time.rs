//! Quarters and time paths.
//!
//! Quarters are counted from 2022Q1 (index 0), the year of the default
//! table: the table's flows are the 2022 average, and a quarter's flow is a
//! quarter of the annual flow. Two kinds of path drive the blocks:
//!
//! - a [`LevelPath`] gives values at some quarters and is linear between
//!   them and flat beyond its ends (e.g. the consumer confidence index);
//! - a [`GrowthPath`] gives y/y growth rates g_y (per cent) by year and
//!   turns them into a level index with constant quarterly log-growth
//!   r_y = ln(1 + g_y/100)/4 within each year, normalised so that the
//!   2022 average of the index is 1: ℓ(k) = r_2022 (k − 1.5) for the 2022
//!   quarters and ℓ(k) = ℓ(k − 1) + r_year(k) after; index = e^ℓ. Years
//!   not given take the last given year before them (or the first given
//!   year, before it).
//!
//! [`GrowthPath::index`] sums ℓ quarter by quarter on every call (O(k)); a
//! run that asks for the same paths every quarter holds a
//! [`GrowthIndex`] instead: the index of every quarter of its range,
//! computed once by the same running sum in the same order (so every value
//! is bit for bit the one `index` gives).

use std::collections::BTreeMap;
use std::fmt;

/// The first year of the quarter count (the table's year).
pub const BASE_YEAR: i32 = 2022;

/// A calendar quarter, stored as its index from 2022Q1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter(pub i32);

impl Quarter {
    pub fn new(year: i32, q: u8) -> Self {
        Quarter((year - BASE_YEAR) * 4 + (i32::from(q) - 1))
    }
    pub fn year(self) -> i32 {
        BASE_YEAR + self.0.div_euclid(4)
    }
    /// 1 to 4.
    pub fn q(self) -> u8 {
        (self.0.rem_euclid(4) + 1) as u8
    }
    pub fn index(self) -> i32 {
        self.0
    }
    /// Parses `2024Q1` (or `2024q1`); a bare year `2024` means its first
    /// quarter when `year_ok`.
    pub fn parse(s: &str, year_ok: bool) -> Option<Self> {
        let t = s.trim();
        if let Some(p) = t.to_ascii_uppercase().find('Q') {
            let y: i32 = t[..p].parse().ok()?;
            let q: u8 = t[p + 1..].parse().ok()?;
            if !(1..=4).contains(&q) || !(1990..=2100).contains(&y) {
                return None;
            }
            return Some(Self::new(y, q));
        }
        if year_ok {
            let y: i32 = t.parse().ok()?;
            if (1990..=2100).contains(&y) {
                return Some(Self::new(y, 1));
            }
        }
        None
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year(), self.q())
    }
}

/// Values at given quarters, linear in between, flat beyond the ends.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LevelPath {
    pub points: Vec<(Quarter, f64)>,
}

impl LevelPath {
    pub fn constant(v: f64) -> Self {
        Self {
            points: vec![(Quarter(0), v)],
        }
    }
    pub fn from_map(m: &BTreeMap<Quarter, f64>) -> Self {
        Self {
            points: m.iter().map(|(q, v)| (*q, *v)).collect(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
    /// The value at quarter `t`; `default` when the path has no point.
    pub fn at(&self, t: Quarter, default: f64) -> f64 {
        let p = &self.points;
        match p.len() {
            0 => default,
            _ if t <= p[0].0 => p[0].1,
            _ if t >= p[p.len() - 1].0 => p[p.len() - 1].1,
            _ => {
                let k = p.iter().position(|(q, _)| *q > t).unwrap_or(p.len() - 1);
                let (q0, v0) = p[k - 1];
                let (q1, v1) = p[k];
                let w = f64::from(t.0 - q0.0) / f64::from(q1.0 - q0.0);
                v0 + w * (v1 - v0)
            }
        }
    }
}

/// y/y growth rates (per cent) by year, turned into a level index.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GrowthPath {
    pub by_year: BTreeMap<i32, f64>,
    /// A lasting change of level (per cent) from a quarter on.
    pub level_shift: Option<(Quarter, f64)>,
}

impl GrowthPath {
    pub fn constant(g: f64) -> Self {
        let mut by_year = BTreeMap::new();
        by_year.insert(BASE_YEAR, g);
        Self {
            by_year,
            level_shift: None,
        }
    }
    /// The growth rate (per cent) that applies in `year`.
    pub fn rate(&self, year: i32) -> f64 {
        if let Some((_, g)) = self.by_year.range(..=year).next_back() {
            return *g;
        }
        self.by_year.values().next().copied().unwrap_or(0.0)
    }
    fn r(&self, year: i32) -> f64 {
        (1.0 + self.rate(year) / 100.0).ln() / 4.0
    }
    /// The index at quarter `t` (2022 average = 1), times the level shift
    /// from its quarter on.
    pub fn index(&self, t: Quarter) -> f64 {
        let shift = match self.level_shift {
            Some((q, s)) if t >= q => 1.0 + s / 100.0,
            _ => 1.0,
        };
        shift * self.trend_index(t)
    }
    fn trend_index(&self, t: Quarter) -> f64 {
        let k = t.0;
        if k < 4 {
            return (self.r(BASE_YEAR) * (f64::from(k) - 1.5)).exp();
        }
        let mut l = self.r(BASE_YEAR) * 1.5;
        for m in 4..=k {
            l += self.r(Quarter(m).year());
        }
        l.exp()
    }
}

/// A [`GrowthPath`]'s index tabulated over quarters `0..=last` (see the
/// module docs): a snapshot of the path, immutable, bit-identical to
/// [`GrowthPath::index`] at every quarter (outside the range it asks the
/// path).
#[derive(Debug, Clone, PartialEq)]
pub struct GrowthIndex {
    path: GrowthPath,
    /// index(Quarter(k)) for k in 0..=last.
    values: Vec<f64>,
}

impl GrowthIndex {
    /// Tabulates `path` over quarters 0 to `last`.
    pub fn new(path: &GrowthPath, last: Quarter) -> Self {
        let hi = last.0.max(-1);
        let mut values = Vec::with_capacity((hi + 1).max(0) as usize);
        // The same running sum as `trend_index`: ℓ(3) = r_2022 · 1.5, then
        // ℓ(k) = ℓ(k − 1) + r_year(k); for k < 4 its closed form.
        let r0 = path.r(BASE_YEAR);
        let mut l = r0 * 1.5;
        let mut year = i32::MIN;
        let mut r_year = 0.0;
        for k in 0..=hi {
            let trend = if k < 4 {
                (r0 * (f64::from(k) - 1.5)).exp()
            } else {
                let y = Quarter(k).year();
                if y != year {
                    year = y;
                    r_year = path.r(y);
                }
                l += r_year;
                l.exp()
            };
            let shift = match path.level_shift {
                Some((q, s)) if Quarter(k) >= q => 1.0 + s / 100.0,
                _ => 1.0,
            };
            values.push(shift * trend);
        }
        Self {
            path: path.clone(),
            values,
        }
    }

    /// The index at quarter `t`, as [`GrowthPath::index`].
    pub fn index(&self, t: Quarter) -> f64 {
        usize::try_from(t.0)
            .ok()
            .and_then(|k| self.values.get(k).copied())
            .unwrap_or_else(|| self.path.index(t))
    }

    /// The path tabulated.
    pub fn path(&self) -> &GrowthPath {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_and_print() {
        let q = Quarter::parse("2024Q2", false).unwrap();
        assert_eq!(q.index(), 9);
        assert_eq!(q.to_string(), "2024Q2");
        assert_eq!(Quarter::parse("2024", true), Some(Quarter::new(2024, 1)));
        assert_eq!(Quarter::parse("2024", false), None);
        assert_eq!(Quarter::parse("2024Q5", false), None);
        assert_eq!(Quarter::parse("x", true), None);
    }

    #[test]
    fn level_path_interpolates() {
        let p = LevelPath {
            points: vec![(Quarter(4), 80.0), (Quarter(8), 100.0)],
        };
        assert_eq!(p.at(Quarter(0), 0.0), 80.0);
        assert_eq!(p.at(Quarter(6), 0.0), 90.0);
        assert_eq!(p.at(Quarter(20), 0.0), 100.0);
        assert_eq!(LevelPath::default().at(Quarter(3), 7.0), 7.0);
    }

    #[test]
    fn growth_path_gives_annual_averages() {
        // Constant growth: the annual average grows at exactly that rate.
        let p = GrowthPath::constant(5.0);
        let avg = |y: i32| (0..4).map(|q| p.index(Quarter::new(y, q + 1))).sum::<f64>() / 4.0;
        assert!((avg(2022) - 1.0).abs() < 1e-3);
        assert!((avg(2024) / avg(2023) - 1.05).abs() < 1e-12);
        // A change of rate carries forward.
        let mut by_year = BTreeMap::new();
        by_year.insert(2022, -10.0);
        by_year.insert(2024, 2.0);
        let p = GrowthPath {
            by_year,
            level_shift: None,
        };
        assert_eq!(p.rate(2023), -10.0);
        assert_eq!(p.rate(2030), 2.0);
        let q = p.index(Quarter::new(2025, 1)) / p.index(Quarter::new(2024, 1));
        assert!((q - 1.02).abs() < 1e-12);
    }

    /// The tabulated index is the summed one bit for bit, on random paths
    /// (seeded): rates in −30..30% on random years, with and without a
    /// level shift, at quarters inside and outside the table.
    #[test]
    fn growth_index_is_bit_identical_to_the_summed_index() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            // xorshift64*: enough for test inputs.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut checked = 0;
        for case in 0..200 {
            let mut by_year = BTreeMap::new();
            let years = 1 + (next() * 6.0) as i32;
            for _ in 0..years {
                let y = 2019 + (next() * 14.0) as i32;
                by_year.insert(y, -30.0 + 60.0 * next());
            }
            let level_shift = (case % 2 == 0)
                .then(|| (Quarter(-4 + (next() * 40.0) as i32), -20.0 + 40.0 * next()));
            let p = GrowthPath {
                by_year,
                level_shift,
            };
            let last = Quarter((next() * 60.0) as i32);
            let g = GrowthIndex::new(&p, last);
            for k in -12..80 {
                let t = Quarter(k);
                assert_eq!(
                    g.index(t).to_bits(),
                    p.index(t).to_bits(),
                    "case {case} quarter {k}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 200 * 92);
        // An empty path and a path of one year.
        for p in [GrowthPath::default(), GrowthPath::constant(4.9)] {
            let g = GrowthIndex::new(&p, Quarter(40));
            for k in -3..50 {
                assert_eq!(g.index(Quarter(k)).to_bits(), p.index(Quarter(k)).to_bits());
            }
        }
    }
}
