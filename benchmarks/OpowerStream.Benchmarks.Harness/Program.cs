using System.Globalization;
using OpowerStream.Benchmarks.Harness;
using OpowerStream.Kafka.Native;

// Usage: opower-bench extract-plain|extract-plain-headers BOOTSTRAP_SERVERS TOPIC FILE
//        opower-bench apply-ours BOOTSTRAP_SERVERS TOPIC_PREFIX STORE ROWS
//        opower-bench group-timing
// Prints one line "rows=N seconds=S ..." on stdout (group-timing: one line per case); run.sh turns it into the table.
// The baselines and ours on the same librdkafka: the package's, as in the product.
BundledLibRdKafka.EnsureLoaded();

if (args is ["group-timing"])
{
    foreach (var line in GroupTimingDriver.Run())
    {
        Console.WriteLine(line);
    }

    return 0;
}

if (args is ["apply-ours", var servers, var prefix, var store, var rowsText]
    && long.TryParse(rowsText, CultureInfo.InvariantCulture, out var expectedRows))
{
    var applied = await ApplyDriver.RunAsync(new ApplyTarget(servers, prefix, store, expectedRows)).ConfigureAwait(false);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rows={applied.Rows} seconds={applied.Applying.TotalSeconds:F3} first_record_after={applied.FirstRecordAt.TotalSeconds:F3} total_seconds={applied.Total.TotalSeconds:F3}"));
    return applied.Rows == expectedRows ? 0 : 1;
}

if (args.Length != 4 || !ExtractDrivers.TryGet(args[0], out var driver))
{
    await Console.Error.WriteLineAsync(
        "usage: opower-bench extract-plain|extract-plain-headers BOOTSTRAP_SERVERS TOPIC FILE\n"
        + "       opower-bench apply-ours BOOTSTRAP_SERVERS TOPIC_PREFIX STORE ROWS\n"
        + "       opower-bench group-timing").ConfigureAwait(false);
    return 2;
}

var result = driver(new ExtractTarget(args[1], args[2], new FileInfo(args[3])));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"rows={result.Rows} seconds={result.Elapsed.TotalSeconds:F3}"));
return 0;
