using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpowerStream.Hosting;
using OpowerStream.Kafka;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>run</c>: extractor and the three consumers in one process. Without <c>--bootstrap-servers</c>
/// the process hosts an embedded broker. <c>--once</c> processes the files present, waits until the
/// consumers applied or rejected every row, prints a summary and exits.
/// </summary>
internal static class RunCommand
{
    /// <summary>Records per partition: ~20,000 row events stay well under the embedded broker's ~5 MB per partition.</summary>
    private const string EmbeddedMaxConsumerLag = "20000";

    public static Command Create()
    {
        var options = new InboxOptions("Process the files present, wait until all rows are applied, print a summary and exit");
        var idleTimeout = new Option<int>("--idle-timeout")
        {
            Description = "With --once: fail when the consumers make no progress for this many seconds",
            DefaultValueFactory = _ => 300,
        };

        var command = new Command("run", "Run the extractor and the rate, interval and service-quantity consumers in one process")
        {
            idleTimeout,
        };
        options.AddTo(command);
        command.SetAction((parse, ct) => ServiceOptions.ReportingBadSettingsAsync("run", () => RunAsync(
            options.CreateHostBuilder(parse), options.IsOnce(parse), TimeSpan.FromSeconds(parse.GetValue(idleTimeout)), ct)));
        return command;
    }

    private static async Task<int> RunAsync(HostApplicationBuilder builder, bool once, TimeSpan idleTimeout, CancellationToken ct)
    {
        using var broker = StartEmbeddedBrokerIfNeeded(builder);
        using var host = builder.AddPipeline().Build();
        if (broker is not null)
        {
            Log.EmbeddedBroker(host.Services.GetRequiredService<ILogger<EmbeddedBroker>>(), broker.BootstrapServers);
        }

        try
        {
            if (!once)
            {
                await host.RunAsync(ct).ConfigureAwait(false);
                // 0, or what a service set before stopping the host (a consumer giving up on a permanent failure).
                return Environment.ExitCode;
            }

            var result = await PipelineHost.RunOnceAsync(host, idleTimeout, ct).ConfigureAwait(false);
            host.Dispose(); // ends a live progress display before the summary is printed
            RunSummary.Print(Console.Out, result.Outcomes, result.Files);
            return result.Succeeded ? 0 : 1;
        }
        catch (PipelineStalledException e)
        {
            await Console.Error.WriteLineAsync($"run --once failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static EmbeddedBroker? StartEmbeddedBrokerIfNeeded(HostApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"]))
        {
            return null;
        }

        var topics = new TopicNames(builder.Configuration["Kafka:TopicPrefix"] ?? new KafkaOptions().TopicPrefix);
        var partitions = int.Parse(builder.Configuration["Kafka:Partitions"] ?? "6", CultureInfo.InvariantCulture);
        var broker = EmbeddedBroker.Start(topics, partitions);
        builder.Configuration["Kafka:BootstrapServers"] = broker.BootstrapServers;

        // The embedded broker keeps ~5 MB per partition: the extractor must not run further ahead of
        // the consumers than that (InProcessLagGate). Frequent commits keep the committed offsets close to what is applied.
        builder.Configuration["Extractor:MaxConsumerLag"] ??= EmbeddedMaxConsumerLag;
        builder.Configuration["Kafka:Consumer:auto.commit.interval.ms"] ??= "1000";
        return broker;
    }
}
