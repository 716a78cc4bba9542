using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Tests.Infrastructure;
using CertTrustBot.Tests.Loopback;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Pki = CertTrustBot.Tests.Conversation.TestCertificates;

namespace CertTrustBot.Tests.Http;

/// <summary>
/// "check HOST" in chat against real TLS servers on loopback made by each test, through the real pipeline and
/// CloudAdapter, with Azurite; and the guard that keeps the bot out of its own network.
/// </summary>
[Collection("Azurite")]
public sealed class EndpointCheckOverHttpTests(AzuriteFixture azurite, LoopbackServers loopback)
    : IClassFixture<LoopbackServers>, IAsyncLifetime
{
    private readonly LoopbackChannel _channel = loopback.Channel;
    private readonly IReadOnlyDictionary<string, string?> _storage = azurite.NewConfiguration();
    private readonly List<BotApp> _apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
            await app.DisposeAsync();
    }

    [Fact]
    public async Task A_self_signed_server_certificate_is_requested_in_one_click_with_the_host_filled_in()
    {
        using var self = Pki.SelfSignedServer("localhost");
        await using var server = LoopbackTlsServer.Tls(self);
        var bot = StartBot(server.Port, allowPrivateNetworks: true);
        var chat = new TeamsChat(_channel);

        var report = await SendAsync(bot, chat, chat.Message($"check localhost:{server.Port}"));

        var card = Assert.Single(report);
        Assert.True(HasSubmit(card, "requestTrust"));
        Assert.Contains(Grouped(self.Thumbprint), AllText(report), StringComparison.Ordinal);
        Assert.Contains("sends its own self-signed certificate", AllText(report), StringComparison.Ordinal);

        var afterClick = await SendAsync(bot, chat, chat.Submit(card, "requestTrust"));

        var picker = Assert.Single(afterClick, r => HasSubmit(r, "environments"));
        Assert.Equal("localhost", (string?)picker.Cards.Single().Descendants().OfType<JObject>().Single(o => (string?)o["id"] == "hostName")["value"]);
        var confirmation = Assert.Single(await SendAsync(bot, chat, chat.Submit(picker, "environments",
            new Dictionary<string, string> { ["environments"] = "Production", ["hostName"] = "localhost" })), r => HasSubmit(r, "confirm"));
        await SendAsync(bot, chat, chat.Submit(confirmation, "confirm"));

        var filed = Assert.Single(await CasesOfAsync(bot, chat));
        Assert.Equal("localhost", filed.HostName);
        Assert.Equal(self.GetCertHashString(HashAlgorithmName.SHA256), Assert.Single(filed.Certificates).Sha256, ignoreCase: true);
    }

    [Fact]
    public async Task A_private_chain_sent_without_its_root_is_shown_and_the_missing_root_is_named()
    {
        using var root = Pki.Root("Endpoint Test Root");
        using var intermediate = Intermediate(root);
        using var leaf = LeafWithKey(intermediate, "localhost");
        await using var server = LoopbackTlsServer.Tls(leaf, intermediate);
        var bot = StartBot(server.Port, allowPrivateNetworks: true);
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.Message($"check https://localhost:{server.Port}/api/orders"));

        var text = AllText(replies);
        Assert.DoesNotContain(replies, r => HasSubmit(r, "requestTrust"));
        Assert.Contains(Grouped(leaf.Thumbprint), text, StringComparison.Ordinal);
        Assert.Contains(Grouped(intermediate.Thumbprint), text, StringComparison.Ordinal);
        Assert.Contains("endpoint.root-not-sent", text, StringComparison.Ordinal);
        // Said once, on the report card: what the server lacks and which root to ask for, with no text message after it.
        var card = Assert.Single(replies);
        var ask = card.Cards.SelectMany(c => c.Descendants().OfType<JValue>()).Where(v => v.Type == JTokenType.String)
            .Select(v => (string)v!).Single(t => t.Contains("doesn't send", StringComparison.Ordinal));
        Assert.Contains(root.Subject, ask, StringComparison.Ordinal);
        Assert.Empty(await CasesOfAsync(bot, chat));
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_on_with_a_message()
    {
        await using var server = LoopbackTlsServer.Silent();
        var bot = StartBot(server.Port, allowPrivateNetworks: true, timeout: "00:00:02");
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.Message($"check localhost:{server.Port}"));

        var reply = Assert.Single(replies);
        Assert.Contains("did not answer within 2 seconds", reply.Text, StringComparison.Ordinal);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_plain_http_port_is_answered_with_not_tls()
    {
        var port = loopback.Files.BaseAddress.Port; // a real Kestrel speaking plain HTTP
        var bot = StartBot(port, allowPrivateNetworks: true);
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.Message($"check 127.0.0.1:{port}"));

        Assert.Contains("not with TLS", Assert.Single(replies).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_private_networks_not_allowed_every_spelling_of_loopback_is_refused_and_the_server_sees_no_connection()
    {
        await using var server = LoopbackTlsServer.Silent();
        var bot = StartBot(server.Port, allowPrivateNetworks: false);
        var chat = new TeamsChat(_channel);
        string[] spellings = ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]", "0.0.0.0", "[::1]", "localhost"];

        foreach (var spelling in spellings)
        {
            var replies = await SendAsync(bot, chat, chat.Message($"check {spelling}:{server.Port}"));

            var reply = Assert.Single(replies);
            Assert.StartsWith("I won't look at", reply.Text, StringComparison.Ordinal);
            Assert.Contains("may not connect to", reply.Text, StringComparison.Ordinal);
        }
        var viaUrl = Assert.Single(await SendAsync(bot, chat, chat.Message($"check https://0x7f000001:{server.Port}/x")));
        Assert.StartsWith("I won't look at", viaUrl.Text, StringComparison.Ordinal);

        Assert.Equal(0, server.Accepted);
    }

    [Fact]
    public async Task A_port_that_is_not_allowed_is_refused_with_the_allowed_ones()
    {
        await using var server = LoopbackTlsServer.Silent();
        var bot = StartBot(allowedPort: null, allowPrivateNetworks: true);
        var chat = new TeamsChat(_channel);

        var reply = Assert.Single(await SendAsync(bot, chat, chat.Message($"check localhost:{server.Port}")));

        Assert.Contains("443, 465, 636, 993, 995, 5061, 8443, 9443", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, server.Accepted);
    }

    [Fact]
    public async Task A_server_certificate_sent_as_a_file_asks_for_the_root_and_filing_it_anyway_is_recorded_on_the_case()
    {
        using var root = Pki.Root("Leaf Issuer Root");
        using var leaf = Pki.Leaf(root, "erp.example.com");
        var bot = StartBot(allowedPort: null, allowPrivateNetworks: false);
        var chat = new TeamsChat(_channel);

        var replies = await SendAsync(bot, chat, chat.File("server.cer", loopback.Files.Serve(leaf.RawData)));

        Assert.DoesNotContain(replies, r => HasSubmit(r, "environments"));
        var rootNeeded = Assert.Single(replies, r => HasSubmit(r, "fileAnyway"));
        var text = AllText(replies);
        Assert.Contains(root.Subject, text, StringComparison.Ordinal);
        Assert.Contains("check erp.example.com", text, StringComparison.Ordinal);

        var picker = Assert.Single(await SendAsync(bot, chat, chat.Submit(rootNeeded, "fileAnyway")), r => HasSubmit(r, "environments"));
        var confirmation = Assert.Single(await SendAsync(bot, chat, chat.Submit(picker, "environments",
            new Dictionary<string, string> { ["environments"] = "Test" })), r => HasSubmit(r, "confirm"));
        await SendAsync(bot, chat, chat.Submit(confirmation, "confirm"));

        var filed = Assert.Single(await CasesOfAsync(bot, chat));
        var waiver = Assert.Single(filed.Findings, f => f.Code == ConversationFlow.RootWaivedCode);
        Assert.Contains(root.Subject, waiver.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production", "true", true)]
    [InlineData("Testing", "true", true)]
    [InlineData("Production", "false", false)]
    [InlineData("Development", "true", false)]
    public void Private_networks_allowed_outside_Development_are_warned_about_at_start_up(string environment, string allow, bool warned)
    {
        using var logs = new CapturedLogs();
        var bot = new BotApp(new Dictionary<string, string?>(BotApp.Settings(_storage)) { ["EndpointCheck:AllowPrivateNetworks"] = allow });
        _apps.Add(bot);
        var app = bot.WithWebHostBuilder(builder => builder.UseEnvironment(environment).ConfigureLogging(logging => logging.AddProvider(logs)));

        using var client = app.CreateClient();

        var warnings = logs.All.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("EndpointCheck:AllowPrivateNetworks", StringComparison.Ordinal)).ToList();
        Assert.Equal(warned ? 1 : 0, warnings.Count);
    }

    [Theory]
    [InlineData("EndpointCheck:Timeout", "00:00:30")]
    [InlineData("EndpointCheck:Timeout", "00:00:00")]
    [InlineData("EndpointCheck:MaxBytes", "100")]
    [InlineData("EndpointCheck:AllowedPorts:0", "0")]
    [InlineData("EndpointCheck:AllowedPorts:0", "70000")]
    public void A_bad_endpoint_check_setting_stops_the_bot_at_start_up_naming_it(string key, string value)
    {
        var app = new BotApp(new Dictionary<string, string?>(BotApp.Settings(_storage)) { [key] = value });
        _apps.Add(app);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(key.Replace(":0", "", StringComparison.Ordinal), error.ToString(), StringComparison.Ordinal);
    }

    private BotApp StartBot(int? allowedPort, bool allowPrivateNetworks, string? timeout = null)
    {
        var settings = BotApp.Settings(_storage);
        settings["EndpointCheck:AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false";
        if (allowedPort is { } port)
            settings["EndpointCheck:AllowedPorts:0"] = port.ToString(CultureInfo.InvariantCulture);
        if (timeout is not null)
            settings["EndpointCheck:Timeout"] = timeout;
        var app = new BotApp(settings);
        _apps.Add(app);
        return app;
    }

    private static X509Certificate2 Intermediate(X509Certificate2 root)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Endpoint Test Issuing CA, O=Contoso", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var created = request.Create(root, Pki.Now.AddDays(-60), Pki.Now.AddYears(3), [0x20, 0x01]);
        return created.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 LeafWithKey(X509Certificate2 issuer, string host)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.Create(issuer, Pki.Now.AddDays(-30), Pki.Now.AddYears(1), [0x30, 0x01]);
        return created.CopyWithPrivateKey(key);
    }

    private static string Grouped(string hex) => string.Join(' ', hex.Chunk(4).Select(c => new string(c)));

    private static async Task<IReadOnlyList<LoopbackChannel.CapturedActivity>> SendAsync(BotApp bot, TeamsChat chat, JObject activity)
    {
        using var response = await bot.PostAsync(activity);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/messages answered {(int)response.StatusCode}");
        return chat.NewReplies();
    }

    private static async Task<IReadOnlyList<SupportCase>> CasesOfAsync(BotApp bot, TeamsChat chat) =>
        await bot.Services.GetRequiredService<CaseDesk>().ListForRequesterAsync(
            new Requester(chat.UserId, "Ada Lovelace", chat.UserAadObjectId, TeamsChat.TenantId), CancellationToken.None);

    private static bool HasSubmit(LoopbackChannel.CapturedActivity reply, string action) =>
        reply.Cards.Any(card => card.Descendants().OfType<JObject>()
            .Any(o => (string?)o["type"] == "Action.Submit" && (string?)o["data"]?["action"] == action));

    private static string AllText(IEnumerable<LoopbackChannel.CapturedActivity> replies) =>
        string.Join("\n", replies.SelectMany(r =>
            new[] { r.Text ?? "" }.Concat(r.Cards.SelectMany(c => c.Descendants().OfType<JValue>()
                .Where(v => v.Type == JTokenType.String).Select(v => (string)v!)))));
}
