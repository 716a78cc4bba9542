using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CertTrustBot.Hosting;
using CertTrustBot.Messaging;
using CertTrustBot.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Slack;

public static partial class SlackEndpoints
{
    /// <summary>Largest request read: Slack's events and interaction payloads are a few KiB (a message is at most 40,000 characters).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The native Slack app beside the Teams edge: <see cref="SlackOptions"/> (validated at start-up), the Web API
    /// client, the inbox and its worker, and the Slack messenger beside Teams' (the channel router picks per customer
    /// and for staff). Needs <c>AddTeamsBot()</c> before it (the attachment downloader) and the conversation and staff desk.
    /// </summary>
    public static IHostApplicationBuilder AddSlackApp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SlackOptions>, SlackOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, SlackOptionsValidation>());
        services.AddHttpClient(SlackApi.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton<SlackSignature>();
        services.TryAddSingleton<SlackApi>();
        services.TryAddSingleton<SlackInbox>();
        services.TryAddSingleton<SlackRenderer>();
        services.TryAddSingleton<SlackApp>();
        services.TryAddSingleton<SlackMessenger>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelEdgeMessenger, SlackMessenger>(sp => sp.GetRequiredService<SlackMessenger>()));
        services.AddHostedService<SlackInboxWorker>();
        return builder;
    }

    /// <summary>POST /api/slack/events, /api/slack/interactions and /api/slack/commands (404 while the Slack app is off).</summary>
    public static IEndpointRouteBuilder MapSlackApp(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/api/slack/events", (Delegate)((HttpContext context) => ReceiveAsync(context, SlackRequestKind.Event)));
        endpoints.MapPost("/api/slack/interactions", (Delegate)((HttpContext context) => ReceiveAsync(context, SlackRequestKind.Interaction)));
        endpoints.MapPost("/api/slack/commands", (Delegate)((HttpContext context) => ReceiveAsync(context, SlackRequestKind.Command)));
        return endpoints;
    }

    /// <summary>
    /// Verify the signature on the raw body, before anything reads it; then answer what must be answered in the
    /// request (the URL check), record the rest in the inbox and acknowledge at once: the work happens after, on the
    /// inbox's worker. A request recorded already (Slack's retry) is acknowledged and not recorded again.
    /// </summary>
    private static async Task<IResult> ReceiveAsync(HttpContext context, SlackRequestKind kind)
    {
        var services = context.RequestServices;
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackEndpoints));
        if (!services.GetRequiredService<IOptions<SlackOptions>>().Value.Enabled)
            return Results.NotFound();

        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (body is null)
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        var headers = context.Request.Headers;
        if (services.GetRequiredService<SlackSignature>().Refusal(headers[SlackSignature.TimestampHeader], headers[SlackSignature.SignatureHeader], body) is { } refusal)
        {
            // Anyone on the internet can send this: one line, no body.
            LogRefused(log, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "?", refusal);
            return Results.Unauthorized();
        }

        var text = Encoding.UTF8.GetString(body);
        string? id;
        string payload;
        try
        {
            (id, payload, var answer) = kind switch
            {
                SlackRequestKind.Event => ReadEvent(text),
                SlackRequestKind.Interaction => ReadInteraction(text),
                _ => ReadCommand(text),
            };
            if (answer is not null)
                return answer;
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        if (id is null)
            return Results.Ok();
        try
        {
            var retry = headers["X-Slack-Retry-Num"].ToString();
            if (!await services.GetRequiredService<SlackInbox>().ReceiveAsync(kind, id, payload, CancellationToken.None))
                LogRetry(log, kind, retry);
        }
        catch (StorageUnavailableException ex)
        {
            // Not recorded: Slack retries an event that was not acknowledged.
            LogNotRecorded(log, kind, ex.Message);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        return kind == SlackRequestKind.Command
            ? Results.Json(new { response_type = "ephemeral", text = "On it: I answer in our direct messages." })
            : Results.Ok();
    }

    private static (string? Id, string Payload, IResult? Answer) ReadEvent(string text)
    {
        var envelope = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
        switch ((string?)envelope["type"])
        {
            case "url_verification":
                return (null, "", Results.Json(new { challenge = (string?)envelope["challenge"] ?? "" }));
            case "event_callback" when envelope["event_id"] is JsonValue eventId && eventId.TryGetValue<string>(out var id) && id.Length > 0:
                return (id, text, null);
            default:
                return (null, "", Results.Ok()); // app_rate_limited and the like: nothing to do
        }
    }

    private static (string? Id, string Payload, IResult? Answer) ReadInteraction(string text)
    {
        var form = QueryHelpers.ParseQuery(text);
        var payload = form.TryGetValue("payload", out var p) ? p.ToString() : "";
        if (payload.Length == 0)
            return (null, "", Results.BadRequest());
        var json = JsonNode.Parse(payload) as JsonObject ?? throw new JsonException("not an object");
        if ((string?)json["type"] != "block_actions")
            return (null, "", Results.Ok());
        // One press, one trigger_id: a second delivery of the same press is not worked on twice.
        var id = (string?)json["trigger_id"] is { Length: > 0 } trigger ? trigger : Guid.NewGuid().ToString("N");
        return (id, payload, null);
    }

    private static (string? Id, string Payload, IResult? Answer) ReadCommand(string text)
    {
        var form = QueryHelpers.ParseQuery(text);
        var id = form.TryGetValue("trigger_id", out var trigger) && trigger.ToString().Length > 0 ? trigger.ToString() : Guid.NewGuid().ToString("N");
        return (id, text, null);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to {Path} from {RemoteAddress}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string remoteAddress, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A Slack {Kind} was received already (retry {RetryNum}): acknowledged, not worked on again")]
    private static partial void LogRetry(ILogger logger, SlackRequestKind kind, string retryNum);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Slack {Kind} could not be recorded ({Failure}): answered 503 so that Slack retries")]
    private static partial void LogNotRecorded(ILogger logger, SlackRequestKind kind, string failure);
}

/// <summary>Works on the Slack inbox: at once when this instance received a request, else every poll interval.</summary>
public sealed partial class SlackInboxWorker(SlackInbox inbox, SlackApp app, IOptions<SlackOptions> options, ILogger<SlackInboxWorker> logger) : BackgroundService
{
    // A claimed request is taken again when its claim runs out: a failed pass leaves the inbox intact.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled
            ? PassLoop.RunAsync(
                t => inbox.RunOnceAsync(app.HandleAsync, (item, ex) => LogFailed(logger, ex, item.Kind, item.Attempts), t),
                t => inbox.WaitForNudgeAsync(options.Value.InboxPollInterval, t),
                ex => LogPassFailed(logger, ex),
                stoppingToken)
            : Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Working on a Slack {Kind} failed (attempt {Attempts}); it is tried again after its claim")]
    private static partial void LogFailed(ILogger logger, Exception exception, SlackRequestKind kind, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A pass over the Slack inbox failed; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
