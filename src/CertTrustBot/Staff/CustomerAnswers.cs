using Azure.Storage.Blobs.Models;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;

namespace CertTrustBot.Staff;

/// <summary>
/// When staff asked a customer for information, that customer's next message or file (in their 1:1 chat) is the
/// answer: it goes to the case's history and to the case card's thread, and the conversation then goes on as usual.
/// A file is kept in the certificates container beside the case's certificates, and linked in the thread.
/// </summary>
public sealed partial class CustomerAnswers(
    CaseDesk caseDesk,
    StaffStore store,
    ProactiveOutbox outbox,
    BlobContainers containers,
    TimeProvider clock,
    ILogger<CustomerAnswers> logger)
{
    public const string AnswerPrefix = "Answer: ";
    private const int MaxAnswerLength = 2000;

    /// <summary>The reply to the customer when <paramref name="input"/> answered a question, else null (the conversation handles it).</summary>
    public async Task<Reply?> TryAnswerAsync(Requester customer, ConversationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customer);
        if (input is not (TextMessage or FileReceived) || input is TextMessage { Text: var typed } && IsCommand(typed))
            return null; // a command ("status", "help"...) is not an answer: the question keeps waiting
        AwaitedAnswer? awaited;
        try
        {
            awaited = await store.AwaitedAnswerAsync(customer, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            // Not knowing whether a question waits must not stop the conversation: it handles the message (and says
            // so itself if storage is down for it too). The question still waits for the next message.
            LogNotChecked(logger, ex);
            return null;
        }

        if (awaited is null)
            return null;

        var supportCase = await caseDesk.FindAsync(awaited.CaseNumber, cancellationToken).ConfigureAwait(false);
        if (supportCase is null || supportCase.Status != CaseStatus.NeedsInformation)
        {
            // The question was overtaken (answered elsewhere, case closed): forget it, and let the message be a message.
            await store.TakeAnswerAsync(customer, awaited.CaseNumber, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (!await store.TakeAnswerAsync(customer, awaited.CaseNumber, cancellationToken).ConfigureAwait(false))
            return null; // another turn (a channel retry) took it

        try
        {
            var (note, threadText) = input switch
            {
                TextMessage text => Text(customer, text.Text),
                FileReceived file => await FileAsync(supportCase, customer, file, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException("Unreachable."),
            };
            var updated = await caseDesk.UpdateStatusAsync(supportCase.CaseNumber, CaseStatus.InProgress, Name(customer), note, null, cancellationToken).ConfigureAwait(false);
            if (updated is null)
                return null;
            await outbox.EnqueueAsync(DeliveryKind.ReplyInCaseThread, updated.CaseNumber, new TextReply(threadText), cancellationToken).ConfigureAwait(false);
            await outbox.EnqueueAsync(DeliveryKind.UpdateCaseCard, updated.CaseNumber, null, cancellationToken).ConfigureAwait(false);
            LogAnswered(logger, updated.CaseNumber);
            return new TextReply($"Thank you: I added your answer to **{updated.CaseNumber}** and passed it to the support staff. " +
                                 $"Type **status {updated.CaseNumber}** at any time to see where it stands.");
        }
        catch
        {
            // Not recorded: keep waiting for the answer, so the customer's next try is taken as the answer again.
            await store.AwaitAnswerAsync(customer, awaited, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static readonly HashSet<string> Commands = new(StringComparer.OrdinalIgnoreCase)
    {
        "hi", "hello", "hey", "help", "?", "start", "menu", "new request", "new", "request", "check", "status", "my cases", "cases", "cancel", "stop", "quit",
    };

    private static bool IsCommand(string text)
    {
        var plain = PastedPem.ToPlainText(text).Trim().TrimEnd('.', '!', '?');
        return Commands.Contains(plain) || plain.StartsWith("status ", StringComparison.OrdinalIgnoreCase) || Cases.CaseNumber.TryNormalize(plain, out _);
    }

    private static (string Note, string ThreadText) Text(Requester customer, string text)
    {
        var plain = PastedPem.ToPlainText(text).Trim();
        if (plain.Length > MaxAnswerLength)
            plain = plain[..MaxAnswerLength] + "…";
        return (AnswerPrefix + plain, $"**{Name(customer)}** answered:\n\n{plain}");
    }

    private async Task<(string Note, string ThreadText)> FileAsync(SupportCase supportCase, Requester customer, FileReceived file, CancellationToken cancellationToken)
    {
        var fileName = CaseDesk.SanitizeFileName(file.FileName);
        var container = await containers.CertificatesAsync(cancellationToken).ConfigureAwait(false);
        // Named from the case number and the clock, never from the file name (which is only metadata).
        var blob = container.GetBlobClient($"{supportCase.CaseNumber}/answers/{clock.GetUtcNow().UtcTicks}.bin");
        await StorageFailures.Guard(
            () => blob.UploadAsync(new BinaryData(file.Content), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                Metadata = new Dictionary<string, string> { ["fileName"] = Uri.EscapeDataString(fileName) },
            }, cancellationToken),
            "keep the customer's file", cancellationToken).ConfigureAwait(false);
        var size = file.Content.Length;
        return ($"{AnswerPrefix}sent the file {fileName} ({size} bytes), kept as {blob.Name}",
                $"**{Name(customer)}** answered with the file **{fileName}** ({size} bytes). It is kept in the certificates container as `{blob.Name}`.");
    }

    private static string Name(Requester customer) => string.IsNullOrWhiteSpace(customer.Name) ? customer.UserId : customer.Name.Trim();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check whether a staff question waits for this customer's answer; the message goes to the conversation")]
    private static partial void LogNotChecked(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The customer answered on case {CaseNumber}")]
    private static partial void LogAnswered(ILogger logger, string caseNumber);
}
