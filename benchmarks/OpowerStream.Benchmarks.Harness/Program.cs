using System.Globalization;
using OpowerStream.Benchmarks.Harness;

// Usage: opower-bench extract-ours|extract-plain BOOTSTRAP_SERVERS TOPIC FILE
// Prints one line "rows=N seconds=S peak_managed_mb=M" on stdout; run.sh turns it into the table.
if (args.Length != 4 || !ExtractDrivers.TryGet(args[0], out var driver))
{
    await Console.Error.WriteLineAsync("usage: opower-bench extract-ours|extract-plain BOOTSTRAP_SERVERS TOPIC FILE").ConfigureAwait(false);
    return 2;
}

var result = driver(new ExtractTarget(args[1], args[2], new FileInfo(args[3])));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"rows={result.Rows} seconds={result.Elapsed.TotalSeconds:F3}"));
return 0;
