//! The shocks file's validation, and the extended mode without mechanisms.

#![allow(clippy::result_large_err)]

mod common;

use plenum_sim::{build_extended, parse_shocks_file, simulate_ario, simulate_shocks};

fn table() -> plenum_table::MrioTable {
    common::small_table()
}

fn err(text: &str) -> String {
    match parse_shocks_file(text, "shocks.toml").and_then(|f| build_extended(&table(), &f)) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const TR: &str = r#"
[[trade_restriction]]
product = "mining"
origins = ["reg2"]
destination = "reg1"
reduction = [[0, 0.0], [30, 0.5]]
"#;

#[test]
fn a_valid_shocks_file_builds() {
    let f = parse_shocks_file(TR, "shocks.toml").expect("parse");
    build_extended(&table(), &f).expect("build");
}

#[test]
fn unknown_table_or_key_is_an_error_with_position() {
    let e = err(&format!("{TR}\n[[trade_embargo]]\nproduct = \"x\"\n"));
    assert!(
        e.contains("trade_embargo") && e.contains("shocks.toml:"),
        "{e}"
    );
    let e = err(&TR.replace("reduction =", "elasticity = 2.0\nreduction ="));
    assert!(e.contains("elasticity"), "{e}");
}

#[test]
fn unknown_labels_list_valid_names() {
    let e = err(&TR.replace("\"mining\"", "\"minerals\""));
    assert!(
        e.contains("minerals") && e.contains("construction, food"),
        "{e}"
    );
    let e = err(&TR.replace("[\"reg2\"]", "[\"reg7\"]"));
    assert!(
        e.contains("reg7") && e.contains("reg1, reg2, reg3") && e.contains("shocks.toml:2"),
        "{e}"
    );
    let e = err("[[final_demand_path]]\ncategories = [\"exports\"]\npath = 0.9\n");
    assert!(
        e.contains("exports") && e.contains("Final consumption expenditure by households"),
        "{e}"
    );
}

#[test]
fn shares_outside_unit_interval_are_caught() {
    let e = err(&TR.replace("[30, 0.5]", "[30, 1.5]"));
    assert!(e.contains("[0, 1]"), "{e}");
    let e = err(&format!("{TR}substitutability = -0.1\n"));
    assert!(e.contains("substitutability"), "{e}");
    let e = err("[[capacity_path]]\nkind = \"loss\"\npath = 1.2\n");
    assert!(e.contains("[0, 1]"), "{e}");
    let e = err("[simulation]\ncritical_share = 2.0\n");
    assert!(e.contains("critical_share"), "{e}");
}

#[test]
fn restricting_the_destination_itself_is_an_error() {
    let e = err(&TR.replace("[\"reg2\"]", "[\"reg1\", \"reg2\"]"));
    assert!(e.contains("destination"), "{e}");
}

#[test]
fn unsorted_path_and_bad_step_are_errors() {
    let e = err(&TR.replace("[[0, 0.0], [30, 0.5]]", "[[30, 0.5], [0, 0.0]]"));
    assert!(e.contains("increasing time"), "{e}");
    let e = err("[simulation]\nstep = \"fortnight\"\n");
    assert!(e.contains("step") && e.contains("quarter"), "{e}");
}

/// With linear rates and no mechanism, the extended mode differs from ARIO
/// only by its inventory rules (always updated, clamped at 0, no BoARIO
/// two-step minimum): on a shock without shortage it follows ARIO closely.
#[test]
fn extended_mode_without_mechanisms_follows_ario() {
    let ev = r#"
[[event]]
event_type = "recovery"
impact = 20000000.0
affected_regions = ["reg2"]
affected_sectors = ["manufactoring"]
duration = 10
recovery_tau = 60
event_monetary_factor = 1000000
"#;
    let t = table();
    let a = simulate_ario(&t, ev, "e.toml", 150).expect("ario");
    let b = simulate_shocks(
        &t,
        &format!("[simulation]\nrates = \"linear\"\n{ev}"),
        "s.toml",
        150,
    )
    .expect("extended");
    let mut worst = 0.0f64;
    for (ra, rb) in a.production_realised.iter().zip(&b.production_realised) {
        for (x, y) in ra.iter().zip(rb) {
            worst = worst.max((x - y).abs() / x.abs());
        }
    }
    assert!(!a.had_shortage);
    assert!(worst < 1e-6, "extended vs ARIO: {worst}");
}

#[test]
fn buyer_sectors_are_validated() {
    let ok = TR.replace(
        "reduction =",
        "buyer_sectors = [\"food\", \"mining\"]\nreduction =",
    );
    let f = parse_shocks_file(&ok, "shocks.toml").expect("parse");
    build_extended(&table(), &f).expect("build");
    let e = err(&TR.replace("reduction =", "buyer_sectors = [\"steel\"]\nreduction ="));
    assert!(
        e.contains("steel")
            && e.contains("buyer_sectors")
            && e.contains("construction, food")
            && e.contains("shocks.toml:2"),
        "{e}"
    );
    let e = err(&TR.replace("reduction =", "buyer_sectors = []\nreduction ="));
    assert!(
        e.contains("buyer_sectors") && e.contains("at least one"),
        "{e}"
    );
}
