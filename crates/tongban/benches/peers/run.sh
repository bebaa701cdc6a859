#!/usr/bin/env bash
# Runs Tongban's case lifecycle on two BPMN engines for comparison with
# `cargo bench -p tongban --bench case_lifecycle` (see README.md beside this file).
# Installs them, pinned, in git-ignored scratch folders on first use:
#   target/peers/venv  SpiffWorkflow (PyPI)
#   target/peers/node  bpmn-engine and the parser packages the script loads (npm)
# PEERS_LIFECYCLES (default 2000) and PEERS_WARMUP (default 50) apply to every run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
scratch="$root/target/peers"
venv="$scratch/venv"
prefix="$scratch/node"

spiff_version=3.2.0
# bpmn-engine, its peer smqp, and the exact versions of its own dependencies that the script
# loads too (to parse the BPMN once), so that npm installs one copy of each.
npm_packages=(
  bpmn-engine@25.0.1
  smqp@15.0.0
  bpmn-elements@17.3.0
  bpmn-moddle@9.0.4
  moddle-context-serializer@4.4.1
)

mkdir -p "$scratch"

spiff_installed() { # is exactly the pinned version in the venv?
  local check='import sys, SpiffWorkflow; sys.exit(SpiffWorkflow.__version__ != sys.argv[1])'
  "$venv/bin/python" -c "$check" "$spiff_version" 2>/dev/null
}
if ! spiff_installed; then
  echo "Installing SpiffWorkflow $spiff_version in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "SpiffWorkflow==$spiff_version"
fi

npm_installed() { # name@version: is exactly that version in the prefix?
  local name="${1%@*}" version="${1##*@}"
  local check='process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)'
  node -e "$check" "$prefix/node_modules/$name/package.json" "$version" 2>/dev/null
}
missing=0
for package in "${npm_packages[@]}"; do npm_installed "$package" || missing=1; done
if [ "$missing" = 1 ]; then
  echo "Installing ${npm_packages[*]} in $prefix"
  npm install --prefix "$prefix" --save-exact --no-audit --no-fund --loglevel=error \
    "${npm_packages[@]}"
fi

echo
echo "== SpiffWorkflow, persisted to SQLite after every act"
db="$scratch/spiffworkflow_lifecycle.sqlite"
"$venv/bin/python" "$here/spiffworkflow_lifecycle.py" --db "$db"
echo
echo "== SpiffWorkflow, as above, each act first reading the case back from SQLite"
"$venv/bin/python" "$here/spiffworkflow_lifecycle.py" --db "$db" --reload
echo
echo "== bpmn-engine, in memory: one case at a time, 16 in flight, and parsing for each case"
export PEERS_NODE_PREFIX="$prefix"
node "$here/bpmn_engine_lifecycle.mjs" --concurrency 1
echo
node "$here/bpmn_engine_lifecycle.mjs" --concurrency 16
echo
node "$here/bpmn_engine_lifecycle.mjs" --concurrency 1 --parse per-case
