using System.Text.Json.Nodes;
using CertTrustBot.Cards;
using CertTrustBot.Tests.Cards;

namespace CertTrustBot.Tests.Slack;

/// <summary>The Block Kit templates (cards/slack/), filled by the same mechanism and data as the Adaptive Cards.</summary>
public sealed class SlackTemplateTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "cards");
    private readonly CardTemplates _templates = CardTemplates.FromDirectory(Directory);

    public static TheoryData<string, object, string> Samples => CardSamples.All;

    [Fact]
    public void Every_card_has_a_Block_Kit_template()
    {
        var files = System.IO.Directory.GetFiles(Path.Combine(Directory, CardTemplates.SlackFolder), "*.json").Select(Path.GetFileNameWithoutExtension).Order().ToList();
        Assert.Equal(CardNames.All.Order(), files);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_template_filled_with_sample_data_keeps_Slack_s_limits(string template, object data, string variant)
    {
        var blocks = _templates.RenderSlack(template, data)["blocks"]!.AsArray();
        var problems = new List<string>();
        if (blocks.Count is 0 or > 50)
            problems.Add($"{blocks.Count} blocks (1 to 50)");
        var actionIds = new List<string>();
        foreach (var block in blocks.OfType<JsonObject>())
        {
            var type = (string?)block["type"];
            if (type is not ("header" or "section" or "context" or "divider" or "input" or "actions"))
                problems.Add($"block type {type}");
            if (type == "header" && ((string?)block["text"]?["text"])?.Length is null or 0 or > 150)
                problems.Add("a header's text must be 1 to 150 characters");
            if (type == "section" && block["text"] is null && block["fields"] is null)
                problems.Add("a section without text or fields");
            if (block["fields"] is JsonArray fields && fields.Count is 0 or > 10)
                problems.Add($"{fields.Count} fields (1 to 10)");
            if (type == "input" && block["element"]?["options"] is JsonArray { Count: 0 })
                problems.Add("a select without options");
            foreach (var element in Descendants(block).OfType<JsonObject>())
            {
                if ((string?)element["type"] is "mrkdwn" or "plain_text" && ((string?)element["text"])?.Length is null or 0 or > 3000)
                    problems.Add($"a text object of {((string?)element["text"])?.Length ?? 0} characters (1 to 3000)");
                if ((string?)element["action_id"] is { } id)
                    actionIds.Add(id);
                if ((string?)element["type"] == "button" && ((string?)element["value"])?.Length > 2000)
                    problems.Add("a button value over 2000 characters");
                if (element["initial_value"] is JsonValue v && v.ToString().Length == 0)
                    problems.Add("an empty initial_value");
                if (element["initial_options"] is JsonArray { Count: 0 })
                    problems.Add("empty initial_options");
                if (element.Any(p => p.Key.StartsWith('$')))
                    problems.Add("a template keyword left in");
            }
        }

        if (actionIds.Count != actionIds.Distinct().Count())
            problems.Add("action ids repeat: " + string.Join(", ", actionIds));
        Assert.True(problems.Count == 0, $"{template} ({variant}):\n{string.Join("\n", problems)}\n{blocks.ToJsonString()}");
    }

    [Fact]
    public void Outside_text_shows_literally_in_mrkdwn_and_as_it_is_in_plain_text_and_values()
    {
        var data = (StaffCaseCardData)CardSamples.All.First(r => (string)r[0] == CardNames.StaffCase)[1];
        data = data with { Requester = "Eve <!channel> *urgent*", Environments = "A & B" };

        var blocks = _templates.RenderSlack(CardNames.StaffCase, data)["blocks"]!;
        var mrkdwn = string.Join("\n", Descendants(blocks).OfType<JsonObject>().Where(o => (string?)o["type"] == "mrkdwn").Select(o => (string?)o["text"]));

        Assert.Contains("Eve &lt;!channel&gt; \u200B*\u200Burgent\u200B*\u200B", mrkdwn, StringComparison.Ordinal);
        Assert.Contains("A &amp; B", mrkdwn, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", mrkdwn, StringComparison.Ordinal);
        // The template's own mrkdwn stays: the field titles are bold.
        Assert.Contains("*Customer*\n", mrkdwn, StringComparison.Ordinal);
        // Button values carry the case's ETag as it is (not escaped), so the click is checked against it.
        var start = Descendants(blocks).OfType<JsonObject>().Single(o => (string?)o["action_id"] == "staff.start");
        Assert.Equal("action=staff.start&caseNumber=CT-000042&etag=\"0x8DC1\"", (string?)start["value"]);
    }

    [Fact]
    public void The_bot_s_own_Markdown_becomes_mrkdwn_and_loses_its_marks_in_plain_text()
    {
        var data = new ErrorCardData("**Not** submitted", "Storage <down>", true, new MarkdownText("Press **Confirm** again."));

        var blocks = _templates.RenderSlack(CardNames.Error, data)["blocks"]!.AsArray();

        Assert.Equal("**Not** submitted", (string?)blocks[0]!["text"]!["text"]); // a plain_text header: data as it is
        Assert.Equal(":x: Storage &lt;down&gt;", (string?)blocks[1]!["text"]!["text"]);
        Assert.Equal("Press *Confirm* again.", (string?)blocks[2]!["text"]!["text"]);
    }

    [Fact]
    public void The_picker_preselects_the_chosen_environments_and_its_buttons_carry_the_request()
    {
        var data = new EnvironmentPickerCardData("req-7", "root.cer", [new("Development", "Development"), new("Test", "Test"), new("Production", "Production")],
            "Production,Test", "", 40, "erp.example.com", false, MarkdownText.Empty);

        var blocks = _templates.RenderSlack(CardNames.EnvironmentPicker, data)["blocks"]!.AsArray().OfType<JsonObject>().ToList();

        var select = blocks.Single(b => (string?)b["block_id"] == "environments")["element"]!;
        Assert.Equal(["Development", "Test", "Production"], select["options"]!.AsArray().Select(o => (string?)o!["value"]));
        Assert.Equal(["Test", "Production"], select["initial_options"]!.AsArray().Select(o => (string?)o!["value"]));
        Assert.Null(blocks.Single(b => (string?)b["block_id"] == "otherEnvironment")["element"]!["initial_value"]);
        Assert.Equal("erp.example.com", (string?)blocks.Single(b => (string?)b["block_id"] == "hostName")["element"]!["initial_value"]);
        var buttons = blocks.Single(b => (string?)b["type"] == "actions")["elements"]!.AsArray();
        Assert.Equal(["action=environments&requestId=req-7", "action=cancel&requestId=req-7"], buttons.Select(b => (string?)b!["value"]));
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                yield return o;
                foreach (var (_, value) in o)
                {
                    foreach (var d in Descendants(value))
                        yield return d;
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    foreach (var d in Descendants(item))
                        yield return d;
                }

                break;
        }
    }
}

