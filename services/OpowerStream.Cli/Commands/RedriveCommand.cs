using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using OpowerStream.Contracts;
using OpowerStream.Contracts.Avro;
using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Kafka.SchemaRegistry;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>redrive ENTITY</c>: after a configuration fix, re-publishes the entity's rejected rows (from the store,
/// which keeps each reject's original event: the dead-letter topic may have been trimmed by retention) to the
/// entity's topic, with their original lineage. The entity's consumers apply the rows that now pass; their
/// rejects are resolved and the file's reconciliation moves them from rejected to applied. A redriven reject is
/// not picked again (unless <c>--include-redriven</c>), so running it twice changes nothing.
/// </summary>
internal static class RedriveCommand
{
    private const int LinesShown = 20;

    public static Command Create()
    {
        var entity = OperatorSettings.EntityArgument();
        var rule = new Option<string?>("--rule") { Description = "Only rejects of this rule, e.g. invalid_enumeration" };
        var file = new Option<string?>("--file") { Description = "Only rejects of this source file (its name)" };
        var includeRedriven = new Option<bool>("--include-redriven") { Description = "Also rejects a previous redrive re-published (after a second fix)" };
        var execute = new Option<bool>("--execute") { Description = "Re-publish the rows (without it, only print the plan)" };
        var store = CommonOptions.Store();
        var bootstrap = new Option<string?>("--bootstrap-servers") { Description = "Kafka bootstrap servers (default: Kafka:BootstrapServers)" };
        var commandConfig = CommonOptions.CommandConfig();
        var command = new Command("redrive", "Re-publish an entity's rejected rows with their lineage after a fix; prints the plan, changes nothing without --execute")
        {
            entity, rule, file, includeRedriven, execute, store, bootstrap, commandConfig,
        };
        command.SetAction((parse, ct) => ServiceOptions.ReportingBadSettingsAsync("redrive", async () =>
        {
            var settings = OperatorSettings.Load(parse.GetValue(bootstrap), parse.GetValue(commandConfig));
            var chosen = OperatorSettings.ParseEntity(parse, entity);
            var query = new RejectQuery(chosen.Name(), parse.GetValue(rule), parse.GetValue(file)) { IncludeRedriven = parse.GetValue(includeRedriven) };
            try
            {
                var opened = await OperatorSettings.OpenStoreAsync(parse.GetValue(store), ct).ConfigureAwait(false);
                await using (opened.ConfigureAwait(false))
                {
                    var rejects = new List<RejectRecord>();
                    var withoutEvent = 0;
                    await foreach (var stored in opened.ReadStoredRejectsAsync(query, ct).ConfigureAwait(false))
                    {
                        if (stored.Reject.OriginalEvent is null)
                        {
                            withoutEvent++;
                        }
                        else
                        {
                            rejects.Add(stored.Reject);
                        }
                    }

                    WritePlan(Console.Out, chosen, rejects, withoutEvent);
                    if (rejects.Count == 0 || !parse.GetValue(execute))
                    {
                        Console.Out.WriteLine(rejects.Count == 0
                            ? "Nothing to redrive."
                            : "Dry run: nothing published. Add --execute to re-publish these rows.");
                        return 0;
                    }

                    if (settings.BootstrapServers is null)
                    {
                        await Console.Error.WriteLineAsync("redrive: no brokers: give --bootstrap-servers or set Kafka:BootstrapServers.").ConfigureAwait(false);
                        return 2;
                    }

                    var topic = settings.Topics.Rows(chosen);
                    Publish(settings.Kafka, topic, chosen, rejects, ct);
                    // Marked after Kafka acknowledged every row: a crash in between re-publishes them next time, which is harmless.
                    await opened.MarkRedrivenAsync(chosen.Name(), [.. rejects.Select(r => r.Lineage)], DateTime.UtcNow, ct).ConfigureAwait(false);
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Re-published {rejects.Count} row(s) to {topic}; the {chosen.Name()} consumers, running with the fixed configuration, apply those that now pass."));
                    return 0;
                }
            }
            // AvroContractException: a kept event redrive cannot read, e.g. a Schema Registry framed one without Kafka:SchemaRegistry:Url.
            catch (Exception e) when (e is FormatException or KafkaException or InvalidOperationException or AvroContractException)
            {
                await Console.Error.WriteLineAsync($"redrive: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }));
        return command;
    }

    private static void WritePlan(TextWriter output, Entity entity, List<RejectRecord> rejects, int withoutEvent)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Redrive plan for {entity.Name()}: {rejects.Count} row(s) from {rejects.Select(r => r.Lineage.SourceFile).Distinct(StringComparer.Ordinal).Count()} file(s)"));
        foreach (var group in rejects.GroupBy(r => (r.Lineage.SourceFile, r.Rule)))
        {
            var lines = string.Join(",", group.Take(LinesShown).Select(r => r.Lineage.Line)) + (group.Count() > LinesShown ? ",..." : "");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {group.Key.SourceFile}  {group.Key.Rule}  {group.Count()} row(s), lines {lines}"));
        }

        if (withoutEvent > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {withoutEvent} matching reject(s) kept no original event (undecodable, or rejected before store schema version 2) and cannot be redriven."));
        }
    }

    /// <summary>Each row's original event, keyed like the extractor keys it, marked as a redrive; throws unless Kafka acknowledged all.</summary>
    private static void Publish(KafkaOptions kafka, string topic, Entity entity, List<RejectRecord> rejects, CancellationToken ct)
    {
        var serializer = RawRowSerializer.For(entity);
        var keyIndex = EntityLayout.For(entity).KeyIndex;
        // A reject keeps its original event as it was framed: a Schema Registry framed one is read through the registry.
        using var framing = new EventFraming(kafka);
        using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(kafka)).Build();
        var deliveries = new DeliveryTracker();
        foreach (var reject in rejects)
        {
            var value = Convert.FromBase64String(reject.OriginalEvent!);
            var row = serializer.Deserialize(value, framing.Registry);
            var message = new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(row.Values[keyIndex]?.Trim() ?? ""),
                Value = value,
                Headers = new Headers { { EventHeaders.Redrive, Encoding.UTF8.GetBytes(DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)) } },
            };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, deliveries.OnDelivery);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(100));
                }
            }
        }

        producer.Flush(ct);
        deliveries.EnsureAllAcknowledged(rejects.Count, topic);
    }
}
