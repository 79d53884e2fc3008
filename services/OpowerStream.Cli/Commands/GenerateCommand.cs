using System.CommandLine;
using System.Globalization;
using OpowerStream.Samples;

namespace OpowerStream.Cli.Commands;

/// <summary><c>generate</c>: realistic gzip'd interval, service-quantity and account files, optionally with a known share of bad rows.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the files into", Required = true };
        var servicePoints = new Option<int>("--service-points") { Description = "Number of service points (meters)", Required = true };
        var days = new Option<int>("--days") { Description = "Days of interval data", Required = true };
        var interval = new Option<int>("--interval") { Description = "Interval length in minutes: 5, 15, 30, 60 or 1440", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same files)", DefaultValueFactory = _ => 1 };
        var errors = new Option<double>("--errors") { Description = "Share of bad rows, 0 to 1", DefaultValueFactory = _ => 0 };
        var command = new Command("generate", "Write sample Opower files with correct names, and a manifest.json of what they hold")
        {
            output, servicePoints, days, interval, seed, errors,
        };
        command.SetAction((parse, ct) =>
        {
            var options = new GeneratorOptions
            {
                OutputDirectory = parse.GetRequiredValue(output).FullName,
                ServicePoints = parse.GetValue(servicePoints),
                Days = parse.GetValue(days),
                IntervalMinutes = parse.GetValue(interval),
                Seed = parse.GetValue(seed),
                ErrorRate = parse.GetValue(errors),
            };
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine($"generate: {problem}");
                }

                return Task.FromResult(2);
            }

            var result = SampleGenerator.Generate(options, ct);
            foreach (var file in result.Files)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(file.Path)}: {file.Rows} rows, {file.BadRows} bad"));
            }

            Console.WriteLine($"Manifest: {result.ManifestPath}");
            return Task.FromResult(0);
        });
        return command;
    }
}
