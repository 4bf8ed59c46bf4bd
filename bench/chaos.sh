#!/usr/bin/env bash
# Chaos: a three-node local cluster under load while its dependencies die and come back.
#
#   bench/chaos.sh [--rate 150] [--phase 12s] [--limit 20] [--deny] [--no-install]
#
# Three Bastion processes (every control of bench/full.sh's full route, plus a `limited` route with a per-key
# limit of --limit per hour) share one real PostgreSQL (Debian's postgresql-15, a fresh cluster) as their store and
# one real Redis (Debian's redis-server, no persistence) as their shared state, in front of the canned nginx
# upstream. bench/tools/ChaosLoad.java offers a constant rate round-robin over the three nodes; every tenth request
# carries a malformed credential (a 401, which the audit trail records: audit.auth_failure_sample is raised so
# none is sampled away). Phases, each --phase long:
#
#   baseline · redis-down (SIGKILL) · redis-back (restarted empty) · redis-paused (SIGSTOP: it hangs) ·
#   redis-resumed (SIGCONT) · postgres-down (immediate shutdown) · postgres-back · postgres-paused (the postmaster
#   and every backend SIGSTOPped) · postgres-resumed · upstream-down (nginx SIGKILL) · upstream-back ·
#   node2-killed (Bastion node 2 SIGKILLed under load) · node2-back (restarted, answering again)
#
# With --deny, a second kind of pass: the nodes run with limits.on_backend_failure: deny (prod's default) and only
# baseline and the four Redis phases run; Redis down or hanging must answer 503 rate_limit_unavailable, never a 200.
#
# The moments around each fault or recovery (0.1 s before its command to 0.2 s after it returned; the load generator
# reads the phase file every 50 ms) are counted under NAME~, apart: the --deny check leaves them out, so a request
# sent just before a fault never counts as one sent during it (every request must be answered in them too). Every answer is reported by phase, status and the JSON body's error
# code; a request without one by its class and node (connect_refused, connect_timeout, no_answer: the client's 10 s
# timeout, transport:…). A malformed credential is refused before any store lookup. It fails (exit 1) when:
#   - any answer is a 500; a request got no answer (a refused or broken connection, no_answer) in any phase, except
#     node 2's own while it is killed (refused connections, and what it or the client's pooled connections held);
#   - audit events were lost: after the nodes stopped (SIGTERM: drain, then the audit queue and spool are written),
#     the store must hold one auth.failure event per 401 the load generator received from a node that was never
#     SIGKILLed (the killed node's losses are reported: a SIGKILL gives it no chance to write its queue), and
#     `bastion audit verify` must find every node's chain intact;
#   - with --deny: a 200 for a valid key while Redis was down or paused, or no 503 rate_limit_unavailable;
#   - limits are not exact again after Redis came back: 3 s after its restart, --limit + 5 requests with a fresh key,
#     round-robin over the nodes, must get exactly --limit 200s and 5 429s.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
install=1; rate=150; phase_len=12s; limit=20; deny=0
bench_option() { case "$1" in --rate) rate="$2" ;; --phase) phase_len="$2" ;; --limit) limit="$2" ;; *) return 1 ;; esac; }
args=(); for a in "$@"; do [ "$a" = --deny ] && deny=1 || args+=("$a"); done # a flag without a value
parse_options "${args[@]:+${args[@]}}"
need_packages nginx redis-server curl psql
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ] && [ "$install" = 1 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL's server binaries (Debian's postgresql) are required" >&2; exit 1; }
bastion_java
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
out="$PWD/bench/out/chaos-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$out"
UP=18781 REDIS=18790 PG=18791
NODES=(1 2 3); port() { echo $((18785 + $1)); }; admin() { echo $((19785 + $1)); }
# PostgreSQL refuses to run as root: its cluster belongs to the postgres user, in a directory that user can reach.
pgdir=$(mktemp -d /tmp/bastion-chaos-pg.XXXXXX); chmod 755 "$pgdir"; [ "$(id -u)" != 0 ] || chown postgres "$pgdir"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
declare -A node_pid
cleanup() {
  for p in "${pids[@]:-}" "${node_pid[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$out/upstream.pid" ] && kill "$(cat "$out/upstream.pid")" 2>/dev/null || true # a graceful stop takes its workers
  [ -n "${redis_pid:-}" ] && kill -CONT "$redis_pid" 2>/dev/null && kill "$redis_pid" 2>/dev/null || true # a stopped process keeps a signal pending
  [ -n "${pg_paused:-}" ] && kill -CONT $pg_paused 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT

