using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using OpowerStream.Domain;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.OperatorScenario;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// <c>opower-stream peek</c>: a topic's records as JSON lines, each body decoded by the schema it was written with, on the
/// row, dead-letter and files topics; a body that is not ours is shown as bytes and the peek goes on.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PeekTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Peek_decodes_rows_dead_letters_and_file_events_by_their_writer_schema_and_shows_a_foreign_body_as_bytes()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "peek");
        var file = TestFiles.AccountFileName(20260101000000);
        scenario.Drop(file, TestFiles.Accounts(("1", "PK-A", "2026-01-01 00:00:00"), ("2", "PK-B", "not a date"), ("3", "PK-C", "2026-01-01 00:00:00")));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        var rates = scenario.Topics.Rows(Entity.Rate);
        await ProduceAsync(rates, "junk", [0x01, 0x02, 0x03]);

        var rows = await PeekAsync(scenario, 0, "rates");
        var deadLetters = await PeekAsync(scenario, 0, "rates.dlq");
        var files = await PeekAsync(scenario, 0, "files");

        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(rates, r.GetProperty("topic").GetString()));
        var decoded = rows.Where(r => r.TryGetProperty("value", out _)).ToList();
        Assert.Equal(["1", "2", "3"], decoded.Select(r => r.GetProperty("value").GetProperty("service_agreement_id").GetString()).Order());
        Assert.All(decoded, r =>
        {
            Assert.Equal("opowerstream.events.RateRowEvent", r.GetProperty("schema").GetString());
            Assert.Equal(file, r.GetProperty("value").GetProperty("lineage").GetProperty("source_file").GetString());
            Assert.Equal(r.GetProperty("value").GetProperty("service_agreement_id").GetString(), r.GetProperty("key").GetString());
            Assert.True(DateTimeOffset.TryParse(r.GetProperty("timestamp").GetString(), out _));
            Assert.Contains(r.GetProperty("headers").EnumerateArray(), h => h.GetProperty("key").GetString() == "opower.file" && h.GetProperty("value").GetString() == file);
        });
        var junk = Assert.Single(rows, r => r.TryGetProperty("error", out _));
        Assert.Equal(("junk", "AQID"), (junk.GetProperty("key").GetString(), junk.GetProperty("value_base64").GetString()));
        Assert.Contains("Not an Avro single-object encoded event", junk.GetProperty("error").GetString(), StringComparison.Ordinal);

        var deadLetter = Assert.Single(deadLetters);
        Assert.Equal(scenario.Topics.DeadLetter(Entity.Rate), deadLetter.GetProperty("topic").GetString());
        Assert.Equal("opowerstream.events.RejectedRowEvent", deadLetter.GetProperty("schema").GetString());
        Assert.Equal(("2", "invalid_datetime"), (deadLetter.GetProperty("key").GetString(), deadLetter.GetProperty("value").GetProperty("rule").GetString()));
        Assert.Equal(3, deadLetter.GetProperty("value").GetProperty("lineage").GetProperty("line").GetInt64());

        var published = Assert.Single(files, f => f.GetProperty("value").GetProperty("file_name").GetString() == file
            && f.GetProperty("value").GetProperty("rows_read").ValueKind == JsonValueKind.Number);
        Assert.Equal("opowerstream.events.FileEvent", published.GetProperty("schema").GetString());
        Assert.Equal(3, published.GetProperty("value").GetProperty("rows_read").GetInt64());
    }

    [Fact]
    public async Task Peek_starts_at_an_offset_or_the_last_records_stops_after_max_and_follows_new_records()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "peek-positions");
        var topic = scenario.Topics.Rows(Entity.Interval);
        for (var i = 0; i < 5; i++)
        {
            await ProduceAsync(topic, $"k{i}", Encoding.UTF8.GetBytes($"v{i}"), partition: 1);
        }

        var fromOffset = await PeekAsync(scenario, 0, "intervals", "--offset", "1:3");
        var lastTwo = await PeekAsync(scenario, 0, "intervals", "--last", "2");
        var firstTwo = await PeekAsync(scenario, 0, topic, "--partition", "1", "--from-beginning", "--max", "2");

        Assert.Equal<string?>(["k3", "k4"], Keys(fromOffset));
        Assert.Equal<string?>(["k3", "k4"], Keys(lastTwo));
        Assert.Equal<string?>(["k0", "k1"], Keys(firstTwo));
        Assert.Empty(await PeekAsync(scenario, 0, "intervals", "--partition", "0"));
        var unknownPartition = await RunCliAsync(scenario, kafka, output, "peek", "intervals", "--partition", "7");
        Assert.Equal(1, unknownPartition.ExitCode);
        Assert.Contains("has no partition 7", unknownPartition.Stderr, StringComparison.Ordinal);

        using var follower = OpowerStreamProcess.Start(output, Path.GetTempPath(),
            ["peek", "intervals", "--last", "1", "--follow", "--bootstrap-servers", kafka.BootstrapServers], ("Kafka__TopicPrefix", scenario.Topics.Prefix));
        await WaitForLinesAsync(follower, 1);
        await ProduceAsync(topic, "later", Encoding.UTF8.GetBytes("new"), partition: 2);
        await WaitForLinesAsync(follower, 2);
        Assert.False(follower.HasExited);
        follower.Terminate();
        var followed = await follower.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, followed.ExitCode);
        Assert.Equal<string?>(["k4", "later"], Keys(Lines(followed.Stdout)));
    }

    private async Task<List<JsonElement>> PeekAsync(PipelineScenario scenario, int exitCode, params string[] arguments)
    {
        var run = await RunCliAsync(scenario, kafka, output, ["peek", .. arguments]);
        Assert.Equal(exitCode, run.ExitCode);
        return Lines(run.Stdout);
    }

    private static List<JsonElement> Lines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    private static List<string?> Keys(List<JsonElement> records) => [.. records.Select(r => r.GetProperty("key").GetString())];

    private async Task ProduceAsync(string topic, string key, byte[] value, int partition = 0)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<string, byte[]> { Key = key, Value = value });
    }

    private static async Task WaitForLinesAsync(OpowerStreamProcess process, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (process.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < count)
        {
            Assert.True(DateTime.UtcNow < deadline && !process.HasExited, $"peek --follow printed fewer than {count} lines: {process.Stdout}");
            await Task.Delay(100);
        }
    }
}
