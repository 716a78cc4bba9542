using System.Text.Json.Nodes;
using CertTrustBot.Cards;
using CertTrustBot.Conversation;

namespace CertTrustBot.Slack;

/// <summary>
/// The conversation's replies as Slack messages: text as mrkdwn, cards as Block Kit from <c>cards/slack/</c>, filled
/// with the same data as the Adaptive Cards. <c>text</c> is the notification line (the card's summary, shown literally).
/// Slack refuses a whole message over its limits, so outside text that would pass one (a hostile certificate's
/// 5,000-character subject) is shortened instead.
/// </summary>
public sealed class SlackRenderer(CardTemplates templates)
{
    public const int MaxBlocks = 50;
    public const int MaxText = 3000;
    public const int MaxField = 2000;
    public const int MaxHeader = 150;
    public const int MaxButtonText = 75;
    public const int MaxMessageText = 40000;
    public const int MaxListItems = 10;

    public SlackMessage Render(Reply reply) => reply switch
    {
        TextReply text => new SlackMessage(Shorten(SlackMarkdown.FromMarkdown(text.Text), MaxMessageText), null),
        ReplaceUsedCard replace => Render(replace.Card),
        // A card without its Block Kit template yet (the template test names it) still says its one line.
        CardReply card when !templates.HasSlack(card.Template) => new SlackMessage(Shorten(SlackMarkdown.Literal(card.Summary), MaxMessageText), null),
        CardReply card => new SlackMessage(
            Shorten(SlackMarkdown.Literal(card.Summary), MaxText),
            Fit(templates.RenderSlack(card.Template, card.Data)["blocks"] as JsonArray
                ?? throw new CardTemplateException($"The Block Kit template '{card.Template}' has no blocks."))),
        _ => throw new InvalidOperationException($"Unknown reply {reply?.GetType().Name}."),
    };

    /// <summary>
    /// The blocks within Slack's limits: every text object shortened to its limit, and at most <see cref="MaxBlocks"/>
    /// blocks, leaving out display blocks from the end before any input or button (the case's actions always stay).
    /// </summary>
    public static JsonArray Fit(JsonArray blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var block in blocks.OfType<JsonObject>())
        {
            FitTexts(block, (string?)block["type"] == "header" ? MaxHeader : MaxText);
            // A context holds at most 10 elements and a section 10 fields: the latest (a history's end) are kept.
            foreach (var list in new[] { block["elements"], block["fields"] }.OfType<JsonArray>().Where(l => l.Count > MaxListItems && (string?)block["type"] is "context" or "section"))
            {
                while (list.Count > MaxListItems)
                    list.RemoveAt(0);
            }
        }

        if (blocks.Count <= MaxBlocks)
            return blocks;

        var interactive = blocks.OfType<JsonObject>().Count(IsInteractive);
        var budget = MaxBlocks - interactive - 1;
        var kept = new JsonArray();
        var shown = 0;
        foreach (var block in blocks.OfType<JsonObject>().ToList())
        {
            blocks.Remove(block);
            if (IsInteractive(block))
                kept.Add(block);
            else if (shown++ < budget)
                kept.Add(block);
            else if (shown == budget + 1)
                kept.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = "… (Slack shows at most 50 blocks: the rest is left out)" }) });
        }

        return kept;
    }

    private static bool IsInteractive(JsonObject block) => (string?)block["type"] is "input" or "actions";

    private static void FitTexts(JsonNode? node, int limit)
    {
        switch (node)
        {
            case JsonObject obj:
                if ((string?)obj["type"] is "mrkdwn" or "plain_text" && obj["text"] is JsonValue v && v.TryGetValue<string>(out var text))
                    obj["text"] = Shorten(text, limit);
                foreach (var (key, value) in obj.ToList())
                {
                    FitTexts(value, key switch
                    {
                        "fields" => MaxField,
                        "text" when (string?)obj["type"] is "button" => MaxButtonText,
                        "placeholder" => MaxHeader,
                        "label" or "hint" => MaxField,
                        _ => limit,
                    });
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                    FitTexts(item, limit);
                break;
        }
    }

    // Cut before an entity (&amp;) or a fenced mark would be split, and say that something was left out.
    private static string Shorten(string text, int limit)
    {
        if (text.Length <= limit)
            return text;
        var cut = limit - 1;
        var amp = text.LastIndexOf('&', cut - 1, Math.Min(cut, 6));
        if (amp >= 0 && text.IndexOf(';', amp) >= cut)
            cut = amp;
        for (var step = 0; step < 3 && cut > 0 && (char.IsLowSurrogate(text[cut]) || text[cut - 1] == '\u200B' || text[cut] == '\u200B'); step++)
            cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
