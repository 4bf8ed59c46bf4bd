#!/usr/bin/env bash
# Every control on, end to end: Bastion with every control of an LLM route switched on against Bastion
# with none, and both against HAProxy, nginx and nginx + ModSecurity v3 + OWASP CRS as plain reverse
# proxies — all in front of the same *fast* upstream: an nginx returning a canned OpenAI chat completion
# (with its `usage` block) from memory, so the upstream is never what caps the proxies (Bastion's own
# mock caps HAProxy at ~14k requests/s on two cores).
#
# Targets, driven one at a time by wrk with the same 637-byte chat POST (bench/e2e.sh's body), in
# interleaved rounds:
#   haproxy        HAProxy, 2 threads, keep-alive both ways, no logging
#   nginx          nginx, 2 workers, upstream keep-alive, no access log
#   modsec         the same nginx with ModSecurity v3 + CRS (Debian's packages, paranoia 1, blocking)
#   bastion-bare   Bastion process 1: a public route with no controls, access log off, WAF rules off —
#                  nothing but proxying (plus what every response gets: request id, security headers)
#   bastion-log    Bastion process 2: the same control-free route, with the access log on (process-wide)
#   bastion-full   Bastion process 2: API key + required scope, per-key and per-IP rate limits, token
#                  budget, concurrency cap (all far too large to refuse), guard policy (PII redact,
#                  secrets block, injection score; the canned answer inspected on the way back), WAF
#                  PL1 in block mode with the llm profile, provider-key injection, access log to a file
#
# Two Bastion processes because the access log is one switch for the whole process: "control-free"
# has to be a process without it. bastion-log, in the full route's own process, isolates the route's
# controls from the log (same process, same JIT and heap).
#
# Every answer must be a 200: the script checks each target first (the canned answer must come back
# byte for byte, and the full route's controls must really be on: no key → 401, a SQL injection in a
# field the WAF reads → 403, an AWS key in the prompt → 400, RateLimit-Policy on the answer), and stops
# if wrk counts any non-2xx response or socket error.
#
# Per target and round: requests/s, p50, p99 (wrk --latency), and the CPU time the proxy's own
# processes spent per request (from /proc: wrk's and the upstream's are not counted), which the load
# of other processes on a shared machine moves much less than throughput. Then the ratios round by
# round with their median: every control ÷ control-free (target ≥ 0.7), control-free ÷ HAProxy
# (≥ 0.5), every-control p99 ÷ HAProxy p99 (≤ 2), and a few more.
#
# Then tail latency at a fixed load: wrk keeps its connections busy, so its latencies are queueing — a
# target at a third of HAProxy's throughput shows three times its latency whatever its own. To compare
# what each adds, hey offers the same rate to HAProxy, the control-free route and the full route (half of
# the full route's median throughput by default, --fixed-rate N to choose) and reports p50 and p99.
#
#   bench/full.sh [--duration 15s] [--connections 32] [--rounds 2] [--warmup 20s] [--fixed-rate N] [--no-install]
#   bench/full.sh --profile [--profile-duration 30s]   instead of the rounds: a JFR recording (profile
#       settings plus JDK 25's CPU-time sampler) of each Bastion target under the same load, summarised by
#       bench/tools/JfrSummary.java into bench/out/full-*/bastion-*-profile.txt, and the full route
#       against the control-free ones in compare-full-{bare,log}.txt
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration=15s; connections=32; rounds=2; install=1; warmup=20s; profile=0; profile_duration=30s; fixed_rate=0
bench_option() { case "$1" in --warmup) warmup="$2" ;; --profile-duration) profile_duration="$2" ;; --fixed-rate) fixed_rate="$2" ;; *) return 1 ;; esac; }
args=(); for a in "$@"; do if [ "$a" = --profile ]; then profile=1; else args+=("$a"); fi; done
parse_options "${args[@]}"
need_packages wrk hey nginx haproxy
if [ "$install" = 1 ] && [ ! -f /usr/lib/nginx/modules/ngx_http_modsecurity_module.so ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends libnginx-mod-http-modsecurity modsecurity-crs >/dev/null
fi
[ -f /usr/lib/nginx/modules/ngx_http_modsecurity_module.so ] || { echo "libnginx-mod-http-modsecurity is required" >&2; exit 1; }
bastion_java
NGINX=$(command -v nginx || echo /usr/sbin/nginx); HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
out="$PWD/bench/out/full-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
UP=18581 NGINX_PORT=18582 HAPROXY_PORT=18583 MODSEC=18584 BARE=18585 FULL=18586 ADMIN_BARE=19585 ADMIN_FULL=19586
cleanup() {
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  for f in "$out/upstream.pid" "$out/nginx.pid"; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
}
trap cleanup EXIT

answer=$BENCH_ANSWER
canned_upstream "$out" "$UP"
wait_port $UP
UPSTREAM_WORKERS=$(pgrep -P "$(cat "$out/upstream.pid")" | tr '\n' ' ')

# nginx as a plain reverse proxy, and the same nginx with ModSecurity + CRS on a second port.
modsec_conf "$out/modsec.conf"
cat > "$out/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_http_modsecurity_module.so;
worker_processes 2;
pid $out/nginx.pid;
error_log $out/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream canned { server 127.0.0.1:$UP; keepalive 64; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://canned; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:$MODSEC;
    modsecurity on;
    modsecurity_rules_file $out/modsec.conf;
    location / { proxy_pass http://canned; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
"$NGINX" -c "$out/nginx.conf" -p "$out" -e "$out/nginx-error.log"

haproxy_cfg "$out/haproxy.cfg" "$HAPROXY_PORT" canned "$UP"
"$HAPROXY" -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 & pids+=($!); HAPROXY_PID=$!

# Bastion. The control-free route, the same in both processes: public, no llm (so no budget, no guard),
# WAF off, no limits (the deployment-wide per-IP limit is off in both).
bare_route() {
  echo "  - { id: bare, match: { methods: [POST], path: /bare/v1/chat/completions }, strip_prefix: /bare, upstream: canned, public: true, waf: { enabled: false } }"
}
cat > "$out/bare.yaml" <<YAML
listeners:
  public: { host: 127.0.0.1, port: $BARE }
  admin: { host: 127.0.0.1, port: $ADMIN_BARE }
store: { url: "sqlite:$out/bare.db" }
access_log: { enabled: false }
limits: { per_ip: off }
waf: { rules: { mode: "off" } }
upstreams:
  canned: { url: "http://127.0.0.1:$UP", kind: ai, max_connections: 64 }
routes:
$(bare_route)
YAML
full_config "$out/full.yaml" "$out" "$FULL" "$ADMIN_FULL" "$UP" "store: { url: \"sqlite:$out/full.db\" }" "$(bare_route)"
KEY=$("$JAVA" -jar target/bastion.jar keys create --config "$out/full.yaml" --org bench --scopes invoke 2>/dev/null)
jfr_opts=""; [ "$profile" = 0 ] || jfr_opts="-XX:FlightRecorderOptions:stackdepth=256"
"$JAVA" ${BASTION_JAVA_OPTS:-} $jfr_opts -jar target/bastion.jar serve --config "$out/bare.yaml" >/dev/null 2>"$out/bare.log" & pids+=($!); BARE_PID=$!
"$JAVA" ${BASTION_JAVA_OPTS:-} $jfr_opts -jar target/bastion.jar serve --config "$out/full.yaml" >"$out/full-access.log" 2>"$out/full.log" & pids+=($!); FULL_PID=$!
wait_port $NGINX_PORT; wait_port $MODSEC; wait_port $HAPROXY_PORT; wait_port $BARE; wait_port $FULL

body=$BENCH_BODY
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$body" > "$out/post.lua"
printf '%s' "$body" > "$out/body.json"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [[%s]]\n' "$KEY" "$body" > "$out/post-key.lua"

url_of() {
  case "$1" in
    haproxy) echo "http://127.0.0.1:$HAPROXY_PORT/v1/chat/completions" ;;
    nginx) echo "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" ;;
    modsec) echo "http://127.0.0.1:$MODSEC/v1/chat/completions" ;;
    bastion-bare) echo "http://127.0.0.1:$BARE/bare/v1/chat/completions" ;;
    bastion-log) echo "http://127.0.0.1:$FULL/bare/v1/chat/completions" ;;
    bastion-full) echo "http://127.0.0.1:$FULL/full/v1/chat/completions" ;;
  esac
}
lua_of() { if [ "$1" = bastion-full ]; then echo "$out/post-key.lua"; else echo "$out/post.lua"; fi; }
# The processes whose CPU time a target costs (the proxy's own; not wrk's, not the upstream's).
pid_of() { case "$1" in bastion-bare) echo "$BARE_PID" ;; bastion-log|bastion-full) echo "$FULL_PID" ;; haproxy) echo "$HAPROXY_PID" ;;
  nginx|modsec) pgrep -P "$(cat "$out/nginx.pid")" | tr '\n' ' ' ;; esac; }
