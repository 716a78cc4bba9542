using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Cases.Events;
using CertTrustBot.Conversation;
using CertTrustBot.Messaging;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Staff;

/// <summary>
/// The staff channel as a consumer of the case-event pipeline: the first event of a case posts its card as a new
/// thread (drawn from the case as it is then), later events redraw that card in place, and an answer from the
/// customer is also posted in the thread. Where the card was posted is recorded when it is first posted (create-only;
/// the staff's <c>show</c> replaces it with the card it posts again); the pipeline's claim keeps two instances from
/// posting the same event.
/// </summary>
public sealed class StaffChannelConsumer(StaffStore store, StaffCards cards, IChannelMessenger messenger, IOptions<StaffOptions> options) : ICaseEventConsumer
{
    public const string ConsumerName = "staff";


    public string Name => ConsumerName;

    public bool Enabled => true;

    public DeliveryPolicy Policy => options.Value.ChatDelivery;

    public bool Wants(SupportCase record, CaseEvent happened) => true;

    public async Task<DeliveryResult> DeliverAsync(SupportCase record, int sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var happened = record.History[sequence - 1];
        var posted = await store.CardOfAsync(record.CaseNumber, cancellationToken).ConfigureAwait(false);
        if (posted is null)
        {
            posted = await messenger.PostToStaffAsync(await cards.StaffCardAsync(record, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (posted is null)
            {
                var team = string.IsNullOrWhiteSpace(options.Value.StaffTeamId) ? "SupportDesk:StaffTeamId is not set" : $"install the bot in the team {options.Value.StaffTeamId}";
                return DeliveryResult.Waiting($"the staff channel is not known yet ({team})");
            }
            await store.SaveCardAsync(record.CaseNumber, posted, cancellationToken).ConfigureAwait(false);
        }
        else if (sequence == record.History.Count || happened.Kind == CaseEventKind.Answered)
        {
            // Drawn from the case as it is now: when a later event is committed already, its own delivery redraws it.
            await messenger.UpdatePostAsync(posted, await cards.StaffCardAsync(record, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        if (happened is { Kind: CaseEventKind.Answered, Answer: { } answer })
            await messenger.ReplyToPostAsync(posted, new TextReply(AnswerText(record, answer)), cancellationToken).ConfigureAwait(false);
        return DeliveryResult.Delivered();
    }

    private static string AnswerText(SupportCase record, CaseAnswer answer)
    {
        // A text message renders Markdown: the customer's name, words and certificate names show literally.
        var who = Markdown.Literal(record.Requester.DisplayName);
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(answer.Text))
            parts.Add($"{who} answered:\n\n{Markdown.Literal(answer.Text)}");
        if (answer.Certificates.Count > 0)
        {
            parts.Add($"{who} answered with {answer.Certificates.Count} certificate(s), checked and stored beside the case's own: " +
                string.Join("; ", answer.Certificates.Select(c => $"{Markdown.Literal(c.Subject)} (SHA-1 {c.Sha1})")) + ". Press Refresh on the card for its links.");
        }
        return string.Join("\n\n", parts);
    }
}
