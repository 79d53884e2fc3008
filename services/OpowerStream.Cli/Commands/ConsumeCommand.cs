using System.CommandLine;
using Microsoft.Extensions.Hosting;
using OpowerStream.Domain;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>consume rates|intervals|service-quantities</c>: one entity's consumer as its own process. Instances
/// started with the same group share the topic's partitions; a stopped or killed instance's partitions
/// move to the others. Ctrl-C or SIGTERM stops it gracefully: the batch in hand is applied, offsets are
/// committed and the consumer leaves its group at once instead of waiting for the session to time out.
/// </summary>
internal static class ConsumeCommand
{
    public static Command Create()
    {
        var names = Enum.GetValues<Entity>().Select(e => e.Name()).ToArray();
        var entity = new Argument<string>("entity") { Description = string.Join(" | ", names) };
        entity.AcceptOnlyFromAmong(names);
        var group = new Option<string?>("--group")
        {
            Description = "The consumer group (default Consumers:GroupPrefix-ENTITY, e.g. opowerstream-intervals); instances in one group share the partitions",
        };
        var service = new ServiceOptions(CommonOptions.BootstrapServers(
            "Kafka bootstrap servers (required here, or Kafka:BootstrapServers): a consumer cannot host the embedded broker for others"));
        var command = new Command("consume", "Run one entity's consumer as its own process; start more with the same group to scale out")
        {
            entity, group,
        };
        service.AddTo(command);
        command.SetAction((parse, ct) => EntityNames.TryParse(parse.GetRequiredValue(entity), out var chosen)
            ? ServiceOptions.ReportingBadSettingsAsync("consume", () => RunAsync(chosen, service.Overrides(parse), parse.GetValue(group), ct))
            : Task.FromResult(2));
        return command;
    }

    private static async Task<int> RunAsync(Entity entity, Dictionary<string, string?> overrides, string? group, CancellationToken ct)
    {
        overrides[$"Consumers:Groups:{entity.Name()}"] = group;
        var builder = CliConfiguration.CreateHostBuilder(overrides);
        if (string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"]))
        {
            await Console.Error.WriteLineAsync(
                "consume: no Kafka brokers configured: give --bootstrap-servers (or Kafka:BootstrapServers). A consumer alone cannot " +
                "host the embedded broker, since nothing else could publish to it: start `opower-stream dev-broker` and pass its " +
                "address, or use `opower-stream run` for the whole pipeline in one process.").ConfigureAwait(false);
            return 2;
        }

        using var host = builder.AddConsumerService(entity).Build();
        await host.RunAsync(ct).ConfigureAwait(false);
        // 0, or what a service set before stopping the host (a consumer giving up on a permanent failure).
        return Environment.ExitCode;
    }
}