pg_start() { as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -o "-p $PG -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null; }
pg_kill() { as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null; } # SIGQUIT to every backend: no checkpoint, crash recovery at the next start
redis_start() { redis-server --port $REDIS --bind 127.0.0.1 --save '' --appendonly no >>"$out/redis.log" 2>&1 & redis_pid=$!; wait_port $REDIS; }
redis_kill() { kill -9 "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; }
# the master first: killed after its workers, it would start new ones before it dies
upstream_kill() { local m w; m=$(cat "$out/upstream.pid"); w=$(pgrep -P "$m" || true); kill -9 "$m"; [ -z "$w" ] || kill -9 $w; rm -f "$out/upstream.pid"; }
# A dependency that hangs instead of refusing: the process stays, its sockets stay open, nothing answers.
redis_pause() { kill -STOP "$redis_pid"; }
redis_resume() { kill -CONT "$redis_pid"; }
# the postmaster first (it would start new backends), then every backend and auxiliary process it started
pg_pids() { local m; m=$(head -1 "$pgdir/data/postmaster.pid"); echo "$m" $(pgrep -P "$m" || true); }
pg_pause() { pg_paused=$(pg_pids); kill -STOP $pg_paused; }
pg_resume() { kill -CONT $pg_paused; }
as_pg "$PGBIN/initdb" -D "$pgdir/data" -A trust -U bastion >/dev/null
pg_start
redis_start
canned_upstream "$out" "$UP"; wait_port $UP

limited_route() {
  cat <<YAML
  - id: limited
    match: { methods: [POST], path: /limited/v1/chat/completions }
    strip_prefix: /limited
    upstream: canned
    content_types: [application/json]
    auth: { methods: [api_key] }
    limits:
      - { per: api_key, rate: $limit/1h }
YAML
}
# one master key for the cluster (a PostgreSQL store has no development key beside it)
"$JAVA" -jar target/bastion.jar tokens new-master-key > "$out/master-key.json" 2>/dev/null; chmod 600 "$out/master-key.json"
for n in "${NODES[@]}"; do
  full_config "$out/node$n.yaml" "$out" "$(port "$n")" "$(admin "$n")" "$UP" \
    "store: { url: \"postgresql://127.0.0.1:$PG/postgres\", username: bastion }" "$(limited_route)" \
    "redis: { url: \"redis://127.0.0.1:$REDIS\" }
tokens: { master_key: \"file:$out/master-key.json\" }
audit: { node: chaos-$n, auth_failure_sample: 1000000, retry_interval: 1s, spool: { path: \"$out/audit-spool-$n.jsonl\" } }"
  # prod's default, set alone: environment: prod would also demand TLS to PostgreSQL and Redis, which this cluster lacks
  [ "$deny" = 0 ] || sed -i 's/^limits: { per_ip: off }/limits: { per_ip: off, on_backend_failure: deny }/' "$out/node$n.yaml"
done
[ "$deny" = 0 ] || grep -q 'on_backend_failure: deny' "$out/node1.yaml" || { echo "--deny: the limits line was not found in the config" >&2; exit 1; }
# every node reads the same master key and the same keys from the shared store
"$JAVA" -jar target/bastion.jar keys create --config "$out/node1.yaml" --org chaos --scopes invoke > "$out/key" 2>"$out/keys.log"
"$JAVA" -jar target/bastion.jar keys create --config "$out/node1.yaml" --org chaos --scopes invoke > "$out/limit-key" 2>>"$out/keys.log"
KEY=$(cat "$out/key"); LKEY=$(cat "$out/limit-key")
start_node() {
  "$JAVA" -Xmx384m -jar target/bastion.jar serve --config "$out/node$1.yaml" >>"$out/node$1-access.log" 2>>"$out/node$1.log" & node_pid[$1]=$!
}
start_node 1; wait_port "$(port 1)"   # the first migrates the schema; the others find it done
start_node 2; start_node 3; wait_port "$(port 2)"; wait_port "$(port 3)"
printf '%s' "$BENCH_BODY" > "$out/body.json"
for n in "${NODES[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$(port "$n")/full/v1/chat/completions" \
    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @"$out/body.json")
  [ "$code" = 200 ] || { echo "node $n answered $code, not 200 ($out/node$n.log)" >&2; exit 1; }
done

echo "01-baseline" > "$out/phase"
urls=(); for n in "${NODES[@]}"; do urls+=("http://127.0.0.1:$(port "$n")/full/v1/chat/completions"); done
"$JAVA" bench/tools/ChaosLoad.java "$rate" "$out/phase" "$out/answers.tsv" "$out/body.json" "$KEY" 10 "${urls[@]}" > "$out/load.log" 2>&1 & load_pid=$!; pids+=($load_pid)
# written whole (a rename), so the load generator never reads a file just truncated
label() { echo "$1" > "$out/phase.new"; mv "$out/phase.new" "$out/phase"; }
phase() { label "$1"; echo "$(date +%T) $1"; }
# step NAME COMMAND…: NAME~ from 0.1 s before the fault (or the recovery) to 0.2 s after, then NAME: the load
# generator has surely read each name before what it stands for happens
step() { local name="$1"; shift; label "$name~"; sleep 0.1; "$@"; sleep 0.2; phase "$name"; }
secs() { case "$1" in *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac; }
P=$(secs "$phase_len")
echo "$(date +%T) 01-baseline ($rate requests/s offered round-robin to 3 nodes, a tenth with a bad key; on_backend_failure: $([ "$deny" = 1 ] && echo deny || echo local))"
sleep "$P"
step 02-redis-down redis_kill; sleep "$P"
step 03-redis-back redis_start; t_redis=$(date +%s)
# Limits exact again: --limit + 5 requests with a key never used before, 3 s after Redis is back.
sleep 3
limit_codes=""
for i in $(seq $((limit + 5))); do
  n=$(( (i - 1) % 3 + 1 ))
  limit_codes+="$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$(port "$n")/limited/v1/chat/completions" \
    -H "Authorization: Bearer $LKEY" -H 'Content-Type: application/json' --data-binary @"$out/body.json") "
done
echo "$limit_codes" > "$out/limit-check.txt"
sleep $(( P > 3 ? P - 3 : 0 ))
step 04-redis-paused redis_pause; sleep "$P"
step 05-redis-resumed redis_resume; sleep "$P"
if [ "$deny" = 0 ]; then
  step 06-postgres-down pg_kill; sleep "$P"
  step 07-postgres-back pg_start; sleep "$P"
  step 08-postgres-paused pg_pause; sleep "$P"
  step 09-postgres-resumed pg_resume; sleep "$P"
  step 10-upstream-down upstream_kill; sleep "$P"
  step 11-upstream-back eval 'canned_upstream "$out" "$UP"; wait_port $UP'; sleep "$P"
  # SIGKILL: no drain, no flush; what node 2 held in memory (requests in flight, queued audit events) is gone
  step 12-node2-killed eval 'kill -9 "${node_pid[2]}"; wait "${node_pid[2]}" 2>/dev/null || true'; sleep "$P"
  start_node 2; wait_port "$(port 2)" # its start (the JVM, the store) still counts as the kill
  step 13-node2-back true; sleep "$P"
fi
phase stop
wait "$load_pid" || { echo "the load generator failed ($out/load.log)" >&2; cat "$out/load.log" >&2; exit 1; }

# Stop the nodes as an orchestrator would (SIGTERM: drain, then the audit queue and any spool are written).
for n in "${NODES[@]}"; do kill -TERM "${node_pid[$n]}"; done
for n in "${NODES[@]}"; do wait "${node_pid[$n]}" || true; node_pid[$n]=""; done

echo
echo "answers by phase, status and error code (offered: $rate requests/s for ${P}s a phase):"
printf '%-22s %7s %-34s %8s\n' phase status code count
sort -t$'\t' -k1,1 -k2,2n "$out/answers.tsv" | while IFS=$'\t' read -r ph st code cnt; do printf '%-22s %7s %-34s %8s\n' "$ph" "$st" "$code" "$cnt"; done
status=0
fivehundreds=$(awk -F'\t' '$2 == 500 {s += $4} END {print s + 0}' "$out/answers.tsv")
echo
echo "500s: $fivehundreds"; [ "$fivehundreds" = 0 ] || status=1
# Requests without an answer, by phase and class. Allowed: node 2 refusing connections while it is killed, and
# what it held in flight (or the client's pooled connections to it) when it died. Anything else — a refused
# connection elsewhere, a request left hanging past the client's 10 s in any phase, a broken connection — fails.
echo "requests without an answer, by phase and class (class@node):"
awk -F'\t' '$2 == 0 {printf "  %-22s %-34s %6d\n", $1, $3, $4}' "$out/answers.tsv" | sort
unanswered=$(awk -F'\t' '$2 == 0 && !($1 ~ /^12-node2-killed/ && $3 ~ /@2$/) {s += $4} END {print s + 0}' "$out/answers.tsv")
expected=$(awk -F'\t' '$2 == 0 && $1 ~ /^12-node2-killed/ && $3 ~ /@2$/ {s += $4} END {print s + 0}' "$out/answers.tsv")
echo "  → expected (node 2 while killed): $expected; any other: $unanswered"; [ "$unanswered" = 0 ] || status=1
if [ "$deny" = 1 ]; then
  # The key is valid and every limit far away: with Redis down or hanging, deny means 503, never a 200.
  allowed=$(awk -F'\t' '($1 == "02-redis-down" || $1 == "04-redis-paused") && $2 == 200 {s += $4} END {print s + 0}' "$out/answers.tsv")
  denied=$(awk -F'\t' '($1 == "02-redis-down" || $1 == "04-redis-paused") && $2 == 503 && $3 == "rate_limit_unavailable" {s += $4} END {print s + 0}' "$out/answers.tsv")
  echo "on_backend_failure: deny — Redis down or paused: $denied × 503 rate_limit_unavailable, $allowed × 200"
  [ "$allowed" = 0 ] && [ "$denied" -gt 0 ] || { echo "DENY NOT HONOURED while Redis was unreachable" >&2; status=1; }
fi

received=$(awk -F'\t' '$2 == 401 {s += $4} END {print s + 0}' "$out/answers.tsv")
sql() { psql -h 127.0.0.1 -p $PG -U bastion -d postgres -tAc "$1"; }
# Every 401 the load generator received names its request (and the node and phase that answered it): each must have
# its event. And every authentication refusal a node logged (its access log) must have one: none lost, none twice.
sql "SELECT request_id FROM audit_events WHERE type = 'auth.failure'" | sort > "$out/audit-401-ids"
awk -F'\t' 'NR == FNR {have[$1] = 1; next} !($1 in have) {print $2 "\t" $3}' "$out/audit-401-ids" "$out/answers.tsv.401-ids" \
  | sort | uniq -c > "$out/lost-by-node-phase.txt"
lost=$(awk '{s += $1} END {print s + 0}' "$out/lost-by-node-phase.txt")
lost_killed=$(awk '$2 == 2 && $3 ~ /^1[23]-node2/ {s += $1} END {print s + 0}' "$out/lost-by-node-phase.txt")
events=$(wc -l < "$out/audit-401-ids"); distinct=$(sort -u "$out/audit-401-ids" | wc -l)
spooled=$(cat "$out"/audit-spool-*.jsonl 2>/dev/null | wc -l || true) # no spool at all when the store never went away
echo "audit: 401s received by the client $received, of them without an event $lost ($lost_killed answered by node 2 around its SIGKILL);"
echo "       auth.failure events stored $events ($distinct distinct requests); events left in spools $spooled"
[ "$lost" = 0 ] || { echo "       without an event, by node and phase:"; sed 's/^/        /' "$out/lost-by-node-phase.txt"; }
for n in "${NODES[@]}"; do
  ev=$(sql "SELECT count(*) FROM audit_events WHERE type = 'auth.failure' AND node = 'chaos-$n'")
  ref=$(grep -c '"status":401,"error":"api_key_invalid".*"refused_by":"authenticate"' "$out/node$n-access.log" || true)
  echo "       node $n: auth.failure events $ev, refusals in its access log $ref"
  if [ "$n" = 2 ] && [ "$deny" = 0 ]; then continue; fi # SIGKILLed: either record may have lost its last batch
  [ "$ev" = "$ref" ] || { echo "AUDIT EVENTS OF NODE $n ($ev) ≠ ITS AUTHENTICATION REFUSALS LOGGED ($ref)" >&2; status=1; }
done
sql "SELECT type, node, count(*) FROM audit_events GROUP BY type, node ORDER BY type, node" | sed 's/^/  /' > "$out/audit-events.txt"
[ "$((lost - lost_killed))" = 0 ] || { echo "LOST AUDIT EVENTS: $((lost - lost_killed)) of the client's 401s from nodes never killed have none" >&2; status=1; }
[ "$events" = "$distinct" ] || { echo "DUPLICATED AUDIT EVENTS: $((events - distinct))" >&2; status=1; }
if "$JAVA" -jar target/bastion.jar audit verify --config "$out/node1.yaml" > "$out/audit-verify.txt" 2>&1; then
  echo "audit verify: intact ($(tail -1 "$out/audit-verify.txt"))"
else
  echo "audit verify FAILED ($out/audit-verify.txt):" >&2; tail -5 "$out/audit-verify.txt" >&2; status=1
fi

ok=$(grep -o '200' "$out/limit-check.txt" | wc -l); limited=$(grep -o '429' "$out/limit-check.txt" | wc -l)
echo "limits 3 s after Redis restarted: $((limit + 5)) requests at a limit of $limit → $ok × 200, $limited × 429 (expected $limit and 5): $(cat "$out/limit-check.txt")"
[ "$ok" = "$limit" ] && [ "$limited" = 5 ] || { echo "LIMITS NOT EXACT after Redis recovery" >&2; status=1; }
[ "$status" = 0 ] && echo "chaos: passed" || echo "chaos: FAILED" >&2
echo "raw output: $out"
exit "$status"
