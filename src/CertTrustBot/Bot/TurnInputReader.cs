using System.Globalization;
using System.Text.RegularExpressions;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Bot;

/// <summary>
/// Translates a Bot Framework activity into the conversation's input and turn facts. Files are downloaded here, at
/// once: Teams' download URLs expire within minutes.
/// </summary>
public sealed partial class TurnInputReader(AttachmentDownloader downloader, IOptions<AttachmentDownloadOptions> options, TimeProvider clock)
{
    public const string FileDownloadInfo = "application/vnd.microsoft.teams.file.download.info";
    public const string AdaptiveCard = "application/vnd.microsoft.card.adaptive";

    /// <summary>What a message activity means: a card submit, a file, or text; null when there is nothing to act on.</summary>
    public async Task<ConversationInput?> ReadMessageAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        if (activity.Value is JObject submitted)
            return new Conversation.CardAction(Flatten(submitted));

        var attachments = activity.Attachments ?? [];
        var kind = ChatKindOf(activity);

        if (attachments.FirstOrDefault(a => a.ContentType == FileDownloadInfo) is { } file)
            return await DownloadTeamsFileAsync(file, cancellationToken);

        // In channels and group chats Teams delivers no file, only the message's HTML with an <attachment> tag.
        if (kind != ChatKind.Personal && attachments.Any(IsHtmlWithFile))
            return new FileUnavailable("", "files reach me only in our 1:1 chat: open a chat with me and send it there (or paste the certificate's text)");

        // Inline attachments (pasted images, files from other clients) live on the Bot Framework service.
        if (attachments.FirstOrDefault(IsDownloadable) is { } inline)
            return await DownloadInlineAsync(turnContext, inline, cancellationToken);

        // Over the cap the text goes on as it came, unread (not even for the mention): the conversation refuses it by
        // its length alone.
        if (activity.Text is { Length: > TextMessage.MaxLength } tooLong)
            return new TextMessage(tooLong);

        var text = activity.RemoveRecipientMention() ?? activity.Text;
        return string.IsNullOrWhiteSpace(text) ? null : new TextMessage(text.Trim());
    }

    /// <summary>Who is talking, where, and how to reach this conversation (and its state) again later.</summary>
    public TurnFacts FactsOf(ITurnContext turnContext)
    {
        var activity = turnContext.Activity;
        var requester = new Requester(activity.From?.Id ?? "", activity.From?.Name ?? "", activity.From?.AadObjectId, TenantIdOf(activity));
        var reference = JsonConvert.SerializeObject(activity.GetConversationReference());
        return new TurnFacts(requester, ChatKindOf(activity), clock, reference, ConversationKeys.KeyFor(turnContext));
    }

    /// <summary>The AAD tenant of the activity: Teams sends it as conversation.tenantId and channelData.tenant.id.</summary>
    public static string? TenantIdOf(IActivity activity) =>
        activity.Conversation?.TenantId ?? (activity.ChannelData as JObject)?["tenant"]?["id"]?.ToString();

    public static ChatKind ChatKindOf(IActivity activity) => activity.Conversation?.ConversationType switch
    {
        "channel" => ChatKind.Channel,
        "groupChat" => ChatKind.Group,
        _ => ChatKind.Personal,
    };

    /// <summary>
    /// A card submit's value as flat strings: multi-selects may come as arrays (joined with ","), booleans as
    /// "true"/"false"; nested objects (Teams' own msteams data) are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Flatten(JObject value)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, token) in value)
        {
            var text = token switch
            {
                JArray array => string.Join(",", array.Select(Scalar).Where(s => s is not null)),
                JValue => Scalar(token),
                _ => null,
            };
            if (text is not null)
                flat[name] = text;
        }

        return flat;
    }

    private static string? Scalar(JToken token) => token.Type switch
    {
        JTokenType.Null or JTokenType.Undefined or JTokenType.Object or JTokenType.Array => null,
        JTokenType.Boolean => (bool)token ? "true" : "false",
        JTokenType.Date => ((JValue)token).ToString("o", CultureInfo.InvariantCulture),
        _ => Convert.ToString(((JValue)token).Value, CultureInfo.InvariantCulture),
    };

    private async Task<ConversationInput> DownloadTeamsFileAsync(Attachment file, CancellationToken cancellationToken)
    {
        var name = FileNameOf(file, "file");
        var downloadUrl = (file.Content as JObject)?["downloadUrl"]?.ToString();
        if (!Uri.TryCreate(downloadUrl, UriKind.Absolute, out var url))
            return new FileUnavailable(name, "Teams sent no download link for it; please send it again");

        // downloadUrl is pre-authenticated: it never gets the bot's token.
        return Outcome(name, await downloader.DownloadAsync(url, authorize: null, cancellationToken));
    }

    private async Task<ConversationInput> DownloadInlineAsync(ITurnContext turnContext, Attachment attachment, CancellationToken cancellationToken)
    {
        var name = FileNameOf(attachment, attachment.ContentType?.StartsWith("image/", StringComparison.Ordinal) == true ? "pasted image" : "attachment");
        if (!Uri.TryCreate(attachment.ContentUrl, UriKind.Absolute, out var url))
            return new FileUnavailable(name, "its link is not valid");

        // The connector client of this turn carries the bot's credentials; the downloader uses them only for
        // Bot Framework hosts.
        var credentials = turnContext.TurnState.Get<IConnectorClient>()?.Credentials;
        Func<HttpRequestMessage, CancellationToken, Task>? authorize = credentials is null ? null : credentials.ProcessHttpRequestAsync;
        return Outcome(name, await downloader.DownloadAsync(url, authorize, cancellationToken));
    }

    private ConversationInput Outcome(string name, DownloadResult result) =>
        result.Content is { } content ? new FileReceived(name, content) : new FileUnavailable(name, ReasonFor(result));

    private string ReasonFor(DownloadResult result) => result.Failure switch
    {
        DownloadFailure.HostNotAllowed => "it is stored somewhere I am not allowed to download from",
        DownloadFailure.WebPage => "the link gave me a web page, not the file (this happens with some mobile uploads): send it again from Teams on a computer, or paste the certificate's text",
        DownloadFailure.TooLarge => $"it is larger than {options.Value.MaxBytes / 1024} KiB, and certificates are a few KiB",
        DownloadFailure.TimedOut => "the download took too long; please send it again",
        _ => $"the download failed ({result.Detail}); please send it again",
    };

    private static bool IsHtmlWithFile(Attachment attachment) =>
        attachment.ContentType == "text/html" && attachment.Content is string html && FileTag().IsMatch(html);

    private static bool IsDownloadable(Attachment attachment) =>
        !string.IsNullOrEmpty(attachment.ContentUrl) &&
        attachment.ContentType is not ("text/html" or AdaptiveCard or FileDownloadInfo);

    private static string FileNameOf(Attachment attachment, string fallback) =>
        string.IsNullOrWhiteSpace(attachment.Name) ? fallback : Path.GetFileName(attachment.Name.Trim());

    [GeneratedRegex(@"<(attachment|img)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FileTag();
}
