//! Every kind of scenario-file error, with file, line, key and fix.

mod common;

use plenum_scenario::schema::parse_scenario;
use plenum_scenario::{shipped, Economy};

fn err(text: &str) -> String {
    match parse_scenario(text, "bad.toml", &shipped::lookup) {
        Ok(s) => {
            let e = Economy::from_table(&common::synthetic_table(7)).unwrap();
            plenum_scenario::bind::bind(&s, &e)
                .expect_err("expected an error")
                .to_string()
        }
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = "schema = 1\nname = \"t\"\ndescription = \"d\"\nextends = \"baseline-2024\"\n";

#[test]
fn unknown_key_lists_the_allowed_keys() {
    let e = err(&format!(
        "{HEAD}[property]\ninvestment_grwth = {{ 2025 = 1.0 }}\n"
    ));
    assert!(
        e.contains("bad.toml:6") && e.contains("investment_grwth") && e.contains("sales_growth"),
        "{e}"
    );
    let e = err(&format!("{HEAD}colour = 1\n"));
    assert!(e.contains("colour") && e.contains("description"), "{e}");
}

#[test]
fn schema_is_required_and_checked() {
    let e = err("name = \"t\"\ndescription = \"d\"\n");
    assert!(e.contains("schema"), "{e}");
    let e = err("schema = 2\nname = \"t\"\ndescription = \"d\"\n");
    assert!(e.contains("bad.toml:1") && e.contains("schema = 1"), "{e}");
}

#[test]
fn ranges_are_checked() {
    let e = err(&format!(
        "{HEAD}[[controls.measure]]\nid = \"x\"\nfrom = [\"USA\"]\nto = [\"CHN\"]\nproducts = [\"C26\"]\nrestricted_share = 1.5\nsubstitutability = 0.2\nstart = \"2025Q1\"\n"
    ));
    assert!(
        e.contains("restricted_share") && e.contains("[0, 1]") && e.contains("bad.toml:10"),
        "{e}"
    );
    let e = err(&format!("{HEAD}[params]\nmpc_labour = 0.95\n"));
    assert!(e.contains("mpc_labour") && e.contains("[0.4, 0.8]"), "{e}");
    let e = err(&format!("{HEAD}[params]\nmpc_labor = 0.5\n"));
    assert!(e.contains("mpc_labor") && e.contains("mpc_labour"), "{e}");
    let e = err(&format!(
        "{HEAD}[property]\nsales_growth = {{ 2025 = -90.0 }}\n"
    ));
    assert!(e.contains("sales_growth.2025"), "{e}");
    let e = err(&format!(
        "{HEAD}[households]\nconfidence = {{ 2025Q5 = 90.0 }}\n"
    ));
    assert!(e.contains("2025Q5"), "{e}");
}

#[test]
fn regions_and_sectors_are_checked_against_the_table() {
    let e = err(&format!(
        "{HEAD}[[controls.measure]]\nid = \"x\"\nfrom = [\"USB\"]\nto = [\"CHN\"]\nproducts = [\"C26\"]\nrestricted_share = 0.5\nsubstitutability = 0.2\nstart = \"2025Q1\"\n"
    ));
    assert!(
        e.contains("\"USB\"") && e.contains("USA") && e.contains("ROW"),
        "{e}"
    );
    let e = err(&format!(
        "{HEAD}[[self_reliance.programme]]\nid = \"p\"\namount = 1.0\nstart = \"2025Q1\"\nend = \"2025Q4\"\ntarget = \"CHIPS\"\nspending = {{ C28 = 1.0 }}\n"
    ));
    assert!(e.contains("\"CHIPS\"") && e.contains("C26"), "{e}");
    let e = err(&format!("{HEAD}[world]\ntrend_growth = {{ CHN = 5.0 }}\n"));
    assert!(e.contains("CHN") && e.contains("calibrated"), "{e}");
}

#[test]
fn structure_errors_are_explained() {
    let e = err("schema = 1\nname = \"t\"\ndescription = \"d\"\nextends = \"nope\"\n");
    assert!(
        e.contains("bad.toml:4") && e.contains("baseline-2024"),
        "{e}"
    );
    let e = err("schema = 1\nname = \"t\"\n");
    assert!(e.contains("description"), "{e}");
    let e = err(&format!(
        "{HEAD}[[self_reliance.programme]]\nid = \"p\"\namount = 1.0\nstart = \"2025Q1\"\nend = \"2025Q4\"\ntarget = \"C26\"\nspending = {{ C28 = 0.5 }}\n"
    ));
    assert!(e.contains("summing to 1"), "{e}");
    let e = err(&format!(
        "{HEAD}[[controls.measure]]\nid = \"x\"\nfrom = [\"CHN\"]\nto = [\"CHN\"]\nproducts = [\"C26\"]\nrestricted_share = 0.5\nsubstitutability = 0.2\nstart = \"2025Q1\"\n"
    ));
    assert!(e.contains("not also in `from`"), "{e}");
    let e = err(
        "schema = 1\nname = \"t\"\ndescription = \"d\"\n[world]\ntrend_growth = { USA = 2.0 }\n",
    );
    assert!(e.contains("trend_growth.JPN"), "{e}");
}

/// Issue 14, defect 2: a value out of range in a file that extends a
/// shipped scenario is reported in that file, at its line, even when the
/// shipped file writes the same key (the old line search named
/// scenarios/baseline-2024.toml).
#[test]
fn errors_in_an_extending_file_name_that_file() {
    for (block, line) in [
        ("[world]", "trend_growth = { USA = -150 }"),
        ("[world]\ntrend_growth.USA = -150", ""),
        ("[households]", "confidence = { 2025Q1 = 500.0 }"),
        ("[fdi]", "targeted = { C26 = 2.0 }"),
        ("[fdi]", "openness = { 2025Q1 = 9.0 }"),
        ("[property]", "sales_growth = { 2025 = -99.0 }"),
        ("[params]", "mpc_labour = 0.99"),
        ("[local_government]", "extra_transfers = { 2025Q1 = 9.0 }"),
    ] {
        let e = err(&format!("{HEAD}{block}\n{line}\n"));
        let want = if line.is_empty() {
            "bad.toml:6"
        } else {
            "bad.toml:6:"
        };
        assert!(e.contains(want), "{block} {line}: {e}");
        assert!(!e.contains("baseline-2024.toml"), "{block} {line}: {e}");
    }
    // An entry of a list of tables that replaces the shipped one by id is
    // located at the user's entry too.
    let e = err(&format!(
        "{HEAD}\n\n[[controls.measure]]\nid = \"us-2022-10-chips\"\nfrom = [\"USA\"]\nto = [\"CHN\"]\nproducts = [\"C26\"]\nrestricted_share = 1.5\nsubstitutability = 0.2\nstart = \"2022Q4\"\n"
    ));
    assert!(e.contains("bad.toml:12"), "{e}");
}

/// `k` appears in `doc` as a key: delimited by backticks, brackets, dots,
/// spaces or commas on both sides.
fn documented(doc: &str, k: &str) -> bool {
    let before = ['`', '[', '.', ' ', ','];
    let after = ['`', ']', '.', ' ', ','];
    doc.match_indices(k).any(|(i, _)| {
        let b = doc[..i].chars().next_back();
        let a = doc[i + k.len()..].chars().next();
        b.is_some_and(|c| before.contains(&c)) && a.is_some_and(|c| after.contains(&c))
    })
}

/// Every key the parser accepts, in every table, is documented in
/// docs/scenarios.md (the allowed keys are taken from the parser's own
/// unknown-key errors, so the list cannot drift).
#[test]
fn docs_document_every_scenario_key() {
    let doc = include_str!("../../../docs/scenarios.md");
    let tables = [
        "",
        "[run]\n",
        "[economy]\n",
        "[world]\n",
        "[households]\n",
        "[property]\n",
        "[local_government]\n",
        "[[local_government.swap]]\nid = \"s\"\namount = 1.0\nstart = \"2025Q1\"\nend = \"2025Q4\"\n",
        "[fdi]\n",
        "[self_reliance]\n",
        "[[self_reliance.programme]]\nid = \"p\"\namount = 1.0\nstart = \"2025Q1\"\nend = \"2025Q4\"\ntarget = \"C26\"\nspending = { C26 = 1.0 }\n",
        "[controls]\n",
        "[[controls.measure]]\nid = \"m\"\nfrom = [\"USA\"]\nto = [\"CHN\"]\nproducts = [\"C26\"]\nrestricted_share = 0.1\nsubstitutability = 0.1\nstart = \"2025Q1\"\n",
        "[common_prosperity]\n",
        "[prices]\n",
        "[budget]\n",
        "[investment]\n",
        "[money]\n",
    ];
    let mut checked = 0;
    for t in tables {
        let text = format!("schema = 1\nname = \"t\"\ndescription = \"d\"\n{t}zzz_unknown = 1\n");
        let e = match parse_scenario(&text, "keys.toml", &shipped::lookup) {
            Ok(_) => panic!("an unknown key was accepted in {t:?}"),
            Err(e) => e.to_string(),
        };
        let Some(pos) = e.find(", expected") else {
            panic!("no list of allowed keys for {t:?}: {e}");
        };
        let keys: Vec<&str> = e[pos..].split('`').skip(1).step_by(2).collect();
        assert!(!keys.is_empty(), "{e}");
        for k in keys {
            assert!(
                documented(doc, k),
                "docs/scenarios.md does not document `{k}` (table {t:?})"
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} keys checked");
}