public sealed class SlackRendererTests
{
    private readonly SlackRendererUnderTest _renderer = new();

    [Fact]
    public void A_hostile_subject_is_shortened_to_Slack_s_limits_instead_of_the_message_being_refused()
    {
        var data = (ConfirmationCardData)CardSamples.All.First(r => (string)r[0] == CardNames.Confirmation)[1];
        var subject = "CN=" + string.Concat(Enumerable.Repeat("a&b<c>*", 1000));
        data = data with { FileName = subject, Certificates = [.. data.Certificates.Select(c => c with { Subject = subject })] };

        var message = _renderer.Render(new CertTrustBot.Conversation.CardReply(CardNames.Confirmation, data, subject));

        var texts = Texts(message.Blocks!).ToList();
        Assert.All(texts, t => Assert.InRange(t.Length, 1, CertTrustBot.Slack.SlackRenderer.MaxText));
        Assert.Contains(texts, t => t.EndsWith('…'));
        Assert.DoesNotMatch(@"&[a-z]*…", string.Join("\n", texts)); // no entity cut in half
        Assert.True(message.Text.Length <= CertTrustBot.Slack.SlackRenderer.MaxText);
        Assert.Contains(message.Blocks!.OfType<JsonObject>(), b => (string?)b["type"] == "actions"); // Confirm stays
    }

