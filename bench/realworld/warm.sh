#!/usr/bin/env bash
# warm.sh: warm and one-file-edit runs of `dbaudit check ./...` side by side
# with `go vet ./...` on large real open-source modules (issue 15 #6).
#
#   bench/realworld/warm.sh                  # every module in MODULES below
#   bench/realworld/warm.sh spicedb          # a subset, by short name
#   REV=5ba109e bench/realworld/warm.sh      # dbaudit as of another commit
#
# For each module: dbaudit is built from a commit of this repository (REV,
# default HEAD: the committed tree, exported with `git archive`, so that
# uncommitted edits in the checkout are not measured), the module is copied
# from the module proxy and prepared as run.sh does, and then, in the module
# root with GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local:
#
#   first  one run of each tool, not counted (go vet with whatever the go
#          build cache already holds; dbaudit with its result cache emptied,
#          so its first run is cold);
#   warm   RUNS runs of each, nothing changed, interleaved vet dbaudit vet
#          dbaudit ...;
#   edit   RUNS runs of each, interleaved the same way; before every run the
#          edited file (the module's file in MODULES, in a package nothing
#          else in the module imports) is restored and one new unexported function
#          with a name never used before (a nanosecond timestamp) is appended
#          to it. So every run, of either tool, sees exactly one file changed
#          since that tool's previous run, with content no cache has seen; the
#          file is restored at the end (and on an interrupt), and taken from
#          the module zip at the start.
#
# Every run is timed by GNU time (/usr/bin/time; `apt-get install -y time`):
# elapsed seconds, user+system CPU seconds, and peak resident set size (of
# the largest single process, as wait4 reports it: the go command, vet, the
# compiler or dbaudit). The table gives medians, the ratio of the medians
# and the median of the per-pair ratios dbaudit/vet (pair i = the i-th vet
# run and the dbaudit run right after it).
#
# Environment: WORK (scratch, shared with run.sh, default
# ${TMPDIR:-/tmp}/dbaudit-realworld), RUNS (counted runs per tool and
# scenario, default 5), REV (the commit to build), DBAUDIT_BIN (use this
# binary instead of building), FRESH=1 (copy the module sources again).
# Raw figures: $WORK/warm/<name>.<label>.raw, one line per run:
#   module tool scenario run wall_s cpu_s peak_kb exit_code
set -euo pipefail

# short-name module version edited-file: the edited file's package is
# imported by no other package of the module (checked before the runs).
MODULES='
spicedb  github.com/authzed/spicedb  v1.56.2  pkg/embedded/permissions.go
sqlc     github.com/sqlc-dev/sqlc    v1.31.1  internal/tools/sqlc-pg-gen/main.go
'

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
WORK=${WORK:-${TMPDIR:-/tmp}/dbaudit-realworld}
RUNS=${RUNS:-5}
REV=${REV:-HEAD}
out=$WORK/warm
mkdir -p "$WORK/src" "$WORK/bin" "$WORK/build" "$out"

[ -x /usr/bin/time ] || { echo "warm.sh needs GNU time at /usr/bin/time (apt-get install -y time)" >&2; exit 2; }

if [ -n "${DBAUDIT_BIN:-}" ]; then
  bin=$DBAUDIT_BIN
  label=$(basename "$bin")
  commit="binary $bin"
