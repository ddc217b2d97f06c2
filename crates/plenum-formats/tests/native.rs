//! Native format: bit-exact round trips (seeded random tables), determinism,
//! corruption and version errors, version 1 files (SHA-256 trailer) still
//! read, the validation folds gathered while reading, the table hash, and
//! load time.

mod common;

use plenum_formats::native::{
    read_native, read_native_bytes, read_native_header, table_hash, write_native,
    write_native_bytes, FORMAT_VERSION, MAGIC, OLDEST_FORMAT_VERSION,
};
use plenum_formats::wiod::read_wiod_dir;
use plenum_table::{MrioTable, ValidationPolicy};

fn policy() -> ValidationPolicy {
    ValidationPolicy::lenient(1e-9)
}

#[test]
fn round_trip_is_bit_exact_and_deterministic() {
    for seed in 0..8u64 {
        let extras = seed % 2 == 0;
        let t = common::random_table(seed, 1 + seed as usize % 3, 2 + seed as usize, 3, extras);
        let b = write_native_bytes(&t).unwrap();
        assert_eq!(&b[..8], &MAGIC);
        assert_eq!(b.len() % 8, 0);
        let back = read_native_bytes(&b, &policy()).unwrap();
        common::assert_bit_identical(&t, &back);
        assert_eq!(
            write_native_bytes(&back).unwrap(),
            b,
            "seed {seed}: not deterministic"
        );
        assert_eq!(table_hash(&t), table_hash(&back));
    }
    // −0.0 survives the file (bit-exact), as does a subnormal.
    let t = common::random_table(42, 2, 3, 2, true);
    let back = read_native_bytes(&write_native_bytes(&t).unwrap(), &policy()).unwrap();
    assert_eq!(back.z()[(0, 0)].to_bits(), (-0.0f64).to_bits());
    assert_eq!(back.z()[(1, 0)], 5e-324);
}

#[test]
fn file_round_trip_and_header() {
    let t = read_wiod_dir(&common::mock("wiod"), &ValidationPolicy::default()).unwrap();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("mock.plenum");
    write_native(&t, &p).unwrap();
    let back = read_native(&p, &ValidationPolicy::default()).unwrap();
    common::assert_bit_identical(&t, &back);
    let (meta, labels) = read_native_header(&std::fs::read(&p).unwrap()).unwrap();
    assert_eq!(meta.currency, "USD");
    assert_eq!(labels.regions(), ["AUS", "RoW"]);
}

