//! Unit tests of the pymrio reader's frame parsing: the fast paths (whole
//! file and piecewise) against the csv path on pymrio's files and seeded
//! variants, and a frame without header lines refused.

use rand::{Rng, SeedableRng};

use super::*;

fn mock(file: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pymrio/test-mrio-txt")
        .join(file);
    std::fs::read(p).unwrap()
}

fn slow(bytes: &[u8], nic: usize, nh: usize) -> Result<Frame> {
    slow_frame(read_bytes("t.txt", bytes, TextOptions::TSV)?, nic, nh, true)
}

fn assert_same(a: &Frame, b: &Frame, what: &str) {
    assert_eq!(a.row_keys, b.row_keys, "{what}");
    assert_eq!(a.row_lines, b.row_lines, "{what}");
    assert_eq!(a.col_keys, b.col_keys, "{what}");
    assert_eq!(a.header_line, b.header_line, "{what}");
    assert_eq!(
        (a.values.nrows(), a.values.ncols()),
        (b.values.nrows(), b.values.ncols()),
        "{what}"
    );
    for j in 0..a.values.ncols() {
        for i in 0..a.values.nrows() {
            assert_eq!(
                a.values[(i, j)].to_bits(),
                b.values[(i, j)].to_bits(),
                "{what} ({i}, {j})"
            );
        }
    }
}

/// The fast path reads pymrio's own files and gives the csv path's frame.
#[test]
fn fast_path_reads_pymrio_files_as_the_csv_path() {
    for (file, nic, nh) in [
        ("Z.txt", 2, 2),
        ("Y.txt", 2, 2),
        ("x.txt", 2, 1),
        ("A.txt", 2, 2),
        ("emissions/F.txt", 2, 2),
        ("emissions/F_Y.txt", 2, 2),
        ("factor_inputs/F.txt", 1, 2),
    ] {
        let b = mock(file);
        let fast = fast::parse(&b, nic, nh)
            .unwrap_or_else(|| panic!("{file}: fast path refused"))
            .into_frame("t.txt".into());
        assert_same(&fast, &slow(&b, nic, nh).unwrap(), file);
    }
}

/// The two column-label lines of a one-region table of `nc` sectors.
fn header_lines(nc: usize) -> Vec<String> {
    let sectors: Vec<String> = (0..nc).map(|c| format!("s{c}")).collect();
    vec![
        format!("region\t\t{}", vec!["r1"; nc].join("\t")),
        format!("sector\t\t{}", sectors.join("\t")),
    ]
}

/// Seeded variants of a table: the fast path either refuses or agrees
/// with the csv path bit for bit, and takes the plain ones.
#[test]
fn fast_path_agrees_or_refuses_on_seeded_variants() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut taken = 0;
    for case in 0..400 {
        let (nr, nc) = (rng.random_range(0..40), rng.random_range(1..6));
        let mut lines = header_lines(nc);
        lines.push(format!("region\tsector{}", "\t".repeat(nc)));
        for i in 0..nr {
            let vals: Vec<String> = (0..nc)
                .map(|_| {
                    let v: f64 = rng.random::<f64>() * 10f64.powi(rng.random_range(-5..9));
                    match rng.random_range(0..4) {
                        0 => format!("{v:?}"),
                        1 => format!("{v:.11e}"),
                        2 => format!(" {v} "),
                        _ => format!("{v:.16e}"),
                    }
                })
                .collect();
            lines.push(format!("r1\ts{i}\t{}", vals.join("\t")));
        }
        let plain = case % 2 == 0;
        let mut text = lines.join("\n");
        if !plain {
            // One disturbance the csv path may read differently.
            let pos = rng.random_range(0..=text.len());
            let pos = (0..=pos).rev().find(|&p| text.is_char_boundary(p)).unwrap();
            let ins = [
                "\r\n", "\n\n", "\r", "\"", "\"a\tb\"", " ", "\t", "x", "\u{feff}", "\u{a0}",
                "nan", "",
            ][rng.random_range(0..12)];
            text.insert_str(pos, ins);
            if rng.random_bool(0.2) {
                text.insert(0, '\u{feff}');
            }
        } else if rng.random_bool(0.5) {
            text = text.replace('\n', "\r\n") + "\r\n";
        }
        let b = text.into_bytes();
        let slow = slow(&b, 2, 2);
        match fast::parse(&b, 2, 2) {
            Some(f) => {
                taken += 1;
                let f = f.into_frame("t.txt".into());
                let s = slow.unwrap_or_else(|e| panic!("case {case}: fast read, csv: {e}"));
                assert_same(&f, &s, &format!("case {case}"));
            }
            None => assert!(!plain, "case {case}: plain table refused"),
        }
    }
    assert!(taken > 200, "{taken}");
}

