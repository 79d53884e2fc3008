using System.Diagnostics.CodeAnalysis;

namespace OpowerStream.Domain.Validation;

/// <summary>A validated row, or the first rule it failed.</summary>
public readonly record struct Validated<T>(T? Row, Rejection? Rejection)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Row))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsValid => Rejection is null;
}

/// <summary>Checks one entity's raw rows (spec section 4) and turns the valid ones into records.</summary>
public interface IRowValidator<T>
    where T : class
{
    Entity Entity { get; }

    Validated<T> Validate(RawRow row);
}
