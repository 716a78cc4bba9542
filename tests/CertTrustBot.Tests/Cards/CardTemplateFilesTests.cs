using System.Text.Json.Nodes;
using CertTrustBot.Cards;

namespace CertTrustBot.Tests.Cards;

public class CardTemplateFilesTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "cards");
    private readonly CardTemplates _templates = CardTemplates.FromDirectory(Directory);

    public static TheoryData<string, object, string> Samples => CardSamples.All;

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_template_filled_with_sample_data_is_a_valid_adaptive_card_1_5(string template, object data, string variant)
    {
        var card = _templates.Render(template, data);

        var problems = AdaptiveCardRules.Problems(card);
        Assert.True(problems.Count == 0, $"{template} ({variant}):\n{string.Join("\n", problems)}\n{card.ToJsonString()}");
    }

    [Fact]
    public void Every_card_name_has_a_template_and_every_template_a_sample()
    {
        var files = System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order().ToList();
        Assert.Equal(CardNames.All.Order(), files);
        Assert.Equal(CardNames.All.Order(), CardSamples.All.Select(row => (string)row[0]).Distinct().Order());
    }

    [Fact]
    public void The_report_card_repeats_each_certificate_and_finding_and_hides_what_is_empty()
    {
        var full = (CertificateReportCardData)CardSamples.All.First(r => (string)r[0] == CardNames.CertificateReport)[1];
        var card = _templates.Render(CardNames.CertificateReport, full).ToJsonString();
        Assert.Contains("#2 Server certificate", card, StringComparison.Ordinal);
        Assert.Contains("The file contains a private key.", card, StringComparison.Ordinal);
        Assert.Contains("\"fontType\":\"monospace\"", card, StringComparison.Ordinal);
        Assert.Contains("More details", card, StringComparison.Ordinal);

        var bare = _templates.Render(CardNames.CertificateReport,
            new CertificateReportCardData("x.cer", "Block", "⛔ Blocked", "attention", "Blocked", false, "", [], false, [], false, []));
        Assert.DoesNotContain("What to know", bare.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(bare["actions"]!.AsArray());
    }

    [Fact]
    public void The_picker_submits_the_environments_action_with_the_request_id_and_cancel_without_inputs()
    {
        var data = new EnvironmentPickerCardData("req-7", "root.cer", [new("Test", "Test"), new("Production", "Production")],
            "Production", "", 40, "", false, MarkdownText.Empty);
        var card = _templates.Render(CardNames.EnvironmentPicker, data);

        var actions = card["actions"]!.AsArray();
        Assert.Equal("""{"action":"environments","requestId":"req-7"}""", actions[0]!["data"]!.ToJsonString());
        Assert.Equal("""{"action":"cancel","requestId":"req-7"}""", actions[1]!["data"]!.ToJsonString());
        Assert.Equal("none", actions[1]!["associatedInputs"]!.GetValue<string>());
        var choiceSet = card["body"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "Input.ChoiceSet")!;
        Assert.True(choiceSet["isMultiSelect"]!.GetValue<bool>());
        Assert.Equal("Production", choiceSet["value"]!.GetValue<string>());
        var other = card["body"]!.AsArray().Single(e => e!["id"]?.GetValue<string>() == "otherEnvironment")!;
        Assert.Equal(40, other["maxLength"]!.GetValue<int>()); // a number, not the text "40"
    }

    [Fact]
    public void The_confirmation_carries_the_request_id_on_confirm_and_cancel()
    {
        var data = new ConfirmationCardData("req-9", "root.cer", [], "Production", false, "", "", "default", false, [], "Wednesday 4 March 2026");
        var actions = _templates.Render(CardNames.Confirmation, data)["actions"]!.AsArray();
        Assert.Equal(["confirm", "cancel"], actions.Select(a => a!["data"]!["action"]!.GetValue<string>()));
        Assert.All(actions, a => Assert.Equal("req-9", a!["data"]!["requestId"]!.GetValue<string>()));
    }

    [Fact]
    public void Text_from_the_user_is_inserted_as_text_and_never_read_as_a_template()
    {
        var data = new ErrorCardData("${title}", "\"quoted\" <b>not html</b> ${message} \\ end", false, MarkdownText.Empty);
        var card = _templates.Render(CardNames.Error, data);
        var texts = card["body"]![0]!["items"]!.AsArray().Select(i => i!["text"]!.GetValue<string>()).ToList();
        // Escaped for Markdown, which the TextBlock renders; the same text once the Markdown is read.
        Assert.Equal(["${title}", "\"quoted\" \\<b\\>not html\\</b\\> ${message} \\\\ end"], texts);
    }

    [Fact]
    public void The_rules_catch_a_card_teams_would_not_render()
    {
        var bad = JsonNode.Parse("""
            {"type":"AdaptiveCard","version":"1.6","body":[
              {"type":"Carousel"},
              {"type":"TextBlock","color":"red"},
              {"type":"Input.Text","id":"x"},{"type":"Input.Text","id":"x"},
              {"type":"Input.ChoiceSet","id":"c","value":"Staging","choices":[{"title":"Test","value":"Test"}]},
              {"type":"FactSet","facts":[{"title":"a"}]},
              {"type":"TextBlock","text":"${left}","$when":"${x}"}],
             "actions":[{"type":"Action.Http","title":"go"},{"type":"Action.Submit"}]}
            """)!.AsObject();

        var problems = AdaptiveCardRules.Problems(bad);

        string[] expected =
        [
            "version must be 1.5", "'Carousel' is not an Adaptive Card 1.5 element", "TextBlock needs a non-empty text",
            "color '\"red\"'", "input id 'x' is used twice", "'Staging' is not among the choices", "a fact needs a text title and a text value",
            "template keyword left", "still holds template syntax", "'Action.Http' is not an Adaptive Card 1.5 action", "an action needs a title",
        ];
        foreach (var problem in expected)
            Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }
}
