using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using static CertTrustBot.Certificates.Tests.TestPki;

namespace CertTrustBot.Certificates.Tests;

public class RuleTests
{
    private static readonly X509Certificate2 RootCa = Root();
    private static readonly X509Certificate2 IssuingCa = Intermediate(RootCa);

    [Fact]
    public void Expired_certificate_is_blocked()
    {
        var root = Root(configure: b => { b.NotBefore = Now.AddYears(-3); b.NotAfter = Now.AddDays(-2); });

        var report = Check(root.RawData);

        Assert.Equal(Verdict.Block, report.Verdict);
        Assert.Equal(Severity.Block, report.Single(FindingCodes.CertExpired).Severity);
        Assert.Equal(-2, report.Certificates[0].DaysLeft);
        Assert.Equal("Blocked: certificate has expired", report.Headline);
        Assert.Empty(report.Storable);
    }

    [Fact]
    public void Certificate_not_valid_yet_is_blocked()
    {
        var root = Root(configure: b => b.NotBefore = Now.AddDays(3));

        var report = Check(root.RawData);

        Assert.True(report.Has(FindingCodes.CertNotYetValid));
        Assert.Equal(Verdict.Block, report.Verdict);
    }

    [Fact]
    public void Expiry_is_judged_against_the_injected_clock_not_today()
    {
        var root = Root(configure: b => { b.NotBefore = Now.AddYears(-3); b.NotAfter = Now.AddDays(-2); });

        var report = Check(root.RawData, at: Now.AddDays(-10));

        Assert.False(report.Has(FindingCodes.CertExpired));
        Assert.Equal(8, report.Certificates[0].DaysLeft);
    }

