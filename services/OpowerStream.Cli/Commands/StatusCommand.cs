using System.CommandLine;
using OpowerStream.Domain;
using OpowerStream.Kafka;
using OpowerStream.Storage;

namespace OpowerStream.Cli.Commands;

/// <summary>
/// <c>status</c>: per file and per entity reconciliation, yesterday's interval completeness, consumers, consumer lag
/// and the last rejects, from the store (and the brokers), as text or JSON; the exit code says whether every file
/// reconciles, so a script need not parse.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var bootstrap = new Option<string?>("--bootstrap-servers") { Description = "Kafka bootstrap servers, to show consumer lag (default: Kafka:BootstrapServers)" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "text (aligned tables) or json (one document, shape in README)",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong("text", "json");
        var commandConfig = CommonOptions.CommandConfig();
        var command = new Command("status", "Show every file's reconciliation, totals per entity, yesterday's interval completeness, the running consumers, consumer lag and the last rejects; exits 3 when a file does not reconcile")
        {
            store, bootstrap, output, commandConfig,
        };
        command.SetAction((parse, ct) => ServiceOptions.ReportingBadSettingsAsync("status", async () =>
        {
            var settings = OperatorSettings.Load(parse.GetValue(bootstrap), parse.GetValue(commandConfig));
            var opened = await OperatorSettings.OpenStoreAsync(parse.GetValue(store), ct).ConfigureAwait(false);
            await using (opened.ConfigureAwait(false))
            {
                var files = await opened.GetFilesAsync(ct).ConfigureAwait(false);
                var members = await opened.GetMembersAsync(groupId: null, ct).ConfigureAwait(false);
                // The latest rejects: those of the newest files (by the timestamp in their name), last lines first out.
                var latest = new PriorityQueue<RejectRecord, SourceSequence>(StatusReport.RejectsShown + 1);
                var rejectCount = 0L;
                await foreach (var reject in opened.ReadRejectsAsync(ct).ConfigureAwait(false))
                {
                    rejectCount++;
                    latest.Enqueue(reject, reject.Lineage.Sequence);
                    if (latest.Count > StatusReport.RejectsShown)
                    {
                        latest.Dequeue();
                    }
                }

                var lastRejects = latest.UnorderedItems.Select(item => item.Element).OrderBy(r => r.Lineage.Sequence).ToList();
                var now = DateTime.UtcNow;
                var completeness = await CompletenessDays.SummarizeLastFullDayAsync(opened, now, ct).ConfigureAwait(false);
                var status = new StatusData(files, members, lastRejects, rejectCount, MeasureLag(settings), completeness);
                if (parse.GetValue(output) == "json")
                {
                    StatusJson.Write(Console.Out, status);
                }
                else
                {
                    StatusReport.Write(Console.Out, status, now);
                }

                return status.AllReconcile ? ExitCodes.Success : ExitCodes.NotReconciled;
            }
        }));
        return command;
    }

    private static List<EntityLag>? MeasureLag(OperatorSettings settings) =>
        settings.BootstrapServers is not { } servers
            ? null
            : Enum.GetValues<Entity>()
                .Select(entity =>
                {
                    var group = settings.Consumers.GroupId(entity.Name());
                    return new EntityLag(entity.Name(), group,
                        ConsumerLag.Get(servers, group, [settings.Topics.Rows(entity)], settings.Kafka.ConsumerSettings(), OperatorSettings.KafkaTimeout));
                })
                .ToList();
}
