#!/usr/bin/env bash
# End-to-end cost of the guardrails, in one Bastion process and one run: the same 640-byte chat POST to
# the mock model through an llm route with the guardrails off (the baseline) and with the default policy
# on (PII, secrets, injection score on the request; the whole answer inspected on the way back), once
# with a clean prompt and once with a prompt carrying an e-mail address and a phone number (redacted, so
# the body is rewritten before forwarding). The "phr" route is the default policy with the learned
# injection model off (injection.model: phrases, the detector before issue 15): on/phr is what the model
# costs end to end; "emb" uses the embedding option (injection.model: embedding, on the worker pool).
#
# Then the time to first token of a streamed answer, guardrails off and on, through a second mock that
# sends one word every 20 ms (about 50 tokens/s, a typical provider): what the hold-back window costs.
#
#   bench/guard.sh [--duration 15s] [--connections 32] [--rounds 2] [--streams 40] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=15s; connections=32; rounds=2; install=1; warmup=6s; streams=40
bench_option() { case "$1" in --streams) streams="$2" ;; *) return 1 ;; esac; }
parse_options "$@"
need_packages wrk
bastion_java
out="$PWD/bench/out/guard-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
MOCK=18381 SLOW=18382 BASTION=18380 ADMIN=19380

"$JAVA" -jar target/bastion.jar mock-llm --port $MOCK --instances 1 >"$out/mock.log" 2>&1 & pids+=($!)
"$JAVA" -jar target/bastion.jar mock-llm --port $SLOW --instances 1 --chunk-delay-ms 20 >"$out/slow.log" 2>&1 & pids+=($!)
wait_port $MOCK; wait_port $SLOW
cat > "$out/bastion.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $BASTION }
  admin: { host: 127.0.0.1, port: $ADMIN }
store: { url: "sqlite:$out/bastion.db" }
access_log: { enabled: true }   # decisions are recorded in the access line: part of the cost measured
limits: { per_ip: off }
upstreams:
  mock: { url: "http://127.0.0.1:$MOCK", kind: ai, max_connections: 64 }
  slow: { url: "http://127.0.0.1:$SLOW", kind: ai }
guard:
  policies:
    window0: { output: { stream_window: 0 } }   # only the structural hold-back rules
    phrases: { injection: { model: phrases } }   # the phrase signals alone
    embedding: { injection: { model: embedding } }
routes:
  - { id: "stream-off", match: { methods: [POST], path: /stream-off/v1/chat/completions }, strip_prefix: /stream-off, upstream: slow, auth: { methods: [api_key] }, tiers: false, llm: chat, guard: "off" }
  - { id: "stream-on", match: { methods: [POST], path: /stream-on/v1/chat/completions }, strip_prefix: /stream-on, upstream: slow, auth: { methods: [api_key] }, tiers: false, llm: chat }
  - { id: "stream-w0", match: { methods: [POST], path: /stream-w0/v1/chat/completions }, strip_prefix: /stream-w0, upstream: slow, auth: { methods: [api_key] }, tiers: false, llm: chat, guard: window0 }
  - { id: "off", match: { methods: [POST], path: /off/v1/chat/completions }, strip_prefix: /off, upstream: mock, auth: { methods: [api_key] }, tiers: false, llm: chat, guard: "off" }
  - { id: "on", match: { methods: [POST], path: /on/v1/chat/completions }, strip_prefix: /on, upstream: mock, auth: { methods: [api_key] }, tiers: false, llm: chat }
  - { id: "phr", match: { methods: [POST], path: /phr/v1/chat/completions }, strip_prefix: /phr, upstream: mock, auth: { methods: [api_key] }, tiers: false, llm: chat, guard: phrases }
  - { id: "emb", match: { methods: [POST], path: /emb/v1/chat/completions }, strip_prefix: /emb, upstream: mock, auth: { methods: [api_key] }, tiers: false, llm: chat, guard: embedding }
