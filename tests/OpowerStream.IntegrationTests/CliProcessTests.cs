using Confluent.Kafka;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>The <c>opower-stream</c> executable as an operator runs it: separate processes, exit codes, stdout.</summary>
public sealed class CliProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("opowerstream-cli-");

    [Fact]
    public async Task Run_once_on_the_embedded_defaults_then_export_rates_prints_the_worked_example_history()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(work.FullName, "inbox"));
        foreach (var file in WorkedExampleFiles())
        {
            File.Copy(file, Path.Combine(inbox.FullName, Path.GetFileName(file)));
        }

        var store = $"sqlite:{Path.Combine(work.FullName, "state.db")}";
        var run = await RunAsync("run", "--inbox", inbox.FullName, "--store", store, "--once");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Rows: 4 read, 4 applied, 0 rejected", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("CONFWARN", run.Stdout + run.Stderr, StringComparison.Ordinal);

        var export = await RunAsync("export", "rates", "--store", store);
        Assert.Equal(0, export.ExitCode);
        Assert.Equal(
            [
                "service_agreement_id,sa_rate_code,effective_datetime,end_datetime,updated_at,account_id",
                "1234567890,ER-BASIC,2018-01-01T00:00:00Z,2018-04-30T23:59:59Z,2017-12-31T21:15:00Z,4000000001",
                "1234567890,ER_BASIC,2018-05-01T00:00:00Z,2018-05-31T23:59:59Z,2018-05-01T21:15:00Z,4000000001",
                "1234567890,ERES1,2018-06-01T00:00:00Z,,2018-05-31T21:15:00Z,4000000001",
            ],
            export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Dev_broker_serves_the_product_topics_to_other_processes()
    {
        using var broker = Start("dev-broker", "--partitions", "2", "--topic-prefix", "devtest");
        var bootstrap = await broker.WaitForStdoutLineAsync(line => line.Length > 0, TimeSpan.FromSeconds(30));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var topic = admin.GetMetadata("devtest.rates", TimeSpan.FromSeconds(10)).Topics.Single();
        Assert.Equal(2, topic.Partitions.Count);

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        var delivered = await producer.ProduceAsync("devtest.intervals", new Message<string, string> { Key = "SP-1", Value = "hello" });
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
    }

    [Fact]
    public async Task A_bad_setting_stops_the_run_at_start_with_a_message_naming_it()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(work.FullName, "inbox"));
        var run = await RunAsync(["run", "--inbox", inbox.FullName, "--store", $"sqlite:{Path.Combine(work.FullName, "s.db")}", "--once"],
            ("Utility__TimeZone", "Mars/Olympus_Mons"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Mars/Olympus_Mons", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Utility:TimeZone", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_store_is_refused_with_a_message_that_never_echoes_the_password()
    {
        var export = await RunAsync("export", "rates", "--store", "mysql:Password=hunter2");
        Assert.Equal(2, export.ExitCode);
        Assert.Contains("Unknown store 'mysql'", export.Stderr, StringComparison.Ordinal);

        var run = await RunAsync("run", "--inbox", work.FullName, "--store", "mysql:Password=hunter2", "--once");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Store:Location is not usable: Unknown store 'mysql'", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", export.Stdout + export.Stderr + run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_refuses_an_unsupported_interval_length()
    {
        var run = await RunAsync("generate", "--out", work.FullName, "--service-points", "2", "--days", "1", "--interval", "7");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Interval minutes must be one of 5, 15, 30, 60, 1440 (got 7)", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(work.GetFiles());
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'bogus'", "bogus")]
    [InlineData("Required command was not provided", "")]
    [InlineData("Option '--inbox' is required", "extract")]
    [InlineData("Option '--out' is required", "generate", "--service-points", "2", "--days", "1", "--interval", "60")]
    [InlineData("Give exactly one of --to-earliest", "replay", "rates")]
    [InlineData("Argument 'xml' not recognized", "status", "--output", "xml")]
    [InlineData("--by-duration '1h': The string '1h' is not a valid TimeSpan value.", "replay", "rates", "--by-duration", "1h")]
    [InlineData("--to-offset '0:x': '0:x' is not PARTITION:OFFSET", "replay", "rates", "--to-offset", "0:x")]
    [InlineData("Give exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file.", "replay", "rates", "--to-latest", "--to-offset", "3")]
    [InlineData("Unrecognized command or argument '--frobnicate'", "export", "rates", "--frobnicate")]
    [InlineData("File does not exist: 'missing.properties'", "status", "--command-config", "missing.properties")]
    [InlineData("Give at most one of --from-beginning, --offset, --last.", "peek", "rates", "--last", "1", "--from-beginning")]
    [InlineData("--offset '1:x': '1:x' is not PARTITION:OFFSET", "peek", "rates", "--offset", "1:x")]
    public async Task A_command_line_that_does_not_parse_exits_2_and_says_why(string message, params string[] arguments)
    {
        var run = await RunAsync([.. arguments.Where(a => a.Length > 0)]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(work.GetFileSystemInfos());
    }

    [Theory]
    [InlineData("run", "--once", "--inbox", ".")]
    [InlineData("extract", "--once", "--inbox", ".")]
    [InlineData("consume", "rates")]
    [InlineData("status")]
    [InlineData("replay", "rates", "--to-earliest")]
    [InlineData("redrive", "rates")]
    [InlineData("peek", "rates")]
    public async Task Every_command_that_talks_to_Kafka_applies_its_command_config_as_shared_client_settings(params string[] command)
    {
        var properties = Path.Combine(work.FullName, "client.properties");
        File.WriteAllText(properties, "# as for kafka-consumer-groups\nsecurity.protocol=PLAINTEXT\nsasl.password=hunter2\nno.such.property=1\n");

        string[] store = command[0] == "peek" ? [] : ["--store", $"sqlite:{Path.Combine(work.FullName, "s.db")}"];
        var run = await RunAsync([.. command, "--command-config", properties, "--bootstrap-servers", "127.0.0.1:1", .. store]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Kafka:Client:no.such.property: No such configuration property", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Kafka:Client:security.protocol", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => work.Delete(recursive: true);

    private Task<OpowerStreamProcess.Result> RunAsync(params string[] arguments) => RunAsync(arguments, []);

    private Task<OpowerStreamProcess.Result> RunAsync(string[] arguments, params (string Name, string Value)[] environment) =>
        OpowerStreamProcess.RunAsync(output, work.FullName, arguments, environment);

    private OpowerStreamProcess Start(params string[] arguments) => OpowerStreamProcess.Start(output, work.FullName, arguments);
}
