namespace OpowerStream.Storage.Relational;

internal static class UtcTime
{
    /// <summary>
    /// The domain's datetimes are UTC by contract; a value whose kind was lost (Unspecified) is read
    /// as UTC, a Local one is converted, so both stores see the same instant.
    /// </summary>
    public static DateTime Normalize(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
