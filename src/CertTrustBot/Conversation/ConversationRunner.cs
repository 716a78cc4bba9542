using CertTrustBot.Cases;
using CertTrustBot.Certificates;
using CertTrustBot.Certificates.Endpoints;
using CertTrustBot.Endpoints;
using CertTrustBot.Storage;

namespace CertTrustBot.Conversation;

/// <summary>
/// Runs one turn: the flow, then the effects it asks for (certificate checks, the case desk), feeding each outcome
/// back, until the flow has nothing left to do. The caller loads the state before and saves it after, once.
/// </summary>
public sealed partial class ConversationRunner(ConversationFlow flow, CaseDesk caseDesk, ILogger<ConversationRunner> logger, IEndpointProbe? endpoints = null)
{
    // A flow that keeps asking for effects is a bug; stop rather than loop.
    private const int MaxEffectsPerTurn = 4;

    public async Task<TurnResult> RunAsync(ConversationData state, ConversationInput input, TurnFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(facts);

        cancellationToken.ThrowIfCancellationRequested();
        var step = flow.Handle(state, input, facts);
        var replies = new List<Reply>(step.Replies);
        for (var effects = 0; step.Effect is { } effect; effects++)
        {
            if (effects == MaxEffectsPerTurn)
                throw new InvalidOperationException($"The conversation asked for more than {MaxEffectsPerTurn} effects in one turn.");

            // The token (the request's: the channel gave up waiting) stops the turn only while it has only read. The
            // first write (a case, an answer) and everything after it run to the end, with the state saved after: a
            // turn is never cut between writes that belong together.
            if (Writes(effect))
            {
                cancellationToken.ThrowIfCancellationRequested();
                cancellationToken = CancellationToken.None;
            }

            var outcome = await ExecuteAsync(effect, facts, cancellationToken);
            step = flow.Resume(step.State, outcome, facts);
            replies.AddRange(step.Replies);
        }

        return new TurnResult(step.State, replies);
    }

    private static bool Writes(ConversationEffect effect) => effect is SubmitCase or AnswerQuestion or FileRemoval or RecordSnooze;

    private async Task<EffectOutcome> ExecuteAsync(ConversationEffect effect, TurnFacts facts, CancellationToken cancellationToken)
    {
        try
        {
            return effect switch
            {
                CheckCertificate check => new CertificateChecked(await CheckAsync(check, facts, cancellationToken), check),
                CheckEndpoint endpoint => new EndpointChecked(await ProbeAsync(endpoint, facts, cancellationToken), endpoint),
                SubmitCase submit => await SubmitAsync(submit, cancellationToken),
                AnswerQuestion answer => await AnswerAsync(answer, facts, cancellationToken),
                ShowStatus { CaseNumber: { } number } => new CasesFound(
                    await caseDesk.FindAsync(number, cancellationToken) is { } found ? [found] : [], number),
                ShowStatus status => new CasesFound(await caseDesk.ListForRequesterAsync(status.Requester, cancellationToken), null),
                LookUpInventory look => new InventoryFound(await caseDesk.ListForTenantAsync(look.Requester.TenantId, cancellationToken), look),
                FileRemoval removal => await WriteAsync(
                    removal,
                    $"Filing removal {removal.Draft.RequestId}",
                    async () => new RemovalFiled(await caseDesk.FileRemovalAsync(removal.Draft, cancellationToken)),
                    async () => await caseDesk.FindByRequestAsync(removal.Draft.RequestId, cancellationToken) is { } filed
                        ? (new RemovalFiled(filed), $"case {filed.CaseNumber} was filed before the failure")
                        : (null, "no case was filed")),
                RecordSnooze snooze => new SnoozeRecorded(await caseDesk.RecordAsync(
                    snooze.CaseNumber, new CaseEventDraft(CaseEventKind.Snoozed, snooze.Actor) { Reminder = snooze.Snooze }, null, cancellationToken), snooze),
                _ => throw new InvalidOperationException($"Unknown effect {effect.GetType().Name}."),
            };
        }
        catch (StorageUnavailableException)
        {
            return new StorageUnavailable(effect);
        }
    }

