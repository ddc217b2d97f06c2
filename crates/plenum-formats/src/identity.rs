//! Run identity: the one function that names a run by its inputs.
//!
//! A run of plenum is fixed by four things: the plenum version that ran
//! it, the table it ran on (its content hash, [`crate::native::table_hash`]),
//! the scenario text and the seed. [`run_id`] hashes exactly these, so the
//! same inputs always give the same id and any change of one gives another.
//! Manifests, the web app's run registry and sweep manifests all call this
//! function; nothing else computes a run id.
//!
//! The hash is SHA-256 over a domain tag and the four fields, each
//! length-prefixed (u64, little-endian) so that no two different inputs
//! concatenate to the same bytes; the id is its lower-case hex.

use sha2::{Digest, Sha256};

/// Domain tag: changes only if the recipe below changes.
const TAG: &[u8] = b"plenum-run-id-v1";

/// The id of a run: lower-case hex SHA-256 of (plenum version, table
/// hash, scenario text, seed). See the module docs.
pub fn run_id(plenum_version: &str, table_hash: &str, scenario_text: &str, seed: u64) -> String {
    let mut h = Sha256::new();
    h.update(TAG);
    for part in [
        plenum_version.as_bytes(),
        table_hash.as_bytes(),
        scenario_text.as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.update(seed.to_le_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// True if `s` looks like a run id (64 lower-case hex digits); callers
/// that take an id from outside (a URL, a command line) check it with this
/// before using it, e.g. in a file name.
pub fn is_run_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_same_id_and_each_field_counts() {
        let a = run_id("0.1.0", "abc", "schema = 1\n", 7);
        assert_eq!(a, run_id("0.1.0", "abc", "schema = 1\n", 7));
        assert!(is_run_id(&a));
        assert_ne!(a, run_id("0.1.1", "abc", "schema = 1\n", 7));
        assert_ne!(a, run_id("0.1.0", "abd", "schema = 1\n", 7));
        assert_ne!(a, run_id("0.1.0", "abc", "schema = 1 \n", 7));
        assert_ne!(a, run_id("0.1.0", "abc", "schema = 1\n", 8));
        // Length prefixes: moving a byte between fields changes the id.
        assert_ne!(run_id("ab", "c", "", 0), run_id("a", "bc", "", 0));
    }

    #[test]
    fn pinned_value() {
        // The recipe is part of the registry's on-disk contract: a change
        // here orphans every stored run, so it is pinned.
        assert_eq!(
            run_id("0.1.0", "", "", 0),
            "47f62b30a44622daf755f1c12dc045cfd3349f34c8668c38ac85770f2b45c6d1"
        );
    }

    #[test]
    fn ids_are_checked() {
        assert!(!is_run_id("../etc/passwd"));
        assert!(!is_run_id(&"A".repeat(64)));
        assert!(!is_run_id(&"a".repeat(63)));
    }
}
