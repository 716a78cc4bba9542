using CertTrustBot.Cases;
using CertTrustBot.Conversation;

namespace CertTrustBot.Cards;

/// <summary>What the customer reads in their chat about an event of their case, drawn from the typed event alone.</summary>
public static class CaseUpdateContent
{
    /// <summary>Whether event <paramref name="happened"/> is news for the customer (their own filing and answers are not).</summary>
    public static bool IsNews(CaseEvent happened)
    {
        ArgumentNullException.ThrowIfNull(happened);
        return happened.Kind is CaseEventKind.Started or CaseEventKind.QuestionAsked or CaseEventKind.Installed or CaseEventKind.Rejected
            or CaseEventKind.Removed or CaseEventKind.Reminded;
    }

    /// <summary>The card for event number <paramref name="sequence"/> (1-based) of the case, or null when it is not news.</summary>
    public static CardReply? For(SupportCase supportCase, int sequence)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, supportCase.History.Count);
        var happened = supportCase.History[sequence - 1];
        if (happened.Kind == CaseEventKind.Reminded)
            return ExpiryContent.Reminder(supportCase, sequence);
        // As the case stood before the event: what was installed already, what was left.
        var before = supportCase with { History = supportCase.History.Take(sequence - 1).ToList() };
        var installed = CaseTransitions.Installed(before);
        var remaining = CaseTransitions.Remaining(before, []);
        var number = supportCase.CaseNumber;
        var actor = happened.Actor;
        var statusHint = $"Type **status {number}** at any time to see where it stands.";
        (string Color, string Headline, string Message, string? DetailTitle, string? Detail, string Hint)? notice = happened.Kind switch
        {
            CaseEventKind.Started when supportCase.Kind == CaseKind.Removal => ("accent", $"{number} is in progress",
                $"Support staff ({actor}) have started removing the certificate from {Join(remaining)}.", null, null, statusHint),
            CaseEventKind.Started => ("accent", $"{number} is in progress",
                $"Support staff ({actor}) have started installing your certificate in {Join(remaining)}.", null, null, statusHint),
            CaseEventKind.Removed when CaseTransitions.Remaining(before, happened.Environments).Count == 0 => ("good", $"{number}: removed",
                $"The certificate installed by {supportCase.Removes} is no longer trusted by the front-end servers of {Join(happened.Environments)}" +
                (installed.Count > 0 ? $" (nor of {Join(installed)}, done before)." : ".") +
                " I won't remind you about it any more there.", null, null, statusHint),
            CaseEventKind.Removed => ("good", $"{number}: removed from {Join(happened.Environments)}",
                $"The certificate installed by {supportCase.Removes} is no longer trusted by the front-end servers of {Join(happened.Environments)}. " +
                $"Still to do: {Join(CaseTransitions.Remaining(before, happened.Environments))}; I'll tell you when that's done too.",
                "Environments done", Join([.. installed, .. happened.Environments]), statusHint),
            CaseEventKind.Installed when CaseTransitions.Remaining(before, happened.Environments).Count == 0 => ("good", $"{number}: installed",
                $"Your certificate is now trusted by every front-end server of {Join(happened.Environments)}." +
                (installed.Count > 0 ? $" (It already was in {Join(installed)}.)" : "") +
                " Calls from those environments to the external system should now succeed." +
                (supportCase.Renews is { } renews
                    ? $" It replaces the certificate of {renews}: I won't remind you about that one any more, and you can have it removed with remove {renews}."
                    : ""),
                null, null, statusHint), // the card's facts list the environments already
            CaseEventKind.Installed => ("good", $"{number}: installed in {Join(happened.Environments)}",
                $"Your certificate is now trusted by every front-end server of {Join(happened.Environments)}. " +
                $"Still to do: {Join(CaseTransitions.Remaining(before, happened.Environments))}; I'll tell you when that's done too.",
                "Environments done", Join([.. installed, .. happened.Environments]), statusHint),
            CaseEventKind.QuestionAsked => ("warning", $"{number}: the support desk needs information",
                $"Before they can install your certificate, support staff ({actor}) ask:", "Question", happened.Note ?? "",
                "Reply here with your answer (a message, or a file): I'll add your next message to the case."),
            CaseEventKind.Rejected => ("attention", $"{number} was rejected",
                $"Support staff ({actor}) could not install your certificate.", "Reason", happened.Note ?? "",
                "Send **new request** with the right certificate when you have it."),
            _ => null,
        };
        if (notice is not { } n)
            return null;
        var data = new CaseUpdateCardData(
            number,
            n.Headline,
            n.Color,
            n.Message,
            n.Detail is not null,
            n.DetailTitle ?? "",
            n.Detail ?? "",
            CardContent.StatusOf(happened.Status).Status,
            string.Join(", ", supportCase.Environments),
            CardContent.CaseCertificates(supportCase.Certificates),
            new MarkdownText(n.Hint));
        return new CardReply(CardNames.CaseUpdate, data, n.Detail is null ? n.Headline : $"{n.Headline}: {n.Detail}");
    }

    private static string Join(IReadOnlyList<string> items) => Words.Join(items);
}
