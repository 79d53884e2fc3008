using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, as an ordered list of migrations: append new ones, never edit applied ones.
/// Text keys and the sequence's file name use COLLATE "C" so that comparisons and ORDER BY are
/// ordinal, like <c>SourceSequence.CompareTo</c> and the SQLite store.
/// </summary>
internal static class PostgresSchema
{
    // Any constant works; it only has to be the same in every process that migrates this database.
    private const long MigrationLockKey = 0x0_5057_4D49_4752; // "OPWMIGR"-ish, readable in pg_locks

    // Serializes the creation of interval partitions between consumers (ensure_interval_partitions).
    private const long PartitionLockKey = 0x0_5057_5041_5254; // "OPWPART"-ish

    public static readonly MigrationDialect Dialect = new(
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            version integer PRIMARY KEY,
            description text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())
        """,
        LockSql: $"SELECT pg_advisory_xact_lock({MigrationLockKey})");

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "materialized entities, rejects, rate audit, file ledger and reconciliation counters", """
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

            CREATE TABLE service_quantities (
                bill_segment_id text COLLATE "C" NOT NULL,
                unit_of_measure text COLLATE "C" NOT NULL,
                time_of_use text COLLATE "C" NOT NULL,
                service_quantity_identifier text COLLATE "C" NOT NULL,
                bill_id text NOT NULL,
                start_utc timestamptz NOT NULL,
                end_utc timestamptz NOT NULL,
                billed_quantity numeric(18,6) NOT NULL,
                updated_at_utc timestamptz,
                seq_file_timestamp bigint NOT NULL,
                seq_source_file text COLLATE "C" NOT NULL,
                seq_line bigint NOT NULL,
                PRIMARY KEY (bill_segment_id, unit_of_measure, time_of_use, service_quantity_identifier)
            );

            CREATE TABLE rate_versions (
                service_agreement_id text COLLATE "C" NOT NULL,
                effective_utc timestamptz NOT NULL,
                rate_code text NOT NULL,
                updated_at_utc timestamptz,
                account_id text,
                seq_file_timestamp bigint NOT NULL,
                seq_source_file text COLLATE "C" NOT NULL,
                seq_line bigint NOT NULL,
                PRIMARY KEY (service_agreement_id, effective_utc)
            );

            CREATE TABLE rate_audit (
                service_agreement_id text COLLATE "C" NOT NULL,
                effective_utc timestamptz NOT NULL,
                seq_file_timestamp bigint NOT NULL,
                seq_source_file text COLLATE "C" NOT NULL,
                seq_line bigint NOT NULL,
                rate_code text NOT NULL,
                PRIMARY KEY (service_agreement_id, effective_utc, seq_file_timestamp, seq_source_file, seq_line)
            );

            CREATE TABLE rejects (
                entity text COLLATE "C" NOT NULL,
                source_file text COLLATE "C" NOT NULL,
                line bigint NOT NULL,
                file_timestamp bigint NOT NULL,
                rule text NOT NULL,
                field text,
                message text NOT NULL,
                raw_row text NOT NULL,
                PRIMARY KEY (entity, source_file, line)
            );

            CREATE TABLE file_ledger (
                file_name text COLLATE "C" PRIMARY KEY,
                entity text COLLATE "C",
                size_bytes bigint NOT NULL,
                sha256 text NOT NULL,
                status text NOT NULL,
                rows_read bigint NOT NULL,
                refusal_reason text,
                refusal_message text,
                started_at timestamptz NOT NULL,
                completed_at timestamptz
            );

            CREATE TABLE file_progress (
                source_file text COLLATE "C" NOT NULL,
                partition_id integer NOT NULL,
                highest_line bigint NOT NULL,
                rows_valid bigint NOT NULL,
                rows_rejected bigint NOT NULL,
                PRIMARY KEY (source_file, partition_id)
            );
            """),
        new(2, "redrive: rejects keep their original event and redrive state; consumer instances record themselves", """
            ALTER TABLE rejects ADD COLUMN original_event text;
            ALTER TABLE rejects ADD COLUMN redriven_at timestamptz;
            ALTER TABLE rejects ADD COLUMN resolved_at timestamptz;

