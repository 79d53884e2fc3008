using OpowerStream.Domain.Values;

namespace OpowerStream.Domain.Validation;

/// <summary>
/// Spec 4.2: a billing service-quantity row. Unit of measure, time of use and identifier are free
/// text stored as sent; empty ones are the empty string because they are parts of the key.
/// </summary>
public sealed class ServiceQuantityValidator : RowValidator<ServiceQuantity>
{
    private const int IdLength = 40;
    private const int KeyPartLength = 30;

    private static readonly EntityLayout Layout = EntityLayout.ServiceQuantity;
    private static readonly int BillIdAt = Layout.IndexOf(ServiceQuantityColumns.BillId);
    private static readonly int BillSegmentIdAt = Layout.IndexOf(ServiceQuantityColumns.BillSegmentId);
    private static readonly int UnitOfMeasureAt = Layout.IndexOf(ServiceQuantityColumns.UnitOfMeasure);
    private static readonly int TimeOfUseAt = Layout.IndexOf(ServiceQuantityColumns.TimeOfUse);
    private static readonly int IdentifierAt = Layout.IndexOf(ServiceQuantityColumns.ServiceQuantityIdentifier);
    private static readonly int StartAt = Layout.IndexOf(ServiceQuantityColumns.StartReadDatetime);
    private static readonly int EndAt = Layout.IndexOf(ServiceQuantityColumns.EndReadDatetime);
    private static readonly int QuantityAt = Layout.IndexOf(ServiceQuantityColumns.BilledServiceQuantity);
    private static readonly int UpdatedAtAt = Layout.IndexOf(ServiceQuantityColumns.UpdatedAt);

    private readonly TimeZoneInfo utilityTimeZone;

    public ServiceQuantityValidator(ValidationSettings settings)
        : base(Layout)
    {
        ArgumentNullException.ThrowIfNull(settings);
        utilityTimeZone = settings.UtilityTimeZone;
    }

    protected override Rejection? Read(IReadOnlyList<string?> values, SourceSequence sequence, out ServiceQuantity? record)
    {
        var reader = new ColumnReader(values, Layout);
        var billId = reader.RequiredText(BillIdAt, IdLength);
        var billSegmentId = reader.RequiredText(BillSegmentIdAt, IdLength);
        var unitOfMeasure = reader.OptionalText(UnitOfMeasureAt, KeyPartLength) ?? string.Empty;
        var timeOfUse = reader.OptionalText(TimeOfUseAt, KeyPartLength) ?? string.Empty;
        var identifier = reader.OptionalText(IdentifierAt, KeyPartLength) ?? string.Empty;
        var startUtc = reader.RequiredDateTime(StartAt, utilityTimeZone);
        var endUtc = reader.RequiredDateTime(EndAt, utilityTimeZone);
        if (reader.IsValid && endUtc <= startUtc)
        {
            reader.Fail(
                RuleCodes.InvalidRange,
                EndAt,
                reader.Optional(EndAt),
                $"is not after {reader.Field(StartAt)} \"{reader.Optional(StartAt)}\"");
        }

        var billedQuantity = reader.RequiredDecimal(QuantityAt, DecimalType.Quantity);
        var updatedAtUtc = reader.OptionalDateTime(UpdatedAtAt, utilityTimeZone);

        record = reader.IsValid
            ? new ServiceQuantity(
                billSegmentId, unitOfMeasure, timeOfUse, identifier, billId, startUtc, endUtc, billedQuantity, updatedAtUtc, sequence)
            : null;
        return reader.Rejection;
    }
}
