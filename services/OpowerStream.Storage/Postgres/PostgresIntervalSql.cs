using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Postgres;

/// <summary>
/// PostgreSQL's interval table names each row's source file by an id into <c>source_files</c> (schema version 7)
/// where <see cref="Tables.Intervals"/> has the name: its columns in that order with <c>seq_file_id</c> in the
/// name's place, and the statements that write and read it. The sequence guard still orders two files of equal
/// timestamp by name (ids are numbered in arrival order), looking the names up only then.
/// </summary>
internal static class PostgresIntervalSql
{
    public const string FileId = "seq_file_id";

    private static readonly StoreTable<Domain.IntervalRead> Table = Tables.Intervals;

    /// <summary>The position of the file in <see cref="Tables.Intervals"/>' values, where the stored row has its id.</summary>
    public static readonly int FileIndex = Table.Columns.ToList().FindIndex(column => column.Name == SequenceColumn.File);

    private static readonly string[] StoredColumns = [.. Table.Columns.Select(column => column.Name == SequenceColumn.File ? FileId : column.Name)];

    public static string StoredColumnList { get; } = string.Join(", ", StoredColumns);

    /// <summary>Every interval with its file's name, in <see cref="Tables.Intervals"/>' columns and key order.</summary>
    public static string SelectAllSql { get; } = $"""
        SELECT {string.Join(", ", Table.Columns.Select(column => column.Name == SequenceColumn.File ? "files.name" : $"stored.{column.Name}"))}
        FROM {Table.Name} stored JOIN source_files files ON files.id = stored.{FileId}
        ORDER BY {string.Join(", ", Table.Keys.Select(key => $"stored.{key.Name}"))}
        """;

    /// <summary>
    /// The insert of the rows <paramref name="source"/> selects (stored columns in order), ignoring stored keys when
    /// <paramref name="newKeysOnly"/>, else replacing a stored row when the new row's sequence is greater or equal.
    /// </summary>
    public static string InsertSql(string source, bool newKeysOnly)
    {
        var insert = $"INSERT INTO {Table.Name} AS target ({StoredColumnList}) {source} ON CONFLICT ({Table.KeyList}) DO ";
        if (newKeysOnly)
        {
            return insert + "NOTHING";
        }

        var assignments = string.Join(", ", StoredColumns.Skip(Table.Keys.Count).Select(column => $"{column} = excluded.{column}"));
        return insert + $"""
            UPDATE SET {assignments}
            WHERE target.{SequenceColumn.Timestamp} < excluded.{SequenceColumn.Timestamp}
                OR target.{SequenceColumn.Timestamp} = excluded.{SequenceColumn.Timestamp} AND CASE
                    WHEN target.{FileId} = excluded.{FileId}
                        THEN (target.{SequenceColumn.Generation}, target.{SequenceColumn.Line}) <= (excluded.{SequenceColumn.Generation}, excluded.{SequenceColumn.Line})
                    ELSE (SELECT name FROM source_files WHERE id = target.{FileId}) < (SELECT name FROM source_files WHERE id = excluded.{FileId})
                END
            """;
    }

    /// <summary>
    /// The staged rows whose key was stored before this transaction's insert of new keys, with the estimate flag
    /// stored (each looked up by its key, so only its month's partition is read), upserted under the sequence guard;
    /// returns each with whether the guard let it in. The insert's own rows are told apart by their creating
    /// transaction (ours) and sequence (the staged one): a row stored before with both equal would be a redelivery
    /// of the same line exactly 2^32 transactions later, counted then as new.
    /// </summary>
    public static string KeysStoredBeforeSql(string staging)
    {
        var keys = Table.Keys.Select(key => key.Name).ToList();
        string KeysOf(string alias) => string.Join(", ", keys.Select(key => $"{alias}.{key}"));
        string SameKey(string left, string right) => string.Join(" AND ", keys.Select(key => $"{left}.{key} = {right}.{key}"));
        string Sequence(string alias) =>
            $"({alias}.{SequenceColumn.Timestamp}, {alias}.{FileId}, {alias}.{SequenceColumn.Generation}, {alias}.{SequenceColumn.Line})";
        return $"""
            WITH stored AS MATERIALIZED (
                SELECT {string.Join(", ", StoredColumns.Select(column => $"staged.{column}"))},
                    (SELECT previous.is_estimate = 'E' FROM {Table.Name} previous WHERE {SameKey("previous", "staged")}
                        AND (previous.xmin <> pg_current_xact_id()::xid OR {Sequence("previous")} <> {Sequence("staged")}))
                        AS was_estimate
                FROM {staging} staged
            ), written AS (
                {InsertSql($"SELECT {StoredColumnList} FROM stored WHERE was_estimate IS NOT NULL ORDER BY {Table.KeyList}", newKeysOnly: false)}
                RETURNING {Table.KeyList}
            )
            SELECT {KeysOf("stored")}, stored.is_estimate = 'E', written.service_point_id IS NOT NULL, stored.was_estimate
            FROM stored LEFT JOIN written ON {SameKey("written", "stored")}
            WHERE stored.was_estimate IS NOT NULL
            """;
    }
}
