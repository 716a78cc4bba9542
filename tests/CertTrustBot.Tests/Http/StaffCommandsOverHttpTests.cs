using CertTrustBot.Cases;
using CertTrustBot.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace CertTrustBot.Tests.Http;

/// <summary>The staff's commands in the staff channel (the bot @mentioned), over HTTP like the case cards.</summary>
public sealed partial class StaffOverHttpTests
{
    [Fact]
    public async Task Cases_lists_the_open_cases_newest_first_with_their_status()
    {
        var (staff, bot, customer, first, thread) = await PostedCaseAsync();
        var second = await FileCaseAsync(bot, customer, "Test");
        var closed = await FileCaseAsync(bot, customer, "Production");
        await CaseThreadAsync(staff, closed);
        var closedCase = await CaseAsync(bot, closed);
        Assert.Equal(CaseEventOutcome.Recorded, (await bot.Services.GetRequiredService<CaseDesk>().RecordAsync(
            closed, new CaseEventDraft(CaseEventKind.Rejected, "Grace Hopper", "Wrong file"), closedCase.ETag, default)).Outcome);
        await InvokeAsync(bot, staff.Execute(thread, thread.Message.Cards.Single(), "staff.start", staff.Member));

        var command = staff.Mention(staff.Member, "cases");
        await PostAsync(bot, command);

        var answer = Assert.Single(_channel.For((string)command["conversation"]!["id"]!)).Text!;
        var lines = answer.Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count); // the rejected one is closed
        Assert.StartsWith($"- **{second}** · Submitted · Test · Ada Lovelace", lines[0], StringComparison.Ordinal); // newest first
        Assert.StartsWith($"- **{first}** · In progress · Production", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(closed, answer, StringComparison.Ordinal);
        Assert.StartsWith("**2 open cases**", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_posts_the_card_again_and_that_card_is_the_one_updated_from_then_on()
    {
        var (staff, bot, _, caseNumber, thread) = await PostedCaseAsync();
        await EventuallyAsync(() => bot.Services.GetRequiredService<StaffStore>().CardOfAsync(caseNumber, default), "the first card recorded");

        var command = staff.Mention(staff.Member, $"show {caseNumber.ToLowerInvariant()}");
        await PostAsync(bot, command);

        var answer = Assert.Single(_channel.For((string)command["conversation"]!["id"]!)).Text!;
        Assert.Contains($"I posted **{caseNumber}**'s card again", answer, StringComparison.Ordinal);
        var again = Assert.Single(_channel.Created, c => c.ChannelId == staff.TeamId && c.ActivityId != thread.ActivityId
            && AllText(c.Message.Cards.Single()).Contains($"Case {caseNumber}", StringComparison.Ordinal));
        var recorded = await bot.Services.GetRequiredService<StaffStore>().CardOfAsync(caseNumber, default);
        Assert.Equal(again.ActivityId, recorded!.MessageId);

        // The next change redraws the card shown again, not the old one.
        await InvokeAsync(bot, staff.Execute(again, again.Message.Cards.Single(), "staff.start", staff.Member));
        await UntilAsync(() => _channel.Updates.Any(u => u.ReplyToId == again.ActivityId), "the card shown again redrawn");
        Assert.Contains("In progress", AllText(staff.CurrentCard(again)), StringComparison.Ordinal);
        Assert.DoesNotContain(_channel.Updates, u => u.ReplyToId == thread.ActivityId);
    }

    [Theory]
    [InlineData("show", "Which case?")]
    [InlineData("show CT-12x", "is not a case number")]
    [InlineData("show CT-999999", "There is no case **CT-999999**")]
    public async Task Show_without_a_case_it_can_find_says_so_and_posts_nothing(string text, string expected)
    {
        var staff = new StaffTeam(_channel);
        var bot = StartBot(staff);
        await PostAsync(bot, staff.BotInstalled());

        var command = staff.Mention(staff.Member, text);
        await PostAsync(bot, command);

        Assert.Contains(expected, Assert.Single(_channel.For((string)command["conversation"]!["id"]!)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_channel.Created, c => c.ChannelId == staff.TeamId);
    }

    [Theory]
    [InlineData("cases")]
    [InlineData("show")]
    public async Task Only_staff_may_use_the_commands_and_a_refusal_shows_nothing(string name)
    {
        var (staff, bot, _, caseNumber, _) = await PostedCaseAsync();
        var recorded = await EventuallyAsync(() => bot.Services.GetRequiredService<StaffStore>().CardOfAsync(caseNumber, default), "the first card recorded");
        var created = _channel.Created.Count;
        var text = name == "show" ? $"show {caseNumber}" : name;

        var outsider = staff.Mention(staff.Outsider, text);
        var otherTeam = staff.Mention(staff.Member, text, teamId: $"19:{Guid.NewGuid():N}@thread.tacv2");
        var otherTenant = StaffTeam.FromTenant(staff.Mention(staff.Member, text), "0b1c2d3e-0000-4000-8000-00000000beef");
        foreach (var activity in new[] { outsider, otherTeam, otherTenant })
            await PostAsync(bot, activity);

        Assert.Contains("Only the support staff can use staff commands, and Mallory Intruder is not among them",
            Assert.Single(_channel.For((string)outsider["conversation"]!["id"]!)).Text, StringComparison.Ordinal);
        Assert.Contains("this command came from another team's channel", Assert.Single(_channel.For((string)otherTeam["conversation"]!["id"]!)).Text, StringComparison.Ordinal);
        Assert.Contains("another organisation (tenant)", Assert.Single(_channel.For((string)otherTenant["conversation"]!["id"]!)).Text, StringComparison.Ordinal);
        var refusals = new[] { outsider, otherTeam, otherTenant }.Select(a => _channel.For((string)a["conversation"]!["id"]!).Single().Text!).ToList();
        Assert.DoesNotContain(refusals, r => r.Contains(caseNumber, StringComparison.Ordinal)); // no case shown
        Assert.Equal(created, _channel.Created.Count); // no card posted
        Assert.Equal(recorded, await bot.Services.GetRequiredService<StaffStore>().CardOfAsync(caseNumber, default));
    }
}
