using Azure.Storage.Blobs;
using CertTrustBot.Staff;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Tests.Http;

/// <summary>Installing the bot: the staff channel gets the staff welcome, everyone else the customers' welcome card.</summary>
public sealed partial class StaffOverHttpTests
{
    [Fact]
    public async Task Installing_the_bot_in_the_staff_team_tells_the_staff_channel_what_it_is_for_and_the_staff_commands()
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        var installed = staff.BotInstalled();

        await PostAsync(bot, installed);

        var welcome = Assert.Single(_channel.For((string)installed["conversation"]!["id"]!));
        Assert.Empty(welcome.Cards); // not the customers' card, with its New request / Check buttons
        var text = welcome.Text!;
        Assert.DoesNotContain("root CA certificate", text, StringComparison.Ordinal);
        Assert.Contains("thread", text, StringComparison.Ordinal); // case cards arrive as threads
        Assert.Contains("buttons", text, StringComparison.Ordinal); // act with them
        Assert.Contains("@mention", text, StringComparison.Ordinal);
        foreach (var command in new[] { "- **cases**", "- **show CT-", "- **expiring**" })
            Assert.Contains(command, text, StringComparison.Ordinal);
        // No conversation was started in the staff channel; the staff team is learned, as before.
        var state = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_storage["Storage:StateContainer"]);
        if (await state.ExistsAsync())
            Assert.DoesNotContain(await state.GetBlobsAsync().Select(b => b.Name).ToListAsync(), n => n.StartsWith("conversations/", StringComparison.Ordinal));
        Assert.NotNull(await bot.Services.GetRequiredService<StaffStore>().TeamAsync(default));
    }

    [Theory]
    [InlineData("another team")]
    [InlineData("the staff team's id from another tenant")]
    [InlineData("a staff member's personal chat")]
    public async Task Installing_the_bot_anywhere_else_sends_the_customers_welcome(string where)
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        var installed = where switch
        {
            "another team" => InAnotherTeam(staff.BotInstalled()),
            "the staff team's id from another tenant" => StaffTeam.FromTenant(staff.BotInstalled(), "0b1c2d3e-0000-4000-8000-00000000beef"),
            _ => StaffTeam.FromPersonalChat(staff.BotInstalled()),
        };

        await PostAsync(bot, installed);

        var welcome = Assert.Single(_channel.For((string)installed["conversation"]!["id"]!));
        var card = Assert.Single(welcome.Cards);
        Assert.Contains("root CA certificate", AllText(card), StringComparison.Ordinal);
        Assert.True(HasSubmit(welcome, "check"), where);
        Assert.DoesNotContain("**expiring**", welcome.Text ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_in_the_staff_channel_is_the_staff_welcome_and_in_another_team_the_customers_card()
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        await PostAsync(bot, staff.BotInstalled());

        var inStaffChannel = staff.Mention(staff.Member, "help");
        var elsewhere = staff.Mention(staff.Member, "help", teamId: $"19:{Guid.NewGuid():N}@thread.tacv2");
        await PostAsync(bot, inStaffChannel);
        await PostAsync(bot, elsewhere);

        var staffHelp = Assert.Single(_channel.For((string)inStaffChannel["conversation"]!["id"]!), r => r.Text?.Contains("@mention", StringComparison.Ordinal) == true);
        Assert.Empty(staffHelp.Cards);
        Assert.Contains("- **cases**", staffHelp.Text, StringComparison.Ordinal);
        var customerHelp = Assert.Single(_channel.For((string)elsewhere["conversation"]!["id"]!));
        Assert.Contains("root CA certificate", AllText(Assert.Single(customerHelp.Cards)), StringComparison.Ordinal);
    }

    private static JObject InAnotherTeam(JObject activity)
    {
        var moved = (JObject)activity.DeepClone();
        var teamId = $"19:{Guid.NewGuid():N}@thread.tacv2";
        moved["conversation"]!["id"] = teamId;
        foreach (var path in new[] { "teamsChannelId", "teamsTeamId" })
            moved["channelData"]![path] = teamId;
        moved["channelData"]!["channel"]!["id"] = moved["channelData"]!["team"]!["id"] = teamId;
        return moved;
    }
}
