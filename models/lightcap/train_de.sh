#!/usr/bin/env bash
# npm run model:train:de — retrains the German LightCap captioner from ../shared/data and exports
# it into models/lightcap-de/, on this machine's CPU (about 90 minutes on one core, plus the trunk
# features the first time, shared with the English model):
#   1. CenterNet trunk features, once (onnxruntime-node), into $LIGHTCAP_FEATURES: the Flickr8k train
#      photos, flickr30k-extra and captions-dev (one detector pass serves both languages);
#   2. cross-entropy training from scratch on the German Multi30k captions of the 5,344 Flickr8k train
#      photos that have them (flickr30k-text) and of the 2,536 flickr30k-extra photos, with left-right
#      flips (links/rechts swapped), early-stopped on the German captions-dev references;
#   3. int8 ONNX export (the vocabulary in written German: nouns capitalised), parity in onnxruntime-web,
#      then the run-time weight format (int8_matmul.py, prefold_tables.py, broadcast_memory.py, step_cache.py and
#      all_concepts.py, as for English);
#   4. the German confidence gate, fitted on the German captions-dev references and the VizWiz
#      quality-issue photos, without the picture-sharpness signal: every photo with German references
#      is sharp, so the fit has nothing to learn its weight from (the English gate learns it from the
#      VizWiz dev photos' captions).
# Needs Debian's /usr/bin/python3 with python3-torch, python3-onnx and libopenblas0-pthread.
set -euo pipefail
cd "$(dirname "$0")/../.."

features=${LIGHTCAP_FEATURES:-/tmp/lightcap-features}
run=${LIGHTCAP_RUN:-/tmp/lightcap-de}
data=${LIGHTCAP_DATA:-../shared/data}
python=/usr/bin/python3
mkdir -p "$run"

models/lightcap/features.sh "$features" "$data" train:flickr8k-train extra:flickr30k-extra dev:captions-dev

# --minutes is a safety stop, not part of the recipe: the 10-epoch schedule must end by itself, or a
# slower machine would stop it early and get other weights.
nice -n 10 "$python" models/lightcap/train.py --language de --features "$features" --out "$run/xe" \
  --train-data "$data/flickr8k-train" --text-captions "$data/flickr30k-text/captions_de.jsonl" \
  --extra-train "extra:$data/flickr30k-extra" --flip 0.5 \
  --dev-data "$data/captions-dev" --dev-captions "$data/flickr30k-text/captions-dev-de.json" \
  --epochs 10 --warmup 150 --lr 8e-4 --minutes 150
"$python" models/lightcap/export.py --ckpt "$run/xe/best.pt" --out models/lightcap-de --features "$features" \
  --dev-data "$data/captions-dev" --dev-captions "$data/flickr30k-text/captions-dev-de.json" --fixture "$run/parity.json"
npx tsx models/tools/lightcap_parity.ts --fixture "$run/parity.json" --runtime web --model models/lightcap-de
"$python" models/lightcap/int8_matmul.py models/lightcap-de
# The graphs as onnxruntime optimises them, their fp32 tables stored as int8 beside them (prefold_tables.py).
mkdir -p "$run/optimised"
for graph in encoder.onnx decoder.onnx; do npx tsx models/tools/ort_optimize.ts "models/lightcap-de/$graph" "$run/optimised/$graph"; done
"$python" models/lightcap/prefold_tables.py models/lightcap-de "$run/optimised"
# The decoder repeats the memory for the beams itself, so the engine hands it over once per step (broadcast_memory.py).
"$python" models/lightcap/broadcast_memory.py models/lightcap-de
# The decoder returns only the new position's keys and values; the engine writes the next step's cache (step_cache.py).
"$python" models/lightcap/step_cache.py models/lightcap-de
# The encoder reports every concept's score, not only the 10 it reads, for the engine's place check (all_concepts.py).
"$python" models/lightcap/all_concepts.py models/lightcap-de
npx tsx scripts/fit-gate.ts --language de --caption-model lightcap-de/manifest.json \
  --set "$data/flickr30k-text/captions-dev-de.json" --quality-from "$data/captions-dev-vizwiz" \
  --signals meanLogProb,minTokenLogProb,words,retried,namedPresence,namesObjects,conceptOverlap,topPresence --write
