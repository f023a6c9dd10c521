# shellcheck shell=bash
# fetch.sh: sourced by run.sh and warm.sh; needs WORK set.
#
# fetch NAME MODULE VERSION: the module source (from the module proxy,
# through the go command) copied to $WORK/src/NAME with its dependencies
# downloaded; kept when already there unless FRESH is set.
fetch() {
  local name=$1 mod=$2 ver=$3 dst=$WORK/src/$1 dir
  if [ -f "$dst/go.mod" ] && [ -z "${FRESH:-}" ]; then return; fi
  echo "fetching $mod@$ver" >&2
  dir=$(go mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -n "$dir" ] || { echo "go mod download $mod@$ver gave no Dir" >&2; return 1; }
  rm -rf "$dst"; cp -r "$dir" "$dst"; chmod -R u+w "$dst"
  # A configuration of the project's own would not be a first run.
  rm -f "$dst/rules.yaml" "$dst/.dbaudit.yaml" "$dst/go.work" "$dst/go.work.sum"
  # A module zip leaves out nested modules, so a replace pointing into one
  # (kratos: github.com/ory/client-go => ./internal/client-go) cannot load;
  # use the required version of that module from the proxy instead.
  (cd "$dst" && go mod edit -print | awk '$1 !~ /^\/\// && $0 ~ /=> \.\.?\// { sub(/^replace[ \t]+/, ""); print $1, $NF }' |
   while read -r old path; do
     if [ ! -f "$path/go.mod" ]; then
       echo "  $name: dropping replace $old => $path (a nested module, not in the zip)" >&2
       go mod edit -dropreplace "$old"
     fi
   done)
  (cd "$dst" && go mod download >&2)
}
