#!/usr/bin/env bash
# Set up (scripts/setup.sh) and analyse the seed article: a table of its claims and sources.
# The model: STANZA_RESOURCES_DIR if set, else ../shared/stanza_resources when it exists,
# else Stanza's default folder (the official Arabic model is downloaded on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${STANZA_RESOURCES_DIR:-}" ] && [ -d ../shared/stanza_resources ]; then
  STANZA_RESOURCES_DIR="$(cd ../shared/stanza_resources && pwd)"
  export STANZA_RESOURCES_DIR
fi
.venv/bin/claimkit analyze seeds/libya_haftar_moscow_2016.ar.txt "$@"
