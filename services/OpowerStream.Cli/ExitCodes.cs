namespace OpowerStream.Cli;

/// <summary>The exit codes of <c>opower-stream</c>, a contract for scripts (README, "The opower-stream command").</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed: a file failed, the brokers or the store refused, a replay was refused.</summary>
    public const int Failure = 1;

    /// <summary>The command line or the configuration is not usable: nothing was attempted.</summary>
    public const int Usage = 2;

    /// <summary><c>status</c>: a file failed (never finished) or its rows do not add up.</summary>
    public const int NotReconciled = 3;
}
