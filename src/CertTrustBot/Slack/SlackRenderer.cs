using System.Text.Json.Nodes;
using CertTrustBot.Cards;
using CertTrustBot.Conversation;

namespace CertTrustBot.Slack;

/// <summary>
/// The conversation's replies as Slack messages: text as mrkdwn, cards as Block Kit from <c>cards/slack/</c>, filled
/// with the same data as the Adaptive Cards. <c>text</c> is the notification line (the card's summary, shown literally).
/// </summary>
public sealed class SlackRenderer(CardTemplates templates)
{
    public SlackMessage Render(Reply reply) => reply switch
    {
        TextReply text => new SlackMessage(SlackMarkdown.FromMarkdown(text.Text), null),
        CardReply card => new SlackMessage(
            SlackMarkdown.Literal(card.Summary),
            templates.RenderSlack(card.Template, card.Data)["blocks"] as JsonArray
                ?? throw new CardTemplateException($"The Block Kit template '{card.Template}' has no blocks.")),
        _ => throw new InvalidOperationException($"Unknown reply {reply?.GetType().Name}."),
    };
}
