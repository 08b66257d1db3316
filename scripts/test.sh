#!/usr/bin/env bash
# Set up and run the whole test suite: unit and gold tests, then the notebooks under nbval
# (see scripts/env.sh for the model).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export CLAIMKIT_CACHE_DIR="${CLAIMKIT_CACHE_DIR:-$(mktemp -d)}"
# The benchmark is not a test: a quick run checks that it still works; its numbers are printed, not asserted.
.venv/bin/python benchmarks/bench_pipeline.py --quick
.venv/bin/python benchmarks/bench_index.py --quick --skip-dask
.venv/bin/python -m pytest tests notebooks --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg "$@"
