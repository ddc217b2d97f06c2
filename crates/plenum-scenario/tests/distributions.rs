//! Scenario files' `[distributions]`: parsed and checked against the
//! parameter table (errors name file, line, key and reason), merged along
//! `extends`, and coupled to the run's draws at the same quantile.

use plenum_scenario::batch::Coupling;
use plenum_scenario::dists::{self, follow};
use plenum_scenario::schema::parse_scenario;
use plenum_scenario::shipped;
use plenum_uncertainty::Dist;

const HEAD: &str = "schema = 1\nname = \"s\"\ndescription = \"d\"\nextends = \"baseline-2024\"\n";

#[test]
fn a_scenario_overrides_and_fixes_distributions() {
    let text = format!(
        "{HEAD}\n[params]\nmpc_labour = 0.65\n\n[distributions]\nmpc_labour = {{ kind = \"normal\", mean = 0.62, sd = 0.05 }}\nlocal_interest_rate = {{ kind = \"fixed\", value = 4.5 }}\n"
    );
    let s = parse_scenario(&text, "s.toml", &shipped::lookup).unwrap();
    assert_eq!(s.distributions.len(), 2);
    let m = s
        .distributions
        .iter()
        .find(|d| d.name == "mpc_labour")
        .unwrap();
    assert_eq!(
        m.dist,
        Dist::Normal {
            mean: 0.62,
            sd: 0.05,
            lo: 0.4,
            hi: 0.8
        }
    );
    assert!(m.why.contains("s.toml"));
    // [params] still sets the central value.
    assert_eq!(s.params.mpc_labour, 0.65);
    // A file extending this one inherits the entries key by key.
    let child = "schema = 1\nname = \"c\"\ndescription = \"d\"\nextends = \"s\"\n[distributions]\nmpc_labour = { kind = \"uniform\" }\n";
    let lookup = |n: &str| {
        if n == "s" {
            Some(("s.toml".to_string(), text.clone()))
        } else {
            shipped::lookup(n)
        }
    };
    let c = parse_scenario(child, "c.toml", &lookup).unwrap();
    let get = |n: &str| c.distributions.iter().find(|d| d.name == n).unwrap().dist;
    assert_eq!(get("mpc_labour"), Dist::Uniform { lo: 0.4, hi: 0.8 });
    assert_eq!(get("local_interest_rate"), Dist::Fixed { value: 4.5 });
}

#[test]
fn bad_entries_name_file_line_key_and_reason() {
    let cases = [
        // Outside the plausible range 0.4..0.8.
        (
            "mpc_labour = { kind = \"uniform\", min = 0.1, max = 0.7 }",
            "plausible range",
        ),
        (
            "mpc_labour = { kind = \"fixed\", value = 0.95 }",
            "plausible range",
        ),
        ("mpc_labour = { kind = \"triangular\", mode = 0.9 }", "mode"),
        ("mpc_labour = { kind = \"normal\", sd = -1 }", "sd"),
        ("mpc_labour = { kind = \"lognormal\" }", "kind"),
        (
            "mpc_labour = { kind = \"uniform\", mode = 1 }",
            "only kind, min, max",
        ),
        ("nope = { kind = \"fixed\", value = 1 }", "nope"),
        (
            "china_autonomous_growth = { kind = \"uniform\" }",
            "not calibrated",
        ),
        ("mpc_labour = 0.6", "inline table"),
    ];
    for (entry, word) in cases {
        // Line 7: the entry follows the head (4 lines), a blank line and
        // the table header.
        let text = format!("{HEAD}\n[distributions]\n{entry}\n");
        let e = parse_scenario(&text, "bad.toml", &shipped::lookup)
            .unwrap_err()
            .to_string();
        assert!(e.contains("bad.toml:7"), "{entry}: {e}");
        assert!(e.contains(word), "{entry}: {e}");
        assert!(e.contains("distributions."), "{entry}: {e}");
    }
}

