#!/usr/bin/env bash
# The one install recipe of stsdeck, used by the README, .ci/run and the workflows.
#   bash tools/setup.sh            system packages to run and test stsdeck, then .venv with
#                                  `pip install -e '.[test]'` (contributors, CI)
#   bash tools/setup.sh --runtime  only the system packages stsdeck needs to run (before `pipx install`)
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint draws the PDF with Pango; HarfBuzz-Subset makes its font subsets.
RUNTIME=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
# The tests render the PPTX with LibreOffice and read the PDFs with poppler.
# Carlito stands for Calibri when LibreOffice renders the clinique and Calibri masters.
TESTS=(python3-venv libreoffice-impress poppler-utils fonts-liberation2 fonts-crosextra-carlito)

packages=("${RUNTIME[@]}")
[ "${1:-}" = "--runtime" ] || packages+=("${TESTS[@]}")

if command -v apt-get >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "apt-get absent : installez vous-même les équivalents de : ${packages[*]}" >&2
fi
[ "${1:-}" = "--runtime" ] && exit 0

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "stsdeck demande Python 3.11 ou plus récent ($PYTHON est $("$PYTHON" -V 2>&1))" >&2
  exit 1
fi
"$PYTHON" -m venv .venv
.venv/bin/pip install -q -e '.[test]'
# pip compiles an installed wheel's bytecode, not an editable checkout's: compiled once here, so that
# a shell with PYTHONDONTWRITEBYTECODE does not recompile stsdeck's modules in every process of every run.
.venv/bin/python -m compileall -q src/stsdeck >/dev/null
