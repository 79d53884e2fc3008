#!/usr/bin/env bash
# What one change costs the apply stage: the consumer host (opower-bench apply-ours) of two revisions on the
# same topic, filled once by the newer revision's extractor, in alternating rounds with a fresh store each time.
# Prints every round, the medians and the ratio newer/older per store, like benchmarks/run.sh's apply stage.
#   benchmarks/apply-ab.sh REV_OLDER [REV_NEWER (default HEAD)] [ROWS (default 1000000)]
# BENCH_ROUNDS (default 3) rounds per revision and store; BENCH_STORES (default "sqlite postgres") the stores;
# BENCH_DB (default opowerstream_bench) the PostgreSQL database each round recreates.
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly WORK="${BENCH_WORK:-${ROOT}/.artifacts/bench-ab}"
readonly ROUNDS="${BENCH_ROUNDS:-3}"
readonly DAYS=11
readonly BENCH_DB="${BENCH_DB:-opowerstream_bench}"
readonly STORES="${BENCH_STORES:-sqlite postgres}"
[ $# -ge 1 ] && [ $# -le 3 ] || { echo "usage: benchmarks/apply-ab.sh REV_OLDER [REV_NEWER] [ROWS]" >&2; exit 2; }
readonly OLDER="$1" NEWER="${2:-HEAD}" ROWS="${3:-1000000}"

# shellcheck source=benchmarks/bench-lib.sh
. "${ROOT}/benchmarks/bench-lib.sh"

cd "${ROOT}"
prepare_machine
mkdir -p "${WORK}"
trees=()
cleanup() {
  stop_brokers
  local tree
  for tree in "${trees[@]}"; do git -C "${ROOT}" worktree remove --force "${tree}" 2>/dev/null || true; done
}
trap cleanup EXIT

# Each revision's harness is built from its own checkout; the newer one's CLI hosts the broker and fills the topic.
build() { # revision side
  local tree="${WORK}/src-$2"
  git worktree remove --force "${tree}" 2>/dev/null || true
  git worktree add --detach --force "${tree}" "$1" >/dev/null
  trees+=("${tree}")
  log "building $2 ($(git -C "${tree}" log --oneline -1))"
  dotnet build "${tree}/benchmarks/OpowerStream.Benchmarks.Harness" -c Release -o "${WORK}/harness-$2" -v q -nologo >&2
  if [ "$2" = newer ]; then
    dotnet build "${tree}/services/OpowerStream.Cli" -c Release -o "${WORK}/cli" -v q -nologo >&2
  fi
}
build "${OLDER}" older
build "${NEWER}" newer

dir="${WORK}/data-${ROWS}"
rm -rf "${dir}" && mkdir -p "${dir}"
"${WORK}/cli/opower-stream" generate --out "${dir}" --service-points $(((ROWS + DAYS * 96 - 1) / (DAYS * 96))) \
  --days "${DAYS}" --interval 15 --seed 1 >&2
file="$(ls "${dir}/"*interval15*.gz)"
n="$(zcat "${file}" | tail -n +2 | wc -l)"
partitions=$((n / 80000 > 12 ? n / 80000 : 12))
start_broker apply "${partitions}" "${WORK}/broker.out"
extract_ours apply "${partitions}" "${file}" "${WORK}/fill.out"

echo
echo "${n} interval rows, apply stage, older ${OLDER} ($(git rev-parse --short "${OLDER}")) against newer ${NEWER} ($(git rev-parse --short "${NEWER}"))"
echo
# CPU seconds (the consumer host's, plus the PostgreSQL server's for the store) are what other processes on a shared
# machine inflate least: the last columns compare those, older / newer (below 1: the newer revision costs more).
echo "| store | older rows/s (median) | newer rows/s (median) | newer / older | older CPU s (median) | newer CPU s (median) | older / newer CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|"
notes=()
for store in ${STORES}; do
  older_runs=() newer_runs=() older_cpu=() newer_cpu=()
  for trial in $(seq "${ROUNDS}"); do
    for side in older newer; do
      apply_round "${WORK}/harness-${side}/opower-bench" "${store}" "${n}" "${WORK}" "${WORK}/apply.out"
      cpu="$(awk -v c="${CPU_SECONDS}" -v s="${SERVER_CPU_SECONDS}" 'BEGIN { printf "%.2f", c + s }')"
      if [ "${side}" = older ]; then
        older_runs+=("$(rate "${n}" "${APPLY_SECONDS}")") older_cpu+=("${cpu}")
      else
        newer_runs+=("$(rate "${n}" "${APPLY_SECONDS}")") newer_cpu+=("${cpu}")
      fi
      notes+=("${store} round ${trial} ${side}: ${n} rows applied in ${APPLY_SECONDS} s; CPU ${CPU_SECONDS} s consumer host + ${SERVER_CPU_SECONDS} s PostgreSQL server; ${BYTES_PER_ROW} bytes stored per interval row")
    done
  done
  older_rate="$(median "${older_runs[@]}")" newer_rate="$(median "${newer_runs[@]}")"
  older_cpu_median="$(median "${older_cpu[@]}")" newer_cpu_median="$(median "${newer_cpu[@]}")"
  echo "| ${store} | ${older_rate} | ${newer_rate} | $(ratio "${newer_rate}" "${older_rate}") | ${older_cpu_median} | ${newer_cpu_median} | $(ratio "${older_cpu_median}" "${newer_cpu_median}") |"
done
echo
printf '%s\n' "${notes[@]}"
