using System.Text;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Bot;

/// <summary>
/// What makes a POST to /api/messages a bad request (400, one log line), in the SDK's order: the body must be an
/// activity before anything else (the CloudAdapter reads it before it authenticates, and answers an unreadable one
/// with an empty 400); once authenticated, the activity must have what every turn needs, or the SDK and the turn
/// fail on it with a 500 and a stack trace.
/// </summary>
public static class IncomingActivity
{
    /// <summary>Why the request's body is no activity, or null; the body is left readable from its start.</summary>
    public static async Task<string?> ProblemWithBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.EnableBuffering();
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true))
            body = await reader.ReadToEndAsync(cancellationToken);
        request.Body.Position = 0;
        return ProblemWith(body);
    }

    /// <summary>Why <paramref name="body"/> is no activity (the SDK's serializer, as the CloudAdapter reads it), or null.</summary>
    public static string? ProblemWith(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        JToken token;
        try
        {
            token = JToken.Parse(body);
        }
        catch (JsonReaderException)
        {
            return body.Length == 0 ? "the body is empty, not an activity" : "the body is not valid JSON";
        }

        if (token is not JObject activity)
            return $"the body is a JSON {Describe(token.Type)}, not an activity (a JSON object)";
        if (activity["type"] is not JValue { Type: JTokenType.String } type || string.IsNullOrWhiteSpace((string?)type))
            return "the activity has no type (a non-empty string)";
        try
        {
            activity.ToObject<Activity>(HttpHelper.BotMessageSerializer);
        }
        catch (JsonException e)
        {
            var path = (e as JsonSerializationException)?.Path;
            return string.IsNullOrEmpty(path)
                ? "the activity's fields do not have an activity's types"
                : $"the activity's field '{RefusingAuthentication.OneLine(path, 60)}' does not have an activity's type";
        }

        return null;
    }

    /// <summary>Why an authenticated activity cannot be a turn (no serviceUrl to answer on, no conversation), or null.</summary>
    public static string? ProblemWith(IActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (!Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl) || (serviceUrl.Scheme != Uri.UriSchemeHttps && serviceUrl.Scheme != Uri.UriSchemeHttp))
            return "the activity has no serviceUrl (an absolute http or https URL)";
        if (string.IsNullOrWhiteSpace(activity.Conversation?.Id))
            return "the activity has no conversation id";
        return null;
    }

    private static string Describe(JTokenType type) => type switch
    {
        JTokenType.Array => "array",
        JTokenType.String => "string",
        JTokenType.Integer or JTokenType.Float => "number",
        JTokenType.Boolean => "true or false",
        JTokenType.Null => "null",
        _ => type.ToString().ToLowerInvariant(),
    };
}

/// <summary>A request to the bot endpoint is not an activity the bot can take; the message says why, in one line.</summary>
public sealed class BadActivityException : Exception
{
    public BadActivityException(string message) : base(message)
    {
    }

    public BadActivityException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public BadActivityException()
    {
    }
}
