# Shared by the end-to-end benchmark scripts: sourced, not run.
#
#   parse_options "$@"     --duration D --connections N --rounds N --no-install, plus the script's own
#                          options through a bench_option NAME VALUE function returning 0 when it took one
#   need_packages P...     installs missing Debian packages (each named by its command) unless --no-install
#   bastion_java           builds the jar when stale (src/main or pom.xml newer) and sets JAVA to a JDK ≥ 21 (the launcher's search);
#                          the build holds /tmp/bastion-maven.lock (flock) so builds on a shared host take turns
#   wait_port PORT         waits up to 15 s for a loopback port to accept connections
#   pids+=($!)             processes killed on exit
#   canned_upstream DIR PORT   nginx answering BENCH_ANSWER from memory (pid in DIR/upstream.pid)
#   full_config FILE DIR PORT ADMIN UPSTREAM_PORT STORE_YAML ROUTES_YAML [TOP_YAML]
#                          bench/full.sh's every-control route (`/full/v1/chat/completions`) as a config file
#   BENCH_BODY, BENCH_ANSWER   the 637-byte chat request every benchmark sends and the canned answer

parse_options() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --duration) duration="$2"; shift 2 ;;
      --connections) connections="$2"; shift 2 ;;
      --rounds) rounds="$2"; shift 2 ;;
      --no-install) install=0; shift ;;
      *) if [ $# -ge 2 ] && declare -F bench_option >/dev/null && bench_option "$1" "$2"; then shift 2
         else echo "unknown option $1" >&2; exit 2; fi ;;
    esac
  done
}

need_packages() {
  local missing=() p
  for p in "$@"; do command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ] && [ "${install:-1}" = 1 ]; then
    local sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  for p in "$@"; do command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || { echo "$p is required" >&2; exit 1; }; done
}

bastion_java() {
  # only when stale (the launcher's test), so a fresh jar does not wait for another build's lock
  if [ ! -f target/bastion.jar ] || [ -n "$(find src/main pom.xml -newer target/bastion.jar -print -quit)" ]; then
    if command -v flock >/dev/null; then flock /tmp/bastion-maven.lock ./bastion build >/dev/null; else ./bastion build >/dev/null; fi
  fi
  . <(sed -n '/^java_major()/,/^}/p;/^find_jdk()/,/^}/p' ./bastion)
  JAVA_HOME="$(find_jdk)"; JAVA="$JAVA_HOME/bin/java"
}

wait_port() {
  for _ in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 never opened" >&2; exit 1
}

# ModSecurity v3 with the OWASP CRS as Debian installs them: blocking, JSON bodies read by its JSON processor.
modsec_conf() {
  cat > "$1" <<'MODSEC'
SecRuleEngine On
SecRequestBodyAccess On
SecRequestBodyLimit 13107200
SecRequestBodyNoFilesLimit 131072
SecResponseBodyAccess Off
SecAuditEngine Off
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
Include /etc/modsecurity/crs/crs-setup.conf
Include /usr/share/modsecurity-crs/rules/*.conf
MODSEC
}

# HAProxy as every benchmark runs it: 2 threads, keep-alive both ways, no logging.
#   haproxy_cfg FILE PORT SERVER_NAME UPSTREAM_PORT
haproxy_cfg() {
  cat > "$1" <<HAP
global
  nbthread 2
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:$2
  default_backend be
backend be
  http-reuse always
  server $3 127.0.0.1:$4
HAP
}

BENCH_BODY='{"model":"mock-gpt-small","temperature":0.2,"max_tokens":256,"messages":[{"role":"system","content":"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so plainly when you are not sure."},{"role":"user","content":"Our service returns intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for in-flight requests?"}],"user":"bench-user-0001","metadata":{"team":"platform","ticket":"OPS-4821","env":"staging"}}'
BENCH_ANSWER='{"id":"chatcmpl-bench0001","object":"chat.completion","created":1764979200,"model":"mock-gpt-small","system_fingerprint":"fp_bench","choices":[{"index":0,"message":{"role":"assistant","content":"The usual cause is the load balancer still sending requests to a replica that is shutting down. Check connection draining (the deregistration delay) on the upstream pool first: make it longer than your slowest request, and have each replica fail its readiness check before it stops accepting connections."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":109,"completion_tokens":52,"total_tokens":161}}'

# The upstream: a canned non-streamed chat completion, from memory. One worker: on two cores shared with
# the load generator and the proxy it keeps up with every proxy here (HAProxy included) and takes the least CPU from them.
canned_upstream() {
  local dir="$1" port="$2" nginx; nginx=$(command -v nginx || echo /usr/sbin/nginx)
  cat > "$dir/upstream.conf" <<NGINX
worker_processes ${BENCH_UPSTREAM_WORKERS:-1};
pid $dir/upstream.pid;
error_log $dir/upstream-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '$BENCH_ANSWER';
    }
  }
}
NGINX
  "$nginx" -c "$dir/upstream.conf" -p "$dir" -e "$dir/upstream-error.log"
}

# Every control of an LLM route on (bench/full.sh's header lists them), all far too large to refuse.
full_config() {
  local file="$1" dir="$2" port="$3" admin="$4" up="$5" store="$6" routes="$7" top="${8:-}"
  echo -n "sk-bench-provider-key-4f9a2c" > "$dir/provider.key"
  cat > "$file" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $port }
  admin: { host: 127.0.0.1, port: $admin }
$store
access_log: { enabled: true }        # stdout, redirected to a file
limits: { per_ip: off }              # the full route has its own per-IP limit; the bare route none
waf: { rules: { mode: block, paranoia: 1 } }
guard:
  policies:
    full:
      pii: { default: redact }
      secrets: { default: block }
      injection: { flag_at: 0.5, block_at: 0.95 }
budgets:
  rules: [{ id: bench, per: org, period: month, tokens: 1000000000000, routes: [full] }]
$top
upstreams:
  provider: { url: "http://127.0.0.1:$up", kind: ai, api_key: "file:$dir/provider.key", max_connections: 64 }
  canned: { url: "http://127.0.0.1:$up", kind: ai, max_connections: 64 }
routes:
  - id: full
    match: { methods: [POST], path: /full/v1/chat/completions }
    strip_prefix: /full
    upstream: provider
    content_types: [application/json]
    auth: { methods: [api_key] }
    require: { scopes_all: [invoke] }
    limits:
      - { per: api_key, rate: 1000000000/1m }
      - { per: ip, rate: 1000000000/1m }
    concurrency:
      - { per: api_key, max: 100000 }
    llm: chat
    guard: full
    waf: { profile: llm }
$routes
YAML
}

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
