using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CertTrustBot.Certificates.Tests.Cli;

public partial class JsonOutputTests
{
    private static readonly string[] FileKeys = ["file", "format", "verdict", "certificates", "findings"];
    private static readonly string[] CertificateKeys =
        ["role", "subject", "issuer", "notBefore", "notAfter", "sha256", "sha1", "keyAlgorithm", "keySize", "signatureAlgorithm", "sans"];
    private static readonly string[] FindingKeys = ["code", "severity", "message"];
    private static readonly string[] Roles = ["root", "intermediate", "leaf", "self-signed-leaf"];
    private static readonly string[] Verdicts = ["accept", "warn", "block"];
    private static readonly string[] Severities = ["block", "warn", "info"];

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Iso8601();

    [Fact]
    public void Json_output_is_one_document_with_every_key_of_the_documented_shape()
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", TestFiles.Rsa2048FullChain, TestFiles.SelfSigned);

        using var json = JsonDocument.Parse(run.Stdout); // throws on a second document or trailing text
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(2, files.Count);

        foreach (var file in files)
        {
            AssertHasKeys(file, FileKeys);
            Assert.Equal(JsonValueKind.String, file.GetProperty("format").ValueKind);
            Assert.Contains(file.GetProperty("verdict").GetString(), Verdicts);
            foreach (var certificate in file.GetProperty("certificates").EnumerateArray())
            {
                AssertHasKeys(certificate, CertificateKeys);
                Assert.Contains(certificate.GetProperty("role").GetString(), Roles);
                Assert.Matches(Iso8601(), certificate.GetProperty("notBefore").GetString());
                Assert.Matches(Iso8601(), certificate.GetProperty("notAfter").GetString());
                Assert.Equal(JsonValueKind.Number, certificate.GetProperty("keySize").ValueKind);
                Assert.Equal(JsonValueKind.Array, certificate.GetProperty("sans").ValueKind);
            }
            foreach (var finding in file.GetProperty("findings").EnumerateArray())
            {
                AssertHasKeys(finding, FindingKeys);
                Assert.Contains(finding.GetProperty("severity").GetString(), Severities);
                Assert.False(string.IsNullOrWhiteSpace(finding.GetProperty("code").GetString()));
                Assert.False(string.IsNullOrWhiteSpace(finding.GetProperty("message").GetString()));
            }
        }
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void Json_index_and_finding_certificate_count_from_zero_as_the_readme_says()
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", TestFiles.Rsa2048FullChain);

        using var json = JsonDocument.Parse(run.Stdout);
        var file = json.RootElement.GetProperty("files")[0];
        var certificates = file.GetProperty("certificates").EnumerateArray().ToList();
        Assert.True(certificates.Count > 1);
        for (var i = 0; i < certificates.Count; i++)
            Assert.Equal(i, certificates[i].GetProperty("index").GetInt32()); // position in the array: 0 is "Certificate 1"

