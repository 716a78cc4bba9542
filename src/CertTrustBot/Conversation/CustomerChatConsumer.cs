using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Cases.Events;
using CertTrustBot.Messaging;
using CertTrustBot.Staff;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Conversation;

/// <summary>
/// The customer's chat as a consumer of the case-event pipeline: what support staff did (started, asked, installed,
/// rejected) is told in the chat the case was filed from. A question is first put in that conversation's state, where
/// the flow takes the customer's next message as the answer; any later event of the case takes it out again. Both
/// state changes are idempotent, so a retried delivery changes nothing twice.
/// </summary>
public sealed partial class CustomerChatConsumer(
    ConversationStateStore states,
    IChannelMessenger messenger,
    IOptions<StaffOptions> options,
    ILogger<CustomerChatConsumer> logger) : ICaseEventConsumer
{
    public const string ConsumerName = "customer";


    public string Name => ConsumerName;

    public bool Enabled => true;

    public DeliveryPolicy Policy => options.Value.ChatDelivery;

    /// <summary>What staff did; the customer's own filing and answers were answered in their turn already.</summary>
    public bool Wants(SupportCase record, CaseEvent happened) => CaseUpdateContent.IsNews(happened);

    public async Task<DeliveryResult> DeliverAsync(SupportCase record, int sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var happened = record.History[sequence - 1];
        if (record.ConversationKey is { Length: > 0 } key)
        {
            await states.UpdateAsync(key, state => happened.Kind == CaseEventKind.QuestionAsked
                ? WithQuestion(state, new PendingQuestion(record.CaseNumber, sequence, happened.Note ?? "", happened.At))
                : WithoutQuestionsBefore(state, record.CaseNumber, sequence), cancellationToken).ConfigureAwait(false);
        }
        else if (happened.Kind == CaseEventKind.QuestionAsked)
        {
            LogNoConversationKey(logger, record.CaseNumber);
        }

        if (CaseUpdateContent.For(record, sequence) is { } card)
            await messenger.SendToCustomerAsync(record.ConversationReference, card, cancellationToken).ConfigureAwait(false);
        return DeliveryResult.Delivered();
    }

    private static ConversationData WithQuestion(ConversationData state, PendingQuestion question) =>
        state.Questions.Any(q => q.CaseNumber == question.CaseNumber && q.Sequence == question.Sequence)
            ? state
            : state with { Questions = [.. state.Questions, question] };

    private static ConversationData WithoutQuestionsBefore(ConversationData state, string caseNumber, int sequence) =>
        state.Questions.Any(q => q.CaseNumber == caseNumber && q.Sequence < sequence)
            ? state with { Questions = state.Questions.Where(q => q.CaseNumber != caseNumber || q.Sequence >= sequence).ToList() }
            : state;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseNumber} was filed before conversations were keyed: its question is sent, but the customer's next message will not be taken as the answer")]
    private static partial void LogNoConversationKey(ILogger logger, string caseNumber);
}
