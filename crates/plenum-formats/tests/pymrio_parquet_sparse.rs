//! The pymrio Parquet reader's storage choice (issue 15, item 2): with
//! `Storage::Auto` or `Sparse` a sparse Z.parquet is filled into compressed
//! sparse rows straight from its columns, never as a dense n × n matrix
//! (the peak resident memory of the read says so), with every number, the
//! validation report and the table hash of the dense read; `Auto` keeps
//! sparse up to exactly `SPARSE_MAX_DENSITY` and ends dense one nonzero
//! past it, also when the bound is passed early in the file; −0.0 is read
//! as 0.0 as the text reader documents; bad cells give the dense read's
//! errors. Files have several row groups and column groups, and are read
//! on 1, 2 and 3 threads.
//!
//! The tests of this file run one at a time (`SERIAL`), so that the peak
//! resident memory measured is that of one read.

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use arrow_array::{ArrayRef, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use plenum_formats::native::table_hash;
use plenum_formats::pymrio::{self, read_pymrio_with, PymrioReadOptions};
use plenum_formats::storage::SPARSE_MAX_DENSITY;
use plenum_formats::Storage;
use plenum_table::{Flows, Mat, MrioTable};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A balanced, productive table of `nr` regions × `ns` sectors with this
/// Z (two final-demand categories, V = x' − 1'Z).
fn table_of(z: Mat<f64>, nr: usize, ns: usize, seed: u64) -> MrioTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    common::table_around_z(z, nr, ns, &mut rng, format!("parquet-{seed}"))
}

/// Whether column j of Z is written as int64 (its values whole numbers).
fn int_col(j: usize) -> bool {
    j % 7 == 3
}

/// A Z of n × n with exactly the given nonzero cells (column-major
/// positions i + n·j), values with 15-17 significant digits (whole numbers
/// in the int64 columns).
fn z_with_cells(n: usize, cells: &[usize], rng: &mut ChaCha8Rng) -> Mat<f64> {
    let mut z = Mat::<f64>::zeros(n, n);
    for &c in cells {
        let (i, j) = (c % n, c / n);
        z[(i, j)] = if int_col(j) {
            f64::from(rng.random_range(1..10))
        } else {
            1.0 + 9.0 * rng.random::<f64>()
        };
    }
    z
}

/// A table whose Z has exactly `nnz` nonzero cells placed at random.
fn table_with_nnz(seed: u64, nr: usize, ns: usize, nnz: usize) -> MrioTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = nr * ns;
    let mut cells: Vec<usize> = (0..n * n).collect();
    cells.shuffle(&mut rng);
    cells.truncate(nnz);
    let z = z_with_cells(n, &cells, &mut rng);
    table_of(z, nr, ns, seed)
}

