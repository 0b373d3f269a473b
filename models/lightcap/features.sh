#!/usr/bin/env bash
# Computes the CenterNet trunk features of the named splits, once: a split whose features already
# exist in FEATURES is skipped. Shared by train_all.sh and train_de.sh.
#   models/lightcap/features.sh FEATURES DATA NAME:FOLDER...   (e.g. train:flickr8k-train dev:captions-dev)
set -euo pipefail
features=$1
data=$2
shift 2
for split in "$@"; do
  name=${split%%:*}
  folder=${split#*:}
  if [ ! -f "$features/$name.grid.npy" ]; then
    npx tsx models/tools/lightcap_features.ts --data "$data/$folder" --split "$name" --out "$features"
  fi
done
