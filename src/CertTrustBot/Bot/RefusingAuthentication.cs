using System.Security.Claims;
using Microsoft.Bot.Builder.Skills;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CertTrustBot.Bot;

/// <summary>
/// Turns every way the SDK's authentication can fail into one <see cref="BotAuthenticationRefusedException"/>, which
/// <c>MapTeamsBot</c> answers with 401 and one log line. Left alone, the SDK throws whatever its token parser throws
/// (a malformed token escapes as a 500 with a stack trace), and even its own 401 logs the whole exception at Error:
/// anyone on the internet could fill the log. A bearer value that cannot be a Bot Framework token (not a JWT, or not
/// signed with RS256/384/512, such as <c>alg=none</c>) is refused here, before the SDK fetches any signing keys.
/// </summary>
public sealed class RefusingAuthentication(BotFrameworkAuthentication inner) : BotFrameworkAuthentication
{
    public override async Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken)
    {
        var result = await GuardAsync(authHeader, () => inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken));
        // Authenticated (so a stranger still gets 401): an activity without what a turn needs is a bad request, which
        // MapTeamsBot answers with 400, rather than the SDK's and the turn's failure on it.
        if (IncomingActivity.ProblemWith(activity) is { } problem)
            throw new BadActivityException(problem);
        return result;
    }

    public override Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader, CancellationToken cancellationToken) =>
        GuardAsync(authHeader, () => inner.AuthenticateStreamingRequestAsync(authHeader, channelIdHeader, cancellationToken));

    public override Task<ClaimsIdentity> AuthenticateChannelRequestAsync(string authHeader, CancellationToken cancellationToken) =>
        GuardAsync(authHeader, () => inner.AuthenticateChannelRequestAsync(authHeader, cancellationToken));

    // A malformed header is refused before the SDK sees it; whatever the SDK then throws becomes one refusal.
    private static async Task<T> GuardAsync<T>(string authHeader, Func<Task<T>> authenticate)
    {
        RefuseMalformed(authHeader);
        try
        {
            return await authenticate();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Refused(authHeader, e);
        }
    }

    public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) => inner.CreateConnectorFactory(claimsIdentity);

    public override Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken) =>
        inner.CreateUserTokenClientAsync(claimsIdentity, cancellationToken);

    public override BotFrameworkClient CreateBotFrameworkClient() => inner.CreateBotFrameworkClient();

    public override string GetOriginatingAudience() => inner.GetOriginatingAudience();

    /// <summary>
    /// Refuses an Authorization header that no channel sends, without any network call. An empty header is left to
    /// the SDK: it is accepted in local mode (no MicrosoftAppId) and refused otherwise.
    /// </summary>
    internal static void RefuseMalformed(string? authHeader)
    {
        if (string.IsNullOrEmpty(authHeader))
            return;
        var problem = ProblemWith(authHeader);
        if (problem is not null)
            throw new BotAuthenticationRefusedException(problem);
    }

    private static string? ProblemWith(string authHeader)
    {
        // The SDK splits on one space and compares the scheme exactly.
        var parts = authHeader.Split(' ');
        if (parts.Length != 2 || parts[0] != "Bearer" || parts[1].Length == 0)
            return "the Authorization header is not 'Bearer <token>'";

        JsonWebToken token;
        try
        {
            token = new JsonWebToken(parts[1]);
        }
        catch (Exception e) when (e is ArgumentException or Microsoft.IdentityModel.Tokens.SecurityTokenException)
        {
            return "the bearer token is not a JWT";
        }

        if (!AuthenticationConstants.AllowedSigningAlgorithms.Contains(token.Alg))
            return $"the bearer token is signed with '{OneLine(token.Alg, 20)}', not RS256/RS384/RS512";
        if (token.EncodedSignature.Length == 0)
            return "the bearer token has no signature";
        return null;
    }

    private static BotAuthenticationRefusedException Refused(string? authHeader, Exception e)
    {
        var reason = string.IsNullOrEmpty(authHeader)
            ? "no Authorization header"
            : $"the token was not accepted ({e.GetType().Name}: {OneLine(e.Message, 400)})";
        return new BotAuthenticationRefusedException(reason, e);
    }

    /// <summary>Text for a one-line log entry: no line breaks (no forged entries), bounded length.</summary>
    internal static string OneLine(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var flat = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= maxLength ? flat : string.Concat(flat.AsSpan(0, maxLength), "…");
    }
}

/// <summary>A request to the bot endpoint was not authenticated; the message says why, in one line.</summary>
public sealed class BotAuthenticationRefusedException : Exception
{
    public BotAuthenticationRefusedException(string message) : base(message)
    {
    }

    public BotAuthenticationRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public BotAuthenticationRefusedException()
    {
    }
}
