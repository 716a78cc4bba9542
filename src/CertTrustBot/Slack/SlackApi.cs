using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Slack;

/// <summary>Who the bot is in Slack, as <c>auth.test</c> says.</summary>
/// <param name="UserId">The bot user's id: messages from it are never answered.</param>
/// <param name="TeamId">The app's own workspace: the staff workspace unless Slack:StaffTeamId names another.</param>
public sealed record SlackIdentity(string UserId, string TeamId, string? BotId);

/// <summary>Slack's Web API answered <c>ok: false</c>, or did not answer.</summary>
public sealed class SlackApiException : Exception
{
    public SlackApiException(string method, string error, TimeSpan? retryAfter = null)
        : base($"Slack {method} failed: {error}{(retryAfter is { } wait ? $" (retry after {wait.TotalSeconds:0} s)" : "")}")
    {
        Method = method;
        Error = error;
        RetryAfter = retryAfter;
    }

    public SlackApiException()
    {
        Method = Error = "";
    }

    public SlackApiException(string message)
        : base(message)
    {
        Method = Error = "";
    }

    public SlackApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Method = Error = "";
    }

    public string Method { get; }

    /// <summary>Slack's error code (<c>channel_not_found</c>, <c>ratelimited</c>…).</summary>
    public string Error { get; }

    public TimeSpan? RetryAfter { get; }
}

/// <summary>
/// The few Web API methods the app calls: <c>POST {ApiBaseUrl}{method}</c> with the bot token and a JSON body. Every
/// answer has <c>ok</c>; <c>ok: false</c> throws <see cref="SlackApiException"/> (the pipeline retries what it sends).
/// </summary>
public sealed class SlackApi(IHttpClientFactory httpClients, IOptions<SlackOptions> options) : IDisposable
{
    public const string HttpClientName = "slack";

    private readonly SemaphoreSlim _identityLock = new(1, 1);
    private SlackIdentity? _identity;

    /// <summary><c>auth.test</c>, asked once per process (it does not change while the token does not).</summary>
    public async Task<SlackIdentity> IdentityAsync(CancellationToken cancellationToken)
    {
        if (_identity is { } known)
            return known;
        await _identityLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_identity is { } again)
                return again;
            var answer = await CallAsync("auth.test", new JsonObject(), cancellationToken).ConfigureAwait(false);
            _identity = new SlackIdentity(
                (string?)answer["user_id"] ?? throw new SlackApiException("auth.test", "no user_id"),
                (string?)answer["team_id"] ?? throw new SlackApiException("auth.test", "no team_id"),
                (string?)answer["bot_id"]);
            return _identity;
        }
        finally
        {
            _identityLock.Release();
        }
    }

    /// <summary><c>chat.postMessage</c>; the new message's <c>ts</c>.</summary>
    public async Task<string> PostMessageAsync(string channel, SlackMessage message, string? threadTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.ToJson();
        body["channel"] = channel;
        if (threadTs is not null)
            body["thread_ts"] = threadTs;
        var answer = await CallAsync("chat.postMessage", body, cancellationToken).ConfigureAwait(false);
        return (string?)answer["ts"] ?? throw new SlackApiException("chat.postMessage", "no ts");
    }

    /// <summary><c>chat.update</c>: the message replaced for everyone.</summary>
    public Task UpdateAsync(string channel, string ts, SlackMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.ToJson();
        body["channel"] = channel;
        body["ts"] = ts;
        return CallAsync("chat.update", body, cancellationToken);
    }

    /// <summary><c>chat.postEphemeral</c>: a line only <paramref name="user"/> sees.</summary>
    public Task PostEphemeralAsync(string channel, string user, SlackMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.ToJson();
        body["channel"] = channel;
        body["user"] = user;
        return CallAsync("chat.postEphemeral", body, cancellationToken);
    }

    /// <summary><c>conversations.open</c>: the direct-message channel with <paramref name="user"/>.</summary>
    public async Task<string> OpenDirectMessageAsync(string user, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("conversations.open", new JsonObject { ["users"] = user }, cancellationToken).ConfigureAwait(false);
        return (string?)answer["channel"]?["id"] ?? throw new SlackApiException("conversations.open", "no channel.id");
    }

    public void Dispose() => _identityLock.Dispose();

    /// <summary>Adds the bot token to a download request (only ever called for Slack's own hosts).</summary>
    public Task Authorize(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken?.Trim());
        return Task.CompletedTask;
    }

    private async Task<JsonObject> CallAsync(string method, JsonObject body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            throw new SlackApiException(method, "the Slack app is off (Slack:SigningSecret and Slack:BotToken are empty)");
        using var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.ApiBaseUrl, method))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.BotToken?.Trim());
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        if (!response.IsSuccessStatusCode)
            throw new SlackApiException(method, $"HTTP {(int)response.StatusCode}", retryAfter);
        JsonObject? answer;
        try
        {
            answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonObject;
        }
        catch (JsonException)
        {
            answer = null;
        }

        if (answer is null)
            throw new SlackApiException(method, "the answer is not a JSON object");
        if (answer["ok"] is not JsonValue ok || !ok.TryGetValue<bool>(out var isOk) || !isOk)
            throw new SlackApiException(method, (string?)answer["error"] ?? "ok is not true", retryAfter);
        return answer;
    }
}

/// <summary>A message as Slack takes it: <c>text</c> (the notification and fallback) and Block Kit <c>blocks</c>.</summary>
public sealed record SlackMessage(string Text, JsonArray? Blocks)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["text"] = Text };
        if (Blocks is not null)
            json["blocks"] = Blocks.DeepClone();
        return json;
    }
}
