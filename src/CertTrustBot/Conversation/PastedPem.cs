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
public static partial class PastedPem
{
    // Dash runs may have become en/em dashes (U+2010..U+2015) on the way; the label is upper-case words.
    private const string Dashes = @"[\-\u2010-\u2015]";

    [GeneratedRegex(Dashes + @"+\s*BEGIN\s+(?<label>[A-Z0-9]+(?:[ \t\r\n]+[A-Z0-9]+)*?)\s*" + Dashes + "+(?<body>.*?)" + Dashes + @"+\s*END\s+(?<end>[A-Z0-9]+(?:[ \t\r\n]+[A-Z0-9]+)*)(?:\s*" + Dashes + "+|(?=\\s|$))",
        RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Block();

    [GeneratedRegex(Dashes + @"+\s*BEGIN\s+[A-Z]", RegexOptions.CultureInvariant)]
    private static partial Regex BeginMarker();

    [GeneratedRegex(@"<\s*(br|/?p|/?pre|/?div|/?li|/?tr|/?code)\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BreakingTag();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^[A-Za-z0-9+/]+={0,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Base64();

    /// <summary>Messages longer than this are not searched (a pasted bundle of a few dozen certificates fits easily).</summary>
    public const int MaxMessageLength = 256 * 1024;

    public static PemExtraction Extract(string? message)
    {
        if (string.IsNullOrWhiteSpace(message) || message.Length > MaxMessageLength)
            return PemExtraction.NotPem;

        var text = ToPlainText(message);
        var labels = new List<string>();
        var pem = new StringBuilder();
        foreach (Match match in Block().Matches(text))
        {
            var label = Whitespace().Replace(match.Groups["label"].Value, " ");
            var end = Whitespace().Replace(match.Groups["end"].Value, " ");
            var body = Whitespace().Replace(match.Groups["body"].Value, "");
            if (label != end || !IsBase64(body))
                continue;
            AppendBlock(pem, label, body);
            labels.Add(label);
        }

        if (labels.Count > 0)
            return new PemExtraction(PemExtractionStatus.Found, pem.ToString(), labels);

        if (BeginMarker().IsMatch(text))
            return new PemExtraction(PemExtractionStatus.Incomplete, "", []);

        // Only Base64, long enough to be a certificate, decoding to a DER SEQUENCE: the body without its BEGIN/END lines.
        var bare = Whitespace().Replace(text, "");
        if (bare.Length >= 200 && IsBase64(bare) && Convert.FromBase64String(bare) is [0x30, ..])
        {
            AppendBlock(pem, "CERTIFICATE", bare);
            return new PemExtraction(PemExtractionStatus.Found, pem.ToString(), ["CERTIFICATE"]);
        }

        return PemExtraction.NotPem;
    }

    /// <summary>The message as plain text: block-level tags as line breaks, other tags dropped, entities decoded.</summary>
    internal static string ToPlainText(string message)
    {
        var text = BreakingTag().Replace(message, "\n");
        text = AnyTag().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        var plain = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // NBSP, zero-width and other separators that chat clients insert count as whitespace.
            plain.Append(char.IsWhiteSpace(c) || c is '\u200B' or '\u200C' or '\u200D' or '\uFEFF' ? (c is '\r' or '\n' ? c : ' ') : c);
        }

        return plain.ToString();
    }

    private static bool IsBase64(string body) =>
        body.Length > 0 && body.Length % 4 == 0 && Base64().IsMatch(body) && Convert.TryFromBase64String(body, new byte[body.Length], out _);

    private static void AppendBlock(StringBuilder pem, string label, string body)
    {
        pem.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (var i = 0; i < body.Length; i += 64)
            pem.Append(body, i, Math.Min(64, body.Length - i)).Append('\n');
        pem.Append("-----END ").Append(label).Append("-----\n");
    }
}