post() { # $1 target, $2 body, $3 Authorization value or "", then curl's own options
  local t=$1 b=$2 auth=(); [ -z "$3" ] || auth=(-H "Authorization: $3"); shift 3
  curl -s -X POST "$(url_of "$t")" -H 'Content-Type: application/json' "${auth[@]}" --data-binary "$b" "$@"
}

# Every target answers the canned completion, unchanged.
for t in haproxy nginx modsec bastion-bare bastion-log bastion-full; do
  auth=""; [ "$t" != bastion-full ] || auth="Bearer $KEY"
  got=$(post "$t" "$body" "$auth" -w '\n%{http_code}')
  code=${got##*$'\n'}; got=${got%$'\n'*}
  [ "$code" = 200 ] || { echo "$t answered $code, not 200: $got" >&2; exit 1; }
  [ "$got" = "$answer" ] || { echo "$t did not pass the canned answer through unchanged: $got" >&2; exit 1; }
done
# The full route's controls are on: refusals for a missing key, an attack in a field the WAF reads, a secret.
expect() { [ "$1" = "$2" ] || { echo "full route: $3 answered $1, expected $2" >&2; exit 1; }; }
expect "$(post bastion-full "$body" "" -o /dev/null -w '%{http_code}')" 401 "no API key"
sqli="1' UNION SELECT password FROM users--" secret="graceful (our key is AKIAZ5QXGNJ7RA3WD2PM)"
expect "$(post bastion-full "${body/bench-user-0001/$sqli}" "Bearer $KEY" -o /dev/null -w '%{http_code}')" 403 "SQL injection in \"user\""
expect "$(post bastion-full "${body/graceful/$secret}" "Bearer $KEY" -o /dev/null -w '%{http_code}')" 400 "an AWS key in the prompt"
post bastion-full "$body" "Bearer $KEY" -D - -o /dev/null | grep -qi '^ratelimit-policy:' || { echo "full route: no RateLimit-Policy header" >&2; exit 1; }

for t in haproxy nginx modsec bastion-bare bastion-log bastion-full; do
  w=5s; case "$t" in bastion-*) w=$warmup ;; *) [ "$profile" = 0 ] || continue ;; esac
  wrk -t2 -c"$connections" -d"$w" -s "$(lua_of "$t")" "$(url_of "$t")" >/dev/null
