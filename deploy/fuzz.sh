#!/usr/bin/env bash
# Builds the cargo-fuzz targets of one fuzz project (FUZZ_DIR, default fuzz/light) with nightly and
# runs each for a bounded time, starting from its seeds in <FUZZ_DIR>/corpus/<target> and the
# directories in FUZZ_SEEDS (new inputs go to a scratch corpus, so the clone stays clean).
# Prints how many inputs each target ran and fails when any target crashes, leaks past the
# memory limit or spends longer than the per-input timeout on one input; the input that did it
# is kept in <FUZZ_DIR>/artifacts/<target>/.
#
#   FUZZ_SECONDS=600 bash deploy/fuzz.sh     # the longer run (default 20 s per target)
#   FUZZ_TARGETS="chunker blob_key" bash deploy/fuzz.sh   # some of fuzz/light's targets
#   FUZZ_DIR=fuzz/webhooks FUZZ_SEEDS="fuzz/webhooks/seeds adapters/tests/fixtures/meta" \
#     bash deploy/fuzz.sh                    # the webhook parsers (what CI runs every time)
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_DIR="${FUZZ_DIR:-fuzz/light}"
FUZZ_SEEDS="${FUZZ_SEEDS:-}"
FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
FUZZ_RSS_LIMIT_MB="${FUZZ_RSS_LIMIT_MB:-2048}"
FUZZ_INPUT_TIMEOUT_SECONDS="${FUZZ_INPUT_TIMEOUT_SECONDS:-10}"
# Build cache outside the clone (a sanitizer build shares nothing with the normal one).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/botwot-fuzz-target/$(basename "$FUZZ_DIR")}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

step "toolchain (nightly, cargo-fuzz)"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cargo fuzz --version

step "build"
started=$SECONDS
cargo +nightly fuzz build --fuzz-dir "$FUZZ_DIR" --target-dir "$CARGO_TARGET_DIR"
echo "built in $((SECONDS - started)) s"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
read -r -a targets <<<"${FUZZ_TARGETS:-$(cargo +nightly fuzz list --fuzz-dir "$FUZZ_DIR" | tr '\n' ' ')}"
read -r -a extra_seeds <<<"$FUZZ_SEEDS"

failed=()
for target in "${targets[@]}"; do
  step "fuzz $target for ${FUZZ_SECONDS} s"
  log="$scratch/$target.log"
  mkdir -p "$scratch/$target"
  status=0
  seeds=()
  [ -d "$FUZZ_DIR/corpus/$target" ] && seeds+=("$FUZZ_DIR/corpus/$target")
  seeds+=("${extra_seeds[@]}")
  cargo +nightly fuzz run --fuzz-dir "$FUZZ_DIR" --target-dir "$CARGO_TARGET_DIR" "$target" \
    "$scratch/$target" "${seeds[@]}" -- \
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
  echo "fuzzing found crashes in: ${failed[*]} (inputs in $FUZZ_DIR/artifacts/)" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, no crash"
