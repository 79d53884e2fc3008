#!/usr/bin/env bash
# The end-to-end benchmark of issue 6: ours against plain baselines on the same rows, in one run.
#   benchmarks/run.sh [ROWS] [--x10]
# ROWS (default 1000000) interval rows are generated (15-minute reads, 11 days, ROWS/1056 service
# points); --x10 repeats everything at 10 x ROWS to show whether peak RSS stays flat.
# Prints one table per size: rows/s and peak RSS of the measured process, ratio ours/baseline.
# BENCH_ROUNDS (default 3): how often each measured program runs; the table shows medians, the notes
# every round, peak RSS the largest of the rounds.
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly WORK="${BENCH_WORK:-${ROOT}/.artifacts/bench}"
readonly DAYS=11
readonly ROWS_PER_SERVICE_POINT=$((DAYS * 96))
readonly BENCH_DB=opowerstream_bench
readonly BASELINE_DB=opowerstream_bench_baseline
readonly ROUNDS="${BENCH_ROUNDS:-3}"

rows=1000000
scale10=false
for arg in "$@"; do
  case "${arg}" in
    --x10) scale10=true ;;
    ''|*[!0-9]*) echo "usage: benchmarks/run.sh [ROWS] [--x10]" >&2; exit 2 ;;
    *) rows="${arg}" ;;
  esac
done

# shellcheck source=benchmarks/bench-lib.sh
. "${ROOT}/benchmarks/bench-lib.sh"

table_rows=()
notes=()
add_row() { # stage ours_rps ours_rss baseline base_rps base_rss target
  local r
  r="$(ratio "$2" "$5")"
  local verdict="-"
  if [ "$7" != "-" ]; then
    verdict="$7 $(awk -v a="$2" -v b="$5" -v t="$7" 'BEGIN { print (a / b >= t ? "met" : "MISSED") }')"
  fi
  table_rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$1" "$2" "$3" "$4" "$5" "$6" "${r}" "${verdict}")")
}

