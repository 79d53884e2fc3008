using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Sqlite;

/// <summary>
/// The SQLite schema, as an ordered list of migrations: append new ones, never edit applied ones.
/// Decimals are INTEGER micro-units and instants INTEGER microseconds (see <see cref="SqliteColumnValues"/>).
/// </summary>
internal static class SqliteSchema
{
    // BEGIN IMMEDIATE (the provider's default transaction) already takes the database's write lock.
    public static readonly MigrationDialect Dialect = new(
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)
        """,
        LockSql: null);

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "materialized entities, rejects, rate audit, file ledger and reconciliation counters", """
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

            CREATE TABLE service_quantities (
                bill_segment_id TEXT NOT NULL,
                unit_of_measure TEXT NOT NULL,
                time_of_use TEXT NOT NULL,
                service_quantity_identifier TEXT NOT NULL,
                bill_id TEXT NOT NULL,
                start_utc INTEGER NOT NULL,
                end_utc INTEGER NOT NULL,
                billed_quantity INTEGER NOT NULL,
                updated_at_utc INTEGER,
                seq_file_timestamp INTEGER NOT NULL,
                seq_source_file TEXT NOT NULL,
                seq_line INTEGER NOT NULL,
                PRIMARY KEY (bill_segment_id, unit_of_measure, time_of_use, service_quantity_identifier)
            ) WITHOUT ROWID;

            CREATE TABLE rate_versions (
                service_agreement_id TEXT NOT NULL,
                effective_utc INTEGER NOT NULL,
                rate_code TEXT NOT NULL,
                updated_at_utc INTEGER,
                account_id TEXT,
                seq_file_timestamp INTEGER NOT NULL,
                seq_source_file TEXT NOT NULL,
                seq_line INTEGER NOT NULL,
                PRIMARY KEY (service_agreement_id, effective_utc)
            ) WITHOUT ROWID;

            CREATE TABLE rate_audit (
                service_agreement_id TEXT NOT NULL,
                effective_utc INTEGER NOT NULL,
                seq_file_timestamp INTEGER NOT NULL,
                seq_source_file TEXT NOT NULL,
                seq_line INTEGER NOT NULL,
                rate_code TEXT NOT NULL,
                PRIMARY KEY (service_agreement_id, effective_utc, seq_file_timestamp, seq_source_file, seq_line)
            ) WITHOUT ROWID;

            CREATE TABLE rejects (
                entity TEXT NOT NULL,
                source_file TEXT NOT NULL,
                line INTEGER NOT NULL,
                file_timestamp INTEGER NOT NULL,
                rule TEXT NOT NULL,
                field TEXT,
                message TEXT NOT NULL,
                raw_row TEXT NOT NULL,
                PRIMARY KEY (entity, source_file, line)
            ) WITHOUT ROWID;

            CREATE TABLE file_ledger (
                file_name TEXT NOT NULL PRIMARY KEY,
                entity TEXT,
                size_bytes INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                status TEXT NOT NULL,
                rows_read INTEGER NOT NULL,
                refusal_reason TEXT,
                refusal_message TEXT,
                started_at INTEGER NOT NULL,
                completed_at INTEGER
            ) WITHOUT ROWID;

            CREATE TABLE file_progress (
                source_file TEXT NOT NULL,
                partition_id INTEGER NOT NULL,
                highest_line INTEGER NOT NULL,
                rows_valid INTEGER NOT NULL,
                rows_rejected INTEGER NOT NULL,
                PRIMARY KEY (source_file, partition_id)
            ) WITHOUT ROWID;
            """),
        new(2, "redrive: rejects keep their original event and redrive state; consumer instances record themselves", """
            ALTER TABLE rejects ADD COLUMN original_event TEXT;
            ALTER TABLE rejects ADD COLUMN redriven_at INTEGER;
            ALTER TABLE rejects ADD COLUMN resolved_at INTEGER;

            CREATE TABLE consumer_members (
                group_id TEXT NOT NULL,
                member_id TEXT NOT NULL,
                host TEXT NOT NULL,
                process_id INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                last_heartbeat INTEGER NOT NULL,
                PRIMARY KEY (group_id, member_id)
            ) WITHOUT ROWID;
            """),
        new(3, "file ledger: rows published, lookup by content hash", """
            ALTER TABLE file_ledger ADD COLUMN rows_published INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX file_ledger_sha256 ON file_ledger (sha256);
            """),
        new(4, "content generations: the sequence guard orders contents of one file name; the ledger keeps each name's generation, its re-sends and its same-content origin", """
            ALTER TABLE intervals ADD COLUMN seq_generation INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE service_quantities ADD COLUMN seq_generation INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE rate_versions ADD COLUMN seq_generation INTEGER NOT NULL DEFAULT 1;

            CREATE TABLE rate_audit_by_generation (
                service_agreement_id TEXT NOT NULL,
                effective_utc INTEGER NOT NULL,
                seq_file_timestamp INTEGER NOT NULL,
                seq_source_file TEXT NOT NULL,
                seq_line INTEGER NOT NULL,
                rate_code TEXT NOT NULL,
                seq_generation INTEGER NOT NULL DEFAULT 1,
                PRIMARY KEY (service_agreement_id, effective_utc, seq_file_timestamp, seq_source_file, seq_generation, seq_line)
            ) WITHOUT ROWID;
            INSERT INTO rate_audit_by_generation SELECT service_agreement_id, effective_utc, seq_file_timestamp, seq_source_file, seq_line, rate_code, 1 FROM rate_audit;
            DROP TABLE rate_audit;
            ALTER TABLE rate_audit_by_generation RENAME TO rate_audit;

            ALTER TABLE rejects ADD COLUMN content_generation INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE file_ledger ADD COLUMN content_generation INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE file_ledger ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE file_ledger ADD COLUMN same_content_as TEXT;
            """),
        new(5, "interval completeness: intervals received and estimated per series and local day", """
            CREATE TABLE interval_completeness (
                service_point_id TEXT NOT NULL,
                service_quantity_identifier TEXT NOT NULL,
                units TEXT NOT NULL,
                interval_minutes INTEGER NOT NULL,
                local_date TEXT NOT NULL,
                received INTEGER NOT NULL,
                estimated INTEGER NOT NULL,
                PRIMARY KEY (service_point_id, service_quantity_identifier, units, interval_minutes, local_date)
            ) WITHOUT ROWID;
            CREATE INDEX interval_completeness_local_date ON interval_completeness (local_date);
            """),
        new(6, "leases: one extractor holds an inbox, standbys take over when its lease expires", """
            CREATE TABLE leases (
                name TEXT NOT NULL PRIMARY KEY,
                owner TEXT NOT NULL,
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
    ];
}
