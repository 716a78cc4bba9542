using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// The bot with a MicrosoftAppId, as deployed: whatever a stranger sends to /api/messages without a valid Bot Framework
/// token gets 401, one log line without a stack trace, and nothing else (no reply, no state). No test here reaches
/// the internet: a token that cannot be one is refused before any key fetch, and for RS256 tokens the SDK's OpenID
/// metadata is the test's own (see <see cref="TrustOnly"/>).
/// </summary>
[Collection("Azurite")]
public sealed class AuthenticationOverHttpTests(AzuriteFixture azurite, LoopbackServers loopback)
    : IClassFixture<LoopbackServers>, IAsyncLifetime, IDisposable
{
    private const string AppId = "6f1c2a4e-0d3b-4c1a-9a57-2f0e8f1b7c11";
    private const string BotTenantId = "0b7e4f3a-5c2d-4e6f-8a9b-1c2d3e4f5a6b";
    private const string ChannelIssuer = "https://api.botframework.com";

    private readonly IReadOnlyDictionary<string, string?> _storage = azurite.NewConfiguration();
    private readonly string _metadataUrl = $"https://openid.test.invalid/{Guid.NewGuid():N}/.well-known/openidconfiguration";
    private readonly CapturedLogs _logs = new();
    private readonly RSA _trustedKey = RSA.Create(2048);
    private readonly RSA _foreignKey = RSA.Create(2048);
    private WebApplicationFactory<Program> _app = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(_storage)
        {
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = "not-a-real-secret",
            ["MicrosoftAppTenantId"] = BotTenantId,
            // Naming one of these switches the SDK to its parameterized authentication, which then needs all of
            // them: the public cloud's values, except the channel's metadata URL (this test's own).
            ["ToChannelFromBotLoginUrl"] = $"https://login.microsoftonline.com/{BotTenantId}",
            ["ToChannelFromBotOAuthScope"] = ChannelIssuer,
            ["ToBotFromChannelTokenIssuer"] = ChannelIssuer,
            ["OAuthUrl"] = ChannelIssuer,
            ["ToBotFromChannelOpenIdMetadataUrl"] = _metadataUrl,
            ["ToBotFromEmulatorOpenIdMetadataUrl"] = "https://login.microsoftonline.com/botframework.com/v2.0/.well-known/openid-configuration",
            ["CallerId"] = "urn:botframework:azure",
        };
        _app = new BotApp(settings).WithWebHostBuilder(builder => builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddProvider(_logs);
        }));
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    public void Dispose()
    {
        _logs.Dispose();
        _trustedKey.Dispose();
        _foreignKey.Dispose();
    }

    public static TheoryData<string, string?> TokensThatCannotBeValid => new()
    {
        { "no Authorization header", null },
        { "garbage", "Bearer garbage" },
        { "another scheme", "Basic dXNlcjpwYXNz" },
        { "alg=none", "Bearer " + Unsigned(ChannelClaims(AppId)) },
        { "HS256", "Bearer " + new JsonWebTokenHandler().CreateToken(Descriptor(new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256))) },
    };

    [Theory]
    [MemberData(nameof(TokensThatCannotBeValid))]
    public async Task A_request_without_a_possible_token_is_refused_with_401_and_one_line(string what, string? authorization)
    {
        var chat = new TeamsChat(loopback.Channel);

        var response = await PostAsync(chat.Message("hello"), authorization);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)response.StatusCode}");
        await AssertNothingHappenedAsync(chat);
    }

    [Fact]
    public async Task An_RS256_token_signed_with_a_key_the_bot_does_not_trust_is_refused()
    {
        TrustOnly(_trustedKey, "trusted");
        var chat = new TeamsChat(loopback.Channel);
        var token = Sign(_foreignKey, "foreign", chat);

        var response = await PostAsync(chat.Message("hello"), "Bearer " + token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var line = await AssertNothingHappenedAsync(chat);
        Assert.True(line.Message.Contains("IDX10", StringComparison.Ordinal), line.Message); // the SDK checked the signature, and said so
    }

    [Fact]
    public async Task An_RS256_token_naming_a_trusted_key_but_signed_with_another_is_refused()
    {
        TrustOnly(_trustedKey, "trusted");
        var chat = new TeamsChat(loopback.Channel);
        var token = Sign(_foreignKey, "trusted", chat);

        var response = await PostAsync(chat.Message("hello"), "Bearer " + token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var line = await AssertNothingHappenedAsync(chat);
        Assert.True(line.Message.Contains("IDX10", StringComparison.Ordinal), line.Message);
    }

    [Fact]
    public async Task Every_refusal_is_logged_once_however_many_there_are()
    {
        var chat = new TeamsChat(loopback.Channel);

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(chat.Message("hello"), "Bearer garbage")).StatusCode);

        Assert.Equal(5, _logs.All.Count(e => e.Level >= LogLevel.Warning));
        Assert.All(_logs.All, e => Assert.Null(e.Exception));
    }

    // The CloudAdapter reads the body before it authenticates, so a body that is no activity gets 400 from anyone (a
    // stranger, or the channel with a token signed by a trusted key), as it did from the SDK; with the reason now, and
    // one line in the log.
    [Theory]
    [InlineData("not json", null)]
    [InlineData("[]", "Bearer garbage")]
    [InlineData("\"x\"", null)]
    [InlineData("{\"type\": 5}", "Bearer garbage")]
    [InlineData("{\"type\": 5}", "VALID")]
    [InlineData("[]", "VALID")]
    [InlineData("not json", "VALID")]
    public async Task A_body_that_is_no_activity_is_answered_400_whoever_sends_it(string body, string? authorization)
    {
        TrustOnly(_trustedKey, "trusted");
        var chat = new TeamsChat(loopback.Channel);
        if (authorization == "VALID")
            authorization = "Bearer " + Sign(_trustedKey, "trusted", chat);

        var response = await PostAsync(body, authorization);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Bad request: ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingHappenedAsync(chat, "Bad request to /api/messages");
    }

    // An activity a turn could not take (no conversation) still meets authentication first: a stranger gets 401, as
    // before. (Once authenticated it gets 400: BadBodyOverHttpTests, in local mode. A token the SDK fully accepts
    // cannot be made here: it fetches the key endorsements over HTTPS.)
    [Fact]
    public async Task An_activity_without_a_conversation_from_a_stranger_is_still_refused_with_401()
    {
        var chat = new TeamsChat(loopback.Channel);
        var noConversation = chat.Message("hello");
        noConversation.Remove("conversation");

        var response = await PostAsync(noConversation, "Bearer garbage");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingHappenedAsync(chat);
    }

    private Task<HttpResponseMessage> PostAsync(JObject activity, string? authorization) => PostAsync(activity.ToString(), authorization);

    private async Task<HttpResponseMessage> PostAsync(string body, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/messages", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await _client.SendAsync(request);
    }

    /// <summary>No reply, no state, and exactly one log entry at Warning or above, in one line and without an exception.</summary>
    private async Task<CapturedLogs.Entry> AssertNothingHappenedAsync(TeamsChat chat, string logged = "Refused a request to /api/messages")
    {
        Assert.Empty(chat.NewReplies());
        var state = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:StateContainer"]);
        if (await state.ExistsAsync())
            Assert.Empty(await state.GetBlobsAsync().ToListAsync());

        var all = _logs.All;
        Assert.All(all, e => Assert.True(e.Exception is null, $"logged with an exception: {e}"));
        var loud = all.Where(e => e.Level >= LogLevel.Warning).ToList();
        var line = Assert.Single(loud);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.StartsWith(logged, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line.Message);
        Assert.DoesNotContain(" at ", line.Message, StringComparison.Ordinal); // no stack frames
        return line;
    }

    /// <summary>
    /// Makes the SDK's OpenID metadata for this test's metadata URL list one key. The SDK fetches it with a static
    /// HttpClient that insists on HTTPS, which a test cannot serve it on loopback, so the test hands it the documents
    /// in memory: it keeps one ConfigurationManager per metadata URL in JwtTokenExtractor's static cache.
    /// </summary>
    private void TrustOnly(RSA key, string keyId)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)) { KeyId = keyId });
        var keys = new JObject
        {
            ["keys"] = new JArray(new JObject { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = keyId, ["n"] = jwk.N, ["e"] = jwk.E }),
        };
        var jwksUrl = _metadataUrl.Replace("openidconfiguration", "keys", StringComparison.Ordinal);
        var metadata = new JObject
        {
            ["issuer"] = ChannelIssuer,
            ["jwks_uri"] = jwksUrl,
            ["id_token_signing_alg_values_supported"] = new JArray("RS256"),
        };
        var documents = new InMemoryDocuments(new Dictionary<string, string> { [_metadataUrl] = metadata.ToString(), [jwksUrl] = keys.ToString() });

        var field = typeof(JwtTokenExtractor).GetField("_openIdMetadataCache", BindingFlags.NonPublic | BindingFlags.Static);
        var cache = field?.GetValue(null) as ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>>;
        Assert.True(cache is not null, "JwtTokenExtractor no longer keeps its OpenID metadata in _openIdMetadataCache: update this test for the SDK.");
        Assert.True(cache.TryAdd(_metadataUrl, new ConfigurationManager<OpenIdConnectConfiguration>(_metadataUrl, new OpenIdConnectConfigurationRetriever(), documents)));
    }

    private sealed class InMemoryDocuments(IReadOnlyDictionary<string, string> documents) : IDocumentRetriever
    {
        public Task<string> GetDocumentAsync(string address, CancellationToken cancel) =>
            documents.TryGetValue(address, out var document) ? Task.FromResult(document) : throw new IOException($"No document at {address}.");
    }

    private static Dictionary<string, object> ChannelClaims(string audience) => new()
    {
        ["iss"] = ChannelIssuer,
        ["aud"] = audience,
        ["serviceurl"] = "http://127.0.0.1/",
    };

    private static SecurityTokenDescriptor Descriptor(SigningCredentials? credentials, Dictionary<string, object>? claims = null) => new()
    {
        Claims = claims ?? ChannelClaims(AppId),
        Expires = DateTime.UtcNow.AddMinutes(30),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        SigningCredentials = credentials,
    };

    private static string Unsigned(Dictionary<string, object> claims) =>
        new JsonWebTokenHandler().CreateToken(Descriptor(null, claims)); // alg "none", empty signature

    /// <summary>A channel token in every respect but the key (issuer, audience, serviceUrl as Azure Bot Service sends them).</summary>
    private static string Sign(RSA key, string keyId, TeamsChat chat)
    {
        var claims = ChannelClaims(AppId);
        claims["serviceurl"] = (string)chat.Message("x")["serviceUrl"]!;
        return new JsonWebTokenHandler().CreateToken(Descriptor(new SigningCredentials(new RsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256), claims));
    }
}
