using OpowerStream.Domain;

namespace OpowerStream.Kafka;

/// <summary>Kafka's rules for topic names, applied to our prefix before any broker sees it.</summary>
internal static class KafkaNaming
{
    private const int MaxTopicLength = 249;

    // The longest suffix TopicNames appends to the prefix.
    private static readonly int LongestSuffixLength = Enum.GetValues<Entity>().Max(e => e.Name().Length) + ".".Length + ".dlq".Length;

    internal static string? TopicPrefixProblem(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return "The topic prefix must not be empty.";
        }

        if (!prefix.All(IsLegalTopicCharacter))
        {
            return $"The topic prefix '{prefix}' may contain only ASCII letters, digits, '.', '_' and '-'.";
        }

        var longest = prefix.Length + LongestSuffixLength;
        return longest > MaxTopicLength
            ? $"The topic prefix '{prefix}' is too long: topic names would reach {longest} characters, Kafka allows {MaxTopicLength}."
            : null;
    }

    private static bool IsLegalTopicCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