#[test]
fn corruption_and_versions_are_reported() {
    let t = common::random_table(7, 2, 3, 2, true);
    let b = write_native_bytes(&t).unwrap();
    let msg = |bytes: &[u8]| read_native_bytes(bytes, &policy()).unwrap_err().to_string();

    let mut bad = b.clone();
    let k = bad.len() - 100;
    bad[k] ^= 1;
    assert!(msg(&bad).contains("content hash mismatch"), "{}", msg(&bad));

    let mut bad = b.clone();
    bad[0] = b'X';
    assert!(msg(&bad).contains("not a plenum native table"));

    let mut bad = b.clone();
    bad[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    assert!(msg(&bad).contains("format version 3"), "{}", msg(&bad));
    assert!(msg(&bad).contains("reads versions 1 to 2"), "{}", msg(&bad));
    assert!(msg(&bad).contains("newer plenum"));
    let mut bad = b.clone();
    bad[8..12].copy_from_slice(&(OLDEST_FORMAT_VERSION - 1).to_le_bytes());
    assert!(msg(&bad).contains("format version 0"), "{}", msg(&bad));

    assert!(msg(&b[..b.len() - 1]).contains("hash mismatch"));
    assert!(msg(&b[..20]).contains("only 20 bytes"));
    assert!(msg(b"").contains("not a plenum native table"));

    // A consistent hash over a lying header is still caught.
    let mut bad = b[..b.len() - 32].to_vec();
    let hdr = String::from_utf8_lossy(&bad[24..200]).to_string();
    assert!(hdr.starts_with("{\"meta\""));
    let pos = bad.windows(5).position(|w| w == b"\"R00\"").map(|p| p + 1);
    if let Some(p) = pos {
        bad[p] = b'R';
        bad[p + 1] = b'0';
        bad[p + 2] = b'1'; // duplicate region label R01
    }
    bad.extend_from_slice(blake3::hash(&bad).as_bytes());
    let m = msg(&bad);
    assert!(m.contains("R01") && m.contains("twice"), "{m}");
}

/// A table larger than the reader's 8 MiB piece, so that columns and
/// blocks straddle pieces and the last piece is partial: the file reader
/// (a stream) and the bytes reader give the table bit for bit, and a flip
/// in any piece, or a header error under a wrong hash, is a hash mismatch.
#[test]
fn tables_larger_than_a_piece_stream_bit_exactly() {
    // 2 regions × 700 sectors: Z alone is 1400² × 8 = 15.7 MB.
    let t = common::random_table(3, 2, 700, 2, true);
    let b = write_native_bytes(&t).unwrap();
    assert!(b.len() > 2 * (8 << 20), "{} bytes", b.len());
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("big.plenum");
    std::fs::write(&p, &b).unwrap();
    common::assert_bit_identical(&t, &read_native(&p, &policy()).unwrap());
    common::assert_bit_identical(&t, &read_native_bytes(&b, &policy()).unwrap());
    for k in [b.len() / 3, (8 << 20) + 4, b.len() - 40] {
        let mut bad = b.clone();
        bad[k] ^= 0x10;
        std::fs::write(&p, &bad).unwrap();
        let m = read_native(&p, &policy()).unwrap_err().to_string();
        assert!(
            m.contains("content hash mismatch") && m.contains("big.plenum"),
            "byte {k}: {m}"
        );
    }
    // A broken header under a stale hash: the hash takes precedence, as
    // when the whole file was hashed before decoding.
    let mut bad = b.clone();
    bad[30] = b'#';
    let m = read_native_bytes(&bad, &policy()).unwrap_err().to_string();
    assert!(m.contains("content hash mismatch"), "{m}");
    // The same break under a recomputed hash is a header error.
    let mut bad = bad[..bad.len() - 32].to_vec();
    bad.extend_from_slice(blake3::hash(&bad).as_bytes());
    let m = read_native_bytes(&bad, &policy()).unwrap_err().to_string();
    assert!(m.contains("the header is not valid"), "{m}");
}

/// `b` (a version-2 file) rewritten as version 1: the version field and a
/// SHA-256 trailer, the only differences between the two.
fn as_version_1(b: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let mut v = b[..b.len() - 32].to_vec();
    v[8..12].copy_from_slice(&1u32.to_le_bytes());
    let h = sha2::Sha256::digest(&v);
    v.extend_from_slice(&h);
    v
}

/// Version 2's trailer is BLAKE3 of every byte before it; version 1 files
/// (SHA-256) still read, through the bytes and the streamed file reader,
/// also when larger than a piece; each version's trailer under the other's
/// hash is a mismatch.
#[test]
fn version_1_files_still_read_and_each_version_has_its_hash() {
    for (seed, ns) in [(5u64, 3usize), (6, 700)] {
        let t = common::random_table(seed, 2, ns, 2, true);
        let b = write_native_bytes(&t).unwrap();
        assert_eq!(u32::from_le_bytes([b[8], b[9], b[10], b[11]]), 2);
        let (content, trailer) = b.split_at(b.len() - 32);
        assert_eq!(trailer, blake3::hash(content).as_bytes());
        let v1 = as_version_1(&b);
        common::assert_bit_identical(&t, &read_native_bytes(&v1, &policy()).unwrap());
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("v1.plenum");
        std::fs::write(&p, &v1).unwrap();
        common::assert_bit_identical(&t, &read_native(&p, &policy()).unwrap());
        // A version-1 trailer on a version-2 file, and the reverse.
        for (file, version) in [(&v1, 2u32), (&b, 1u32)] {
            let mut mixed = file.clone();
            mixed[8..12].copy_from_slice(&version.to_le_bytes());
            let m = read_native_bytes(&mixed, &policy())
                .unwrap_err()
                .to_string();
            assert!(m.contains("content hash mismatch"), "{m}");
        }
    }
}

/// Where entry (i, j) of Z sits in a native file's bytes.
fn z_offset(b: &[u8], n: usize, i: usize, j: usize) -> usize {
    let h = u64::from_le_bytes(b[16..24].try_into().unwrap()) as usize;
    let p = (24 + h).div_ceil(8) * 8;
    p + 8 * (j * n + i)
}

/// The reader validates with Z's folds gathered while Z streamed in: the
/// report equals a validation from scratch bit for bit (with negative
/// flows, which take the power-iteration path, and without), and a NaN or a
/// negative flow in Z gives the error a validation from scratch gives.
#[test]
fn validation_while_reading_equals_validation_from_scratch() {
    let no_balance = ValidationPolicy {
        balance_rtol: None,
        ..policy()
    };
    for (seed, ns, negative) in [(1u64, 4usize, false), (2, 4, true), (3, 700, true)] {
        let t = common::random_table(seed, 2, ns, 2, true);
        let n = t.n_industries();
        let mut b = write_native_bytes(&t).unwrap();
        b.truncate(b.len() - 32);
        if negative {
            let k = z_offset(&b, n, n - 1, n / 2);
            b[k..k + 8].copy_from_slice(&(-0.5f64).to_le_bytes());
        }
        b.extend_from_slice(blake3::hash(&b.clone()).as_bytes());
        let read = read_native_bytes(&b, &no_balance).unwrap();
        let fresh = MrioTable::new(read.clone().into_parts(), &no_balance).unwrap();
        assert_eq!(read.report(), fresh.report(), "seed {seed}");
        if negative {
            // Under the balance check the same file fails alike both ways.
            let e = read_native_bytes(&b, &policy()).unwrap_err().to_string();
            let f = MrioTable::new(read.into_parts(), &policy())
                .unwrap_err()
                .to_string();
            assert!(e.ends_with(&f), "{e}\n{f}");
        }
    }
    let t = common::random_table(4, 2, 5, 2, false);
    let n = t.n_industries();
    let mut b = write_native_bytes(&t).unwrap();
    b.truncate(b.len() - 32);
    let mut p = t.clone().into_parts();
    for (i, j, v) in [(7, 3, f64::NAN), (2, 8, f64::INFINITY)] {
        let k = z_offset(&b, n, i, j);
        b[k..k + 8].copy_from_slice(&v.to_le_bytes());
        p.z.make_dense()[(i, j)] = v;
    }
    b.extend_from_slice(blake3::hash(&b.clone()).as_bytes());
    let e = read_native_bytes(&b, &policy()).unwrap_err().to_string();
    let f = MrioTable::new(p, &policy()).unwrap_err().to_string();
    assert!(e.ends_with(&f), "{e}\n{f}");
    assert!(f.contains("R00") || f.contains("R01"), "{f}");
}

#[test]
fn table_hash_covers_numbers_and_labels_not_descriptions() {
    let t = common::random_table(3, 2, 3, 2, true);
    let h = table_hash(&t);
    assert_eq!(h.len(), 64);
    let mut p = t.clone().into_parts();
    p.meta.name = "renamed".into();
    p.meta.notes.push("read from elsewhere".into());
    let renamed = MrioTable::new(p.clone(), &policy()).unwrap();
    assert_eq!(table_hash(&renamed), h);
    // −0 and +0 hash alike.
    p.z.make_dense()[(0, 0)] = 0.0;
    assert_eq!(
        table_hash(&MrioTable::new(p.clone(), &policy()).unwrap()),
        h
    );
    // One ulp in one flow changes it (kept balanced through Y and V).
    let mut q = p.clone();
    q.extensions[0].f[(1, 1)] = f64::from_bits(q.extensions[0].f[(1, 1)].to_bits() + 1);
    assert_ne!(table_hash(&MrioTable::new(q, &policy()).unwrap()), h);
    let mut q = p.clone();
    q.meta.unit = "billion".into();
    assert_ne!(table_hash(&MrioTable::new(q, &policy()).unwrap()), h);
}

/// Pins the hash of the mock WIOD table, so that a change of the canonical
/// encoding cannot pass unnoticed (manifests would silently change).
#[test]
fn table_hash_is_pinned() {
    let t = read_wiod_dir(&common::mock("wiod"), &ValidationPolicy::default()).unwrap();
    assert_eq!(
        table_hash(&t),
        "2f08d593a68f9193fb08e958e4d87049980bd9448b0d33f6a08557578e16d0a3"
    );
}

#[test]
fn load_time_of_a_200_industry_table() {
    let t = common::random_table(11, 10, 20, 5, false);
    let b = write_native_bytes(&t).unwrap();
    let reps = 20;
    let t0 = std::time::Instant::now();
    for _ in 0..reps {
        let back = read_native_bytes(&b, &policy()).unwrap();
        assert_eq!(back.n_industries(), 200);
    }
    let per = t0.elapsed() / reps;
    eprintln!(
        "native: {} bytes for 10 regions x 20 sectors (n = 200); read + validate {:?} per load",
        b.len(),
        per
    );
}