bench_size() { # rows
  local target_rows="$1"
  local service_points=$(((target_rows + ROWS_PER_SERVICE_POINT - 1) / ROWS_PER_SERVICE_POINT))
  local dir="${WORK}/size-${target_rows}"
  # The mock broker keeps ~5 MB per partition: enough partitions that consumers never fall off the log.
  local partitions=$((target_rows / 80000 > 12 ? target_rows / 80000 : 12))
  table_rows=()
  notes=()

  if ! ls "${dir}/data/"*interval15*.gz >/dev/null 2>&1; then
    log "generating ${service_points} service points x ${DAYS} days of 15-minute reads"
    rm -rf "${dir}" && mkdir -p "${dir}"
    "${WORK}/cli/opower-stream" generate --out "${dir}/data" --service-points "${service_points}" \
      --days "${DAYS}" --interval 15 --seed 1 >&2
  fi
  local file
  file="$(ls "${dir}/data/"*interval15*.gz)"
  # The baselines read the decompressed rows; decompressing is not timed for them.
  zcat "${file}" | tail -n +2 >"${dir}/rows.tsv"
  local n
  n="$(wc -l <"${dir}/rows.tsv")"
  log "${n} interval rows, $(du -h "${file}" | cut -f1) gzip'd, ${partitions} partitions per topic"

  # Producing on 2 cores swings by up to 2x from run to run (the process's threads and librdkafka's
  # compete), so the extract stage runs ROUNDS rounds, each on a fresh dev-broker: ours, ours without the
  # lineage headers (Extractor:LineageHeaders=false), the plain producer, the plain producer with the three
  # lineage headers; each rate is the median of its rounds.
  log "extract stage: ${ROUNDS} rounds of ours / ours without headers / plain producer / plain producer + lineage headers, then kcat -P"
  local s trial ours_runs=() bare_runs=() plain_runs=() headers_runs=() ours_extract_rss=0 bare_rss=0 plain_rss=0 headers_rss=0
  local ours_cpu=() plain_cpu=()
  for trial in $(seq "${ROUNDS}"); do
    start_broker bench "${partitions}" "${dir}/extract-broker.out"
    extract_ours bench "${partitions}" "${file}" "${dir}/ours.out"
    ours_runs+=("$(rate "${n}" "$(awk -v ms="${EXTRACT_MS}" 'BEGIN { print ms / 1000 }')")")
    ours_extract_rss="$(larger "${ours_extract_rss}" "${RSS_MB}")"
    ours_cpu+=("${CPU_SECONDS}")
    extract_ours bench "${partitions}" "${file}" "${dir}/ours-bare.out" Extractor__LineageHeaders=false
    bare_runs+=("$(rate "${n}" "$(awk -v ms="${EXTRACT_MS}" 'BEGIN { print ms / 1000 }')")")
    bare_rss="$(larger "${bare_rss}" "${RSS_MB}")"
    measure "${dir}/plain.out" "${WORK}/harness/opower-bench" extract-plain "${BROKER}" bench.intervals "${file}"
    plain_runs+=("$(rate "${n}" "$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "${dir}/plain.out")")")
    plain_rss="$(larger "${plain_rss}" "${RSS_MB}")"
    plain_cpu+=("${CPU_SECONDS}")
    measure "${dir}/plain-headers.out" "${WORK}/harness/opower-bench" extract-plain-headers "${BROKER}" bench.intervals "${file}"
    headers_runs+=("$(rate "${n}" "$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "${dir}/plain-headers.out")")")
    headers_rss="$(larger "${headers_rss}" "${RSS_MB}")"
    stop_brokers
  done
  local ours_extract bare plain headers
  ours_extract="$(median "${ours_runs[@]}")"
  bare="$(median "${bare_runs[@]}")"
  plain="$(median "${plain_runs[@]}")"
  headers="$(median "${headers_runs[@]}")"
  notes+=("extract rounds, rows/s: ours ${ours_runs[*]}; ours without lineage headers ${bare_runs[*]}; plain producer ${plain_runs[*]}; plain producer + lineage headers ${headers_runs[*]} (medians in the table); CPU s of the process: ours ${ours_cpu[*]}, plain producer ${plain_cpu[*]}")
  start_broker bench "${partitions}" "${dir}/extract-broker.out"
  measure "${dir}/kcat.out" kcat -P -b "${BROKER}" -t bench.intervals -K $'\t' -l \
    -X enable.idempotence=true -X acks=all -X compression.codec=lz4 -X linger.ms=10 \
    -X batch.num.messages=10000 -X batch.size=1000000 "${dir}/rows.tsv"
  local kcat kcat_rss="${RSS_MB}"
  kcat="$(rate "${n}" "${SECONDS_TAKEN}")"
  stop_brokers
  add_row "extract (opower-stream extract)" "${ours_extract}" "${ours_extract_rss}" \
    "Confluent.Kafka plain producer (no headers)" "${plain}" "${plain_rss}" 0.9
  add_row "extract (opower-stream extract)" "${ours_extract}" "${ours_extract_rss}" \
    "plain producer + the 3 lineage headers" "${headers}" "${headers_rss}" -
  add_row "extract, Extractor:LineageHeaders=false" "${bare}" "${bare_rss}" \
    "Confluent.Kafka plain producer" "${plain}" "${plain_rss}" -
  add_row "extract (opower-stream extract)" "${ours_extract}" "${ours_extract_rss}" \
    "kcat -P (C ceiling)" "${kcat}" "${kcat_rss}" -

  # The database baselines, ROUNDS times each; their medians.
  log "database baselines: ${ROUNDS} rounds of sqlite3 and psql"
  local sqlite_runs=() pg_runs=() sqlite_base_rss=0 pg_base_rss=0
  for trial in $(seq "${ROUNDS}"); do
    rm -f "${dir}/baseline.sqlite"*
    measure "${dir}/sqlite3.out" sh -c "sed 's|:rows_file|${dir}/rows.tsv|' '${ROOT}/benchmarks/baselines/sqlite3-apply.sql' \
      | exec sqlite3 '${dir}/baseline.sqlite'"
    sqlite_runs+=("$(rate "${n}" "${SECONDS_TAKEN}")")
    sqlite_base_rss="$(larger "${sqlite_base_rss}" "${RSS_MB}")"
    fresh_database "${BASELINE_DB}"
    measure "${dir}/psql.out" psql -X -q -d "${BASELINE_DB}" -f "${ROOT}/benchmarks/baselines/psql-apply.sql" <"${dir}/rows.tsv"
    pg_runs+=("$(rate "${n}" "${SECONDS_TAKEN}")")
    pg_base_rss="$(larger "${pg_base_rss}" "${RSS_MB}")"
  done
  local sqlite_base pg_base
  sqlite_base="$(median "${sqlite_runs[@]}")"
  pg_base="$(median "${pg_runs[@]}")"
  notes+=("baseline rounds, rows/s: sqlite3 ${sqlite_runs[*]}; psql ${pg_runs[*]}")

  # The apply stage alone: the extractor fills apply.intervals once (not timed), then the product's intervals
  # consumer host applies the whole topic into a fresh store, ROUNDS times per store, each its own process and group.
  log "apply stage: the topic filled once, then ${ROUNDS} rounds of the product's consumer host per store (fresh store each)"
  start_broker apply "${partitions}" "${dir}/apply-broker.out"
  extract_ours apply "${partitions}" "${file}" "${dir}/apply-fill.out"
  local store location applied_runs apply_rss
  for store in sqlite postgres; do
    applied_runs=()
    apply_rss=0
    for trial in $(seq "${ROUNDS}"); do
      apply_round "${WORK}/harness/opower-bench" "${store}" "${n}" "${dir}" "${dir}/apply-${store}.out"
      applied_runs+=("$(rate "${n}" "${APPLY_SECONDS}")")
      apply_rss="$(larger "${apply_rss}" "${RSS_MB}")"
      notes+=("apply-ours --store ${store}, round ${trial}: ${n} rows applied in ${APPLY_SECONDS} s from the first record consumed; the process started ${APPLY_STARTUP} s before it (start-up and the consumer-group join) and ran ${SECONDS_TAKEN} s in all; CPU ${CPU_SECONDS} s consumer host + ${SERVER_CPU_SECONDS} s PostgreSQL server; ${BYTES_PER_ROW} bytes stored per interval row")
    done
    if [ "${store}" = sqlite ]; then
      add_row "apply SQLite (consumer host, from the topic)" "$(median "${applied_runs[@]}")" "${apply_rss}" \
        "sqlite3 .import + upsert, 1 txn" "${sqlite_base}" "${sqlite_base_rss}" 0.85
    else
      add_row "apply PostgreSQL (consumer host, from the topic)" "$(median "${applied_runs[@]}")" "${apply_rss}" \
        "psql COPY + INSERT ON CONFLICT" "${pg_base}" "${pg_base_rss}" 0.8
      notes+=("apply PostgreSQL: ${BYTES_PER_ROW} bytes stored per interval row (tables, indexes and TOAST of the interval table, its partitions and its lookups of series and files, divided by its rows; target <= 150)")
    fi
  done
  stop_brokers

  local e2e_runs e2e_rss
  for store in sqlite postgres; do
    log "end to end: ${ROUNDS} rounds of run --once --store ${store} (fresh dev-broker, fresh store)"
    e2e_runs=()
    e2e_rss=0
    for trial in $(seq "${ROUNDS}"); do
      rm -rf "${dir}/inbox" "${dir}/ours.sqlite"* && mkdir -p "${dir}/inbox" && cp -p "${file}" "${dir}/inbox/"
      location="sqlite:${dir}/ours.sqlite"
      if [ "${store}" = postgres ]; then
        fresh_database "${BENCH_DB}"
        location="postgres:${PG_CONNECTION/Database=${PGDATABASE_ADMIN}/Database=${BENCH_DB}}"
      fi
      start_broker opower "${partitions}" "${dir}/e2e-broker.out"
      measure "${dir}/run-${store}.out" "${WORK}/cli/opower-stream" run --once --inbox "${dir}/inbox" \
        --store "${location}" --bootstrap-servers "${BROKER}"
      stop_brokers
      if grep -q "EmbeddedBroker" "${dir}/run-${store}.out"; then log "run --once did not use the dev-broker"; exit 1; fi
      grep -q "^Rows: ${n} read, ${n} applied, 0 rejected" "${dir}/run-${store}.out" \
        || { log "run --once did not apply every row:"; cat "${dir}/run-${store}.out" >&2; exit 1; }
      e2e_runs+=("$(rate "${n}" "${SECONDS_TAKEN}")")
      e2e_rss="$(larger "${e2e_rss}" "${RSS_MB}")"
      # Where the time goes: the extractor logs when Kafka acknowledged the file's last row.
      notes+=("run --once --store ${store}, round ${trial}: ${SECONDS_TAKEN} s wall, ${CPU_SECONDS} s CPU; the extractor inside it published every row in $(sed -n 's/.* published: [0-9]* rows in \([0-9]*\) ms.*/\1/p' "${dir}/run-${store}.out") ms")
    done
    if [ "${store}" = sqlite ]; then
      add_row "end to end run --once, SQLite" "$(median "${e2e_runs[@]}")" "${e2e_rss}" \
        "slower of plain producer / sqlite3" "$(slower "${plain}" "${sqlite_base}")" "-" 0.7
    else
      add_row "end to end run --once, PostgreSQL" "$(median "${e2e_runs[@]}")" "${e2e_rss}" \
        "slower of plain producer / psql" "$(slower "${plain}" "${pg_base}")" "-" 0.7
    fi
  done

  # The path every newcomer takes first: `run --once` on the embedded defaults (no broker flag: the
  # in-process broker, the lag gate it needs, SQLite), against the plain producer and the sqlite3 import
  # run one after the other (their times added).
  log "embedded defaults: ${ROUNDS} rounds of run --once --store sqlite (no broker flag)"
  local embedded_runs=() embedded_rss=0
  for trial in $(seq "${ROUNDS}"); do
    rm -rf "${dir}/inbox" "${dir}/ours.sqlite"* && mkdir -p "${dir}/inbox" && cp -p "${file}" "${dir}/inbox/"
    measure "${dir}/run-embedded.out" "${WORK}/cli/opower-stream" run --once --inbox "${dir}/inbox" --store "sqlite:${dir}/ours.sqlite"
    grep -q "^Rows: ${n} read, ${n} applied, 0 rejected" "${dir}/run-embedded.out" \
      || { log "run --once on the embedded defaults did not apply every row:"; cat "${dir}/run-embedded.out" >&2; exit 1; }
    embedded_runs+=("$(rate "${n}" "${SECONDS_TAKEN}")")
    embedded_rss="$(larger "${embedded_rss}" "${RSS_MB}")"
    notes+=("run --once on the embedded defaults, round ${trial}: ${SECONDS_TAKEN} s wall, ${CPU_SECONDS} s CPU; the extractor inside it published every row in $(sed -n 's/.* published: [0-9]* rows in \([0-9]*\) ms.*/\1/p' "${dir}/run-embedded.out") ms")
  done
  add_row "embedded defaults run --once, SQLite" "$(median "${embedded_runs[@]}")" "${embedded_rss}" \
    "plain producer, then sqlite3 import" "$(one_after_other "${plain}" "${sqlite_base}")" "$(larger "${plain_rss}" "${sqlite_base_rss}")" 0.6

  echo
  echo "${n} interval rows ($(nproc) cores, $(. /etc/os-release && echo "${PRETTY_NAME}"))"
  echo
  echo "| stage | ours rows/s | ours peak RSS MB | baseline | baseline rows/s | baseline peak RSS MB | ratio | target |"
  echo "|---|---:|---:|---|---:|---:|---:|---|"
  printf '%s\n' "${table_rows[@]}"
  echo
  printf '%s\n' "${notes[@]}"
  echo
}

cd "${ROOT}"
prepare_machine

mkdir -p "${WORK}"
log "building Release"
dotnet build services/OpowerStream.Cli -c Release -o "${WORK}/cli" -v q -nologo >&2
dotnet build benchmarks/OpowerStream.Benchmarks.Harness -c Release -o "${WORK}/harness" -v q -nologo >&2

bench_size "${rows}"
if [ "${scale10}" = true ]; then
  bench_size $((rows * 10))
fi
