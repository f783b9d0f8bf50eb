#!/bin/sh
# Renders the application icon's PNG sizes from its SVG, the one source drawing.
# Needs rsvg-convert (Debian: librsvg2-bin). Run from anywhere; writes beside this script.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
id=io.github.limner.Limner
svg="$here/hicolor/scalable/apps/$id.svg"
for size in 16 22 24 32 48 64 128 256 512; do
    dir="$here/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    rsvg-convert --width "$size" --height "$size" --format png "$svg" --output "$dir/$id.png"
done
