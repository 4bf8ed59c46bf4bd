#!/usr/bin/env bash
# The fault wall as a scorecard (issue 16): runs FaultWallTest — one scenario per failure a provider really
# produces, against mock-llm's faults, through a real gateway over loopback — and prints pass/fail and the
# seconds each scenario took to answer (the test's own time: the request, its retries and fallbacks, and
# for the accounting checks the wait for the budget's flush). A scenario passes when the client, the access
# line and the budget all saw exactly what docs/providers.md says they see.
#
#   bench/failover.sh            # builds, runs the wall, prints the table
#
# Maven runs under the shared build lock when flock is there (2-core machines: one build at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
. <(sed -n '/^java_major()/,/^}/p;/^find_jdk()/,/^}/p' ./bastion)
JAVA_HOME="$(find_jdk)"; export JAVA_HOME
lock=(); command -v flock >/dev/null && lock=(flock /tmp/bastion-maven.lock)
"${lock[@]}" ./mvnw -B -q -o test -Dtest=FaultWallTest -Dsurefire.failIfNoSpecifiedTests=false >/dev/null 2>&1 || true
report=target/surefire-reports/TEST-dev.bastion.failover.FaultWallTest.xml
[ -f "$report" ] || { echo "no report: the wall did not run (see ./mvnw -o test -Dtest=FaultWallTest)" >&2; exit 1; }
python3 - "$report" <<'PY'
import re, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
rows, failed = [], 0
for tc in root.iter('testcase'):
    name = tc.get('name')
    words = re.sub(r'([A-Z])', r' \1', name).lower().strip()
    ok = tc.find('failure') is None and tc.find('error') is None and tc.find('skipped') is None
    failed += not ok
    rows.append((words, 'pass' if ok else 'FAIL', float(tc.get('time', 0))))
w = max(len(r[0]) for r in rows)
print(f"{'scenario'.ljust(w)}  result  seconds")
for words, result, secs in rows:
    print(f"{words.ljust(w)}  {result.ljust(6)}  {secs:7.2f}")
print(f"\n{len(rows) - failed}/{len(rows)} scenarios pass")
sys.exit(1 if failed else 0)
PY