/// One Parquet file as pandas `to_parquet` writes a frame: the data
/// columns, then the index columns `region` and `sector`, named in the
/// schema's pandas metadata; at most `rows_per_group` rows per row group,
/// snappy, dictionary pages.
fn write_parquet(path: &Path, rows: &[(String, String)], cols: Vec<(String, ArrayRef)>) {
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for (name, a) in cols {
        fields.push(Field::new(name, a.data_type().clone(), true));
        arrays.push(a);
    }
    for (k, level) in ["region", "sector"].into_iter().enumerate() {
        fields.push(Field::new(level, DataType::Utf8, false));
        let labels = rows.iter().map(|r| if k == 0 { &r.0 } else { &r.1 });
        arrays.push(Arc::new(StringArray::from_iter_values(labels)) as ArrayRef);
    }
    let meta: HashMap<String, String> = [(
        "pandas".to_string(),
        r#"{"index_columns": ["region", "sector"]}"#.to_string(),
    )]
    .into_iter()
    .collect();
    let schema = Arc::new(Schema::new(fields).with_metadata(meta));
    let batch = RecordBatch::try_new(schema.clone(), arrays).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(rows.len().div_ceil(3).max(1)))
        .set_compression(Compression::SNAPPY)
        .build();
    let mut w = ArrowWriter::try_new(File::create(path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// What goes into one cell of Z.parquet: a value or a missing one.
type Cell = Option<f64>;

/// A pymrio Parquet folder of `t`'s labels and Y, with Z's cells given by
/// `z_cell(i, j)` (int64 columns where [`int_col`]; float32 if `f32_col`
/// says so, which the reader refuses).
fn write_parquet_folder(
    dir: &Path,
    t: &MrioTable,
    z_cell: impl Fn(usize, usize) -> Cell,
    f32_col: Option<usize>,
) {
    let l = t.labels();
    let n = l.n_industries();
    let rows: Vec<(String, String)> = (0..n)
        .map(|i| {
            let (r, s) = (i / l.n_sectors(), i % l.n_sectors());
            (l.regions()[r].clone(), l.sectors()[s].clone())
        })
        .collect();
    let zcols = (0..n)
        .map(|j| {
            let name = format!("('{}', '{}')", rows[j].0, rows[j].1);
            let a: ArrayRef = if f32_col == Some(j) {
                Arc::new(Float32Array::from_iter(
                    (0..n).map(|i| z_cell(i, j).map(|v| v as f32)),
                ))
            } else if int_col(j) {
                Arc::new(Int64Array::from_iter(
                    (0..n).map(|i| z_cell(i, j).map(|v| v as i64)),
                ))
            } else {
                Arc::new(Float64Array::from_iter((0..n).map(|i| z_cell(i, j))))
            };
            (name, a)
        })
        .collect();
    write_parquet(&dir.join("Z.parquet"), &rows, zcols);
    let cats = l.fd_categories();
    let ycols = (0..t.y().ncols())
        .map(|c| {
            let (r, f) = (c / cats.len(), c % cats.len());
            let name = format!("('{}', '{}')", l.regions()[r], cats[f]);
            let a: ArrayRef = Arc::new(Float64Array::from_iter_values(
                (0..n).map(|i| t.y()[(i, c)]),
            ));
            (name, a)
        })
        .collect();
    write_parquet(&dir.join("Y.parquet"), &rows, ycols);
    let entry =
        |file: &str| format!(r#"{{"name": "{file}", "nr_index_col": "2", "nr_header": "2"}}"#);
    std::fs::write(
        dir.join("file_parameters.json"),
        format!(
            r#"{{"files": {{"Z": {}, "Y": {}}}, "systemtype": "IOSystem"}}"#,
            entry("Z.parquet"),
            entry("Y.parquet")
        ),
    )
    .unwrap();
}

/// `t` written as a Parquet folder, Z's cells as they are.
fn written(t: &MrioTable) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let z = t.z();
    write_parquet_folder(dir.path(), t, |i, j| Some(z[(i, j)]), None);
    dir
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

/// [`read`] on a pool of `threads` threads.
fn read_on(dir: &Path, storage: Storage, threads: usize) -> plenum_formats::Result<MrioTable> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| read(dir, storage))
}

/// `b` is `a` read with another storage: every number, the report and the
/// table hash are the same (report and hash first: they must not need a
/// dense copy of a sparse Z).
fn assert_same_table(a: &MrioTable, b: &MrioTable, what: &str) {
    assert_eq!(a.report(), b.report(), "{what}: report");
    assert_eq!(table_hash(a), table_hash(b), "{what}: hash");
    if matches!(b.z_flows(), Flows::Sparse(_)) {
        assert!(b.z_is_sparse_only(), "{what}: a dense copy was made");
    }
    common::assert_bit_identical(a, b);
}

/// The largest count of nonzeros `Auto` keeps sparse for n industries.
fn bound(n: usize) -> usize {
    (SPARSE_MAX_DENSITY * (n * n) as f64).floor() as usize
}

#[test]
fn a_sparse_parquet_z_is_filled_into_csr_with_the_dense_reads_numbers() {
    let _s = serial();
    // n = 60 (four column groups of 16 and three row groups), 5 % nonzero.
    let t = table_with_nnz(1, 3, 20, 180);
    let dir = written(&t);
    let dense = read(dir.path(), Storage::Dense).unwrap();
    assert!(matches!(dense.z_flows(), Flows::Dense(_)));
    // The dense read's Z is the table's, bit for bit.
    let (zt, zd) = (t.z(), dense.z());
    assert!((0..60).all(|j| (0..60).all(|i| zt[(i, j)].to_bits() == zd[(i, j)].to_bits())));
    for storage in [Storage::Auto, Storage::Sparse] {
        for threads in [1, 2, 3] {
            let what = format!("{storage:?}, {threads} threads");
            let s = read_on(dir.path(), storage, threads).unwrap();
            assert!(matches!(s.z_flows(), Flows::Sparse(_)), "{what}");
            assert_eq!(s.z_flows().nnz(), 180, "{what}");
            assert_same_table(&dense, &s, &what);
        }
    }
}

#[test]
fn auto_keeps_a_dense_parquet_z_dense_and_sparse_forces_csr() {
    let _s = serial();
    // Every cell nonzero: Auto passes the bound in the first column groups
    // and decodes the rest dense.
    let n = 50;
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let z = z_with_cells(n, &(0..n * n).collect::<Vec<_>>(), &mut rng);
    let t = table_of(z, 2, 25, 2);
    let dir = written(&t);
    let dense = read(dir.path(), Storage::Dense).unwrap();
    for threads in [1, 2, 3] {
        let auto = read_on(dir.path(), Storage::Auto, threads).unwrap();
        assert!(matches!(auto.z_flows(), Flows::Dense(_)));
        assert_same_table(&dense, &auto, &format!("auto, {threads} threads"));
        let sparse = read_on(dir.path(), Storage::Sparse, threads).unwrap();
        assert!(matches!(sparse.z_flows(), Flows::Sparse(_)));
        assert_eq!(sparse.z_flows().nnz(), n * n);
        assert_same_table(&dense, &sparse, &format!("sparse, {threads} threads"));
    }
}

/// At exactly 0.15 of the cells `Auto` stays sparse; one nonzero more and
/// it ends dense with the dense read's numbers, whether the bound is
/// passed by the last column (every group gathered sparse, then written
/// dense) or early (the first columns full: the rest decoded dense).
#[test]
fn auto_switches_to_dense_exactly_past_the_threshold() {
    let _s = serial();
    let (nr, ns) = (4, 50);
    let n = nr * ns; // 13 column groups; bound(200) = 6,000 cells
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let all: Vec<usize> = (0..n * n).collect();
    // Random cells but none in the last column, which gets the last one.
    let mut early: Vec<usize> = all[..n * (n - 1)].to_vec();
    early.shuffle(&mut rng);
    // The first 20 columns full (4,000 cells), the rest at random.
    let mut front: Vec<usize> = all[..20 * n].to_vec();
    let mut rest: Vec<usize> = all[20 * n..].to_vec();
    rest.shuffle(&mut rng);
    front.extend_from_slice(&rest[..bound(n) - 20 * n]);
    for (case, nnz, sparse) in [
        ("random", bound(n), true),
        ("last column", bound(n) + 1, false),
        ("first columns", bound(n), true),
        ("first columns", bound(n) + 1, false),
    ] {
        let cells: Vec<usize> = match case {
            "random" => early[..nnz].to_vec(),
            "last column" => {
                let mut c = early[..nnz - 1].to_vec();
                c.push(n * n - 1);
                c
            }
            _ => {
                let mut c = front.clone();
                if nnz > c.len() {
                    c.push(rest[bound(n) - 20 * n]);
                }
                c
            }
        };
        assert_eq!(cells.len(), nnz);
        let t = table_of(z_with_cells(n, &cells, &mut rng), nr, ns, 5);
        let dir = written(&t);
        let dense = read(dir.path(), Storage::Dense).unwrap();
        assert_eq!(dense.z_flows().nnz(), nnz);
        for threads in [1, 2, 3] {
            let what = format!("{case}, nnz {nnz}, {threads} threads");
            let auto = read_on(dir.path(), Storage::Auto, threads).unwrap();
            assert_eq!(matches!(auto.z_flows(), Flows::Sparse(_)), sparse, "{what}");
            assert_same_table(&dense, &auto, &what);
        }
    }
}

/// A −0.0 in Z.parquet is read as 0.0 with `auto` or `sparse`, as the text
/// reader documents (docs/formats.md), also when `auto` ends dense: the
/// table is the dense read of the file with 0.0 in its place. One column
/// is all −0.0 (its sum is 0.0, not the dense pass's −0.0).
#[test]
fn negative_zeros_are_read_as_zeros_as_by_the_text_reader() {
    let _s = serial();
    for (nnz, sparse) in [(180, true), (3000, false)] {
        let t = table_with_nnz(11, 3, 20, nnz);
        let z = t.z().clone();
        let minus = |i: usize, j: usize| j == 5 || (i + j).is_multiple_of(3);
        let cell = |i: usize, j: usize| {
            let v = z[(i, j)];
            Some(if v == 0.0 && minus(i, j) && !int_col(j) {
                -0.0
            } else {
                v
            })
        };
        // One folder, so that the tables' notes (which name it) agree:
        // the signed file read first, then the plain one in its place.
        let dir = tempfile::tempdir().unwrap();
        write_parquet_folder(dir.path(), &t, cell, None);
        let kept = read(dir.path(), Storage::Dense).unwrap();
        let negative_zero = (-0.0f64).to_bits();
        assert!(kept.z().col(5).iter().any(|v| v.to_bits() == negative_zero));
        let mut got = Vec::new();
        for storage in [Storage::Auto, Storage::Sparse] {
            for threads in [1, 3] {
                let s = read_on(dir.path(), storage, threads).unwrap();
                got.push((
                    format!("nnz {nnz}, {storage:?}, {threads} threads"),
                    storage,
                    s,
                ));
            }
        }
        write_parquet_folder(dir.path(), &t, |i, j| Some(z[(i, j)]), None);
        let want = read(dir.path(), Storage::Dense).unwrap();
        for (what, storage, s) in got {
            let is_sparse = matches!(s.z_flows(), Flows::Sparse(_));
            assert_eq!(is_sparse, sparse || storage == Storage::Sparse, "{what}");
            assert_same_table(&want, &s, &what);
        }
    }
}

/// A missing or non-finite cell, before or after the column where `auto`
/// passes the bound, and a column the reader refuses (float32), give the
/// dense read's error (file, column, row) whatever the storage.
#[test]
fn bad_cells_give_the_dense_reads_errors() {
    let _s = serial();
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let n = 60;
    // Dense enough that auto passes the bound about a third of the way.
    let z = z_with_cells(n, &(0..n * n).collect::<Vec<_>>(), &mut rng);
    let t = table_of(z.clone(), 3, 20, 13);
    for (i, j, bad, f32_col) in [
        (40, 2, Some(f64::NAN), None),
        (7, 50, None, None),
        (59, 33, Some(f64::INFINITY), None),
        (0, 0, None, Some(44)),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let cell = |a: usize, b: usize| {
            if (a, b) == (i, j) && f32_col.is_none() {
                bad
            } else {
                Some(z[(a, b)])
            }
        };
        write_parquet_folder(dir.path(), &t, cell, f32_col);
        let want = read(dir.path(), Storage::Dense).unwrap_err().to_string();
        assert!(want.contains("Z.parquet"), "{want}");
        if f32_col.is_none() {
            assert!(
                want.contains(&format!("row {}: a missing or non-finite value", i + 1)),
                "{want}"
            );
        }
        for storage in [Storage::Auto, Storage::Sparse] {
            for threads in [1, 2, 3] {
                let got = read_on(dir.path(), storage, threads)
                    .unwrap_err()
                    .to_string();
                assert_eq!(got, want, "({i}, {j}), {storage:?}, {threads} threads");
            }
        }
    }
}

/// Set in the child process of [`the_sparse_fill_never_holds_a_dense_z`]:
/// the folder and storage to read.
const PEAK_CHILD: &str = "PLENUM_TEST_PEAK_CHILD";

/// The process's peak resident memory (kB), Linux's `VmHWM`.
#[cfg(target_os = "linux")]
fn peak_kb() -> i64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = s.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The sparse fill never holds a dense Z: each read runs in a fresh
/// process (this test binary, run again for this test only), whose peak
/// resident memory is then the read's (in this process, memory the
/// allocator kept from writing the file would hide it). For a Z of
/// n = 2,400 (a dense copy is 46 MB) at 1 % nonzero, the dense read's peak
/// is above the sparse and auto reads' by at least two thirds of the
/// matrix; a reader that decoded dense and converted would peak above the
/// dense read.
#[cfg(target_os = "linux")]
#[test]
fn the_sparse_fill_never_holds_a_dense_z() {
    const NAME: &str = "the_sparse_fill_never_holds_a_dense_z";
    if let Ok(spec) = std::env::var(PEAK_CHILD) {
        let (dir, storage) = spec.rsplit_once('|').unwrap();
        let storage = Storage::parse(storage).unwrap();
        let t = read(Path::new(dir), storage).unwrap();
        assert_eq!(t.z_is_sparse_only(), storage != Storage::Dense);
        println!("peak_kb {}", peak_kb());
        return;
    }
    let _s = serial();
    let n = 2400;
    let t = table_with_nnz(17, 4, 600, n * n / 100);
    let dir = written(&t);
    drop(t);
    let peak = |storage: Storage| -> i64 {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(
                PEAK_CHILD,
                format!("{}|{}", dir.path().display(), storage.name()),
            )
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{storage:?}: {stdout}");
        // After the harness's "test … … " on the same line.
        let after = stdout.split("peak_kb ").nth(1).unwrap();
        after.split_whitespace().next().unwrap().parse().unwrap()
    };
    let dense_kb = (8 * n * n / 1024) as i64;
    let dense = peak(Storage::Dense);
    assert!(dense >= dense_kb, "dense read: peak {dense} kB");
    for storage in [Storage::Sparse, Storage::Auto] {
        let p = peak(storage);
        assert!(
            p + 2 * dense_kb / 3 <= dense,
            "{storage:?}: peak {p} kB, dense read {dense} kB, a dense Z {dense_kb} kB"
        );
    }
}
