namespace OpowerStream.Domain;

/// <summary>
/// A value an entity's event carries: a column of the file's header, or (<see cref="FromFileName"/>)
/// a value the extractor takes from the file's name, such as an interval file's interval length.
/// </summary>
public sealed record ColumnSpec(string Name, bool Required, bool FromFileName = false);

/// <summary>
/// The columns an entity's event carries, in a fixed order shared by the extractor (which fills
/// <see cref="RawRow.Values"/> in this order), the Avro schema (same field order) and the validators.
/// </summary>
public sealed class EntityLayout
{
    private EntityLayout(Entity entity, string keyColumn, params ColumnSpec[] columns)
    {
        Entity = entity;
        Columns = columns;
        KeyIndex = IndexOf(keyColumn);
    }

    public Entity Entity { get; }

    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>Index of the column whose value is the Kafka key (keeps one key's events in order).</summary>
    public int KeyIndex { get; }

    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new ArgumentException($"The {Entity.Name()} layout has no column '{column}'.", nameof(column));
    }

    public static EntityLayout For(Entity entity) => entity switch
    {
        Entity.Rate => Rate,
        Entity.Interval => Interval,
        Entity.ServiceQuantity => ServiceQuantity,
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    /// <summary>Spec 4.3: the rate columns of the main account file.</summary>
    public static readonly EntityLayout Rate = new(
        Entity.Rate,
        RateColumns.ServiceAgreementId,
        new(RateColumns.ServiceAgreementId, true),
        new(RateColumns.SaRateCode, true),
        new(RateColumns.EffectiveDatetime, true),
        new(RateColumns.UpdatedAt, false),
        new(RateColumns.AccountId, false));

    /// <summary>Spec 4.1: interval file columns.</summary>
    public static readonly EntityLayout Interval = new(
        Entity.Interval,
        IntervalColumns.ServicePointId,
        new(IntervalColumns.IntervalMinutes, true, FromFileName: true),
        new(IntervalColumns.ServicePointId, true),
        new(IntervalColumns.UsageValue, true),
        new(IntervalColumns.Date, true),
        new(IntervalColumns.Time, true),
        new(IntervalColumns.Units, true),
        new(IntervalColumns.IsEstimate, false),
        new(IntervalColumns.UtcOffset, false),
        new(IntervalColumns.ServiceType, false),
        new(IntervalColumns.ServiceQuantityIdentifier, false));

    /// <summary>Spec 4.2: billing service-quantity file columns.</summary>
    public static readonly EntityLayout ServiceQuantity = new(
        Entity.ServiceQuantity,
        ServiceQuantityColumns.BillSegmentId,
        new(ServiceQuantityColumns.BillId, true),
        new(ServiceQuantityColumns.BillSegmentId, true),
        new(ServiceQuantityColumns.UnitOfMeasure, false),
        new(ServiceQuantityColumns.TimeOfUse, false),
        new(ServiceQuantityColumns.ServiceQuantityIdentifier, false),
        new(ServiceQuantityColumns.StartReadDatetime, true),
        new(ServiceQuantityColumns.EndReadDatetime, true),
        new(ServiceQuantityColumns.BilledServiceQuantity, true),
        new(ServiceQuantityColumns.UpdatedAt, false));
}

public static class RateColumns
{
    public const string ServiceAgreementId = "service_agreement_id";
    public const string SaRateCode = "sa_rate_code";
    public const string EffectiveDatetime = "effective_datetime";
    public const string UpdatedAt = "service_agreement_rate_updated_at";
    public const string AccountId = "account_id";
}

public static class IntervalColumns
{
    /// <summary>Interval length in minutes, from the file name (<c>..._interval15_...</c>).</summary>
    public const string IntervalMinutes = "interval_minutes";
    public const string ServicePointId = "service_point_id";
    public const string UsageValue = "usage_value";
    public const string Date = "date";
    public const string Time = "time";
    public const string Units = "units";
    public const string IsEstimate = "is_estimate";
    public const string UtcOffset = "UTC_offset";
    public const string ServiceType = "service_type";
    public const string ServiceQuantityIdentifier = "service_quantity_identifier";
}

public static class ServiceQuantityColumns
{
    public const string BillId = "bill_id";
    public const string BillSegmentId = "bill_segment_id";
    public const string UnitOfMeasure = "bill_service_quantity_unit_of_measure";
    public const string TimeOfUse = "bill_service_quantity_time_of_use";
    public const string ServiceQuantityIdentifier = "service_quantity_identifier";
    public const string StartReadDatetime = "start_read_datetime";
    public const string EndReadDatetime = "end_read_datetime";
    public const string BilledServiceQuantity = "billed_service_quantity";
    public const string UpdatedAt = "bill_service_quantity_updated_at";
}
