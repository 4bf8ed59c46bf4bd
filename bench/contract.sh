#!/usr/bin/env bash
# End-to-end cost of a route contract, in one Bastion process and one run: the same 2 KB chat POST to
# the mock model through two llm routes (guardrails off on both, so the contract is the only difference),
# "plain" without a contract and "contract" with a typical chat-completions request schema (model,
# messages with role enum and content length, sampling bounds, additionalProperties: false) and the
# silent limits. Reports throughput and CPU per request of each, and contract/plain per round.
#
#   bench/contract.sh [--duration 15s] [--connections 32] [--rounds 2] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=15s; connections=32; rounds=2; install=1; warmup=6s
parse_options "$@"
need_packages wrk curl
bastion_java
out="$PWD/bench/out/contract-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
MOCK=18391 BASTION=18390 ADMIN=19390
trap cleanup EXIT

"$JAVA" -jar target/bastion.jar mock-llm --port $MOCK --instances 1 >"$out/mock.log" 2>&1 & pids+=($!)
wait_port $MOCK
cat > "$out/bastion.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $BASTION }
  admin: { host: 127.0.0.1, port: $ADMIN }
store: { url: "sqlite:$out/bastion.db" }
access_log: { enabled: true }   # the decision is recorded in the access line: part of the cost measured
limits: { per_ip: off }
upstreams:
  mock: { url: "http://127.0.0.1:$MOCK", kind: ai, max_connections: 64 }
routes:
  - { id: plain, match: { methods: [POST], path: /plain/v1/chat/completions }, strip_prefix: /plain, upstream: mock, auth: { methods: [api_key] }, tiers: false, llm: chat, guard: "off" }
  - id: contract
    match: { methods: [POST], path: /contract/v1/chat/completions }
    strip_prefix: /contract
    upstream: mock
    auth: { methods: [api_key] }
    tiers: false
    llm: chat
    guard: "off"
    contract:
      body:
        schema:
          type: object
          required: [model, messages]
          additionalProperties: false
          properties:
            model: { type: string, pattern: '^[a-z0-9][a-z0-9.:-]{0,63}\$' }
            max_tokens: { type: integer, minimum: 1, maximum: 4096 }
            temperature: { type: number, minimum: 0, maximum: 2 }
            user: { type: string, maxLength: 64 }
            metadata: { type: object, maxProperties: 16, additionalProperties: { type: string, maxLength: 256 } }
            messages:
              type: array
              minItems: 1
              maxItems: 64
              items:
                type: object
                required: [role, content]
                additionalProperties: false
                properties:
                  role: { enum: [system, user, assistant] }
                  content: { type: string, maxLength: 32000 }
YAML
KEY=$("$JAVA" -jar target/bastion.jar keys create --config "$out/bastion.yaml" --org bench --scopes invoke 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion.yaml" >/dev/null 2>"$out/bastion.log" & pids+=($!); BASTION_PID=$!
wait_port $BASTION

question="Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests? We run three replicas behind it."
body='{"model":"gpt-4o-mini","max_tokens":256,"temperature":0.2,"user":"bench-user-0001","metadata":{"team":"platform","ticket":"OPS-4821"},"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure."}'
for i in 1 2 3 4 5; do body="$body"',{"role":"user","content":"'"$question"'"}'; done
body="$body"']}'
echo "request body: ${#body} bytes"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [[%s]]\n' "$KEY" "$body" > "$out/body.lua"
targets="plain contract"
url_of() { echo "http://127.0.0.1:$BASTION/$1/v1/chat/completions"; }
for t in $targets; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$(url_of $t)" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$body")
  [ "$code" = 200 ] || { echo "$t answered $code, not 200" >&2; exit 1; }
  wrk -t2 -c"$connections" -d"$warmup" -s "$out/body.lua" "$(url_of $t)" >/dev/null
done
# The contract must really be checking: an invalid body on the same route is refused.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$(url_of contract)" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"root","content":"x"}]}')
[ "$code" = 400 ] || { echo "an invalid body on the contract route answered $code, not 400" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for t in $targets; do
    b0=$(cpu_ticks $BASTION_PID)
    wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/body.lua" "$(url_of $t)" > "$out/wrk-$t-$round.txt"
    b1=$(cpu_ticks $BASTION_PID)
    n=$(awk '/requests in/ {print $1}' "$out/wrk-$t-$round.txt")
    cpu=$(awk -v d=$((b1 - b0)) -v n="$n" -v t="$TICK" 'BEGIN {printf "%.1f", d / t * 1e6 / n}')
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$t-$round.txt")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$out/wrk-$t-$round.txt"); non2xx=${non2xx:-0}
    printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$t" "$rps" "$cpu" "$non2xx" >> "$results"
  done
done
echo
echo "POST chat completion (${#body}-byte body) through Bastion, wrk -t2 -c$connections -d$duration, $rounds rounds, $(nproc) cores"
printf '%-10s %6s %12s %14s %8s\n' target round "requests/s" "µs CPU/req" "non-2xx"
awk -F'\t' '{printf "%-10s %6s %12s %14s %8s\n", $2, $1, $3, $4, $5}' "$results"
echo
awk -F'\t' '{rps[$1","$2]=$3; cpu[$1","$2]=$4; r[$1]=1} END {for (k in r) printf "round %s: contract/plain throughput %.3f; added CPU per request %.1f µs\n", k, rps[k",contract"]/rps[k",plain"], cpu[k",contract"]-cpu[k",plain"]}' "$results" | sort
echo "raw output: $out"
