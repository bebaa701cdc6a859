#!/usr/bin/env bash
# How many lifecycles a second PostgreSQL alone allows on this machine: pgbench runs the
# cheapest form of a lifecycle's writes and reads against a scratch database, with no app,
# no HTTP and no clients beyond pgbench's own. Beside `cargo bench -p tongban --bench
# case_lifecycle` it says how much of the gap to the target is PostgreSQL's (BENCHMARKS.md).
# POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) must be a server where
# the database `tongban_ceiling` may be made and dropped. CEILING_SECONDS (default 20) per run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
url="${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
seconds="${CEILING_SECONDS:-20}"
pgbench="$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1 || true)"
if [[ -z "$pgbench" ]]; then
  echo "pgbench not found (Debian: postgresql or postgresql-contrib)" >&2
  exit 1
fi
scratch="${url%/*}/tongban_ceiling"
scratch_scripts="$(mktemp -d)"
trap 'rm -rf "$scratch_scripts"; psql -q "$url" -c "DROP DATABASE IF EXISTS tongban_ceiling" >/dev/null' EXIT

psql -q "$url" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS tongban_ceiling" \
  -c "CREATE DATABASE tongban_ceiling" >/dev/null
echo "loading 1,000,000 cases and 7,000,000 events"
psql -q "$scratch" -f "$here/schema.sql" >/dev/null

# Eight acts in one transaction, each written by its own statements as Tongban writes them
# now: what batching acts without merging their statements would ask.
unmerged="$scratch_scripts/acts_unmerged.sql"
printf '%s\n' '\set a random(1, 990000)' 'BEGIN;' >"$unmerged"
for k in 0 1 2 3 4 5 6 7; do
  sed -n '/^BEGIN;/,/^END;/p' "$here/act.sql" | sed '1d;$d' | sed "s/:id/(:a + $((k * 1000)))/g" >>"$unmerged"
done
echo "END;" >>"$unmerged"

writes_a_lifecycle=7 # the application and six acts
run() { # script, clients, acts a transaction, what it is
  local tps
  tps="$("$pgbench" -n -M prepared -j 2 -c "$2" -T "$seconds" -f "$1" "$scratch" 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p')"
  awk -v tps="$tps" -v acts="$3" -v writes="$writes_a_lifecycle" -v what="$4" 'BEGIN {
    printf "%-58s %9.0f transactions/s = %6.0f lifecycles/s at most\n", what, tps, tps * acts / writes
  }'
}
# the first run warms the cache after the load and is not reported
"$pgbench" -n -M prepared -j 2 -c 16 -T 10 -f "$here/act.sql" "$scratch" >/dev/null 2>&1
run "$here/act.sql" 16 1 "one act a transaction (as now), 16 clients:"
# not durable, so not for Tongban: how far the wait for the disk at each commit goes
PGOPTIONS="-c synchronous_commit=off" run "$here/act.sql" 16 1 "the same, commits not waiting for the disk:"
run "$unmerged" 4 8 "eight acts a transaction, a statement each, 4 clients:"
run "$here/acts_merged.sql" 4 8 "eight acts a transaction, merged statements, 4 clients:"
"$pgbench" -n -M prepared -j 2 -c 16 -T "$seconds" -f "$here/read.sql" "$scratch" 2>/dev/null |
  sed -n 's/^tps = \([0-9.]*\).*/reads by primary key, 16 clients: \1 a second/p'
