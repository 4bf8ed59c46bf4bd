#!/usr/bin/env bash
# End-to-end throughput: Bastion (whole chain on) vs nginx and HAProxy as plain reverse proxies, all in
# front of the same mock model, driven by wrk in one run on this machine. Figures are printed as
# requests/s, p50 and p99, and as Bastion's ratio to HAProxy measured in the same run (the machine is
# shared and noisy: absolute numbers move, ratios much less).
#
#   bench/e2e.sh [--duration 20s] [--connections 32] [--rounds 2] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=20s; connections=32; rounds=2; install=1; warmup=10s
parse_options "$@"
need_packages wrk nginx haproxy
NGINX=$(command -v nginx || echo /usr/sbin/nginx); HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
bastion_java

out="$PWD/bench/out/$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
MOCK=18081 BASTION=18080 NGINX_PORT=18082 HAPROXY_PORT=18083 ADMIN=19090
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; [ -f "$out/nginx.pid" ] && kill "$(cat "$out/nginx.pid")" 2>/dev/null || true; }


# The shared upstream: Bastion's mock model, non-streaming answers, one event loop.
"$JAVA" -jar target/bastion.jar mock-llm --port $MOCK --instances 1 >"$out/mock.log" 2>&1 & pids+=($!)
wait_port $MOCK

# Bastion with the chain on: API key auth + scope check, per-key and per-IP buckets (too high to trigger),
# provider key injection, header stripping, access log (to a file), metrics.
echo -n "sk-bench-provider-key-4f9a2c" > "$out/provider.key"
cat > "$out/bastion.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $BASTION }
  admin: { host: 127.0.0.1, port: $ADMIN }
store: { url: "sqlite:$out/bastion.db" }
access_log: { enabled: ${BENCH_ACCESS_LOG:-true} }
limits: { per_ip: 100000000/1m }   # the per-IP limit every public route has, too high to trigger
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
      - { per: ip, rate: 100000000/1m }
  # The same proxy path with no controls, to measure what the controls cost in the same process.
  - id: bare
    match: { methods: [POST], path: /bare/v1/chat/completions }
    upstream: mock
    strip_prefix: /bare
    public: true
YAML
KEY=$("$JAVA" -jar target/bastion.jar keys create --store "sqlite:$out/bastion.db" --org bench --scopes invoke 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion.yaml" >"$out/bastion-access.log" 2>"$out/bastion.log" & pids+=($!)
wait_port $BASTION

cat > "$out/nginx.conf" <<NGINX
worker_processes 2;
pid $out/nginx.pid;
error_log $out/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $out/nginx-access.log;
  upstream mock { server 127.0.0.1:$MOCK; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
NGINX
"$NGINX" -c "$out/nginx.conf" -p "$out" -e "$out/nginx-error.log"
wait_port $NGINX_PORT

haproxy_cfg "$out/haproxy.cfg" "$HAPROXY_PORT" mock "$MOCK"
"$HAPROXY" -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 & pids+=($!)
wait_port $HAPROXY_PORT

# A ~640-byte chat completion request.
cat > "$out/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '{"model":"mock-gpt-small","temperature":0.2,"max_tokens":256,"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure."},{"role":"user","content":"Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests?"}],"user":"bench-user-0001","metadata":{"team":"platform","ticket":"OPS-4821","env":"staging"}}'
LUA
body_bytes=$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$out/post.lua" | wc -c)

url_of() { case "$1" in bastion-bare) echo "http://127.0.0.1:$BASTION/bare/v1/chat/completions" ;;
  bastion) echo "http://127.0.0.1:$BASTION/v1/chat/completions" ;; haproxy) echo "http://127.0.0.1:$HAPROXY_PORT/v1/chat/completions" ;;
  nginx) echo "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" ;; esac; }
targets="haproxy nginx bastion bastion-bare"
for name in $targets; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$(url_of "$name")" \
    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"messages":[]}')
  [ "$code" = 200 ] || { echo "$name answered $code, not 200" >&2; exit 1; }
  wrk -t2 -c"$connections" -d"$warmup" -s "$out/post.lua" "$(url_of "$name")" >/dev/null
done

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for name in $targets; do
    wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/post.lua" "$(url_of "$name")" > "$out/wrk-$name-$round.txt"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$name-$round.txt")
    p50=$(awk '$1=="50%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    p99=$(awk '$1=="99%" {print $2}' "$out/wrk-$name-$round.txt" | to_ms)
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/wrk-$name-$round.txt"); non2xx=${non2xx:-0}
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" "$p50" "$p99" "$non2xx" >> "$results"
  done
done

echo
echo "POST /v1/chat/completions, ${body_bytes}-byte JSON body, wrk -t2 -c$connections -d$duration, $rounds rounds, $(nproc) cores"
printf '%-13s %6s %12s %9s %9s %8s\n' target round "requests/s" "p50 ms" "p99 ms" non-2xx
sort -k2,2 -k1,1n "$results" | while IFS=$'\t' read -r round name rps p50 p99 bad; do
  printf '%-13s %6s %12s %9s %9s %8s\n' "$name" "$round" "$rps" "$p50" "$p99" "$bad"
done
echo
awk -F'\t' '{rps[$1,$2]=$3} END {
  n=0; for (k in rps) { split(k, a, SUBSEP); if (a[2]=="bastion") { r=a[1]; ratio=rps[r,"bastion"]/rps[r,"haproxy"]; printf "round %s: bastion / haproxy = %.2f, bastion / nginx = %.2f, bastion / bastion-bare = %.2f\n", r, ratio, rps[r,"bastion"]/rps[r,"nginx"], rps[r,"bastion"]/rps[r,"bastion-bare"]; sum+=ratio; n++ } }
  printf "mean bastion / haproxy throughput ratio: %.2f\n", sum/n }' "$results" | sort
echo "access log lines written by Bastion: $(wc -l < "$out/bastion-access.log")"
echo "raw output: $out"
