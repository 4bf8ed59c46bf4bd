#!/usr/bin/env bash
# End-to-end cost of tracing (O1): the same Bastion config with tracing off and with tracing on (every
# request sampled, exported over OTLP/HTTP to a local sink that answers 200 and counts what it got), driven
# by wrk in alternating rounds in one run, in front of the same mock model. Printed: requests/s, p50, p99
# per round, the on/off throughput ratio, and how many spans the sink received and Bastion dropped.
#
#   bench/tracing.sh [--duration 20s] [--connections 32] [--rounds 2] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=20s; connections=32; rounds=2; install=1; warmup=10s
parse_options "$@"
need_packages wrk
bastion_java

out="$PWD/bench/out/tracing-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
MOCK=18181 OFF=18180 ON=18190 OFF_ADMIN=19180 ON_ADMIN=19190 SINK=14318
trap cleanup EXIT

"$JAVA" -jar target/bastion.jar mock-llm --port $MOCK --instances 1 >"$out/mock.log" 2>&1 & pids+=($!)
wait_port $MOCK

# The collector: accepts POST /v1/traces, answers an empty ExportTraceServiceResponse, counts bytes and requests.
cat > "$out/sink.py" <<'PY'
import http.server, sys, threading
stats = {"requests": 0, "bytes": 0}
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0)); self.rfile.read(n)
        stats["requests"] += 1; stats["bytes"] += n
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf"); self.send_header("Content-Length", "0"); self.end_headers()
    def do_GET(self):
        body = f'{stats["requests"]} {stats["bytes"]}\n'.encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$out/sink.py" $SINK & pids+=($!)
wait_port $SINK

echo -n "sk-bench-provider-key-4f9a2c" > "$out/provider.key"
config() { # name port admin tracing-block
  cat > "$out/$1.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $2 }
  admin: { host: 127.0.0.1, port: $3 }
store: { url: "sqlite:$out/bastion.db" }
limits: { per_ip: 100000000/1m }
upstreams:
  mock: { url: "http://127.0.0.1:$MOCK", api_key: "file:$out/provider.key", max_connections: 64 }
routes:
  - id: chat
    match: { methods: [POST], path: /v1/chat/completions }
    upstream: mock
    content_types: [application/json]
    auth: { methods: [api_key] }
    require: { scopes_all: [invoke] }
    limits:
      - { per: api_key, rate: 100000000/1m }
$4
YAML
}
config off $OFF $OFF_ADMIN ""
config on $ON $ON_ADMIN "observability:
  tracing: { enabled: true, endpoint: \"http://127.0.0.1:$SINK/v1/traces\", sample_ratio: 1.0 }"
KEY=$("$JAVA" -jar target/bastion.jar keys create --store "sqlite:$out/bastion.db" --org bench --scopes invoke 2>/dev/null)
for name in off on; do
  "$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/$name.yaml" >"$out/$name-access.log" 2>"$out/$name.log" & pids+=($!)
done
wait_port $OFF; wait_port $ON

cat > "$out/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '{"model":"mock-gpt-small","max_tokens":64,"messages":[{"role":"user","content":"What is the most likely cause of intermittent 502 errors during deploys?"}]}'
LUA
port_of() { case "$1" in off) echo $OFF ;; on) echo $ON ;; esac; }
for name in off on; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$(port_of $name)/v1/chat/completions" \
    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"messages":[]}')
  [ "$code" = 200 ] || { echo "$name answered $code, not 200" >&2; exit 1; }
  wrk -t2 -c"$connections" -d"$warmup" -s "$out/post.lua" "http://127.0.0.1:$(port_of $name)/v1/chat/completions" >/dev/null
done

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for name in off on; do
    wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/post.lua" "http://127.0.0.1:$(port_of $name)/v1/chat/completions" > "$out/wrk-$name-$round.txt"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$name-$round.txt")
    p50=$(awk '$1=="50%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/wrk-$name-$round.txt"); non2xx=${non2xx:-0}
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" "$p50" "$p99" "$non2xx" >> "$results"
  done
done
sleep 2 # the last batch

echo
echo "POST /v1/chat/completions (API key, scope, limits, access log), wrk -t2 -c$connections -d$duration, $rounds rounds, $(nproc) cores"
printf '%-9s %6s %12s %9s %9s %8s\n' tracing round "requests/s" "p50 ms" "p99 ms" non-2xx
sort -k2,2r -k1,1n "$results" | while IFS=$'\t' read -r round name rps p50 p99 bad; do
  printf '%-9s %6s %12s %9s %9s %8s\n' "$name" "$round" "$rps" "$p50" "$p99" "$bad"
done
awk -F'\t' '{rps[$1,$2]=$3} END { n=0; for (k in rps) { split(k, a, SUBSEP); if (a[2]=="on") { r=a[1]; ratio=rps[r,"on"]/rps[r,"off"]; printf "round %s: on / off = %.3f\n", r, ratio; sum+=ratio; n++ } }
  printf "mean on / off throughput ratio: %.3f\n", sum/n }' "$results" | sort
read -r exports bytes < <(curl -s "http://127.0.0.1:$SINK/")
echo "OTLP exports received: $exports ($bytes bytes); $(curl -s "http://127.0.0.1:$ON_ADMIN/metrics" | grep -E '^bastion_tracing_spans_(dropped|exported)_total' | tr '\n' ' ')"
echo "raw output: $out"
