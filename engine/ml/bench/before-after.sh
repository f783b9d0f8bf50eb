#!/usr/bin/env bash
# The UNet forward of two Limner builds side by side in one run (issue 21's item 1): processes of
# the older and the newer limner-bench take turns, ROUNDS rounds (default 2), on the SD 1.5
# inpainting, Kandinsky 2.2 decoder and unet-mid configs, latents 32×32, batch 2 (two CFG
# batches). The older build runs with its own default threads and with as many as the machine
# has; the newer in float32 and in the editor's Auto precision. Build the older one with e.g.
#   git worktree add /tmp/old REV && cmake -S /tmp/old -B /tmp/old/build -G Ninja \
#     -DCMAKE_BUILD_TYPE=Release -DLIMNER_ML_ONLY=ON -DLIMNER_BUILD_TESTS=OFF && \
#   ninja -C /tmp/old/build limner-bench
#
#   before-after.sh OLD_LIMNER_BENCH NEW_LIMNER_BENCH
# Prints one line per run: which build and settings, then limner-bench's "unet forward" line
# (median ms per call). Pause other work on the machine while it runs.
set -uo pipefail
old=$1 new=$2
configs="$(cd "$(dirname "$0")" && pwd)/configs"
threads=$(nproc)
for round in $(seq "${ROUNDS:-2}"); do
    for config in sd15-inpainting/unet kandinsky22-inpainting/unet unet-mid; do
        args=(unet --config "$configs/$config" --height 32 --width 32 --batch 2 --iters 3 --warmup 1)
        echo "== round $round $config"
        echo "before, its default threads: $("$old" "${args[@]}" 2>&1 | grep 'unet forward')"
        echo "before, --threads $threads:      $("$old" "${args[@]}" --threads "$threads" 2>&1 | grep 'unet forward')"
        echo "after, float32:              $("$new" "${args[@]}" --dtype float32 2>&1 | grep 'unet forward')"
        echo "after, auto:                 $("$new" "${args[@]}" --dtype auto 2>&1 | grep 'unet forward')"
    done
done
