#!/usr/bin/env bash
# npm run model:train — retrains the shipped LightCap captioner from ../shared/data and
# exports it into models/lightcap/, on this machine's CPU (about 80 minutes on one core,
# plus 10 for the trunk features the first time):
#   1. CenterNet trunk features, once (onnxruntime-node), into $LIGHTCAP_FEATURES;
#   2. cross-entropy training from scratch, early-stopped on captions-dev greedy CIDEr-D;
#   3. int8 ONNX export with a parity fixture, then the parity check in onnxruntime-web;
#   4. the run-time weight format (int8_matmul.py: MatMul weights stay int8, which is not exact, so
#      it comes after the parity check and before the gate; then prefold_tables.py: the graphs as
#      onnxruntime optimises them, so the browser does not run its optimiser; then broadcast_memory.py:
#      the decoder repeats the image's memory for the beams itself; then step_cache.py: it returns only
#      the new position's keys and values; then all_concepts.py: the encoder reports every concept's score,
#      for the engine's place check);
#   5. the confidence gate refitted for the new weights (npm run gate:fit, about 5 minutes).
# The flickr30k-extra photos, flips and language pretraining (train.py --extra-train, --flip,
# --lm-text) are not in it: none beat this recipe's beam-3 score (see models/lightcap/README.md).
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

models/lightcap/features.sh "$features" "$data" train:flickr8k-train dev:captions-dev

# --minutes is a safety stop, not part of the recipe: the 10-epoch schedule must end by itself, or a
# slower machine would stop it early and get other weights (this VM trains for about 67 minutes).
nice -n 10 "$python" models/lightcap/train.py --features "$features" --out "$run/xe" \
  --train-data "$data/flickr8k-train" --dev-data "$data/captions-dev" \
  --epochs 10 --warmup 150 --lr 8e-4 --minutes 150
"$python" models/lightcap/export.py --ckpt "$run/xe/best.pt" --out models/lightcap --features "$features" \
  --dev-data "$data/captions-dev" --fixture "$run/parity.json"
npx tsx models/tools/lightcap_parity.ts --fixture "$run/parity.json" --runtime web --data "$data/captions-dev"
"$python" models/lightcap/int8_matmul.py models/lightcap
# The graphs as onnxruntime optimises them, their fp32 tables stored as int8 beside them (prefold_tables.py).
mkdir -p "$run/optimised"
for graph in encoder.onnx decoder.onnx; do npx tsx models/tools/ort_optimize.ts "models/lightcap/$graph" "$run/optimised/$graph"; done
"$python" models/lightcap/prefold_tables.py models/lightcap "$run/optimised"
# The decoder repeats the memory for the beams itself, so the engine hands it over once per step (broadcast_memory.py).
"$python" models/lightcap/broadcast_memory.py models/lightcap
# The decoder returns only the new position's keys and values; the engine writes the next step's cache (step_cache.py).
"$python" models/lightcap/step_cache.py models/lightcap
# The encoder reports every concept's score, not only the 10 it reads, for the engine's place check (all_concepts.py).
"$python" models/lightcap/all_concepts.py models/lightcap
# A fixed threshold (MODEL_CARD.md, "Confidence gate"): anchored on the old floor's wrong objects, which
# the guard holding things to 0.3 mostly removes, the fit's own rule would say 141 of the 198 dev captions
# the guard passes. 0.45 sits above the cluster of VizWiz dev captions at 0.41-0.44 that describe
# something else than the photo (a laptop as "a person in a black shirt in front of a white building"),
# and costs captions-dev one caption.
npx tsx scripts/fit-gate.ts --set "$data/captions-dev" --set "$data/captions-dev-vizwiz" --threshold 0.45 --write
