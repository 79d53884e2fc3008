using Xunit;

namespace OpowerStream.Testing;

/// <summary>
/// A test for one kind of broker: real Kafka (<c>KAFKA_BOOTSTRAP_SERVERS</c>, or Testcontainers where Docker answers)
/// or the mock cluster. On the other kind it is reported as skipped, with the reason, never as passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrokerFactAttribute : FactAttribute
{
    public BrokerFactAttribute(bool realKafka, string needs = "a broker with a timestamp index and group descriptions")
    {
        var real = KafkaFixture.BrokerKind != TestBrokerKind.Mock;
        if (realKafka && !real)
        {
            Skip = $"Needs real Kafka ({needs}; librdkafka's mock cluster has neither): set {KafkaFixture.BootstrapServersVariable} or run where a Docker engine answers.";
        }
        else if (!realKafka && real)
        {
            Skip = "Checks the embedded mock broker's behaviour; runs when the tests use the mock cluster.";
        }
    }
}