    [Fact]
    public void A_card_without_its_Block_Kit_template_is_sent_as_its_summary_shown_literally()
    {
        var renderer = new CertTrustBot.Slack.SlackRenderer(CardTemplates.FromJson(new Dictionary<string, string>()));

        var message = renderer.Render(new CertTrustBot.Conversation.CardReply("new-card", new { x = 1 }, "CT-000042 <!here> expires soon"));

        Assert.Equal("CT-000042 &lt;!here&gt; expires soon", message.Text);
        Assert.Null(message.Blocks);
    }

    [Fact]
    public void Over_fifty_blocks_the_display_blocks_are_cut_and_the_inputs_and_buttons_kept()
    {
        var blocks = new JsonArray();
        for (var i = 0; i < 70; i++)
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"line {i}" } });
        blocks.Add(new JsonObject { ["type"] = "input", ["block_id"] = "question" });
        blocks.Add(new JsonObject { ["type"] = "actions", ["block_id"] = "staff-actions" });

        var fitted = CertTrustBot.Slack.SlackRenderer.Fit(blocks);

        Assert.Equal(50, fitted.Count);
        Assert.Equal("line 0", (string?)fitted[0]!["text"]!["text"]);
        Assert.Equal(["question", "staff-actions"], fitted.OfType<JsonObject>().Where(b => b["block_id"] is not null).Select(b => (string?)b["block_id"]));
        Assert.Contains("left out", fitted.ToJsonString(), StringComparison.Ordinal);
    }

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o when (string?)o["type"] is "mrkdwn" or "plain_text" => [(string?)o["text"] ?? ""],
        JsonObject o => o.SelectMany(p => Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        _ => [],
    };

    private sealed class SlackRendererUnderTest()
    {
        private readonly CertTrustBot.Slack.SlackRenderer _inner = new(CardTemplates.FromDirectory(Path.Combine(AppContext.BaseDirectory, "cards")));

        public CertTrustBot.Slack.SlackMessage Render(CertTrustBot.Conversation.Reply reply) => _inner.Render(reply);
    }
}

public sealed class SlackDialectTests
{
    private static readonly CardTemplates Templates = CardTemplates.FromJson(new Dictionary<string, string>
    {
        ["slack/t"] = """
            {
              "blocks": [
                { "type": "section", "text": { "type": "mrkdwn", "text": "*Name*: ${name} ${own}" } },
                { "type": "header", "text": { "type": "plain_text", "text": "${name} ${own}" } },
                { "type": "actions", "elements": [ { "type": "button", "text": { "type": "plain_text", "text": "Go" }, "value": "id=${name}" } ] },
                { "type": "context", "elements": [ { "$data": "${items}", "$when": "${contains($root.chosen, $data)}", "type": "mrkdwn", "text": "${$data}" } ] }
              ]
            }
            """,
        ["t"] = """{ "type": "AdaptiveCard", "body": [ { "type": "TextBlock", "text": "${name} ${own}" } ] }""",
    });

    private static readonly JsonObject Data = new()
    {
        ["name"] = "<!here> *x*",
        ["own"] = new JsonObject { [MarkdownText.Marker] = @"**bold** \<y\>" },
        ["items"] = new JsonArray("A", "B", "C"),
        ["chosen"] = "A,C",
    };

    [Fact]
    public void Mrkdwn_text_escapes_data_for_Slack_and_translates_the_bot_s_Markdown()
    {
        var blocks = Templates.RenderSlack("t", Data)["blocks"]!.AsArray();

        Assert.Equal("*Name*: &lt;!here&gt; \u200B*\u200Bx\u200B*\u200B *bold* &lt;y&gt;", (string?)blocks[0]!["text"]!["text"]);
        Assert.Equal("<!here> *x* bold <y>", (string?)blocks[1]!["text"]!["text"]);
        Assert.Equal("id=<!here> *x*", (string?)blocks[2]!["elements"]![0]!["value"]);
        Assert.Equal(["A", "C"], blocks[3]!["elements"]!.AsArray().Select(e => (string?)e!["text"]));
    }

    [Fact]
    public void The_same_data_in_an_Adaptive_Card_is_escaped_for_Teams()
    {
        var card = Templates.Render("t", Data);

        Assert.Equal(@"\<!here\> \*x\* **bold** \<y\>", (string?)card["body"]![0]!["text"]);
    }
}
