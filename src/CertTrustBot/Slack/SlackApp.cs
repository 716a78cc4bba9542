using System.Text.Json;
using System.Text.Json.Nodes;
using CertTrustBot.Bot;
using CertTrustBot.Cards;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Staff;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Slack;

/// <summary>
/// Works on the Slack requests the endpoints recorded (after they were acknowledged): a DM message or file, a slash
/// command and a customer's button are turns of the same conversation as in Teams (state loaded once, the runner,
/// state saved once, then the replies sent); a click on a case card in the staff channel goes to the staff desk, for
/// the staff users of the staff workspace only. The bot's own messages are never answered.
/// </summary>
public sealed partial class SlackApp(
    SlackApi api,
    SlackRenderer renderer,
    AttachmentDownloader downloader,
    ConversationStateStore states,
    ConversationRunner runner,
    ConversationTurnGate gate,
    StaffDesk staff,
    StaffCommands staffCommands,
    IOptions<SlackOptions> options,
    IOptions<AttachmentDownloadOptions> downloadOptions,
    TimeProvider clock,
    ILogger<SlackApp> logger)
{
    /// <summary>The customer's buttons whose message is replaced with its finished state once pressed.</summary>
    private static readonly HashSet<string> FinishingActions = new(StringComparer.Ordinal)
    {
        CardActions.Environments, CardActions.Confirm, CardActions.Cancel, CardActions.FileAnyway, CardActions.RequestTrust,
    };

    public Task HandleAsync(SlackInboxItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Kind switch
        {
            SlackRequestKind.Event => OnEventAsync(JsonNode.Parse(item.Payload) as JsonObject ?? [], cancellationToken),
            SlackRequestKind.Interaction => OnInteractionAsync(JsonNode.Parse(item.Payload) as JsonObject ?? [], cancellationToken),
            SlackRequestKind.Command => OnCommandAsync(QueryHelpers.ParseQuery(item.Payload), cancellationToken),
            _ => Task.CompletedTask,
        };
    }

    private async Task OnEventAsync(JsonObject envelope, CancellationToken cancellationToken)
    {
        if (envelope["event"] is not JsonObject message || Str(message, "type") != "message")
            return;
        // Edits, deletions, joins and the like are not messages to answer; a file shared is.
        if (Str(message, "subtype") is { } subtype && subtype != "file_share")
            return;
        if (message["bot_id"] is not null)
            return;
        var identity = await api.IdentityAsync(cancellationToken).ConfigureAwait(false);
        var user = Str(message, "user");
        if (user is null || user == identity.UserId)
            return;
        var channel = Str(message, "channel");
        if (channel is null)
            return;
        var team = Str(message, "user_team") ?? Str(message, "team") ?? Str(envelope, "team_id");
        if (team is null)
            return;
        // The app listens to DMs only (message.im, the manifest's one event).
        if (Str(message, "channel_type") != "im")
            return;

        var where = new SlackReference(team, channel, user);
        var input = await ReadMessageAsync(message, cancellationToken).ConfigureAwait(false);
        if (input is null)
            return;
        // Slack adds the writer's profile to most message events; without it, the user id stands for the name.
        var profile = message["user_profile"] as JsonObject;
        var name = profile is null ? "" : Str(profile, "real_name") ?? Str(profile, "display_name") ?? Str(profile, "name") ?? "";
        await RunTurnAsync(where, name, input, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ConversationInput?> ReadMessageAsync(JsonObject message, CancellationToken cancellationToken)
    {
        if (message["files"] is JsonArray { Count: > 0 } files && files[0] is JsonObject file)
        {
            var name = Str(file, "name") is { Length: > 0 } n ? Path.GetFileName(n.Trim()) : "file";
            if (!Uri.TryCreate(Str(file, "url_private_download") ?? Str(file, "url_private"), UriKind.Absolute, out var url))
                return new FileUnavailable(name, "Slack sent no download link for it; please send it again");
            var settings = options.Value;
            var hosts = new DownloadHosts(settings.EffectiveFileHosts, settings.EffectiveFileHosts, settings.ApiBaseUrl);
            var result = await downloader.DownloadAsync(url, api.Authorize, hosts, cancellationToken).ConfigureAwait(false);
            return result.Content is { } content ? new FileReceived(name, content) : new FileUnavailable(name, ReasonFor(result));
        }

        var text = Str(message, "text");
        if (text is { Length: > TextMessage.MaxLength })
            return new TextMessage(text);
        return string.IsNullOrWhiteSpace(text) ? null : new TextMessage(text.Trim());
    }

    private string ReasonFor(DownloadResult result) => result.Failure switch
    {
        DownloadFailure.HostNotAllowed => "it is stored somewhere I am not allowed to download from",
        // Slack answers its sign-in page, not the file, when the bot's token is missing, wrong or lacks files:read.
        DownloadFailure.WebPage => "Slack gave me its sign-in page instead of the file: my access to files is not set up (the app's bot token or its files:read permission). Please tell the support desk, and paste the certificate's text meanwhile",
        DownloadFailure.TooLarge => $"it is larger than {downloadOptions.Value.MaxBytes / 1024} KiB, and certificates are a few KiB",
        DownloadFailure.TimedOut => "the download took too long; please send it again",
        _ => $"the download failed ({result.Detail}); please send it again",
    };

    private async Task OnCommandAsync(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form, CancellationToken cancellationToken)
    {
        string? Field(string key) => form.TryGetValue(key, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;
        if (Field("team_id") is not { } team || Field("user_id") is not { } user)
            return;
        var typed = (Field("text") ?? "").Trim();
        var settings = options.Value;
        // In the staff channel, the staff commands (cases, show CT-…), answered to the one who typed them.
        if (settings.HostsStaff && Field("channel_id") is { } where && where == settings.StaffChannelId?.Trim() && StaffCommands.Parse(typed) is not null)
        {
            var staffer = new Staffer(user, Field("user_name") ?? "", null, team, team, ChatKind.Channel);
            var refusal = SlackStaffRules.Authorize(staffer, where, settings, await api.IdentityAsync(cancellationToken).ConfigureAwait(false));
            if (await staffCommands.TryRunAsync(typed, staffer, refusal, CancellationToken.None).ConfigureAwait(false) is { } answer)
                await api.PostEphemeralAsync(where, user, renderer.Render(answer), CancellationToken.None).ConfigureAwait(false);
            return;
        }

        // The answer goes to the user's DM with the app, the conversation the slash command's words belong to.
        var channel = await api.OpenDirectMessageAsync(user, cancellationToken).ConfigureAwait(false);
        await RunTurnAsync(new SlackReference(team, channel, user), Field("user_name") ?? "", new TextMessage(typed.Length == 0 ? "help" : typed), cancellationToken).ConfigureAwait(false);
    }

    private async Task OnInteractionAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        if (Str(payload, "type") != "block_actions" || payload["actions"] is not JsonArray { Count: > 0 } actions || actions[0] is not JsonObject pressed)
            return;
        var user = payload["user"] as JsonObject;
        var userId = user is null ? null : Str(user, "id");
        var team = (user is null ? null : Str(user, "team_id")) ?? (payload["team"] is JsonObject t ? Str(t, "id") : null);
        var channel = (payload["channel"] is JsonObject c ? Str(c, "id") : null) ?? (payload["container"] is JsonObject k ? Str(k, "channel_id") : null);
        var messageTs = payload["container"] is JsonObject container ? Str(container, "message_ts") : null;
        if (userId is null || team is null || channel is null)
            return;
        var name = user is null ? "" : Str(user, "name") ?? Str(user, "username") ?? "";

        var values = ValuesOf(payload, pressed);
        if (!values.TryGetValue(CardActions.Key, out var action))
            return; // a link button (the staff card's downloads) also comes as an action

        if (StaffAction.IsStaffAction(action))
        {
            await OnStaffActionAsync(values, userId, name, team, channel, messageTs, cancellationToken).ConfigureAwait(false);
            return;
        }

        var used = messageTs is not null && payload["message"] is JsonObject message
            ? new UsedMessage(channel, messageTs, FinishingActions.Contains(action) ? Finished(message, pressed, values) : null)
            : null;
        await RunTurnAsync(new SlackReference(team, channel, userId), name, new Conversation.CardAction(values), cancellationToken, used).ConfigureAwait(false);
    }

    private async Task OnStaffActionAsync(
        IReadOnlyDictionary<string, string> values, string userId, string name, string team, string channel, string? messageTs, CancellationToken cancellationToken)
    {
        var staffer = new Staffer(userId, name, null, team, team, ChatKind.Channel);
        if (StaffAction.Read(null, values) is not { } action)
        {
            await api.PostEphemeralAsync(channel, userId, renderer.Render(new TextReply("I don't know that action; the message may be from an older version.")), cancellationToken).ConfigureAwait(false);
            return;
        }

        var identity = await api.IdentityAsync(cancellationToken).ConfigureAwait(false);
        var refusal = SlackStaffRules.Authorize(staffer, channel, options.Value, identity);
        var result = await staff.ActAsync(action, staffer, refusal, CancellationToken.None).ConfigureAwait(false);
        // The message is redrawn for everyone at once (the pipeline redraws it again from the case as it then is).
        if (result is { Changed: true, Card: { } card } && messageTs is not null)
            await api.UpdateAsync(channel, messageTs, renderer.Render(card), CancellationToken.None).ConfigureAwait(false);
        await api.PostEphemeralAsync(channel, userId, renderer.Render(new TextReply(result.Message)), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// The message whose button started a turn, and, for a picker or confirmation, its finished state as the edge can
    /// draw it (its inputs and buttons replaced by what was chosen): used when the conversation does not say how it ends.
    /// </summary>
    private sealed record UsedMessage(string Channel, string Ts, SlackMessage? Finished);

    private async Task RunTurnAsync(SlackReference where, string name, ConversationInput input, CancellationToken cancellationToken, UsedMessage? used = null)
    {
        var facts = new TurnFacts(new Requester(where.User ?? "", name, null, where.Team), ChatKind.Personal, clock, where.ToString(), where.ConversationKey);
        using var turn = await gate.EnterAsync(where.ConversationKey, cancellationToken).ConfigureAwait(false);
        var loaded = await states.LoadAsync(where.ConversationKey, cancellationToken).ConfigureAwait(false);
        var result = await runner.RunAsync(loaded.Data, input, facts, cancellationToken).ConfigureAwait(false);
        await states.SaveAsync(loaded, result.State, CancellationToken.None).ConfigureAwait(false);
        // The used card is finished once the turn is saved (never when it failed), before the new messages, so that its
        // buttons are gone when the next step appears: as the conversation says (ReplaceUsedCard), else as drawn here.
        if (used is { Finished: { } finished } && !result.Replies.Any(r => r is ReplaceUsedCard))
            await ReplaceAsync(used, finished).ConfigureAwait(false);
        foreach (var reply in result.Replies)
        {
            if (reply is ReplaceUsedCard replace)
            {
                if (used is not null && await ReplaceAsync(used, renderer.Render(replace)).ConfigureAwait(false))
                    continue;
                if (!replace.OrSend)
                    continue;
            }

            await api.PostMessageAsync(where.Channel, renderer.Render(reply), null, CancellationToken.None).ConfigureAwait(false);
        }
    }

    // chat.update of the used message; false when Slack refused it (deleted, too old). Best effort: the turn does not
    // depend on it (a second press is answered as one anyway); what the user must see is then sent as a new message.
    private async Task<bool> ReplaceAsync(UsedMessage used, SlackMessage finished)
    {
        try
        {
            await api.UpdateAsync(used.Channel, used.Ts, finished, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SlackApiException or HttpRequestException)
        {
            LogNotFinished(logger, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// A button's values as the conversation reads a card submit: every input's current value from
    /// <c>state.values</c> by its action id (a multi-select's options joined with ","), and the pressed button's own
    /// data (its value: <c>action=…&amp;requestId=…</c>).
    /// </summary>
    public static Dictionary<string, string> ValuesOf(JsonObject payload, JsonObject pressed)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(pressed);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (payload["state"]?["values"] is JsonObject blocks)
        {
            foreach (var (_, block) in blocks)
            {
                if (block is not JsonObject inputs)
                    continue;
                foreach (var (actionId, input) in inputs)
                {
                    if (input is not JsonObject element)
                        continue;
                    var value = element["selected_options"] is JsonArray selected
                        ? string.Join(",", selected.Select(o => o is JsonObject option ? Str(option, "value") : null).Where(v => v is not null))
                        : element["selected_option"] is JsonObject one ? Str(one, "value")
                        : Str(element, "value");
                    if (value is not null)
                        values[actionId] = value;
                }
            }
        }

        if (Str(pressed, "value") is { } data)
        {
            foreach (var (key, value) in QueryHelpers.ParseQuery(data))
                values[key] = value.ToString();
        }

        return values;
    }

    /// <summary>
    /// A used picker or confirmation as it ends: its inputs and buttons replaced by what was chosen and which button was
    /// pressed (outside text shown literally).
    /// </summary>
    private static SlackMessage Finished(JsonObject message, JsonObject pressed, Dictionary<string, string> values)
    {
        var blocks = new JsonArray();
        foreach (var node in message["blocks"] as JsonArray ?? [])
        {
            if (node is not JsonObject block)
                continue;
            switch (Str(block, "type"))
            {
                case "actions":
                    break;
                case "input":
                    var actionId = block["element"] is JsonObject element ? Str(element, "action_id") : null;
                    var label = block["label"] is JsonObject l ? Str(l, "text") : null;
                    if (actionId is not null && values.TryGetValue(actionId, out var chosen) && chosen.Length > 0)
                        blocks.Add(Section($"*{SlackMarkdown.Literal(label ?? actionId)}*: {SlackMarkdown.Literal(chosen.Replace(",", ", ", StringComparison.Ordinal))}"));
                    break;
                default:
                    blocks.Add(block.DeepClone());
                    break;
            }
        }

        var button = pressed["text"] is JsonObject text ? Str(text, "text") : null;
        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = $":white_check_mark: {SlackMarkdown.Literal(button ?? "Done")}" }),
        });
        return new SlackMessage(Str(message, "text") ?? "", blocks);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A used Slack message could not be replaced with its finished state: {Failure}")]
    private static partial void LogNotFinished(ILogger logger, string failure);

    private static JsonObject Section(string mrkdwn) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn } };

    private static string? Str(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}

/// <summary>Who may act on case cards in Slack: a listed staff user, of the staff workspace, in the staff channel.</summary>
public static class SlackStaffRules
{
    public static Refused? Authorize(Staffer who, string channel, SlackOptions options, SlackIdentity app)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(app);
        var staffTeam = string.IsNullOrWhiteSpace(options.StaffTeamId) ? app.TeamId : options.StaffTeamId.Trim();
        if (!options.IsStaffUser(who.UserId))
            return new Refused($"Only the support staff can act on cases, and {who.DisplayName} is not among them. Nothing was changed.");
        if (!string.Equals(who.TeamId, staffTeam, StringComparison.Ordinal))
            return new Refused("This click came from another workspace than the support desk's, and cases can be acted on only from its own. Nothing was changed.");
        if (!string.Equals(channel, options.StaffChannelId?.Trim(), StringComparison.Ordinal))
            return new Refused("Cases can be acted on only from their message in the staff channel. Nothing was changed.");
        return null;
    }
}
