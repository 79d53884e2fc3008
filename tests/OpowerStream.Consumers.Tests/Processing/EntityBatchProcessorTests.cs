using System.Diagnostics;
using System.Text;
using Avro;
using OpowerStream.Consumers.Processing;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Domain.Validation;
using OpowerStream.Hosting;
using OpowerStream.Storage;
using OpowerStream.Testing;
using static OpowerStream.Consumers.Tests.Processing.Records;

namespace OpowerStream.Consumers.Tests.Processing;

public class EntityBatchProcessorTests
{
    /// <summary>Every rule of every entity, with a value that breaks it (the validators' own tests hold the fine detail).</summary>
    public static TheoryData<Entity, string, string?, string> EveryRule => new()
    {
        { Entity.Rate, RateColumns.ServiceAgreementId, "", RuleCodes.MissingRequired },
        { Entity.Rate, RateColumns.ServiceAgreementId, new string('9', 41), RuleCodes.TooLong },
        { Entity.Rate, RateColumns.SaRateCode, null, RuleCodes.MissingRequired },
        { Entity.Rate, RateColumns.EffectiveDatetime, "2018-02-30", RuleCodes.InvalidDatetime },
        { Entity.Rate, RateColumns.UpdatedAt, "2018-01-02 9:30", RuleCodes.InvalidDatetime },
        { Entity.Rate, RateColumns.AccountId, new string('9', 41), RuleCodes.TooLong },
        { Entity.Interval, IntervalColumns.IntervalMinutes, "10", RuleCodes.InvalidEnum },
        { Entity.Interval, IntervalColumns.ServicePointId, "   ", RuleCodes.MissingRequired },
        { Entity.Interval, IntervalColumns.UsageValue, "1.1234567", RuleCodes.InvalidDecimal },
        { Entity.Interval, IntervalColumns.UsageValue, "-1.5", RuleCodes.NegativeUsage },
        { Entity.Interval, IntervalColumns.Date, "2026-11-20", RuleCodes.InvalidDatetime },
        { Entity.Interval, IntervalColumns.Time, "0620", RuleCodes.MisalignedInterval },
        { Entity.Interval, IntervalColumns.Units, "BTU", RuleCodes.InvalidEnum },
        { Entity.Interval, IntervalColumns.Units, new string('K', 31), RuleCodes.TooLong },
        { Entity.Interval, IntervalColumns.UtcOffset, "EST", RuleCodes.InvalidDatetime },
        { Entity.ServiceQuantity, ServiceQuantityColumns.BillId, "", RuleCodes.MissingRequired },
        { Entity.ServiceQuantity, ServiceQuantityColumns.BillSegmentId, new string('9', 41), RuleCodes.TooLong },
        { Entity.ServiceQuantity, ServiceQuantityColumns.StartReadDatetime, "10/01/2026", RuleCodes.InvalidDatetime },
        { Entity.ServiceQuantity, ServiceQuantityColumns.EndReadDatetime, "2026-10-01 00:00:00", RuleCodes.InvalidRange },
        { Entity.ServiceQuantity, ServiceQuantityColumns.BilledServiceQuantity, "1,812.5", RuleCodes.InvalidDecimal },
    };

    public static TheoryData<Entity> Entities => [.. Enum.GetValues<Entity>()];

    [Theory]
    [MemberData(nameof(Entities))]
    public void A_valid_event_becomes_a_row_counted_for_its_file(Entity entity)
    {
        var outcome = Outcome.Of(entity, ValidationSettings.Default, Of(entity, Row(entity), offset: 41, partition: 2));

        Assert.Equal(1, outcome.Rows);
        Assert.Empty(outcome.Rejects);
        Assert.Empty(outcome.DeadLetters);
        Assert.Equal([new ProcessedRow(SourceLineage.SourceFile, 2, SourceLineage.Line, Rejected: false)], outcome.Processed);
    }

