using System.Text.Json.Nodes;
using CertTrustBot.Cases;
using CertTrustBot.Tests.Http;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Slack;

/// <summary>
/// A Slack customer while support staff work in Teams (no Slack staff channel configured): the case goes to the Teams
/// staff channel, and what staff do there is told to the customer in Slack, not Teams.
/// </summary>
[Collection("Azurite")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "xunit disposes the fake Slack and the apps in DisposeAsync (IAsyncLifetime).")]
public sealed class SlackCustomerTeamsStaffTests(AzuriteFixture azurite, LoopbackServers loopback) : IClassFixture<LoopbackServers>, IAsyncLifetime
{
    private readonly FakeSlack _slack = new();
    private readonly IReadOnlyDictionary<string, string?> _storage = azurite.NewConfiguration();
    private BotApp? _bot;

    public Task InitializeAsync() => _slack.StartAsync();

    public async Task DisposeAsync()
    {
        if (_bot is not null)
            await _bot.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task The_case_goes_to_the_Teams_staff_channel_and_the_staff_s_click_reaches_the_customer_in_Slack()
    {
        var staff = new StaffTeam(loopback.Channel);
        var settings = staff.Settings(_storage);
        settings["Slack:SigningSecret"] = "3b1f0c4e9a7d42c5b8e16f0a2d9c7e51";
        settings["Slack:BotToken"] = FakeSlack.Token;
        settings["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl.ToString();
        _bot = new BotApp(settings);
        using (var installed = await _bot.PostAsync(staff.BotInstalled()))
            Assert.True(installed.IsSuccessStatusCode);
        var slack = new SlackSender(_bot, "3b1f0c4e9a7d42c5b8e16f0a2d9c7e51");
        var ada = SlackUser.New("T0CUSTOM01", "ada");

        var (caseNumber, _, _) = await SlackFlow.FileCaseAsync(_slack, slack, ada, "Production");

        var thread = await EventuallyAsync(() => loopback.Channel.Created.SingleOrDefault(c => c.ChannelId == staff.TeamId && Text(c.Message.Cards.Single()).Contains($"Case {caseNumber}", StringComparison.Ordinal)));
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.postMessage" && c.Channel is { } channel && channel.StartsWith('C'));
        var before = _slack.Calls.Count;
        using (var clicked = await _bot.PostAsync(staff.Execute(thread, thread.Message.Cards.Single(), "staff.install", staff.Member)))
            Assert.True(clicked.IsSuccessStatusCode);

        var told = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == ada.DirectMessage && c.AllText.Contains("installed", StringComparison.Ordinal), "the Slack customer told", skip: before);
        Assert.Contains(caseNumber, told.AllText, StringComparison.Ordinal);
        Assert.NotNull(told.Body["blocks"] as JsonArray);
        Assert.Equal(CaseStatus.Installed, (await _bot.Services.GetRequiredService<CaseDesk>().FindAsync(caseNumber, CancellationToken.None))!.Status);
    }

    private static string Text(JObject card) =>
        string.Join("\n", card.Descendants().OfType<JValue>().Where(v => v.Type == JTokenType.String).Select(v => (string)v!));

    private static async Task<T> EventuallyAsync<T>(Func<T?> look) where T : class
    {
        for (var i = 0; i < 400; i++)
        {
            if (look() is { } found)
                return found;
            await Task.Delay(50);
        }

        throw new TimeoutException("never came");
    }
}
