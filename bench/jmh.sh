#!/usr/bin/env bash
# JMH micro-benchmarks of Bastion's hot code. Builds and installs Bastion, builds bench/jmh, runs one
# benchmark class, and prints throughput with each figure's ratio to that class's baseline measured in
# the same run (these machines are shared and noisy: compare ratios, not absolute numbers).
#
#   bench/jmh.sh CredentialBench [extra JMH args, e.g. -p alg=ES256 -wi 5 -i 10]   baseline: apiKeyCheckAndHash
#   bench/jmh.sh LimiterBench    [extra JMH args]                                 baseline: redisLuaManyKeys
#   bench/jmh.sh GuardBench      [extra JMH args]                                 baseline: jsonParse
#   bench/jmh.sh WafBench        [extra JMH args]                                 baseline: jsonParse
#   bench/jmh.sh DetectorBench   [extra JMH args]                                 baseline: jsonParse
#   bench/jmh.sh GuardRouteBench [extra JMH args]                                 baseline: jsonParse
#   bench/jmh.sh EmbeddingBench  [extra JMH args]                                 baseline: heuristic
#   bench/jmh.sh ProviderBench   [extra JMH args]                                 baseline: jsonParse
#   bench/jmh.sh EgressBench     [extra JMH args]                                 baseline: jdkUri
#   bench/jmh.sh TracingBench    [extra JMH args]                                 baseline: accessLine
#   bench/jmh.sh AuditBench      [extra JMH args]                                 baseline: fieldsMap
#   bench/jmh.sh DataProtectBench [extra JMH args]                                baseline: encodeEntry
#   bench/jmh.sh ContractBench   [extra JMH args]                                 baseline: jsonParse
#   bench/jmh.sh McpGuardBench   [extra JMH args]                                 baseline: jsonParse
#   bench/jmh.sh StatsBench      [extra JMH args]                                 baseline: accessLine
#
# With -prof gc the table adds the bytes allocated per operation (gc.alloc.rate.norm), which does not
# depend on the machine's load. Maven runs with $MAVEN_ARGS (Maven reads it itself), e.g. a private local
# repository so the install does not race other builds:
#   MAVEN_ARGS="-Dmaven.repo.local=/tmp/m2-x -Dmaven.repo.local.tail=$HOME/.m2/repository" bench/jmh.sh GuardBench
set -euo pipefail
cd "$(dirname "$0")/.."
bench="${1:-CredentialBench}"; shift || true
. <(sed -n '/^java_major()/,/^}/p;/^find_jdk()/,/^}/p' ./bastion)
JAVA_HOME="$(find_jdk)"; export JAVA_HOME
./mvnw -B -q -DskipTests install
./mvnw -B -q -f bench/jmh/pom.xml package
out="$PWD/bench/out/jmh-$bench-$(date +%Y%m%d-%H%M%S).json"; mkdir -p bench/out
"$JAVA_HOME/bin/java" -jar bench/jmh/target/benchmarks.jar "\.$bench\." -rf json -rff "$out" "$@" >/dev/null
python3 - "$out" "$bench" <<'PY'
import json, sys
rows, bench = json.load(open(sys.argv[1])), sys.argv[2]
baseline = {"CredentialBench": "apiKeyCheckAndHash", "LimiterBench": "redisLuaManyKeys", "GuardBench": "jsonParse", "WafBench": "jsonParse", "DetectorBench": "jsonParse", "GuardRouteBench": "jsonParse", "EmbeddingBench": "heuristic", "ProviderBench": "jsonParse", "EgressBench": "jdkUri", "TracingBench": "accessLine", "AuditBench": "fieldsMap", "DataProtectBench": "encodeEntry", "ContractBench": "jsonParse", "McpGuardBench": "jsonParse", "StatsBench": "accessLine"}[bench]
def params(r): return ",".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
base = {params(r): r["primaryMetric"]["score"] for r in rows if r["benchmark"].endswith("." + baseline)}
def alloc(r):
    sm = r.get("secondaryMetrics") or {}; m = sm.get("gc.alloc.rate.norm") or sm.get("\u00b7gc.alloc.rate.norm")
    return f"{m['score']:12.0f}" if m else ""
print(f"{'benchmark':28} {'params':12} {'ops/ms':>10} {'±':>8} {'µs/op':>8} {'vs ' + baseline:>22}" + (f" {'B/op':>12}" if any(alloc(r) for r in rows) else ""))
for r in sorted(rows, key=lambda r: (params(r), r["benchmark"])):
    m = r["primaryMetric"]; name = r["benchmark"].rsplit(".", 1)[1]
    print(f"{name:28} {params(r) or '-':12} {m['score']:10.1f} {m['scoreError']:8.1f} {1000/m['score']:8.2f} {m['score']/base[params(r)]:22.3f} {alloc(r)}".rstrip())
print("raw:", sys.argv[1])
PY
