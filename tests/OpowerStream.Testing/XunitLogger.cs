using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace OpowerStream.Testing;

/// <summary>Writes logs to the running test's output, so a failing test shows what the code said.</summary>
public sealed class XunitLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new XunitLogger(output, categoryName);

    public void Dispose()
    {
    }
}

public static class TestOutputLogging
{
    public static ILoggerFactory ToLoggerFactory(this ITestOutputHelper output, LogLevel minimumLevel = LogLevel.Debug) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(minimumLevel)
            .AddProvider(new XunitLoggerProvider(output)));
}

internal sealed class XunitLogger(ITestOutputHelper output, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} {category}: {formatter(state, exception)}";
        if (exception is not null)
        {
            line += Environment.NewLine + exception;
        }

        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test already finished; a background service logging during shutdown has nowhere to write.
        }
    }
}
