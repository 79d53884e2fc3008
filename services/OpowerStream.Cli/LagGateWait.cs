using Microsoft.Extensions.Logging;
using OpowerStream.Hosting;
using OpowerStream.Kafka;

namespace OpowerStream.Cli;

/// <summary>What both lag gates do once they know how to measure: wait while the worst partition is beyond reach, saying so once.</summary>
internal static class LagGateWait
{
    public static async ValueTask WhileAboveAsync(
        Func<LocalPartitionLag?> worstLag, int maxLag, TimeSpan recheckInterval, ILogger logger, CancellationToken ct)
    {
        var waited = false;
        while (worstLag() is { } worst && worst.Lag > maxLag)
        {
            if (!waited)
            {
                Log.ExtractorWaitsForConsumers(logger, worst.Topic, worst.Partition, worst.Lag, maxLag);
                waited = true;
            }

            await Task.Delay(recheckInterval, ct).ConfigureAwait(false);
        }
    }
}
