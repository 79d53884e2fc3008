using OpowerStream.Consumers.Processing;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Domain.Validation;
using OpowerStream.Storage;

namespace OpowerStream.Consumers;

/// <summary>What differs between the entity consumers: the rules a row must pass and where valid rows go.</summary>
public sealed class EntityPipeline<T>(
    IRowValidator<T> validator,
    Func<IBatchApplyStore, StoreBatch<T>, CancellationToken, Task> apply)
    where T : class
{
    public Entity Entity => validator.Entity;

    /// <summary>The entity's processor, reading framed events through <paramref name="registry"/> and framing its dead letters with <paramref name="deadLetterFrame"/>.</summary>
    public EntityBatchProcessor<T> Processor(IRegisteredSchemas? registry, EventFrame deadLetterFrame) => new(validator, registry, deadLetterFrame);

    public Task ApplyAsync(IBatchApplyStore store, StoreBatch<T> batch, CancellationToken ct) => apply(store, batch, ct);
}

public static class EntityPipelines
{
    public static EntityPipeline<RateRow> Rates(ValidationSettings settings) =>
        new(new RateRowValidator(settings), (store, batch, ct) => store.ApplyRatesAsync(batch, ct));

    public static EntityPipeline<IntervalRead> Intervals(ValidationSettings settings) =>
        new(new IntervalReadValidator(settings), (store, batch, ct) => store.ApplyIntervalsAsync(batch, ct));

    public static EntityPipeline<ServiceQuantity> ServiceQuantities(ValidationSettings settings) =>
        new(new ServiceQuantityValidator(settings), (store, batch, ct) => store.ApplyServiceQuantitiesAsync(batch, ct));
}
