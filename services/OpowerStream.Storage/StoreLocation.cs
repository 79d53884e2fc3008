using Npgsql;

namespace OpowerStream.Storage;

public enum StoreKind
{
    /// <summary>An embedded SQLite file: the default for a single machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: for consumers scaled out over several machines.</summary>
    Postgres,
}

/// <summary>Which store to open: <c>sqlite:PATH</c> or <c>postgres:CONNECTION_STRING</c>.</summary>
public sealed record StoreLocation(StoreKind Kind, string Target)
{
    private const string SqlitePrefix = "sqlite:";
    private const string PostgresPrefix = "postgres:";

    public static StoreLocation Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return new StoreLocation(StoreKind.Sqlite, RequireTarget(spec[SqlitePrefix.Length..], "a file path"));
        }

        if (spec.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = RequireTarget(spec[PostgresPrefix.Length..], "a connection string");
            try
            {
                _ = new NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (ArgumentException error)
            {
                throw new FormatException($"The PostgreSQL connection string is invalid: {error.Message}", error);
            }

            return new StoreLocation(StoreKind.Postgres, connectionString);
        }

        // Only the scheme is echoed: the rest may hold a password.
        var scheme = spec.Contains(':', StringComparison.Ordinal) ? spec[..spec.IndexOf(':', StringComparison.Ordinal)] : spec;
        throw new FormatException(
            $"Unknown store '{scheme}': expected 'sqlite:PATH' or 'postgres:CONNECTION_STRING'.");
    }

    /// <summary>The location for logs and messages: a PostgreSQL password is never shown.</summary>
    public override string ToString() => Kind switch
    {
        StoreKind.Sqlite => SqlitePrefix + Target,
        StoreKind.Postgres => PostgresPrefix + WithoutPassword(Target),
        _ => Kind.ToString(),
    };

    private static string RequireTarget(string target, string what) =>
        string.IsNullOrWhiteSpace(target)
            ? throw new FormatException($"The store location needs {what} after the scheme.")
            : target.Trim();

    private static string WithoutPassword(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            builder.Remove("Password");
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(invalid connection string)";
        }
    }
}
