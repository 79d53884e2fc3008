using System.CommandLine;
using OpowerStream.Kafka;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>dev-broker</c>: hosts an in-memory Kafka-protocol broker (librdkafka's mock cluster) with the
/// product's topics, for separately started services on a machine without Kafka. Its log lives only
/// as long as this process.
/// </summary>
internal static class DevBrokerCommand
{
    public static Command Create()
    {
        var partitions = new Option<int>("--partitions") { Description = "Partitions per topic", DefaultValueFactory = _ => 6 };
        var prefix = new Option<string>("--topic-prefix") { Description = "Topic name prefix", DefaultValueFactory = _ => new KafkaOptions().TopicPrefix };
        var command = new Command("dev-broker", "Host an embedded Kafka broker for development and print its bootstrap servers")
        {
            partitions, prefix,
        };
        command.SetAction(async (parse, ct) =>
        {
            var topics = new TopicNames(parse.GetRequiredValue(prefix));
            using var broker = EmbeddedBroker.Start(topics, parse.GetValue(partitions));
            await Console.Out.WriteLineAsync(broker.BootstrapServers).ConfigureAwait(false);
            await Console.Out.FlushAsync(ct).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"Topics: {string.Join(", ", topics.All)}. Press Ctrl+C to stop.").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the broker and its topics go away with the process.
            }

            return 0;
        });
        return command;
    }
}
