//! The native format's trailer hash, measured: SHA-256 (format version 1)
//! against BLAKE3 (version 2) over the same buffer, one thread each, in
//! alternating rounds so that load on the machine hits both alike.
//!
//! `cargo run --release -p plenum-formats --example hash_bench [MiB] [rounds]`
//! (default 1024 MiB, 3 rounds). Prints GB/s per round and the ratio of the
//! medians; BENCHMARKS.md ("The native reader at GLORIA size") keeps the
//! figures.

use std::time::Instant;

use sha2::{Digest, Sha256};

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1024);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let n = mib << 20;
    // Bytes like a table's: little-endian f64 of a seeded sequence.
    let mut s = 42u64;
    let buf: Vec<u8> = (0..n / 8)
        .flat_map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64 * 1e6).to_le_bytes()
        })
        .collect();
    let gbs = |secs: f64| n as f64 / secs / 1e9;
    let (mut sha, mut b3) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let t = Instant::now();
        let d = Sha256::digest(&buf);
        sha.push(gbs(t.elapsed().as_secs_f64()));
        let t = Instant::now();
        let h = blake3::hash(&buf);
        b3.push(gbs(t.elapsed().as_secs_f64()));
        println!(
            "round {r}: SHA-256 {:.2} GB/s ({:02x}{:02x}..), BLAKE3 {:.2} GB/s ({}..)",
            sha[r],
            d[0],
            d[1],
            b3[r],
            &h.to_hex()[..4]
        );
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (ms, mb) = (median(&mut sha), median(&mut b3));
    println!(
        "{mib} MiB, {rounds} rounds: SHA-256 {ms:.2} GB/s, BLAKE3 {mb:.2} GB/s (median), BLAKE3 / SHA-256 = {:.1}",
        mb / ms
    );
}
