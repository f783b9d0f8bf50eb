#!/usr/bin/env bash
# Builds Limner-<version>-x86_64.AppImage: the CMake build installed into an AppDir, then bundled
# by linuxdeploy and its Qt plugin.
#
# Untested: it downloads linuxdeploy and linuxdeploy-plugin-qt from GitHub, and the machine it was
# written on has no network. Build on the oldest distribution the AppImage should run on (its
# glibc is the lowest one the AppImage accepts); Debian 12 gives glibc 2.36.
#
# Needs: the build dependencies of scripts/setup, plus opencv-data (face cascades), qt6-wayland
# (the Wayland platform plugins), wget or curl,
# and FUSE or APPIMAGE_EXTRACT_AND_RUN=1 to run the downloaded tools.
#
# Usage: packaging/appimage/build-appimage.sh [BUILD_DIR]   (default build/appimage)
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(realpath -m "${1:-$source_dir/build/appimage}")
appdir="$build_dir/AppDir"
tools="$build_dir/tools"
id=io.github.limner.Limner
version=$(sed -n 's/^project(Limner VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")

download() { # URL FILE
    if command -v wget >/dev/null; then wget -q -O "$2" "$1"; else curl -fsSL -o "$2" "$1"; fi
}

# 1. Build and install into the AppDir under /usr.
cmake -S "$source_dir" -B "$build_dir/cmake" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DLIMNER_BUILD_TESTS=OFF
cmake --build "$build_dir/cmake"
rm -rf "$appdir"
DESTDIR="$appdir" cmake --install "$build_dir/cmake"

# 2. OpenCV's face cascades (engine/imaging/FaceDetector.cpp), found through LIMNER_FACE_CASCADES,
#    which an AppRun hook points into the mounted AppImage.
for kind in haarcascades lbpcascades; do
    mkdir -p "$appdir/usr/share/opencv4/$kind"
    cp /usr/share/opencv4/$kind/*.xml "$appdir/usr/share/opencv4/$kind/"
done
mkdir -p "$appdir/apprun-hooks"
cat > "$appdir/apprun-hooks/limner-paths.sh" <<'HOOK'
export LIMNER_FACE_CASCADES="${LIMNER_FACE_CASCADES:-$APPDIR/usr/share/opencv4}"
HOOK

# 3. The tools (continuous builds; pin a release here once one is known to work).
mkdir -p "$tools"
for tool in linuxdeploy linuxdeploy-plugin-qt; do
    if [ ! -x "$tools/$tool-x86_64.AppImage" ]; then
        download "https://github.com/linuxdeploy/$tool/releases/download/continuous/$tool-x86_64.AppImage" \
            "$tools/$tool-x86_64.AppImage"
        chmod +x "$tools/$tool-x86_64.AppImage"
    fi
done

# 4. Bundle the libraries (Qt with its platform and image-format plugins, OpenCV, exiv2,
#    libtorch and OpenBLAS) and write the AppImage.
export QMAKE=${QMAKE:-$(command -v qmake6 || echo /usr/lib/qt6/bin/qmake)}
export EXTRA_PLATFORM_PLUGINS="libqwayland-egl.so;libqwayland-generic.so"
export LDAI_OUTPUT="$build_dir/Limner-$version-x86_64.AppImage"
cd "$build_dir"
"$tools/linuxdeploy-x86_64.AppImage" --appdir "$appdir" \
    --executable "$appdir/usr/bin/limner" \
    --executable "$appdir/usr/bin/limner-cli" \
    --desktop-file "$appdir/usr/share/applications/$id.desktop" \
    --icon-file "$appdir/usr/share/icons/hicolor/256x256/apps/$id.png" \
    --plugin qt --output appimage
echo "$LDAI_OUTPUT"
