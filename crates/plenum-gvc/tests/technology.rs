//! Chokepoints by technology on the embedded default table (2022, 10
//! regions × 24 sectors): lithography and wafer-fab tools from the
//! Netherlands, Japan and the US rank among China's top chokepoints (of 47
//! origin × technology rows), and the remainders of the products (other
//! electronics, other machinery) carry no loss.

use plenum_gvc::{technology_chokepoints, GvcModel, TechChokeOptions, TechnologyTable};

fn default_model() -> GvcModel {
    let t = plenum_testdata::default_table().expect("default table");
    GvcModel::new(&t).expect("model")
}

#[test]
fn tools_rank_among_chinas_top_chokepoints() {
    let m = default_model();
    let chn = m.labels().region_index("CHN").expect("CHN");
    let techs = TechnologyTable::shipped().expect("technology file");
    let rep =
        technology_chokepoints(&m, &[chn], &techs, &TechChokeOptions::default()).expect("ranking");
    for r in rep.rows.iter().take(20) {
        eprintln!(
            "{:>3} {:<10} {:<18} supply {:>9.0} share {:.3} sigma {:.2} VA loss {:>9.0} ({:.3}%)",
            r.rank,
            r.origin,
            r.technology,
            r.supply,
            r.supplier_share,
            r.substitutability,
            r.va_loss,
            100.0 * r.va_share
        );
    }
    let rank = |o: &str, t: &str| {
        rep.rows
            .iter()
            .find(|r| r.origin == o && r.technology == t)
            .map(|r| r.rank)
            .unwrap_or(usize::MAX)
    };
    assert!(
        rank("NLD", "lithography") <= 10,
        "NLD lithography {}",
        rank("NLD", "lithography")
    );
    assert!(
        rank("JPN", "fab_tools") <= 15,
        "JPN tools {}",
        rank("JPN", "fab_tools")
    );
    // US tools shipped from US firms' plants in Singapore and Malaysia count
    // under APAC_REST (docs/gvc.md); the US's own shipments rank in the top 20.
    assert!(
        rank("USA", "fab_tools") <= 20,
        "US tools {}",
        rank("USA", "fab_tools")
    );
    assert!(
        rank("JPN", "lithography") <= 20,
        "JPN lithography {}",
        rank("JPN", "lithography")
    );
    // Nothing but the technologies' own products, and the remainders
    // (other electronics, other machinery) lose nothing.
    for r in &rep.rows {
        assert!(r.product == "C26" || r.product == "C28");
        if r.technology.starts_with("other") {
            assert_eq!(r.va_loss, 0.0, "{} {}", r.origin, r.technology);
        }
        assert!(r.va_loss >= 0.0 && r.va_share < 1.0);
    }
    // Ranked largest first.
    assert!(rep.rows.windows(2).all(|w| w[0].va_loss >= w[1].va_loss));
}

#[test]
fn a_longer_horizon_weighs_tools_more_and_substitutable_chips_less() {
    let m = default_model();
    let chn = m.labels().region_index("CHN").expect("CHN");
    let techs = TechnologyTable::shipped().expect("technology file");
    let at = |h: f64, o: &str, t: &str| {
        let opts = TechChokeOptions {
            horizon_years: h,
            ..TechChokeOptions::default()
        };
        let rep = technology_chokepoints(&m, &[chn], &techs, &opts).expect("ranking");
        rep.rows
            .iter()
            .find(|r| r.origin == o && r.technology == t)
            .map(|r| r.va_loss)
            .unwrap_or(0.0)
    };
    // Tools: more capacity falls due for renewal; mature chips: substitutes arrive.
    assert!(at(4.0, "NLD", "lithography") > at(1.0, "NLD", "lithography"));
    assert!(at(4.0, "TWN", "mature_node") < at(1.0, "TWN", "mature_node"));
    let e = technology_chokepoints(
        &m,
        &[chn],
        &techs,
        &TechChokeOptions {
            horizon_years: -1.0,
            ..TechChokeOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("horizon"), "{e}");
}
