#!/bin/sh
# device_check_cpu_mode: scripts/device-check --cpu on the executables of this build writes its
# report, and the report says that float32 and bfloat16 parity pass on the CPU and that both tiny
# pipelines (Stable Diffusion, Kandinsky 2.2 with its prior) were timed.
# usage: cpu_mode.sh DEVICE_CHECK BUILD_DIR OUT_DIR FIXTURES
set -u
check=$1 build=$2 out=$3 fixtures=$4
report="$out/device-check.md"
rm -rf "$out"
"$check" --cpu --build-dir "$build" --no-build --out "$out" --fixtures "$fixtures" --budget 900
status=$?

fail() {
    echo "device_check_cpu_mode: $1" >&2
    if [ -f "$report" ]; then
        echo "--- $report" >&2
        cat "$report" >&2
    fi
    exit 1
}

[ -f "$report" ] || fail "no report at $report (device-check exited $status)"
grep -q '^- parity float32: PASS (' "$report" || fail "the report does not say float32 parity passes"
grep -q '^- parity bfloat16: PASS (' "$report" || fail "the report does not say bfloat16 parity passes"
grep -q '^| unet_sd_inpaint | pass (max abs ' "$report" || fail "the parity table has no unet_sd_inpaint row"
for pipeline in "Stable Diffusion inpainting, tiny" "Kandinsky 2.2 inpainting + prior, tiny"; do
    grep -q "^- pipeline $pipeline: [0-9][0-9.]* s per image, [0-9][0-9.]* s per step" "$report" ||
        fail "the report has no timing of $pipeline"
done
[ "$status" -eq 0 ] || fail "device-check exited $status"
echo "device_check_cpu_mode: $report"
