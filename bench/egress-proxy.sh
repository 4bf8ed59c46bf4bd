#!/usr/bin/env bash
# Egress proxy throughput (issue 17, S2/S3): bytes through a CONNECT tunnel of Bastion's egress proxy vs. a plain
# TCP relay, in one run against the same origin — nginx serving a large file on loopback (sendfile). Each round
# downloads the file with curl once through each, interleaved: Bastion's proxy (CONNECT with an API key in
# Proxy-Authorization, the ACL, the connect-time address check, the byte-counting pump, the record), the plain
# Java relay (bench/tools/PlainRelay.java: two threads copying bytes) and HAProxy in TCP mode (2 threads).
# Figures: the median MB/s of each over the rounds, and Bastion's ratio to each relay (the target is ≥ 0.8×
# the plain relay). --parallel N runs N downloads at once per measurement (aggregate MB/s).
#
#   bench/egress-proxy.sh [--size-mb 512] [--rounds 7] [--parallel 1] [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=7; size_mb=512; parallel=1; install=1
bench_option() {
  case "$1" in
    --size-mb) size_mb="$2" ;;
    --parallel) parallel="$2" ;;
    *) return 1 ;;
  esac
}
parse_options "$@"
need_packages curl nginx haproxy
NGINX=$(command -v nginx || echo /usr/sbin/nginx); HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
bastion_java
out="$PWD/bench/out/egress-proxy-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out/www"
ORIGIN=18381 PROXY=18380 PUBLIC=18382 ADMIN=18383 RELAY=18384 HAP=18385
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; [ -f "$out/nginx.pid" ] && kill "$(cat "$out/nginx.pid")" 2>/dev/null || true; }

head -c "$((size_mb * 1024 * 1024))" /dev/urandom > "$out/www/big"
cat > "$out/nginx.conf" <<NGX
worker_processes 1;
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  server { listen 127.0.0.1:$ORIGIN; root $out/www; }
}
NGX
"$NGINX" -c "$out/nginx.conf" -p "$out"

cat > "$out/haproxy.cfg" <<HAPCFG
global
  nbthread 2
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
listen relay
  bind 127.0.0.1:$HAP
  server origin 127.0.0.1:$ORIGIN
HAPCFG
"$HAPROXY" -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 & pids+=($!)
"$JAVA" bench/tools/PlainRelay.java $RELAY $ORIGIN >"$out/relay.log" 2>&1 & pids+=($!)

cat > "$out/bastion.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $PUBLIC }
  admin: { host: 127.0.0.1, port: $ADMIN }
  egress: { enabled: true, host: 127.0.0.1, port: $PROXY }
store: { url: "sqlite:$out/bastion.db" }
access_log: { enabled: false }
upstreams:
  none: { url: "http://127.0.0.1:1" }
routes:
  - id: unused
    match: { methods: [GET], path: /unused }
    upstream: none
    public: true
egress:
  proxy:
    rules:
      - name: bench
        orgs: [bench]
        allow: ["127.0.0.1"]
        ports: [$ORIGIN]
        allow_classes: [loopback]   # the origin is on loopback, which no rule reaches unless it says so
YAML
KEY=$("$JAVA" -jar target/bastion.jar keys create --store "sqlite:$out/bastion.db" --org bench --scopes invoke 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion.yaml" >"$out/bastion-access.log" 2>"$out/bastion.log" & pids+=($!)
wait_port $ORIGIN; wait_port $HAP; wait_port $RELAY; wait_port $PROXY

# One measurement: $parallel downloads at once; prints the aggregate MB/s.
measure() { # $@: curl options before the URL
  local start end i curls=()
  start=$(date +%s.%N)
  for i in $(seq "$parallel"); do curl -sS --fail -o /dev/null "$@" & curls+=($!); done
  wait "${curls[@]}" # only the downloads: the servers are background jobs too
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v mb="$size_mb" -v p="$parallel" 'BEGIN { printf "%.1f\n", mb * p / (e - s) }'
}
bastion()  { measure -p -x "http://$KEY@127.0.0.1:$PROXY" "http://127.0.0.1:$ORIGIN/big"; }
relay()    { measure "http://127.0.0.1:$RELAY/big"; }
haproxy()  { measure "http://127.0.0.1:$HAP/big"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "warm-up"; bastion >/dev/null; relay >/dev/null; haproxy >/dev/null; bastion >/dev/null
: > "$out/bastion.txt"; : > "$out/relay.txt"; : > "$out/haproxy.txt"
for r in $(seq "$rounds"); do
  b=$(bastion); p=$(relay); h=$(haproxy)
  echo "$b" >> "$out/bastion.txt"; echo "$p" >> "$out/relay.txt"; echo "$h" >> "$out/haproxy.txt"
  echo "round $r: bastion $b MB/s, plain relay $p MB/s, haproxy tcp $h MB/s"
done
B=$(median < "$out/bastion.txt"); P=$(median < "$out/relay.txt"); H=$(median < "$out/haproxy.txt")
grep -c '"egress_connection"' "$out/bastion.log" | xargs -I{} echo "egress_connection records: {}"
echo
echo "${size_mb} MiB per download, ${parallel} at once, median of $rounds rounds (MB/s = MiB/s):"
echo "  bastion egress proxy (CONNECT)  $B"
echo "  plain TCP relay (Java)          $P"
echo "  haproxy (mode tcp, 2 threads)   $H"
awk -v b="$B" -v p="$P" -v h="$H" 'BEGIN { printf "  ratio bastion / plain relay     %.2f\n  ratio bastion / haproxy         %.2f\n", b / p, b / h }'
echo "results in $out"
