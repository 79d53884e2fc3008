using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OpowerStream.Storage.Tests;

/// <summary>What the failure policy retries quietly and what it surfaces, by the database's own error codes.</summary>
public class StoreFailuresTests
{
    [Theory]
    [InlineData("08006", StoreFailureKind.Transient)] // connection failure
    [InlineData("57P01", StoreFailureKind.Transient)] // terminating connection due to administrator command
    [InlineData("57P03", StoreFailureKind.Transient)] // cannot connect now (starting up)
    [InlineData("40001", StoreFailureKind.Transient)] // serialization failure
    [InlineData("40P01", StoreFailureKind.Transient)] // deadlock detected
    [InlineData("53300", StoreFailureKind.Transient)] // too many connections
    [InlineData("55P03", StoreFailureKind.Transient)] // lock not available
    [InlineData("23514", StoreFailureKind.Permanent)] // check constraint violated
    [InlineData("23505", StoreFailureKind.Permanent)] // unique violation
    [InlineData("42501", StoreFailureKind.Permanent)] // insufficient privilege
    [InlineData("42703", StoreFailureKind.Permanent)] // undefined column: a schema mismatch
    [InlineData("42P01", StoreFailureKind.Permanent)] // undefined table
    [InlineData("22001", StoreFailureKind.Permanent)] // value too long for the column
    [InlineData("25006", StoreFailureKind.Permanent)] // read-only transaction
    public void PostgreSQL_errors_are_classified_by_SQLSTATE(string sqlState, StoreFailureKind expected) =>
        Assert.Equal(expected, StoreFailures.Classify(new PostgresException("failure", "ERROR", "ERROR", sqlState)));

    [Theory]
    [InlineData(5, StoreFailureKind.Transient)] // SQLITE_BUSY: another writer holds the database
    [InlineData(6, StoreFailureKind.Transient)] // SQLITE_LOCKED
    [InlineData(10, StoreFailureKind.Transient)] // SQLITE_IOERR
    [InlineData(14, StoreFailureKind.Transient)] // SQLITE_CANTOPEN
    [InlineData(19, StoreFailureKind.Permanent)] // SQLITE_CONSTRAINT
    [InlineData(1, StoreFailureKind.Permanent)] // SQLITE_ERROR: no such table or column
    [InlineData(8, StoreFailureKind.Permanent)] // SQLITE_READONLY
    [InlineData(11, StoreFailureKind.Permanent)] // SQLITE_CORRUPT
    public void SQLite_errors_are_classified_by_result_code(int code, StoreFailureKind expected) =>
        Assert.Equal(expected, StoreFailures.Classify(new SqliteException("failure", code)));

    [Fact]
    public void Errors_without_a_database_verdict_are_retried()
    {
        Assert.Equal(StoreFailureKind.Transient, StoreFailures.Classify(new NpgsqlException("connection refused", new SocketException())));
        Assert.Equal(StoreFailureKind.Transient, StoreFailures.Classify(new TimeoutException()));
        Assert.Equal(StoreFailureKind.Transient, StoreFailures.Classify(new IOException("broken pipe")));
    }

    [Fact]
    public void A_single_wrapped_error_is_classified_by_what_it_wraps() =>
        Assert.Equal(StoreFailureKind.Permanent,
            StoreFailures.Classify(new AggregateException(new PostgresException("check", "ERROR", "ERROR", "23514"))));
}
