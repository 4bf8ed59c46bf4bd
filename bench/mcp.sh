#!/usr/bin/env bash
# End-to-end cost of an MCP route, in one Bastion process and one run: the same tools/call POST (0.4 KB) to the same
# MCP server (bench/tools/McpEcho.java, a 1.2 KB JSON result) through two routes — "plain", a proxy route with API-key
# authentication, and "mcp", the MCP route with its transport checks, the argument and result guardrails of the
# default policy and a per-tool rate limit (high enough never to refuse). Reports throughput and CPU per request of
# each, and mcp/plain per round.
#
#   bench/mcp.sh [--duration 15s] [--connections 32] [--rounds 2] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=15s; connections=32; rounds=2; install=1; warmup=6s
parse_options "$@"
need_packages wrk curl
bastion_java
out="$PWD/bench/out/mcp-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
ECHO=18491 BASTION=18490 ADMIN=19490
trap cleanup EXIT

"$JAVA" bench/tools/McpEcho.java $ECHO >"$out/echo.log" 2>&1 & pids+=($!)
wait_port $ECHO
cat > "$out/bastion.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $BASTION }
  admin: { host: 127.0.0.1, port: $ADMIN }
store: { url: "sqlite:$out/bastion.db" }
access_log: { enabled: true }   # decisions are recorded in the access line: part of the cost measured
limits: { per_ip: off }
upstreams:
  echo: { url: "http://127.0.0.1:$ECHO", max_connections: 64 }
  echo-mcp: { url: "http://127.0.0.1:$ECHO/mcp", max_connections: 64 }
routes:
  - { id: plain, match: { methods: [POST], path: /plain/mcp }, strip_prefix: /plain, upstream: echo, auth: { methods: [api_key] }, tiers: false }
  - id: mcp
    match: { methods: [POST], path: /mcp }
    auth: { methods: [api_key] }
    tiers: false
    mcp:
      servers: [{ name: search, upstream: echo-mcp }]
      resource: http://127.0.0.1/mcp
      authorization_servers: [http://127.0.0.1/idp]
      limits: [{ tools: ["*"], per: api_key, rate: 1000000000/1m }]
YAML
KEY=$("$JAVA" -jar target/bastion.jar keys create --config "$out/bastion.yaml" --org bench --scopes mcp.use 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion.yaml" >/dev/null 2>"$out/bastion.log" & pids+=($!); BASTION_PID=$!
wait_port $BASTION

body='{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"lookup","arguments":{"query":"quarterly revenue of the EMEA region compared with last year, excluding one-off items","limit":20,"filters":[{"field":"region","value":"EMEA"},{"field":"year","value":"2026"},{"field":"kind","value":"report"}],"sort":"relevance","note":"prefer the finance team summaries over press coverage where both exist"}}}'
echo "request body: ${#body} bytes"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Accept"] = "application/json, text/event-stream"\nwrk.headers["MCP-Protocol-Version"] = "2026-07-28"\nwrk.headers["Mcp-Method"] = "tools/call"\nwrk.headers["Mcp-Name"] = "lookup"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [[%s]]\n' "$KEY" "$body" > "$out/body.lua"
targets="plain mcp"
url_of() { if [ "$1" = plain ]; then echo "http://127.0.0.1:$BASTION/plain/mcp"; else echo "http://127.0.0.1:$BASTION/mcp"; fi; }
hdrs=(-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: lookup')
for t in $targets; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$(url_of $t)" "${hdrs[@]}" -d "$body")
  [ "$code" = 200 ] || { echo "$t answered $code, not 200" >&2; exit 1; }
  wrk -t2 -c"$connections" -d"$warmup" -s "$out/body.lua" "$(url_of $t)" >/dev/null
done
# The guardrails must really be checking: a credential in the arguments is refused on the MCP route.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$(url_of mcp)" "${hdrs[@]}" -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup","arguments":{"q":"AKIAZ7QW3ERT5YUI2OPA"}}}')
[ "$code" = 400 ] || { echo "a credential in the arguments answered $code, not 400" >&2; exit 1; }
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
echo "POST tools/call (${#body}-byte body, 1.2 KB result) through Bastion, wrk -t2 -c$connections -d$duration, $rounds rounds, $(nproc) cores"
printf '%-10s %6s %12s %14s %8s\n' target round "requests/s" "µs CPU/req" "non-2xx"
awk -F'\t' '{printf "%-10s %6s %12s %14s %8s\n", $2, $1, $3, $4, $5}' "$results"
echo
awk -F'\t' '{rps[$1","$2]=$3; cpu[$1","$2]=$4; r[$1]=1} END {for (k in r) printf "round %s: mcp/plain throughput %.3f; added CPU per request %.1f µs\n", k, rps[k",mcp"]/rps[k",plain"], cpu[k",mcp"]-cpu[k",plain"]}' "$results" | sort
echo "raw output: $out"
