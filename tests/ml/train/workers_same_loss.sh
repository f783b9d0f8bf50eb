#!/bin/sh
# limner-train's decoder stage with its batch split over two worker threads must train as one
# worker does: the same losses and gradient norms at every step, up to float rounding (each
# worker runs the UNet on half of the very same batch; a wrong split differs by tens of per
# cent). Runs on a copy of the shipped model, with 8 scenes.
set -eu
train=$1
model=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for workers in 1 2; do
    cp -r "$model" "$work/model-$workers"
    "$train" --model "$work/model-$workers" --work "$work/work-$workers" --stage decoder \
        --steps 4 --batch 4 --decoder-scenes 8 --workers "$workers" --threads 1 >"$work/log-$workers"
    # "decoder step 3/4 loss 1.61830 lr 6.25e-05 grad 5.376 0.589 s/step ...": step, loss, grad
    grep '^decoder step' "$work/log-$workers" | awk '{print $3, $5, $9}' >"$work/losses-$workers"
done
[ "$(wc -l <"$work/losses-1")" -eq 4 ] || { cat "$work/log-1"; exit 1; }
# Same steps; loss and gradient norm within 1e-4 relative plus two units of the last printed
# decimal (the log prints 5 and 3 decimals).
if ! paste "$work/losses-1" "$work/losses-2" | awk '
    function far(a, b, unit) { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; return d > 1e-4 * m + 2 * unit }
    $1 != $4 || far($2, $5, 1e-5) || far($3, $6, 1e-3) { bad = 1 }
    END { exit bad }'; then
    echo "one worker and two workers trained differently:" >&2
    paste "$work/losses-1" "$work/losses-2" >&2
    exit 1
fi
[ -s "$work/model-2/unet/diffusion_pytorch_model.safetensors" ]
cat "$work/losses-2"
