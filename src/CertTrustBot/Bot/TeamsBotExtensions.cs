using CertTrustBot.Messaging;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Bot;

public static class TeamsBotExtensions
{
    /// <summary>
    /// The Bot Framework edge: authentication from MicrosoftAppType/Id/Password/TenantId (validated at start-up),
    /// the CloudAdapter, the activity handler and the attachment downloader. The conversation and its state store come
    /// from <c>AddConversation()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTeamsBot(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<BotAuthenticationOptions>().Bind(builder.Configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BotAuthenticationOptions>, BotAuthenticationOptionsValidator>();

        var allowLoopbackByDefault = builder.Environment.IsDevelopment();
        services.AddOptions<AttachmentDownloadOptions>()
            .Configure(o => o.AllowLoopback = allowLoopbackByDefault)
            .BindConfiguration(AttachmentDownloadOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AttachmentDownloadOptions>, AttachmentDownloadOptionsValidator>();
        services.AddSingleton<AttachmentDownloader>();
        services.AddHttpClient(AttachmentDownloader.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // each hop is checked against the allow-list
                ConnectTimeout = TimeSpan.FromSeconds(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            });

        services.AddHttpClient();
        services.AddSingleton<BotFrameworkAuthentication>(sp => new ReusedContractsAuthentication(new RefusingAuthentication(new ConfigurationBotFrameworkAuthentication(
            sp.GetRequiredService<IConfiguration>(),
            httpClientFactory: sp.GetRequiredService<IHttpClientFactory>(),
            logger: sp.GetRequiredService<ILogger<ConfigurationBotFrameworkAuthentication>>()))));
        services.AddSingleton<TeamsBotAdapter>();
        services.AddSingleton<IBotFrameworkHttpAdapter>(sp => sp.GetRequiredService<TeamsBotAdapter>());
        services.AddSingleton<TurnInputReader>();
        services.AddSingleton<ReplyRenderer>();
        services.AddSingleton<IBot, TeamsBot>();
        services.AddSingleton<TeamsMessenger>();
        // Teams is the default edge; others (the Slack app) register an IChannelEdgeMessenger beside it.
        services.AddSingleton<IChannelMessenger>(sp => new ChannelRouter(sp.GetRequiredService<TeamsMessenger>(), sp.GetServices<IChannelEdgeMessenger>()));
        return builder;
    }

    /// <summary>POST /api/messages: where Azure Bot Service (or the Agents Playground) delivers activities.</summary>
    public static IEndpointRouteBuilder MapTeamsBot(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        if (services.GetRequiredService<IOptions<BotAuthenticationOptions>>().Value.IsLocalMode && !services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TeamsBotExtensions)).LogWarning(
                "MicrosoftAppId is empty: /api/messages accepts unauthenticated requests (local mode). Set MicrosoftAppType, MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId in any deployment.");
        }

        if (services.GetRequiredService<IOptions<AttachmentDownloadOptions>>().Value.AllowLoopback && !services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TeamsBotExtensions)).LogWarning(
                "Attachments:AllowLoopback is on outside Development: the bot downloads files a chat message points at on http://localhost, 127.0.0.1 and [::1] (this machine). Turn it off in any deployment.");
        }

        // The request-aborted token: a channel that gives up waiting stops the turn's reading and checking (a download,
        // a long message) instead of leaving it to run. It must not cut a turn in the middle of its writes, so the turn
        // stops honouring it at its first write (TeamsBot.RunTurnAsync, ConversationRunner; the staff desk's turns
        // write from the start and never pass it on).
        var authenticationLog = services.GetRequiredService<ILoggerFactory>().CreateLogger<RefusingAuthentication>();
        var badRequestLog = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IncomingActivity));
        endpoints.MapPost("/api/messages", async (HttpContext context, IBotFrameworkHttpAdapter adapter, IBot bot) =>
        {
            try
            {
                // As the SDK does, the body is read before authentication: a body that is no activity gets 400.
                if (await IncomingActivity.ProblemWithBodyAsync(context.Request, context.RequestAborted) is { } problem)
                    throw new BadActivityException(problem);
                await adapter.ProcessAsync(context.Request, context.Response, bot, context.RequestAborted);
            }
            catch (BadActivityException bad) when (!context.Response.HasStarted)
            {
                // Nothing ran. One line, no stack trace: anyone can send this; the reason goes back to the sender.
                badRequestLog.LogWarning("Bad request to /api/messages from {RemoteAddress}: {Reason}",
                    context.Connection.RemoteIpAddress, bad.Message);
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync($"Bad request: {bad.Message}.", CancellationToken.None);
            }
            catch (BotAuthenticationRefusedException refused) when (!context.Response.HasStarted)
            {
                // Nothing ran: authentication comes before the turn, its state and its replies. Anyone on the internet
                // can send this, so one line, no stack trace.
                authenticationLog.LogWarning("Refused a request to /api/messages from {RemoteAddress}: {Reason}",
                    context.Connection.RemoteIpAddress, refused.Message);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }
        });
        return endpoints;
    }
}
