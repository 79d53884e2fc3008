namespace OpowerStream.Contracts.Avro;

/// <summary>
/// Avro data or a schema that breaks the contract: malformed or truncated input, an unknown schema
/// fingerprint, a value that does not fit its schema. Consumers treat it as a poison record.
/// </summary>
public sealed class AvroContractException : Exception
{
    public AvroContractException()
    {
    }

    public AvroContractException(string message)
        : base(message)
    {
    }

    public AvroContractException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
