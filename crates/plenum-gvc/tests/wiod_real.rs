//! Real-table run on WIOD 2011 (skipped when ../shared/data is absent):
//! identities on a 1435-industry table, China's value-added shares, its
//! dependence on the chip coalition and its chokepoints. The printed
//! figures are quoted in docs/gvc.md.

use std::path::Path;

use plenum_gvc::selfreliance::{va_origin, Basis};
use plenum_gvc::{
    chokepoints, group_dependence, koopman_2010, wwz_participation, BmSummary, ChokepointOptions,
    Decomposer, Economies, GvcModel, RegionGroup, Selection,
};

fn wiod() -> Option<plenum_table::MrioTable> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/wiod-2013-wiot2011"
    ));
    if !dir.exists() {
        {
            // Straight to the stderr handle: the harness hides eprintln! of passing tests.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "SKIPPED: ../shared/data not found");
        }
        return None;
    }
    Some(plenum_formats::wiod::read_wiod_dir(dir, &plenum_formats::wiod::default_policy()).unwrap())
}

#[test]
fn wiod_2011_china() {
    let Some(t) = wiod() else { return };
    let l = t.labels();
    let m = GvcModel::new(&t).unwrap();
    let ec = Economies::regions(l);
    let chn = ec.index("CHN").unwrap();
    let d = Decomposer::new(&m, &ec).unwrap();
    let w = d.wwz();
    let kww = w.kww_from_wwz();
    let src = d.bm_source().unwrap();
    let snk = d.bm_sink().unwrap();
    for bt in [&w, &kww, &src, &snk] {
        let (cell, pair) = bt.max_identity_residual();
        assert!(
            cell < 1e-9 && pair < 1e-9,
            "{}: {cell:e} {pair:e}",
            bt.method
        );
    }
    let e = kww.country_exports(chn);
    let k = kww.country(chn);
    let fva_share = (k[6] + k[7] + k[8]) / e;
    eprintln!("WIOD 2011 CHN gross exports {e:.0}; KWW terms / E:");
    for (name, v) in plenum_gvc::KWW_TERMS.iter().zip(&k) {
        eprintln!("  {name:<11} {:.4}", v / e);
    }
    eprintln!("  foreign content (FVA_FIN+FVA_INT+FDC) {fva_share:.4}");
    let s = BmSummary::from_terms(&src.country(chn), src.country_exports(chn));
    eprintln!(
        "BM source: DVA {:.4} VAX {:.4} DDC {:.4} FVA {:.4} FDC {:.4} GVC {:.4}",
        s.dva / e,
        s.vax / e,
        s.ddc / e,
        s.fva / e,
        s.fdc / e,
        s.gvc / e
    );
    let s2 = BmSummary::from_terms(&snk.country(chn), snk.country_exports(chn));
    eprintln!(
        "BM sink:   DVA {:.4} VAX {:.4} DDC {:.4} FVA {:.4} FDC {:.4}",
        s2.dva / e,
        s2.vax / e,
        s2.ddc / e,
        s2.fva / e,
        s2.fdc / e
    );
    // China's foreign content in exports is far from 0 and from 1.
    assert!(fva_share > 0.1 && fva_share < 0.5, "{fva_share}");
    let kp = koopman_2010(&kww);
    eprintln!(
        "Koopman 2010: participation {:.4} position {:.4}",
        kp[chn].participation, kp[chn].position
    );
    let p = wwz_participation(&m, &ec).unwrap();
    eprintln!(
        "WWZ 2017 participation CHN: forward {:.4} backward {:.4}",
        p.forward_by_economy[chn].participation(),
        p.backward_by_economy[chn].participation()
    );
    // Electronics (c14): value-added origin and coalition dependence.
    let sel = Selection::new(l, &["CHN"], Some(&["c14"])).unwrap();
    for basis in [Basis::Output, Basis::GrossExports, Basis::FinalGoods] {
        let o = va_origin(&m, &sel, basis).unwrap();
        let top: Vec<String> = o
            .top_foreign_sources(5)
            .iter()
            .map(|(i, v)| format!("{} {:.3}", l.industry_name(*i), v / o.total))
            .collect();
        eprintln!(
            "CHN c14 {basis:?}: foreign share {:.4}; top sources {}",
            o.foreign / o.total,
            top.join(", ")
        );
    }
    let dep = group_dependence(&m, &sel, &RegionGroup::chip_coalition()).unwrap();
    let r = &dep.rows[0];
    eprintln!(
        "CHN c14 on chip coalition: direct share of intermediates {:.4}, of c14 inputs {:.4}; total VA share {:.4}; look-through input share {:.4}",
        r.direct_share,
        r.direct_by_product[13].unwrap_or(f64::NAN),
        r.total_va_share,
        r.total_input_share
    );
    let rep = chokepoints(
        &m,
        &Selection::new(l, &["CHN"], None).unwrap(),
        &ChokepointOptions::default(),
    )
    .unwrap();
    eprintln!("chokepoints for CHN: spearman {:?}", rep.spearman);
    let by = |key: &dyn Fn(&plenum_gvc::Chokepoint) -> usize, name: &str| {
        let mut v: Vec<&plenum_gvc::Chokepoint> = rep.suppliers.iter().collect();
        v.sort_by_key(|c| key(c));
        eprintln!("top 8 by {name}:");
        for c in v.iter().take(8) {
            let hits: Vec<String> = c
                .hits_bottleneck
                .iter()
                .map(|(j, _)| l.industry_name(*j))
                .collect();
            eprintln!(
                "  {:<10} ranks E{:>4} B{:>4} X{:>4}  exp {:.5} bn {:.2e} hem {:.2e} crit {:.3} direct {:.2}  hits {}",
                c.name, c.rank_exposure, c.rank_bottleneck, c.rank_extraction, c.exposure_output, c.bottleneck_va_share,
                c.extraction_output_share, c.criticality, c.exposure_direct_part, hits.join(" ")
            );
        }
    };
    by(&|c| c.rank_exposure, "exposure");
    by(&|c| c.rank_bottleneck, "bottleneck");
    by(&|c| c.rank_extraction, "extraction");
    for dg in rep.disagreements.iter().take(6) {
        eprintln!("disagreement {} {:?}: {}", dg.name, dg.ranks, dg.reason);
    }
}
