using Microsoft.Extensions.Logging;

namespace OpowerStream.Hosting;

/// <summary>Every log message of the services, with its event id, in one place.</summary>
public static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Store opened: {Store}")]
    public static partial void StoreOpened(ILogger logger, string store);

    [LoggerMessage(1100, LogLevel.Information, "File {File} ({Entity}) started: {SizeBytes} bytes")]
    public static partial void FileStarted(ILogger logger, string file, string entity, long sizeBytes);

    [LoggerMessage(1101, LogLevel.Information, "File {File} ({Entity}) published: {Rows} rows in {ElapsedMs} ms")]
    public static partial void FilePublished(ILogger logger, string file, string entity, long rows, long elapsedMs);

    [LoggerMessage(1102, LogLevel.Warning, "File {File} refused: {Reason}: {Detail}")]
    public static partial void FileRefused(ILogger logger, string file, string reason, string detail);

    [LoggerMessage(1103, LogLevel.Information, "File {File}: ignored unknown columns {Columns}")]
    public static partial void UnknownColumns(ILogger logger, string file, string columns);

    [LoggerMessage(1104, LogLevel.Error, "File {File} failed and stays in the inbox for the next attempt")]
    public static partial void FileFailed(ILogger logger, string file, Exception exception);

    [LoggerMessage(1105, LogLevel.Information, "Extractor watching {Inbox}")]
    public static partial void ExtractorWatching(ILogger logger, string inbox);

    [LoggerMessage(1106, LogLevel.Information, "Extractor waits for the consumers: lag {Lag} on {Topic}[{Partition}] is above {MaxLag}")]
    public static partial void ExtractorWaitsForConsumers(ILogger logger, string topic, int partition, long lag, int maxLag);


    [LoggerMessage(1201, LogLevel.Debug, "Consumer {Entity} applied a batch: {Applied} valid, {Rejected} rejected in {ElapsedMs} ms")]
    public static partial void BatchApplied(ILogger logger, string entity, int applied, int rejected, long elapsedMs);

    [LoggerMessage(1202, LogLevel.Warning, "Consumer {Entity}: applying a batch failed transiently (attempt {Attempt}); retrying in {DelayMs} ms without advancing offsets")]
    public static partial void BatchRetry(ILogger logger, string entity, int attempt, long delayMs, Exception exception);

    [LoggerMessage(1211, LogLevel.Error, "Consumer {Entity}: applying a batch failed with an error no retry can fix (attempt {Attempt}, failing for {FailingSeconds} s): {Reason}. The batch is not acknowledged; retrying every {DelayMs} ms until the cause is fixed")]
    public static partial void BatchFailsPermanently(ILogger logger, string entity, int attempt, long failingSeconds, string reason, long delayMs, Exception exception);

    [LoggerMessage(1212, LogLevel.Information, "Consumer {Entity}: the batch applied after {Attempts} attempts; the failure is over")]
    public static partial void BatchRecovered(ILogger logger, string entity, int attempts);

    [LoggerMessage(1213, LogLevel.Critical, "Consumer {Entity}: a permanent failure lasted {FailingSeconds} s, longer than Consumers:ExitAfterPermanentFailure; the process exits for its orchestrator to restart it: {Reason}")]
    public static partial void ExitingAfterPermanentFailure(ILogger logger, string entity, long failingSeconds, string reason);

    [LoggerMessage(1203, LogLevel.Warning, "Consumer {Entity}: undecodable event at {Topic}[{Partition}]@{Offset} sent to the dead-letter topic: {Reason}")]
    public static partial void PoisonEvent(ILogger logger, string entity, string topic, int partition, long offset, string reason);




    [LoggerMessage(1300, LogLevel.Information, "Embedded Kafka broker (librdkafka mock cluster) at {BootstrapServers}")]
    public static partial void EmbeddedBroker(ILogger logger, string bootstrapServers);

    [LoggerMessage(1500, LogLevel.Debug, "Consumer {Entity}: member {Member} of group {Group} recorded in the store")]
    public static partial void MemberRecorded(ILogger logger, string entity, string member, string group);

    [LoggerMessage(1501, LogLevel.Warning, "Consumer {Entity}: recording member {Member} in the store failed; replay may not see this consumer until the next heartbeat")]
    public static partial void MemberRecordFailed(ILogger logger, string entity, string member, Exception exception);

    [LoggerMessage(1502, LogLevel.Information, "Consumer {Entity}: member {Member} left group {Group} and its record was removed")]
    public static partial void MemberRemoved(ILogger logger, string entity, string member, string group);

    [LoggerMessage(1207, LogLevel.Information, "Health and metrics endpoint listening on {Address} (/healthz, /readyz, /metrics)")]
    public static partial void HealthEndpointListening(ILogger logger, string address);



    [LoggerMessage(1107, LogLevel.Warning, "File {File}: an attempt started at {StartedAt} did not complete; publishing it again from its first row")]
    public static partial void FileResumed(ILogger logger, string file, DateTimeOffset startedAt);

    [LoggerMessage(1108, LogLevel.Information, "File {File}: {Rows} rows read ({RowsPerSecond} rows/s), {BytesRead} of {SizeBytes} bytes")]
    public static partial void FileProgress(ILogger logger, string file, long rows, long rowsPerSecond, long bytesRead, long sizeBytes);

    [LoggerMessage(1109, LogLevel.Information, "File {File} {Outcome}: {Rows} rows ({RowsPerSecond} rows/s), {SizeBytes} bytes in {ElapsedMs} ms {Reason}")]
    public static partial void FileSummary(ILogger logger, string file, string outcome, long rows, long rowsPerSecond, long sizeBytes, long elapsedMs, string reason);

    [LoggerMessage(1110, LogLevel.Information, "File {File} skipped as a duplicate: {Detail}")]
    public static partial void FileDuplicate(ILogger logger, string file, string detail);

    [LoggerMessage(1111, LogLevel.Information, "File {File} has the same content as {EarlierFile}; published all the same, its rows carry its own sequence so the newest file wins")]
    public static partial void FileRepeatsContent(ILogger logger, string file, string earlierFile);

    // 1120-1129: the extractor's inbox lease (1112-1119 left to the extractor's file events).
    [LoggerMessage(1120, LogLevel.Information, "Extractor {Owner} standing by: another extractor holds the inbox {Inbox}; taking over when its lease expires")]
    public static partial void ExtractorStandby(ILogger logger, string owner, string inbox);

    [LoggerMessage(1121, LogLevel.Information, "Extractor {Owner} holds the inbox {Inbox} (lease of {LeaseSeconds} s, renewed every {RenewSeconds} s)")]
    public static partial void ExtractorLeaseAcquired(ILogger logger, string owner, string inbox, double leaseSeconds, double renewSeconds);

    [LoggerMessage(1122, LogLevel.Error, "Extractor {Owner} lost its lease on the inbox {Inbox}: another extractor took over; this one stops")]
    public static partial void ExtractorLeaseLost(ILogger logger, string owner, string inbox);

    [LoggerMessage(1123, LogLevel.Warning, "Extractor {Owner} could not renew its lease on the inbox {Inbox}; trying again until it expires")]
    public static partial void ExtractorLeaseRenewalFailed(ILogger logger, string owner, string inbox, Exception exception);
}
