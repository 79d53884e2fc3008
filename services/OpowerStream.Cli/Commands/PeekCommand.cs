using System.CommandLine;
using Confluent.Kafka;
using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Kafka.SchemaRegistry;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>peek TOPIC</c>: prints a topic's records as JSON lines, each body decoded by its writer schema (single-object, or
/// Schema Registry framed with the registry of <c>Kafka:SchemaRegistry</c>), for looking at row, dead-letter and file
/// topics without Kafka's tools. Reads through assign(): it never
/// joins or commits for a consumer group, so it cannot disturb the consumers. Without <c>--follow</c> it ends at the
/// end of the partitions.
/// </summary>
internal static class PeekCommand
{
    public static Command Create()
    {
        var topic = new Argument<string>("topic")
        {
            Description = "A topic, or rates | intervals | service-quantities | files | ENTITY.dlq under Kafka:TopicPrefix",
        };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "From the oldest retained record of each partition (the default)" };
        var offset = new Option<ReplayToOffsets?>("--offset")
        {
            Description = "PARTITION:OFFSET,...: only these partitions, from these offsets",
            CustomParser = result => CommonOptions.ParseOrReport(result, ReplayToOffsets.Parse),
        };
        var last = new Option<long?>("--last") { Description = "The last N records of each partition" };
        var partition = new Option<int?>("--partition") { Description = "Only this partition" };
        var max = new Option<long?>("--max") { Description = "Stop after N records" };
        var follow = new Option<bool>("--follow") { Description = "Keep printing new records until Ctrl-C (else stop at the end of the partitions)" };
        var bootstrap = new Option<string?>("--bootstrap-servers") { Description = "Kafka bootstrap servers (default: Kafka:BootstrapServers)" };
        var commandConfig = CommonOptions.CommandConfig();
        var command = new Command("peek", "Print a topic's records as JSON lines, bodies decoded by their writer schema; never joins a consumer group")
        {
            topic, fromBeginning, offset, last, partition, max, follow, bootstrap, commandConfig,
        };
        command.Validators.Add(result =>
        {
            if (new Option[] { fromBeginning, offset, last }.Count(o => result.GetResult(o) is not null) > 1)
            {
                result.AddError("Give at most one of --from-beginning, --offset, --last.");
            }

            if (result.GetResult(offset) is not null && result.GetResult(partition) is not null)
            {
                result.AddError("--offset names its partitions; leave out --partition.");
            }

            if (result.GetValue(last) is < 1 || result.GetValue(max) is < 1 || result.GetValue(partition) is < 0)
            {
                result.AddError("--last and --max must be at least 1, --partition at least 0.");
            }
        });
        command.SetAction((parse, ct) => ServiceOptions.ReportingBadSettingsAsync("peek", async () =>
        {
            var settings = OperatorSettings.Load(parse.GetValue(bootstrap), parse.GetValue(commandConfig));
            if (settings.BootstrapServers is not { } servers)
            {
                await Console.Error.WriteLineAsync("peek: no brokers: give --bootstrap-servers or set Kafka:BootstrapServers.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var topicName = Resolve(settings.Topics, parse.GetRequiredValue(topic));
            try
            {
                var start = new PeekStart(parse.GetValue(offset), parse.GetValue(last), parse.GetValue(partition));
                await Task.Run(() => Peek(servers, settings.Kafka, topicName, start, parse.GetValue(max), parse.GetValue(follow), ct), ct).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is KafkaException or InvalidOperationException or ArgumentException)
            {
                await Console.Error.WriteLineAsync($"peek: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }));
        return command;
    }

    /// <summary>An entity name (or <c>ENTITY.dlq</c>, or <c>files</c>) is a shortcut for the product's topic; anything else is a topic name.</summary>
    internal static string Resolve(TopicNames topics, string name)
    {
        var deadLetter = name.EndsWith(".dlq", StringComparison.Ordinal);
        var entityName = deadLetter ? name[..^".dlq".Length] : name;
        return string.Equals(name, "files", StringComparison.Ordinal) ? topics.Files
            : EntityNames.TryParse(entityName, out var entity) ? deadLetter ? topics.DeadLetter(entity) : topics.Rows(entity)
            : name;
    }

    private sealed record PeekStart(ReplayToOffsets? Offsets, long? Last, int? Partition);

    private static void Peek(string servers, KafkaOptions kafka, string topic, PeekStart start, long? max, bool follow, CancellationToken ct)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(kafka.ConsumerSettings()))
        {
            BootstrapServers = servers,
            // librdkafka wants a group id even for assign(); nothing is ever committed or joined under it.
            GroupId = "opower-stream-peek",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        using var framing = new EventFraming(kafka);
        var positions = StartPositions(consumer, topic, start);
        consumer.Assign(positions);
        var atEnd = new HashSet<int>();
        var printed = 0L;
        while (printed < (max ?? long.MaxValue) && (follow || atEnd.Count < positions.Count))
        {
            var record = consumer.Consume(ct);
            if (record.IsPartitionEOF)
            {
                atEnd.Add(record.Partition.Value);
                continue;
            }

            Console.Out.WriteLine(PeekRecordJson.Format(record, framing.Registry));
            printed++;
        }
    }

    private static List<TopicPartitionOffset> StartPositions(IConsumer<byte[]?, byte[]?> consumer, string topic, PeekStart start)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, OperatorSettings.KafkaTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.Code != ErrorCode.NoError || metadata.Partitions.Count == 0)
        {
            throw new InvalidOperationException($"Topic {topic} is unknown to the brokers ({metadata?.Error.Reason ?? "no metadata"}).");
        }

        var partitions = metadata.Partitions.Select(p => p.PartitionId).Order().ToList();
        var wanted = start.Offsets?.ByPartition.Keys.Order().ToList() ?? (start.Partition is { } one ? [one] : partitions);
        if (wanted.Except(partitions).ToList() is { Count: > 0 } unknown)
        {
            throw new ArgumentException($"Topic {topic} has no partition {string.Join(", ", unknown)} (it has {string.Join(", ", partitions)}).");
        }

        return wanted.Select(p =>
        {
            var partition = new TopicPartition(topic, p);
            if (start.Offsets is { } offsets)
            {
                return new TopicPartitionOffset(partition, offsets.ByPartition[p]);
            }

            if (start.Last is { } last)
            {
                var watermarks = consumer.QueryWatermarkOffsets(partition, OperatorSettings.KafkaTimeout);
                return new TopicPartitionOffset(partition, Math.Max(watermarks.Low.Value, watermarks.High.Value - last));
            }

            return new TopicPartitionOffset(partition, Offset.Beginning);
        }).ToList();
    }
}
