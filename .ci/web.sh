#!/usr/bin/env bash
# plenum serve's browser test (crates/plenum/tests/serve.rs) needs Debian's
# chromium and chromium-driver; this installs them when missing, before the
# README's test command runs every test (the browser test, the kill -9 test,
# the API tests and the short load test among them). Without them the
# browser test would print `SKIPPED: chromium not found`.
set -euo pipefail
if ! command -v chromium > /dev/null || ! command -v chromedriver > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver > /dev/null
fi
echo "== $(chromium --version) / $(chromedriver --version | head -1)"
