#!/usr/bin/env bash
# Formatting and lints of the whole workspace (issue 14): rustfmt, and
# clippy on every crate and target with warnings as errors (the lints set
# in the workspace Cargo.toml's [workspace.lints] included).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --release --workspace --all-targets -- -D warnings
