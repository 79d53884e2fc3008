using Microsoft.Extensions.Logging;
using OpowerStream.Cli.Soak;
using OpowerStream.Testing;
using Xunit.Abstractions;

namespace OpowerStream.IntegrationTests.Reliability;

/// <summary>
/// The soak in its CI setting: twenty seconds of files arriving under random broker faults and
/// consumer restarts, then the store against the generator's truth. Longer runs:
/// <c>opower-stream soak --minutes M --seed S</c>.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("opowerstream-soak-");

    [Fact]
    public async Task A_short_soak_with_broker_faults_and_consumer_restarts_ends_exactly_at_the_generators_truth()
    {
        using var progress = new StringWriter();
        var soak = new SoakRun(
            new SoakOptions { Duration = TimeSpan.FromSeconds(20), Seed = 5, WorkDirectory = work.FullName, ServicePoints = 15 },
            progress,
            logging => logging.AddProvider(new XunitLoggerProvider(output)).SetMinimumLevel(LogLevel.Warning));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var report = await soak.RunAsync(timeout.Token);

        output.WriteLine(progress.ToString());
        Assert.True(report.Passed, string.Join('\n', report.Problems));
        Assert.Equal(6, report.FilesDropped);
        Assert.NotEmpty(report.Faults);
        Assert.Contains(report.Faults, f => f.StartsWith("broker", StringComparison.Ordinal) || f.StartsWith("requests", StringComparison.Ordinal));
        Assert.True(report.ConsumerRestarts > 0, "The seed gave no consumer restart: choose another.");
    }

    [Fact]
    public async Task The_soak_command_refuses_a_duration_that_is_not_positive()
    {
        var soak = await OpowerStreamProcess.RunAsync(output, work.FullName, ["soak", "--minutes", "0", "--work", work.FullName]);

        Assert.Equal(2, soak.ExitCode);
        Assert.Contains("--minutes must be above 0", soak.Stderr, StringComparison.Ordinal);
        Assert.Empty(work.GetFileSystemInfos());
    }

    public void Dispose() => work.Delete(recursive: true);
}
