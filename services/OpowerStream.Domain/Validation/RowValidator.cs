namespace OpowerStream.Domain.Validation;

/// <summary>
/// What every entity's validation shares: a row the extractor could not read is rejected with its
/// defect; otherwise the entity reads the values in layout order and stops at the first failure.
/// </summary>
public abstract class RowValidator<T> : IRowValidator<T>
    where T : class
{
    private readonly EntityLayout layout;

    protected RowValidator(EntityLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        this.layout = layout;
    }

    public Entity Entity => layout.Entity;

    public Validated<T> Validate(RawRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Defect is { } defect)
        {
            return new(null, new Rejection(defect.Rule, defect.Field, defect.Message));
        }

        // A count that differs from the layout is a bug upstream, not bad data: fail loudly.
        if (row.Values.Count != layout.Columns.Count)
        {
            throw new ArgumentException(
                $"A {Entity.Name()} row must carry {layout.Columns.Count} values in layout order, not {row.Values.Count}.",
                nameof(row));
        }

        var rejection = Read(row.Values, row.Lineage.Sequence, out var record);
        return rejection is null ? new(record, null) : new(null, rejection);
    }

    /// <summary>Checks the values in layout order; returns the first failure, or null and the record.</summary>
    protected abstract Rejection? Read(IReadOnlyList<string?> values, SourceSequence sequence, out T? record);
}
