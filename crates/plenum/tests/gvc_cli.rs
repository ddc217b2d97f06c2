//! End-to-end tests of the GVC commands: `plenum analyze self-reliance`,
//! `plenum analyze decompose` and `plenum chokepoints`. Identities across
//! the commands' outputs, clean errors for unknown names, reproducible
//! files, and the "then and now" table of docs/gvc.md recomputed from the
//! real tables (skipped when ../shared/data is absent).

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::Path;

/// A tidy CSV: key columns joined by '|' → value. Keys hold no commas in
/// the files read here.
fn read_tidy(p: &Path) -> BTreeMap<String, f64> {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",value"), "{header}");
    let mut m = BTreeMap::new();
    for l in lines {
        let (k, v) = l.rsplit_once(',').unwrap();
        let prev = m.insert(k.replace(',', "|"), v.parse::<f64>().unwrap());
        assert!(prev.is_none(), "duplicate key {k} in {}", p.display());
    }
    m
}

fn get(m: &BTreeMap<String, f64>, k: &str) -> f64 {
    *m.get(k).unwrap_or_else(|| panic!("no key {k}"))
}

#[test]
fn help_explains_each_measure_with_its_paper_and_examples() {
    let s = ok(&["analyze", "self-reliance", "--help"]);
    for n in [
        "Hummels, Ishii & Yi",
        "Baldwin, Freeman & Theodorakopoulos 2022",
        "Wang, Wei, Yu & Zhu 2017",
        "Koopman, Powers, Wang & Wei 2010",
        "Examples:",
    ] {
        assert!(s.contains(n), "self-reliance help lacks {n:?}: {s}");
    }
    let s = ok(&["analyze", "decompose", "--help"]);
    for n in ["Koopman, Wang & Wei 2014", "Borin & Mancini", "Examples:"] {
        assert!(s.contains(n), "decompose help lacks {n:?}: {s}");
    }
    let s = ok(&["chokepoints", "--help"]);
    for n in ["Dietzenbacher & Lahr 2013", "Ghosh", "Examples:"] {
        assert!(s.contains(n), "chokepoints help lacks {n:?}: {s}");
    }
    let s = ok(&["analyze", "--help"]);
    assert!(
        s.contains("self-reliance") && s.contains("decompose"),
        "{s}"
    );
}

#[test]
fn plain_analyze_still_runs_without_a_subcommand() {
    let s = ok(&["analyze", "--top", "3"]);
    assert!(s.contains("output multipliers"), "{s}");
}

