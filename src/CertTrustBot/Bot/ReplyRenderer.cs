using CertTrustBot.Cards;
using CertTrustBot.Conversation;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Bot;

/// <summary>The conversation's replies as Bot Framework activities: text, or Adaptive Cards from the templates.</summary>
public sealed class ReplyRenderer(CardTemplates templates)
{
    public IActivity[] Render(IEnumerable<Reply> replies) => [.. replies.Select(Render)];

    public IActivity Render(Reply reply)
    {
        switch (reply)
        {
            case TextReply text:
                var message = MessageFactory.Text(text.Text);
                message.TextFormat = TextFormatTypes.Markdown;
                return message;
            case ReplaceUsedCard replace:
                return Render(replace.Card);
            case CardReply card:
                var content = JObject.Parse(templates.Render(card.Template, card.Data).ToJsonString());
                var activity = MessageFactory.Attachment(new Attachment { ContentType = TurnInputReader.AdaptiveCard, Content = content });
                activity.Summary = card.Summary;
                return activity;
            default:
                throw new InvalidOperationException($"Unknown reply {reply.GetType().Name}.");
        }
    }
}
