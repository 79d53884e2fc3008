#!/usr/bin/env bash
# Peak memory of `opower-stream extract` on a generated interval file and on one 10 times larger:
#   benchmarks/extract-memory.sh [ROWS]     (default 300000; the large file has 10 x ROWS)
# Each size runs in a fresh dev-broker (its own process); extract runs under /usr/bin/time, whose
# maximum resident set size is the process's peak RSS. Prints both and their ratio, and fails when
# the large file raises the peak by more than MAX_GROWTH (default 1.5) times the small file's.
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly WORK="${BENCH_WORK:-${ROOT}/.artifacts/bench-memory}"
readonly DAYS=11
readonly MAX_GROWTH="${MAX_GROWTH:-1.5}"
rows="${1:-300000}"
log() { echo "extract-memory: $*" >&2; }

mkdir -p "${WORK}"
if [ ! -x "${WORK}/cli/opower-stream" ]; then
  log "building the CLI (Release)"
  dotnet build "${ROOT}/services/OpowerStream.Cli" -c Release -o "${WORK}/cli" -nologo -v q >&2
fi

broker_pid=""
trap '[ -n "${broker_pid}" ] && kill "${broker_pid}" 2>/dev/null || true' EXIT

measure_size() { # rows -> prints "rows size_bytes seconds peak_kb"
  local target="$1" dir="${WORK}/size-$1"
  local service_points=$(((target + DAYS * 96 - 1) / (DAYS * 96)))
  if ! ls "${dir}/data/"*interval15*.gz >/dev/null 2>&1; then
    rm -rf "${dir}" && mkdir -p "${dir}"
    "${WORK}/cli/opower-stream" generate --out "${dir}/data" --service-points "${service_points}" --days "${DAYS}" --interval 15 --seed 1 >&2
  fi
  rm -rf "${dir}/inbox" "${dir}/store.db"* "${dir}/broker.out" && mkdir -p "${dir}/inbox"
  cp "${dir}/data/"*interval15*.gz "${dir}/inbox/"
  "${WORK}/cli/opower-stream" dev-broker --topic-prefix mem --partitions 12 >"${dir}/broker.out" 2>"${dir}/broker.err" &
  broker_pid=$!
  until [ -s "${dir}/broker.out" ]; do sleep 0.2; done
  local broker
  broker="$(head -n 1 "${dir}/broker.out")"
  Kafka__TopicPrefix=mem Extractor__StableFor=00:00:00 Logging__LogLevel__Default=Warning \
    /usr/bin/time -f '%e %M' -o "${dir}/time.out" \
    "${WORK}/cli/opower-stream" extract --inbox "${dir}/inbox" --store "sqlite:${dir}/store.db" --bootstrap-servers "${broker}" --once >"${dir}/extract.out"
  kill "${broker_pid}" && wait "${broker_pid}" 2>/dev/null || true
  broker_pid=""
  local seconds peak_kb
  read -r seconds peak_kb <"${dir}/time.out"
  echo "$(sed -n 's/.*published \([0-9]*\) rows.*/\1/p' "${dir}/extract.out") $(du -b "${dir}/inbox/processed/"*.gz | cut -f1) ${seconds} ${peak_kb}"
}

read -r small_rows small_bytes small_s small_kb < <(measure_size "${rows}")
read -r large_rows large_bytes large_s large_kb < <(measure_size $((rows * 10)))
growth="$(awk -v a="${large_kb}" -v b="${small_kb}" 'BEGIN { printf "%.2f", a / b }')"
printf '| file | rows | gzip bytes | seconds | peak RSS (MB) |\n|---|---|---|---|---|\n'
printf '| small | %s | %s | %s | %s |\n' "${small_rows}" "${small_bytes}" "${small_s}" "$((small_kb / 1024))"
printf '| 10x | %s | %s | %s | %s |\n' "${large_rows}" "${large_bytes}" "${large_s}" "$((large_kb / 1024))"
echo "peak RSS 10x / small: ${growth} (allowed ${MAX_GROWTH})"
awk -v g="${growth}" -v m="${MAX_GROWTH}" 'BEGIN { exit !(g <= m) }'
