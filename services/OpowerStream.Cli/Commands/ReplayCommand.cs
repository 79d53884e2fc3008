using System.CommandLine;
using System.Globalization;
using System.Xml;
using Confluent.Kafka;
using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>replay ENTITY</c>: moves the entity consumer group's committed offsets so its consumers read the rows
/// again. Prints the plan and changes nothing without <c>--execute</c>. Replaying is safe because every
/// apply is sequence-guarded: re-read rows converge to the same state. Refuses while the group is in use,
/// judged without joining it: by Kafka where it can list the group's members, and always by the members
/// the consumers record in the store.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Consumers refresh their record every 5 s; a record this old belongs to a process that is gone.</summary>
    private const int DefaultStaleAfterSeconds = 30;

    public static Command Create()
    {
        var entity = OperatorSettings.EntityArgument();
        var group = new Option<string?>("--group") { Description = "Consumer group (default: Consumers:GroupPrefix-ENTITY)" };
        var toEarliest = new Option<bool>("--to-earliest") { Description = "Back to the oldest retained record" };
        var toLatest = new Option<bool>("--to-latest") { Description = "To the end of every partition: skip what the group has not read" };
        var toOffset = new Option<ReplayTarget?>("--to-offset")
        {
            Description = "N for every partition, or PARTITION:OFFSET,... (unlisted partitions keep their offset)",
            CustomParser = result => CommonOptions.ParseOrReport(result, ReplayTarget.ParseOffsets),
        };
        var shiftBy = new Option<long?>("--shift-by") { Description = "Move every partition by N records (negative goes back)" };
        var toDatetime = new Option<DateTimeOffset?>("--to-datetime")
        {
            Description = "First record at or after this time, e.g. 2026-01-31T00:00:00Z (needs a broker with a timestamp index: real Kafka, not the embedded mock)",
        };
        var byDuration = new Option<TimeSpan?>("--by-duration")
        {
            Description = "First record at or after this long ago, an ISO-8601 duration such as PT1H or P1D (needs a timestamp index, as --to-datetime)",
            CustomParser = result => CommonOptions.ParseOrReport<TimeSpan?>(result, text => XmlConvert.ToTimeSpan(text) is { Ticks: > 0 } duration
                ? duration
                : throw new FormatException("the duration must be positive")),
        };
        var fromFile = new Option<FileInfo>("--from-file")
        {
            Description = "The offsets of a plan file: topic,partition,new-offset lines (as --export and kafka-consumer-groups --export write)",
        };
        fromFile.AcceptExistingOnly();
        var export = new Option<FileInfo?>("--export") { Description = "Also write the plan to FILE as topic,partition,new-offset lines" };
        var execute = new Option<bool>("--execute") { Description = "Commit the new offsets (without it, only print the plan)" };
        var bootstrap = new Option<string?>("--bootstrap-servers") { Description = "Kafka bootstrap servers (default: Kafka:BootstrapServers)" };
        var store = CommonOptions.Store();
        var staleAfter = new Option<int>("--force-stale-after")
        {
            Description = $"Treat a consumer whose last heartbeat in the store is older than SECONDS as gone (default {DefaultStaleAfterSeconds})",
            DefaultValueFactory = _ => DefaultStaleAfterSeconds,
        };
        staleAfter.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--force-stale-after must be at least 1 second.");
            }
        });
        var commandConfig = CommonOptions.CommandConfig();
        var command = new Command("replay", "Move an entity consumer group's offsets to re-read rows; prints the plan, changes nothing without --execute")
        {
            entity, group, toEarliest, toLatest, toOffset, shiftBy, toDatetime, byDuration, fromFile, export, execute, bootstrap, store, staleAfter, commandConfig,
        };
        Option[] targetOptions = [toEarliest, toLatest, toOffset, shiftBy, toDatetime, byDuration, fromFile];
        command.Validators.Add(result =>
        {
            if (targetOptions.Count(o => result.GetResult(o) is not null) != 1)
            {
                result.AddError($"Give exactly one of {string.Join(", ", targetOptions.Select(o => o.Name))}.");
            }
        });
        command.SetAction((parse, ct) => ServiceOptions.ReportingBadSettingsAsync("replay", async () =>
        {
            var settings = OperatorSettings.Load(parse.GetValue(bootstrap), parse.GetValue(commandConfig));
            if (settings.BootstrapServers is not { } servers)
            {
                await Console.Error.WriteLineAsync("replay: no brokers: give --bootstrap-servers or set Kafka:BootstrapServers.").ConfigureAwait(false);
                return 2;
            }

            var chosen = OperatorSettings.ParseEntity(parse, entity);
            var groupId = parse.GetValue(group) ?? settings.Consumers.GroupId(chosen.Name());
            var topic = settings.Topics.Rows(chosen);
            try
            {
                var opened = await OperatorSettings.OpenStoreAsync(parse.GetValue(store), ct).ConfigureAwait(false);
                await using (opened.ConfigureAwait(false))
                {
                    using var replay = new ConsumerGroupReplay(servers, groupId, settings.Kafka.ConsumerSettings(), OperatorSettings.KafkaTimeout);
                    var target = parse.GetValue(toDatetime) is { } time ? replay.OffsetsAt(topic, time)
                        : parse.GetValue(byDuration) is { } duration ? replay.OffsetsAt(topic, DateTimeOffset.UtcNow - duration)
                        : parse.GetValue(fromFile) is { } file ? ReadPlanFile(file, topic)
                        : parse.GetValue(toOffset) ?? Target(parse.GetValue(toEarliest), parse.GetValue(toLatest), parse.GetValue(shiftBy));
                    var plan = replay.Plan(topic, target);
                    foreach (var line in plan.Describe())
                    {
                        Console.Out.WriteLine(line);
                    }

                    if (parse.GetValue(export) is { } exportFile)
                    {
                        using var csv = exportFile.CreateText();
                        plan.WriteCsv(csv);
                        Console.Out.WriteLine($"Plan written to {exportFile.FullName}.");
                    }

                    var live = await LiveMembersAsync(opened, groupId, TimeSpan.FromSeconds(parse.GetValue(staleAfter)), ct).ConfigureAwait(false);
                    if (!parse.GetValue(execute))
                    {
                        Console.Out.WriteLine(live.Count == 0
                            ? "Dry run: nothing changed. Add --execute to commit these offsets."
                            : $"Dry run: nothing changed. --execute would be refused now: {live.Count} consumer(s) of the group run.");
                        return 0;
                    }

                    if (live.Count > 0)
                    {
                        throw new ConsumerGroupActiveException(groupId, live);
                    }

                    replay.Execute(plan);
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Committed {plan.Partitions.Count(p => p.Changes)} partition offset(s) for group {plan.GroupId}; its consumers resume there when started."));
                    return 0;
                }
            }
            catch (ConsumerGroupActiveException e)
            {
                await Console.Error.WriteLineAsync($"replay: {e.Message}").ConfigureAwait(false);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"replay: a consumer counts as running while its heartbeat in the store is younger than {parse.GetValue(staleAfter)} s; if its process is gone (killed), wait that long or pass --force-stale-after SECONDS."))
                    .ConfigureAwait(false);
                return 1;
            }
            catch (Exception e) when (e is FormatException or ArgumentException or KafkaException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"replay: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }));
        return command;
    }

    private static ReplayTarget Target(bool toEarliest, bool toLatest, long? shiftBy) =>
        toEarliest ? new ReplayToEarliest()
        : toLatest ? new ReplayToLatest()
        : new ReplayShiftBy(shiftBy!.Value);

    private static ReplayToOffsets ReadPlanFile(FileInfo file, string topic)
    {
        using var csv = file.OpenText();
        return ReplayToOffsets.ReadCsv(csv, topic);
    }

    /// <summary>The consumers of the group that recorded a heartbeat in the store within <paramref name="staleAfter"/>.</summary>
    private static async Task<List<string>> LiveMembersAsync(IMembershipStore store, string groupId, TimeSpan staleAfter, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        return (await store.GetMembersAsync(groupId, ct).ConfigureAwait(false))
            .Where(m => m.IsLive(now, staleAfter))
            .Select(m => string.Create(CultureInfo.InvariantCulture,
                $"{m.Host} pid {m.ProcessId}, heartbeat {(now - m.LastHeartbeat).TotalSeconds:0} s ago"))
            .ToList();
    }
}