    [Theory]
    [MemberData(nameof(EveryRule))]
    public void Every_rule_rejects_through_the_processor_with_a_dead_letter_that_explains_itself(Entity entity, string column, string? value, string rule)
    {
        var record = Of(entity, Row(entity, (column, value)), offset: 41, partition: 2);

        var outcome = Outcome.Of(entity, ValidationSettings.Default, record);

        Assert.Equal(0, outcome.Rows);
        var reject = Assert.Single(outcome.Rejects);
        Assert.Equal((entity.Name(), rule, column, SourceLineage), (reject.Entity, reject.Rule, reject.Field, reject.Lineage));
        Assert.Equal(record.Value, Convert.FromBase64String(reject.OriginalEvent!));
        Assert.Equal([new ProcessedRow(SourceLineage.SourceFile, 2, SourceLineage.Line, Rejected: true)], outcome.Processed);

        var deadLetter = Assert.Single(outcome.DeadLetters);
        Assert.Equal(record.Key, deadLetter.Key);
        Assert.Equal(rule, Header(deadLetter, DeadLetterHeaders.Rule));
        Assert.Equal(column, Header(deadLetter, DeadLetterHeaders.Field));
        Assert.Equal(reject.Message, Header(deadLetter, DeadLetterHeaders.Message));
        Assert.Equal((Topic, "2", "41"),
            (Header(deadLetter, DeadLetterHeaders.Topic), Header(deadLetter, DeadLetterHeaders.Partition), Header(deadLetter, DeadLetterHeaders.Offset)));
        Assert.Equal(record.Headers, deadLetter.Headers.Where(h => EventHeaders.Lineage.Contains(h.Name)));

        var published = RejectedRowSerializer.Instance.Deserialize(deadLetter.Value);
        Assert.Equal((entity, rule, column, SourceLineage), (published.Entity, published.Rule, published.Field, published.Lineage));
        Assert.Equal(record.Value, published.OriginalEvent);
    }

