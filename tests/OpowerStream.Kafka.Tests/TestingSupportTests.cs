using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using OpowerStream.Testing;
using Xunit.Abstractions;

namespace OpowerStream.Kafka.Tests;

/// <summary>The shared test helpers in OpowerStream.Testing, which every test project relies on.</summary>
public sealed class TestingSupportTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public void Each_call_gets_its_own_topics_all_present_on_the_broker()
    {
        var first = kafka.CreateTopics("same name", partitions: 2);
        var second = kafka.CreateTopics("same name", partitions: 2);

        Assert.NotEqual(first.Prefix, second.Prefix);
        Assert.StartsWith("t-same-name-", first.Prefix, StringComparison.Ordinal);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var served = admin.GetMetadata(TestClients.Patience).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
        Assert.All(first.All.Concat(second.All), topic => Assert.Equal(2, served[topic]));
    }

    [Fact]
    public void Logs_reach_the_test_output_with_level_category_and_exception()
    {
        var output = new RecordingOutput();
        using var factory = output.ToLoggerFactory(LogLevel.Information);

        var logger = factory.CreateLogger("Extractor");
        logger.LogDebug("hidden");
        logger.LogWarning(new InvalidDataException("bad row"), "Rejected {Count} rows", 3);

        var line = Assert.Single(output.Lines);
        Assert.Contains("Warning", line, StringComparison.Ordinal);
        Assert.Contains("Extractor: Rejected 3 rows", line, StringComparison.Ordinal);
        Assert.Contains("bad row", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Logging_after_the_test_finished_is_dropped_instead_of_failing_the_caller()
    {
        var output = new RecordingOutput { Finished = true };
        using var factory = output.ToLoggerFactory();

        factory.CreateLogger("Consumer").LogInformation("stopping");

        Assert.Empty(output.Lines);
    }

    private sealed class RecordingOutput : ITestOutputHelper
    {
        public List<string> Lines { get; } = [];

        public bool Finished { get; init; }

        public void WriteLine(string message)
        {
            if (Finished)
            {
                throw new InvalidOperationException("There is no currently active test.");
            }

            Lines.Add(message);
        }

        public void WriteLine(string format, params object[] args) => WriteLine(string.Format(format, args));
    }
}
