#!/usr/bin/env bash
# stable-diffusion.cpp against Limner, per UNet pass, batch 1, in one run (issue 21's peer
# figure). Needs a built sd.cpp `sd` binary (its fastest CPU build: GGML_NATIVE=ON,
# GGML_LLAMAFILE=ON) and a diffusers folder of SD 1.5 with a 4-channel UNet: make one from
# engine/ml/bench/configs/sd15-inpainting (set unet/config.json "in_channels" to 4) with
#   limner-bench unet --config DIR/unet --save DIR/unet/diffusion_pytorch_model.safetensors --save-dtype float16
# (likewise vae and clip-text → text_encoder/model.safetensors). sd.cpp's diffusers loader needs
# --type to know the UNet's weight type. --cfg-scale 1 makes one UNet pass per step.
#
#   sdcpp-side-by-side.sh SD_BINARY SD15_FOLDER LIMNER_BENCH [THREADS]
# Prints sd.cpp's sampling time ÷ steps for f32, f16 and f16 + flash attention at 256² and 512²,
# and limner-bench's ms per UNet call on the same config (and on the 9-channel inpainting UNet).
# Pause other work on the machine while it runs: both sides use every thread they are given.
# SIZES="256" limits the sizes.
set -euo pipefail
sd=$1 model=$2 bench=$3 threads=${4:-$(nproc)}
configs="$(cd "$(dirname "$0")" && pwd)/configs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for size in ${SIZES:-256 512}; do
    latent=$((size / 8))
    steps=4
    [ "$size" = 512 ] && steps=3
    for variant in "f32:" "f16:" "f16:--diffusion-fa"; do
        type=${variant%%:*} extra=${variant#*:}
        # shellcheck disable=SC2086
        "$sd" -m "$model" -p "a photograph of a cat" -W "$size" -H "$size" --steps "$steps" \
            --cfg-scale 1 -t "$threads" --type "$type" $extra -o "$work/out.png" > "$work/log" 2>&1
        seconds=$(grep -o 'sampling completed, taking [0-9.]*s' "$work/log" | grep -o '[0-9.]*' | tail -1)
        echo "sd.cpp ${size}² $type $extra: $(echo "scale=2; $seconds / $steps" | bc) s per UNet pass"
    done
    for unet in "$model/unet" "$configs/sd15-inpainting/unet"; do
        echo "limner ${size}² $unet: $("$bench" unet --config "$unet" --batch 1 --height "$latent" \
            --width "$latent" --iters 3 --warmup 1 --threads "$threads" 2>&1 | grep 'unet forward')"
    done
done
