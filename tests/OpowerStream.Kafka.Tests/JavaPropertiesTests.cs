namespace OpowerStream.Kafka.Tests;

public sealed class JavaPropertiesTests
{
    [Fact]
    public void A_client_properties_file_as_kafkas_tools_read_it()
    {
        const string File = """
            # Kafka's client.properties
            ! also a comment
              security.protocol = SASL_SSL

            sasl.mechanism: SCRAM-SHA-512
            sasl.username=opower
            sasl.password=pa=ss:word
            ssl.ca.location=/etc/kafka/\
                ca.pem
            enable.ssl.certificate.verification
            """;

        var properties = JavaProperties.Parse(new StringReader(File));

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["security.protocol"] = "SASL_SSL",
                ["sasl.mechanism"] = "SCRAM-SHA-512",
                ["sasl.username"] = "opower",
                ["sasl.password"] = "pa=ss:word",
                ["ssl.ca.location"] = "/etc/kafka/ca.pem",
                ["enable.ssl.certificate.verification"] = string.Empty,
            },
            properties);
    }

    [Fact]
    public void A_later_line_for_the_same_key_wins()
    {
        Assert.Equal("2", JavaProperties.Parse(new StringReader("linger.ms=1\nlinger.ms=2\n"))["linger.ms"]);
    }
}
