#!/usr/bin/env bash
# End-to-end cost of each credential kind, in one Bastion process and one run: the same chat POST to the
# same mock model through routes that differ only in authentication — none (baseline), API key, an
# identity-provider JWT (RS256, verified against a JWKS served on loopback), a Bastion token from
# /oauth2/token — and a JWT route to an `app` upstream, which adds a signed X-Bastion-Identity per request.
#
#   bench/auth.sh [--duration 15s] [--connections 32] [--identity-binding caller|request] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=15s; connections=32; install=1; binding=caller
bench_option() { case "$1" in --identity-binding) binding="$2" ;; *) return 1 ;; esac; }
parse_options "$@"
need_packages wrk
bastion_java
out="$PWD/bench/out/auth-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
MOCK=18181 BASTION=18180 ADMIN=19190 IDP=18182

"$JAVA" -jar target/bastion.jar mock-llm --port $MOCK >"$out/mock.log" 2>&1 & pids+=($!)
JWT=$("$JAVA" -cp target/bastion.jar bench/tools/MintToken.java "$out/idp" "http://127.0.0.1:$IDP" RS256)
(cd "$out/idp" && exec python3 -m http.server $IDP --bind 127.0.0.1 >"$out/idp.log" 2>&1) & pids+=($!)
wait_port $MOCK; wait_port $IDP

cat > "$out/bastion.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $BASTION }
  admin: { host: 127.0.0.1, port: $ADMIN }
store: { url: "sqlite:$out/bastion.db" }
identity:
  issuers:
    - { name: bench, issuer: "http://127.0.0.1:$IDP", jwks_uri: "http://127.0.0.1:$IDP/keys", audiences: [bastion-api] }
tokens:
  endpoint: { requests_per_ip: 100000/1m }
  identity_binding: $binding
limits: { per_ip: 100000000/1m }   # the per-IP limit every public route has, too high to trigger
upstreams:
  llm: { url: "http://127.0.0.1:$MOCK", kind: ai, max_connections: 64 }
  app: { url: "http://127.0.0.1:$MOCK", kind: app, max_connections: 64 }
routes:
  - { id: none, match: { methods: [POST], path: /none/v1/chat/completions }, upstream: llm, strip_prefix: /none, public: true }
  - { id: api-key, match: { methods: [POST], path: /key/v1/chat/completions }, upstream: llm, strip_prefix: /key, auth: { methods: [api_key] }, require: { scopes_all: [invoke] } }
  - { id: jwt, match: { methods: [POST], path: /jwt/v1/chat/completions }, upstream: llm, strip_prefix: /jwt, auth: { methods: [jwt] }, require: { scopes_all: [invoke] } }
  - { id: bastion-token, match: { methods: [POST], path: /bt/v1/chat/completions }, upstream: llm, strip_prefix: /bt, auth: { methods: [bastion_token] }, require: { scopes_all: [invoke] } }
  - { id: jwt-app, match: { methods: [POST], path: /app/v1/chat/completions }, upstream: app, strip_prefix: /app, auth: { methods: [jwt] }, require: { scopes_all: [invoke] } }
YAML
KEY=$("$JAVA" -jar target/bastion.jar keys create --store "sqlite:$out/bastion.db" --org acme --scopes invoke 2>/dev/null)
CLIENT=$("$JAVA" -jar target/bastion.jar clients create --store "sqlite:$out/bastion.db" --org acme --scopes invoke 2>/dev/null)
CID=$(sed -n 's/^client_id=//p' <<<"$CLIENT"); CSECRET=$(sed -n 's/^client_secret=//p' <<<"$CLIENT")
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion.yaml" >/dev/null 2>"$out/bastion.log" & pids+=($!)
wait_port $BASTION
BT=$(curl -s -u "$CID:$CSECRET" -d grant_type=client_credentials "http://127.0.0.1:$BASTION/oauth2/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

body='{"model":"mock-gpt-small","max_tokens":256,"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies."},{"role":"user","content":"Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what should we check first?"}],"user":"bench-user-0001"}'
declare -A cred=([none]="" [api-key]="$KEY" [jwt]="$JWT" [bastion-token]="$BT" [jwt-app]="$JWT")
path_of() { case "$1" in none) echo /none ;; api-key) echo /key ;; jwt) echo /jwt ;; bastion-token) echo /bt ;; jwt-app) echo /app ;; esac; }
for name in none api-key jwt bastion-token jwt-app; do
  {
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    [ -z "${cred[$name]}" ] || echo "wrk.headers[\"Authorization\"] = \"Bearer ${cred[$name]}\""
    echo "wrk.body = [[$body]]"
  } > "$out/$name.lua"
  auth=(); [ -z "${cred[$name]}" ] || auth=(-H "Authorization: Bearer ${cred[$name]}")
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$BASTION$(path_of $name)/v1/chat/completions" \
    -H 'Content-Type: application/json' "${auth[@]}" -d '{"messages":[]}')
  [ "$code" = 200 ] || { echo "$name answered $code, not 200" >&2; exit 1; }
  wrk -t2 -c"$connections" -d5s -s "$out/$name.lua" "http://127.0.0.1:$BASTION$(path_of $name)/v1/chat/completions" >/dev/null
done
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
printf '%-14s %12s %9s %9s %10s %10s\n' route "requests/s" "p50 ms" "p99 ms" "vs none" "vs api-key"
declare -A rps
for name in none api-key jwt bastion-token jwt-app; do
  wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/$name.lua" "http://127.0.0.1:$BASTION$(path_of $name)/v1/chat/completions" > "$out/wrk-$name.txt"
  rps[$name]=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk-$name.txt")
  p50=$(awk '$1=="50%" {print $2}' "$out/wrk-$name.txt" | to_ms); p99=$(awk '$1=="99%" {print $2}' "$out/wrk-$name.txt" | to_ms)
  bad=$(awk '/Non-2xx/ {print $NF}' "$out/wrk-$name.txt"); [ -z "$bad" ] || { echo "$name: $bad non-2xx responses" >&2; exit 1; }
  printf '%-14s %12s %9s %9s %10s %10s\n' "$name" "${rps[$name]}" "$p50" "$p99" \
    "$(awk -v a="${rps[$name]}" -v b="${rps[none]}" 'BEGIN{printf "%.2f", a/b}')" \
    "$(awk -v a="${rps[$name]}" -v b="${rps[api-key]:-${rps[$name]}}" 'BEGIN{printf "%.2f", a/b}')"
done
echo "wrk -t2 -c$connections -d$duration, $(nproc) cores, identity_binding: $binding; raw output: $out"