done

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
cpu_ticks() { local p t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
TICK=$(getconf CLK_TCK)
host_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat; }   # busy, idle
# Runs wrk on target $1 for $2 into file $3; sets `line` to requests/s, p50, p99, µs of the proxy's CPU
# per request, requests, µs of wrk's and the upstream's CPU per request, and the share of the host's CPU
# that other processes took meanwhile (a shared machine's noise, in numbers), tab-separated; stops the
# script when any answer was not a 2xx or any socket failed.
drive() {
  local t=$1 d=$2 f=$3 pid c0 c1 u0 u1 b0 i0 b1 i1 w n cpu aux others TIMEFORMAT='%U %S'
  pid=$(pid_of "$t"); c0=$(cpu_ticks $pid); u0=$(cpu_ticks $UPSTREAM_WORKERS); read -r b0 i0 < <(host_ticks)
  w=$( { time wrk -t2 -c"$connections" -d"$d" --latency -s "$(lua_of "$t")" "$(url_of "$t")" > "$f" 2>"$f.stderr"; } 2>&1 )
  c1=$(cpu_ticks $pid); u1=$(cpu_ticks $UPSTREAM_WORKERS); read -r b1 i1 < <(host_ticks)
  n=$(awk '/requests in/ {print $1}' "$f")
  cpu=$(awk -v d=$((c1 - c0)) -v n="$n" -v t="$TICK" 'BEGIN {printf "%.1f", d / t * 1e6 / n}')
  aux=$(awk -v w="$w" -v u=$((u1 - u0)) -v n="$n" -v t="$TICK" 'BEGIN {split(w, a, " "); printf "%.1f", ((a[1] + a[2]) + u / t) * 1e6 / n}')
  others=$(awk -v w="$w" -v p=$((c1 - c0)) -v u=$((u1 - u0)) -v b=$((b1 - b0)) -v i=$((i1 - i0)) -v t="$TICK" \
    'BEGIN {split(w, a, " "); o = b - p - u - (a[1] + a[2]) * t; if (o < 0) o = 0; printf "%.0f", 100 * o / (b + i)}')
  if grep -q 'Non-2xx' "$f" || grep -q 'Socket errors' "$f"; then
    echo "$t: errors under load ($f):" >&2; grep -E 'Non-2xx|Socket errors' "$f" >&2
    echo "one answer now: $(post "$t" "$body" "$( [ "$t" = bastion-full ] && echo "Bearer $KEY")" -w ' (%{http_code})')" >&2
    exit 1
  fi
  line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$(awk '/^Requests\/sec:/ {print $2}' "$f")" "$(awk '$1=="50%" {print $2}' "$f" | to_ms)" \
    "$(awk '$1=="99%" {print $2}' "$f" | to_ms)" "$cpu" "$n" "$aux" "$others")
}

