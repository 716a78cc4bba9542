using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertTrustBot.Cli;

namespace CertTrustBot.Certificates.Tests.Cli;

public class HumanOutputTests
{
    // One year before wildcard-self-signed.pem expires (openssl: Not After Aug  8 21:17:05 2018 GMT).
    private static readonly DateTimeOffset YearBeforeSelfSignedExpires = new(2017, 8, 8, 21, 17, 5, TimeSpan.Zero);

    [Fact]
    public void A_self_signed_leaf_shows_its_subject_validity_key_signature_sans_and_both_thumbprints()
    {
        using var expected = TestFiles.Load(TestFiles.SelfSigned)[0];

        var run = CliRun.Of(YearBeforeSelfSignedExpires, "check", TestFiles.SelfSigned);

        var lines = Lines(run.Stdout);
        Assert.Equal(TestFiles.SelfSigned, lines[0]);
        Assert.Contains(lines, l => l.StartsWith("  WARN", StringComparison.Ordinal));
        Assert.Contains("Certificate 1 of 1 · self-signed leaf", run.Stdout, StringComparison.Ordinal);
        AssertField(lines, "Subject", "CN=*.badssl.com");
        AssertField(lines, "Issuer", "(itself)");
        AssertField(lines, "Valid", "2016-08-08 21:17 UTC → 2018-08-08 21:17 UTC (365 days left)");
        AssertField(lines, "Key", "RSA 2048");
        AssertField(lines, "Signature", "SHA256withRSA");
        AssertField(lines, "SANs", "*.badssl.com, badssl.com");
        AssertField(lines, "SHA-1", expected.Thumbprint);
        AssertField(lines, "SHA-256", expected.GetCertHashString(HashAlgorithmName.SHA256));
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void The_self_signed_leaf_itself_is_named_as_the_certificate_for_the_trusted_root_store()
    {
        var run = CliRun.Of(YearBeforeSelfSignedExpires, "check", TestFiles.SelfSigned);

        AssertField(Lines(run.Stdout), "Trusted Root", "#1 *.badssl.com");
    }

    [Fact]
    public void An_expired_certificate_says_how_long_ago_and_is_blocked()
    {
        // 2018-08-08 21:17:05 + 10 days.
        var run = CliRun.Of(new DateTimeOffset(2018, 8, 18, 21, 17, 5, TimeSpan.Zero), "check", TestFiles.SelfSigned);

        var lines = Lines(run.Stdout);
        AssertField(lines, "Valid", "(expired 10 days ago)");
        Assert.StartsWith("  BLOCK", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("    BLOCK", StringComparison.Ordinal)); // a blocking finding is listed
    }

    [Fact]
    public void A_certificate_not_valid_yet_says_when_it_starts()
    {
        // Two days before Not Before Aug  8 21:17:05 2016 GMT.
        var run = CliRun.Of(new DateTimeOffset(2016, 8, 6, 21, 17, 5, TimeSpan.Zero), "check", TestFiles.SelfSigned);

        AssertField(Lines(run.Stdout), "Valid", "(not valid yet: starts in 2 days)");
        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public void A_full_chain_is_shown_leaf_to_root_with_the_root_for_the_trusted_root_store_and_the_intermediate_named()
    {
        using var root = TestFiles.Load(TestFiles.Rsa2048FullChain)[2];

        var run = CliRun.Of(CliRun.BadSslValid, "check", TestFiles.Rsa2048FullChain);

        var lines = Lines(run.Stdout);
        var chain = lines.SkipWhile(l => !l.StartsWith("  Chain", StringComparison.Ordinal)).Take(3).ToList();
        Assert.Equal(
            [
                "  Chain        #1 *.badssl.com (leaf)",
                "               → #2 DigiCert SHA2 Secure Server CA (intermediate)",
                "               → #3 DigiCert Global Root CA (root)",
            ],
            chain);
        AssertField(lines, "Trusted Root", $"#3 DigiCert Global Root CA, SHA-1 {root.Thumbprint}");
        AssertField(lines, "Intermediate", "#2 DigiCert SHA2 Secure Server CA");
        Assert.Contains("Certificate 1 of 3 · leaf", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Certificate 2 of 3 · intermediate CA", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Certificate 3 of 3 · root CA", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leaf_and_intermediate_without_their_root_say_the_file_has_nothing_for_the_trusted_root_store()
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", TestFiles.Rsa2048LeafAndIntermediate);

        AssertField(Lines(run.Stdout), "Trusted Root", "none");
        Assert.Equal(0, run.ExitCode); // an incomplete bundle is a warning
    }

    [Fact]
    public void A_bundle_of_many_roots_lists_ten_other_roots_one_a_line_and_counts_the_rest()
    {
        var now = new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero);
        var bundle = Path.Combine(Path.GetTempPath(), $"certtrust-roots-{Guid.NewGuid():N}.pem");
        TestFiles.WriteBundleOfRoots(bundle, 13, now); // CN=Test Root 0 ... CN=Test Root 12
        try
        {
            var run = CliRun.Of(now, "check", bundle);

            var lines = Lines(run.Stdout);
            var trusted = lines.Single(l => l.StartsWith("  Trusted Root ", StringComparison.Ordinal));
            var others = lines.SkipWhile(l => !l.StartsWith("  Other roots", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0).ToList();
            Assert.Equal(11, others.Count); // ten names, then the count of the other two
            Assert.Equal("               … and 2 more", others[^1]);
            Assert.All(others.Take(10), l => Assert.Matches(@"^  (Other roots  |             )#\d+ Test Root \d+$", l));
            var shown = others.Take(10).Append(trusted).Select(l => l[(l.IndexOf('#', StringComparison.Ordinal))..].Split(',')[0]).ToList();
            Assert.Equal(11, shown.Distinct().Count()); // no root listed twice
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Fact]
    public void An_ecdsa_key_shows_its_curve()
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", TestFiles.Ecc256);

        // openssl: leaf Public-Key: (256 bit), ASN1 OID: prime256v1 (P-256).
        Assert.Contains(Lines(run.Stdout), l => l.StartsWith("    Key", StringComparison.Ordinal) && l.Contains("P-256", StringComparison.Ordinal));
    }

    [Fact]
    public void Ten_thousand_sans_are_cut_to_ten_followed_by_the_count_of_the_rest()
    {
        var names = new X509SubjectAlternativeNameExtension(
            TestFiles.Load(TestFiles.TenThousandSans)[0].Extensions["2.5.29.17"]!.RawData).EnumerateDnsNames().ToList();

        var run = CliRun.Of(CliRun.BadSslValid, "check", TestFiles.TenThousandSans);

        var sans = Lines(run.Stdout).SkipWhile(l => !l.StartsWith("    SANs", StringComparison.Ordinal)).TakeWhile(l => !l.StartsWith("    Serial", StringComparison.Ordinal));
        var text = string.Join(" ", sans.Select(l => l.Trim()));
        Assert.EndsWith("… and 9,990 more", text, StringComparison.Ordinal);
        Assert.Contains(names[9], text, StringComparison.Ordinal);
        Assert.DoesNotContain(names[10] + ",", text, StringComparison.Ordinal);
        Assert.True(run.Stdout.Length < 10_000, $"the report should be short, it is {run.Stdout.Length} characters");
    }

    [Fact]
    public void Findings_show_severity_code_message_and_advice()
    {
        var run = CliRun.Of(new DateTimeOffset(2018, 8, 18, 21, 17, 5, TimeSpan.Zero), "check", TestFiles.SelfSigned);

        var lines = Lines(run.Stdout);
        var findings = lines.SkipWhile(l => !l.StartsWith("  Findings (", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.NotEmpty(findings);
        Assert.Matches(@"^    (BLOCK|WARN |INFO )  [a-z0-9]+([.\-][a-z0-9]+)+$", findings[0]);
        Assert.Contains(findings, l => l.StartsWith("           → ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_file_is_reported_with_the_reason_and_what_to_do()
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", "/no/such/dir/root.cer");

        Assert.Equal(
            """
            /no/such/dir/root.cer
              BLOCK   Cannot read the file: No such file.

              Findings (1)
                BLOCK  file.unreadable
                       Could not read '/no/such/dir/root.cer': No such file.
                       → Check the path and the file's permissions, then run the check again.

            """.ReplaceLineEndings(Environment.NewLine),
            run.Stdout);
    }

    [Fact]
    public void Plain_output_has_no_escape_sequences_even_for_a_file_name_that_carries_them()
    {
        var run = CliRun.Of(CliRun.BadSslValid, OutputStyle.Plain, "check", "--", "evil\u001b[2J\u202e.cer", TestFiles.SelfSigned);

        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.DoesNotContain('\u202e', run.Stdout);
        Assert.Contains("evil\\x1B[2J\\u202E.cer", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Coloured_output_marks_a_blocked_verdict_in_red()
    {
        var run = CliRun.Of(CliRun.BadSslValid, new OutputStyle(Colour: true), "check", "/no/such/file.cer");

        Assert.Contains("\u001b[1;31mBLOCK", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, null, "xterm-256color", false)]   // redirected to a file or pipe
    [InlineData(false, "1", "xterm-256color", false)]   // NO_COLOR set
    [InlineData(false, null, "dumb", false)]            // a terminal that cannot show colour
    [InlineData(false, "", "xterm-256color", true)]     // NO_COLOR set but empty does not count (no-color.org)
    [InlineData(false, null, "xterm-256color", true)]   // a person at a terminal
    public void Colour_is_used_only_for_a_person_at_a_capable_terminal(bool redirected, string? noColor, string term, bool expected)
    {
        var environment = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["TERM"] = term };

        Assert.Equal(expected, OutputStyle.ColourWanted(redirected, name => environment.GetValueOrDefault(name)));
    }

    private static List<string> Lines(string text) => text.ReplaceLineEndings("\n").Split('\n').ToList();

    /// <summary>An aligned "    Label        value" line (label padded to 13) whose value contains the expected text.</summary>
    private static void AssertField(List<string> lines, string label, string expected)
    {
        var line = lines.FirstOrDefault(l => l.TrimStart().StartsWith(label + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{label}' line in:\n{string.Join('\n', lines)}");
        var indent = line.Length - line.TrimStart().Length;
        Assert.Equal(label.PadRight(13), line.Substring(indent, 13));
        Assert.Contains(expected, line[(indent + 13)..], StringComparison.Ordinal);
    }
}
