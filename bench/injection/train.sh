#!/usr/bin/env bash
# Rebuilds the injection model that ships with Bastion (src/main/resources/dev/bastion/detect/injection/
# linear-model.bin.gz and its description linear-model.json) from the corpus train split and the synthetic
# rows beside this script, reports on the dev split and leave-one-source-out, then prints the dev figures
# per kind, language and source with the rebuilt jar. Same data, same model, byte for byte.
#
#   bench/injection/train.sh            # corpus from $BASTION_CORPORA (default ../shared/corpora)
set -euo pipefail
cd "$(dirname "$0")/../.."
. <(sed -n '/^java_major()/,/^}/p;/^find_jdk()/,/^}/p' ./bastion)
JAVA_HOME="$(find_jdk)"; export JAVA_HOME
corpora="${BASTION_CORPORA:-../shared/corpora}"
[ -f "$corpora/injection/train.jsonl" ] || { echo "no corpus at $corpora/injection (set BASTION_CORPORA)" >&2; exit 1; }
python3 bench/injection/synthetic.py >/dev/null
./bastion build
model=src/main/resources/dev/bastion/detect/injection/linear-model.bin.gz
"$JAVA_HOME/bin/java" -jar target/bastion.jar guard train --input "$corpora/injection/train.jsonl" --input bench/injection/synthetic.jsonl \
  --dev "$corpora/injection/dev.jsonl" --leave-one-source-out --out "$model"
./bastion build
"$JAVA_HOME/bin/java" -jar target/bastion.jar guard eval --input "$corpora/injection/dev.jsonl"
