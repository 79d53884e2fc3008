using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpowerStream.Extractor;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.ServiceEndpoints;

namespace OpowerStream.IntegrationTests;

/// <summary><c>consume intervals</c> as child processes with their health endpoints, and the in-process extractor that feeds them.</summary>
internal static partial class ConsumerProcesses
{
    /// <summary>
    /// Starts <c>consume intervals</c> in <paramref name="group"/> on <paramref name="scenario"/>'s topics and
    /// store; <paramref name="settings"/> override the defaults (small batches, a short session so that a
    /// killed member's partitions move soon, offsets committed every second).
    /// </summary>
    public static (OpowerStreamProcess Process, Uri Health) Start(
        ITestOutputHelper output, string bootstrapServers, PipelineScenario scenario, string group, params (string Name, string Value)[] settings)
    {
        var port = FreePort();
        var process = OpowerStreamProcess.Start(output, Path.GetTempPath(),
            ["consume", "intervals", "--bootstrap-servers", bootstrapServers, "--group", group,
             "--store", scenario.StoreLocation, "--health-port", port.ToString(CultureInfo.InvariantCulture)],
            [
                ("Kafka__TopicPrefix", scenario.Topics.Prefix),
                ("Consumers__MaxBatchSize", "200"),
                ("Consumers__MaxBatchWait", "00:00:00.050"),
                ("Kafka__Consumer__session.timeout.ms", "4000"),
                ("Kafka__Consumer__heartbeat.interval.ms", "500"),
                ("Kafka__Consumer__auto.commit.interval.ms", "1000"),
                ("Logging__LogLevel__Default", "Information"),
                .. settings,
            ]);
        return (process, Local(port));
    }

    /// <summary>The product's extractor, in this process, publishes the inbox once.</summary>
    public static async Task<IReadOnlyList<FileOutcome>> PublishAsync(PipelineScenario scenario, TimeSpan patience)
    {
        using var host = scenario.BuildHost(consumers: [], extractor: true);
        await host.StartAsync();
        try
        {
            return await host.Services.GetRequiredService<ExtractionRun>().Completed.WaitAsync(patience);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>How many partitions <c>/readyz</c> says the interval consumer owns; -1 when it is not a ready member.</summary>
    public static int OwnedPartitions(string readiness)
    {
        var match = OwnedPartitionsPattern().Match(readiness);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    [GeneratedRegex(@"consumer:intervals: ready \(member of [^,]+, (\d+) partition\(s\)\)")]
    private static partial Regex OwnedPartitionsPattern();
}
