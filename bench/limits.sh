#!/usr/bin/env bash
# End-to-end cost of rate limits and budgets, in one run: two Bastion processes in front of the same mock
# model — one keeping limit state in process, one in Redis (a real redis-server on loopback) — driven by
# wrk one target at a time. Targets: no limits at all (baseline), rate limits per API key and per IP
# (every request takes both, one atomic step), and an LLM token budget (parse, count the prompt with
# jtokkit, reserve, settle from the response's usage). Figures are requests/s, p50 and p99, each
# target's ratio to the baseline measured in the same round, and the CPU time each request cost the
# Bastion process under test and redis-server (from /proc, so the machine's other load does not count):
# on a 2-core machine redis-server competes with Bastion, wrk and the mock for the same cores, so the
# throughput ratio includes Redis's own work; Bastion's CPU per request is what it costs when Redis
# runs on its own host.
#
#   bench/limits.sh [--duration 20s] [--connections 32] [--rounds 2] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=20s; connections=32; rounds=2; install=1; warmup=8s
parse_options "$@"
need_packages wrk redis-server
bastion_java
out="$PWD/bench/out/limits-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
MOCK=18281 LOCAL=18280 SHARED=18284 REDIS=18279

redis-server --port $REDIS --bind 127.0.0.1 --save '' --appendonly no >"$out/redis.log" 2>&1 & pids+=($!); REDIS_PID=$!
"$JAVA" -jar target/bastion.jar mock-llm --port $MOCK --instances 1 >"$out/mock.log" 2>&1 & pids+=($!)
wait_port $REDIS; wait_port $MOCK

config() { # $1 port, $2 admin port, $3 backend
cat <<YAML
listeners:
  public: { host: 127.0.0.1, port: $1 }
  admin: { host: 127.0.0.1, port: $2 }
store: { url: "sqlite:$out/bastion.db" }
redis: { url: "redis://127.0.0.1:$REDIS" }
access_log: { enabled: false }
upstreams:
  mock: { url: "http://127.0.0.1:$MOCK", kind: ai, max_connections: 64 }
routes:
  - id: none
    match: { methods: [POST], path: /none/v1/chat/completions }
    strip_prefix: /none
    upstream: mock
    auth: { methods: [api_key] }
    tiers: false
  - id: limits
    match: { methods: [POST], path: /limits/v1/chat/completions }
    strip_prefix: /limits
    upstream: mock
    auth: { methods: [api_key] }
    tiers: false
    limits:
      - { per: api_key, rate: 100000000/1m }
      - { per: ip, rate: 100000000/1m }
  - id: budget
    match: { methods: [POST], path: /budget/v1/chat/completions }
    strip_prefix: /budget
    upstream: mock
    auth: { methods: [api_key] }
    tiers: false
    llm: chat
limits: { backend: $3, per_ip: off }
budgets:
  rules: [{ id: bench, per: org, period: month, tokens: 1000000000000, routes: [budget] }]
YAML
}
config $LOCAL 19280 local > "$out/local.yaml"
config $SHARED 19284 redis > "$out/redis.yaml"
KEY=$("$JAVA" -jar target/bastion.jar keys create --config "$out/local.yaml" --org bench --scopes invoke 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/local.yaml" >/dev/null 2>"$out/local.log" & pids+=($!); LOCAL_PID=$!
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/redis.yaml" >/dev/null 2>"$out/redis-node.log" & pids+=($!); SHARED_PID=$!
wait_port $LOCAL; wait_port $SHARED

cat > "$out/post.lua" <<LUA
-- Every request has the same system prompt (as a chat app's do) and a user message of its own.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
local body = '{"model":"gpt-4o-mini","temperature":0.2,"max_tokens":256,"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure."},{"role":"user","content":"Ticket %d: our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests?"}],"user":"bench-user-0001"}'
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(body, n))
end
LUA

targets="none limits-local limits-redis budget-local budget-redis"
url_of() { case "$1" in none) echo "http://127.0.0.1:$LOCAL/none/v1/chat/completions" ;;
  limits-local) echo "http://127.0.0.1:$LOCAL/limits/v1/chat/completions" ;; limits-redis) echo "http://127.0.0.1:$SHARED/limits/v1/chat/completions" ;;
  budget-local) echo "http://127.0.0.1:$LOCAL/budget/v1/chat/completions" ;; budget-redis) echo "http://127.0.0.1:$SHARED/budget/v1/chat/completions" ;; esac; }
for name in $targets; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$(url_of "$name")" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}')
  [ "$code" = 200 ] || { echo "$name answered $code, not 200" >&2; exit 1; }
  wrk -t2 -c"$connections" -d"$warmup" -s "$out/post.lua" "$(url_of "$name")" >/dev/null
done

pid_of() { case "$1" in *-redis) echo "$SHARED_PID" ;; *) echo "$LOCAL_PID" ;; esac; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for name in $targets; do
    b0=$(cpu_ticks "$(pid_of "$name")"); r0=$(cpu_ticks "$REDIS_PID")
    wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/post.lua" "$(url_of "$name")" > "$out/wrk-$name-$round.txt"
    b1=$(cpu_ticks "$(pid_of "$name")"); r1=$(cpu_ticks "$REDIS_PID")
    total=$(awk '/requests in/ {print $1}' "$out/wrk-$name-$round.txt")
    bcpu=$(awk -v d=$((b1 - b0)) -v n="$total" -v t="$TICK" 'BEGIN {printf "%.1f", d / t * 1e6 / n}')
    rcpu=$(awk -v d=$((r1 - r0)) -v n="$total" -v t="$TICK" 'BEGIN {printf "%.1f", d / t * 1e6 / n}')
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$name-$round.txt")
    p50=$(awk '$1=="50%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/wrk-$name-$round.txt"); non2xx=${non2xx:-0}
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" "$p50" "$p99" "$non2xx" "$bcpu" "$rcpu" >> "$results"
  done
done

echo
echo "POST chat completion through Bastion, wrk -t2 -c$connections -d$duration, $rounds rounds, $(nproc) cores, redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')"
printf '%-14s %6s %12s %9s %9s %8s %8s %14s %14s\n' target round "requests/s" "p50 ms" "p99 ms" non-2xx "vs none" "bastion µs/req" "redis µs/req"
awk -F'\t' '{rps[$1,$2]=$3; line[NR]=$0} END { for (i=1; i<=NR; i++) { split(line[i], f, "\t");
  printf "%-14s %6s %12s %9s %9s %8s %8.3f %14s %14s\n", f[2], f[1], f[3], f[4], f[5], f[6], f[3]/rps[f[1],"none"], f[7], f[8] } }' "$results"
echo
awk -F'\t' '{rps[$1,$2]=$3; cpu[$1,$2]=$7; rounds[$1]=1} END { for (r in rounds) {
  printf "round %s: throughput limits redis / limits local = %.3f (budget: %.3f); Bastion CPU per request limits redis / limits local = %.3f (budget: %.3f)\n", r,
    rps[r,"limits-redis"]/rps[r,"limits-local"], rps[r,"budget-redis"]/rps[r,"budget-local"], cpu[r,"limits-redis"]/cpu[r,"limits-local"], cpu[r,"budget-redis"]/cpu[r,"budget-local"] } }' "$results" | sort
echo "raw output: $out"
