#!/usr/bin/env bash
# Build the standalone bundles into dist/ (see README). Uses the project's .venv; installs
# PyInstaller into it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python -m pip show pyinstaller >/dev/null 2>&1 || .venv/bin/python -m pip install -q "pyinstaller>=6.5"
start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/inplace.spec
echo "built in $(( $(date +%s) - start )) s: dist/inplace/ ($(du -sh dist/inplace | cut -f1)), dist/inplace-onefile ($(du -sh dist/inplace-onefile | cut -f1))"
