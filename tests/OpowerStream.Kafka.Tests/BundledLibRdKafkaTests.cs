using Confluent.Kafka;
using OpowerStream.Kafka.Native;
using OpowerStream.Testing;

namespace OpowerStream.Kafka.Tests;

/// <summary>
/// One librdkafka per process, the package's: this machine also has Debian's librdkafka 2.0.2 (kcat brings it), which
/// .NET's loader would otherwise pick up silently.
/// </summary>
public sealed class BundledLibRdKafkaTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public void Confluent_Kafka_runs_on_the_librdkafka_shipped_beside_the_tests_in_the_version_it_was_built_for()
    {
        var confluent = typeof(Library).Assembly.GetName().Version!;

        Assert.StartsWith(Path.GetFullPath(AppContext.BaseDirectory), BundledLibRdKafka.Path, StringComparison.Ordinal);
        Assert.StartsWith($"{confluent.Major}.{confluent.Minor}.", Library.VersionString, StringComparison.Ordinal);
        Assert.Equal(Library.VersionString, BundledLibRdKafka.Version);
    }

    [Fact]
    public void The_process_has_mapped_no_librdkafka_file_but_the_bundled_one()
    {
        // A client and a mock-cluster call have both run, so both bindings are resolved by now.
        TestClients.ProduceNumbered(kafka.BootstrapServers, kafka.CreateTopics("one-librdkafka").Rows(Domain.Entity.Rate), count: 1);
        using (var cluster = MockKafkaCluster.Start())
        {
            cluster.CreateTopic("mapped", 1);
        }

        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();

        Assert.Equal([BundledLibRdKafka.Path], mapped);
    }
}
