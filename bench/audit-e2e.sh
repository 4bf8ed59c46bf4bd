#!/usr/bin/env bash
# Audit events per second per node, end to end (issue 18): every request refused by the WAF, so each one is an
# audit event (waf.block, sampling lifted: blocked_log_per_second 1000000). Three Bastion processes, each on its own
# SQLite store, driven by wrk in alternating rounds in one run: the trail off (the baseline: the same refusals,
# no event kept), the trail on (events stored by the writer), the trail on with a file SIEM sink. Printed per round:
# requests/s, p50, p99, events stored per second (from bastion_audit_events_total), events dropped; and each
# configuration's throughput as a ratio of the baseline's in the same round.
#
#   bench/audit-e2e.sh [--duration 15s] [--connections 32] [--rounds 2] [--no-install]
#
# On a shared machine, build first and hold the build lock for the whole run (the script then skips its build):
#   flock /tmp/bastion-maven.lock ./bastion build && flock /tmp/bastion-maven.lock env BASTION_PREBUILT=1 bench/audit-e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=15s; connections=32; rounds=2; install=1; warmup=5s
parse_options "$@"
need_packages wrk
if [ "${BASTION_PREBUILT:-0}" = 1 ]; then
  . <(sed -n '/^java_major()/,/^}/p;/^find_jdk()/,/^}/p' ./bastion); JAVA_HOME="$(find_jdk)"; JAVA="$JAVA_HOME/bin/java"
else
  bastion_java
fi

out="$PWD/bench/out/audit-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
MOCK=18281
declare -A PORT=([off]=18280 [on]=18290 [sink]=18300) ADMIN=([off]=19280 [on]=19290 [sink]=19300)
trap cleanup EXIT

"$JAVA" -jar target/bastion.jar mock-llm --port $MOCK --instances 1 >"$out/mock.log" 2>&1 & pids+=($!)
wait_port $MOCK

config() { # name audit-block
  cat > "$out/$1.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: ${PORT[$1]} }
  admin: { host: 127.0.0.1, port: ${ADMIN[$1]} }
store: { url: "sqlite:$out/$1.db" }
limits: { per_ip: 100000000/1m }
upstreams:
  mock: { url: "http://127.0.0.1:$MOCK" }
routes:
  - id: search
    match: { methods: [GET], path: /api/search }
    upstream: mock
    auth: { methods: [api_key] }
    limits:
      - { per: api_key, rate: 100000000/1m }
waf:
  rules: { mode: block, blocked_log_per_second: 1000000 }
$2
YAML
}
config off "audit: { enabled: false, log_lines: false }"
config on "audit: { node: bench-on, log_lines: false }"
config sink "audit:
  node: bench-sink
  log_lines: false
  sinks: [ { type: file, path: \"$out/sink.jsonl\" } ]"
declare -A KEY
for name in off on sink; do
  KEY[$name]=$("$JAVA" -jar target/bastion.jar keys create --store "sqlite:$out/$name.db" --org bench --scopes invoke 2>/dev/null)
  "$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/$name.yaml" >"$out/$name-access.log" 2>"$out/$name.log" & pids+=($!)
done
for name in off on sink; do wait_port ${PORT[$name]}; done

url() { echo "http://127.0.0.1:${PORT[$1]}/api/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"; }
for name in off on sink; do
  cat > "$out/$name.lua" <<LUA
wrk.headers["Authorization"] = "Bearer ${KEY[$name]}"
LUA
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${KEY[$name]}" "$(url $name)")
  [ "$code" = 403 ] || { echo "$name answered $code, not 403" >&2; exit 1; }
  wrk -t2 -c"$connections" -d"$warmup" -s "$out/$name.lua" "$(url $name)" >/dev/null
done

metric() { curl -s "http://127.0.0.1:${ADMIN[$1]}/metrics" | awk -v m="$2" -v o="$3" '$0 ~ "^"m"\\{" && $0 ~ "outcome=\""o"\"" {print $NF; f=1} END {if (!f) print 0}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
secs=$(echo "$duration" | sed 's/s$//')
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for name in off on sink; do
    before=$(metric $name bastion_audit_events_total stored)
    wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/$name.lua" "$(url $name)" > "$out/wrk-$name-$round.txt"
    sleep 1 # the writer's last batch of the round
    after=$(metric $name bastion_audit_events_total stored)
    dropped=$(metric $name bastion_audit_events_total dropped)
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$name-$round.txt")
    p50=$(awk '$1=="50%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    stored=$(awk -v a="$after" -v b="$before" -v s="$secs" 'BEGIN {printf "%.0f", (a-b)/s}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" "$p50" "$p99" "$stored" "$dropped" >> "$results"
  done
done

echo
echo "GET /api/search (API key, WAF block: every request a waf.block event), wrk -t2 -c$connections -d$duration, $rounds rounds, $(nproc) cores"
printf '%-6s %6s %12s %9s %9s %14s %9s\n' trail round "requests/s" "p50 ms" "p99 ms" "stored/s" dropped
sort -k1,1n "$results" | while IFS=$'\t' read -r round name rps p50 p99 stored dropped; do
  printf '%-6s %6s %12s %9s %9s %14s %9s\n' "$name" "$round" "$rps" "$p50" "$p99" "$stored" "$dropped"
done
awk -F'\t' '{rps[$1,$2]=$3; r[$1]=1} END { for (k in r) { printf "round %s: on / off = %.3f, sink / off = %.3f\n", k, rps[k,"on"]/rps[k,"off"], rps[k,"sink"]/rps[k,"off"];
  on+=rps[k,"on"]/rps[k,"off"]; sk+=rps[k,"sink"]/rps[k,"off"]; n++ }
  printf "mean: on / off = %.3f, sink / off = %.3f\n", on/n, sk/n }' "$results" | sort
echo "file sink lines: $(wc -l < "$out/sink.jsonl" 2>/dev/null || echo 0); sink drops: $(curl -s "http://127.0.0.1:${ADMIN[sink]}/metrics" | grep -E '^bastion_audit_sink_events_total\{.*dropped' | awk '{print $NF}')"
echo "raw output: $out"