            CREATE TABLE consumer_members (
                group_id text COLLATE "C" NOT NULL,
                member_id text COLLATE "C" NOT NULL,
                host text NOT NULL,
                process_id integer NOT NULL,
                started_at timestamptz NOT NULL,
                last_heartbeat timestamptz NOT NULL,
                PRIMARY KEY (group_id, member_id)
            );
            """),
        new(3, "file ledger: rows published, lookup by content hash", """
            ALTER TABLE file_ledger ADD COLUMN rows_published bigint NOT NULL DEFAULT 0;
            CREATE INDEX file_ledger_sha256 ON file_ledger (sha256);
            """),
        new(4, "content generations: the sequence guard orders contents of one file name; the ledger keeps each name's generation, its re-sends and its same-content origin", """
            ALTER TABLE intervals ADD COLUMN seq_generation integer NOT NULL DEFAULT 1;
            ALTER TABLE service_quantities ADD COLUMN seq_generation integer NOT NULL DEFAULT 1;
            ALTER TABLE rate_versions ADD COLUMN seq_generation integer NOT NULL DEFAULT 1;
            ALTER TABLE rate_audit ADD COLUMN seq_generation integer NOT NULL DEFAULT 1;
            ALTER TABLE rate_audit DROP CONSTRAINT rate_audit_pkey,
                ADD PRIMARY KEY (service_agreement_id, effective_utc, seq_file_timestamp, seq_source_file, seq_generation, seq_line);
            ALTER TABLE rejects ADD COLUMN content_generation integer NOT NULL DEFAULT 1;
            ALTER TABLE file_ledger ADD COLUMN content_generation integer NOT NULL DEFAULT 1;
            ALTER TABLE file_ledger ADD COLUMN resends integer NOT NULL DEFAULT 0;
            ALTER TABLE file_ledger ADD COLUMN same_content_as text COLLATE "C";
            """),
        new(5, "interval completeness: intervals received and estimated per series and local day", """
            CREATE TABLE interval_completeness (
                service_point_id text COLLATE "C" NOT NULL,
                service_quantity_identifier text COLLATE "C" NOT NULL,
                units text COLLATE "C" NOT NULL,
                interval_minutes integer NOT NULL,
                local_date text COLLATE "C" NOT NULL,
                received bigint NOT NULL,
                estimated bigint NOT NULL,
                PRIMARY KEY (service_point_id, service_quantity_identifier, units, interval_minutes, local_date)
            );
            CREATE INDEX interval_completeness_local_date ON interval_completeness (local_date);
            """),
        new(6, "leases: one extractor holds an inbox, standbys take over when its lease expires", """
            CREATE TABLE leases (
                name text COLLATE "C" NOT NULL PRIMARY KEY,
                owner text COLLATE "C" NOT NULL,
                expires_at timestamptz NOT NULL
            );
            """),
        new(7, "intervals range-partitioned by month of the interval end (UTC), partitions created as rows arrive; the source file by id; columns ordered to pad less", $$"""
            ALTER TABLE intervals RENAME TO intervals_unpartitioned;
            ALTER TABLE intervals_unpartitioned RENAME CONSTRAINT intervals_pkey TO intervals_unpartitioned_pkey;

