namespace OpowerStream.Cli.Soak;

/// <summary>How long and how hard <see cref="SoakRun"/> runs.</summary>
public sealed record SoakOptions
{
    /// <summary>Time during which files keep arriving and faults keep coming; the catch-up afterwards is extra.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Same seed, same files and the same sequence of faults (their timing still varies with the machine).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Folder for the generated files, the inbox and the default SQLite store.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The store (<c>sqlite:PATH</c> or <c>postgres:...</c>); null: a SQLite file in <see cref="WorkDirectory"/>.</summary>
    public string? StoreLocation { get; init; }

    /// <summary>Meters in the generated files; every ten seconds of <see cref="Duration"/> bring one more month of files.</summary>
    public int ServicePoints { get; init; } = 20;

    /// <summary>How long the pipeline may take to account for every row once the faults stop.</summary>
    public TimeSpan CatchUpTimeout { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>What a soak did, and every way the store differs from the generator's truth (none, when it passed).</summary>
public sealed record SoakReport(int FilesDropped, long Rows, IReadOnlyList<string> Faults, int ConsumerRestarts, IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;
}
