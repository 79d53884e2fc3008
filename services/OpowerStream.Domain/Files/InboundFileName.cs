using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OpowerStream.Domain.Files;

/// <summary>
/// What an inbound file's name says (spec section 2). <see cref="Timestamp"/> is the name's
/// yyyyMMddHHmmss digits read as a number: files are applied in that order, then by name.
/// </summary>
public sealed record InboundFileName(
    string FileName,
    string Utility,
    Entity Entity,
    long Timestamp,
    int? IntervalMinutes,
    Compression Compression) : IComparable<InboundFileName>
{
    public int CompareTo(InboundFileName? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byTimestamp = Timestamp.CompareTo(other.Timestamp);
        return byTimestamp != 0 ? byTimestamp : string.CompareOrdinal(FileName, other.FileName);
    }

    public static bool operator <(InboundFileName? left, InboundFileName? right) => Compare(left, right) < 0;

    public static bool operator >(InboundFileName? left, InboundFileName? right) => Compare(left, right) > 0;

    public static bool operator <=(InboundFileName? left, InboundFileName? right) => Compare(left, right) <= 0;

    public static bool operator >=(InboundFileName? left, InboundFileName? right) => Compare(left, right) >= 0;

    private static int Compare(InboundFileName? left, InboundFileName? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);
}

/// <summary>
/// Recognizes inbound file names:
/// <c>opwr_&lt;utility&gt;_[&lt;population&gt;_]&lt;version&gt;_&lt;kind&gt;_&lt;yyyyMMddHHmmss&gt;.&lt;gz|zip|tsv|csv|txt&gt;</c>
/// where the utility code has 3-4 letters or digits, the spec version is hyphenated (<c>v2-0-5</c>),
/// the population token (res, nonres, nonres-smb, nonres-lci) only appears on interval files, and the
/// kind is <c>interval&lt;mm&gt;</c>, <c>billing_servicequantity</c> / <c>billing_service_quantity</c> or
/// <c>billing_account</c>. Matching ignores case. Other billing extracts (billing_account_address,
/// billing_account_sa_sp, ...) are not recognized, so the caller refuses them as unrecognized_file_name.
/// </summary>
public static partial class InboundFileNames
{
    private const string TimestampFormat = "yyyyMMddHHmmss";

    /// <summary>Parses a bare file name (pass <c>Path.GetFileName</c>); a path never matches.</summary>
    public static bool TryParse(string fileName, [NotNullWhen(true)] out InboundFileName? name)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        name = null;
        var match = Pattern().Match(fileName);
        if (!match.Success)
        {
            return false;
        }

        var interval = match.Groups["interval"];
        if (match.Groups["population"].Success && !interval.Success)
        {
            return false;
        }

        var timestamp = match.Groups["timestamp"].Value;
        if (!DateTime.TryParseExact(timestamp, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }

        name = new InboundFileName(
            fileName,
            match.Groups["utility"].Value,
            EntityOf(match),
            long.Parse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture),
            interval.Success ? int.Parse(interval.Value, NumberStyles.None, CultureInfo.InvariantCulture) : null,
            CompressionOf(match.Groups["extension"].Value));
        return true;
    }

    private static Entity EntityOf(Match match) =>
        match.Groups["interval"].Success ? Entity.Interval
        : match.Groups["servicequantity"].Success ? Entity.ServiceQuantity
        : Entity.Rate;

    private static Compression CompressionOf(string extension) => extension.ToUpperInvariant() switch
    {
        "GZ" => Compression.Gzip,
        "ZIP" => Compression.Zip,
        _ => Compression.None,
    };

    [GeneratedRegex(
        """
        ^opwr_(?<utility>[a-z0-9]{3,4})
        _(?:(?<population>res|nonres|nonres-smb|nonres-lci)_)?
        v[0-9]+(?:-[0-9]+)+
        _(?:interval(?<interval>5|15|30|60|1440)|(?<servicequantity>billing_servicequantity|billing_service_quantity)|billing_account)
        _(?<timestamp>[0-9]{14})
        \.(?<extension>gz|zip|tsv|csv|txt)$
        """,
        RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Pattern();
}