            -- Interval rows name their source file by this id (numbered as names arrive): 4 bytes instead of the
            -- name in every row. The sequence guard still orders files by name (the id's order is arrival order).
            CREATE TABLE source_files (
                id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text COLLATE "C" NOT NULL UNIQUE
            );

            -- Eight-byte columns first, then four-byte ones, then the variable-length ones: no alignment padding.
            CREATE TABLE intervals (
                interval_end_utc timestamptz NOT NULL,
                seq_file_timestamp bigint NOT NULL,
                seq_line bigint NOT NULL,
                interval_minutes integer NOT NULL,
                seq_generation integer NOT NULL DEFAULT 1,
                seq_file_id integer NOT NULL,
                service_point_id text COLLATE "C" NOT NULL,
                service_quantity_identifier text COLLATE "C" NOT NULL,
                units text COLLATE "C" NOT NULL,
                usage_value numeric(18,6) NOT NULL,
                is_estimate text NOT NULL,
                service_type text,
                PRIMARY KEY (service_point_id, service_quantity_identifier, units, interval_minutes, interval_end_utc)
            ) PARTITION BY RANGE (interval_end_utc);

            -- The partitions of the months (UTC) of the given instants that are not attached yet, each named
            -- intervals_YYYY_MM. Created apart, then attached: ATTACH locks the parent only against other schema
            -- changes (SHARE UPDATE EXCLUSIVE), not against the consumers' writes or readers. Consumers call it
            -- concurrently: the advisory lock makes one create a month while the others wait, then find it attached.
            CREATE FUNCTION ensure_interval_partitions(instants timestamptz[]) RETURNS void LANGUAGE plpgsql AS $function$
            DECLARE
                month_start timestamp;
                partition_name text;
            BEGIN
                FOR month_start IN SELECT DISTINCT date_trunc('month', instant AT TIME ZONE 'UTC') FROM unnest(instants) AS instant LOOP
                    partition_name := 'intervals_' || to_char(month_start, 'YYYY_MM');
                    -- Catalog rows read by queries (each statement's snapshot), not to_regclass: its cache does not
                    -- see a partition another consumer committed while this one waited for the advisory lock.
                    CONTINUE WHEN EXISTS (
                        SELECT 1 FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
                        WHERE h.inhparent = 'intervals'::regclass AND c.relname = partition_name);
                    PERFORM pg_advisory_xact_lock({{PartitionLockKey}});
                    CONTINUE WHEN EXISTS (
                        SELECT 1 FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
                        WHERE h.inhparent = 'intervals'::regclass AND c.relname = partition_name);
                    IF EXISTS (
                        SELECT 1 FROM pg_class c
                        WHERE c.relname = partition_name AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = 'intervals'::regclass)) THEN
                        RAISE EXCEPTION 'intervals of % arrived, but table % is not attached to intervals (a detached month?): attach it again, or rename or drop it',
                            to_char(month_start, 'YYYY-MM'), partition_name;
                    END IF;
                    EXECUTE format('CREATE TABLE %I (LIKE intervals INCLUDING DEFAULTS)', partition_name);
                    EXECUTE format('ALTER TABLE intervals ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', partition_name,
                        to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(month_start + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
                END LOOP;
            END
            $function$;

            SELECT ensure_interval_partitions(ARRAY(
                SELECT DISTINCT date_trunc('month', interval_end_utc AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM intervals_unpartitioned));
            INSERT INTO source_files (name) SELECT DISTINCT seq_source_file FROM intervals_unpartitioned ORDER BY 1;
            INSERT INTO intervals (
                interval_end_utc, seq_file_timestamp, seq_line, interval_minutes, seq_generation, seq_file_id, service_point_id,
                service_quantity_identifier, units, usage_value, is_estimate, service_type)
            SELECT i.interval_end_utc, i.seq_file_timestamp, i.seq_line, i.interval_minutes, i.seq_generation, f.id, i.service_point_id,
                i.service_quantity_identifier, i.units, i.usage_value, i.is_estimate, i.service_type
            FROM intervals_unpartitioned i JOIN source_files f ON f.name = i.seq_source_file;
            DROP TABLE intervals_unpartitioned;
            """),
        new(8, "intervals name their series (service point, quantity, units, length) by a 4-byte id into interval_series: a key of the id and the instant", """
            -- The version-7 table and its months move aside under other names (the new months take theirs), then are dropped.
            ALTER TABLE intervals RENAME TO intervals_v7;
            ALTER TABLE intervals_v7 RENAME CONSTRAINT intervals_pkey TO intervals_v7_pkey;
            DO $rename$
            DECLARE
                month_table regclass;
            BEGIN
                FOR month_table IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'intervals_v7'::regclass LOOP
                    EXECUTE format('ALTER TABLE %s RENAME TO %I', month_table, month_table::text || '_v7');
                END LOOP;
            END
            $rename$;

            -- A series, once numbered, is never removed; ids follow arrival order and are never compared for order.
            CREATE TABLE interval_series (
                id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                service_point_id text COLLATE "C" NOT NULL,
                service_quantity_identifier text COLLATE "C" NOT NULL,
                units text COLLATE "C" NOT NULL,
                interval_minutes integer NOT NULL,
                UNIQUE (service_point_id, service_quantity_identifier, units, interval_minutes)
            );

            -- Eight-byte columns first, then four-byte ones, then the variable-length ones: no alignment padding.
            CREATE TABLE intervals (
                interval_end_utc timestamptz NOT NULL,
                seq_file_timestamp bigint NOT NULL,
                seq_line bigint NOT NULL,
                series_id integer NOT NULL,
                seq_generation integer NOT NULL DEFAULT 1,
                seq_file_id integer NOT NULL,
                usage_value numeric(18,6) NOT NULL,
                is_estimate text NOT NULL,
                service_type text,
                PRIMARY KEY (series_id, interval_end_utc)
            ) PARTITION BY RANGE (interval_end_utc);

            SELECT ensure_interval_partitions(ARRAY(
                SELECT DISTINCT date_trunc('month', interval_end_utc AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM intervals_v7));
            INSERT INTO interval_series (service_point_id, service_quantity_identifier, units, interval_minutes)
            SELECT DISTINCT service_point_id, service_quantity_identifier, units, interval_minutes FROM intervals_v7 ORDER BY 1, 2, 3, 4;
            INSERT INTO intervals (
                interval_end_utc, seq_file_timestamp, seq_line, series_id, seq_generation, seq_file_id, usage_value, is_estimate, service_type)
            SELECT i.interval_end_utc, i.seq_file_timestamp, i.seq_line, s.id, i.seq_generation, i.seq_file_id, i.usage_value, i.is_estimate, i.service_type
            FROM intervals_v7 i JOIN interval_series s USING (service_point_id, service_quantity_identifier, units, interval_minutes);
            DROP TABLE intervals_v7;
            """),
    ];
}
