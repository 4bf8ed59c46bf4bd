#!/usr/bin/env bash
# Trains the head of the embedding injection detector (injection.model: embedding) on
# $BASTION_CORPORA/injection/train.jsonl (default ../shared/corpora) and prints its figures on dev.jsonl:
# TPR and FPR at the chosen operating point, TPR at FPR <= 0.02, per kind and per language,
# leave-one-source-out TPR, and the single-thread cost of one 640-byte English prompt next to the
# heuristic scorer's. Writes src/main/resources/dev/bastion/detect/injection/embedding-head.json.
#
#   bench/injection-embedding.sh [--threads N] [--no-loso] [--out FILE]
#
# Embedding the corpus takes most of the time (about 13,000 texts, minutes on 2 cores); the embeddings
# are cached in bench/out/embedding-cache by the corpus files' sha256, so a re-run takes seconds.
# Deterministic: on the same kind of CPU, the same corpus gives the same head file.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bastion_java
corpus="${BASTION_CORPORA:-../shared/corpora}/injection"
[ -f "$corpus/train.jsonl" ] || { echo "no $corpus/train.jsonl (set BASTION_CORPORA)" >&2; exit 1; }
exec "$JAVA" --enable-native-access=ALL-UNNAMED -cp target/bastion.jar dev.bastion.detect.injection.embedding.EmbeddingHeadTrainer \
  --corpus "$corpus" --cache bench/out/embedding-cache --timing "$@"
