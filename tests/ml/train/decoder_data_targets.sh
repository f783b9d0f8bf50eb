#!/bin/sh
# limner-train keeps the decoder's encoded scenes in <work>/decoder-data.safetensors, whose
# "without" latents belong to each scene's target object and whose embeddings come from the
# model's image tower. A cache made for other targets or by another tower must be encoded
# again, never used: once, a cache made by an earlier version paired about half the masks with
# another object's embedding, silently. Runs on a copy of the shipped model, with 8 scenes.
set -eu
train=$1
model=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$model" "$work/model"
encode() {
    "$train" --model "$work/model" --work "$work/work" --stage decoder-data --decoder-scenes 8 \
        --threads 1 >"$work/log"
}
encode
grep -q 'encoded 8 scenes' "$work/log" || { cat "$work/log"; exit 1; }
encode
grep -q "8 scenes' latents from" "$work/log" || { echo "a valid cache was not reused" >&2; cat "$work/log"; exit 1; }

# Point scene 0 at another object: its first int64 in the "targets" tensor.
cache=$work/work/decoder-data.safetensors
header=$(od -An -t u8 -N 8 "$cache" | tr -d ' ')
start=$(head -c $((8 + header)) "$cache" | tail -c "$header" |
    sed -n 's/.*"targets":{[^}]*"data_offsets":\[\([0-9]*\),.*/\1/p')
[ -n "$start" ] || { echo "no targets in the cache's header" >&2; exit 1; }
printf '\007\000\000\000\000\000\000\000' |
    dd of="$cache" bs=1 seek=$((8 + header + start)) conv=notrunc status=none
encode
grep -q 'encoded 8 scenes' "$work/log" || {
    echo "a cache made for other targets was used instead of encoded again" >&2
    cat "$work/log"
    exit 1
}
encode
grep -q "8 scenes' latents from" "$work/log" || { echo "a rebuilt cache was not reused" >&2; exit 1; }

# Another image tower (its projection's first weights changed) makes other embeddings.
tower=$work/model/prior_image_encoder/model.safetensors
header=$(od -An -t u8 -N 8 "$tower" | tr -d ' ')
start=$(head -c $((8 + header)) "$tower" | tail -c "$header" |
    sed -n 's/.*"visual_projection.weight":{[^}]*"data_offsets":\[\([0-9]*\),.*/\1/p')
[ -n "$start" ] || { echo "no visual_projection.weight in the tower's header" >&2; exit 1; }
printf '\000\000\000\101\000\000\000\101\000\000\000\101\000\000\000\101' |
    dd of="$tower" bs=1 seek=$((8 + header + start)) conv=notrunc status=none
encode
grep -q 'encoded 8 scenes' "$work/log" || {
    echo "a cache made with another image tower was used instead of encoded again" >&2
    cat "$work/log"
    exit 1
}
echo "a cache for other targets or another image tower is encoded again"
