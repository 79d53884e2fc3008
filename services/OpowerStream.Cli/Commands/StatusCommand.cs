using System.CommandLine;
using Microsoft.Extensions.Configuration;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary><c>status</c>: per file and per entity reconciliation, consumer lag and the last rejects, from the store (and the brokers).</summary>
internal static class StatusCommand
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(15);

    public static Command Create()
    {
        var store = CommonOptions.Store();
        var bootstrap = new Option<string?>("--bootstrap-servers") { Description = "Kafka bootstrap servers, to show consumer lag (default: Kafka:BootstrapServers)" };
        var command = new Command("status", "Show every file's reconciliation, totals per entity, consumer lag and the last rejects")
        {
            store, bootstrap,
        };
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.CreateHostBuilder(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = parse.GetValue(bootstrap),
            }).Configuration;
            var location = StoreLocation.Parse(CliConfiguration.StoreLocation(parse.GetValue(store)));
            var opened = await PipelineStores.OpenAsync(location, ct).ConfigureAwait(false);
            await using (opened.ConfigureAwait(false))
            {
                var files = await opened.GetFilesAsync(ct).ConfigureAwait(false);
                var lastRejects = new Queue<RejectRecord>(StatusReport.RejectsShown);
                var rejectCount = 0L;
                await foreach (var reject in opened.ReadRejectsAsync(ct).ConfigureAwait(false))
                {
                    rejectCount++;
                    if (lastRejects.Count == StatusReport.RejectsShown)
                    {
                        lastRejects.Dequeue();
                    }

                    lastRejects.Enqueue(reject);
                }

                StatusReport.Write(Console.Out, files, [.. lastRejects], rejectCount, MeasureLag(configuration));
            }

            return 0;
        });
        return command;
    }

    private static List<EntityLag>? MeasureLag(ConfigurationManager configuration)
    {
        var kafka = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>() ?? new KafkaOptions();
        if (string.IsNullOrWhiteSpace(kafka.BootstrapServers))
        {
            return null;
        }

        var consumers = configuration.GetSection(ConsumerOptions.Section).Get<ConsumerOptions>() ?? new ConsumerOptions();
        var topics = new TopicNames(kafka.TopicPrefix);
        return Enum.GetValues<Entity>()
            .Select(entity =>
            {
                var group = consumers.GroupId(entity.Name());
                return new EntityLag(entity.Name(), group, ConsumerLag.Get(kafka.BootstrapServers, group, [topics.Rows(entity)], kafka.Consumer, KafkaTimeout));
            })
            .ToList();
    }
}
