-- The psql baseline: COPY of the decompressed rows (no header) into a staging table, then one
-- INSERT .. ON CONFLICT DO UPDATE into a table keyed like ours (PostgresSchema's intervals),
-- sequence-guarded. run.sh runs it as psql -f THIS < ROWS against a fresh database.
\set ON_ERROR_STOP on
CREATE TEMP TABLE staging (
    service_point_id text, date text, time text, usage_value text, units text,
    is_estimate text, utc_offset text, service_type text, service_quantity_identifier text);
CREATE TABLE intervals (
    service_point_id text COLLATE "C" NOT NULL,
    service_quantity_identifier text COLLATE "C" NOT NULL,
    units text COLLATE "C" NOT NULL,
    interval_minutes integer NOT NULL,
    interval_end_utc timestamptz NOT NULL,
    usage_value numeric(18,6) NOT NULL,
    is_estimate text NOT NULL,
    service_type text,
    seq_file_timestamp bigint NOT NULL,
    seq_source_file text COLLATE "C" NOT NULL,
    seq_line bigint NOT NULL,
    PRIMARY KEY (service_point_id, service_quantity_identifier, units, interval_minutes, interval_end_utc)
);
\copy staging FROM pstdin (FORMAT text)
INSERT INTO intervals
SELECT service_point_id, upper(service_quantity_identifier), upper(units), 15,
       (to_date(date, 'YYYYMMDD')
         + make_interval(hours => substr(time, 1, 2)::int, mins => substr(time, 3, 2)::int))::timestamp
         AT TIME ZONE 'UTC'
         - make_interval(hours => substr(utc_offset, 1, 3)::int, mins => (substr(utc_offset, 1, 1) || substr(utc_offset, 4, 2))::int),
       usage_value::numeric(18,6), upper(is_estimate), upper(service_type),
       20251012060000, 'baseline', row_number() OVER ()
FROM staging
ON CONFLICT (service_point_id, service_quantity_identifier, units, interval_minutes, interval_end_utc) DO UPDATE SET
    usage_value = EXCLUDED.usage_value, is_estimate = EXCLUDED.is_estimate, service_type = EXCLUDED.service_type,
    seq_file_timestamp = EXCLUDED.seq_file_timestamp, seq_source_file = EXCLUDED.seq_source_file, seq_line = EXCLUDED.seq_line
WHERE (EXCLUDED.seq_file_timestamp, EXCLUDED.seq_source_file, EXCLUDED.seq_line)
   >= (intervals.seq_file_timestamp, intervals.seq_source_file, intervals.seq_line);
SELECT count(*) FROM intervals;
