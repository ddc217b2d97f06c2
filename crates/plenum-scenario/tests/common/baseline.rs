//! The shipped baseline on the embedded default table, calibrated once per
//! test binary, for tests of blocks that move nothing before 2024Q3 (the
//! money block, the exchange rate): every run shares the baseline's
//! calibration.

use std::sync::OnceLock;

use plenum_scenario::{shipped, Economy, Quarter, ScenarioRun};

pub fn econ() -> &'static Economy {
    static E: OnceLock<Economy> = OnceLock::new();
    E.get_or_init(|| {
        let t = plenum_testdata::default_table().unwrap();
        Economy::from_table(&t).unwrap()
    })
}

pub fn baseline_text() -> String {
    shipped::lookup("baseline-2024").unwrap().1.to_string()
}

pub fn parse(doc: &str) -> plenum_scenario::Scenario {
    plenum_scenario::parse_scenario(doc, "try.toml", &shipped::lookup).unwrap()
}

/// The baseline's calibration.
pub fn calibration() -> [f64; 2] {
    static C: OnceLock<[f64; 2]> = OnceLock::new();
    *C.get_or_init(|| {
        plenum_scenario::calibrate(econ(), &parse(&baseline_text()))
            .unwrap()
            .growth
    })
}

pub fn run(doc: &str) -> ScenarioRun {
    plenum_scenario::run_scenario(econ(), &parse(doc), calibration(), None).unwrap()
}

pub fn at(r: &ScenarioRun, v: &str, y: i32, n: u8) -> f64 {
    let k = r
        .quarters
        .iter()
        .position(|&t| t == Quarter::new(y, n))
        .unwrap();
    r.series(v, &r.region).unwrap().values[k]
}

pub fn base() -> &'static ScenarioRun {
    static B: OnceLock<ScenarioRun> = OnceLock::new();
    B.get_or_init(|| run(&baseline_text()))
}
