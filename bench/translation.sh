#!/usr/bin/env bash
# Translation end to end (issue 16): one Bastion route that routes by model, in front of one fast canned
# upstream (nginx answering from memory, so the upstream never caps the proxy), two ways:
#   pass     model "pass": an OpenAI-format deployment — the answer passes as the provider sent it
#   claude   model "claude": an Anthropic-format deployment — the OpenAI request is translated to the
#            Messages API and the Messages answer back to a chat completion
# each whole (JSON) and streamed (SSE: 40 content events; OpenAI chunks checked for [DONE], Anthropic
# events translated to chunks). Same route, same controls (API key, default guard, access log), same
# client body; only the deployment differs. wrk drives the four targets one at a time in interleaved
# rounds; the ratio translated ÷ pass-through is taken round by round (target ≥ 0.8) with its median.
#
#   bench/translation.sh [--duration 15s] [--connections 32] [--rounds 3] [--warmup 10s] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=15s; connections=32; rounds=3; install=1; warmup=10s
bench_option() { case "$1" in --warmup) warmup="$2" ;; *) return 1 ;; esac; }
parse_options "$@"
need_packages wrk nginx
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
bastion_java
out="$PWD/bench/out/translation-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
UP=18681 BASTION=18680 ADMIN=19680
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; [ -f "$out/upstream.pid" ] && kill "$(cat "$out/upstream.pid")" 2>/dev/null || true; }
trap cleanup EXIT

text="The usual cause is the load balancer still sending requests to a replica that is shutting down. Check connection draining on the upstream pool first: make it longer than your slowest request, and have each replica fail its readiness check before it stops accepting connections. Then"
openai_json='{"id":"chatcmpl-bench0001","object":"chat.completion","created":1764979200,"model":"mock-gpt-small","choices":[{"index":0,"message":{"role":"assistant","content":"'"$text"'"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":109,"completion_tokens":52,"total_tokens":161}}'
anthropic_json='{"id":"msg_bench0001","type":"message","role":"assistant","model":"claude-bench","content":[{"type":"text","text":"'"$text"'"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":109,"output_tokens":52}}'
# The same 40 words as 40 content events in each provider's stream format.
read -r -a words <<< "$(echo "$text" | cut -d' ' -f1-40)"
openai_sse="" anthropic_sse=""
anthropic_sse+='event: message_start
data: {"type":"message_start","message":{"id":"msg_bench0001","type":"message","role":"assistant","model":"claude-bench","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":109,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

'
for w in "${words[@]}"; do
  openai_sse+='data: {"id":"chatcmpl-bench0001","object":"chat.completion.chunk","created":1764979200,"model":"mock-gpt-small","choices":[{"index":0,"delta":{"content":"'"$w"' "},"logprobs":null,"finish_reason":null}]}

'
  anthropic_sse+='event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"'"$w"' "}}

'
done
openai_sse+='data: {"id":"chatcmpl-bench0001","object":"chat.completion.chunk","created":1764979200,"model":"mock-gpt-small","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

data: [DONE]

'
anthropic_sse+='event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":40}}

event: message_stop
data: {"type":"message_stop"}

'
mkdir -p "$out/www/sse/v1/chat"
printf '%s' "$openai_sse" > "$out/www/sse/v1/chat/completions"
printf '%s' "$anthropic_sse" > "$out/www/sse/v1/messages"
cat > "$out/upstream.conf" <<NGINX
worker_processes ${BENCH_UPSTREAM_WORKERS:-1};
pid $out/upstream.pid;
error_log $out/upstream-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$UP;
    location = /json/v1/chat/completions { default_type application/json; return 200 '$openai_json'; }
    location = /json/v1/messages { default_type application/json; return 200 '$anthropic_json'; }
    # Streams are longer than an nginx string may be: files, answered to a POST through the 405 page.
    location /sse/ { root $out/www; default_type text/event-stream; error_page 405 =200 \$uri; }
  }
}
NGINX
"$NGINX" -c "$out/upstream.conf" -p "$out" -e "$out/upstream-error.log"
wait_port $UP

echo -n "sk-bench-provider-key-4f9a2c" > "$out/provider.key"
cat > "$out/bastion.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $BASTION }
  admin: { host: 127.0.0.1, port: $ADMIN }
store: { url: "sqlite:$out/bastion.db" }
limits: { per_ip: 100000000/1m }
upstreams:
  openai-json: { url: "http://127.0.0.1:$UP/json", kind: ai, api_key: "file:$out/provider.key", max_connections: 64 }
  openai-sse: { url: "http://127.0.0.1:$UP/sse", kind: ai, api_key: "file:$out/provider.key", max_connections: 64 }
  anthropic-json: { url: "http://127.0.0.1:$UP/json", kind: ai, api_key: "file:$out/provider.key", api_key_header: x-api-key, max_connections: 64 }
  anthropic-sse: { url: "http://127.0.0.1:$UP/sse", kind: ai, api_key: "file:$out/provider.key", api_key_header: x-api-key, max_connections: 64 }