else
  sha=$(git -C "$repo" rev-parse --verify "$REV^{commit}")
  label=${sha:0:7}
  commit="$label ($(git -C "$repo" log -1 --format='%cd %s' --date=iso "$sha" | cut -c1-100))"
  bin=$WORK/bin/dbaudit-$label
  if [ ! -x "$bin" ]; then
    echo "building dbaudit at $label" >&2
    rm -rf "$WORK/build/$label"; mkdir -p "$WORK/build/$label"
    git -C "$repo" archive "$sha" | tar -x -C "$WORK/build/$label"
    (cd "$WORK/build/$label/cmd/dbaudit" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$bin" .) # its own module now, a root package before
  fi
fi

# As run.sh: no workspace, go.mod completed from the proxy if needed, the
# local toolchain.
export GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
# dbaudit's result cache, one per binary and module, emptied below.
cachebase=$WORK/cache/$label

# shellcheck source=bench/realworld/fetch.sh
source "$here/fetch.sh"

# checkleaf DIR: fails unless no other package of the module (test files
# included) imports the package in DIR.
checkleaf() {
  local pkg users
  pkg=$(go list -f '{{.ImportPath}}' "./$1")
  users=$(go list -f '{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... |
    awk -v p="$pkg" '$1 != p && $1 != p "_test" { for (i = 2; i <= NF; i++) if ($i == p) { print $1; break } }')
  if [ -n "$users" ]; then
    echo "$pkg is not a leaf: imported by $(echo "$users" | tr '\n' ' ')" >&2
    return 1
  fi
  echo "$pkg"
}

# timed NAME TOOL SCENARIO RUN: one run of TOOL in the module root under GNU
# time; appends its raw line to $raw and keeps its output in $out.
timed() {
  local name=$1 tool=$2 scen=$3 run=$4 rc=0 tf line
  local base=$out/$name.$label.$tool.$scen.$run
  tf=$base.time
  case $tool in
    vet) (cd "$src" && /usr/bin/time -o "$tf" -f '%e %U %S %M' go vet ./... >"$base.out" 2>"$base.err") || rc=$? ;;
    dbaudit) (cd "$src" && DBAUDIT_CACHE=$cachebase/$name /usr/bin/time -o "$tf" -f '%e %U %S %M' "$bin" check ./... >"$base.out" 2>"$base.err") || rc=$? ;;
  esac
  # GNU time writes "Command exited with non-zero status N" first when N > 0.
  line=$(tail -n 1 "$tf")
  # shellcheck disable=SC2086 # four numbers
  set -- $line
  echo "$name $tool $scen $run $1 $(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }') $4 $rc" >>"$raw"
  if [ "$tool" = dbaudit ] && [ "$rc" -ge 2 ]; then
    echo "dbaudit check could not run on $name (exit $rc):" >&2
    tail -n 20 "$base.err" >&2
    exit 2
  fi
}

# edit FILE: FILE as it was, plus one unexported function never seen before.
edit() {
  local n
  n=$(date +%s%N)
  cp "$orig" "$1"
  printf '\n// benchEdit%s is warm.sh'"'"'s one-file edit.\nfunc benchEdit%s() string { return "%s" }\n' "$n" "$n" "$n" >>"$1"
}

# summary RAW: the table rows of one module.
summary() {
  awk '
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
      return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
    }
    $3 == "first" { first[$2] = $5; firstmb[$2] = $7 / 1024; mod = $1; next }
    {
      k = $3 SUBSEP $2; n[k]++; w[k, n[k]] = $5; c[k, n[k]] = $6
      if ($7 > peak[k]) peak[k] = $7
      if (!(($3) in seen)) { seen[$3] = 1; order[++ns] = $3 }
    }
    END {
      for (s = 1; s <= ns; s++) {
        sc = order[s]; kv = sc SUBSEP "vet"; kd = sc SUBSEP "dbaudit"; m = n[kv] < n[kd] ? n[kv] : n[kd]
        for (i = 1; i <= n[kv]; i++) { a[i] = w[kv, i] } ; vw = median(a, n[kv])
        for (i = 1; i <= n[kd]; i++) { a[i] = w[kd, i] } ; dw = median(a, n[kd])
        for (i = 1; i <= n[kv]; i++) { a[i] = c[kv, i] } ; vc = median(a, n[kv])
        for (i = 1; i <= n[kd]; i++) { a[i] = c[kd, i] } ; dc = median(a, n[kd])
        for (i = 1; i <= m; i++) { a[i] = w[kv, i] > 0 ? w[kd, i] / w[kv, i] : 0 } ; pr = median(a, m)
        printf "%-9s %-6s %4d %8.2f %8.2f %6.2f %6.2f %8.2f %8.2f %8d %8d\n", mod, sc, m, vw, dw, (vw > 0 ? dw / vw : 0), pr, vc, dc, peak[kv] / 1024, peak[kd] / 1024
      }
      printf "%-9s %-6s %4d %8.2f %8.2f %6s %6s %8s %8s %8d %8d\n", mod, "first", 1, first["vet"], first["dbaudit"], "-", "-", "-", "-", firstmb["vet"], firstmb["dbaudit"]
    }' "$1"
}

