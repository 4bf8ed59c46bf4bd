# Shared by the end-to-end benchmark scripts: sourced, not run.
#
#   parse_options "$@"     --duration D --connections N --rounds N --no-install, plus the script's own
#                          options through a bench_option NAME VALUE function returning 0 when it took one
#   need_packages P...     installs missing Debian packages (each named by its command) unless --no-install
#   bastion_java           builds the jar when stale and sets JAVA to a JDK ≥ 21 (the launcher's search);
#                          the build holds /tmp/bastion-maven.lock (flock) so builds on a shared host take turns
#   wait_port PORT         waits up to 15 s for a loopback port to accept connections
#   pids+=($!)             processes killed on exit

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
  if command -v flock >/dev/null; then flock /tmp/bastion-maven.lock ./bastion build >/dev/null; else ./bastion build >/dev/null; fi
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

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
