using System.Text.RegularExpressions;
using CertTrustBot.Cards;

namespace CertTrustBot.Tests.Slack;

public sealed partial class SlackMarkdownTests
{
    [Theory]
    [InlineData("<!channel> please look", "&lt;!channel&gt; please look")]
    [InlineData("<https://evil.example|verify here>", "&lt;https://evil.example|verify here&gt;")]
    [InlineData("<@U0GRACE001>", "&lt;@U0GRACE001&gt;")]
    [InlineData("A & B", "A &amp; B")]
    [InlineData("&lt;", "&amp;lt;")]
    [InlineData("CN=Contoso Root, O=Contoso", "CN=Contoso Root, O=Contoso")]
    [InlineData("", "")]
    public void Mentions_links_and_entities_show_literally(string text, string expected)
    {
        Assert.Equal(expected, SlackMarkdown.Literal(text));
    }

    [Theory]
    [InlineData("*bold*")]
    [InlineData("_italic_")]
    [InlineData("~strike~")]
    [InlineData("`code`")]
    [InlineData("```block```")]
    [InlineData("a*b*c _d_ ~e~")]
    public void No_formatting_mark_touches_a_word(string text)
    {
        var literal = SlackMarkdown.Literal(text);

        // Slack opens or closes formatting only where a mark touches a word: every mark is fenced by zero-width spaces.
        Assert.DoesNotMatch(MarkTouchingText(), literal);
        Assert.Equal(text, literal.Replace("\u200B", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Type **status CT-000042**.", "Type *status CT-000042*.")]
    [InlineData("Send the **root CA**.", "Send the *root CA*.")]
    [InlineData(@"“\*evil\* \<b\>” is not known", "“\u200B*\u200Bevil\u200B*\u200B &lt;b&gt;” is not known")]
    [InlineData(@"C:\\certs", @"C:\certs")]
    [InlineData("a < b", "a &lt; b")]
    public void The_bot_s_own_Markdown_becomes_mrkdwn_with_escaped_text_literal(string markdown, string expected)
    {
        Assert.Equal(expected, SlackMarkdown.FromMarkdown(markdown));
    }

    [Fact]
    public void Outside_text_through_Markdown_Literal_reads_the_same_in_Slack()
    {
        const string subject = "CN=[verify here](https://evil.example) *x* <!here> #1";
        var slack = SlackMarkdown.FromMarkdown($"Subject: {Markdown.Literal(subject, atLineStart: false)}");

        Assert.Equal("Subject: " + subject, slack.Replace("\u200B", "", StringComparison.Ordinal).Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal));
        Assert.DoesNotContain("<!here>", slack, StringComparison.Ordinal);
        Assert.DoesNotContain("\\", slack, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_text_loses_the_marks()
    {
        Assert.Equal("Type status CT-1 <now>", SlackMarkdown.PlainFromMarkdown(@"Type **status CT-1** \<now\>"));
    }

    [GeneratedRegex("[^\u200B][*_~`]|[*_~`][^\u200B]")]
    private static partial Regex MarkTouchingText();
}
