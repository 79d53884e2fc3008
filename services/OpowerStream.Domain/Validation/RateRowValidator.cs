namespace OpowerStream.Domain.Validation;

/// <summary>Spec 4.3: the rate columns of a main account file row.</summary>
public sealed class RateRowValidator : RowValidator<RateRow>
{
    private const int IdLength = 40;

    private static readonly EntityLayout Layout = EntityLayout.Rate;
    private static readonly int ServiceAgreementIdAt = Layout.IndexOf(RateColumns.ServiceAgreementId);
    private static readonly int SaRateCodeAt = Layout.IndexOf(RateColumns.SaRateCode);
    private static readonly int EffectiveDatetimeAt = Layout.IndexOf(RateColumns.EffectiveDatetime);
    private static readonly int UpdatedAtAt = Layout.IndexOf(RateColumns.UpdatedAt);
    private static readonly int AccountIdAt = Layout.IndexOf(RateColumns.AccountId);

    private readonly TimeZoneInfo utilityTimeZone;

    public RateRowValidator(ValidationSettings settings)
        : base(Layout)
    {
        ArgumentNullException.ThrowIfNull(settings);
        utilityTimeZone = settings.UtilityTimeZone;
    }

    protected override Rejection? Read(IReadOnlyList<string?> values, SourceSequence sequence, out RateRow? record)
    {
        var reader = new ColumnReader(values, Layout);
        var serviceAgreementId = reader.RequiredText(ServiceAgreementIdAt, IdLength);
        var rateCode = reader.RequiredText(SaRateCodeAt, IdLength);
        var effectiveUtc = reader.RequiredDateTime(EffectiveDatetimeAt, utilityTimeZone);
        var updatedAtUtc = reader.OptionalDateTime(UpdatedAtAt, utilityTimeZone);
        var accountId = reader.OptionalText(AccountIdAt, IdLength);

        record = reader.IsValid
            ? new RateRow(serviceAgreementId, rateCode, effectiveUtc, updatedAtUtc, accountId, sequence)
            : null;
        return reader.Rejection;
    }
}