# Each thread's CPU ticks (user + system) from /proc: TID, name, ticks.
thread_ticks() {
  local t; for t in /proc/"$1"/task/*; do
    printf '%s\t%s\t%s\n' "${t##*/}" "$(tr -d '\n' < "$t/comm" 2>/dev/null)" "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
  done
}
if [ "$profile" = 1 ]; then
  JCMD="$(dirname "$JAVA")/jcmd"
  for t in bastion-bare bastion-log bastion-full; do
    pid=$(pid_of "$t")
    "$JCMD" "$pid" JFR.start name=full-bench settings=profile jdk.CPUTimeSample#enabled=true filename="$out/$t.jfr" >/dev/null
    thread_ticks "$pid" > "$out/$t-threads-0.tsv"
    drive "$t" "$profile_duration" "$out/wrk-$t-profile.txt"; IFS=$'\t' read -r rps p50 p99 cpu n aux others <<<"$line"
    thread_ticks "$pid" > "$out/$t-threads-1.tsv"
    "$JCMD" "$pid" JFR.stop name=full-bench >/dev/null
    echo "$t: $rps requests/s, p50 $p50 ms, p99 $p99 ms, $cpu µs CPU/request, $n requests (profiled; other processes took $others % of the host's CPU)"
    echo "$n" > "$out/$t.requests"
    # The process's CPU by thread (JIT compilers and GC threads included, which JFR does not sample).
    { echo "$t: process CPU by thread, µs per request (/proc, the recording's window)"
      awk -F'\t' -v n="$n" -v tick="$TICK" 'FNR == NR {before[$1] = $3; next}
        {name = $2; gsub(/[0-9]+/, "N", name); cpu[name] += $3 - before[$1]; all += $3 - before[$1]}
        END {for (k in cpu) if (cpu[k] > 0) printf "  %8.1f  %s\n", cpu[k] / tick * 1e6 / n, k; printf "  %8.1f  (all)\n", all / tick * 1e6 / n}' \
        "$out/$t-threads-0.tsv" "$out/$t-threads-1.tsv" | sort -rn
      echo
      "$JAVA" bench/tools/JfrSummary.java "$out/$t.jfr" "$n"; } > "$out/$t-profile.txt"
    sed -n '1,8p' "$out/$t-profile.txt"
  done
  "$JAVA" bench/tools/JfrSummary.java --compare "$out/bastion-full.jfr" "$(cat "$out/bastion-full.requests")" \
    "$out/bastion-bare.jfr" "$(cat "$out/bastion-bare.requests")" > "$out/compare-full-bare.txt"
  "$JAVA" bench/tools/JfrSummary.java --compare "$out/bastion-full.jfr" "$(cat "$out/bastion-full.requests")" \
    "$out/bastion-log.jfr" "$(cat "$out/bastion-log.requests")" > "$out/compare-full-log.txt"
  echo "profiles: $out/bastion-{bare,log,full}-profile.txt; the full route against the others: $out/compare-full-{bare,log}.txt"
  exit 0
fi

targets="haproxy nginx modsec bastion-bare bastion-log bastion-full"
results="$out/results.tsv"; : > "$results"
for round in $(seq "$rounds"); do
  for t in $targets; do
    drive "$t" "$duration" "$out/wrk-$t-$round.txt"; printf '%s\t%s\t%s\n' "$round" "$t" "$line" >> "$results"
  done
