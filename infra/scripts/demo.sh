#!/usr/bin/env bash
# The main job: the whole pipeline on sample files, on the embedded defaults (an in-process Kafka
# broker and a SQLite file). Installs what it needs, builds, generates sample files next to the
# spec's worked example, runs the pipeline once and shows the resulting state.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

infra/scripts/install-deps.sh
dotnet build services/OpowerStream.Cli -c Release -o .artifacts/cli -v quiet -nologo
cli=".artifacts/cli/opower-stream"

work="data/demo"
rm -rf "$work"
mkdir -p "$work/inbox"
cp samples/worked-example/*.tsv "$work/inbox/"
# The generator's manifest.json (what the files hold) stays beside the inbox, not in it.
"$cli" generate --out "$work/generated" --service-points 25 --days 31 --interval 15 --seed 7 --errors 0.001
cp "$work"/generated/opwr_* "$work/inbox/"
store="sqlite:$work/opowerstream.db"

echo
echo "== run --once =="
Logging__LogLevel__Default=Warning "$cli" run --inbox "$work/inbox" --store "$store" --once

echo
echo "== rate history of the spec's worked example (agreement 1234567890) =="
"$cli" export rates --store "$store" | grep -E '^(service_agreement_id|1234567890),'
echo
echo "== first interval reads =="
"$cli" export intervals --store "$store" | head -n 6
echo
echo "== first service quantities =="
"$cli" export service-quantities --store "$store" | head -n 4
echo
echo "== rejects (file, line, rule, field, message) =="
"$cli" export rejects --store "$store" | head -n 11
echo
echo "== interval completeness: the first days with intervals missing (a rejected row is a missing interval) =="
"$cli" export completeness --store "$store" --only-incomplete | head -n 6
"$cli" report --store "$store" --out "$work/report.html"
echo
echo "State is in $work/opowerstream.db; export more with: $cli export rates|intervals|service-quantities|rejects|files|completeness --store $store"
echo "The report (reconciliation, rejects, completeness heat map) is $work/report.html"
