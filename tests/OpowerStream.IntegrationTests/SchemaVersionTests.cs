using System.Text;
using Avro;
using Confluent.Kafka;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Domain.Files;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// Today's consumers read what the earlier release published: row events of schema v1 (before
/// content_generation, with its fingerprint) are applied exactly like the same rows published by
/// today's extractor, also when both kinds share a topic.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class SchemaVersionTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Rate_events_of_schema_v1_give_the_same_store_as_the_current_extractors()
    {
        // Good rows, a row failing validation and a row the extractor could not read (a row_defect).
        var mixed = AccountFileName(20180101050000);
        var mixedContent = Accounts(("SA-1", "R1", "2018-01-01 00:00:00"), ("SA-2", "R2", "not a date"), ("SA-3", "R3", "2018-02-01 00:00:00"))
            + "ACC-SA-4\tSA-4\tonly three\n";
        var files = WorkedExampleFiles();
        var earlier = files[..2].Select(path => (Name: Path.GetFileName(path), Content: File.ReadAllText(path))).Append((mixed, mixedContent)).ToList();
        var later = files[2..];

        await using var current = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "schema-now");
        foreach (var (name, content) in earlier)
        {
            current.Drop(name, content);
        }

        foreach (var path in later)
        {
            current.DropCopy(path);
        }

        Assert.True((await current.RunOnceAsync(Entity.Rate)).Succeeded);

        await using var upgraded = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "schema-v1");
        var published = await PublishAsVersion1Async(upgraded, earlier);
        using (var consumers = upgraded.BuildHost([Entity.Rate], extractor: false))
        {
            await consumers.StartAsync();
            await upgraded.WaitUntilConsumedAsync(consumers, [Entity.Rate]);
            await consumers.StopAsync();
        }

        foreach (var path in later)
        {
            upgraded.DropCopy(path);
        }

        Assert.True((await upgraded.RunOnceAsync(Entity.Rate)).Succeeded);

        Assert.Equal(6, published);
        var rates = Lines(await current.RatesAsync());
        var rejects = Lines(await current.RejectsAsync());
        Assert.Contains(rates, line => line.StartsWith("SA-3,R3,2018-02-01T00:00:00Z,", StringComparison.Ordinal));
        Assert.Contains(rates, line => line.StartsWith("1234567890,ERES1,", StringComparison.Ordinal));
        Assert.Equal(2, rejects.Length);
        Assert.Equal(rates, Lines(await upgraded.RatesAsync()));
        Assert.Equal(rejects, Lines(await upgraded.RejectsAsync()));
    }

    /// <summary>
    /// What the earlier release's extractor published for <paramref name="files"/>: each row read as
    /// today, written by Apache.Avro with the v1 schema under the v1 fingerprint, keyed by the trimmed key.
    /// </summary>
    private async Task<int> PublishAsVersion1Async(PipelineScenario scenario, IEnumerable<(string Name, string Content)> files)
    {
        var version1 = (RecordSchema)Schema.Parse(EventSchemas.History(EventSchemas.FileName(Entity.Rate))[0]);
        var keyIndex = EntityLayout.For(Entity.Rate).KeyIndex;
        var count = 0;
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        foreach (var (name, content) in files)
        {
            Assert.True(InboundFileNames.TryParse(name, out var inboundName));
            using var reader = InboundFileReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(content)), inboundName);
            foreach (var row in reader.ReadRows())
            {
                var message = new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes(row.Values[keyIndex]?.Trim() ?? ""),
                    Value = ApacheAvroEvents.SingleObject(ApacheAvroEvents.Row(version1, Entity.Rate, row)),
                };
                await producer.ProduceAsync(scenario.Topics.Rows(Entity.Rate), message);
                count++;
            }
        }

        return count;
    }
}