    [Theory]
    [InlineData("2026-03-08 02:30:00", RuleCodes.NonexistentLocalTime)]
    [InlineData("2026-11-01 01:30:00", RuleCodes.AmbiguousLocalTime)]
    public void Local_time_rules_follow_the_utility_time_zone(string effective, string rule)
    {
        var record = Of(Entity.Rate, Row(Entity.Rate, (RateColumns.EffectiveDatetime, effective)));

        var outcome = Outcome.Of(Entity.Rate, ValidationSettings.ForTimeZone("America/New_York"), record);

        Assert.Equal(rule, Assert.Single(outcome.Rejects).Rule);
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void A_row_defect_from_the_extractor_is_rejected_with_its_rule_and_raw_line(Entity entity)
    {
        var defective = new RawRow(SourceLineage, new string?[EntityLayout.For(entity).Columns.Count],
            new RowDefect(RuleCodes.WrongColumnCount, null, "3 values, 5 expected", "a\tb\tc"));

        var outcome = Outcome.Of(entity, ValidationSettings.Default, Of(entity, defective));

        var reject = Assert.Single(outcome.Rejects);
        Assert.Equal((RuleCodes.WrongColumnCount, null, "a\tb\tc"), (reject.Rule, reject.Field, reject.RawRow));
        var deadLetter = Assert.Single(outcome.DeadLetters);
        Assert.Null(Header(deadLetter, DeadLetterHeaders.Field));
        Assert.True(Assert.Single(outcome.Processed).Rejected);
    }

    public static TheoryData<string, byte[]?> PoisonShapes()
    {
        var rate = RawRowSerializer.For(Entity.Rate).Serialize(Row(Entity.Rate));
        var unknownFingerprint = (byte[])rate.Clone();
        unknownFingerprint[2] ^= 0xFF;
        return new()
        {
            { "empty", [] },
            { "no value", null },
            { "truncated", rate[..(rate.Length / 2)] },
            { "header only", rate[..10] },
            { "unknown fingerprint", unknownFingerprint },
            { "another entity's event", RawRowSerializer.For(Entity.Interval).Serialize(Row(Entity.Interval)) },
            { "garbage", Encoding.UTF8.GetBytes("this is not an Avro event at all") },
            // Schema Registry framing (magic byte 0, schema id 1) read by a processor that has no registry to ask.
            { "registry framed, no registry", [0, 0, 0, 0, 1, .. rate[10..]] },
        };
    }

    [Theory]
    [MemberData(nameof(PoisonShapes))]
    public void Poison_is_dead_lettered_as_undecodable_and_not_counted_for_any_file(string shape, byte[]? value)
    {
        var outcome = Outcome.Of(Entity.Rate, ValidationSettings.Default, Raw(value, offset: 9, partition: 1));

        Assert.Equal(0, outcome.Rows);
        var reject = Assert.Single(outcome.Rejects);
        Assert.Equal(EntityBatchProcessor<RateRow>.UndecodableEvent, reject.Rule);
        Assert.Equal($"kafka:{Topic} [[1]] @9", reject.Lineage.SourceFile);
        Assert.Equal(Convert.ToHexString(value ?? []), reject.RawRow);
        Assert.Empty(outcome.Processed);
        var deadLetter = Assert.Single(outcome.DeadLetters);
        Assert.Equal((EntityBatchProcessor<RateRow>.UndecodableEvent, "9"),
            (Header(deadLetter, DeadLetterHeaders.Rule), Header(deadLetter, DeadLetterHeaders.Offset)));
        Assert.Equal(value ?? [], RejectedRowSerializer.Instance.Deserialize(deadLetter.Value).OriginalEvent);
        Assert.False(string.IsNullOrEmpty(Header(deadLetter, DeadLetterHeaders.Message)), shape);
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void An_event_of_the_first_schema_version_is_read_not_poison(Entity entity)
    {
        var version1 = (RecordSchema)Schema.Parse(EventSchemas.History(EventSchemas.FileName(entity))[0]);
        var row = Row(entity, SourceLineage with { ContentGeneration = Lineage.FirstContentGeneration });
        var value = ApacheAvroEvents.SingleObject(ApacheAvroEvents.Row(version1, entity, row));
        Assert.NotEqual(RawRowSerializer.For(entity).Serialize(row), value);

        var outcome = Outcome.Of(entity, ValidationSettings.Default, Raw(value));

        Assert.Equal(1, outcome.Rows);
        Assert.Empty(outcome.DeadLetters);
    }

    [Fact]
    public void A_record_read_twice_in_one_batch_counts_once()
    {
        var record = Of(Entity.Interval, Row(Entity.Interval));
        var rejected = Of(Entity.Interval, Row(Entity.Interval, SourceLineage with { Line = 8 }, (IntervalColumns.Units, "BTU")), offset: 101);

        var outcome = Outcome.Of(Entity.Interval, ValidationSettings.Default, record, rejected, record, rejected);

        Assert.Equal(1, outcome.Rows);
        Assert.Single(outcome.Rejects);
        Assert.Single(outcome.DeadLetters);
        Assert.Equal(2, outcome.Processed.Count);
    }

    [Fact]
    public void The_same_offset_on_another_partition_is_another_record()
    {
        var outcome = Outcome.Of(Entity.Interval, ValidationSettings.Default,
            Of(Entity.Interval, Row(Entity.Interval), partition: 0), Of(Entity.Interval, Row(Entity.Interval), partition: 1));

        Assert.Equal(2, outcome.Processed.Count);
    }

    [Fact]
    public void A_redriven_event_is_marked_so_the_store_does_not_count_it_again()
    {
        var redriven = Of(Entity.Rate, Row(Entity.Rate), extraHeaders: Text(EventHeaders.Redrive, "2026-11-30T20:00:00Z"));
        var fresh = Of(Entity.Rate, Row(Entity.Rate, SourceLineage with { Line = 8 }), offset: 101);

        var outcome = Outcome.Of(Entity.Rate, ValidationSettings.Default, redriven, fresh);

        Assert.Equal([true, false], outcome.Processed.Select(p => p.Redriven));
    }

    [Fact]
    public void Per_file_counts_follow_each_event_to_its_file_partition_and_line()
    {
        var first = SourceLineage;
        var second = new Lineage("opwr_other_20261121060000.tsv", 20261121060000, 1);
        var outcome = Outcome.Of(Entity.Interval, ValidationSettings.Default,
            Of(Entity.Interval, Row(Entity.Interval, first), offset: 1),
            Of(Entity.Interval, Row(Entity.Interval, first with { Line = 8 }, (IntervalColumns.UsageValue, "-1")), offset: 2),
            Raw([1, 2, 3], offset: 3),
            Of(Entity.Interval, Row(Entity.Interval, second), offset: 4, partition: 5));

        var counts = outcome.Processed
            .GroupBy(p => (p.SourceFile, p.Partition))
            .ToDictionary(g => g.Key, g => (Read: g.Count(), Rejected: g.Count(p => p.Rejected), Lines: string.Join(",", g.Select(p => p.Line))));

        Assert.Equal(2, counts.Count);
        Assert.Equal((2, 1, "7,8"), counts[(first.SourceFile, 3)]);
        Assert.Equal((1, 0, "1"), counts[(second.SourceFile, 5)]);
        Assert.Equal(2, outcome.Rejects.Count);
        Assert.Equal(2, outcome.DeadLetters.Count);
    }

    [Fact]
    public void The_batch_keeps_one_trace_context_per_distinct_file_trace_from_the_traceparent_headers()
    {
        var first = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var second = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);
        var processor = new EntityBatchProcessor<RateRow>(new RateRowValidator(ValidationSettings.Default));

        var batch = processor.Process(
        [
            Of(Entity.Rate, Row(Entity.Rate), offset: 1, extraHeaders: TraceParent(first)),
            Of(Entity.Rate, Row(Entity.Rate), offset: 2, extraHeaders: TraceParent(first)),
            Of(Entity.Rate, Row(Entity.Rate), offset: 3, extraHeaders: TraceParent(second)),
            Of(Entity.Rate, Row(Entity.Rate), offset: 4, extraHeaders: TraceParent(first)),
            Of(Entity.Rate, Row(Entity.Rate), offset: 5),
            Of(Entity.Rate, Row(Entity.Rate), offset: 6, extraHeaders: Text(EventHeaders.TraceParent, "00-not-a-trace")),
            Raw([1, 2, 3], offset: 7, headers: [.. LineageHeaders(SourceLineage), .. TraceParent(second)]),
        ]);

        Assert.Equal(6, batch.Rows.Count);
        Assert.Equal(
            new HashSet<(ActivityTraceId, ActivitySpanId, ActivityTraceFlags)> { (first.TraceId, first.SpanId, first.TraceFlags), (second.TraceId, second.SpanId, second.TraceFlags) },
            batch.FileTraces.Values.Select(c => (c.TraceId, c.SpanId, c.TraceFlags)).ToHashSet());
        Assert.All(batch.FileTraces, t => Assert.Equal(t.Key, t.Value.TraceId));
    }

    private static RecordHeader[] TraceParent(ActivityContext context) => [new(EventHeaders.TraceParent, PipelineTracing.TraceParent(context))];

    /// <summary>What a batch became, whatever the entity's row type.</summary>
    private sealed record Outcome(int Rows, List<RejectRecord> Rejects, List<DeadLetter> DeadLetters, List<ProcessedRow> Processed)
    {
        public static Outcome Of(Entity entity, ValidationSettings settings, params ConsumedRecord[] records) => entity switch
        {
            Entity.Rate => From(new EntityBatchProcessor<RateRow>(new RateRowValidator(settings)).Process(records)),
            Entity.Interval => From(new EntityBatchProcessor<IntervalRead>(new IntervalReadValidator(settings)).Process(records)),
            Entity.ServiceQuantity => From(new EntityBatchProcessor<ServiceQuantity>(new ServiceQuantityValidator(settings)).Process(records)),
            _ => throw new ArgumentOutOfRangeException(nameof(entity)),
        };

        private static Outcome From<T>(ProcessedBatch<T> batch)
            where T : class =>
            new(batch.Rows.Count, batch.Rejects, batch.DeadLetters, batch.Processed);
    }
}
