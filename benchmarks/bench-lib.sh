#!/usr/bin/env bash
# What benchmarks/run.sh and benchmarks/apply-ab.sh share: the dev-broker, the product's extract, timing
# under /usr/bin/time, statistics, and the PostgreSQL server. Sourced; expects ROOT and WORK to be set.

log() { echo "bench: $*" >&2; }

brokers=()
stop_brokers() {
  local pid
  for pid in "${brokers[@]}"; do kill "${pid}" 2>/dev/null || true; done
  brokers=()
}
trap stop_brokers EXIT

# Starts `opower-stream dev-broker` as its own process; sets BROKER to its bootstrap servers.
# The log file is removed first: a previous broker's address in it must never be taken for this one's.
start_broker() { # prefix partitions logfile
  rm -f "$3" "$3.err"
  "${WORK}/cli/opower-stream" dev-broker --topic-prefix "$1" --partitions "$2" >"$3" 2>"$3.err" &
  brokers+=("$!")
  local waited=0
  BROKER=""
  until [ -n "${BROKER}" ]; do
    sleep 0.2
    waited=$((waited + 1))
    if [ "${waited}" -gt 150 ]; then log "dev-broker did not start: $(cat "$3.err")"; exit 1; fi
    BROKER="$(head -n 1 "$3" 2>/dev/null || true)"
  done
}

# Files are copied with their modification time (cp -p), as files that arrived a while ago: the
# extractor takes them at once instead of waiting Extractor:StableFor to see that they stopped growing.
# Runs the product's `opower-stream extract --once` on the file; sets EXTRACT_MS, the product's own
# time for the file (hash, gzip check, ledger, every row published and acknowledged, file events).
extract_ours() { # topic-prefix partitions file stdout-file [SETTING=value...]
  local inbox="${WORK}/extract-inbox" prefix="$1" partitions="$2" file="$3" out="$4"
  shift 4
  rm -rf "${inbox}" "${WORK}/extract-ledger.db"* && mkdir -p "${inbox}" && cp -p "${file}" "${inbox}/"
  measure "${out}" env Kafka__TopicPrefix="${prefix}" Kafka__Partitions="${partitions}" "$@" \
    Logging__LogLevel__Default=Warning Logging__LogLevel__OpowerStream.Extractor=Information \
    "${WORK}/cli/opower-stream" extract --once --inbox "${inbox}" --store "sqlite:${WORK}/extract-ledger.db" --bootstrap-servers "${BROKER}"
  EXTRACT_MS="$(sed -n 's/.* published: [0-9]* rows ([0-9]* rows\/s), [0-9]* bytes in \([0-9]*\) ms.*/\1/p' "${out}")"
  if [ -z "${EXTRACT_MS}" ]; then log "extract did not publish the file: $(cat "${out}")"; exit 1; fi
}

# Runs a command under /usr/bin/time; sets SECONDS_TAKEN (wall), RSS_MB (peak RSS of that process) and
# CPU_SECONDS (its user + system CPU time, which other processes on the machine inflate far less than the wall time).
measure() { # stdout-file command...
  local out="$1"; shift
  /usr/bin/time -f '%e %M %U %S' -o "${WORK}/time.out" "$@" >"${out}"
  local rss_kb user_s system_s
  read -r SECONDS_TAKEN rss_kb user_s system_s <"${WORK}/time.out"
  RSS_MB=$((rss_kb / 1024))
  CPU_SECONDS="$(awk -v u="${user_s}" -v s="${system_s}" 'BEGIN { printf "%.2f", u + s }')"
}