YAML
KEY=$("$JAVA" -jar target/bastion.jar keys create --config "$out/bastion.yaml" --org bench --scopes invoke 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion.yaml" >/dev/null 2>"$out/bastion.log" & pids+=($!); BASTION_PID=$!
wait_port $BASTION

clean='{"model":"gpt-4o-mini","max_tokens":256,"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure."},{"role":"user","content":"Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests? We run three replicas behind it."}]}'
pii='{"model":"gpt-4o-mini","max_tokens":256,"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure."},{"role":"user","content":"Our service returns intermittent 502 errors during deploys; jane.doe@example.com on call (+1 415-555-2671) saw it first. What is the most likely cause, and what setting should we check first on the upstream pool to make deploys graceful?"}]}'
for name in clean pii; do
  body=${!name}
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [[%s]]\n' "$KEY" "$body" > "$out/$name.lua"
done
targets="off-clean phr-clean on-clean emb-clean off-pii on-pii"
url_of() { echo "http://127.0.0.1:$BASTION/${1%%-*}/v1/chat/completions"; }
lua_of() { echo "$out/${1#*-}.lua"; }
for t in $targets; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$(url_of $t)" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$(sed -n 's/^wrk.body = \[\[\(.*\)\]\]$/\1/p' "$(lua_of $t)")")
  [ "$code" = 200 ] || { echo "$t answered $code, not 200" >&2; exit 1; }
  wrk -t2 -c"$connections" -d"$warmup" -s "$(lua_of $t)" "$(url_of $t)" >/dev/null
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for t in $targets; do
    b0=$(cpu_ticks $BASTION_PID)
    wrk -t2 -c"$connections" -d"$duration" --latency -s "$(lua_of $t)" "$(url_of $t)" > "$out/wrk-$t-$round.txt"
    b1=$(cpu_ticks $BASTION_PID)
    n=$(awk '/requests in/ {print $1}' "$out/wrk-$t-$round.txt")
    cpu=$(awk -v d=$((b1 - b0)) -v n="$n" -v t="$TICK" 'BEGIN {printf "%.1f", d / t * 1e6 / n}')
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$t-$round.txt")
    p50=$(awk '$1=="50%" {print $2}' "$out/wrk-$t-$round.txt" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$out/wrk-$t-$round.txt" | to_ms)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$t" "$rps" "$p50" "$p99" "$cpu" >> "$results"
  done
done
echo
echo "POST chat completion (640-byte user message) through Bastion, wrk -t2 -c$connections -d$duration, $rounds rounds, $(nproc) cores"
printf '%-10s %6s %12s %9s %9s %14s\n' target round "requests/s" "p50 ms" "p99 ms" "µs CPU/req"
awk -F'\t' '{printf "%-10s %6s %12s %9s %9s %14s\n", $2, $1, $3, $4, $5, $6}' "$results"
echo
awk -F'\t' '{rps[$1","$2]=$3; cpu[$1","$2]=$6; r[$1]=1} END {for (k in r) printf "round %s: on/off throughput clean %.3f, with PII %.3f; added CPU per request clean %.1f µs, with PII %.1f µs; learned model: on/phr throughput %.3f, %.1f µs CPU per request\n", k, rps[k",on-clean"]/rps[k",off-clean"], rps[k",on-pii"]/rps[k",off-pii"], cpu[k",on-clean"]-cpu[k",off-clean"], cpu[k",on-pii"]-cpu[k",off-pii"], rps[k",on-clean"]/rps[k",phr-clean"], cpu[k",on-clean"]-cpu[k",phr-clean"]; for (k in r) printf "round %s: embedding model: emb/phr throughput %.4f, %.0f µs CPU per request\n", k, rps[k",emb-clean"]/rps[k",phr-clean"], cpu[k",emb-clean"]-cpu[k",phr-clean"]}' "$results" | sort
echo "raw output: $out"

echo
echo "Time to first token, streamed chat completion, one word every 20 ms from the upstream, $streams requests each, in turns"
stream_body='{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Summarise the deploy runbook for the on-call engineer in a few sentences, please."}]}'
"$JAVA" bench/tools/StreamTiming.java "$KEY" "$streams" "$stream_body" \
  "http://127.0.0.1:$BASTION/stream-off/v1/chat/completions" "http://127.0.0.1:$BASTION/stream-on/v1/chat/completions" \
  "http://127.0.0.1:$BASTION/stream-w0/v1/chat/completions" | tee "$out/ttft.txt"
awk 'NR==2 {off=$2} NR==3 {printf "first token added by the guardrails (p50): %.1f ms with the default 32-character window", $2 - off} NR==4 {printf ", %.1f ms with stream_window: 0\n", $2 - off}' "$out/ttft.txt"
