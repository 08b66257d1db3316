# Sourced by demo.sh and test.sh: set up .venv, then choose the model folder.
# STANZA_RESOURCES_DIR wins when set; else ../shared/stanza_resources when it exists beside the
# checkout; else Stanza's default folder (the official model downloads on first use).
bash scripts/setup.sh
if [ -z "${STANZA_RESOURCES_DIR:-}" ] && [ -d ../shared/stanza_resources ]; then
  STANZA_RESOURCES_DIR="$(cd ../shared/stanza_resources && pwd)"
  export STANZA_RESOURCES_DIR
fi