/// A table declared without header lines is an error, not a panic, on
/// every path.
#[test]
fn zero_header_lines_is_an_error() {
    let b = mock("Z.txt");
    assert!(fast::parse(&b, 2, 0).is_none());
    let e = slow(&b, 2, 0).unwrap_err().to_string();
    assert!(e.contains("nr_header"), "{e}");
    #[cfg(unix)]
    {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Z.txt");
        std::fs::write(&path, &b).unwrap();
        assert!(fast::parse_file(&path, 2, 0, 64).is_none());
    }
}

/// The piece-by-piece reader of large files gives `fast::parse`'s
/// frame (or refuses where it refuses, or the file starts with a byte
/// order mark), for pieces of every size from one byte up, on pymrio's
/// files and on the seeded variants above (empty lines, carriage
/// returns, lines longer than many pieces, no final line feed).
#[cfg(unix)]
#[test]
fn piecewise_reader_agrees_with_the_whole_file_parser() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.txt");
    let check = |b: &[u8], nic: usize, nh: usize, piece: usize, what: &str| {
        std::fs::write(&path, b).unwrap();
        let whole = fast::parse(b, nic, nh).map(|p| p.into_frame("t.txt".into()));
        let pieces = fast::parse_file(&path, nic, nh, piece).map(|p| p.into_frame("t.txt".into()));
        match (whole, pieces) {
            (Some(w), Some(p)) => assert_same(&w, &p, what),
            (None, None) => {}
            (Some(_), None) => {
                assert!(b.starts_with(b"\xef\xbb\xbf"), "{what}: pieces refused")
            }
            (None, Some(_)) => panic!("{what}: pieces read what the whole-file parser refuses"),
        }
    };
    for (file, nic, nh) in [
        ("Z.txt", 2, 2),
        ("Y.txt", 2, 2),
        ("x.txt", 2, 1),
        ("factor_inputs/F.txt", 1, 2),
    ] {
        let b = mock(file);
        for piece in [1, 2, 3, 7, 64, 1000, 1 << 20] {
            check(&b, nic, nh, piece, &format!("{file}, piece {piece}"));
        }
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for case in 0..300 {
        let (nr, nc) = (rng.random_range(0..12), rng.random_range(1..5));
        let mut lines = header_lines(nc);
        if rng.random_bool(0.5) {
            lines.push(format!("region\tsector{}", "\t".repeat(nc)));
        }
        for i in 0..nr {
            let vals: Vec<String> = (0..nc)
                .map(|_| format!("{:?}", rng.random::<f64>() * 1e3))
                .collect();
            lines.push(format!("r1\ts{i}\t{}", vals.join("\t")));
        }
        let mut text = String::new();
        for l in lines {
            text.push_str(&l);
            // Line ends of every kind, and empty lines between.
            text.push_str(["\n", "\r\n", "\n\n", "\n\r\n", "\n\r\n\n"][rng.random_range(0..5)]);
        }
        if rng.random_bool(0.3) {
            while text.ends_with(['\n', '\r']) {
                text.pop();
            }
        }
        if rng.random_bool(0.1) {
            let pos = rng.random_range(0..=text.len());
            text.insert_str(pos, ["\r", "x", "\t", "\"", "\n"][rng.random_range(0..5)]);
        }
        let b = text.into_bytes();
        let piece = [1, 2, 5, 13, 40, 4096][rng.random_range(0..6)];
        check(&b, 2, 2, piece, &format!("case {case}, piece {piece}"));
    }
}
