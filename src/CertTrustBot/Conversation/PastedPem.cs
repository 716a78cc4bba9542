using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace CertTrustBot.Conversation;

public enum PemExtractionStatus
{
    /// <summary>The message has no PEM in it: it is an ordinary message.</summary>
    None,

    /// <summary>One or more complete PEM blocks were read; <see cref="PemExtraction.Pem"/> holds them, normalised.</summary>
    Found,

    /// <summary>The message has PEM markers, but no block could be read whole (cut off, or its Base64 damaged).</summary>
    Incomplete,
}

/// <param name="Pem">Every block found, each re-wrapped at 64 columns with LF line ends; empty unless Found.</param>
/// <param name="Labels">The blocks' labels in order ("CERTIFICATE", "PRIVATE KEY"...).</param>
public sealed record PemExtraction(PemExtractionStatus Status, string Pem, IReadOnlyList<string> Labels)
{
    public static readonly PemExtraction NotPem = new(PemExtractionStatus.None, "", []);

    public byte[] ToBytes() => Encoding.ASCII.GetBytes(Pem);
}

/// <summary>
/// Reads PEM out of a chat message, as chat clients deliver pasted text: HTML (<c>&lt;p&gt;</c>, <c>&lt;br&gt;</c>,
/// <c>&lt;pre&gt;</c>, <c>&amp;nbsp;</c> and other entities), line breaks turned into spaces or CRLF, BEGIN/END lines
/// joined to the Base64, dashes turned into typographic dashes, several blocks in one message. Every block is kept,
/// whatever its label, so that a pasted private key reaches the certificate check and is refused there, as a file
/// would be. A message that is nothing but the Base64 of a DER certificate is read as one CERTIFICATE block.
/// </summary>
public static class PastedPem
{
    // Every pattern here runs on message text, so every one is linear in it by construction: the non-backtracking
    // engine (one pass of an automaton, whatever the text), not the backtracking one, whose lazy ".*?" bodies and
    // loops made a 256 KiB message of "-----BEGIN A" take seconds (one scan to the end for each BEGIN). HTML is not
    // read with patterns at all (see ToPlainText). The timeouts stay as a last guard.
    internal const RegexOptions Linear = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    // Dash runs may have become en/em dashes (U+2010..U+2015) on the way; the label is upper-case words.
    private const string Dashes = @"[\-\u2010-\u2015]";

    // The END label ends at dashes, at white space or at the end of the text (a consumed white space instead of the
    // look-ahead the backtracking pattern had: the non-backtracking engine has no look-arounds). At most five dashes
    // after it are taken: a client that drops line breaks joins "-----END CERTIFICATE-----" to the next
    // "-----BEGIN PRIVATE KEY-----", and all ten dashes taken here would hide that block (and the key) from the check.
    internal static readonly Regex Block = new(
        Dashes + @"+\s*BEGIN\s+(?<label>[A-Z0-9]+(?:[ \t\r\n]+[A-Z0-9]+)*?)\s*" + Dashes + "+(?<body>.*?)" + Dashes +
        @"+\s*END\s+(?<end>[A-Z0-9]+(?:[ \t\r\n]+[A-Z0-9]+)*)(?:\s*" + Dashes + @"{1,5}|\s|$)",
        RegexOptions.Singleline | Linear, MatchTimeout);

    internal static readonly Regex BeginMarker = new(Dashes + @"+\s*BEGIN\s+[A-Z]", Linear, MatchTimeout);

    internal static readonly Regex Whitespace = new(@"\s+", Linear, MatchTimeout);

    internal static readonly Regex Base64 = new(@"^[A-Za-z0-9+/]+={0,2}$", Linear, MatchTimeout);

    /// <summary>The patterns run on message text (tests check that they are all linear).</summary>
    internal static IReadOnlyList<Regex> Patterns => [Block, BeginMarker, Whitespace, Base64];

    /// <summary>
    /// Messages longer than this are not searched (a pasted bundle of a few dozen certificates fits easily); the
    /// conversation refuses them before reading anything (<see cref="TextMessage.MaxLength"/>).
    /// </summary>
    public const int MaxMessageLength = TextMessage.MaxLength;

