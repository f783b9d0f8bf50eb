#!/usr/bin/env bash
# stable-diffusion.cpp against Limner, per UNet pass, batch 1, in one run (issue 21's peer
# figure). Needs a built sd.cpp `sd-cli` (or the older `sd`) binary in its fastest CPU build
# (GGML_NATIVE=ON, GGML_LLAMAFILE=ON) and a diffusers folder of SD 1.5 with a 4-channel UNet:
# make one from engine/ml/bench/configs/sd15-inpainting (set unet/config.json "in_channels" to
# 4) with
#   limner-bench unet --config DIR/unet --save DIR/unet/diffusion_pytorch_model.safetensors --save-dtype float16
# (likewise vae and clip-text → text_encoder/model.safetensors). --type tells sd.cpp the weight
# type to compute in; --cfg-scale 1 makes one UNet pass per step.
#
#   sdcpp-side-by-side.sh SD_BINARY SD15_FOLDER LIMNER_BENCH [THREADS]
# Prints, per size, sd.cpp's seconds per UNet pass for f32, f16, bf16 and the two 16-bit types
# with flash attention, then limner-bench's ms per UNet call with the editor's Auto precision
# (--dtype auto) and with float32, on the same config and on the 9-channel inpainting UNet.
# sd.cpp's time per pass is the median of its per-step times after the first step: sd.cpp of
# 2025 and later reads the weights during the first step, so its "sampling completed" time
# holds the loading too. Pause other work on the machine while it runs: both sides use every
# thread they are given. SIZES="256" limits the sizes; STEPS=N sets sd.cpp's steps (default 6);
# VARIANTS="f32: bf16:" limits sd.cpp's variants (type:extra flags; flash attention is far slower
# on CPUs: 2.6-3.4 s against 1.3-1.5 s at 256², 30 s against 10 s at 512²).
set -euo pipefail
sd=$1 model=$2 bench=$3 threads=${4:-$(nproc)}
configs="$(cd "$(dirname "$0")" && pwd)/configs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
steps=${STEPS:-6}
for size in ${SIZES:-256 512}; do
    latent=$((size / 8))
    for variant in ${VARIANTS:-f32: f16: bf16: f16:--diffusion-fa bf16:--diffusion-fa}; do
        type=${variant%%:*} extra=${variant#*:}
        # shellcheck disable=SC2086
        "$sd" -m "$model" -p "a photograph of a cat" -W "$size" -H "$size" --steps "$steps" \
            --cfg-scale 1 -t "$threads" --type "$type" $extra -o "$work/out.png" > "$work/log" 2>&1
        # The progress bar's "k/N - X.XXs/it", one per step (older builds print the running
        # mean, which after the first step is close to the same figure).
        per=$(tr '\r' '\n' < "$work/log" | grep -o "[0-9]*/$steps - [0-9.]*s/it" |
            sed 's|.* - ||; s|s/it||' | tail -n +2 | sort -n)
        median=$(echo "$per" | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "?"}')
        echo "sd.cpp ${size}² $type $extra: $median s per UNet pass (steps 2-$steps: $(echo $per))"
    done
    for unet in "$model/unet" "$configs/sd15-inpainting/unet"; do
        for dtype in auto float32; do
            echo "limner ${size}² $dtype $unet: $("$bench" unet --config "$unet" --batch 1 \
                --height "$latent" --width "$latent" --iters 3 --warmup 1 --threads "$threads" \
                --dtype "$dtype" 2>&1 | grep -E 'dtype|unet forward' | tr '\n' ' ')"
        done
    done
done
