-- The sqlite3 baseline: the decompressed rows (no header) imported into a staging table and applied
-- into a table keyed like ours (SqliteSchema's intervals), sequence-guarded, in one transaction.
-- run.sh feeds it through sqlite3 with :rows_file replaced by the TSV path.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE staging (
    service_point_id TEXT, date TEXT, time TEXT, usage_value TEXT, units TEXT,
    is_estimate TEXT, utc_offset TEXT, service_type TEXT, service_quantity_identifier TEXT);
CREATE TABLE intervals (
    service_point_id TEXT NOT NULL,
    service_quantity_identifier TEXT NOT NULL,
    units TEXT NOT NULL,
    interval_minutes INTEGER NOT NULL,
    interval_end_utc INTEGER NOT NULL,
    usage_value INTEGER NOT NULL,
    is_estimate TEXT NOT NULL,
    service_type TEXT,
    seq_file_timestamp INTEGER NOT NULL,
    seq_source_file TEXT NOT NULL,
    seq_line INTEGER NOT NULL,
    PRIMARY KEY (service_point_id, service_quantity_identifier, units, interval_minutes, interval_end_utc)
) WITHOUT ROWID;
BEGIN;
.mode tabs
.import :rows_file staging
INSERT INTO intervals
SELECT service_point_id, upper(service_quantity_identifier), upper(units), 15,
       unixepoch(substr(date, 1, 4) || '-' || substr(date, 5, 2) || '-' || substr(date, 7, 2))
         + substr(time, 1, 2) * 3600 + substr(time, 3, 2) * 60
         - (substr(utc_offset, 1, 3) * 3600 + (substr(utc_offset, 1, 1) || substr(utc_offset, 4, 2)) * 60),
       CAST(round(usage_value * 1000000) AS INTEGER), upper(is_estimate), upper(service_type),
       20251012060000, 'baseline', rowid
FROM staging WHERE true
ON CONFLICT (service_point_id, service_quantity_identifier, units, interval_minutes, interval_end_utc) DO UPDATE SET
    usage_value = excluded.usage_value, is_estimate = excluded.is_estimate, service_type = excluded.service_type,
    seq_file_timestamp = excluded.seq_file_timestamp, seq_source_file = excluded.seq_source_file, seq_line = excluded.seq_line
WHERE (excluded.seq_file_timestamp, excluded.seq_source_file, excluded.seq_line)
   >= (intervals.seq_file_timestamp, intervals.seq_source_file, intervals.seq_line);
COMMIT;
SELECT count(*) FROM intervals;
