//! The pymrio text reader's storage choice (issue 15, item 2): a sparse Z
//! read with `Storage::Auto` or `Sparse` is compressed sparse rows with
//! every number, the validation report and the table hash of the dense
//! read; a dense Z stays dense under `Auto`, also just past the threshold;
//! bad cells give the dense reader's errors. Small files (whole-file
//! parser) and a file past the piecewise reader's 16 MB (`LARGE_TEXT`).

mod common;

use std::path::Path;

use plenum_formats::native::table_hash;
use plenum_formats::pymrio::{self, read_pymrio_with, write_folder, PymrioReadOptions};
use plenum_formats::storage::SPARSE_MAX_DENSITY;
use plenum_formats::Storage;
use plenum_table::{Flows, Mat, MrioTable};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A balanced, productive table of `nr` regions × `ns` sectors whose Z has
/// exactly `nnz` nonzero cells, placed at random (seeded). Values carry
/// 15-17 significant digits, so that the written Z is as long as a real
/// table's.
fn table_with_nnz(seed: u64, nr: usize, ns: usize, nnz: usize) -> MrioTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = nr * ns;
    let mut cells: Vec<usize> = (0..n * n).collect();
    cells.shuffle(&mut rng);
    let mut z = Mat::<f64>::zeros(n, n);
    for &c in &cells[..nnz] {
        z[(c % n, c / n)] = 1.0 + 9.0 * rng.random::<f64>();
    }
    common::table_around_z(z, nr, ns, &mut rng, format!("sparse-{seed}"))
}

fn read(dir: &Path, storage: Storage) -> plenum_formats::Result<MrioTable> {
    read_pymrio_with(
        dir,
        &PymrioReadOptions {
            storage,
            ..Default::default()
        },
        &pymrio::default_policy(),
    )
}

/// `b` is `a` read with another storage: every number, the report and the
/// table hash are the same.
fn assert_same_table(a: &MrioTable, b: &MrioTable) {
    common::assert_bit_identical(a, b);
    assert_eq!(a.report(), b.report());
    assert_eq!(table_hash(a), table_hash(b));
}

fn written(t: &MrioTable) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_folder(t, dir.path()).unwrap();
    dir
}

/// The largest count of nonzeros `Auto` keeps sparse for n industries.
fn bound(n: usize) -> usize {
    (SPARSE_MAX_DENSITY * (n * n) as f64).floor() as usize
}

#[test]
fn a_sparse_table_is_read_into_csr_with_the_dense_reads_numbers() {
    // n = 60: 5 % of the cells nonzero.
    let t = table_with_nnz(1, 3, 20, 180);
    let dir = written(&t);
    let dense = read(dir.path(), Storage::Dense).unwrap();
    assert!(matches!(dense.z_flows(), Flows::Dense(_)));
    for storage in [Storage::Auto, Storage::Sparse] {
        let s = read(dir.path(), storage).unwrap();
        assert!(matches!(s.z_flows(), Flows::Sparse(_)), "{storage:?}");
        assert!(s.z_is_sparse_only(), "{storage:?}: a dense copy was made");
        assert_eq!(s.z_flows().nnz(), 180);
        // Report and hash first: they must not need the dense copy.
        assert_eq!(s.report(), dense.report());
        assert_eq!(table_hash(&s), table_hash(&dense));
        assert!(
            s.z_is_sparse_only(),
            "{storage:?}: hashing made a dense copy"
        );
        assert_same_table(&dense, &s);
        // V derived from Z's column sums, as for the dense read.
        assert_eq!(s.v()[(0, 7)].to_bits(), dense.v()[(0, 7)].to_bits());
    }
}

#[test]
fn auto_keeps_a_dense_table_dense_and_sparse_forces_csr() {
    let t = common::random_table(3, 2, 5, 2, false);
    let dir = written(&t);
    let dense = read(dir.path(), Storage::Dense).unwrap();
    let auto = read(dir.path(), Storage::Auto).unwrap();
    assert!(matches!(auto.z_flows(), Flows::Dense(_)));
    assert_same_table(&dense, &auto);
    let sparse = read(dir.path(), Storage::Sparse).unwrap();
    assert!(matches!(sparse.z_flows(), Flows::Sparse(_)));
    assert_eq!(sparse.z_flows().nnz(), 100);
    assert_same_table(&dense, &sparse);
}

/// At the threshold `Auto` stays sparse; one nonzero past it, it ends dense
/// (the switch happens while reading) with the same numbers.
#[test]
fn auto_switches_to_dense_just_past_the_threshold() {
    // n = 200 (several units of rows): 6,000 cells is exactly 0.15.
    let n = 200;
    for (nnz, sparse) in [(bound(n), true), (bound(n) + 1, false)] {
        let t = table_with_nnz(5, 4, 50, nnz);
        let dir = written(&t);
        let dense = read(dir.path(), Storage::Dense).unwrap();
        let auto = read(dir.path(), Storage::Auto).unwrap();
        assert_eq!(
            matches!(auto.z_flows(), Flows::Sparse(_)),
            sparse,
            "nnz {nnz}"
        );
        assert_same_table(&dense, &auto);
    }
}

/// A Z.txt past 16 MB goes through the piecewise reader: the same.
#[test]
fn the_piecewise_reader_fills_csr_too() {
    // n = 2,500 at 5 %: about 18 MB of text.
    let n = 2500;
    let t = table_with_nnz(7, 5, 500, n * n / 20);
    let dir = written(&t);
    let size = std::fs::metadata(dir.path().join("Z.txt")).unwrap().len();
    assert!(size >= 16 << 20, "Z.txt is {size} bytes: below LARGE_TEXT");
    let dense = read(dir.path(), Storage::Dense).unwrap();
    let auto = read(dir.path(), Storage::Auto).unwrap();
    assert!(matches!(auto.z_flows(), Flows::Sparse(_)));
    assert!(auto.z_is_sparse_only());
    assert_same_table(&dense, &auto);
}

/// Bad cells in Z give the dense reader's error (file, line, column,
/// labels) whatever the storage, in small and large files.
#[test]
fn bad_cells_give_the_same_errors_on_the_sparse_path() {
    for (nr, ns, nnz) in [(3, 20, 180), (5, 500, 2500 * 2500 / 20)] {
        let t = table_with_nnz(9, nr, ns, nnz);
        let dir = written(&t);
        let zp = dir.path().join("Z.txt");
        let good = std::fs::read_to_string(&zp).unwrap();
        let bads: &[&str] = if nr * ns > 100 {
            &["nan", "1.2.3"]
        } else {
            &["nan", "1.2.3", "", "inf"]
        };
        for bad in bads {
            // The 5th field of the 7th line: a value (2 index columns).
            let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
            let mut fields: Vec<&str> = lines[6].split('\t').collect();
            fields[4] = *bad;
            lines[6] = fields.join("\t");
            std::fs::write(&zp, lines.join("\n") + "\n").unwrap();
            let want = read(dir.path(), Storage::Dense).unwrap_err().to_string();
            assert!(want.contains("Z.txt") && want.contains("line 7"), "{want}");
            for storage in [Storage::Auto, Storage::Sparse] {
                let got = read(dir.path(), storage).unwrap_err().to_string();
                assert_eq!(got, want, "{bad:?}, {storage:?}, n = {}", nr * ns);
            }
        }
    }
}
