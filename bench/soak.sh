#!/usr/bin/env bash
# Soak: Bastion with every control on (bench/full.sh's full route, same config, same canned nginx upstream, same
# 637-byte chat POST) driven at half its measured capacity for a long time, sampled every interval, then a trend
# test over the samples: does anything grow that should stay flat?
#
#   bench/soak.sh [--duration 60m] [--rate R] [--sample 60s] [--connections 32] [--no-install]
#
# 1. capacity: unless --rate is given, after a 20 s warm-up wrk (-t2 -c32, 15 s) measures the full route's
#    throughput; the soak offers half of it.
# 2. load: one `hey -z SAMPLE -c C -q R/C` per sample interval (hey paces each of its C workers; Debian's wrk is not
#    rate-limited and wrk2 is not packaged), so every interval has its own latency distribution and status counts.
#    hey waits for each answer before the next, so a stall lowers the offered rate instead of queueing: the p99 of
#    an interval with a long pause understates it (coordinated omission) — the event-loop lag column shows stalls.
# 3. each interval: RSS, threads and open file descriptors from /proc; from the admin /metrics: heap used, the G1
#    old generation (only a collection changes it: what survived the young collections), the live heap after the
#    last old/concurrent collection (jvm_gc_live_data_size_bytes; 0 until one ran), the event-loop lag of the public
#    listener's loops (mean over the interval and the recent max: bastion_event_loop_lag_seconds) — no System.gc().
# 4. trend (bench/tools/soak-trend.awk): the first interval is warm-up and left out; per series, the least-squares
#    fitted change over the run, the second half's mean against the first half's, and the fitted change over the
#    last third. RSS, old gen, live data, threads or descriptors that rose and are still rising at the end are
#    flagged (exit 1); one that rose and then stayed flat (a pool filling up to its size) is reported as such.
#    Any answer other than 200 also fails the run.
#
# Bastion gets -Xmx512m (as a pod with a ~730 MiB limit and MaxRAMPercentage=70 would): on a 24 GB host's default
# heap no old collection would ever run in an hour, and growth would hide in an unbounded young generation.
# BASTION_JAVA_OPTS replaces it.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=60m; connections=32; install=1; rate=0; sample=60s
bench_option() { case "$1" in --rate) rate="$2" ;; --sample) sample="$2" ;; *) return 1 ;; esac; }
parse_options "$@"
need_packages wrk hey nginx
# 90s, 5m, 1h (or plain seconds) → seconds
secs() { case "$1" in *h) echo $(( ${1%h} * 3600 )) ;; *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac; }
total=$(secs "$duration"); every=$(secs "$sample")
[ "$every" -ge 5 ] && [ "$total" -ge $((2 * every)) ] || { echo "--sample must be at least 5s and --duration at least two samples" >&2; exit 2; }
bastion_java
out="$PWD/bench/out/soak-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
UP=18681 PORT=18686 ADMIN=19686
cleanup() {
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$out/upstream.pid" ] && kill "$(cat "$out/upstream.pid")" 2>/dev/null || true
}
trap cleanup EXIT

canned_upstream "$out" "$UP"
wait_port $UP
full_config "$out/soak.yaml" "$out" "$PORT" "$ADMIN" "$UP" "store: { url: \"sqlite:$out/soak.db\" }" ""
KEY=$("$JAVA" -jar target/bastion.jar keys create --config "$out/soak.yaml" --org bench --scopes invoke 2>/dev/null)
"$JAVA" ${BASTION_JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError} -jar target/bastion.jar serve --config "$out/soak.yaml" \
  >"$out/access.log" 2>"$out/bastion.log" & pids+=($!); PID=$!
wait_port $PORT; wait_port $ADMIN
URL="http://127.0.0.1:$PORT/full/v1/chat/completions"
printf '%s' "$BENCH_BODY" > "$out/body.json"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [[%s]]\n' "$KEY" "$BENCH_BODY" > "$out/post.lua"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @"$out/body.json")
[ "$code" = 200 ] || { echo "the full route answered $code, not 200 ($out/bastion.log)" >&2; exit 1; }

wrk -t2 -c32 -d20s -s "$out/post.lua" "$URL" > "$out/wrk-warmup.txt"
if [ "$rate" = 0 ]; then
  wrk -t2 -c32 -d15s -s "$out/post.lua" "$URL" > "$out/wrk-capacity.txt"
  grep -qE 'Non-2xx|Socket errors' "$out/wrk-capacity.txt" && { echo "errors while measuring capacity ($out/wrk-capacity.txt)" >&2; exit 1; }
  capacity=$(awk '/^Requests\/sec:/ {printf "%d", $2}' "$out/wrk-capacity.txt")
  rate=$((capacity / 2))
  echo "capacity: $capacity requests/s (wrk -t2 -c32 -d15s); soaking at $rate requests/s"
fi
[ "$connections" -le "$rate" ] || connections=$rate
per_worker=$(awk -v r="$rate" -v c="$connections" 'BEGIN {printf "%.2f", r / c}')