done

echo
echo "POST /v1/chat/completions, $(printf %s "$body" | wc -c)-byte JSON body, canned answer from nginx, wrk -t2 -c$connections -d$duration, $rounds round(s), warm-up $warmup (Bastion) / 5s, $(nproc) cores"
echo "µs CPU/req: the proxy's own processes; wrk+up: wrk's and the upstream's; others: the share of the host's CPU other processes took"
printf '%-13s %6s %12s %9s %9s %12s %12s %7s\n' target round "requests/s" "p50 ms" "p99 ms" "µs CPU/req" "wrk+up µs" "others"
sort -s -t$'\t' -k1,1n "$results" | while IFS=$'\t' read -r round t rps p50 p99 cpu n aux others; do
  printf '%-13s %6s %12s %9s %9s %12s %12s %6s%%\n' "$t" "$round" "$rps" "$p50" "$p99" "$cpu" "$aux" "$others"
done
echo
awk -F'\t' '{rps[$1,$2]=$3; p99[$1,$2]=$5; cpu[$1,$2]=$6; if (!($1 in seen)) {seen[$1]=1; rounds[++n]=$1}}
  function ratio(name, target, a, b, p, cmp,   i, j, v, list, t, med) {
    list=""; for (i=1; i<=n; i++) { v[i]=(p == 2 ? cpu[rounds[i],a]/cpu[rounds[i],b] : p ? p99[rounds[i],a]/p99[rounds[i],b] : rps[rounds[i],a]/rps[rounds[i],b]); list=list sprintf(" %.2f", v[i]) }
    for (i=1; i<=n; i++) for (j=i+1; j<=n; j++) if (v[j] < v[i]) { t=v[i]; v[i]=v[j]; v[j]=t }
    med=(n%2 ? v[(n+1)/2] : (v[n/2]+v[n/2+1])/2)
    printf "%-44s%s   median %.2f%s\n", name ":", list, med, target == "" ? "" : sprintf("   (target %s %s: %s)", cmp, target, (cmp == ">=" ? med >= target : med <= target) ? "met" : "NOT met")
  }
  END {
    print "ratios, round by round:"
    ratio("every control / control-free", 0.7, "bastion-full", "bastion-bare", 0, ">=")
    ratio("control-free / HAProxy", 0.5, "bastion-bare", "haproxy", 0, ">=")
    ratio("every-control p99 / HAProxy p99", 2, "bastion-full", "haproxy", 1, "<=")
    ratio("every control / control-free + access log", "", "bastion-full", "bastion-log", 0)
    ratio("control-free + access log / control-free", "", "bastion-log", "bastion-bare", 0)
    ratio("every control / HAProxy", "", "bastion-full", "haproxy", 0)
    ratio("control-free / nginx", "", "bastion-bare", "nginx", 0)
    ratio("every control / nginx + ModSecurity + CRS", "", "bastion-full", "modsec", 0)
    ratio("CPU per request, every control / control-free", "", "bastion-full", "bastion-bare", 2)
    ratio("CPU per request, control-free / HAProxy", "", "bastion-bare", "haproxy", 2)
  }' "$results"
# p50 and p99 of the full and control-free routes against HAProxy's, from a table of target, rps, p50, p90, p99.
latency_ratios() {
  awk -F'\t' -v how="$2" '{p99[$1] = $5; p50[$1] = $3} END {
    r = p99["bastion-full"] / p99["haproxy"]
    printf "every-control p99 / HAProxy p99, %s: %.2f   (target <= 2: %s)\n", how, r, r <= 2 ? "met" : "NOT met"
    printf "control-free p99 / HAProxy p99, %s:  %.2f\n", how, p99["bastion-bare"] / p99["haproxy"]
    printf "every-control p50 / HAProxy p50, %s: %.2f\n", how, p50["bastion-full"] / p50["haproxy"] }' "$1"
}
# Tail latency at one offered rate for all three (see the header): hey's workers each send at rate/c.
if [ "$fixed_rate" = 0 ]; then
  fixed_rate=$(awk -F'\t' '$2 == "bastion-full" {v[++n] = $3} END {for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) {t = v[i]; v[i] = v[j]; v[j] = t}
    printf "%d", (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) / 2}' "$results")
