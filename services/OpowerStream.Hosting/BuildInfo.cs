using System.Reflection;
using OpowerStream.Kafka.Native;

namespace OpowerStream.Hosting;

/// <summary>
/// The versions an operator asks about first: this build's, the native librdkafka this process bound to,
/// Confluent.Kafka's and Apache.Avro's. <c>--version</c> prints them; <c>opowerstream_build_info</c> carries them as labels.
/// </summary>
public sealed record BuildInfo(string Version, string LibRdKafka, string LibRdKafkaPath, string ConfluentKafka, string ApacheAvro)
{
    private static readonly Lazy<BuildInfo> Loaded = new(() => new BuildInfo(
        InformationalVersion(typeof(BuildInfo).Assembly),
        BundledLibRdKafka.Version,
        BundledLibRdKafka.Path,
        InformationalVersion(typeof(Confluent.Kafka.Library).Assembly),
        InformationalVersion(typeof(Avro.Schema).Assembly)));

    /// <summary>This process's versions (loads the native librdkafka if nothing did yet).</summary>
    public static BuildInfo Current => Loaded.Value;

    private static string InformationalVersion(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3)
            ?? "unknown";
        // The SDK appends "+<commit>" to informational versions; the commit is not the version.
        return version.Split('+')[0];
    }
}
