using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using OpowerStream.Kafka.Native;

namespace OpowerStream.Cli;

/// <summary>
/// <c>opower-stream --version</c>: the product's version and the versions of the parts an operator is asked
/// about first, with the native librdkafka file this process bound to.
/// </summary>
internal sealed class ProductVersions : SynchronousCommandLineAction
{
    public static IReadOnlyList<string> Lines() =>
    [
        $"opower-stream {InformationalVersion(typeof(ProductVersions).Assembly)}",
        $"librdkafka {BundledLibRdKafka.Version} ({BundledLibRdKafka.Path})",
        $"Confluent.Kafka {InformationalVersion(typeof(Confluent.Kafka.Library).Assembly)}",
        $"Apache.Avro {InformationalVersion(typeof(Avro.Schema).Assembly)}",
    ];

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        foreach (var line in Lines())
        {
            parseResult.InvocationConfiguration.Output.WriteLine(line);
        }

        return 0;
    }

    private static string InformationalVersion(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3)
            ?? "unknown";
        // The SDK appends "+<commit>" to informational versions; the commit is not the version.
        return version.Split('+')[0];
    }
}
