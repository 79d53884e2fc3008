namespace OpowerStream.Domain.Values;

/// <summary>
/// Why a value was refused: a rule code of spec section 6 and a reason phrased to follow the field
/// and the value, as in <c>usage_value "1e5" is not a plain decimal number</c>.
/// </summary>
public readonly record struct ValueFailure(string Rule, string Reason);

/// <summary>
/// The outcome of parsing one value: the value, or the failure. A struct, so the success path
/// allocates nothing and no exception is thrown for bad data.
/// </summary>
public readonly record struct Parsed<T>(T Value, ValueFailure? Failure)
    where T : struct
{
    public bool IsSuccess => Failure is null;
}

public static class Parsed
{
    public static Parsed<T> Success<T>(T value)
        where T : struct => new(value, null);

    public static Parsed<T> Fail<T>(string rule, string reason)
        where T : struct => new(default, new ValueFailure(rule, reason));
}
