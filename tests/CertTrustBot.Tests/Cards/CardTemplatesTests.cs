using System.Text.Json.Nodes;
using CertTrustBot.Cards;

namespace CertTrustBot.Tests.Cards;

public class CardTemplatesTests
{
    private static JsonNode? Expand(string template, string data) =>
        CardTemplates.Expand(JsonNode.Parse(template)!, JsonNode.Parse(data));

    private static string ExpandToJson(string template, string data) => Expand(template, data)!.ToJsonString();

    [Fact]
    public void A_path_in_a_string_is_replaced_by_its_value()
    {
        Assert.Equal("""{"text":"Case CT-1 for Alice"}""",
            ExpandToJson("""{"text":"Case ${case.number} for ${case.owner.name}"}""", """{"case":{"number":"CT-1","owner":{"name":"Alice"}}}"""));
    }

    [Fact]
    public void A_string_that_is_only_an_expression_keeps_the_values_type()
    {
        Assert.Equal("""{"max":40,"on":true,"list":[1,2],"none":null}""",
            ExpandToJson("""{"max":"${n}","on":"${b}","list":"${l}","none":"${z}"}""", """{"n":40,"b":true,"l":[1,2],"z":null}"""));
    }

    [Fact]
    public void Numbers_booleans_and_null_inside_text_read_naturally()
    {
        Assert.Equal("""{"text":"40 true  end"}""", ExpandToJson("""{"text":"${n} ${b} ${z} end"}""", """{"n":40,"b":true,"z":null}"""));
    }

    [Fact]
    public void Data_on_an_array_element_repeats_it_for_each_item()
    {
        Assert.Equal("""{"facts":[{"title":"a","value":"1"},{"title":"b","value":"2"}]}""",
            ExpandToJson("""{"facts":[{"$data":"${items}","title":"${k}","value":"${v}"}]}""", """{"items":[{"k":"a","v":"1"},{"k":"b","v":"2"}]}"""));
    }

    [Fact]
    public void Data_over_an_empty_array_leaves_no_element()
    {
        Assert.Equal("""{"body":[{"type":"x"}]}""",
            ExpandToJson("""{"body":[{"$data":"${items}","text":"${k}"},{"type":"x"}]}""", """{"items":[]}"""));
    }

    [Fact]
    public void Inside_a_repeated_element_root_index_and_data_are_known()
    {
        Assert.Equal("""{"l":[{"t":"0 a of r"},{"t":"1 b of r"}]}""",
            ExpandToJson("""{"l":[{"$data":"${items}","t":"${$index} ${$data} of ${$root.name}"}]}""", """{"name":"r","items":["a","b"]}"""));
    }

    [Fact]
    public void Nested_repetitions_use_the_inner_item()
    {
        Assert.Equal("""{"a":[{"b":[{"t":"x1"},{"t":"x2"}]},{"b":[{"t":"y1"}]}]}""",
            ExpandToJson("""{"a":[{"$data":"${outer}","b":[{"$data":"${inner}","t":"${v}"}]}]}""",
                """{"outer":[{"inner":[{"v":"x1"},{"v":"x2"}]},{"inner":[{"v":"y1"}]}]}"""));
    }

    [Fact]
    public void Data_on_an_object_changes_the_scope()
    {
        Assert.Equal("""{"c":{"t":"inner"}}""", ExpandToJson("""{"c":{"$data":"${child}","t":"${name}"}}""", """{"child":{"name":"inner"}}"""));
    }

    [Theory]
    [InlineData("${flag}", """{"flag":true}""", true)]
    [InlineData("${flag}", """{"flag":false}""", false)]
    [InlineData("${!flag}", """{"flag":false}""", true)]
    [InlineData("${not(flag)}", """{"flag":true}""", false)]
    [InlineData("${equals(kind, 'Block')}", """{"kind":"Block"}""", true)]
    [InlineData("${equals(kind, 'Block')}", """{"kind":"Warn"}""", false)]
    [InlineData("${empty(note)}", """{"note":""}""", true)]
    [InlineData("${not(empty(note))}", """{"note":"x"}""", true)]
    [InlineData("${count(items)}", """{"items":[]}""", false)]
    [InlineData("${count(items)}", """{"items":[1]}""", true)]
    [InlineData("${empty(items)}", """{"items":[]}""", true)]
    [InlineData("${text}", """{"text":null}""", false)]
    public void When_keeps_or_drops_the_element(string when, string data, bool kept)
    {
        var result = ExpandToJson($$"""{"body":[{"$when":"{{when}}","type":"TextBlock"}]}""", data);
        Assert.Equal(kept ? """{"body":[{"type":"TextBlock"}]}""" : """{"body":[]}""", result);
    }

    [Fact]
    public void When_is_evaluated_for_each_repeated_item()
    {
        Assert.Equal("""{"l":[{"t":"a"}]}""",
            ExpandToJson("""{"l":[{"$data":"${items}","$when":"${show}","t":"${t}"}]}""", """{"items":[{"t":"a","show":true},{"t":"b","show":false}]}"""));
    }

    [Fact]
    public void A_dropped_object_property_disappears()
    {
        Assert.Equal("""{"type":"x"}""", ExpandToJson("""{"type":"x","card":{"$when":"${f}","body":[]}}""", """{"f":false}"""));
    }

    [Fact]
    public void A_closing_brace_inside_a_quoted_literal_does_not_end_the_expression()
    {
        Assert.Equal("""{"ok":true}""", ExpandToJson("""{"ok":"${equals(s, 'a}b')}"}""", """{"s":"a}b"}"""));
    }

    [Fact]
    public void The_template_itself_is_not_changed()
    {
        var template = JsonNode.Parse("""{"l":[{"$data":"${items}","t":"${t}"}]}""")!;
        var before = template.ToJsonString();
        CardTemplates.Expand(template, JsonNode.Parse("""{"items":[{"t":"a"}]}"""));
        Assert.Equal(before, template.ToJsonString());
    }

    [Theory]
    [InlineData("""{"text":"${missing}"}""", "the data has no 'missing'")]
    [InlineData("""{"text":"${a.b}"}""", "the data has no 'a.b'")]
    [InlineData("""{"text":"${a"}""", "unclosed")]
    [InlineData("""{"text":"x ${list} y"}""", "puts a list or an object inside a text")]
    [InlineData("""{"text":"${frobnicate(a)}"}""", "unknown function frobnicate")]
    [InlineData("""{"text":"${a b}"}""", "unexpected")]
    [InlineData("""{"text":"${$index}"}""", "$index is only known inside a repeated element")]
    public void Template_mistakes_fail_loudly_with_what_is_wrong(string template, string expected)
    {
        var error = Assert.Throws<CardTemplateException>(() => Expand(template, """{"a":{"c":1},"list":[1]}"""));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_serialises_records_with_camel_case_names()
    {
        var templates = CardTemplates.FromJson(new Dictionary<string, string> { ["t"] = """{"type":"AdaptiveCard","text":"${caseNumber}: ${hostName}"}""" });
        var card = templates.Render("t", new { CaseNumber = "CT-1", HostName = "erp.example.com" });
        Assert.Equal("CT-1: erp.example.com", card["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("../secrets")]
    [InlineData("")]
    public void Render_refuses_unknown_template_names(string name)
    {
        var templates = CardTemplates.FromJson(new Dictionary<string, string>());
        Assert.Throws<CardTemplateException>(() => templates.Render(name, new { }));
    }
}