    public static PemExtraction Extract(string? message)
    {
        if (string.IsNullOrWhiteSpace(message) || message.Length > MaxMessageLength)
            return PemExtraction.NotPem;

        var text = ToPlainText(message);
        var labels = new List<string>();
        var pem = new StringBuilder();
        foreach (Match match in Block.Matches(text))
        {
            var label = Whitespace.Replace(match.Groups["label"].Value, " ");
            var end = Whitespace.Replace(match.Groups["end"].Value, " ");
            var body = Whitespace.Replace(match.Groups["body"].Value, "");
            if (label != end || !IsBase64(body))
                continue;
            AppendBlock(pem, label, body);
            labels.Add(label);
        }

        // A block that could not be read beside others that could: never pass on only the readable ones, since the
        // unread one may be a private key that the check must see and refuse.
        if (labels.Count > 0 && BeginMarker.Count(text) > labels.Count)
            return new PemExtraction(PemExtractionStatus.Incomplete, "", []);
        if (labels.Count > 0)
            return new PemExtraction(PemExtractionStatus.Found, pem.ToString(), labels);

        if (BeginMarker.IsMatch(text))
            return new PemExtraction(PemExtractionStatus.Incomplete, "", []);

        // Only Base64, long enough to be a certificate, decoding to a DER SEQUENCE: the body without its BEGIN/END lines.
        var bare = Whitespace.Replace(text, "");
        if (bare.Length >= 200 && IsBase64(bare) && Convert.FromBase64String(bare) is [0x30, ..])
        {
            AppendBlock(pem, "CERTIFICATE", bare);
            return new PemExtraction(PemExtractionStatus.Found, pem.ToString(), ["CERTIFICATE"]);
        }

        return PemExtraction.NotPem;
    }

    // The longest entity read: named ones are at most 31 characters ("&CounterClockwiseContourIntegral;").
    private const int MaxEntityLength = 32;

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> BreakingTags =
        new HashSet<string>(["br", "p", "pre", "div", "li", "tr", "code"], StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// The message as plain text: block-level tags (<c>br p pre div li tr code</c>, opening or closing) as line breaks,
    /// other tags dropped, entities decoded, NBSP and zero-width characters as spaces. One pass from left to right:
    /// each character is looked at a bounded number of times (a tag is read up to its '&gt;' and skipped; once no '&gt;'
    /// is left, no '&lt;' is a tag; an entity is looked for at most <see cref="MaxEntityLength"/> characters ahead),
    /// so the time is linear in the message whatever it holds. A '&lt;' that is never closed stays as text.
    /// </summary>
    internal static string ToPlainText(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var plain = new StringBuilder(message.Length);
        var tagsLeft = true;
        var i = 0;
        while (i < message.Length)
        {
            var c = message[i];
            if (c == '<' && tagsLeft)
            {
                var close = message.IndexOf('>', i + 1);
                if (close >= 0)
                {
                    if (IsBreakingTag(message.AsSpan(i + 1, close - i - 1)))
                        plain.Append('\n');
                    i = close + 1;
                    continue;
                }

                tagsLeft = false; // no '>' after this one, so none after any later '<' either
            }
            else if (c == '&' && EntityLength(message, i) is > 0 and var length)
            {
                foreach (var decoded in WebUtility.HtmlDecode(message.Substring(i, length)))
                    AppendPlain(plain, decoded);
                i += length;
                continue;
            }

            AppendPlain(plain, c);
            i++;
        }

        return plain.ToString();
    }

    // NBSP, zero-width and other separators that chat clients insert count as whitespace.
    private static void AppendPlain(StringBuilder plain, char c) =>
        plain.Append(char.IsWhiteSpace(c) || c is '\u200B' or '\u200C' or '\u200D' or '\uFEFF' ? (c is '\r' or '\n' ? c : ' ') : c);

    // "<br/>", "< p class=x>", "</div>": the tag's name after optional white space and '/', as a whole word.
    private static bool IsBreakingTag(ReadOnlySpan<char> tag)
    {
        tag = tag.TrimStart();
        if (tag.StartsWith("/"))
            tag = tag[1..];
        var end = 0;
        while (end < tag.Length && (char.IsLetterOrDigit(tag[end]) || tag[end] == '_'))
            end++;
        return end > 0 && BreakingTags.Contains(tag[..end]);
    }

    // The length of "&name;", "&#123;" or "&#x1F;" at index (0 if there is none): at most MaxEntityLength characters.
    private static int EntityLength(string message, int index)
    {
        var limit = Math.Min(message.Length, index + 1 + MaxEntityLength);
        for (var j = index + 1; j < limit; j++)
        {
            var c = message[j];
            if (c == ';')
                return j > index + 1 ? j - index + 1 : 0;
            if (!char.IsAsciiLetterOrDigit(c) && c != '#')
                return 0;
        }

        return 0;
    }

    private static bool IsBase64(string body) =>
        body.Length > 0 && body.Length % 4 == 0 && Base64.IsMatch(body) && Convert.TryFromBase64String(body, new byte[body.Length], out _);

    private static void AppendBlock(StringBuilder pem, string label, string body)
    {
        pem.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (var i = 0; i < body.Length; i += 64)
            pem.Append(body, i, Math.Min(64, body.Length - i)).Append('\n');
        pem.Append("-----END ").Append(label).Append("-----\n");
    }
}
