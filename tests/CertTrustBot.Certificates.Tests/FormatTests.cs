using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using static CertTrustBot.Certificates.Tests.TestPki;

namespace CertTrustBot.Certificates.Tests;

public class FormatTests
{
    private static readonly X509Certificate2 RootCa = Root();

    [Fact]
    public void Der_root_is_accepted_with_its_details()
    {
        var report = Check(RootCa.RawData, "root.cer");

        Assert.Equal(CertificateFormat.Der, report.Format);
        Assert.Equal(Verdict.Accept, report.Verdict);
        var details = Assert.Single(report.Certificates);
        Assert.Equal(CertificateRole.Root, details.Role);
        Assert.Equal(RootCa.Subject, details.Subject);
        Assert.Equal(RootCa.SerialNumber, details.SerialNumber);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(RootCa.RawData)), details.Sha256);
#pragma warning disable CA5350 // the SHA-1 thumbprint is what Windows shows
        Assert.Equal(Convert.ToHexString(SHA1.HashData(RootCa.RawData)), details.Sha1);
#pragma warning restore CA5350
        Assert.Equal(RootCa.RawData, details.Der.ToArray());
        Assert.Equal(0, report.TrustedRootIndex);
        Assert.Equal([0], report.Chain);
        Assert.Single(report.Storable);
    }

    [Fact]
    public void Der_headline_reads_like_ssl_labs()
    {
        var report = Check(RootCa.RawData);

        Assert.Equal($"Self-signed root · RSA 2048 · SHA-256 · valid until {RootCa.NotAfter.ToUniversalTime():yyyy-MM-dd} (5.0 years)", report.Headline);
    }

    [Fact]
    public void Pem_with_crlf_line_ends_is_accepted()
    {
        var pem = RootCa.ExportCertificatePem().Replace("\n", "\r\n", StringComparison.Ordinal);

        var report = Check(Encoding.ASCII.GetBytes(pem), "root.pem");

        Assert.Equal(CertificateFormat.Pem, report.Format);
        Assert.Equal(Verdict.Accept, report.Verdict);
        Assert.Equal(RootCa.RawData, report.Certificates[0].Der.ToArray());
    }

    [Fact]
    public void Text_before_the_pem_block_is_accepted()
    {
        var text = "Certificate:\n    Data:\n        Version: 3 (0x2)\n        Subject: CN=Test Root CA\n" + RootCa.ExportCertificatePem();

        var report = Check(Encoding.UTF8.GetBytes(text), "root.txt");

        Assert.Equal(CertificateFormat.Pem, report.Format);
        Assert.Equal(Verdict.Accept, report.Verdict);
    }

    [Fact]
    public void Utf16_pem_saved_by_windows_tools_is_accepted()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(RootCa.ExportCertificatePem())).ToArray();

        var report = Check(bytes, "root.cer");

        Assert.Equal(Verdict.Accept, report.Verdict);
        Assert.Equal(RootCa.RawData, report.Certificates[0].Der.ToArray());
    }

    [Fact]
    public void Every_block_of_a_pem_bundle_is_read()
    {
        var intermediate = Intermediate(RootCa);
        var leaf = Leaf(intermediate);

        var report = Check(Pem(leaf, intermediate, RootCa), "chain.pem", host: "api.example.com");

        Assert.Equal(CertificateFormat.PemBundle, report.Format);
        Assert.Equal(3, report.Certificates.Count);
        Assert.Equal([CertificateRole.Leaf, CertificateRole.Intermediate, CertificateRole.Root], report.Certificates.Select(c => c.Role));
        Assert.Equal([0, 1, 2], report.Chain);
        Assert.Equal(2, report.TrustedRootIndex);
        Assert.Equal(Verdict.Accept, report.Verdict);
        Assert.StartsWith("Self-signed root (chain of 3 in the file)", report.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void Chain_is_built_whatever_the_order_in_the_file()
    {
        var intermediate = Intermediate(RootCa);
        var leaf = Leaf(intermediate);

        var report = Check(Pem(RootCa, leaf, intermediate), "chain.pem");

        Assert.Equal([1, 2, 0], report.Chain);
        Assert.Equal(0, report.TrustedRootIndex);
    }

    [Fact]
    public void Pkcs7_der_certificates_are_taken_out()
    {
        var intermediate = Intermediate(RootCa);
        var p7b = new X509Certificate2Collection { intermediate, RootCa }.Export(X509ContentType.Pkcs7)!;

        var report = Check(p7b, "chain.p7b");

        Assert.Equal(CertificateFormat.Pkcs7Der, report.Format);
        Assert.Equal(2, report.Certificates.Count);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(RootCa.RawData)), report.Certificates[report.TrustedRootIndex!.Value].Sha256);
        Assert.Equal(Verdict.Accept, report.Verdict);
    }

    [Fact]
    public void Pkcs7_pem_certificates_are_taken_out()
    {
        var p7b = new X509Certificate2Collection { RootCa }.Export(X509ContentType.Pkcs7)!;
        var pem = PemEncoding.Write("PKCS7", p7b);

        var report = Check(Encoding.ASCII.GetBytes(pem), "root.p7b");

        Assert.Equal(CertificateFormat.Pkcs7Pem, report.Format);
        Assert.Equal(RootCa.RawData, Assert.Single(report.Certificates).Der.ToArray());
    }

    [Fact]
    public void Pkcs7_without_certificates_is_blocked()
    {
        var empty = new X509Certificate2Collection().Export(X509ContentType.Pkcs7)!;

        var report = Check(empty, "empty.p7b");

        Assert.Equal(CertificateFormat.Pkcs7Der, report.Format);
        Assert.True(report.Has(FindingCodes.FileNoCertificates));
        Assert.Equal(Verdict.Block, report.Verdict);
    }

    [Fact]
    public void Pkcs12_is_blocked_and_never_storable()
    {
        var pfx = RootCa.Export(X509ContentType.Pkcs12, "secret");

        var report = Check(pfx, "server.pfx");

        Assert.Equal(CertificateFormat.Pkcs12, report.Format);
        Assert.Equal(Verdict.Block, report.Verdict);
        Assert.Equal(Severity.Block, report.Single(FindingCodes.FilePkcs12).Severity);
        Assert.Empty(report.Storable);
        Assert.Empty(report.Certificates);
    }

    public static TheoryData<string> PrivateKeyPems() => new()
    {
        LeafKey.ExportPkcs8PrivateKeyPem(),
        LeafKey.ExportRSAPrivateKeyPem(),
        LeafKey.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)),
        P256Key.Value.ExportECPrivateKeyPem(),
    };

    [Theory]
    [MemberData(nameof(PrivateKeyPems))]
    public void Private_key_pem_is_blocked_and_says_the_key_is_exposed(string keyPem)
    {
        var report = Check(Encoding.ASCII.GetBytes(keyPem), "server.key");

        Assert.Equal(CertificateFormat.PrivateKey, report.Format);
        Assert.Equal(Verdict.Block, report.Verdict);
        var finding = report.Single(FindingCodes.FilePrivateKey);
        Assert.Contains("exposed", finding.Message, StringComparison.Ordinal);
        Assert.Contains("rotate", finding.Advice, StringComparison.Ordinal);
        Assert.Equal("Blocked: contains a private key", report.Headline);
    }

    [Fact]
    public void Certificate_with_its_private_key_in_one_pem_is_blocked_and_nothing_is_storable()
    {
        var content = RootCa.ExportCertificatePem() + "\n" + RootKey.ExportPkcs8PrivateKeyPem();

        var report = Check(Encoding.ASCII.GetBytes(content), "server.pem");

        Assert.Equal(Verdict.Block, report.Verdict);
        Assert.True(report.Has(FindingCodes.FilePrivateKey));
        Assert.Single(report.Certificates); // still shown, so the user sees what was found
        Assert.Empty(report.Storable);
    }

    [Fact]
    public void Der_private_key_is_blocked()
    {
        var report = Check(LeafKey.ExportPkcs8PrivateKey(), "server.der");

        Assert.Equal(CertificateFormat.PrivateKey, report.Format);
        Assert.True(report.Has(FindingCodes.FilePrivateKey));
    }

    [Fact]
    public void Certificate_request_is_named_and_blocked()
    {
        var request = new CertificateRequest("CN=api.example.com", LeafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var pem = Check(Encoding.ASCII.GetBytes(request.CreateSigningRequestPem()), "api.csr");
        var der = Check(request.CreateSigningRequest(), "api.csr");

        Assert.Equal(CertificateFormat.CertificateRequest, pem.Format);
        Assert.Equal(CertificateFormat.CertificateRequest, der.Format);
        Assert.Contains("signing request", pem.Single(FindingCodes.FileCertificateRequest).Message, StringComparison.Ordinal);
        Assert.True(der.Has(FindingCodes.FileCertificateRequest));
        Assert.Equal(Verdict.Block, der.Verdict);
    }

    [Fact]
    public void Crl_is_named_and_blocked()
    {
        var crl = new CertificateRevocationListBuilder().Build(RootCa, 1, Now.AddDays(7), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, Now);

        var der = Check(crl, "root.crl");
        var pem = Check(Encoding.ASCII.GetBytes(PemEncoding.Write("X509 CRL", crl)), "root.crl");

        Assert.Equal(CertificateFormat.CertificateRevocationList, der.Format);
        Assert.Equal(CertificateFormat.CertificateRevocationList, pem.Format);
        Assert.True(der.Has(FindingCodes.FileCrl));
        Assert.True(pem.Has(FindingCodes.FileCrl));
    }

    [Fact]
    public void Public_key_alone_is_named_and_blocked()
    {
        var der = Check(LeafKey.ExportSubjectPublicKeyInfo(), "key.der");
        var pem = Check(Encoding.ASCII.GetBytes(LeafKey.ExportSubjectPublicKeyInfoPem()), "key.pem");

        Assert.Equal(CertificateFormat.PublicKey, der.Format);
        Assert.Equal(CertificateFormat.PublicKey, pem.Format);
        Assert.Equal(Verdict.Block, pem.Verdict);
        Assert.True(der.Has(FindingCodes.FilePublicKey));
    }

    public static TheoryData<byte[], string> Junk() => new()
    {
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], FindingCodes.FileImage },
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46], FindingCodes.FileImage },
        { "GIF89a\x01\x00"u8.ToArray(), FindingCodes.FileImage },
        { "PK\x03\x04\x14\x00\x00\x00"u8.ToArray(), FindingCodes.FileArchive },
        { "<!DOCTYPE html><html><body>Sign in</body></html>"u8.ToArray(), FindingCodes.FileDocument },
        { "%PDF-1.7\n"u8.ToArray(), FindingCodes.FileDocument },
        { "Please find attached the certificate for our server.\n"u8.ToArray(), FindingCodes.FileText },
        { [0x01, 0x02, 0x03, 0x00, 0xFE], FindingCodes.FileUnknown },
        { "0123 is our customer number, the certificate follows by post.\n"u8.ToArray(), FindingCodes.FileText },
    };

    [Theory]
    [MemberData(nameof(Junk))]
    public void Junk_is_named_for_what_it_is(byte[] content, string code)
    {
        var report = Check(content, "upload.cer");

        Assert.Equal(Verdict.Block, report.Verdict);
        Assert.Equal(CertificateFormat.Unknown, report.Format);
        var finding = report.Single(code);
        Assert.NotEmpty(finding.Advice);
        Assert.Empty(report.Storable);
    }

    [Fact]
    public void Gzip_archive_is_named_as_an_archive()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(RootCa.RawData);

        var report = Check(buffer.ToArray(), "root.cer.gz");

        Assert.True(report.Has(FindingCodes.FileArchive));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x20, 0x0D, 0x0A })]
    public void Empty_file_is_blocked(byte[] content)
    {
        var report = Check(content);

        Assert.Equal(CertificateFormat.Empty, report.Format);
        Assert.True(report.Has(FindingCodes.FileEmpty));
    }

    [Fact]
    public void Truncated_der_is_named_as_cut_off()
    {
        var report = Check(RootCa.RawData[..(RootCa.RawData.Length / 2)]);

        Assert.True(report.Has(FindingCodes.FileTruncated));
        Assert.Equal(Verdict.Block, report.Verdict);
    }

    [Fact]
    public void Trailing_bytes_after_der_are_blocked()
    {
        var report = Check([.. RootCa.RawData, 0x00, 0x41, 0x42]);

        Assert.True(report.Has(FindingCodes.FileTrailingData));
        Assert.Empty(report.Certificates);
    }

    [Fact]
    public void Damaged_pem_block_is_reported()
    {
        var pem = RootCa.ExportCertificatePem();
        var damaged = pem[..(pem.Length / 2)] + "\n" + Leaf(RootCa).ExportCertificatePem();

        var report = Check(Encoding.ASCII.GetBytes(damaged), "chain.pem");

        Assert.True(report.Has(FindingCodes.FileDamagedBlock));
        Assert.Equal(Verdict.Block, report.Verdict);
    }

    [Fact]
    public void Certificate_block_holding_something_else_is_unreadable()
    {
        var pem = PemEncoding.Write("CERTIFICATE", RootCa.RawData.AsSpan(0, 200));

        var report = Check(Encoding.ASCII.GetBytes(pem), "root.pem");

        Assert.True(report.Has(FindingCodes.CertUnreadable));
        Assert.Equal(Verdict.Block, report.Verdict);
    }

    [Fact]
    public void File_over_the_size_limit_is_refused_before_parsing()
    {
        var report = Check(RootCa.RawData, limits: new CheckLimits { MaxBytes = 100 });

        Assert.Equal(CertificateFormat.TooLarge, report.Format);
        Assert.True(report.Has(FindingCodes.FileTooLarge));
        Assert.Empty(report.Certificates);
    }

    [Fact]
    public void Default_size_limit_is_one_mebibyte()
    {
        var content = new byte[(1024 * 1024) + 1];

        var report = Check(content);

        Assert.True(report.Has(FindingCodes.FileTooLarge));
    }

    [Fact]
    public void Too_many_pem_certificates_are_refused_before_parsing()
    {
        var content = Pem(Enumerable.Repeat(RootCa, 4).ToArray());

        var report = Check(content, limits: new CheckLimits { MaxCertificates = 3 });

        Assert.True(report.Has(FindingCodes.FileTooManyCertificates));
        Assert.Empty(report.Certificates);
    }

    [Fact]
    public void Too_many_pkcs7_certificates_are_refused_before_decoding()
    {
        var p7b = new X509Certificate2Collection { RootCa, Intermediate(RootCa), Leaf(RootCa) }.Export(X509ContentType.Pkcs7)!;

        var report = Check(p7b, limits: new CheckLimits { MaxCertificates = 2 });

        Assert.True(report.Has(FindingCodes.FileTooManyCertificates));
    }

    [Fact]
    public void Same_certificate_repeated_is_listed_every_time_and_checked_once()
    {
        var report = Check(Pem(Enumerable.Repeat(RootCa, 20).ToArray()));

        Assert.Equal(20, report.Certificates.Count);
        Assert.Equal(Enumerable.Range(0, 20), report.Certificates.Select(c => c.Index));
        Assert.Single(report.Findings, f => f.Code == FindingCodes.CertRole);
        Assert.Contains("19", report.Single(FindingCodes.FileDuplicates).Message, StringComparison.Ordinal);
        Assert.False(report.Has(FindingCodes.ChainSeveralRoots));
    }

    [Fact]
    public void Pkcs7_labelled_as_certificate_is_still_read()
    {
        var p7b = new X509Certificate2Collection { RootCa }.Export(X509ContentType.Pkcs7)!;

        var report = Check(Encoding.ASCII.GetBytes(PemEncoding.Write("CERTIFICATE", p7b)), "root.cer");

        Assert.Equal(CertificateFormat.Pkcs7Pem, report.Format);
        Assert.Equal(Verdict.Accept, report.Verdict);
    }

    [Fact]
    public void Openssl_trusted_certificate_block_is_read_without_its_trust_settings()
    {
        byte[] trustSettings = [0x30, 0x0C, 0x30, 0x0A, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
        var pem = PemEncoding.Write("TRUSTED CERTIFICATE", [.. RootCa.RawData, .. trustSettings]);

        var report = Check(Encoding.ASCII.GetBytes(pem), "root.pem");

        Assert.Equal(Verdict.Accept, report.Verdict);
        Assert.Equal(RootCa.RawData, report.Certificates[0].Der.ToArray());
    }

    [Fact]
    public void Csr_next_to_a_certificate_is_ignored_with_a_note()
    {
        var csr = new CertificateRequest("CN=api.example.com", LeafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        var report = Check(Encoding.ASCII.GetBytes(RootCa.ExportCertificatePem() + "\n" + csr), "root.pem");

        Assert.Equal(Verdict.Accept, report.Verdict);
        Assert.Contains("signing request", report.Single(FindingCodes.FileIgnoredBlock).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bare_base64_without_pem_lines_is_read()
    {
        var report = Check(Encoding.ASCII.GetBytes(Convert.ToBase64String(RootCa.RawData, Base64FormattingOptions.InsertLineBreaks)));

        Assert.Equal(Verdict.Accept, report.Verdict);
        Assert.Equal(RootCa.RawData, report.Certificates[0].Der.ToArray());
    }

    [Fact]
    public void No_input_makes_the_check_throw()
    {
        var random = new Random(20251129);
        var seeds = new List<byte[]> { RootCa.RawData, Pem(RootCa), RootCa.Export(X509ContentType.Pkcs12, "x") };
        for (var i = 0; i < 300; i++)
        {
            var seed = seeds[i % seeds.Count];
            var mutated = seed[..random.Next(seed.Length)];
            if (mutated.Length > 0) mutated[random.Next(mutated.Length)] ^= (byte)random.Next(1, 256);

            var report = Check(mutated);

            Assert.NotNull(report.Headline);
            Assert.True(report.Verdict != Verdict.Accept || report.Certificates.Count > 0);
        }
    }
}