# The CPU time of the PostgreSQL server processes serving database DB, sampled from /proc every 0.1 s until
# FILE.stop exists (a backend's last 0.1 s before it exits is idle: the client has committed), then written to FILE
# in seconds. Other databases' backends (other engineers' tests share the server) are not counted.
sample_server_cpu() { # db file
  local pid ticks total=0
  declare -A last=()
  while [ ! -f "$2.stop" ]; do
    for pid in $(pgrep -f "postgres: .*: [^ ]+ $1 "); do
      ticks="$(awk '{ print $14 + $15 }' "/proc/${pid}/stat" 2>/dev/null)" && last[${pid}]="${ticks}"
    done
    sleep 0.1
  done
  for ticks in "${last[@]}"; do total=$((total + ticks)); done
  awk -v t="${total}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }' >"$2"
}

rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", r / s }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
larger() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# The rate of two stages run one after the other on the same rows: n / (n/a + n/b).
one_after_other() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 1 / (1 / a + 1 / b) }'; }
slower() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE_ADMIN}" "$@"; }
fresh_database() { psql_admin -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null; }

# One round of the apply stage: the consumer host of HARNESS applies the topic prefix `apply` on BROKER into a fresh
# store of STORE's kind (a SQLite file under DIR, or the database BENCH_DB); sets APPLY_SECONDS (from the first record
# consumed to the last commit) and APPLY_STARTUP (process start and group join), besides SECONDS_TAKEN, RSS_MB and
# CPU_SECONDS (the consumer host's); SERVER_CPU_SECONDS is the PostgreSQL server's CPU time for the store (0 for SQLite),
# BYTES_PER_ROW what PostgreSQL stores per interval row ("-" for SQLite): tables, indexes and TOAST of the interval table
# (a partitioned table's own size is 0), of all its partitions and of the series and file names they refer to by id,
# divided by the rows.
apply_round() { # harness store rows dir out
  local location="sqlite:$4/apply.sqlite" sampler=""
  rm -f "$4/apply.sqlite"* "$4/server-cpu"*
  SERVER_CPU_SECONDS=0 BYTES_PER_ROW=-
  if [ "$2" = postgres ]; then
    fresh_database "${BENCH_DB}"
    location="postgres:${PG_CONNECTION/Database=${PGDATABASE_ADMIN}/Database=${BENCH_DB}}"
    sample_server_cpu "${BENCH_DB}" "$4/server-cpu" &
    sampler=$!
  fi
  measure "$5" "$1" apply-ours "${BROKER}" apply "${location}" "$3"
  if [ -n "${sampler}" ]; then
    touch "$4/server-cpu.stop"
    wait "${sampler}"
    SERVER_CPU_SECONDS="$(cat "$4/server-cpu")"
    BYTES_PER_ROW="$(psql -X -q -At -d "${BENCH_DB}" -c "
      SELECT round((SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
        WHERE c.oid IN (SELECT relid FROM pg_partition_tree('intervals'))
          OR c.oid IN (to_regclass('interval_series'), to_regclass('source_files'))) / count(*), 1) FROM intervals")"
  fi
  APPLY_SECONDS="$(sed -n 's/.*seconds=\([0-9.]*\) first.*/\1/p' "$5")"
  APPLY_STARTUP="$(sed -n 's/.*first_record_after=\([0-9.]*\).*/\1/p' "$5")"
}

# Installs the packages, starts PostgreSQL (or takes OPOWERSTREAM_TEST_POSTGRES) and points psql at it.
prepare_machine() {
  log "installing packages and starting PostgreSQL"
  infra/scripts/install-deps.sh >&2
  # Like the tests: a server named in OPOWERSTREAM_TEST_POSTGRES is used as it is, else the local cluster is started.
  PG_CONNECTION="${OPOWERSTREAM_TEST_POSTGRES:-$(infra/scripts/start-postgres.sh)}"
  # psql takes the same server and role from the Npgsql connection string.
  conn_value() { tr ';' '\n' <<<"${PG_CONNECTION}" | sed -n "s/^$1=//p"; }
  export PGHOST="$(conn_value Host)" PGPORT="$(conn_value Port)" PGUSER="$(conn_value Username)" PGPASSWORD="$(conn_value Password)"
  PGDATABASE_ADMIN="$(conn_value Database)"
}
