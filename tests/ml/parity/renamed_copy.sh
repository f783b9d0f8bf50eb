#!/bin/sh
# limner-parity on a copy of the fixture directory whose fixtures carry other names: the kind
# comes from each manifest, never from the folder name, and every fixture must still pass.
set -eu
runner=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
for fixture in "$source"/*/; do
    [ -f "$fixture/manifest.json" ] || continue
    n=$((n + 1))
    cp -r "$fixture" "$work/renamed_$n"
done
[ "$n" -gt 0 ] || { echo "no fixtures found in $source" >&2; exit 1; }
"$runner" "$work"
