using System.CommandLine;
using System.CommandLine.Invocation;
using OpowerStream.Hosting;

namespace OpowerStream.Cli;

/// <summary>
/// <c>opower-stream --version</c>: the product's version and the versions of the parts an operator is asked
/// about first, with the native librdkafka file this process bound to.
/// </summary>
internal sealed class ProductVersions : SynchronousCommandLineAction
{
    public static IReadOnlyList<string> Lines()
    {
        var build = BuildInfo.Current;
        return
        [
            $"opower-stream {build.Version}",
            $"librdkafka {build.LibRdKafka} ({build.LibRdKafkaPath})",
            $"Confluent.Kafka {build.ConfluentKafka}",
            $"Apache.Avro {build.ApacheAvro}",
        ];
    }

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        foreach (var line in Lines())
        {
            parseResult.InvocationConfiguration.Output.WriteLine(line);
        }

        return 0;
    }
}
