using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using CertTrustBot.Conversation;

namespace CertTrustBot.Tests.Conversation;

public class PastedPemTests
{
    private static readonly X509Certificate2 Root = TestCertificates.Root();
    private static readonly X509Certificate2 Server = TestCertificates.SelfSignedServer("erp.example.com");

    private static readonly string RootPem = TestCertificates.Pem(Root);
    private static readonly string Base64 = Convert.ToBase64String(TestCertificates.Der(Root));

    private static string[] Base64Lines => [.. Enumerable.Range(0, (Base64.Length + 63) / 64).Select(i => Base64.Substring(i * 64, Math.Min(64, Base64.Length - (i * 64))))];

    // The certificate read back out of the extraction must be the very same certificate.
    private static void AssertSameCertificates(PemExtraction extraction, params X509Certificate2[] expected)
    {
        Assert.Equal(PemExtractionStatus.Found, extraction.Status);
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(extraction.Pem);
        Assert.Equal(expected.Select(c => c.Thumbprint), collection.Select(c => c.Thumbprint));
    }

    [Fact]
    public void Clean_pem_is_found_as_it_is()
    {
        AssertSameCertificates(PastedPem.Extract(RootPem), Root);
    }

    [Fact]
    public void Pem_with_crlf_line_ends_is_found()
    {
        AssertSameCertificates(PastedPem.Extract(RootPem.Replace("\n", "\r\n", StringComparison.Ordinal)), Root);
    }

    [Fact]
    public void Pem_whose_line_breaks_became_spaces_is_found()
    {
        var flattened = $"-----BEGIN CERTIFICATE----- {string.Join(' ', Base64Lines)} -----END CERTIFICATE-----";
        AssertSameCertificates(PastedPem.Extract(flattened), Root);
    }

    [Fact]
    public void Pem_with_begin_and_end_lines_joined_to_the_base64_is_found()
    {
        var joined = $"-----BEGIN CERTIFICATE-----{Base64}-----END CERTIFICATE-----";
        AssertSameCertificates(PastedPem.Extract(joined), Root);
    }

    [Fact]
    public void Pem_in_teams_html_paragraphs_and_breaks_is_found()
    {
        var html = "<p>Here is our cert:</p><p>-----BEGIN CERTIFICATE-----<br>" + string.Join("<br>\r\n", Base64Lines) +
                   "<br/>-----END CERTIFICATE-----</p><p>&nbsp;</p>";
        AssertSameCertificates(PastedPem.Extract(html), Root);
    }

    [Fact]
    public void Pem_in_a_pre_block_with_entities_and_nbsp_is_found()
    {
        var encoded = string.Join("&nbsp;\n", Base64Lines).Replace("+", "&#43;", StringComparison.Ordinal).Replace("/", "&#x2F;", StringComparison.Ordinal);
        var html = $"<div><pre class=\"language-text\"><code>-----BEGIN&nbsp;CERTIFICATE-----\n{encoded}\n-----END CERTIFICATE-----</code></pre></div>";
        AssertSameCertificates(PastedPem.Extract(html), Root);
    }

    [Fact]
    public void Pem_where_each_line_is_its_own_paragraph_is_found()
    {
        var html = "<p>-----BEGIN CERTIFICATE-----</p>" + string.Concat(Base64Lines.Select(l => $"<p>{l}</p>")) + "<p>-----END CERTIFICATE-----</p>";
        AssertSameCertificates(PastedPem.Extract(html), Root);
    }

    [Fact]
    public void Pem_whose_dashes_became_typographic_dashes_is_found()
    {
        var text = $"\u2014\u2014-BEGIN CERTIFICATE\u2014\u2014-\n{Base64}\n\u2013\u2013\u2013END CERTIFICATE\u2013\u2013\u2013";
        AssertSameCertificates(PastedPem.Extract(text), Root);
    }