# restore: the edited file as it was (also on exit or interrupt).
edited=
restore() {
  if [ -n "$edited" ]; then cp "$orig" "$edited"; edited=; fi
}
trap restore EXIT
trap 'exit 130' INT TERM

want=" $* "
echo "dbaudit: $commit" >&2
echo "go: $(go version)   runs: $RUNS   load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
header=$(printf '%-9s %-6s %4s %8s %8s %6s %6s %8s %8s %8s %8s' module scen runs vet_s dbaudit_s ratio pair_r vet_cpu dba_cpu vet_MB dba_MB)
table=
while read -r name mod ver editfile; do
  [ -n "$name" ] || continue
  if [ "$want" != "  " ] && [[ "$want" != *" $name "* ]]; then continue; fi
  fetch "$name" "$mod" "$ver"
  src=$WORK/src/$name
  # The file as the module zip has it (an earlier run killed mid-edit may
  # have left an appended function in the copy).
  orig=$out/$name.orig.go
  zipdir=$(go mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  cp "$zipdir/$editfile" "$orig"; chmod u+w "$orig"
  edited=$src/$editfile
  cmp -s "$orig" "$edited" || { echo "$name: $editfile differs from the module zip, restored" >&2; cp "$orig" "$edited"; }
  lines=$(cd "$src" && find . -name '*.go' ! -name '*_test.go' ! -path './vendor/*' ! -path '*/testdata/*' -print0 | xargs -0 cat | wc -l)
  leaf=$(cd "$src" && checkleaf "$(dirname "$editfile")")
  raw=$out/$name.$label.raw
  : >"$raw"
  rm -rf "${cachebase:?}/$name"
  echo "$name $ver: $lines non-test lines; edited file $editfile (package $leaf)" >&2

  timed "$name" vet first 0
  timed "$name" dbaudit first 0
  for ((i = 1; i <= RUNS; i++)); do
    timed "$name" vet warm "$i"
    timed "$name" dbaudit warm "$i"
  done
  for ((i = 1; i <= RUNS; i++)); do
    edit "$edited"; timed "$name" vet edit "$i"
    edit "$edited"; timed "$name" dbaudit edit "$i"
  done
  restore

  # The cache must not change what is reported: every dbaudit run's report
  # equals the first (cold) one's, and every go vet run's the first's.
  for tool in vet dbaudit; do
    f=out; [ "$tool" = vet ] && f=err
    ref=$out/$name.$label.$tool.first.0.$f
    for g in "$out/$name.$label.$tool".{warm,edit}.*."$f"; do
      if ! cmp -s "$ref" "$g"; then echo "WARNING: $g differs from $ref" >&2; fi
    done
  done
  echo "$name exit codes: vet $(awk '$2 == "vet" { print $8 }' "$raw" | sort -u | tr '\n' ' ')dbaudit $(awk '$2 == "dbaudit" { print $8 }' "$raw" | sort -u | tr '\n' ' ')" >&2
  rows=$(summary "$raw")
  table+="$rows"$'\n'
  printf '%s\n%s\n' "$header" "$rows"
done <<<"$MODULES"

echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '\n%s\n%s' "$header" "$table"
