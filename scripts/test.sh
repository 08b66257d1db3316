#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole test suite: unit and gold tests, then the notebooks under nbval.
# Uses ../shared/stanza_resources as the model folder when it exists (no download needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${STANZA_RESOURCES_DIR:-}" ] && [ -d ../shared/stanza_resources ]; then
  STANZA_RESOURCES_DIR="$(cd ../shared/stanza_resources && pwd)"
  export STANZA_RESOURCES_DIR
fi
export CLAIMKIT_CACHE_DIR="${CLAIMKIT_CACHE_DIR:-$(mktemp -d)}"
# The benchmark is not a test: a quick run checks that it still works; its numbers are printed, not asserted.
.venv/bin/python benchmarks/bench_pipeline.py --quick
.venv/bin/python -m pytest tests notebooks --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg "$@"
