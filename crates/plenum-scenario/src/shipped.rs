//! The shipped scenarios, embedded in the binary so that a fresh machine
//! needs nothing else. Their files are in `scenarios/` at the root of the
//! repository.

use crate::error::Result;
use crate::schema::{parse_scenario, Scenario};

/// (name, text), in the order `plenum run` runs and reports them.
pub const SHIPPED: [(&str, &str); 8] = [
    (
        "baseline-2024",
        include_str!("../../../scenarios/baseline-2024.toml"),
    ),
    (
        "controls-escalate",
        include_str!("../../../scenarios/controls-escalate.toml"),
    ),
    (
        "self-reliance-push",
        include_str!("../../../scenarios/self-reliance-push.toml"),
    ),
    (
        "property-deepens",
        include_str!("../../../scenarios/property-deepens.toml"),
    ),
    (
        "local-debt-swap",
        include_str!("../../../scenarios/local-debt-swap.toml"),
    ),
    (
        "opening-up",
        include_str!("../../../scenarios/opening-up.toml"),
    ),
    (
        "common-prosperity",
        include_str!("../../../scenarios/common-prosperity.toml"),
    ),
    (
        "plenum-package",
        include_str!("../../../scenarios/plenum-package.toml"),
    ),
];

/// Experiments shipped beside the scenarios but not run by default.
pub const EXPERIMENTS: [(&str, &str); 3] = [
    (
        "full-decoupling",
        include_str!("../../../scenarios/experiments/full-decoupling.toml"),
    ),
    // Its two directions apart (docs/calibration.md).
    (
        "decoupling-west-to-china",
        include_str!("../../../scenarios/experiments/decoupling-west-to-china.toml"),
    ),
    (
        "decoupling-china-to-west",
        include_str!("../../../scenarios/experiments/decoupling-china-to-west.toml"),
    ),
];

/// The text of a shipped scenario or experiment by name, with its file
/// name (`scenarios/NAME.toml`).
pub fn lookup(name: &str) -> Option<(String, String)> {
    let name = name.strip_suffix(".toml").unwrap_or(name);
    SHIPPED
        .iter()
        .map(|(n, t)| (format!("scenarios/{n}.toml"), n, t))
        .chain(
            EXPERIMENTS
                .iter()
                .map(|(n, t)| (format!("scenarios/experiments/{n}.toml"), n, t)),
        )
        .find(|(_, n, _)| **n == name)
        .map(|(f, _, t)| (f, t.to_string()))
}

/// Parses a shipped scenario or experiment by name.
pub fn shipped(name: &str) -> Option<Result<Scenario>> {
    lookup(name).map(|(f, t)| parse_scenario(&t, &f, &lookup))
}

/// All shipped scenarios, parsed, in order.
pub fn all() -> Result<Vec<Scenario>> {
    SHIPPED
        .iter()
        .map(|(n, t)| parse_scenario(t, &format!("scenarios/{n}.toml"), &lookup))
        .collect()
}