    [Fact]
    public void Pem_with_zero_width_spaces_inside_the_base64_is_found()
    {
        var text = $"-----BEGIN CERTIFICATE-----\n{Base64.Insert(100, "\u200B").Insert(40, "\u00A0")}\n-----END CERTIFICATE-----";
        AssertSameCertificates(PastedPem.Extract(text), Root);
    }

    [Fact]
    public void Several_blocks_in_one_message_are_all_found_in_order()
    {
        var html = $"<p>root:</p><p>{RootPem.Replace("\n", "<br>", StringComparison.Ordinal)}</p><p>server: {TestCertificates.Pem(Server).Replace('\n', ' ')}</p>";
        var extraction = PastedPem.Extract(html);
        AssertSameCertificates(extraction, Root, Server);
        Assert.Equal(["CERTIFICATE", "CERTIFICATE"], extraction.Labels);
    }

    [Fact]
    public void A_pasted_private_key_is_kept_so_that_the_check_refuses_it()
    {
        var keyPem = TestCertificates.PrivateKeyPem().Replace('\n', ' ');
        var extraction = PastedPem.Extract(RootPem + keyPem);
        Assert.Equal(PemExtractionStatus.Found, extraction.Status);
        Assert.Equal(["CERTIFICATE", "PRIVATE KEY"], extraction.Labels);
        Assert.Contains("-----BEGIN PRIVATE KEY-----\n", extraction.Pem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_joined_to_the_certificate_without_line_breaks_is_kept_so_that_the_check_refuses_it()
    {
        // As the Agents Playground sends a paste: every line break dropped, so "-----END CERTIFICATE-----" and
        // "-----BEGIN PRIVATE KEY-----" make one run of ten dashes.
        var glued = (RootPem + TestCertificates.PrivateKeyPem()).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        Assert.Contains("CERTIFICATE----------BEGIN PRIVATE KEY", glued, StringComparison.Ordinal);

        var extraction = PastedPem.Extract(glued);

        Assert.Equal(PemExtractionStatus.Found, extraction.Status);
        Assert.Equal(["CERTIFICATE", "PRIVATE KEY"], extraction.Labels);
    }

    [Fact]
    public void A_block_that_cannot_be_read_beside_one_that_can_makes_the_paste_incomplete_not_the_readable_part_alone()
    {
        var damagedKey = "-----BEGIN PRIVATE KEY-----MIIEv!!notbase64!!-----END PRIVATE KEY-----";

        var extraction = PastedPem.Extract(RootPem + damagedKey);

        Assert.Equal(PemExtractionStatus.Incomplete, extraction.Status); // never the certificate alone, as if nothing else was there
        Assert.Empty(extraction.Pem);
    }

    [Fact]
    public void Extracted_pem_is_wrapped_at_64_columns_with_lf()
    {
        var extraction = PastedPem.Extract($"-----BEGIN CERTIFICATE-----{Base64}-----END CERTIFICATE-----");
        var lines = extraction.Pem.TrimEnd('\n').Split('\n');
        Assert.Equal("-----BEGIN CERTIFICATE-----", lines[0]);
        Assert.Equal("-----END CERTIFICATE-----", lines[^1]);
        Assert.All(lines[1..^1], l => Assert.InRange(l.Length, 1, 64));
        Assert.DoesNotContain('\r', extraction.Pem);
        Assert.Equal(Encoding.ASCII.GetBytes(extraction.Pem), extraction.ToBytes());
    }

    [Fact]
    public void Bare_base64_of_a_der_certificate_is_read_as_a_certificate()
    {
        AssertSameCertificates(PastedPem.Extract(string.Join("\n", Base64Lines)), Root);
    }

    [Fact]
    public void A_cut_off_paste_is_incomplete_not_ignored()
    {
        var cut = RootPem[..(RootPem.Length / 2)];
        Assert.Equal(PemExtractionStatus.Incomplete, PastedPem.Extract(cut).Status);
    }

    [Fact]
    public void A_block_with_damaged_base64_is_incomplete()
    {
        var damaged = $"-----BEGIN CERTIFICATE-----\n{Base64[..200]}#!{Base64[202..]}\n-----END CERTIFICATE-----";
        Assert.Equal(PemExtractionStatus.Incomplete, PastedPem.Extract(damaged).Status);
    }

    [Fact]
    public void A_block_whose_end_label_differs_is_incomplete()
    {
        var mismatched = $"-----BEGIN CERTIFICATE-----\n{Base64}\n-----END PRIVATE KEY-----";
        Assert.Equal(PemExtractionStatus.Incomplete, PastedPem.Extract(mismatched).Status);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("new request")]
    [InlineData("<p>status CT-000042</p>")]
    [InlineData("I will begin certificate work tomorrow")]
    [InlineData("")]
    [InlineData("QUJDRA==")]
    public void Ordinary_messages_are_not_pem(string message)
    {
        Assert.Equal(PemExtractionStatus.None, PastedPem.Extract(message).Status);
    }

    // ---- Linear in the message, by construction ------------------------------------------------------------

    // Hostile messages (no timing here: see TeamsBotTurnTests for the same texts through a whole turn).
    public static TheoryData<string> HostileRepeats => ["<", "<at ", "<p ", "-----BEGIN A", "&", "&#", "<a", "-", "<p>-----BEGIN A"];

    [Fact]
    public void Every_pattern_that_reads_message_text_is_non_backtracking()
    {
        Regex[] patterns = [.. PastedPem.Patterns, ConversationFlow.Mention, ConversationFlow.CaseNumber];
        Assert.All(patterns, p => Assert.True(p.Options.HasFlag(RegexOptions.NonBacktracking), $"{p} backtracks"));
    }

    [Theory]
    [InlineData("<p>help</p>", "\nhelp\n")]
    [InlineData("a<br/>b<BR>c< br >d</P>e<pre class=\"x\">f", "a\nb\nc\nd\ne\nf")]
    [InlineData("<b>bold</b> <span style=\"x\">plain</span>", "bold plain")]
    [InlineData("<preview>a</brief>", "a")] // a tag's name is a whole word: not <pre>, not <br>
    [InlineData("<at>Bot</at> help", "Bot help")]
    [InlineData("a < b and c > d", "a  d")] // as before: from '<' to the next '>' is a tag
    [InlineData("1 < 2", "1 < 2")] // never closed: text
    [InlineData("<<<", "<<<")]
    [InlineData("x <a <b", "x <a <b")]
    [InlineData("&lt;p&gt; &amp;lt; &#43;&#x2F; &nbsp;|&#x200B;|", "<p> &lt; +/  | |")] // entities decoded once, after tags
    [InlineData("&&& &; &unknown; &amp", "&&& &; &unknown; &amp")]
    [InlineData("R&D;x", "R&D;x")]
    public void Plain_text_turns_block_tags_into_line_breaks_drops_other_tags_and_decodes_entities(string html, string expected)
    {
        Assert.Equal(expected, PastedPem.ToPlainText(html));
    }

    [Theory]
    [MemberData(nameof(HostileRepeats))]
    public void Hostile_messages_up_to_the_cap_are_read_as_what_they_are(string repeated)
    {
        var text = Repeat(repeated, PastedPem.MaxMessageLength);
        var expected = repeated.Contains("BEGIN", StringComparison.Ordinal) ? PemExtractionStatus.Incomplete : PemExtractionStatus.None;
        Assert.Equal(expected, PastedPem.Extract(text).Status);
    }

    [Fact]
    public void A_message_over_the_cap_is_not_searched()
    {
        var padded = RootPem + new string(' ', PastedPem.MaxMessageLength - RootPem.Length);
        Assert.Equal(PemExtractionStatus.Found, PastedPem.Extract(padded).Status);
        Assert.Equal(PemExtractionStatus.None, PastedPem.Extract(padded + " ").Status);
    }

    internal static string Repeat(string part, int length)
    {
        var text = new StringBuilder(length + part.Length);
        while (text.Length < length)
            text.Append(part);
        return text.ToString(0, length);
    }
}