    /// <summary>
    /// Files the case. When storage fails, the failure may have come after the record (the commit point) was
    /// written: the case then exists, and its staff card is staged (the case-event outbox stages it before the
    /// record), so the customer gets the receipt rather than "nothing was stored".
    /// </summary>
    private Task<EffectOutcome> SubmitAsync(SubmitCase submit, CancellationToken cancellationToken) =>
        WriteAsync(
            submit,
            $"Submitting request {submit.Draft.RequestId}",
            async () => new CaseSubmitted(await caseDesk.SubmitAsync(submit.Draft, cancellationToken)),
            async () => await caseDesk.FindByRequestAsync(submit.Draft.RequestId, cancellationToken) is { } filed
                ? (new CaseSubmitted(filed), $"case {filed.CaseNumber} was filed before the failure")
                : (null, "no case was filed"));

    /// <summary>
    /// Adds the answer to its case. As with a submit, storage may fail after the record was written: the answer is then
    /// in the case (its id says so), and the customer is thanked rather than asked to send it again.
    /// </summary>
    private Task<EffectOutcome> AnswerAsync(AnswerQuestion answer, TurnFacts facts, CancellationToken cancellationToken)
    {
        var number = answer.Question.CaseNumber;
        var draft = new CaseEventDraft(CaseEventKind.Answered, facts.User.DisplayName) { Answer = answer.Answer };
        return WriteAsync(
            answer,
            $"Adding an answer to case {number}",
            async () => new QuestionAnswered(await caseDesk.RecordAsync(number, draft, null, cancellationToken), answer),
            async () => await caseDesk.FindAsync(number, cancellationToken) is { } current && current.History.Any(e => e.Answer?.Id == answer.Answer.AnswerId)
                ? (new QuestionAnswered(new CaseEventResult(CaseEventOutcome.Recorded, current), answer), "it was added before the failure")
                : (null, "it was not added"));
    }

    /// <summary>
    /// A write that may fail after its commit point: when storage fails, <paramref name="landed"/> looks whether it
    /// landed all the same (the outcome to report, or null) and says what it found. When that look fails too, the
    /// outcome is unknown, and the customer is told so rather than "nothing was stored". Each failure is one log line.
    /// </summary>
    private async Task<EffectOutcome> WriteAsync(
        ConversationEffect effect, string what, Func<Task<EffectOutcome>> write, Func<Task<(EffectOutcome? Outcome, string Found)>> landed)
    {
        try
        {
            return await write();
        }
        catch (StorageUnavailableException failure)
        {
            (EffectOutcome? Outcome, string Found) looked;
            try
            {
                looked = await landed();
            }
            catch (StorageUnavailableException)
            {
                LogWriteFailed(logger, what, "unknown: the check whether it landed failed too", failure.Message);
                return new StorageUnavailable(effect) { OutcomeUnknown = true };
            }

            LogWriteFailed(logger, what, looked.Found, failure.Message);
            return looked.Outcome ?? new StorageUnavailable(effect);
        }
    }

    // One line, no stack trace: the message names the storage operation and its status, never request content.
    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} failed ({Outcome}): {Failure}")]
    private static partial void LogWriteFailed(ILogger logger, string what, string outcome, string failure);

    // The network I/O of "check HOST": the probe enforces the guard (ports, public addresses, time, bytes).
    private async Task<EndpointReport> ProbeAsync(CheckEndpoint check, TurnFacts facts, CancellationToken cancellationToken)
    {
        var fetch = endpoints is null
            ? new EndpointFetch(check.Target, EndpointOutcome.Refused, [], null, "Looking at servers is not set up on this bot.")
            : await endpoints.FetchAsync(check.Target, cancellationToken);
        return EndpointReport.Create(fetch, new CertificateChecker(facts.Clock), null, flow.ExpectedCompletion(facts.Clock.GetUtcNow()));
    }

    // The engine is pure and takes its clock at construction: one per turn, on the turn's clock.
    private async Task<CertificateReport> CheckAsync(CheckCertificate check, TurnFacts facts, CancellationToken cancellationToken)
    {
        var checker = new CertificateChecker(facts.Clock);
        var request = new CheckRequest(check.Content, check.FileName)
        {
            HostName = check.HostName,
            ExpectedCompletion = flow.ExpectedCompletion(facts.Clock.GetUtcNow()),
        };
        var report = checker.Check(request);
        if (check.Environments.Count == 0 || report.Storable.Count == 0)
            return report;

        // The thumbprints come from the check itself; a second check then adds "already requested" findings.
        var previous = await caseDesk.FindPreviousRequestsAsync(
            facts.User.TenantId, report.Storable.Select(c => c.Sha256).ToList(), check.Environments, cancellationToken);
        return previous.Count == 0 ? report : checker.Check(request with { AlreadyRequested = previous });
    }
}
