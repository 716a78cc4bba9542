using System.Security.Cryptography.X509Certificates;
using System.Text;
using static CertTrustBot.Certificates.Tests.TestPki;

namespace CertTrustBot.Certificates.Tests;

/// <summary>Real chains from badssl.com and Debian's CA bundle, each checked at a clock inside its validity.</summary>
public class CorpusTests
{
    private const string DebianBundle = "/etc/ssl/certs/ca-certificates.crt";

    private static string BadSsl(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "badssl", name);

    private static CertificateReport CheckFile(string path, DateTimeOffset at, string? host = null, CheckLimits? limits = null) =>
        Check(File.ReadAllBytes(path), Path.GetFileName(path), host, at, limits);

    /// <summary>The platform's own reading of the PEM file, to compare with independently.</summary>
    private static X509Certificate2Collection Expected(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    private static DateTimeOffset At(string date) => DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Badssl_rsa8192_leaf_and_intermediate_are_read_with_their_thumbprints()
    {
        var path = BadSsl("wildcard-rsa8192.pem");

        var report = CheckFile(path, At("2022-06-01T00:00:00Z"), host: "www.badssl.com");

        var expected = Expected(path);
        Assert.Equal(CertificateFormat.PemBundle, report.Format);
        Assert.Equal(expected.Select(c => c.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)), report.Certificates.Select(c => c.Sha256));
        Assert.Equal(expected.Select(c => c.Thumbprint), report.Certificates.Select(c => c.Sha1));
        Assert.Equal(expected.Select(c => c.SerialNumber), report.Certificates.Select(c => c.SerialNumber));
        Assert.Equal(8192, report.Certificates[0].KeySize);
        Assert.Equal(2048, report.Certificates[1].KeySize);
        Assert.Equal([CertificateRole.Leaf, CertificateRole.Intermediate], report.Certificates.Select(c => c.Role));
        Assert.Equal([0, 1], report.Chain);
        Assert.Equal(Verdict.Warn, report.Verdict);
        Assert.True(report.Has(FindingCodes.HostMatch));
        Assert.Contains("issued by 'CN=RapidSSL TLS DV RSA Mixed SHA256 2020 CA-1, O=DigiCert Inc, C=US'", report.Single(FindingCodes.CertLeaf).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Badssl_ecc384_chain_with_crlf_is_read_as_ecdsa_p384()
    {
        var path = BadSsl("wildcard-ecc384.pem");
        Assert.Contains((byte)'\r', File.ReadAllBytes(path)); // the file really has CRLF line ends

        var report = CheckFile(path, At("2021-01-01T00:00:00Z"));

        var leaf = report.Certificates[0];
        Assert.Equal(("ECDSA", 384, "P-384"), (leaf.KeyAlgorithm, leaf.KeySize, leaf.Curve));
        Assert.Equal("SHA384withECDSA", leaf.SignatureAlgorithm);
        Assert.Equal("SHA384withRSA", report.Certificates[1].SignatureAlgorithm);
        Assert.Equal([0, 1], report.Chain); // the ECDSA signature of the leaf verifies against the intermediate
        Assert.True(report.Has(FindingCodes.ChainIncomplete));
        Assert.Equal(Verdict.Warn, report.Verdict);
    }

    [Fact]
    public void Badssl_incomplete_chain_leaf_asks_for_the_root()
    {
        var report = CheckFile(BadSsl("wildcard-incomplete-chain.pem"), At("2021-01-01T00:00:00Z"));

        Assert.Equal(CertificateFormat.Pem, report.Format);
        Assert.Equal(CertificateRole.Leaf, Assert.Single(report.Certificates).Role);
        Assert.Contains("DigiCert SHA2 Secure Server CA", report.Single(FindingCodes.CertLeaf).Message, StringComparison.Ordinal);
        Assert.StartsWith("Server certificate, not a root · RSA 2048 · SHA-256 · valid until 2022-05-17", report.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void Badssl_self_signed_is_a_self_signed_leaf_whose_wildcard_covers_one_label()
    {
        var path = BadSsl("wildcard-self-signed.pem");

        var match = CheckFile(path, At("2017-01-01T00:00:00Z"), host: "foo.badssl.com");
        var mismatch = CheckFile(path, At("2017-01-01T00:00:00Z"), host: "a.b.badssl.com");

        Assert.Equal(CertificateRole.SelfSignedLeaf, match.Certificates[0].Role);
        Assert.True(match.Certificates[0].IsSelfSigned);
        Assert.Equal(["*.badssl.com", "badssl.com"], match.Certificates[0].SubjectAlternativeNames);
        Assert.True(match.Has(FindingCodes.CertSelfSignedLeaf));
        Assert.False(match.Has(FindingCodes.CertSelfSignatureInvalid));
        Assert.True(match.Has(FindingCodes.HostMatch));
        Assert.True(mismatch.Has(FindingCodes.HostNotInSan));
        Assert.Equal(0, match.TrustedRootIndex);
    }

    [Fact]
    public void Badssl_self_signed_is_blocked_once_expired()
    {
        var report = CheckFile(BadSsl("wildcard-self-signed.pem"), At("2019-01-01T00:00:00Z"));

        Assert.Equal(Verdict.Block, report.Verdict);
        Assert.True(report.Has(FindingCodes.CertExpired));
    }

    [Fact]
    public void Badssl_10000_sans_are_all_listed()
    {
        var report = CheckFile(BadSsl("subdomain-10000-sans.pem"), At("2020-06-01T00:00:00Z"), host: "10000-sans.badssl.com");

        Assert.Equal(10000, report.Certificates[0].SubjectAlternativeNames.Count);
        Assert.True(report.Has(FindingCodes.HostMatch));
    }

    [Fact]
    public void Badssl_sha1_intermediate_is_a_warning_on_the_intermediate()
    {
        var report = CheckFile(BadSsl("wildcard-sha1-intermediate.pem"), At("2018-01-01T00:00:00Z"));

        Assert.Equal("SHA1withRSA", report.Certificates[1].SignatureAlgorithm);
        Assert.Equal(1, report.Single(FindingCodes.CertSha1Signature).CertificateIndex);
    }

    [Fact]
    public void Badssl_sha1_leaf_is_a_warning_on_both_certificates()
    {
        var report = CheckFile(BadSsl("wildcard-sha1-2016.pem"), At("2016-01-01T00:00:00Z"));

        Assert.Equal([0, 1], report.Findings.Where(f => f.Code == FindingCodes.CertSha1Signature).Select(f => f.CertificateIndex!.Value).Order());
        Assert.Equal(Verdict.Warn, report.Verdict);
    }

    [Fact]
    public void Badssl_certificate_without_subject_is_named_by_its_san()
    {
        var report = CheckFile(BadSsl("subdomain-no-subject.pem"), At("2018-01-01T00:00:00Z"));

        Assert.Equal("", report.Certificates[0].Subject);
        Assert.Contains("no-subject.badssl.com", report.Single(FindingCodes.CertLeaf).Message, StringComparison.Ordinal);
        Assert.Equal([0, 1, 2], report.Chain);
    }

    [Fact]
    public void Badssl_expired_leaf_blocks_the_whole_chain()
    {
        var report = CheckFile(BadSsl("wildcard-expired.pem"), At("2016-01-01T00:00:00Z"));

        Assert.Equal(0, report.Single(FindingCodes.CertExpired).CertificateIndex);
        Assert.Equal(Verdict.Block, report.Verdict);
        Assert.Empty(report.Storable);
    }

    [Fact]
    public void Debian_bundle_every_certificate_is_found_and_each_is_a_root()
    {
        var limits = new CheckLimits { MaxCertificates = 1000 };

        var report = CheckFile(DebianBundle, At("2025-01-01T00:00:00Z"), limits: limits);

        var text = File.ReadAllText(DebianBundle);
        var markers = (text.Length - text.Replace("-----BEGIN CERTIFICATE-----", "", StringComparison.Ordinal).Length) / "-----BEGIN CERTIFICATE-----".Length;
        Assert.True(markers > 100);
        Assert.Equal(markers, report.Certificates.Count);
        Assert.All(report.Certificates, c => Assert.Equal(CertificateRole.Root, c.Role));
        Assert.All(report.Certificates, c => Assert.True(c.IsSelfSigned));
        Assert.False(report.Has(FindingCodes.CertSelfSignatureInvalid));
        Assert.Equal(Expected(DebianBundle).Select(c => c.Thumbprint), report.Certificates.Select(c => c.Sha1));
        Assert.Contains(report.Certificates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            report.Single(FindingCodes.ChainSeveralRoots).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Debian_bundle_twenty_times_over_lists_every_copy_and_checks_each_root_once()
    {
        var one = File.ReadAllBytes(DebianBundle);
        var twenty = Enumerable.Repeat(one, 20).SelectMany(b => b).ToArray();
        var limits = new CheckLimits { MaxBytes = 64 * 1024 * 1024, MaxCertificates = 10_000 };

        var report = Check(twenty, "bundle-x20.pem", at: At("2025-01-01T00:00:00Z"), limits: limits);

        var perCopy = report.Certificates.Count / 20;
        Assert.Equal(perCopy * 20, report.Certificates.Count);
        Assert.Equal(report.Certificates.Take(perCopy).Select(c => c.Sha256), report.Certificates.Skip(perCopy * 19).Select(c => c.Sha256));
        Assert.Equal(perCopy, report.Findings.Count(f => f.Code == FindingCodes.CertRole));
        Assert.Contains((perCopy * 19).ToString(System.Globalization.CultureInfo.InvariantCulture), report.Single(FindingCodes.FileDuplicates).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Debian_bundle_is_refused_under_the_default_certificate_cap()
    {
        var report = CheckFile(DebianBundle, At("2025-01-01T00:00:00Z"));

        Assert.True(report.Has(FindingCodes.FileTooManyCertificates));
        Assert.Empty(report.Certificates);
    }

    [Fact]
    public void Every_badssl_chain_is_read_without_unreadable_certificates()
    {
        foreach (var path in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "badssl"), "*.pem"))
        {
            var report = CheckFile(path, At("2019-01-01T00:00:00Z"));

            Assert.Equal(Expected(path).Count, report.Certificates.Count);
            Assert.DoesNotContain(report.Findings, f => f.Code is FindingCodes.CertUnreadable or FindingCodes.CertSelfSignatureInvalid);
            Assert.Equal(Encoding.ASCII.GetString(File.ReadAllBytes(path)).Split("BEGIN CERTIFICATE").Length - 1, report.Certificates.Count);
        }
    }
}
