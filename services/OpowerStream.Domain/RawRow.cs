namespace OpowerStream.Domain;

/// <summary>
/// One data row of an inbound file as the extractor read it: raw (untrimmed) values in the order of
/// the entity's <see cref="EntityLayout"/>, null where the file has no such column. Validation
/// happens in the consumer. A row the extractor could not split into the header's columns, or whose
/// bytes are not UTF-8, carries a <see cref="RowDefect"/> instead of usable values.
/// </summary>
public sealed record RawRow(Lineage Lineage, IReadOnlyList<string?> Values, RowDefect? Defect = null);

/// <summary>A row-level problem found while reading the file (wrong_column_count, invalid_encoding).</summary>
public sealed record RowDefect(string Rule, string? Field, string Message, string RawLine);