        // A finding's "certificate" is that position too: each role finding names the certificate it points at.
        var roleFindings = file.GetProperty("findings").EnumerateArray()
            .Where(f => f.TryGetProperty("certificate", out var c) && c.ValueKind == JsonValueKind.Number).ToList();
        Assert.NotEmpty(roleFindings);
        foreach (var finding in roleFindings)
        {
            var subject = certificates[finding.GetProperty("certificate").GetInt32()].GetProperty("subject").GetString()!;
            var commonName = subject.Split(", ").First(p => p.StartsWith("CN=", StringComparison.Ordinal))[3..];
            Assert.Contains(commonName, finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var human = CliRun.Of(CliRun.BadSslValid, "check", TestFiles.Rsa2048FullChain);
        Assert.Contains($"Certificate 1 of {certificates.Count}", human.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_certificates_are_in_file_order_with_the_values_dotnet_reads_from_the_file()
    {
        var expected = TestFiles.Load(TestFiles.Rsa2048FullChain);

        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", TestFiles.Rsa2048FullChain);

        using var json = JsonDocument.Parse(run.Stdout);
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal(TestFiles.Rsa2048FullChain, file.GetProperty("file").GetString());
        var certificates = file.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(expected.Count, certificates.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var certificate = certificates[i];
            Assert.Equal(expected[i].GetCertHashString(HashAlgorithmName.SHA256), certificate.GetProperty("sha256").GetString(), ignoreCase: true);
            Assert.Equal(expected[i].Thumbprint, certificate.GetProperty("sha1").GetString(), ignoreCase: true);
            Assert.Equal(expected[i].NotBefore.ToUniversalTime(), ParseDate(certificate.GetProperty("notBefore")));
            Assert.Equal(expected[i].NotAfter.ToUniversalTime(), ParseDate(certificate.GetProperty("notAfter")));
            Assert.Equal(2048, certificate.GetProperty("keySize").GetInt32());
            Assert.Equal("RSA", certificate.GetProperty("keyAlgorithm").GetString());
        }
        // openssl: leaf CN=*.badssl.com (cA=false), CN=DigiCert SHA2 Secure Server CA (cA=true), self-signed CN=DigiCert Global Root CA.
        Assert.Equal(["leaf", "intermediate", "root"], certificates.Select(c => c.GetProperty("role").GetString()));
        Assert.Contains("CN=*.badssl.com", certificates[0].GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("CN=DigiCert SHA2 Secure Server CA", certificates[0].GetProperty("issuer").GetString(), StringComparison.Ordinal);
        Assert.Contains("CN=DigiCert Global Root CA", certificates[2].GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(["*.badssl.com", "badssl.com"], certificates[0].GetProperty("sans").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void Json_spells_the_self_signed_leaf_role_with_dashes()
    {
        var run = CliRun.Of(new DateTimeOffset(2017, 8, 8, 0, 0, 0, TimeSpan.Zero), "check", "--json", TestFiles.SelfSigned);

        using var json = JsonDocument.Parse(run.Stdout);
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal("self-signed-leaf", file.GetProperty("certificates")[0].GetProperty("role").GetString());
        Assert.Equal("warn", file.GetProperty("verdict").GetString());
        Assert.Equal("pem", file.GetProperty("format").GetString());
    }

    [Fact]
    public void Json_of_a_current_root_says_accept()
    {
        var run = CliRun.Of(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero), "check", "--json", TestFiles.IsrgRootX1);

        using var json = JsonDocument.Parse(run.Stdout);
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal("accept", file.GetProperty("verdict").GetString());
        Assert.Equal("root", file.GetProperty("certificates")[0].GetProperty("role").GetString());
        Assert.Equal(4096, file.GetProperty("certificates")[0].GetProperty("keySize").GetInt32());
    }

    [Fact]
    public void Json_of_an_expired_chain_says_block_with_a_blocking_finding_and_the_exit_code_agrees()
    {
        // wildcard-expired.pem: the leaf expired 2015-04-12; on 2021-06-01 it is long expired.
        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", TestFiles.Expired);

        using var json = JsonDocument.Parse(run.Stdout);
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal("block", file.GetProperty("verdict").GetString());
        Assert.Contains(file.GetProperty("findings").EnumerateArray(), f => f.GetProperty("severity").GetString() == "block");
        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public void Json_of_a_missing_file_is_a_blocked_file_whose_finding_says_why()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"certtrust-missing-{Guid.NewGuid():N}.cer");

        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", missing);

        using var json = JsonDocument.Parse(run.Stdout);
        var file = json.RootElement.GetProperty("files")[0];
        AssertHasKeys(file, FileKeys);
        Assert.Equal(missing, file.GetProperty("file").GetString());
        Assert.Equal("block", file.GetProperty("verdict").GetString());
        Assert.Empty(file.GetProperty("certificates").EnumerateArray());
        var finding = Assert.Single(file.GetProperty("findings").EnumerateArray());
        Assert.Equal("file.unreadable", finding.GetProperty("code").GetString());
        Assert.Equal("block", finding.GetProperty("severity").GetString());
        Assert.Contains("No such file", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public void Json_lists_every_one_of_ten_thousand_sans()
    {
        var expected = new X509SubjectAlternativeNameExtension(
            TestFiles.Load(TestFiles.TenThousandSans)[0].Extensions["2.5.29.17"]!.RawData).EnumerateDnsNames().ToList();
        Assert.Equal(10_000, expected.Count); // the corpus file is what its name says

        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", TestFiles.TenThousandSans);

        using var json = JsonDocument.Parse(run.Stdout);
        var sans = json.RootElement.GetProperty("files")[0].GetProperty("certificates")[0].GetProperty("sans");
        Assert.Equal(expected, sans.EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void Json_handles_a_bundle_of_2880_roots_that_the_bot_would_refuse()
    {
        var now = new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero);
        var bundle = Path.Combine(Path.GetTempPath(), $"certtrust-2880-{Guid.NewGuid():N}.pem");
        var thumbprints = TestFiles.WriteBundleOfRoots(bundle, 2880, now);
        try
        {
            var run = CliRun.Of(now, "check", "--json", bundle);

            using var json = JsonDocument.Parse(run.Stdout);
            var file = json.RootElement.GetProperty("files")[0];
            Assert.NotEqual("block", file.GetProperty("verdict").GetString());
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(thumbprints, file.GetProperty("certificates").EnumerateArray().Select(c => c.GetProperty("sha256").GetString()));
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Theory]
    [InlineData("example.org", "host.not-in-san")]   // *.badssl.com and badssl.com do not cover it
    [InlineData("www.badssl.com", "host.match")]     // covered by *.badssl.com
    public void The_host_name_reaches_the_check_and_its_finding_is_in_the_json(string host, string expectedCode)
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", "--host", host, TestFiles.Rsa2048LeafAndIntermediate);

        using var json = JsonDocument.Parse(run.Stdout);
        var codes = json.RootElement.GetProperty("files")[0].GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString());
        Assert.Contains(expectedCode, codes);
    }

    [Fact]
    public void Json_escapes_quotes_and_control_characters_in_file_names()
    {
        var run = CliRun.Of(CliRun.BadSslValid, "check", "--json", "--", "we\"ird\u001b[31m.cer");

        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("we\"ird\u001b[31m.cer", json.RootElement.GetProperty("files")[0].GetProperty("file").GetString());
        Assert.DoesNotContain('\u001b', run.Stdout);
    }

    private static DateTime ParseDate(JsonElement value) =>
        DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).UtcDateTime;

    private static void AssertHasKeys(JsonElement element, string[] keys)
    {
        var present = element.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var key in keys)
            Assert.True(present.Contains(key), $"missing key \"{key}\" in {element}");
    }
}
