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
expect() { # expect 'log line' 'what went wrong'
    grep -q "$1" "$work/log" || { echo "$2" >&2; cat "$work/log" >&2; exit 1; }
}
# overwrite FILE TENSOR BYTES: the first bytes of one tensor of a safetensors file (printf format).
overwrite() {
    header=$(od -An -t u8 -N 8 "$1" | tr -d ' ')
    start=$(head -c $((8 + header)) "$1" | tail -c "$header" |
        sed -n "s/.*\"$2\":{[^}]*\"data_offsets\":\\[\\([0-9]*\\),.*/\\1/p")
    [ -n "$start" ] || { echo "no $2 in the header of $1" >&2; exit 1; }
    printf "$3" | dd of="$1" bs=1 seek=$((8 + header + start)) conv=notrunc status=none
}

encode
expect 'encoded 8 scenes' "the first run did not encode the scenes"
encode
expect "8 scenes' latents from" "a valid cache was not reused"

# Scene 0 pointed at another object (the first int64 of "targets").
overwrite "$work/work/decoder-data.safetensors" targets '\007\000\000\000\000\000\000\000'
encode
expect 'encoded 8 scenes' "a cache made for other targets was used instead of encoded again"
encode
expect "8 scenes' latents from" "a rebuilt cache was not reused"

# Another image tower (the first weights of its projection set to 8) makes other embeddings.
overwrite "$work/model/prior_image_encoder/model.safetensors" visual_projection.weight \
    '\000\000\000\101\000\000\000\101\000\000\000\101\000\000\000\101'
encode
expect 'encoded 8 scenes' "a cache made with another image tower was used instead of encoded again"
echo "a cache for other targets or another image tower is encoded again"
