#!/usr/bin/env bash
# Builds the cargo-fuzz targets in fuzz/ with nightly and runs each for a bounded time, starting
# from its seeds in fuzz/corpus/<target> (new inputs go to a scratch corpus, so the clone stays
# clean). Prints how many inputs each target ran and fails when any target crashes, leaks past
# the memory limit or spends longer than the per-input timeout on one input; the input that did
# it is kept in fuzz/artifacts/<target>/.
#
#   FUZZ_SECONDS=600 bash deploy/fuzz.sh     # the longer run (default 20 s per target)
#   FUZZ_TARGETS="chunker blob_key" bash deploy/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
FUZZ_RSS_LIMIT_MB="${FUZZ_RSS_LIMIT_MB:-2048}"
FUZZ_INPUT_TIMEOUT_SECONDS="${FUZZ_INPUT_TIMEOUT_SECONDS:-10}"
# Build cache outside the clone (a sanitizer build shares nothing with the normal one).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/botwot-fuzz-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

step "toolchain (nightly, cargo-fuzz)"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cargo fuzz --version

step "build"
started=$SECONDS
cargo +nightly fuzz build --target-dir "$CARGO_TARGET_DIR"
echo "built in $((SECONDS - started)) s"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
read -r -a targets <<<"${FUZZ_TARGETS:-$(cargo +nightly fuzz list | tr '\n' ' ')}"

failed=()
for target in "${targets[@]}"; do
  step "fuzz $target for ${FUZZ_SECONDS} s"
  log="$scratch/$target.log"
  mkdir -p "$scratch/$target"
  status=0
  cargo +nightly fuzz run --target-dir "$CARGO_TARGET_DIR" "$target" \
    "$scratch/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$FUZZ_SECONDS" -rss_limit_mb="$FUZZ_RSS_LIMIT_MB" \
    -timeout="$FUZZ_INPUT_TIMEOUT_SECONDS" -print_final_stats=1 >"$log" 2>&1 || status=$?
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    echo "$target: FAILED (exit $status) after ${executions:-?} executions"
    failed+=("$target")
  else
    echo "$target: ${executions:-?} executions in ${FUZZ_SECONDS} s, no crash"
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, no crash"
