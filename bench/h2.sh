#!/usr/bin/env bash
# HTTP/2 against HTTP/1.1 on Bastion's TLS listener (issue 22): the same every-control route (bench/full.sh's), the
# same client (nghttp2's h2load, so that the client's own cost is the same for both), the same concurrency, in
# alternating rounds of one run. Figures are requests/s and the mean request time, and each HTTP/2 case as a ratio to
# HTTP/1.1 measured in the same round (the machine is shared and noisy: ratios move less than absolute numbers).
#
#   bench/h2.sh [--duration 20s] [--connections 32] [--rounds 3] [--no-install]
#
# Cases, all with `connections` requests in flight:
#   h1        HTTP/1.1 over TLS, `connections` connections, one request at a time each (keep-alive)
#   h2        HTTP/2, `connections` connections, one stream each           (the protocol's own cost)
#   h2-mux    HTTP/2, 4 connections, `connections`/4 streams each          (multiplexing: fewer connections)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=20s; connections=32; rounds=3; install=1; warmup=10s
parse_options "$@"
need_packages h2load nginx openssl curl
bastion_java

out="$PWD/bench/out/h2-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
UP=18281 BASTION=18280 ADMIN=19280
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; [ -f "$out/upstream.pid" ] && kill "$(cat "$out/upstream.pid")" 2>/dev/null || true; }
trap cleanup EXIT

canned_upstream "$out" "$UP"; wait_port $UP
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$out/gw-key.pem" -out "$out/gw.pem" 2>/dev/null
full_config "$out/bastion.yaml" "$out" "$BASTION" "$ADMIN" "$UP" "store: { url: \"sqlite:$out/bastion.db\" }" ""
sed -i "s|public: { host: 127.0.0.1, port: $BASTION }|public: { host: 127.0.0.1, port: $BASTION, tls: { cert: \"$out/gw.pem\", key: \"$out/gw-key.pem\" } }|" "$out/bastion.yaml"
grep -q 'tls: { cert' "$out/bastion.yaml" || { echo "could not put TLS on the public listener" >&2; exit 1; }
KEY=$("$JAVA" -jar target/bastion.jar keys create --store "sqlite:$out/bastion.db" --org bench --scopes invoke 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:-} -jar target/bastion.jar serve --config "$out/bastion.yaml" >"$out/bastion-access.log" 2>"$out/bastion.log" & pids+=($!)
wait_port $BASTION

printf '%s' "$BENCH_BODY" > "$out/body.json"
URL="https://127.0.0.1:$BASTION/full/v1/chat/completions"
for v in --http1.1 --http2; do
  code=$(curl -sk $v -o /dev/null -w '%{http_code} %{http_version}' -X POST "$URL" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' --data-binary @"$out/body.json")
  case "$v:$code" in --http1.1:"200 1.1"|--http2:"200 2") ;; *) echo "curl $v answered '$code'" >&2; exit 1 ;; esac
done

mux=4; streams=$(( connections / mux ))
run() { # case duration → h2load's output
  local args=()
  case "$1" in
    h1) args=(--h1 -c "$connections" -m 1) ;;
    h2) args=(-c "$connections" -m 1) ;;
    h2-mux) args=(-c "$mux" -m "$streams") ;;
  esac
  h2load "${args[@]}" -t 2 -D "$2" -d "$out/body.json" -H "authorization: Bearer $KEY" -H 'content-type: application/json' "$URL"
}
cases="h1 h2 h2-mux"
for c in $cases; do run "$c" "$warmup" >/dev/null; done

results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for c in $cases; do
    run "$c" "$duration" > "$out/h2load-$c-$round.txt"
    rps=$(awk '/^finished in/ {gsub(",", "", $4); print $4}' "$out/h2load-$c-$round.txt")
    mean=$(awk '/^time for request:/ {print $6}' "$out/h2load-$c-$round.txt")
    ok=$(awk '/^status codes:/ {print $3}' "$out/h2load-$c-$round.txt")
    failed=$(awk '/^requests:/ {print $10 + $12}' "$out/h2load-$c-$round.txt")
    notok=$(awk '/^status codes:/ {print $5 + $7 + $9}' "$out/h2load-$c-$round.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$c" "$rps" "$mean" "$ok" "$((failed + notok))" >> "$results"
  done
done

echo
echo "POST /full/v1/chat/completions (every control), ${#BENCH_BODY}-byte body, TLS (P-256), h2load -t2, $connections in flight, $rounds rounds of $duration, $(nproc) cores"
printf '%-8s %6s %12s %14s %10s %12s\n' case round "requests/s" "mean request" "2xx" "failed/non-2xx"
sort -k2,2 -k1,1n "$results" | while IFS=$'\t' read -r round c rps mean ok bad; do
  printf '%-8s %6s %12s %14s %10s %12s\n' "$c" "$round" "$rps" "$mean" "$ok" "$bad"
done
echo
awk -F'\t' '{rps[$1,$2]=$3; rounds[$1]=1} END {
  for (r in rounds) { a=rps[r,"h2"]/rps[r,"h1"]; b=rps[r,"h2-mux"]/rps[r,"h1"]; sa+=a; sb+=b; n++
    printf "round %s: h2 / h1 = %.2f, h2-mux / h1 = %.2f\n", r, a, b }
  printf "mean throughput ratio: h2 / h1 = %.2f, h2-mux / h1 = %.2f\n", sa/n, sb/n }' "$results" | sort
echo "raw output: $out"
