namespace OpowerStream.Domain.Files;

/// <summary>How an inbound file is packed, taken from its extension (spec section 2).</summary>
public enum Compression
{
    /// <summary><c>.tsv</c>, <c>.csv</c> or <c>.txt</c>: plain text.</summary>
    None,

    /// <summary><c>.gz</c>: the preferred packing.</summary>
    Gzip,

    /// <summary><c>.zip</c>: must hold exactly one file and no folders.</summary>
    Zip,
}