models:
  pass: { deployments: [{ upstream: openai-json, model: mock-gpt-small }] }
  pass-stream: { deployments: [{ upstream: openai-sse, model: mock-gpt-small }] }
  claude: { deployments: [{ upstream: anthropic-json, provider: anthropic, model: claude-bench }] }
  claude-stream: { deployments: [{ upstream: anthropic-sse, provider: anthropic, model: claude-bench }] }
routes:
  - id: chat
    match: { methods: [POST], path: /v1/chat/completions }
    content_types: [application/json]
    auth: { methods: [api_key] }
    llm: chat
YAML
KEY=$("$JAVA" -jar target/bastion.jar keys create --store "sqlite:$out/bastion.db" --org bench --scopes invoke 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion.yaml" >"$out/bastion-access.log" 2>"$out/bastion.log" & pids+=($!)
wait_port $BASTION

body() { # MODEL STREAM
  echo '{"model":"'"$1"'","stream":'"$2"',"temperature":0.2,"max_tokens":256,"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure."},{"role":"user","content":"Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests?"}]}'
}
targets="pass claude pass-stream claude-stream"
for name in $targets; do
  stream=false; case "$name" in *-stream) stream=true ;; esac
  cat > "$out/$name.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '$(body "$name" "$stream")'
LUA
  # Each target must answer a full, well-formed answer before it is measured.
  curl -s -X POST "http://127.0.0.1:$BASTION/v1/chat/completions" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d "$(body "$name" "$stream")" > "$out/check-$name.txt"
  if [ "$stream" = true ]; then
    grep -q '^data: \[DONE\]' "$out/check-$name.txt" && [ "$(grep -c '"content":"' "$out/check-$name.txt")" -ge 40 ] \
      || { echo "$name: not a complete stream:" >&2; head -c 600 "$out/check-$name.txt" >&2; exit 1; }
  else
    grep -q '"object":"chat.completion"' "$out/check-$name.txt" && grep -q 'readiness check' "$out/check-$name.txt" \
      || { echo "$name: not a chat completion:" >&2; head -c 600 "$out/check-$name.txt" >&2; exit 1; }
  fi
  wrk -t2 -c"$connections" -d"$warmup" -s "$out/$name.lua" "http://127.0.0.1:$BASTION/v1/chat/completions" >/dev/null
done

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for name in $targets; do
    wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/$name.lua" "http://127.0.0.1:$BASTION/v1/chat/completions" > "$out/wrk-$name-$round.txt"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$name-$round.txt")
    p50=$(awk '$1=="50%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    bad=$(awk '/Non-2xx/ {print $NF}' "$out/wrk-$name-$round.txt"); bad=${bad:-0}
    errors=$(awk '/Socket errors/ {print $0}' "$out/wrk-$name-$round.txt")
    [ "$bad" = 0 ] && [ -z "$errors" ] || { echo "$name round $round: $bad non-2xx answers $errors" >&2; exit 1; }
    printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" "$p50" "$p99" >> "$results"
  done
done

echo
echo "POST /v1/chat/completions by model, wrk -t2 -c$connections -d$duration, $rounds rounds, $(nproc) cores"
printf '%-14s %6s %12s %9s %9s\n' target round "requests/s" "p50 ms" "p99 ms"
sort -k2,2 -k1,1n "$results" | while IFS=$'\t' read -r round name rps p50 p99; do printf '%-14s %6s %12s %9s %9s\n' "$name" "$round" "$rps" "$p50" "$p99"; done
echo
awk -F'\t' '{rps[$1,$2]=$3; if ($1>n) n=$1} END {
  for (r=1; r<=n; r++) printf "%d\t%.3f\t%.3f\n", r, rps[r,"claude"]/rps[r,"pass"], rps[r,"claude-stream"]/rps[r,"pass-stream"] }' "$results" > "$out/ratios.tsv"
while IFS=$'\t' read -r r w s; do printf 'round %s: translated / pass-through = %.2f whole, %.2f streamed\n' "$r" "$w" "$s"; done < "$out/ratios.tsv"
median() { sort -n | awk '{v[NR]=$1} END {printf "%.2f", NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
echo "median translated / pass-through (target >= 0.8): $(cut -f2 "$out/ratios.tsv" | median) whole, $(cut -f3 "$out/ratios.tsv" | median) streamed"
echo "raw output: $out"