#[test]
fn self_reliance_outputs_add_up_and_match_the_kww_decomposition() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sr");
    let s = ok(&[
        "analyze",
        "self-reliance",
        "--region",
        "CHN",
        "--sector",
        "C26",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(s.contains("Dependence on group \"chip-coalition\""), "{s}");
    assert!(s.contains("CHN/C26"), "{s}");
    let va = read_tidy(&out.join("va_origin.csv"));
    for b in ["output", "gross_exports", "final_goods", "final_demand"] {
        let t = get(&va, &format!("{b}|total"));
        let dsum = get(&va, &format!("{b}|domestic")) + get(&va, &format!("{b}|foreign"));
        assert!((dsum - t).abs() <= 1e-9 * t, "{b}: {dsum} vs {t}");
        // The foreign part split by source region adds up too.
        let by_region: f64 = va
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{b}|foreign_from_")))
            .map(|(_, v)| v)
            .sum();
        let f = get(&va, &format!("{b}|foreign"));
        assert!((by_region - f).abs() <= 1e-9 * t, "{b}: {by_region} vs {f}");
    }
    // HIY vertical specialisation = KWW foreign content (FVA_FIN + FVA_INT
    // + FDC), computed by a different command through a different route.
    let dd = d.path().join("kww");
    ok(&[
        "analyze",
        "decompose",
        "--method",
        "kww",
        "--level",
        "sector",
        "--region",
        "CHN",
        "--out",
        dd.to_str().unwrap(),
    ]);
    let k = read_tidy(&dd.join("decomposition.csv"));
    let e = get(&k, "CHN|WLD|C26|EXGR");
    let fc = get(&k, "CHN|WLD|C26|FVA_FIN")
        + get(&k, "CHN|WLD|C26|FVA_INT")
        + get(&k, "CHN|WLD|C26|FDC");
    let share = get(&va, "gross_exports|foreign_share");
    assert!(
        (fc / e - share).abs() < 1e-9,
        "KWW {} vs HIY {share}",
        fc / e
    );
    assert!(
        (get(&va, "gross_exports|total") - e).abs() <= 1e-9 * e,
        "gross exports differ"
    );
    // The participation file's Koopman FV for C26 is the same foreign content.
    let p = read_tidy(&out.join("participation.csv"));
    let pfv = get(&p, "CHN|C26|koopman_fv") / get(&p, "CHN|C26|gross_exports");
    assert!((pfv - share).abs() < 1e-9, "{pfv} vs {share}");
    let dep = read_tidy(&out.join("dependence.csv"));
    for m in ["direct_share", "total_va_share", "total_input_share"] {
        let v = get(&dep, &format!("CHN|C26|{m}"));
        assert!(v > 0.0 && v < 1.0, "{m} = {v}");
    }
    let man = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(man.contains("\"analyze self-reliance\""), "{man}");
}

#[test]
fn decompositions_add_up_to_gross_exports_in_the_files() {
    let d = tempfile::tempdir().unwrap();
    for (method, level, terms) in [
        ("kww", "country", 9usize),
        ("wwz", "bilateral", 16),
        ("bm-source", "country", 9),
        ("bm-sink", "sector", 9),
    ] {
        let out = d.path().join(format!("{method}-{level}"));
        let s = ok(&[
            "analyze",
            "decompose",
            "--method",
            method,
            "--level",
            level,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(s.contains("identity"), "{s}");
        let m = read_tidy(&out.join("decomposition.csv"));
        let mut sums: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
        for (k, v) in &m {
            let (flow, term) = k.rsplit_once('|').unwrap();
            let e = sums.entry(flow.to_string()).or_default();
            if term == "EXGR" {
                e.0 += v;
            } else {
                e.1 += v;
                e.2 += 1;
            }
        }
        assert!(!sums.is_empty());
        for (flow, (e, t, n)) in sums {
            assert_eq!(n, terms, "{method} {flow}");
            assert!(
                (e - t).abs() <= 1e-9 * e.abs().max(1.0),
                "{method} {level} {flow}: terms {t} vs EXGR {e}"
            );
        }
    }
}

#[test]
fn chokepoints_ranks_are_permutations_and_files_are_bit_identical() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a");
    let b = d.path().join("b");
    let mut stdouts = Vec::new();
    for dir in [&a, &b] {
        stdouts.push(ok(&[
            "chokepoints",
            "--region",
            "CHN",
            "--top",
            "5",
            "--out",
            dir.to_str().unwrap(),
        ]));
    }
    assert_eq!(stdouts[0], stdouts[1]);
    let s = &stdouts[0];
    for n in [
        "by exposure",
        "by bottleneck",
        "by extraction",
        "Spearman",
        "hits most",
    ] {
        assert!(s.contains(n), "{n}: {s}");
    }
    for f in [
        "chokepoints.csv",
        "chokepoint_hits.csv",
        "chokepoint_disagreements.csv",
        "spearman.csv",
        "solver.json",
        "manifest.json",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
    let m = read_tidy(&a.join("chokepoints.csv"));
    // 9 foreign regions × 24 sectors on the default table.
    for rank in ["rank_exposure", "rank_bottleneck", "rank_extraction"] {
        let mut r: Vec<usize> = m
            .iter()
            .filter(|(k, _)| k.ends_with(&format!("|{rank}")))
            .map(|(_, v)| *v as usize)
            .collect();
        r.sort_unstable();
        assert_eq!(r, (1..=216).collect::<Vec<_>>(), "{rank}");
    }
    // No supplier is in the target region.
    assert!(m.keys().all(|k| !k.starts_with("CHN|")));
}

#[test]
fn unknown_names_are_clean_errors_listing_the_valid_ones() {
    let o = plenum(&["analyze", "self-reliance", "--region", "XXX"]);
    assert_clean_error(&o, &["unknown region \"XXX\"", "--region", "CHN, USA, JPN"]);
    let o = plenum(&["analyze", "self-reliance", "--sector", "C99"]);
    assert_clean_error(&o, &["unknown sector \"C99\"", "--sector", "C26", "C28"]);
    let o = plenum(&["chokepoints", "--region", "CHINA"]);
    assert_clean_error(&o, &["unknown region \"CHINA\"", "TWN"]);
    let o = plenum(&["analyze", "decompose", "--region", "ZZZ"]);
    assert_clean_error(&o, &["unknown region \"ZZZ\"", "EU_REST"]);
    let o = plenum(&["analyze", "decompose", "--method", "hiy"]);
    let e = stderr(&o);
    assert!(
        !o.status.success() && e.contains("kww") && !e.contains("panicked"),
        "{e}"
    );
    let o = plenum(&["chokepoints", "--critical-share", "2"]);
    assert_clean_error(&o, &["--critical-share must be in [0, 1)"]);

    let d = tempfile::tempdir().unwrap();
    let g = d.path().join("group.toml");
    std::fs::write(&g, "name = \"g\"\nregions = [\"USA\",\n  \"FRA\"]\n").unwrap();
    let o = plenum(&["analyze", "self-reliance", "--group", g.to_str().unwrap()]);
    assert_clean_error(
        &o,
        &[
            "group.toml:3:4",
            "unknown region \"FRA\"",
            "EU_REST",
            "APAC_REST",
        ],
    );
    let o = plenum(&[
        "analyze",
        "self-reliance",
        "--group",
        d.path().join("missing.toml").to_str().unwrap(),
    ]);
    assert_clean_error(&o, &["cannot read group file", "missing.toml"]);
    // A valid custom group (plain list) works and is named in the output.
    let g2 = d.path().join("asia.csv");
    std::fs::write(&g2, "region\nJPN\nKOR # Korea\nTWN\n").unwrap();
    let s = ok(&[
        "analyze",
        "self-reliance",
        "--sector",
        "C26",
        "--group",
        g2.to_str().unwrap(),
    ]);
    assert!(s.contains("(JPN KOR TWN)"), "{s}");
}

// ---------------------------------------------------------------------------
// "Then and now": the table in docs/gvc.md, recomputed.

/// The rows of the markdown tables between `<!-- then-and-now -->` and
/// `<!-- /then-and-now -->` in docs/gvc.md whose first cell is a `key`:
/// key → the other cells.
fn doc_rows() -> BTreeMap<String, Vec<String>> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/gvc.md");
    let text = std::fs::read_to_string(&p).unwrap();
    let start = text
        .find("<!-- then-and-now -->")
        .expect("docs/gvc.md has a then-and-now section");
    let end = text.find("<!-- /then-and-now -->").unwrap();
    let mut rows = BTreeMap::new();
    for l in text[start..end].lines() {
        let cells: Vec<String> = l
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if let Some(k) = cells.first().and_then(|c| c.strip_prefix('`')) {
            let k = k.trim_end_matches('`').to_string();
            rows.insert(k, cells[1..].to_vec());
        }
    }
    rows
}

/// The numbers one table gives, in the units of the doc (% or index).
struct Headline {
    values: BTreeMap<&'static str, f64>,
    exposure: Vec<String>,
    bottleneck: Vec<String>,
}

fn headline(table: &[&str], el: &str, sectors: &str, dir: &Path) -> Headline {
    let sr = dir.join("sr");
    let cp = dir.join("cp");
    let mut a = vec![
        "analyze",
        "self-reliance",
        "--region",
        "CHN",
        "--sector",
        sectors,
        "--out",
        sr.to_str().unwrap(),
    ];
    a.extend_from_slice(table);
    ok(&a);
    let mut a = vec![
        "chokepoints",
        "--region",
        "CHN",
        "--top",
        "10",
        "--out",
        cp.to_str().unwrap(),
    ];
    a.extend_from_slice(table);
    ok(&a);
    let va = read_tidy(&sr.join("va_origin.csv"));
    let p = read_tidy(&sr.join("participation.csv"));
    let d = read_tidy(&sr.join("dependence.csv"));
    let dp = read_tidy(&sr.join("dependence_by_product.csv"));
    let mut v = BTreeMap::new();
    let pc = |x: f64| 100.0 * x;
    v.insert(
        "fva_exports_total",
        pc(get(&p, "CHN|all|koopman_fv") / get(&p, "CHN|all|gross_exports")),
    );
    v.insert(
        "fva_exports_electronics",
        pc(get(&p, &format!("CHN|{el}|koopman_fv")) / get(&p, &format!("CHN|{el}|gross_exports"))),
    );
    v.insert(
        "fva_exports_c26_c27",
        pc(get(&va, "gross_exports|foreign_share")),
    );
    v.insert(
        "coalition_direct_electronics_inputs",
        pc(get(&dp, &format!("CHN|{el}|{el}"))),
    );
    v.insert(
        "coalition_direct_all_inputs",
        pc(get(&d, &format!("CHN|{el}|direct_share"))),
    );
    v.insert(
        "coalition_lookthrough",
        pc(get(&d, &format!("CHN|{el}|total_input_share"))),
    );
    v.insert(
        "coalition_lookthrough_c26_c27",
        pc(get(&d, "selection|all|total_input_share")),
    );
    v.insert(
        "coalition_va_share",
        pc(get(&d, &format!("CHN|{el}|total_va_share"))),
    );
    v.insert(
        "koopman_position_total",
        get(&p, "CHN|all|koopman_position"),
    );
    v.insert(
        "koopman_position_electronics",
        get(&p, &format!("CHN|{el}|koopman_position")),
    );
    let c = read_tidy(&cp.join("chokepoints.csv"));
    let top = |rank: &str| -> Vec<String> {
        let mut r: Vec<(usize, String)> = c
            .iter()
            .filter_map(|(k, v)| {
                let parts: Vec<&str> = k.split('|').collect();
                (parts[2] == rank).then(|| (*v as usize, format!("{}/{}", parts[0], parts[1])))
            })
            .collect();
        r.sort();
        r.into_iter().take(10).map(|x| x.1).collect()
    };
    Headline {
        values: v,
        exposure: top("rank_exposure"),
        bottleneck: top("rank_bottleneck"),
    }
}

#[test]
fn then_and_now_table_in_docs_is_current() {
    let Some(data) = shared_data() else { return };
    let d = tempfile::tempdir().unwrap();
    let wiod = data.join("wiod-2013-wiot2011");
    let world = d.path().join("world2022.plenum");
    ok(&[
        "table",
        "build",
        "--data",
        data.to_str().unwrap(),
        "--out",
        world.to_str().unwrap(),
    ]);
    let tables = [
        headline(
            &[wiod.to_str().unwrap(), "--allow-zero-output"],
            "c14",
            "c14",
            &d.path().join("wiod"),
        ),
        headline(
            &[world.to_str().unwrap()],
            "C26",
            "C26,C27",
            &d.path().join("world"),
        ),
        headline(&[], "C26", "C26,C27", &d.path().join("default")),
    ];
    let rows = doc_rows();
    let mut checked = 0;
    for key in tables[0].values.keys() {
        let row = rows
            .get(*key)
            .unwrap_or_else(|| panic!("docs/gvc.md lacks the row `{key}`"));
        for (k, t) in tables.iter().enumerate() {
            let doc: f64 = row[k + 1]
                .parse()
                .unwrap_or_else(|_| panic!("`{key}` column {}: {:?}", k + 2, row[k + 1]));
            let got = t.values[key];
            // The doc rounds percentages to 0.1 and indices to 0.001.
            let tol = if key.starts_with("koopman") {
                0.0006
            } else {
                0.06
            };
            assert!(
                (got - doc).abs() <= tol,
                "docs/gvc.md `{key}` column {}: doc {doc}, recomputed {got:.4}; update the doc",
                k + 2
            );
            checked += 1;
        }
    }
    for (k, t) in tables.iter().enumerate() {
        for (rank, list) in [("exposure", &t.exposure), ("bottleneck", &t.bottleneck)] {
            for (i, name) in list.iter().enumerate() {
                let row = rows
                    .get(&format!("top{}", i + 1))
                    .unwrap_or_else(|| panic!("docs/gvc.md lacks the row `top{}`", i + 1));
                let col = 2 * k + usize::from(rank == "bottleneck");
                assert_eq!(
                    &row[col],
                    name,
                    "docs/gvc.md chokepoint rank {} by {rank}, table {k}",
                    i + 1
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 10 * 3 + 60);
}
