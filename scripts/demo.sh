#!/usr/bin/env bash
# Set up and analyse the seed article: a table of its claims and sources (see scripts/env.sh for the model).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
.venv/bin/claimkit analyze seeds/libya_haftar_moscow_2016.ar.txt "$@"
