#!/usr/bin/env bash
# A soak outside CI: the pipeline on continuously arriving generated files under random broker faults
# (brokers down, leaders moved, Produce/Fetch/OffsetCommit errors) and consumer restarts, then the store
# checked against the generator's truth. Exit 0 when it matches exactly.
#   infra/scripts/soak.sh [--minutes M] [--seed S] [--work DIR] [--store STORE]   (default 5 minutes, seed 1)
# Example: infra/scripts/soak.sh --minutes 30 --seed 42
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

infra/scripts/install-deps.sh
dotnet build services/OpowerStream.Cli -c Release -o .artifacts/cli -v quiet -nologo
# librdkafka's own connection errors while brokers are down go to stderr; the soak's lines go to stdout.
exec .artifacts/cli/opower-stream soak "$@"