# One value of a Prometheus series (summed over its label sets) from a scrape.
metric() { awk -v m="$1" -v f="${2:-}" 'index($0, m) == 1 && (f == "" || index($0, f)) {s += $NF} END {printf "%.0f", s}' "$out/metrics.txt"; }
lag_total() { awk -v m="bastion_event_loop_lag_seconds_$1" 'index($0, m) == 1 {s += $NF} END {printf "%.9f", s}' "$out/metrics.txt"; }
lag_max() { awk 'index($0, "bastion_event_loop_lag_seconds_max") == 1 && $NF > m {m = $NF} END {printf "%.2f", m * 1000}' "$out/metrics.txt"; }

csv="$out/soak.csv"
echo "elapsed_s,requests,rps,p50_ms,p99_ms,non200,rss_mb,heap_used_mb,old_gen_mb,live_data_mb,threads,fds,lag_mean_ms,lag_max_ms" > "$csv"
curl -s "http://127.0.0.1:$ADMIN/metrics" > "$out/metrics.txt"
lag_sum0=$(lag_total sum); lag_n0=$(lag_total count)
echo "soak: $rate requests/s (hey -c $connections -q $per_worker) for $duration, a sample every $sample; $out/soak.csv"
printf '%8s %8s %8s %8s %6s %7s %8s %8s %8s %7s %5s %9s %8s\n' elapsed rps p50ms p99ms non200 rssMB heapMB oldMB liveMB threads fds lagMeanMs lagMaxMs
start=$(date +%s); n=0
while [ $(( $(date +%s) - start + every )) -le "$total" ] || [ "$n" -lt 2 ]; do
  n=$((n + 1)); f="$out/hey-$n.txt"
  hey -z "${every}s" -c "$connections" -q "$per_worker" -m POST -T application/json -H "Authorization: Bearer $KEY" -D "$out/body.json" "$URL" > "$f" 2>&1
  kill -0 "$PID" 2>/dev/null || { echo "Bastion exited ($out/bastion.log)" >&2; exit 1; }
  curl -s "http://127.0.0.1:$ADMIN/metrics" > "$out/metrics.txt"
  lag_sum1=$(lag_total sum); lag_n1=$(lag_total count)
  rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$PID/status")
  fds=$(ls "/proc/$PID/fd" | wc -l)
  heap=$(metric 'jvm_memory_used_bytes{area="heap"'); old=$(metric 'jvm_memory_used_bytes{area="heap"' 'Old Gen'); live=$(metric jvm_gc_live_data_size_bytes)
  row=$(awk -v t=$(( $(date +%s) - start )) -v rss="$rss" -v heap="$heap" -v old="$old" -v live="$live" -v th="$threads" -v fds="$fds" \
      -v ls0="$lag_sum0" -v ls1="$lag_sum1" -v ln0="$lag_n0" -v ln1="$lag_n1" -v lmax="$(lag_max)" '
    /Requests\/sec:/ {rps = $2} /50% in/ {p50 = $3 * 1000} /99% in/ {p99 = $3 * 1000}
    # status codes, then transport errors (timeouts, resets: "[count] message" under "Error distribution")
    /^Error distribution:/ {errs = 1; next}
    /^ *\[[0-9]+\]/ {n = $1; gsub(/[^0-9]/, "", n); if (errs) bad += n; else {req += $2; if (n != "200") bad += $2}}
    END {printf "%d,%d,%.1f,%.2f,%.2f,%d,%s,%.1f,%.1f,%.1f,%d,%d,%.3f,%s", t, req, rps, p50, p99, bad, rss, heap / 1048576, old / 1048576,
      live / 1048576, th, fds, (ln1 > ln0 ? (ls1 - ls0) / (ln1 - ln0) * 1000 : 0), lmax}' "$f")
  echo "$row" >> "$csv"
  IFS=, read -r t req rps p50 p99 bad rss heapm oldm livem th fd lmean lmax <<<"$row"
  printf '%8s %8s %8s %8s %6s %7s %8s %8s %8s %7s %5s %9s %8s\n' "${t}s" "$rps" "$p50" "$p99" "$bad" "$rss" "$heapm" "$oldm" "$livem" "$th" "$fd" "$lmean" "$lmax"
  lag_sum0=$lag_sum1; lag_n0=$lag_n1
done

echo
echo "trend over samples 2..$n (the first is warm-up), in % of the mean where a percentage (bench/tools/soak-trend.awk):"
status=0
awk -F, -f bench/tools/soak-trend.awk "$csv" || status=1
errors=$(awk -F, 'NR > 1 {s += $6} END {print s + 0}' "$csv")
requests=$(awk -F, 'NR > 1 {s += $2} END {print s + 0}' "$csv")
echo "requests: $requests, answers other than 200 (and transport errors): $errors"
[ "$errors" = 0 ] || status=1
[ "$status" = 0 ] && echo "soak: flat, no errors" || echo "soak: FAILED (growth or errors above)" >&2
echo "raw output: $out"
exit "$status"
