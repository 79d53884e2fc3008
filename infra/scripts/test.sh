#!/usr/bin/env bash
# The whole test suite: installs what the tests need (Debian packages, a running PostgreSQL),
# restores, builds and runs every test project against the real broker component and databases.
#   KAFKA_BOOTSTRAP_SERVERS      run the Kafka tests against that broker; unset, they take an Apache Kafka
#                                container from Testcontainers where a Docker engine answers, else the
#                                embedded mock cluster (the closing lines say which)
#   OPOWERSTREAM_TEST_POSTGRES   use that PostgreSQL server instead of the local cluster
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

infra/scripts/install-deps.sh
if [ -z "${OPOWERSTREAM_TEST_POSTGRES:-}" ]; then
  OPOWERSTREAM_TEST_POSTGRES=$(infra/scripts/start-postgres.sh | tail -n 1)
  export OPOWERSTREAM_TEST_POSTGRES
fi

dotnet build OpowerStream.sln -c Release -nologo -v quiet
log=$(mktemp)
OPOWERSTREAM_TEST_BROKER_REPORT=$(mktemp)
export OPOWERSTREAM_TEST_BROKER_REPORT
status=0
dotnet test OpowerStream.sln -c Release --no-build -nologo 2>&1 | tee "$log" || status=$?

# One closing line for the whole suite, summed over the test projects.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
rm -f "$log"
sort -u "$OPOWERSTREAM_TEST_BROKER_REPORT"
rm -f "$OPOWERSTREAM_TEST_BROKER_REPORT"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