#[test]
fn coupling_keeps_common_random_numbers() {
    let run = dists::defaults();
    let base = shipped::shipped("baseline-2024").unwrap().unwrap();
    let text = format!(
        "{HEAD}\n[distributions]\nmpc_labour = {{ kind = \"uniform\", min = 0.5, max = 0.7 }}\nlocal_interest_rate = {{ kind = \"fixed\", value = 4.5 }}\ngdp_deflator_growth = {{ kind = \"uniform\" }}\n"
    );
    let s = parse_scenario(&text, "s.toml", &shipped::lookup).unwrap();
    let (names, c) = Coupling::new(&run, &base, &[&base, &s]);
    let j = |n: &str| names.iter().position(|x| *x == n).unwrap();
    // Drawn from the run's triangular; the scenario maps to its uniform at
    // the same quantile, so the order of draws is kept.
    let (jm, ji) = (j("mpc_labour"), j("local_interest_rate"));
    let mut draw = vec![0.0; names.len()];
    for (k, d) in c.reference.iter().enumerate() {
        draw[k] = d.quantile(0.5);
    }
    let lo = {
        let mut d = draw.clone();
        d[jm] = c.reference[jm].quantile(0.2);
        d
    };
    let v_base = c.values(&c.scenarios[0], &lo);
    let v_s = c.values(&c.scenarios[1], &lo);
    assert_eq!(v_base[jm].to_bits(), lo[jm].to_bits());
    assert!((v_s[jm] - 0.54).abs() < 1e-9, "{}", v_s[jm]);
    assert_eq!(v_s[ji], 4.5);
    assert_eq!(v_base[ji].to_bits(), lo[ji].to_bits());
    // Parameters the scenario does not name are the run's draws, bit for bit.
    for k in (0..names.len()).filter(|&k| k != jm && k != ji) {
        if names[k] != "gdp_deflator_growth" {
            assert_eq!(v_s[k].to_bits(), lo[k].to_bits(), "{}", names[k]);
        }
    }
    // follow() is monotone and the identity on equal distributions.
    let t = Dist::Triangular {
        lo: 0.0,
        mode: 1.0,
        hi: 3.0,
    };
    let u = Dist::Uniform { lo: 10.0, hi: 20.0 };
    assert_eq!(follow(1.3, &t, &t), 1.3);
    assert!(follow(0.5, &t, &u) < follow(2.5, &t, &u));
    assert!((follow(1.0, &t, &u) - (10.0 + 10.0 * t.cdf(1.0))).abs() < 1e-12);
}

#[test]
fn a_parameter_fixed_in_the_run_but_uncertain_in_a_scenario_is_drawn() {
    let mut run = dists::defaults();
    let k = run.iter().position(|d| d.name == "mpc_owners").unwrap();
    run[k].dist = Dist::Fixed { value: 0.2 };
    let base = shipped::shipped("baseline-2024").unwrap().unwrap();
    let (names, _) = Coupling::new(&run, &base, &[&base]);
    assert!(!names.contains(&"mpc_owners"));
    let text = format!("{HEAD}\n[distributions]\nmpc_owners = {{ kind = \"uniform\" }}\n");
    let s = parse_scenario(&text, "s.toml", &shipped::lookup).unwrap();
    let (names, c) = Coupling::new(&run, &base, &[&base, &s]);
    let j = names.iter().position(|x| *x == "mpc_owners").unwrap();
    assert_eq!(c.reference[j], Dist::Uniform { lo: 0.1, hi: 0.4 });
    let draw: Vec<f64> = c.reference.iter().map(|d| d.quantile(0.9)).collect();
    assert_eq!(c.values(&c.baseline, &draw)[j], 0.2);
    assert_eq!(c.values(&c.scenarios[0], &draw)[j], 0.2);
    assert_eq!(
        c.values(&c.scenarios[1], &draw)[j].to_bits(),
        draw[j].to_bits()
    );
}
