using System.CommandLine;
using OpowerStream.Cli;
using OpowerStream.Kafka.Native;

// One librdkafka per process, the one shipped with Confluent.Kafka: never whatever the system's loader finds first.
try
{
    BundledLibRdKafka.EnsureLoaded();
}
catch (LibRdKafkaMismatchException e)
{
    await Console.Error.WriteLineAsync($"opower-stream: {e.Message}").ConfigureAwait(false);
    return 1;
}

// Ctrl-C and SIGTERM cancel the command; a service then gets the host's own shutdown time to apply the
// batch in hand, commit offsets and leave its consumer group (System.CommandLine would give up after 2 s).
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
return await OpowerStreamCommand.InvokeAsync(args, invocation).ConfigureAwait(false);
