using Microsoft.Data.Sqlite;
using Npgsql;

namespace OpowerStream.Storage;

/// <summary>Whether retrying a failed store call can help.</summary>
public enum StoreFailureKind
{
    /// <summary>The database was unreachable, busy or chose a victim (connection lost, timeout, serialization failure, deadlock): retry.</summary>
    Transient,

    /// <summary>No retry can fix it until someone does (a constraint or privilege error, a schema mismatch): surface it.</summary>
    Permanent,
}

/// <summary>
/// Classifies the exceptions of both stores by what the database said (SQLSTATE for PostgreSQL, the
/// primary result code for SQLite). What is not known to be permanent counts as transient: retrying
/// a permanent error costs a log line, giving up on a transient one would stop the pipeline.
/// </summary>
public static class StoreFailures
{
    public static StoreFailureKind Classify(Exception exception) => exception switch
    {
        PostgresException e => IsPermanentSqlState(e.SqlState) && !e.IsTransient ? StoreFailureKind.Permanent : StoreFailureKind.Transient,
        SqliteException e => IsPermanentSqliteCode(e.SqliteErrorCode) ? StoreFailureKind.Permanent : StoreFailureKind.Transient,
        AggregateException { InnerExceptions.Count: 1 } e => Classify(e.InnerExceptions[0]),
        _ => StoreFailureKind.Transient,
    };

    /// <summary>
    /// Data exceptions (22), integrity constraint violations (23), invalid transaction state (25, e.g. a
    /// read-only transaction), invalid authorization (28), syntax or access rule violations (42: a privilege,
    /// a missing table or column), and internal errors (XX: corruption). Connection (08), resources (53),
    /// operator intervention (57), lock not available (55P03), serialization and deadlock (40) are transient.
    /// </summary>
    private static bool IsPermanentSqlState(string sqlState) =>
        sqlState.Length == 5 && sqlState[..2] is "22" or "23" or "25" or "28" or "42" or "XX";

    // SQLITE_ERROR (a missing table or column), PERM, READONLY, CORRUPT, CONSTRAINT, MISMATCH, AUTH, NOTADB;
    // BUSY, LOCKED, IOERR, FULL and CANTOPEN pass when the other writer or the disk recovers.
    private static bool IsPermanentSqliteCode(int code) => code is 1 or 3 or 8 or 11 or 19 or 20 or 23 or 26;
}
