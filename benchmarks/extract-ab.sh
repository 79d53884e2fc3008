#!/usr/bin/env bash
# What one extractor setting costs: `opower-stream extract --once` on the same generated interval file with the
# defaults (A) and with SETTING (B), in rounds of one each on a fresh dev-broker (A first in odd rounds, B in even ones). Prints every round
# (the product's own per-file rate), the medians and the ratio B/A.
#   benchmarks/extract-ab.sh SETTING=VALUE [ROWS (default 500000)]
#   e.g. benchmarks/extract-ab.sh Extractor__TraceParentHeader=false
# BENCH_ROUNDS (default 3) rounds each.
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly WORK="${BENCH_WORK:-${ROOT}/.artifacts/bench-extract-ab}"
readonly ROUNDS="${BENCH_ROUNDS:-3}"
readonly DAYS=11
[ $# -ge 1 ] && [ $# -le 2 ] && [[ "$1" == *=* ]] || { echo "usage: benchmarks/extract-ab.sh SETTING=VALUE [ROWS]" >&2; exit 2; }
readonly SETTING="$1" ROWS="${2:-500000}"

# shellcheck source=benchmarks/bench-lib.sh
. "${ROOT}/benchmarks/bench-lib.sh"

cd "${ROOT}"
mkdir -p "${WORK}"
dotnet build services/OpowerStream.Cli -c Release -o "${WORK}/cli" -v q -nologo >&2
dir="${WORK}/size-${ROWS}"
if ! ls "${dir}/"*interval15*.gz >/dev/null 2>&1; then
  rm -rf "${dir}"
  "${WORK}/cli/opower-stream" generate --out "${dir}" --service-points $(((ROWS + DAYS * 96 - 1) / (DAYS * 96))) \
    --days "${DAYS}" --interval 15 --seed 1 >&2
fi
file="$(ls "${dir}/"*interval15*.gz)"
rows="$(zcat "${file}" | tail -n +2 | wc -l)"
partitions=$((rows / 80000 > 12 ? rows / 80000 : 12))
log "${rows} interval rows, ${partitions} partitions; A = defaults, B = ${SETTING}; ${ROUNDS} rounds each"

a_runs=() b_runs=()
for round in $(seq "${ROUNDS}"); do
  start_broker bench "${partitions}" "${WORK}/broker.out"
  # Which goes first alternates, so neither always meets the fresh broker.
  for side in $( [ $((round % 2)) -eq 1 ] && echo A B || echo B A ); do
    if [ "${side}" = A ]; then
      extract_ours bench "${partitions}" "${file}" "${WORK}/a.out"
      a_runs+=("$(rate "${rows}" "$(awk -v ms="${EXTRACT_MS}" 'BEGIN { print ms / 1000 }')")")
    else
      extract_ours bench "${partitions}" "${file}" "${WORK}/b.out" "${SETTING}"
      b_runs+=("$(rate "${rows}" "$(awk -v ms="${EXTRACT_MS}" 'BEGIN { print ms / 1000 }')")")
    fi
  done
  stop_brokers
  log "round ${round}: A ${a_runs[-1]} rows/s, B ${b_runs[-1]} rows/s"
done

a="$(median "${a_runs[@]}")" b="$(median "${b_runs[@]}")"
echo "| extract of ${rows} rows at $(git rev-parse --short HEAD) | rounds, rows/s | median |"
echo "|---|---|---:|"
echo "| A: defaults | ${a_runs[*]} | ${a} |"
echo "| B: ${SETTING} | ${b_runs[*]} | ${b} ($(ratio "${b}" "${a}") x A) |"
