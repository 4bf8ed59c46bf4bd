#!/usr/bin/env bash
# Request inspection cost, in one run: nginx + ModSecurity v3 + OWASP CRS (Debian's packages, paranoia 1,
# blocking) against Bastion with its rules off / at paranoia 1 / at paranoia 2 (api profile, blocking),
# all in front of the same mock model, on a benign 640-byte chat JSON body and a benign 4 KB form body.
#
#   bench/waf.sh [--duration 15s] [--connections 32] [--rounds 1] [--warmup 20s] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=15s; connections=32; rounds=1; install=1; warmup=20s
bench_option() { case "$1" in --warmup) warmup="$2" ;; *) return 1 ;; esac; }
parse_options "$@"
need_packages wrk nginx
if [ "$install" = 1 ] && [ ! -f /usr/lib/nginx/modules/ngx_http_modsecurity_module.so ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends libnginx-mod-http-modsecurity modsecurity-crs >/dev/null
fi
bastion_java
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
out="$PWD/bench/out/waf-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
MOCK=18481 B1=18480 B2=18482 MODSEC=18483 ADMIN1=19480 ADMIN2=19482
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; [ -f "$out/nginx.pid" ] && kill "$(cat "$out/nginx.pid")" 2>/dev/null || true; }
trap cleanup EXIT

"$JAVA" -jar target/bastion.jar mock-llm --port $MOCK --instances 1 >"$out/mock.log" 2>&1 & pids+=($!)
wait_port $MOCK
for pl in 1 2; do
  port=$([ $pl = 1 ] && echo $B1 || echo $B2); admin=$([ $pl = 1 ] && echo $ADMIN1 || echo $ADMIN2)
  cat > "$out/bastion-pl$pl.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $port }
  admin: { host: 127.0.0.1, port: $admin }
store: { url: "sqlite:$out/bastion-pl$pl.db" }
access_log: { enabled: true }
limits: { per_ip: off }
waf:
  rules: { mode: block, paranoia: $pl }
upstreams:
  mock: { url: "http://127.0.0.1:$MOCK", kind: ai, max_connections: 64 }
routes:
  - { id: "off", match: { methods: [POST], path: /off/* }, strip_prefix: /off, upstream: mock, public: true, tiers: false, waf: { enabled: false } }
  - { id: "on", match: { methods: [POST], path: /on/* }, strip_prefix: /on, upstream: mock, public: true, tiers: false, waf: { profile: api } }
YAML
  "$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion-pl$pl.yaml" >/dev/null 2>"$out/bastion-pl$pl.log" & pids+=($!)
  wait_port $port
done

modsec_conf "$out/modsec.conf"
cat > "$out/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_http_modsecurity_module.so;
worker_processes 2;
pid $out/nginx.pid;
error_log $out/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream mock { server 127.0.0.1:$MOCK; keepalive 64; }
  server {
    listen 127.0.0.1:$MODSEC;
    modsecurity on;
    modsecurity_rules_file $out/modsec.conf;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
NGINX
"$NGINX" -c "$out/nginx.conf" -p "$out" -e "$out/nginx-error.log"
wait_port $MODSEC

chat='{"model":"gpt-4o-mini","max_tokens":256,"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure."},{"role":"user","content":"Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests? We run three replicas behind it."}]}'
form="name=Jane+Doe&company=Example+Corp&plan=team&seats=25&notes=$(printf 'We+would+like+to+move+our+support+team+to+the+new+plan+next+month.+%.0s' $(seq 40))"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$chat" > "$out/chat.lua"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.body = [[%s]]\n' "$form" > "$out/form.lua"
url_of() {
  case "$1" in
    modsec) echo "http://127.0.0.1:$MODSEC/v1/chat/completions" ;;
    off) echo "http://127.0.0.1:$B1/off/v1/chat/completions" ;;
    pl1) echo "http://127.0.0.1:$B1/on/v1/chat/completions" ;;
    pl2) echo "http://127.0.0.1:$B2/on/v1/chat/completions" ;;
  esac
}
for body in chat form; do
  for t in modsec off pl1 pl2; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$(url_of $t)" -H "Content-Type: $( [ $body = chat ] && echo application/json || echo application/x-www-form-urlencoded)" --data-binary "$( [ $body = chat ] && echo "$chat" || echo "$form")")
    [ "$code" != 403 ] || { echo "$t refused the benign $body body (403)" >&2; exit 1; }
    wrk -t2 -c"$connections" -d"$warmup" -s "$out/$body.lua" "$(url_of $t)" >/dev/null
  done
done
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for body in chat form; do
    for t in modsec off pl1 pl2; do
      wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/$body.lua" "$(url_of $t)" > "$out/wrk-$body-$t-$round.txt"
      rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$body-$t-$round.txt")
      non2xx=$(awk '/Non-2xx/ {print $5}' "$out/wrk-$body-$t-$round.txt")
      printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$body" "$t" "$rps" "${non2xx:-0}" >> "$results"
    done
  done
done
echo
echo "POST through each, wrk -t2 -c$connections -d$duration, $rounds round(s), $(nproc) cores; 640-byte chat JSON and 4 KB form body"
printf '%-6s %-8s %-8s %12s %10s\n' round body target "requests/s" "non-2xx"
awk -F'\t' '{printf "%-6s %-8s %-8s %12s %10s\n", $1, $2, $3, $4, $5}' "$results"
awk -F'\t' '{r[$1","$2","$3]=$4; k[$1","$2]=1} END {for (x in k) printf "round/body %s: Bastion PL1 / ModSecurity+CRS %.1fx; PL1 / WAF off %.3f; PL2 / WAF off %.3f\n", x, r[x",pl1"]/r[x",modsec"], r[x",pl1"]/r[x",off"], r[x",pl2"]/r[x",off"]}' "$results" | sort
echo "raw output: $out"
