#!/usr/bin/env bash
# Create .venv and install claimkit with its test, export (kaleido), notebook (JupyterLab,
# nbconvert: `claimkit report`) and dask (`--dask`) extras; CLAIMKIT_EXTRAS overrides the list.
# PyTorch is installed first so that Stanza does not pull a multi-GB CUDA build:
# override with TORCH_SPEC (e.g. TORCH_SPEC="torch==2.5.1 --index-url https://download.pytorch.org/whl/cpu").
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
TORCH_SPEC="${TORCH_SPEC:-torch==2.13.0}"
EXTRAS="${CLAIMKIT_EXTRAS:-test,export,notebook,dask}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# shellcheck disable=SC2086
.venv/bin/python -m pip install --quiet $TORCH_SPEC
.venv/bin/python -m pip install --quiet -e ".[${EXTRAS}]"
echo "claimkit installed in .venv ($(.venv/bin/claimkit --version))"
