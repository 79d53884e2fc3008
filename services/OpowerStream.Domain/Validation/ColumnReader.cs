using System.Globalization;
using OpowerStream.Domain.Values;

namespace OpowerStream.Domain.Validation;

/// <summary>
/// Reads one row's values with the rules every column follows (spec sections 2 and 3): values are
/// trimmed, empty is null, and the first failure becomes the row's <see cref="Rejection"/>, whose
/// message names the field, the value and the rule. After a failure every read returns a default
/// without checking, so a validator reads its columns in layout order and looks at the outcome once.
/// The success path allocates nothing beyond the strings a record keeps.
/// </summary>
internal ref struct ColumnReader(IReadOnlyList<string?> values, EntityLayout layout)
{
    /// <summary>Longer values are cut in messages, which must stay readable in a rejects table.</summary>
    private const int MaxShownLength = 60;

    public Rejection? Rejection { get; private set; }

    public readonly bool IsValid => Rejection is null;

    public readonly string Field(int column) => layout.Columns[column].Name;

    /// <summary>The trimmed value; empty when the column is absent or blank.</summary>
    public readonly ReadOnlySpan<char> Optional(int column) => IsValid ? values[column].AsSpan().Trim() : default;

    /// <summary>The trimmed value; missing_required when it is empty.</summary>
    public ReadOnlySpan<char> Required(int column)
    {
        var text = Optional(column);
        if (text.IsEmpty && IsValid)
        {
            Rejection = new Rejection(RuleCodes.MissingRequired, Field(column), $"{Field(column)} is empty but required");
        }

        return text;
    }

    public string RequiredText(int column, int maxLength)
    {
        _ = Required(column);
        return OptionalText(column, maxLength) ?? string.Empty;
    }

    /// <summary>The trimmed value as a string (the row's own instance when there was nothing to trim); null when empty.</summary>
    public string? OptionalText(int column, int maxLength)
    {
        var text = Optional(column);
        if (text.IsEmpty)
        {
            return null;
        }

        if (!FitsLength(column, text, maxLength))
        {
            return null;
        }

        var raw = values[column]!;
        return text.Length == raw.Length ? raw : text.ToString();
    }

    public decimal RequiredDecimal(int column, DecimalType type)
    {
        var text = Required(column);
        return IsValid ? Check(type.Parse(text), column, text) : default;
    }

    public DateTime RequiredDateTime(int column, TimeZoneInfo zone)
    {
        _ = Required(column);
        return OptionalDateTime(column, zone) ?? default;
    }

    public DateTime? OptionalDateTime(int column, TimeZoneInfo zone)
    {
        var text = Optional(column);
        return text.IsEmpty ? null : Check(OpowerDateTime.Parse(text, zone), column, text);
    }

    /// <summary>
    /// The value in its upper-case spelling from the allowed list (too_long, then invalid_enum,
    /// otherwise); null when empty.
    /// </summary>
    public string? OptionalEnumerated(int column, EnumeratedValues allowed, int maxLength = int.MaxValue)
    {
        var text = Optional(column);
        if (text.IsEmpty || !FitsLength(column, text, maxLength))
        {
            return null;
        }

        if (allowed.TryGetCanonical(text, out var canonical))
        {
            return canonical;
        }

        Fail(RuleCodes.InvalidEnum, column, text, $"is not one of {allowed.Listing}");
        return null;
    }

    public string RequiredEnumerated(int column, EnumeratedValues allowed, int maxLength = int.MaxValue)
    {
        _ = Required(column);
        return OptionalEnumerated(column, allowed, maxLength) ?? string.Empty;
    }

    /// <summary>The parsed value, recording the failure as the row's rejection.</summary>
    public T Check<T>(Parsed<T> parsed, int column, ReadOnlySpan<char> text)
        where T : struct
    {
        if (parsed.Failure is { } failure)
        {
            Fail(failure.Rule, column, text, failure.Reason);
        }

        return parsed.Value;
    }

    private bool FitsLength(int column, ReadOnlySpan<char> text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return true;
        }

        Fail(
            RuleCodes.TooLong,
            column,
            text,
            string.Create(CultureInfo.InvariantCulture, $"has {text.Length} characters; VARCHAR({maxLength}) allows {maxLength}"));
        return false;
    }

    /// <summary>Records a failure unless an earlier column already failed. The message reads <c>field "value" reason</c>.</summary>
    public void Fail(string rule, int column, ReadOnlySpan<char> text, string reason)
    {
        if (IsValid)
        {
            var shown = text.Length <= MaxShownLength ? text.ToString() : string.Concat(text[..(MaxShownLength - 3)], "...");
            Rejection = new Rejection(rule, Field(column), $"{Field(column)} \"{shown}\" {reason}");
        }
    }
}
