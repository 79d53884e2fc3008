using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Kafka;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>replay ENTITY</c>: moves the entity consumer group's committed offsets so its consumers read the rows
/// again. Prints the plan and changes nothing without <c>--execute</c>. Replaying is safe because every
/// apply is sequence-guarded: re-read rows converge to the same state.
/// </summary>
internal static class ReplayCommand
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(15);

    public static Command Create()
    {
        var entity = new Argument<string>("entity") { Description = string.Join(" | ", Enum.GetValues<Entity>().Select(e => e.Name())) };
        entity.AcceptOnlyFromAmong([.. Enum.GetValues<Entity>().Select(e => e.Name())]);
        var group = new Option<string?>("--group") { Description = "Consumer group (default: Consumers:GroupPrefix-ENTITY)" };
        var toEarliest = new Option<bool>("--to-earliest") { Description = "Back to the oldest retained record" };
        var toOffset = new Option<string?>("--to-offset") { Description = "PARTITION:OFFSET,... (unlisted partitions keep their offset)" };
        var shiftBy = new Option<long?>("--shift-by") { Description = "Move every partition by N records (negative goes back)" };
        var toDatetime = new Option<DateTimeOffset?>("--to-datetime")
        {
            Description = "First record at or after this time, e.g. 2026-01-31T00:00:00Z (needs a broker with a timestamp index: real Kafka, not the embedded mock)",
        };
        var execute = new Option<bool>("--execute") { Description = "Commit the new offsets (without it, only print the plan)" };
        var bootstrap = new Option<string?>("--bootstrap-servers") { Description = "Kafka bootstrap servers (default: Kafka:BootstrapServers)" };
        var command = new Command("replay", "Move an entity consumer group's offsets to re-read rows; prints the plan, changes nothing without --execute")
        {
            entity, group, toEarliest, toOffset, shiftBy, toDatetime, execute, bootstrap,
        };
        command.Validators.Add(result =>
        {
            var targets = new Option[] { toEarliest, toOffset, shiftBy, toDatetime }.Count(o => result.GetResult(o) is not null);
            if (targets != 1)
            {
                result.AddError("Give exactly one of --to-earliest, --to-offset, --shift-by, --to-datetime.");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.CreateHostBuilder(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = parse.GetValue(bootstrap),
            }).Configuration;
            var kafka = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>() ?? new KafkaOptions();
            if (string.IsNullOrWhiteSpace(kafka.BootstrapServers))
            {
                await Console.Error.WriteLineAsync("replay: no brokers: give --bootstrap-servers or set Kafka:BootstrapServers.").ConfigureAwait(false);
                return 2;
            }

            // The argument accepts only entity names, so the parse cannot fail here.
            var chosen = EntityNames.TryParse(parse.GetRequiredValue(entity), out var parsed) ? parsed : throw new UnreachableException();
            var consumers = configuration.GetSection(ConsumerOptions.Section).Get<ConsumerOptions>() ?? new ConsumerOptions();
            var request = new ReplayRequest(
                kafka.BootstrapServers,
                kafka.Consumer,
                parse.GetValue(group) ?? consumers.GroupId(chosen.Name()),
                new TopicNames(kafka.TopicPrefix).Rows(chosen),
                parse.GetValue(execute));
            try
            {
                Func<ConsumerGroupReplay, ReplayTarget> target = parse.GetValue(toDatetime) is { } time
                    ? replay => replay.OffsetsAt(request.Topic, time)
                    : _ => Target(parse.GetValue(toEarliest), parse.GetValue(toOffset), parse.GetValue(shiftBy));
                return Run(request, target, Console.Out);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or ConsumerGroupActiveException or KafkaException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"replay: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static ReplayTarget Target(bool toEarliest, string? toOffset, long? shiftBy) =>
        toEarliest ? new ReplayToEarliest()
        : toOffset is not null ? ReplayToOffsets.Parse(toOffset)
        : new ReplayShiftBy(shiftBy!.Value);

    private static int Run(ReplayRequest request, Func<ConsumerGroupReplay, ReplayTarget> target, TextWriter output)
    {
        using var replay = new ConsumerGroupReplay(request.BootstrapServers, request.GroupId, request.ClientConfig, KafkaTimeout);
        var plan = replay.Plan(request.Topic, target(replay));
        foreach (var line in plan.Describe())
        {
            output.WriteLine(line);
        }

        if (!request.Execute)
        {
            output.WriteLine("Dry run: nothing changed. Add --execute to commit these offsets.");
            return 0;
        }

        replay.Execute(plan);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Committed {plan.Partitions.Count(p => p.Changes)} partition offset(s) for group {plan.GroupId}; its consumers resume there when started."));
        return 0;
    }

    private sealed record ReplayRequest(
        string BootstrapServers, IReadOnlyDictionary<string, string> ClientConfig, string GroupId, string Topic, bool Execute);
}
