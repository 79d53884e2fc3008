using System.Net;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.ServiceEndpoints;

namespace OpowerStream.IntegrationTests;

/// <summary><c>opower-stream consume</c> as its own process: refusal without brokers, graceful stop, secrets kept out of the output.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ConsumeProcessTests(KafkaFixture kafka, ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("opowerstream-consume-");

    [Fact]
    public async Task Consume_without_brokers_refuses_with_a_message_saying_what_to_do()
    {
        var run = await OpowerStreamProcess.RunAsync(output, work.FullName,
            ["consume", "intervals", "--store", $"sqlite:{Path.Combine(work.FullName, "s.db")}"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("consume: no Kafka brokers configured: give --bootstrap-servers", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(work.FullName, "s.db")));
    }

    [Fact]
    public async Task Consume_joins_its_group_serves_health_and_on_SIGTERM_leaves_the_group_and_exits_0_never_printing_the_SASL_passwords_of_its_settings_or_command_config()
    {
        const string Password = "s3cret-Pa55word-never-logged";
        var topics = kafka.CreateTopics("consume-sigterm");
        var group = KafkaFixture.UniqueGroup("consume-sigterm");
        const string FilePassword = "f1le-Pa55word-never-logged";
        var port = FreePort();
        var properties = Path.Combine(work.FullName, "client.properties");
        await File.WriteAllTextAsync(properties, $"# Kafka's tools' client.properties\nsasl.username=opower\nsasl.password={FilePassword}\n");
        using var consumer = OpowerStreamProcess.Start(output, work.FullName,
            ["consume", "rates", "--bootstrap-servers", kafka.BootstrapServers, "--group", group, "--command-config", properties,
             "--store", $"sqlite:{Path.Combine(work.FullName, "s.db")}", "--health-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ("Kafka__TopicPrefix", topics.Prefix),
            ("Kafka__Client__sasl.password", Password),
            ("Kafka__Consumer__sasl.username", "opower"),
            ("Kafka__Consumer__sasl.password", Password),
            ("Kafka__Producer__sasl.password", Password),
            ("Logging__LogLevel__Default", "Debug"));

        var ready = await WaitUntilReadyAsync(Local(port), TimeSpan.FromSeconds(60),
            body => body.Contains($"consumer:rates: ready (member of {group}", StringComparison.Ordinal), consumer);
        Assert.Contains("store: ready (Sqlite)", ready, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Local(port), "/healthz")).Status);
        var (metricsStatus, metrics, _) = await GetAsync(Local(port), "/metrics");
        Assert.Equal(HttpStatusCode.OK, metricsStatus);
        // A series appears once first recorded; before any row is applied, the build info and the process's own metrics are there.
        Assert.Contains("opowerstream_build_info{avro=\"1.12.2\",confluent_kafka=\"2.16.0\",librdkafka=\"2.16.0\",", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_cpu_time_seconds_total counter", metrics, StringComparison.Ordinal);

        consumer.Terminate();
        var result = await consumer.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Consumer rates closed: offsets committed, left group {group}", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Stdout + result.Stderr + ready + metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(FilePassword, result.Stdout + result.Stderr + ready + metrics, StringComparison.Ordinal);
    }

    public void Dispose() => work.Delete(recursive: true);
}