    [Fact]
    public void Certificate_expiring_within_30_days_is_a_warning()
    {
        var root = Root(configure: b => b.NotAfter = Now.AddDays(29.5));

        var report = Check(root.RawData);

        Assert.Equal(Verdict.Warn, report.Verdict);
        Assert.Contains("29 days", report.Single(FindingCodes.CertExpiresSoon).Message, StringComparison.Ordinal);
        Assert.EndsWith("(29 days)", report.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_with_31_days_left_is_not_expiring_soon()
    {
        var root = Root(configure: b => b.NotAfter = Now.AddDays(31));

        Assert.False(Check(root.RawData).Has(FindingCodes.CertExpiresSoon));
    }

    [Fact]
    public void Certificate_expiring_before_the_expected_completion_is_a_warning()
    {
        var root = Root(configure: b => b.NotAfter = Now.AddDays(60));

        var late = Check(root.RawData, completion: Now.AddDays(90));
        var early = Check(root.RawData, completion: Now.AddDays(30));

        Assert.Equal(Severity.Warn, late.Single(FindingCodes.CertExpiresBeforeCompletion).Severity);
        Assert.False(early.Has(FindingCodes.CertExpiresBeforeCompletion));
    }

    [Fact]
    public void Md5_signature_is_blocked()
    {
        var der = HandBuilt.Certificate("CN=api.example.com", "CN=Old CA", HandBuilt.Md5WithRsa, LeafKey.ExportSubjectPublicKeyInfo(),
            _ => RandomNumberGenerator.GetBytes(256));

        var report = Check(der);

        Assert.Equal("MD5withRSA", report.Certificates[0].SignatureAlgorithm);
        Assert.Equal(Severity.Block, report.Single(FindingCodes.CertWeakSignatureHash).Severity);
    }

    [Fact]
    public void Rsa_key_under_2048_bits_is_blocked()
    {
        var root = new CertBuilder("CN=Small Root", SmallKey.Value).SelfSigned();

        var report = Check(root.RawData);

        Assert.Equal(1024, report.Certificates[0].KeySize);
        Assert.Contains("1024", report.Single(FindingCodes.CertRsaKeyTooSmall).Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Block, report.Verdict);
    }

    [Fact]
    public void Ed25519_certificate_is_blocked()
    {
        var report = Check(HandBuilt.Ed25519Certificate());

        var details = Assert.Single(report.Certificates);
        Assert.Equal("Ed25519", details.KeyAlgorithm);
        Assert.Equal("Ed25519", details.SignatureAlgorithm);
        Assert.Equal(Severity.Block, report.Single(FindingCodes.CertEdDsa).Severity);
    }

    [Fact]
    public void Self_signed_certificate_with_a_broken_signature_is_blocked()
    {
        var der = RootCa.RawData.ToArray();
        der[^10] ^= 0xFF; // inside the signature value, the last field of the certificate

        var report = Check(der);

        Assert.Equal(Severity.Block, report.Single(FindingCodes.CertSelfSignatureInvalid).Severity);
        Assert.Equal(Verdict.Block, report.Verdict);
    }

    [Fact]
    public void A_large_bundle_is_reported_in_file_order_with_each_problem_on_its_own_certificate()
    {
        // 40 distinct roots, enough for the check to analyse them in parallel: root 7's signature is broken, the 14th
        // block is not a certificate, and the 22nd block repeats root 3.
        var roots = Enumerable.Range(0, 40).Select(i => Root($"CN=Bundle Root {i:D2}, O=Example")).ToList();
        var blocks = new List<string>();
        for (var i = 0; i < roots.Count; i++)
        {
            var der = roots[i].RawData.ToArray();
            if (i == 7)
                der[^10] ^= 0xFF; // inside the signature value
            blocks.Add(PemEncoding.WriteString("CERTIFICATE", der));
        }
        blocks.Insert(13, PemEncoding.WriteString("CERTIFICATE", [0x30, 0x03, 0x02, 0x01, 0x01]));
        blocks.Insert(21, PemEncoding.WriteString("CERTIFICATE", roots[3].RawData));
        // The certificates in file order: the damaged block is not one of them, the repeat is.
        var expected = roots.Take(20).Append(roots[3]).Concat(roots.Skip(20)).Select(r => r.Subject).ToList();

        var report = Check(Encoding.ASCII.GetBytes(string.Join("\n", blocks)), "bundle.pem", limits: new CheckLimits { MaxCertificates = 100 });

        Assert.Equal(expected, report.Certificates.Select(c => c.Subject));
        Assert.Equal(Enumerable.Range(0, expected.Count), report.Certificates.Select(c => c.Index));
        Assert.Equal(7, report.Single(FindingCodes.CertSelfSignatureInvalid).CertificateIndex);
        Assert.Contains("PEM block 14", report.Single(FindingCodes.CertUnreadable).Message, StringComparison.Ordinal);
        Assert.Contains("1 certificate", report.Single(FindingCodes.FileDuplicates).Message, StringComparison.Ordinal);
        Assert.Equal(report.Certificates[3].Sha256, report.Certificates[20].Sha256);
        // One role finding for each distinct certificate, at its first place in the file.
        var roles = report.Findings.Where(f => f.Code == FindingCodes.CertRole).Select(f => f.CertificateIndex).ToList();
        Assert.Equal(Enumerable.Range(0, expected.Count).Where(i => i != 20).Cast<int?>(), roles);
    }

    [Fact]
    public void Self_signed_certificate_with_a_sound_signature_passes_the_signature_check()
    {
        Assert.False(Check(RootCa.RawData).Has(FindingCodes.CertSelfSignatureInvalid));
        var ecRoot = new CertBuilder("CN=EC Root", P256Key.Value).SelfSigned();
        Assert.False(Check(ecRoot.RawData).Has(FindingCodes.CertSelfSignatureInvalid));
    }

    [Fact]
    public void Leaf_certificate_warns_and_names_the_issuer_to_ask_for()
    {
        var leaf = Leaf(IssuingCa);

        var report = Check(leaf.RawData, host: "api.example.com");

        Assert.Equal(Verdict.Warn, report.Verdict);
        Assert.Equal(CertificateRole.Leaf, report.Certificates[0].Role);
        var finding = report.Single(FindingCodes.CertLeaf);
        Assert.Contains($"issued by '{IssuingCa.Subject}'", finding.Message, StringComparison.Ordinal);
        Assert.Contains("root certificate", finding.Advice, StringComparison.Ordinal);
        Assert.Null(report.TrustedRootIndex);
    }

    [Fact]
    public void Lone_CA_issued_leaf_is_an_incomplete_chain()
    {
        var leaf = Leaf(IssuingCa);

        var report = Check(leaf.RawData, host: "api.example.com");

        // The README's definition: a certificate whose issuer is neither in the file nor itself.
        var finding = report.Single(FindingCodes.ChainIncomplete);
        Assert.Equal(0, finding.CertificateIndex);
        Assert.Equal(Severity.Warn, finding.Severity);
        Assert.Contains($"issued by '{IssuingCa.Subject}', which is not in the file", finding.Message, StringComparison.Ordinal);
        Assert.True(report.Has(FindingCodes.CertLeaf));
    }

    [Fact]
    public void Lone_self_signed_root_is_not_an_incomplete_chain()
    {
        var report = Check(RootCa.RawData);

        Assert.False(report.Has(FindingCodes.ChainIncomplete));
    }

    [Fact]
    public void Intermediate_alone_warns_that_it_belongs_in_the_intermediate_store()
    {
        var report = Check(IssuingCa.RawData);

        Assert.Equal(CertificateRole.Intermediate, report.Certificates[0].Role);
        var finding = report.Single(FindingCodes.CertIntermediate);
        Assert.Contains("Intermediate Certification Authorities", finding.Message, StringComparison.Ordinal);
        Assert.Contains(RootCa.Subject, finding.Message, StringComparison.Ordinal);
        Assert.Null(report.TrustedRootIndex);
    }

    [Fact]
    public void Self_signed_leaf_warns_that_it_works_for_one_host()
    {
        var report = Check(SelfSignedLeaf().RawData, host: "api.example.com");

        Assert.Equal(CertificateRole.SelfSignedLeaf, report.Certificates[0].Role);
        Assert.True(report.Certificates[0].IsSelfSigned);
        Assert.Equal(Severity.Warn, report.Single(FindingCodes.CertSelfSignedLeaf).Severity);
        Assert.True(report.Has(FindingCodes.HostMatch));
        Assert.Equal(0, report.TrustedRootIndex);
    }

    [Fact]
    public void Sha1_signature_below_a_root_is_a_warning()
    {
        var leaf = HandBuilt.Sha1Signed("CN=api.example.com", RootCa.Subject, LeafKey, RootKey);

        var report = Check(Encoding.ASCII.GetBytes(new string(PemEncoding.Write("CERTIFICATE", leaf)) + "\n" + RootCa.ExportCertificatePem()));

        Assert.Equal([0, 1], report.Chain); // the SHA-1 signature verifies against the root in the file
        Assert.Equal("SHA1withRSA", report.Certificates[0].SignatureAlgorithm);
        Assert.Equal(Severity.Warn, report.Single(FindingCodes.CertSha1Signature).Severity);
        Assert.False(report.Has(FindingCodes.CertSha1SelfSignedRoot));
    }

    [Fact]
    public void Sha1_on_a_self_signed_root_is_only_a_mild_warning()
    {
        var root = HandBuilt.Sha1Signed("CN=SHA1 Root", "CN=SHA1 Root", RootKey, RootKey, HandBuilt.CaExtensions());

        var report = Check(root);

        Assert.Equal(CertificateRole.Root, report.Certificates[0].Role);
        Assert.Equal(Verdict.Warn, report.Verdict);
        Assert.True(report.Has(FindingCodes.CertSha1SelfSignedRoot));
        Assert.False(report.Has(FindingCodes.CertSha1Signature));
        Assert.False(report.Has(FindingCodes.CertSelfSignatureInvalid));
    }

    [Fact]
    public void Ecdsa_p521_is_a_warning()
    {
        var root = new CertBuilder("CN=P521 Root", P521Key.Value) { Hash = HashAlgorithmName.SHA512 }.SelfSigned();

        var report = Check(root.RawData);

        Assert.Equal("ECDSA", report.Certificates[0].KeyAlgorithm);
        Assert.Equal("P-521", report.Certificates[0].Curve);
        Assert.Equal(521, report.Certificates[0].KeySize);
        Assert.Equal("SHA512withECDSA", report.Certificates[0].SignatureAlgorithm);
        Assert.True(report.Has(FindingCodes.CertEcdsaP521));
        Assert.Equal(Verdict.Warn, report.Verdict);
    }

    [Fact]
    public void Curve_windows_does_not_know_is_a_warning()
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
        var root = new CertBuilder("CN=Bitcoin Curve Root", key).SelfSigned();

        var report = Check(root.RawData);

        Assert.Equal("secp256k1", report.Certificates[0].Curve);
        Assert.True(report.Has(FindingCodes.CertUnknownAlgorithm));
    }

    [Fact]
    public void Ecdsa_p256_root_is_accepted()
    {
        var root = new CertBuilder("CN=P256 Root", P256Key.Value).SelfSigned();

        var report = Check(root.RawData);

        Assert.Equal(Verdict.Accept, report.Verdict);
        Assert.Contains("ECDSA P-256 · SHA-256", report.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void Rsa_pss_is_a_warning_and_its_self_signature_verifies()
    {
        var root = Root(configure: b => b.Padding = RSASignaturePadding.Pss);

        var report = Check(root.RawData);

        Assert.Equal("RSASSA-PSS", report.Certificates[0].SignatureAlgorithm);
        Assert.True(report.Has(FindingCodes.CertRsaPss));
        Assert.False(report.Has(FindingCodes.CertSelfSignatureInvalid));
        Assert.Equal(Verdict.Warn, report.Verdict);
    }

    [Fact]
    public void Version_1_certificate_is_a_warning()
    {
        var der = HandBuilt.Certificate("CN=Old Root", "CN=Old Root", HandBuilt.Sha256WithRsa, RootKey.ExportSubjectPublicKeyInfo(),
            tbs => RootKey.SignData(tbs, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), version1: true);

        var report = Check(der);

        Assert.Equal(1, report.Certificates[0].Version);
        Assert.True(report.Has(FindingCodes.CertVersion1));
        Assert.False(report.Has(FindingCodes.CertSelfSignatureInvalid));
        Assert.Null(report.Certificates[0].IsCertificateAuthority);
    }

    [Fact]
    public void Root_without_ca_flag_is_a_warning()
    {
        var root = Root(configure: b => b.CertificateAuthority = null);

        var report = Check(root.RawData);

        Assert.Equal(CertificateRole.Root, report.Certificates[0].Role); // keyCertSign makes it a root
        Assert.Contains("is missing", report.Single(FindingCodes.CertRootNotCa).Message, StringComparison.Ordinal);
        Assert.False(report.Has(FindingCodes.CertKeyCertSignWithoutCa));
    }

    [Fact]
    public void Root_without_key_cert_sign_is_a_warning()
    {
        var root = Root(configure: b => b.KeyUsage = X509KeyUsageFlags.DigitalSignature);

        var report = Check(root.RawData);

        Assert.Equal(CertificateRole.Root, report.Certificates[0].Role);
        Assert.True(report.Has(FindingCodes.CertRootWithoutKeyCertSign));
        Assert.Equal(["DigitalSignature"], report.Certificates[0].KeyUsages);
    }

    [Fact]
    public void Root_without_key_usage_extension_is_accepted()
    {
        var root = Root(configure: b => b.KeyUsage = null);

        var report = Check(root.RawData);

        Assert.False(report.Has(FindingCodes.CertRootWithoutKeyCertSign));
        Assert.Empty(report.Certificates[0].KeyUsages);
    }

    [Fact]
    public void Key_cert_sign_without_ca_is_a_warning()
    {
        var leaf = Leaf(IssuingCa, configure: b => b.KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature);

        var report = Check(leaf.RawData);

        Assert.True(report.Has(FindingCodes.CertKeyCertSignWithoutCa));
    }

    [Theory]
    [InlineData("api.example.com", "api.example.com", true)]
    [InlineData("API.Example.com", "api.example.com", true)]
    [InlineData("https://api.example.com:8443/path", "api.example.com", true)]
    [InlineData("api.example.com.", "api.example.com", true)]
    [InlineData("a.example.com", "*.example.com", true)]
    [InlineData("example.com", "*.example.com", false)]
    [InlineData("a.b.example.com", "*.example.com", false)]
    [InlineData("other.example.org", "api.example.com", false)]
    [InlineData("example.com", "*.com", false)]
    public void Host_name_is_matched_against_the_san_with_one_label_wildcards(string host, string san, bool matches)
    {
        var leaf = SelfSignedLeaf(configure: b => { b.DnsNames.Clear(); b.DnsNames.Add(san); });

        var report = Check(leaf.RawData, host: host);

        Assert.Equal(matches, report.Has(FindingCodes.HostMatch));
        Assert.Equal(!matches, report.Has(FindingCodes.HostNotInSan));
    }

    [Fact]
    public void International_host_name_is_compared_in_its_ascii_form()
    {
        var leaf = SelfSignedLeaf(configure: b => { b.DnsNames.Clear(); b.DnsNames.Add("xn--bcher-kva.example"); });

        var report = Check(leaf.RawData, host: "Bücher.example");

        Assert.True(report.Has(FindingCodes.HostMatch));
    }

    [Fact]
    public void Host_name_mismatch_is_flagged_in_the_headline()
    {
        var report = Check(SelfSignedLeaf().RawData, host: "db.example.com");

        Assert.EndsWith("host MISMATCH", report.Headline, StringComparison.Ordinal);
        Assert.Contains("api.example.com", report.Single(FindingCodes.HostNotInSan).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_name_only_in_the_common_name_is_a_warning()
    {
        var leaf = SelfSignedLeaf("CN=legacy.example.com", b => b.DnsNames.Clear());

        var report = Check(leaf.RawData, host: "legacy.example.com");

        Assert.True(report.Has(FindingCodes.HostOnlyInCn));
        Assert.False(report.Has(FindingCodes.HostNotInSan));
    }

    [Fact]
    public void Ip_address_host_is_matched_against_ip_sans()
    {
        var leaf = SelfSignedLeaf(configure: b => b.IpAddresses.Add(IPAddress.Parse("192.0.2.10")));

        var report = Check(leaf.RawData, host: "192.0.2.10");

        Assert.Contains("192.0.2.10", report.Certificates[0].SubjectAlternativeNames);
        Assert.True(report.Has(FindingCodes.HostMatch));
    }

    [Fact]
    public void Host_name_is_checked_against_a_self_signed_ca_certificate_that_names_hosts()
    {
        // What `openssl req -x509 -addext subjectAltName=DNS:erp.example.com` makes: cA=true, self-signed, with SANs.
        var serverAsRoot = Root("CN=erp.example.com", b => b.DnsNames.Add("erp.example.com"));

        var matching = Check(serverAsRoot.RawData, host: "erp.example.com");
        var other = Check(serverAsRoot.RawData, host: "crm.example.com");

        Assert.Equal(CertificateRole.Root, matching.Certificates[0].Role);
        Assert.True(matching.Has(FindingCodes.HostMatch));
        Assert.False(matching.Has(FindingCodes.HostNotChecked));
        Assert.Contains("erp.example.com", other.Single(FindingCodes.HostNotInSan).Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Warn, other.Verdict);
    }

    [Fact]
    public void Host_name_cannot_be_checked_against_a_root_alone()
    {
        var report = Check(RootCa.RawData, host: "api.example.com");

        Assert.True(report.Has(FindingCodes.HostNotChecked));
        Assert.Equal(Verdict.Accept, report.Verdict);
    }

    [Fact]
    public void Certificate_already_requested_is_a_warning_naming_where()
    {
        var sha256 = Convert.ToHexString(SHA256.HashData(RootCa.RawData));
        var already = new Dictionary<string, string> { [sha256] = "CT-000042 for Production, installed" };

        var report = Check(RootCa.RawData, already: already);

        Assert.Contains("CT-000042 for Production, installed", report.Single(FindingCodes.CertAlreadyRequested).Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Warn, report.Verdict);
    }

    [Fact]
    public void Already_requested_thumbprints_match_whatever_their_case_or_separators()
    {
        var sha256 = Convert.ToHexString(SHA256.HashData(RootCa.RawData)).ToLowerInvariant();
        var colons = string.Join(':', Enumerable.Range(0, 32).Select(i => sha256.Substring(i * 2, 2)));

        var report = Check(RootCa.RawData, already: new Dictionary<string, string> { [colons] = "CT-7" });

        Assert.True(report.Has(FindingCodes.CertAlreadyRequested));
    }

    [Fact]
    public void Bundle_without_its_root_is_incomplete()
    {
        var leaf = Leaf(IssuingCa);

        var report = Check(Pem(leaf, IssuingCa), "chain.pem");

        var finding = report.Single(FindingCodes.ChainIncomplete);
        Assert.Equal(1, finding.CertificateIndex);
        Assert.Contains(RootCa.Subject, finding.Message, StringComparison.Ordinal);
        Assert.Equal([0, 1], report.Chain);
        Assert.Null(report.TrustedRootIndex);
    }

    [Fact]
    public void Certificate_whose_issuer_name_matches_but_signature_does_not_is_not_chained()
    {
        var impostor = new CertBuilder(IssuingCa.Subject, RootKey).SelfSigned(); // same name, other key, no matching SKI
        var leaf = Leaf(IssuingCa);

        var report = Check(Pem(leaf, impostor), "chain.pem");

        Assert.Equal([0], report.Chain);
        Assert.True(report.Has(FindingCodes.ChainIncomplete));
    }

    [Fact]
    public void Complete_chain_says_where_each_certificate_goes()
    {
        var leaf = Leaf(IssuingCa);

        var report = Check(Pem(leaf, IssuingCa, RootCa), "chain.pem");

        var roles = report.Findings.Where(f => f.Code == FindingCodes.CertRole).ToDictionary(f => f.CertificateIndex!.Value, f => f.Message);
        Assert.Contains("Trusted Root", roles[2], StringComparison.Ordinal);
        Assert.Contains("Intermediate Certification Authorities", roles[1], StringComparison.Ordinal);
        Assert.Contains("not installed", roles[0], StringComparison.Ordinal);
        Assert.True(report.Has(FindingCodes.ChainPath));
    }

    [Fact]
    public void Several_roots_in_one_file_are_a_warning()
    {
        var other = new CertBuilder("CN=Other Root", P256Key.Value).SelfSigned();

        var report = Check(Pem(RootCa, other), "roots.pem");

        Assert.Equal(Verdict.Warn, report.Verdict);
        Assert.Contains("2 root", report.Single(FindingCodes.ChainSeveralRoots).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blocked_headline_names_the_first_reason_and_counts_the_others()
    {
        var expiredMd5 = HandBuilt.Certificate("CN=api.example.com", "CN=Old CA", HandBuilt.Md5WithRsa, SmallKey.Value.ExportSubjectPublicKeyInfo(),
            _ => RandomNumberGenerator.GetBytes(128));

        var report = Check(expiredMd5, at: Now.AddYears(5));

        Assert.Equal("Blocked: certificate has expired (and 2 more problems)", report.Headline);
    }

    [Fact]
    public void Blocked_bundle_headline_says_which_certificates_and_how_many()
    {
        var expired = Enumerable.Range(1, 5).Select(n => Root($"CN=Old Root {n}, O=Example", b => b.NotAfter = Now.AddDays(-n))).ToArray();

        var two = Check(Pem(RootCa, expired[0], expired[1]), "bundle.pem");
        var five = Check(Pem([RootCa, .. expired]), "bundle.pem");
        var one = Check(Pem(RootCa, expired[0]), "bundle.pem");

        Assert.Equal("Blocked: 2 of 3 certificates have expired: Old Root 1, Old Root 2", two.Headline);
        Assert.Equal("Blocked: 5 of 6 certificates have expired: Old Root 1, Old Root 2, Old Root 3, …", five.Headline);
        Assert.Equal("Blocked: 1 of 2 certificates has expired: Old Root 1", one.Headline);
    }

    [Fact]
    public void Numbers_in_messages_are_grouped_by_thousands_whatever_the_culture()
    {
        var expired = Root("CN=Old Root, O=Example", b => { b.NotBefore = Now.AddDays(-4000); b.NotAfter = Now.AddDays(-2160).AddHours(1); });
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // would write 2.160
        try
        {
            var report = Check(expired.RawData);

            Assert.Contains("(2,160 days ago)", report.Single(FindingCodes.CertExpired).Message, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Any_block_finding_blocks_and_any_warning_warns()
    {
        var blocked = Check(Pem(RootCa, Root("CN=Expired Root", b => b.NotAfter = Now.AddDays(-1))));
        var warned = Check(Leaf(IssuingCa).RawData);
        var accepted = Check(RootCa.RawData);

        Assert.Equal(Verdict.Block, blocked.Verdict);
        Assert.Equal(Verdict.Warn, warned.Verdict);
        Assert.Equal(Verdict.Accept, accepted.Verdict);
        Assert.Equal(Severity.Block, blocked.Findings[0].Severity); // most severe first
    }
}
