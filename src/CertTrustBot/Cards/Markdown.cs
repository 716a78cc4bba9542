using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CertTrustBot.Cards;

/// <summary>
/// Markdown for the places that render it: Teams renders a subset (bold, italic, links, lists) in text messages and
/// in Adaptive Card TextBlocks and facts. Text from outside (a certificate's names, a file name, a person's name, a
/// message) must show literally there, or a subject like <c>CN=[verify here](https://evil.example)</c> becomes a live
/// link in the bot's own words. Cards need nothing from their builders: <see cref="CardTemplates"/> escapes every
/// data string it puts where Markdown renders, except a <see cref="MarkdownText"/>. Text messages, and the bot's own
/// Markdown fields, put outside values through <see cref="Literal"/>.
/// </summary>
public static class Markdown
{
    /// <summary>
    /// <paramref name="text"/> escaped with CommonMark backslash escapes so that it renders as itself. Only what can
    /// start markup is escaped (emphasis, links, code, HTML anywhere; headings, lists and quotes at a line's start),
    /// so that ordinary names (dots, dashes, commas in a DN) stay as they are, for the clients that show escapes raw.
    /// </summary>
    /// <param name="atLineStart">False when the text goes in after other text on the same line ("Chain: ${chain}"),
    /// where a leading <c>#</c>, <c>-</c> or <c>1.</c> starts nothing and needs no escape.</param>
    public static string Literal(string? text, bool atLineStart = true)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var builder = new StringBuilder(text.Length + 8);
        var lineStart = atLineStart;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\r' or '\n')
            {
                builder.Append(c);
                lineStart = true;
                continue;
            }

            if (lineStart && c is ' ' or '\t')
            {
                builder.Append(c);
                continue;
            }

            if (c is '\\' or '*' or '_' or '`' or '~' or '[' or ']' or '<' or '>'
                || (lineStart && c is '#' or '-' or '+' or '='))
            {
                builder.Append('\\');
            }
            else if (lineStart && char.IsAsciiDigit(c))
            {
                // "1. item" and "1) item" are ordered lists: escape the dot or bracket after the digits.
                var end = i;
                while (end < text.Length && char.IsAsciiDigit(text[end]))
                    end++;
                builder.Append(text, i, end - i);
                if (end < text.Length && text[end] is '.' or ')')
                {
                    builder.Append('\\').Append(text[end]);
                    end++;
                }

                i = end - 1;
                lineStart = false;
                continue;
            }

            builder.Append(c);
            lineStart = false;
        }

        return builder.ToString();
    }
}

/// <summary>
/// Card text that is the bot's own Markdown (<c>Type **status CT-000042**</c>), shown as Markdown; every other data
/// string of a card is shown literally. An outside value inside it must go through <see cref="Markdown.Literal"/>.
/// Serialised as <c>{"$markdown": "…"}</c>, which <see cref="CardTemplates"/> recognises (no data property can be
/// called that).
/// </summary>
[JsonConverter(typeof(MarkdownTextConverter))]
public readonly record struct MarkdownText(string Value)
{
    public const string Marker = "$markdown";

    public static MarkdownText Empty { get; } = new("");

    public override string ToString() => Value ?? "";
}

internal sealed class MarkdownTextConverter : JsonConverter<MarkdownText>
{
    public override MarkdownText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.ValueKind == JsonValueKind.Object
               && document.RootElement.TryGetProperty(MarkdownText.Marker, out var value)
            ? new MarkdownText(value.GetString() ?? "")
            : new MarkdownText(document.RootElement.GetString() ?? "");
    }

    public override void Write(Utf8JsonWriter writer, MarkdownText value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(MarkdownText.Marker, value.Value ?? "");
        writer.WriteEndObject();
    }
}
