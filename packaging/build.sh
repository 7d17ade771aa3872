#!/usr/bin/env bash
# Build the standalone bundles into dist/ (see README), with the project's .venv (set up here).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/inplace.spec
echo "built in $(( $(date +%s) - start )) s: dist/inplace/ ($(du -sh dist/inplace | cut -f1)), dist/inplace-onefile ($(du -sh dist/inplace-onefile | cut -f1))"
