//! The event file's validation: unknown keys, regions and sectors are
//! errors listing the valid names; shares outside [0, 1] are caught; BoARIO's
//! defaults fill the `[model]` table.

#![allow(clippy::result_large_err)]

mod common;

use plenum_sim::{build_ario, parse_event_file, ArioParams, SimError};

fn table() -> plenum_table::MrioTable {
    common::small_table()
}

fn err(text: &str) -> String {
    match parse_event_file(text, "ev.toml").and_then(|f| build_ario(&table(), &f)) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const OK: &str = r#"
[[event]]
event_type = "recovery"
impact = 1000.0
affected_regions = ["reg1"]
affected_sectors = ["mining"]
recovery_tau = 30
"#;

#[test]
fn a_valid_file_builds_with_boario_defaults() {
    let f = parse_event_file(OK, "ev.toml").expect("parse");
    assert_eq!(f.model, ArioParams::default());
    let d = ArioParams::default();
    assert_eq!(
        (d.alpha_base, d.alpha_max, d.alpha_tau, d.rebuild_tau),
        (1.0, 1.25, 365, 60)
    );
    assert_eq!(
        (d.main_inv_dur, d.monetary_factor, d.psi_param),
        (90.0, 1e6, 0.8)
    );
    build_ario(&table(), &f).expect("model");
}

#[test]
fn unknown_event_key_is_an_error_with_position() {
    let e = err(&OK.replace("recovery_tau = 30", "recovery_tau = 30\nrecovery_time = 3"));
    assert!(
        e.contains("ev.toml:") && e.contains("recovery_time") && e.contains("valid [[event]] keys"),
        "{e}"
    );
}

#[test]
fn unknown_model_key_is_an_error() {
    let e = err(&format!("[model]\nalpha_maximum = 1.3\n{OK}"));
    assert!(e.contains("alpha_maximum"), "{e}");
}

#[test]
fn unknown_region_lists_valid_regions() {
    let e = err(&OK.replace("[\"reg1\"]", "[\"reg9\"]"));
    assert!(
        e.contains("reg9") && e.contains("reg1, reg2, reg3") && e.contains("ev.toml:2"),
        "{e}"
    );
}

#[test]
fn unknown_sector_lists_valid_sectors() {
    let e = err(&OK.replace("[\"mining\"]", "[\"minning\"]"));
    assert!(
        e.contains("minning") && e.contains("construction, food, manufactoring, mining, other"),
        "{e}"
    );
}

#[test]
fn arbitrary_share_above_one_is_caught() {
    let e = err(r#"
[[event]]
event_type = "arbitrary"
impact = { reg1 = { mining = 1.2 } }
"#);
    assert!(e.contains("[0, 1]") && e.contains("reg1/mining"), "{e}");
}

#[test]
fn rebuilding_shares_are_checked() {
    let base = r#"
[[event]]
event_type = "rebuild"
impact = 1000.0
affected_regions = "reg1"
affected_sectors = "mining"
rebuilding_sectors = { construction = 0.7, manufactoring = 0.4 }
"#;
    let e = err(base);
    assert!(e.contains("sum") && e.contains("rebuilding_sectors"), "{e}");
    let e = err(&base.replace("0.7, manufactoring = 0.4", "1.5, manufactoring = -0.5"));
    assert!(e.contains("[0, 1]"), "{e}");
    let e = err(&base.replace("construction = 0.7, manufactoring = 0.4", "builders = 1.0"));
    assert!(e.contains("builders") && e.contains("valid sectors"), "{e}");
}

#[test]
fn missing_recovery_tau_is_named() {
    let e = err(&OK.replace("recovery_tau = 30", ""));
    assert!(e.contains("recovery_tau"), "{e}");
}

#[test]
fn distribution_weights_must_cover_affected_labels() {
    let e = err(&OK.replace(
        "recovery_tau = 30",
        "recovery_tau = 30\nimpact_sectoral_distrib = { food = 1.0 }",
    ));
    assert!(e.contains("food") && e.contains("affected"), "{e}");
}

#[test]
fn inventory_dict_must_name_every_sector() {
    let e = err(&format!(
        "[model]\ninventory_dict = {{ food = 10, mining = \"inf\" }}\n{OK}"
    ));
    assert!(
        e.contains("inventory_dict") && e.contains("construction"),
        "{e}"
    );
}

#[test]
fn psi_above_one_is_rejected() {
    let e = err(&format!("[model]\npsi_param = 1.5\n{OK}"));
    assert!(e.contains("psi_param"), "{e}");
}

#[test]
fn event_beyond_the_run_is_rejected() {
    let f = parse_event_file(
        &OK.replace(
            "recovery_tau = 30",
            "recovery_tau = 30\noccurrence = 50\nduration = 60",
        ),
        "ev.toml",
    )
    .expect("parse");
    let mut m = build_ario(&table(), &f).expect("model");
    match m.run(100, false) {
        Err(SimError::EventTiming { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn tidy_rows_cover_every_value() {
    let f = parse_event_file(OK, "ev.toml").expect("parse");
    let mut m = build_ario(&table(), &f).expect("model");
    let t = m.run(3, true).expect("run");
    let n = t.n_industries();
    let ns = t.sectors.len();
    let rows: Vec<_> = t.tidy_rows().collect();
    assert_eq!(rows.len(), 3 * (4 * n + ns * n));
    assert_eq!(rows[0].variable, "production_realised");
    assert_eq!((rows[0].region, rows[0].sector), ("reg1", "construction"));
    assert!(rows.iter().any(|r| r.variable == "inputs_stocks[mining]"));
}

/// Issue 14, defect 3: every `[model]` key's range is checked when the
/// file is parsed (not mid-run), and the error names the key, its line and
/// column.
#[test]
fn model_keys_are_checked_at_parse_time_at_their_line() {
    let cases: &[(&str, &str)] = &[
        ("alpha_base = nan", "alpha_base"),
        ("alpha_base = -1", "alpha_base"),
        ("alpha_max = inf", "alpha_max"),
        ("alpha_max = 0.5", "alpha_max"),
        ("main_inv_dur = -5", "main_inv_dur"),
        ("main_inv_dur = nan", "main_inv_dur"),
        ("temporal_units_by_step = 1000000", "temporal_units_by_step"),
        ("monetary_factor = inf", "monetary_factor"),
        ("psi_param = nan", "psi_param"),
        ("alpha_tau = 0", "alpha_tau"),
        ("inventory_restoration_tau = 0", "inventory_restoration_tau"),
        (
            "productive_capital_to_VA_dict = { mining = -4.0, manufactoring = 4.0 }",
            "productive_capital_to_VA_dict",
        ),
        (
            "inventory_dict = { mining = -1.0, manufactoring = 90 }",
            "inventory_dict",
        ),
    ];
    for (line, key) in cases {
        // The key on line 3, after a comment and the header.
        let text = format!("# model\n[model]\n{line}\n{OK}");
        let e = match parse_event_file(&text, "ev.toml") {
            Ok(_) => panic!("parsed: {line}"),
            Err(e) => e,
        };
        let msg = e.to_string();
        let col = line.find('=').expect("=") + 3;
        assert!(
            matches!(e, SimError::InvalidValue { .. })
                && msg.starts_with(&format!("ev.toml:3:{col}: [model]: key `{key}`")),
            "{line}: {msg}"
        );
    }
}
