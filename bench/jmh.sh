#!/usr/bin/env bash
# JMH micro-benchmarks of Bastion's hot code (credential verification). Builds and installs Bastion,
# builds bench/jmh, runs it, and prints throughput with each figure's ratio to the API-key baseline
# measured in the same run.
#
#   bench/jmh.sh [extra JMH args, e.g. -p alg=ES256 -wi 5 -i 10]
set -euo pipefail
cd "$(dirname "$0")/.."
. <(sed -n '/^java_major()/,/^}/p;/^find_jdk()/,/^}/p' ./bastion)
JAVA_HOME="$(find_jdk)"; export JAVA_HOME
./mvnw -B -q -DskipTests install
./mvnw -B -q -f bench/jmh/pom.xml package
out="$PWD/bench/out/jmh-$(date +%Y%m%d-%H%M%S).json"; mkdir -p bench/out
"$JAVA_HOME/bin/java" -jar bench/jmh/target/benchmarks.jar -rf json -rff "$out" "$@" >/dev/null
python3 - "$out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
base = {}
for r in rows:
    if r["benchmark"].endswith("apiKeyCheckAndHash"):
        base[r["params"]["alg"]] = r["primaryMetric"]["score"]
print(f"{'benchmark':28} {'alg':6} {'ops/ms':>10} {'±':>8} {'µs/op':>8} {'vs API key':>10}")
for r in sorted(rows, key=lambda r: (r["params"]["alg"], r["benchmark"])):
    m = r["primaryMetric"]; alg = r["params"]["alg"]; name = r["benchmark"].rsplit(".", 1)[1]
    print(f"{name:28} {alg:6} {m['score']:10.1f} {m['scoreError']:8.1f} {1000/m['score']:8.2f} {m['score']/base[alg]:10.3f}")
print("raw:", sys.argv[1])
PY
