#!/usr/bin/env bash
# The Debian package as a user gets it: built with CPack from this build, unpacked with
# dpkg-deb -x into a temporary root, and run from there (not from the build tree): --version of
# both programs, an inpaint with the bundled model found next to the installed binary, no file
# that names the build folder, and the verdicts of desktop-file-validate, appstreamcli and
# lintian (errors fail; warnings are listed in packaging/README.md). Then the source tarball
# holds every file git tracks.
#   package_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build=$1 src=$2 version=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/pkg") > "$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
deb="$work/pkg/limner_${version}_amd64.deb"
[ -f "$deb" ] || { ls "$work/pkg"; fail "no $deb"; }
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb -f "$deb" Package Version Section Maintainer Depends Recommends
root="$work/root"
dpkg-deb -x "$deb" "$root"
echo "installed size: $(du -sk "$root" | cut -f1) KiB, $(find "$root" -type f | wc -l) files"

cli="$root/usr/bin/limner-cli"
"$cli" --version > "$work/v"
grep "$version" "$work/v" || fail "limner-cli --version: $(cat "$work/v")"
QT_QPA_PLATFORM=offscreen "$root/usr/bin/limner" --version > "$work/v"
grep "$version" "$work/v" || fail "limner --version: $(cat "$work/v")"
# --steps needs a model: without --model it takes the bundled one, found from the binary's folder.
cp "$src/tests/packaging/mask.png" "$work/mask.png"
(cd "$work" && env -u LIMNER_BUNDLED_MODEL "$cli" inpaint --image "$root/usr/share/limner/samples/shapes.png" \
    --mask mask.png --out out.png --steps 3 --prompt "a red circle") || fail "limner-cli inpaint from the package"
[ -s "$work/out.png" ] || fail "no output picture"
"$cli" verify "$work/out.png" > "$work/verify" || true
grep "Content Credentials: valid" "$work/verify" || fail "no Content Credentials on the output: $(cat "$work/verify")"

# Nothing may point into the build folder (rpath, paths compiled in, configs).
if grep -rl --binary-files=text "$build" "$root" > "$work/leaks"; then
    cat "$work/leaks"; fail "files name the build folder $build"
fi
if command -v readelf > /dev/null; then
    for f in "$root"/usr/bin/*; do
        ! readelf -d "$f" | grep -Eq 'RPATH|RUNPATH' || fail "$f has an rpath"
    done
fi

desktop=$(find "$root/usr/share/applications" -name '*.desktop' 2>/dev/null | head -1)
[ -n "$desktop" ] || fail "no .desktop file"
desktop-file-validate "$desktop" || fail "desktop-file-validate"
metainfo=$(find "$root/usr/share/metainfo" -name '*.xml' 2>/dev/null | head -1)
[ -n "$metainfo" ] || fail "no metainfo file"
appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate"
[ -f "$root/usr/share/man/man1/limner-cli.1.gz" ] || fail "no man page for limner-cli"
zcat "$root/usr/share/man/man1/limner-cli.1.gz" > "$work/man"
grep -c 'verify' "$work/man" > /dev/null || fail "the man page lacks verify"
if command -v lintian > /dev/null; then
    lintian --fail-on error "$deb" || fail "lintian reports errors"
fi

if command -v git > /dev/null && git -C "$src" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    (cd "$build" && cpack --config CPackSourceConfig.cmake -B "$work/src") > "$work/src.log" 2>&1 || { cat "$work/src.log"; fail "source tarball"; }
    tarball="$work/src/limner-${version}.tar.gz"
    tar -tzf "$tarball" | sed "s|^limner-${version}/||" | sort > "$work/in-tarball"
    git -C "$src" ls-files | sort > "$work/tracked"
    missing=$(comm -23 "$work/tracked" "$work/in-tarball" | head -20)
    [ -z "$missing" ] || fail "the source tarball lacks: $missing"
    echo "source tarball: $(stat -c %s "$tarball") bytes, every tracked file in it"
fi
echo "package test passed"
