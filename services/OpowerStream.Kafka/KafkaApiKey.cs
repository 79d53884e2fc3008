namespace OpowerStream.Kafka;

/// <summary>Kafka protocol request kinds, for <see cref="MockKafkaCluster.PushRequestErrors"/>.</summary>
public static class KafkaApiKey
{
    public const short Produce = 0;
    public const short Fetch = 1;
    public const short OffsetCommit = 8;
    public const short OffsetFetch = 9;
}
