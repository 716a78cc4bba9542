using System.Text;

namespace CertTrustBot.Cli;

internal static class Text
{
    /// <summary>
    /// Replaces control characters (C0, DEL, C1) and bidirectional overrides with a visible escape, so text taken
    /// from a certificate or a file name cannot send escape sequences to the terminal or reorder what is shown.
    /// </summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        while (i < text.Length && !IsUnsafe(text[i]))
            i++;
        if (i == text.Length)
            return text;

        var builder = new StringBuilder(text.Length + 8).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnsafe(c))
                builder.Append(c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            else
                builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool IsUnsafe(char c) =>
        c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

    /// <summary>Word-wraps at spaces; a word longer than the width (a thumbprint, a long DN part) stays whole.</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        if (text.Length <= width)
        {
            yield return text;
            yield break;
        }

        var start = 0;
        while (start < text.Length)
        {
            if (text.Length - start <= width)
            {
                yield return text[start..];
                yield break;
            }
            var cut = text.LastIndexOf(' ', start + width, width + 1);
            if (cut <= start)
            {
                cut = text.IndexOf(' ', start + width);
                if (cut < 0)
                {
                    yield return text[start..];
                    yield break;
                }
            }
            yield return text[start..cut];
            start = cut + 1;
            while (start < text.Length && text[start] == ' ')
                start++;
        }
    }
}
