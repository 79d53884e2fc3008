using System.Data.Common;
using System.Globalization;

namespace OpowerStream.Storage.Relational;

/// <summary>One schema change; <see cref="Version"/> orders them and is recorded once applied.</summary>
internal sealed record Migration(int Version, string Description, string Sql);

/// <summary>How a store serializes migrations between processes that start at the same time.</summary>
internal sealed record MigrationDialect(string CreateVersionTableSql, string? LockSql);

/// <summary>
/// Applies the migrations not yet recorded in <c>schema_version</c>, each in its own transaction.
/// Every transaction first takes the dialect's lock (PostgreSQL: an advisory lock; SQLite: the
/// write lock of BEGIN IMMEDIATE) and re-reads the version table under it, so two processes opening
/// the same store at once apply each migration exactly once.
/// </summary>
internal static class SchemaMigrator
{
    public static async Task MigrateAsync(
        DbConnection connection, MigrationDialect dialect, IReadOnlyList<Migration> migrations, CancellationToken ct)
    {
        await InTransactionAsync(connection, dialect, (transaction, token) =>
            connection.ExecuteAsync(transaction, dialect.CreateVersionTableSql, token), ct).ConfigureAwait(false);

        foreach (var migration in migrations.OrderBy(migration => migration.Version))
        {
            await InTransactionAsync(connection, dialect, (transaction, token) =>
                ApplyOnceAsync(connection, transaction, migration, token), ct).ConfigureAwait(false);
        }
    }

    private static async Task ApplyOnceAsync(
        DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken ct)
    {
        await using var check = connection
            .Command(transaction, "SELECT COUNT(*) FROM schema_version WHERE version = @version")
            .With("@version", migration.Version);
        if (Convert.ToInt64(await check.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        await connection.ExecuteAsync(transaction, migration.Sql, ct).ConfigureAwait(false);
        await using var record = connection
            .Command(transaction, "INSERT INTO schema_version (version, description) VALUES (@version, @description)")
            .With("@version", migration.Version)
            .With("@description", migration.Description);
        await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task InTransactionAsync(
        DbConnection connection,
        MigrationDialect dialect,
        Func<DbTransaction, CancellationToken, Task> work,
        CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (dialect.LockSql is { } lockSql)
        {
            await connection.ExecuteAsync(transaction, lockSql, ct).ConfigureAwait(false);
        }

        await work(transaction, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }
}
