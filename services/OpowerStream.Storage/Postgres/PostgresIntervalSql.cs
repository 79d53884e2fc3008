using System.Data.Common;
using OpowerStream.Domain;
using OpowerStream.Domain.Completeness;
using OpowerStream.Storage.Relational;

namespace OpowerStream.Storage.Postgres;

/// <summary>
/// PostgreSQL's interval table keeps each row's series (service point, quantity, units, length) as an id into
/// <c>interval_series</c> (schema version 8) and its source file as an id into <c>source_files</c> (version 7), where
/// <see cref="Tables.Intervals"/> has the texts: the key is the series id and the instant. This class maps
/// <see cref="Tables.Intervals"/>' columns onto the stored ones and holds the statements that write and read them. The
/// sequence guard still orders two files of equal timestamp by name (ids are numbered in arrival order), looking the
/// names up only then.
/// </summary>
internal static class PostgresIntervalSql
{
    public const string SeriesId = "series_id";
    public const string FileId = "seq_file_id";

    private static readonly StoreTable<IntervalRead> Table = Tables.Intervals;

    // The series are Tables.Intervals' first key columns; the instant is the last key column.
    private static readonly string[] SeriesColumns = [.. Table.Keys.SkipLast(1).Select(key => key.Name)];

    /// <summary>The position of the file in <see cref="Tables.Intervals"/>' values, where the stored row has its id.</summary>
    private static readonly int FileIndex = Table.Columns.ToList().FindIndex(column => column.Name == SequenceColumn.File);

    private static readonly string[] StoredKeys = [SeriesId, Table.Keys[^1].Name];

    private static readonly string[] StoredColumns =
        [SeriesId, .. Table.Columns.Skip(SeriesColumns.Length).Select(column => column.Name == SequenceColumn.File ? FileId : column.Name)];

    public static string StoredColumnList { get; } = string.Join(", ", StoredColumns);

    public static string StoredKeyList { get; } = string.Join(", ", StoredKeys);

    /// <summary>A row's stored values, in <see cref="StoredColumnList"/>'s order.</summary>
    public static object?[] StoredValues(IntervalRead row, int seriesId, int fileId)
    {
        var values = Table.ToValues(row);
        values[FileIndex] = fileId;
        return [seriesId, .. values[SeriesColumns.Length..]];
    }

    /// <summary>Every interval with its series' and file's names, in <see cref="Tables.Intervals"/>' columns and key order.</summary>
    public static string SelectAllSql { get; } = $"""
        SELECT {string.Join(", ", Table.Columns.Select(column => column.Name switch
        {
            SequenceColumn.File => "files.name",
            var name when SeriesColumns.Contains(name) => $"series.{name}",
            var name => $"stored.{name}",
        }))}
        FROM {Table.Name} stored
            JOIN interval_series series ON series.id = stored.{SeriesId}
            JOIN source_files files ON files.id = stored.{FileId}
        ORDER BY {string.Join(", ", SeriesColumns.Select(name => $"series.{name}"))}, stored.{Table.Keys[^1].Name}
        """;

    /// <summary>
    /// Numbers the series of the arrays <c>@points</c>, <c>@quantities</c>, <c>@units</c>, <c>@minutes</c> not numbered
    /// yet. In the batch's transaction: a concurrent batch numbering the same series waits for this one's commit and then
    /// finds it (both insert in key order, so neither waits on the other in a cycle).
    /// </summary>
    public static string NumberSeriesSql { get; } = $"""
        INSERT INTO interval_series ({string.Join(", ", SeriesColumns)})
        SELECT * FROM unnest(@points, @quantities, @units, @minutes) ORDER BY 1, 2, 3, 4
        ON CONFLICT DO NOTHING
        """;

    /// <summary>The ids of the series of the same arrays, as <c>id</c> then the series' columns.</summary>
    public static string SeriesIdsSql { get; } = $"""
        SELECT id, {string.Join(", ", SeriesColumns)} FROM interval_series
        WHERE ({string.Join(", ", SeriesColumns)}) IN (SELECT * FROM unnest(@points, @quantities, @units, @minutes))
        """;

    /// <summary>Binds <paramref name="series"/> as the arrays <see cref="NumberSeriesSql"/> and <see cref="SeriesIdsSql"/> take.</summary>
    public static DbCommand WithSeries(this DbCommand command, IReadOnlyCollection<IntervalSeries> series) => command
        .With("@points", series.Select(one => one.ServicePointId).ToArray())
        .With("@quantities", series.Select(one => one.ServiceQuantityIdentifier).ToArray())
        .With("@units", series.Select(one => one.Units).ToArray())
        .With("@minutes", series.Select(one => one.IntervalMinutes).ToArray());

    /// <summary>
    /// The insert of the rows <paramref name="source"/> selects (stored columns in order), ignoring stored keys when
    /// <paramref name="newKeysOnly"/>, else replacing a stored row when the new row's sequence is greater or equal.
    /// </summary>
    public static string InsertSql(string source, bool newKeysOnly)
    {
        var insert = $"INSERT INTO {Table.Name} AS target ({StoredColumnList}) {source} ON CONFLICT ({StoredKeyList}) DO ";
        if (newKeysOnly)
        {
            return insert + "NOTHING";
        }

        var assignments = string.Join(", ", StoredColumns.Skip(StoredKeys.Length).Select(column => $"{column} = excluded.{column}"));
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
    /// returns each as its series id, instant, estimate flag, whether the guard let it in and the flag it replaced.
    /// The insert's own rows are told apart by their creating transaction (ours) and sequence (the staged one): a row
    /// stored before with both equal would be a redelivery of the same line exactly 2^32 transactions later, counted
    /// then as new.
    /// </summary>
    public static string KeysStoredBeforeSql(string staging)
    {
        string KeysOf(string alias) => string.Join(", ", StoredKeys.Select(key => $"{alias}.{key}"));
        string SameKey(string left, string right) => string.Join(" AND ", StoredKeys.Select(key => $"{left}.{key} = {right}.{key}"));
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
                {InsertSql($"SELECT {StoredColumnList} FROM stored WHERE was_estimate IS NOT NULL ORDER BY {StoredKeyList}", newKeysOnly: false)}
                RETURNING {StoredKeyList}
            )
            SELECT {KeysOf("stored")}, stored.is_estimate = 'E', written.{SeriesId} IS NOT NULL, stored.was_estimate
            FROM stored LEFT JOIN written ON {SameKey("written", "stored")}
            WHERE stored.was_estimate IS NOT NULL
            """;
    }
}
