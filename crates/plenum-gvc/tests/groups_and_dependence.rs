//! Group files, label validation, economy partitions and group dependence.

mod common;

use common::inv_i_minus;
use plenum_gvc::synthetic::random_table;
use plenum_gvc::{
    group_dependence, Economies, GvcError, GvcModel, RegionGroup, Selection, CHIP_COALITION,
};
use plenum_table::Labels;

fn labels() -> Labels {
    let r = ["CHN", "USA", "JPN", "NLD", "KOR", "TWN", "DEU", "ROW"];
    Labels::new(
        r.iter().map(|s| s.to_string()).collect(),
        vec!["a".into()],
        vec!["hh".into()],
        vec![],
    )
    .unwrap()
}

#[test]
fn default_group_is_the_chip_coalition() {
    let g = RegionGroup::default();
    assert_eq!(
        g.regions,
        CHIP_COALITION
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(g.resolve(&labels()).unwrap(), vec![1, 2, 3, 4, 5, 6]);
}

#[test]
fn toml_and_csv_parse_to_the_same_group() {
    let t = RegionGroup::parse(
        "name = \"quad\"\nregions = [\"USA\", \"JPN\",\n  \"KOR\"]\n",
        "quad.toml",
    )
    .unwrap();
    assert_eq!(t.name, "quad");
    let c = RegionGroup::parse(
        "# allies\nregion\nUSA, JPN\nKOR  # trailing comment\n",
        "quad.csv",
    )
    .unwrap();
    assert_eq!(t.regions, c.regions);
    assert_eq!(t.resolve(&labels()).unwrap(), vec![1, 2, 4]);
}

#[test]
fn unknown_label_names_position_and_valid_regions() {
    let g = RegionGroup::parse("USA\nJPN, TWM\n", "g.csv").unwrap();
    let e = g.resolve(&labels()).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(
            e,
            GvcError::UnknownLabel {
                line: 2,
                column: 6,
                ..
            }
        ),
        "{msg}"
    );
    assert!(
        msg.contains("g.csv:2:6")
            && msg.contains("TWM")
            && msg.contains("TWN")
            && msg.contains("CHN"),
        "{msg}"
    );
    let g = RegionGroup::parse("regions = [\"USA\",\n \"XXX\"]", "g.toml").unwrap();
    let msg = g.resolve(&labels()).unwrap_err().to_string();
    assert!(msg.contains("g.toml:2:") && msg.contains("XXX"), "{msg}");
}

#[test]
fn malformed_files_are_errors_with_position() {
    let e = RegionGroup::parse("regions = [\"USA\"\n", "bad.toml").unwrap_err();
    assert!(matches!(e, GvcError::Parse { .. }), "{e}");
    assert!(e.to_string().starts_with("bad.toml:"), "{e}");
    let e = RegionGroup::parse("# nothing\n", "empty.csv").unwrap_err();
    assert!(matches!(e, GvcError::Empty { .. }), "{e}");
    let e = RegionGroup::parse("US A\n", "sp.csv").unwrap_err();
    assert!(
        matches!(
            e,
            GvcError::Parse {
                line: 1,
                column: 1,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn economy_partition() {
    let l = labels();
    let e = Economies::with_groups(&l, &[("EAST", &["JPN", "KOR", "TWN"])]).unwrap();
    assert_eq!(e.names(), &["CHN", "USA", "EAST", "NLD", "DEU", "ROW"]);
    assert_eq!(e.members(2), &[2, 4, 5]);
    assert_eq!(e.of_region(5), 2);
    let err = Economies::with_groups(&l, &[("A", &["JPN"]), ("B", &["JPN"])]).unwrap_err();
    assert!(matches!(err, GvcError::RegionInTwoEconomies { .. }));
}

#[test]
fn dependence_against_dense_formulas() {
    let t = random_table(4, 3, 1, 0.2, 21).unwrap();
    let m = GvcModel::new(&t).unwrap();
    let l = t.labels();
    let g = RegionGroup::from_labels("g", &["R01", "R03"]).unwrap();
    let sel = Selection::new(l, &["R00"], Some(&["S01", "S02"])).unwrap();
    let d = group_dependence(&m, &sel, &g).unwrap();
    let n = m.n();
    let lm = inv_i_minus(&m.a().to_owned());
    let in_g = |i: usize| matches!(i / 3, 1 | 3);
    assert_eq!(d.rows.len(), 2);
    for row in &d.rows {
        let j = row.industry.unwrap();
        let zg: f64 = (0..n).filter(|&i| in_g(i)).map(|i| m.z()[(i, j)]).sum();
        let zt: f64 = (0..n).map(|i| m.z()[(i, j)]).sum();
        assert!((row.direct_share - zg / zt).abs() < 1e-14);
        let tva: f64 = (0..n)
            .filter(|&i| in_g(i))
            .map(|i| m.v()[i] * lm[(i, j)])
            .sum();
        assert!((row.total_va_share - tva).abs() < 1e-12);
        let eye = |i: usize| if i == j { 1.0 } else { 0.0 };
        let tg: f64 = (0..n)
            .filter(|&i| in_g(i))
            .map(|i| lm[(i, j)] - eye(i))
            .sum();
        let tt: f64 = (0..n).map(|i| lm[(i, j)] - eye(i)).sum();
        assert!((row.total_input_share - tg / tt).abs() < 1e-12);
        // Per product: product 0 from R01 and R03 over product 0 from all.
        let p0g = m.z()[(3, j)] + m.z()[(9, j)];
        let p0t: f64 = (0..4).map(|r| m.z()[(3 * r, j)]).sum();
        assert!((row.direct_by_product[0].unwrap() - p0g / p0t).abs() < 1e-14);
        // A share of value added per unit of final product lies in [0, 1].
        assert!((0.0..=1.0).contains(&row.total_va_share));
    }
}
