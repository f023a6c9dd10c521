#!/usr/bin/env bash
# run.sh: dbaudit, as a new user runs it (no rules.yaml), over pinned
# versions of real open-source Go modules that use PostgreSQL.
#
#   bench/realworld/run.sh                 # all modules in MODULES below
#   bench/realworld/run.sh river sqlc      # a subset, by short name
#
# Environment: WORK (scratch, default ${TMPDIR:-/tmp}/dbaudit-realworld),
# DBAUDIT_BIN (use this binary instead of building the checkout),
# FRESH=1 (copy the module sources again even if WORK has them).
# Results: $WORK/out/<name>.json (dbaudit's JSON), <name>.err (stderr, with
# GNU time's "seconds s peak-KB KB" as its last line when /usr/bin/time
# exists), and a per-module, per-rule count table on stdout.
# Not a CI step: it downloads about 2 GB of modules and takes ~40 minutes
# on two cores.
set -euo pipefail

# short-name module version: pinned so that the figures in RESULTS.md can be
# reproduced. Nested modules of a repository (river's drivers, temporal's
# api) are separate modules and are not part of these runs.
MODULES='
river     github.com/riverqueue/river       v0.51.2
openfga   github.com/openfga/openfga        v1.22.1
spicedb   github.com/authzed/spicedb        v1.56.2
dendrite  github.com/matrix-org/dendrite    v0.13.8
sqlc      github.com/sqlc-dev/sqlc          v1.31.1
miniflux  miniflux.app/v2                   v2.3.5
kratos    github.com/ory/kratos             v1.3.1
temporal  go.temporal.io/server             v1.31.0
'

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
WORK=${WORK:-${TMPDIR:-/tmp}/dbaudit-realworld}
mkdir -p "$WORK/src" "$WORK/out" "$WORK/bin"

# The modules are built as their authors pin them: no workspace, go.mod
# completed from the proxy if needed, and the local toolchain (a module
# asking for a newer Go than the local one fails loudly instead of
# downloading a toolchain).
export GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local

if [ -n "${DBAUDIT_BIN:-}" ]; then
  bin=$DBAUDIT_BIN
else
  bin=$WORK/bin/dbaudit
  echo "building dbaudit from $repo" >&2
  (cd "$repo" && GOFLAGS='' go build -o "$bin" ./cmd/dbaudit)
fi

want=" $* "
timer=()
if [ -x /usr/bin/time ]; then timer=(/usr/bin/time -f "%e s %M KB"); fi

# shellcheck source=bench/realworld/fetch.sh
source "$here/fetch.sh"

printf '%-9s %-8s %8s %6s %8s %9s  %s\n' module version lines rc seconds peak_MB by_rule
echo "$MODULES" | while read -r name mod ver; do
  [ -n "$name" ] || continue
  if [ "$want" != "  " ] && [[ "$want" != *" $name "* ]]; then continue; fi
  fetch "$name" "$mod" "$ver"
  src=$WORK/src/$name
  lines=$(cd "$src" && find . -name '*.go' ! -name '*_test.go' ! -path './vendor/*' ! -path '*/testdata/*' -print0 | xargs -0 cat | wc -l)
  rc=0
  (cd "$src" && "${timer[@]}" "$bin" check -f json ./... >"$WORK/out/$name.json" 2>"$WORK/out/$name.err") || rc=$?
  t=$(tail -n 1 "$WORK/out/$name.err")
  secs=-; mb=-
  if [[ "$t" =~ ^([0-9.]+)\ s\ ([0-9]+)\ KB$ ]]; then secs=${BASH_REMATCH[1]}; mb=$(( BASH_REMATCH[2] / 1024 )); fi
  # Exit 1 means findings; 2 means dbaudit could not run (see the .err file).
  counts=$(GOFLAGS='' go run "$here/summarize.go" "$WORK/out/$name.json" 2>&1 || true)
  printf '%-9s %-8s %8s %6s %8s %9s  %s\n' "$name" "$ver" "$lines" "$rc" "$secs" "$mb" "$counts"
done