fi
echo
echo "fixed load: $fixed_rate requests/s offered to each (hey -c $connections -z $duration), latency in ms"
printf '%-13s %12s %9s %9s %9s\n' target "requests/s" "p50 ms" "p90 ms" "p99 ms"
fixed="$out/fixed.tsv"; : > "$fixed"
for t in haproxy bastion-bare bastion-full; do
  auth=(); [ "$t" = bastion-full ] && auth=(-H "Authorization: Bearer $KEY")
  hey -z "$duration" -c "$connections" -q "$(awk -v r="$fixed_rate" -v c="$connections" 'BEGIN {printf "%.2f", r / c}')" -m POST \
      -T application/json -D "$out/body.json" "${auth[@]}" "$(url_of "$t")" > "$out/hey-$t.txt" 2>&1
  if ! grep -q '\[200\]' "$out/hey-$t.txt" || grep -qE '^\s+\[(4|5)[0-9][0-9]\]' "$out/hey-$t.txt"; then
    echo "$t: non-200 answers at the fixed load ($out/hey-$t.txt)" >&2; grep -A5 'Status code distribution' "$out/hey-$t.txt" >&2; exit 1
  fi
  row=$(awk -v t="$t" '/Requests\/sec:/ {rps = $2} /50% in/ {p50 = $3 * 1000} /90% in/ {p90 = $3 * 1000} /99% in/ {p99 = $3 * 1000}
    END {printf "%s\t%.1f\t%.2f\t%.2f\t%.2f", t, rps, p50, p90, p99}' "$out/hey-$t.txt")
  echo "$row" >> "$fixed"
  IFS=$'\t' read -r _ rps p50 p90 p99 <<<"$row"; printf '%-13s %12s %9s %9s %9s\n' "$t" "$rps" "$p50" "$p90" "$p99"
done
latency_ratios "$fixed" "at the same load"
# The same rate again, as independent clients: each of $connections connections pauses a random (exponential)
# time between its requests, so arrivals are close to Poisson — as many users' requests arrive — where
# hey's workers tick in lockstep and 32 requests land at once, which measures how long the last of a
# burst waits behind the others (service time × burst) more than the latency each request sees.
echo
echo "fixed load, independent arrivals: $fixed_rate requests/s offered to each (wrk -c $connections, exponential pauses), latency in ms"
printf '%-13s %12s %9s %9s %9s\n' target "requests/s" "p50 ms" "p90 ms" "p99 ms"
poisson="$out/poisson.tsv"; : > "$poisson"
mean_pause_ms=$(awk -v r="$fixed_rate" -v c="$connections" 'BEGIN {printf "%.3f", c * 1000 / r}')
for t in haproxy bastion-bare bastion-full; do
  { cat "$(lua_of "$t")"
    printf 'math.randomseed(%d)\nfunction delay()\n  local d = -math.log(1 - math.random()) * %s\n  local whole = math.floor(d)\n  if math.random() < d - whole then whole = whole + 1 end\n  return whole\nend\n' "$RANDOM" "$mean_pause_ms"
  } > "$out/poisson-$t.lua"
  wrk -t2 -c"$connections" -d"$duration" --latency -s "$out/poisson-$t.lua" "$(url_of "$t")" > "$out/poisson-$t.txt" 2>&1
  if grep -qE 'Non-2xx|Socket errors' "$out/poisson-$t.txt"; then echo "$t: errors at the fixed load ($out/poisson-$t.txt)" >&2; exit 1; fi
  row=$(printf '%s\t%s\t%s\t%s\t%s' "$t" "$(awk '/^Requests\/sec:/ {print $2}' "$out/poisson-$t.txt")" \
    "$(awk '$1=="50%" {print $2}' "$out/poisson-$t.txt" | to_ms)" "$(awk '$1=="90%" {print $2}' "$out/poisson-$t.txt" | to_ms)" \
    "$(awk '$1=="99%" {print $2}' "$out/poisson-$t.txt" | to_ms)")
  echo "$row" >> "$poisson"
  IFS=$'\t' read -r _ rps p50 p90 p99 <<<"$row"; printf '%-13s %12s %9s %9s %9s\n' "$t" "$rps" "$p50" "$p90" "$p99"
done
latency_ratios "$poisson" "independent arrivals"
echo
echo "access log lines written by the full process: $(wc -l < "$out/full-access.log") ($(grep -c '"route":"full"' "$out/full-access.log") of the full route)"
echo "raw output: $out"
