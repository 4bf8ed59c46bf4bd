#!/usr/bin/env bash
# Long fuzzing runs (issue 22, docs/security.md#fuzzing): each Jazzer target, one at a time, for a duration.
#
#   bench/fuzz.sh [target|all] [duration]     e.g. bench/fuzz.sh PathNormalizerFuzzTest 10m;  bench/fuzz.sh all 5m
#
# Targets are the *FuzzTest classes under src/test/java. Jazzer keeps its growing corpus in .cifuzz-corpus/ (not
# committed) and writes a crashing input as crash-<sha1> next to the seeds (target/test-classes/…); this script copies
# it to src/test/resources/<package>/<Class>Inputs/<method>/, where the suite replays it. Commit it with the fix.
# Wycheproof's JWS tokens, when $BASTION_CORPORA (default ../shared/corpora) has them, join the JOSE target's
# working corpus (read there, never copied into the repository).
# On a shared machine hold the build lock: flock /tmp/bastion-maven.lock bench/fuzz.sh all 5m
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-all}"; duration="${2:-5m}"
. <(sed -n '/^java_major()/,/^}/p;/^find_jdk()/,/^}/p' ./bastion)
JAVA_HOME="$(find_jdk)" || { echo "fuzz.sh: needs a JDK 21 or newer" >&2; exit 1; }
export JAVA_HOME

if [ "$target" = all ]; then
  targets=$(find src/test/java -name '*FuzzTest.java' -exec basename {} .java \; | sort)
else
  targets="$target"
fi

wycheproof="${BASTION_CORPORA:-../shared/corpora}/wycheproof/testvectors_v1/json_web_signature_test.json"
if [ -r "$wycheproof" ]; then
  dir=.cifuzz-corpus/dev.bastion.authn.BastionTokenFuzzTest/onlyMintedTokensVerify
  mkdir -p "$dir"
  grep -o '"jws" *: *"[^"]*"' "$wycheproof" | sed 's/^"jws" *: *"//; s/"$//' | while read -r jws; do
    printf '%s' "$jws" >"$dir/wycheproof-$(printf '%s' "$jws" | sha1sum | cut -c1-12)"
  done
fi

# the fork's bound: the duration (s, m or h) plus ten minutes for the JVM and the seeds
seconds=$(( $(echo "$duration" | sed 's/s$//; s/m$/*60/; s/h$/*3600/') + 600 ))
./mvnw -B -q test-compile
status=0
for t in $targets; do
  echo "== fuzzing $t for $duration"
  ./mvnw -B -o surefire:test@fuzz -Dbastion.fuzz.skip=false -Dbastion.fuzz.duration="$duration" -Dbastion.fuzz.fork.timeout="$seconds" -Dtest="$t" \
    -Dsurefire.failIfNoSpecifiedTests=false | grep -E 'Tests run:|FAIL|ERROR\]' || true
  report="target/surefire-reports/TEST-$(find src/test/java -name "$t.java" | sed 's|src/test/java/||; s|\.java$||; s|/|.|g').xml"
  if grep -q '<failure\|<error' "$report" 2>/dev/null; then status=1; echo "   $t: FINDING — see $report"; fi
done
# Jazzer writes a crash next to the seeds it read: the copy in target/test-classes. Keep it in the sources.
find target/test-classes -path '*Inputs/*' -name 'crash-*' 2>/dev/null | while read -r f; do
  dest="src/test/resources/${f#target/test-classes/}"; [ -e "$dest" ] || { mkdir -p "$(dirname "$dest")"; cp "$f" "$dest"; }
done
crashes=$(git status --porcelain --untracked-files=all src/test/resources | grep '/crash-' || true)
[ -n "$crashes" ] && { echo "New crashing inputs (replayed by the suite from now on; fix, then commit them):"; echo "$crashes"; }
exit $status
