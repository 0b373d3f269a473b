#!/usr/bin/env bash
# npm run model:train — retrains the shipped LightCap captioner from ../shared/data and
# exports it into models/lightcap/, on this machine's CPU (about 95 minutes on one core,
# plus 15 for the trunk features the first time):
#   1. CenterNet trunk features, once (onnxruntime-node), into $LIGHTCAP_FEATURES, for
#      flickr8k-train, flickr30k-extra and captions-dev;
#   2. the decoder learns the language from flickr30k-text's 145k English captions (one pass),
#   3. then cross-entropy training on both photo sets with left-right flips, early-stopped on
#      captions-dev greedy CIDEr-D;
#   4. int8 ONNX export with a parity fixture, then the parity check in onnxruntime-web.
# Self-critical fine-tuning (scst.py) is not part of it: it gave no reliable gain here
# (see models/lightcap/README.md).
# Needs Debian's /usr/bin/python3 with python3-torch, python3-onnx and libopenblas0-pthread.
set -euo pipefail
cd "$(dirname "$0")/../.."

features=${LIGHTCAP_FEATURES:-/tmp/lightcap-features}
run=${LIGHTCAP_RUN:-/tmp/lightcap-run}
data=${LIGHTCAP_DATA:-../shared/data}
python=/usr/bin/python3
mkdir -p "$run"

for split in train:flickr8k-train extra:flickr30k-extra dev:captions-dev; do
  name=${split%%:*}
  folder=${split#*:}
  if [ ! -f "$features/$name.grid.npy" ]; then
    npx tsx models/tools/lightcap_features.ts --data "$data/$folder" --split "$name" --out "$features"
  fi
done

nice -n 10 "$python" models/lightcap/train.py --features "$features" --out "$run/xe" \
  --train-data "$data/flickr8k-train" --extra-train "extra:$data/flickr30k-extra" --flip 0.5 \
  --lm-text "$data/flickr30k-text/captions_en.jsonl" --lm-epochs 1 --lm-minutes 25 \
  --dev-data "$data/captions-dev" --epochs 10 --warmup 150 --lr 8e-4 --minutes 85
"$python" models/lightcap/export.py --ckpt "$run/xe/best.pt" --out models/lightcap --features "$features" \
  --dev-data "$data/captions-dev" --fixture "$run/parity.json" --model-version 3
npx tsx models/tools/lightcap_parity.ts --fixture "$run/parity.json" --runtime web --data "$data/captions-dev"
