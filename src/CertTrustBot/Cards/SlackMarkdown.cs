using System.Text;

namespace CertTrustBot.Cards;

/// <summary>
/// Slack's mrkdwn, beside <see cref="Markdown"/> for Teams: Slack reads <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> as markup
/// (<c>&lt;!channel&gt;</c> notifies everyone, <c>&lt;https://x|text&gt;</c> is a link) and <c>*bold*</c>,
/// <c>_italic_</c>, <c>~strike~</c>, <c>`code`</c> around words. Text from outside must show literally there too.
/// </summary>
public static class SlackMarkdown
{
    // Slack has no escape character for its formatting marks. A zero-width space on both sides of a mark leaves the
    // text as it reads (and as it is copied, but for the invisible character) while no mark touches a word any more,
    // which Slack requires of every opening and closing mark.
    private const char ZeroWidthSpace = '\u200B';

    /// <summary><paramref name="text"/> as Slack mrkdwn that renders as itself: no mention, link or formatting.</summary>
    public static string Literal(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
            AppendLiteral(builder, c);
        return builder.ToString();
    }

    /// <summary>
    /// The bot's own light Markdown (<c>**bold**</c>, CommonMark backslash escapes from <see cref="Markdown.Literal"/>)
    /// as Slack mrkdwn: bold becomes <c>*bold*</c>, every escaped or other character shows literally.
    /// </summary>
    public static string FromMarkdown(string? markdown) => Translate(markdown, slack: true);

    /// <summary>The bot's own light Markdown as plain text (for <c>plain_text</c> objects and notifications): the marks removed.</summary>
    public static string PlainFromMarkdown(string? markdown) => Translate(markdown, slack: false);

    private static string Translate(string? markdown, bool slack)
    {
        if (string.IsNullOrEmpty(markdown))
            return "";
        var builder = new StringBuilder(markdown.Length + 8);
        for (var i = 0; i < markdown.Length; i++)
        {
            var c = markdown[i];
            if (c == '\\' && i + 1 < markdown.Length && char.IsAsciiLetterOrDigit(markdown[i + 1]) is false && !char.IsWhiteSpace(markdown[i + 1]))
            {
                i++;
                Append(builder, markdown[i], slack);
            }
            else if (c == '*' && i + 1 < markdown.Length && markdown[i + 1] == '*')
            {
                i++;
                if (slack)
                    builder.Append('*');
            }
            else
            {
                Append(builder, c, slack);
            }
        }

        return builder.ToString();
    }

    private static void Append(StringBuilder builder, char c, bool slack)
    {
        if (slack)
            AppendLiteral(builder, c);
        else
            builder.Append(c);
    }

    private static void AppendLiteral(StringBuilder builder, char c)
    {
        switch (c)
        {
            case '&':
                builder.Append("&amp;");
                break;
            case '<':
                builder.Append("&lt;");
                break;
            case '>':
                builder.Append("&gt;");
                break;
            case '*' or '_' or '~' or '`':
                builder.Append(ZeroWidthSpace).Append(c).Append(ZeroWidthSpace);
                break;
            default:
                builder.Append(c);
                break;
        }
    }
}
