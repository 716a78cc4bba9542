using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using static CertTrustBot.Certificates.Tests.TestPki;

namespace CertTrustBot.Certificates.Tests;

/// <summary>
/// Private keys that are not written as a tidy "-----BEGIN PRIVATE KEY-----" block are still keys: every spelling is
/// blocked with file.private-key, alone and after a certificate, and nothing of the file is storable. The keys are
/// real ones made by .NET; only the PGP block is a stand-in, since .NET does not write OpenPGP.
/// </summary>
public class PrivateKeyTests
{
    private static readonly X509Certificate2 RootCa = Root();

    private static readonly Lazy<ECDsa> EcKey = P256Key;

    private static readonly PbeParameters Pbe = new(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000);

    /// <summary>Each way a key was seen slipping past the check, as the text of a file.</summary>
    private static readonly Dictionary<string, Func<string>> Spellings = new()
    {
        ["pem with four-dash markers"] = () => LeafKey.ExportPkcs8PrivateKeyPem().Replace("-----", "----", StringComparison.Ordinal),
        ["pem with lower-case markers"] = () => LeafKey.ExportPkcs8PrivateKeyPem().Replace("PRIVATE KEY", "private key", StringComparison.Ordinal)
            .Replace("BEGIN", "begin", StringComparison.Ordinal).Replace("END", "end", StringComparison.Ordinal),
        ["pem with lower-case rsa markers"] = () => LeafKey.ExportRSAPrivateKeyPem().ToLowerInvariant(),
        ["bare base64 pkcs8, wrapped"] = () => Wrapped(LeafKey.ExportPkcs8PrivateKey()),
        ["bare base64 pkcs8, one line"] = () => Convert.ToBase64String(LeafKey.ExportPkcs8PrivateKey()),
        ["bare base64 pkcs8 ec, wrapped"] = () => Wrapped(EcKey.Value.ExportPkcs8PrivateKey()),
        ["bare base64 encrypted pkcs8, wrapped"] = () => Wrapped(LeafKey.ExportEncryptedPkcs8PrivateKey("pw", Pbe)),
        ["bare base64 pkcs1 rsa, wrapped"] = () => Wrapped(LeafKey.ExportRSAPrivateKey()),
        ["bare base64 sec1 ec, wrapped"] = () => Wrapped(EcKey.Value.ExportECPrivateKey()),
        ["bare base64 sec1 ec, after a label"] = () => "key: " + Convert.ToBase64String(EcKey.Value.ExportECPrivateKey()),
        ["pgp private key block"] = () => PgpBlock,
        ["rsa jwk with d"] = RsaJwk,
        ["ec jwk with d"] = EcJwk,
        ["jwk set holding a private key"] = () => $$"""{"keys":[{{EcJwk()}}]}""",
    };

    public static TheoryData<string> SpellingNames() => new(Spellings.Keys);

    [Theory]
    [MemberData(nameof(SpellingNames))]
    public void A_key_alone_is_blocked_as_an_exposed_private_key(string spelling)
    {
        var report = Check(Encoding.ASCII.GetBytes(Spellings[spelling]()), "server.key");

        AssertExposedKey(report);
        Assert.Equal(CertificateFormat.PrivateKey, report.Format);
        Assert.Equal("Blocked: contains a private key", report.Headline);
    }

    [Theory]
    [MemberData(nameof(SpellingNames))]
    public void A_key_after_a_certificate_blocks_the_file_and_nothing_is_storable(string spelling)
    {
        var content = RootCa.ExportCertificatePem() + "\n" + Spellings[spelling]() + "\n";

        var report = Check(Encoding.ASCII.GetBytes(content), "server.pem");

        AssertExposedKey(report);
        Assert.Equal(CertificateFormat.PrivateKey, report.Format);
        Assert.Single(report.Certificates); // still shown, so the user sees what was found
    }

    [Theory]
    [MemberData(nameof(SpellingNames))]
    public void A_key_before_a_certificate_blocks_the_file(string spelling)
    {
        var content = Spellings[spelling]() + "\n" + RootCa.ExportCertificatePem();

        AssertExposedKey(Check(Encoding.ASCII.GetBytes(content), "server.pem"));
    }

    public static TheoryData<string> DerKeyNames() => new(DerKeys.Keys);

    private static readonly Dictionary<string, Func<byte[]>> DerKeys = new()
    {
        ["pkcs8 rsa"] = () => LeafKey.ExportPkcs8PrivateKey(),
        ["pkcs8 ec"] = () => EcKey.Value.ExportPkcs8PrivateKey(),
        ["encrypted pkcs8"] = () => LeafKey.ExportEncryptedPkcs8PrivateKey("pw", Pbe),
        ["pkcs1 rsa"] = () => LeafKey.ExportRSAPrivateKey(),
        ["sec1 ec"] = () => EcKey.Value.ExportECPrivateKey(),
    };

    [Theory]
    [MemberData(nameof(DerKeyNames))]
    public void A_binary_der_key_is_blocked_as_a_private_key(string kind)
    {
        var report = Check(DerKeys[kind](), "server.key");

        AssertExposedKey(report);
        Assert.Equal(CertificateFormat.PrivateKey, report.Format);
    }

    [Theory]
    [MemberData(nameof(DerKeyNames))]
    public void A_binary_der_key_after_a_der_certificate_is_a_private_key_not_just_trailing_bytes(string kind)
    {
        var report = Check([.. RootCa.RawData, .. DerKeys[kind]()], "server.der");

        AssertExposedKey(report);
        Assert.Equal(CertificateFormat.PrivateKey, report.Format);
        Assert.False(report.Has(FindingCodes.FileTrailingData));
    }

    [Fact]
    public void A_binary_der_key_followed_by_a_line_end_is_still_a_private_key()
    {
        var report = Check([.. LeafKey.ExportPkcs8PrivateKey(), (byte)'\n'], "server.key");

        AssertExposedKey(report);
    }

    public static TheoryData<string> ProseAboutKeys() => new()
    {
        "We don't have the private key; the vendor keeps the private key on the appliance.\n",
        "Note -- the private key stays on the server -- please only install the certificate.\n",
        "Step 1: begin private key rotation next week.\nStep 2: send the new certificate.\n",
        "PRIVATE KEY handling: see our policy. The private-key file is not attached.\n",
    };

    [Theory]
    [MemberData(nameof(ProseAboutKeys))]
    public void Prose_that_mentions_a_private_key_is_text_not_a_key(string text)
    {
        var report = Check(Encoding.UTF8.GetBytes(text), "note.txt");

        Assert.False(report.Has(FindingCodes.FilePrivateKey));
        Assert.True(report.Has(FindingCodes.FileText));
    }

    [Fact]
    public void Prose_about_the_key_next_to_a_certificate_does_not_block_the_certificate()
    {
        var content = "As asked, here is the root. We don't have the private key.\n" + RootCa.ExportCertificatePem();

        var report = Check(Encoding.UTF8.GetBytes(content), "root.pem");

        Assert.Equal(Verdict.Accept, report.Verdict);
        Assert.Single(report.Storable);
    }

    [Fact]
    public void Certificates_in_every_encoding_are_not_keys()
    {
        var issuing = Intermediate(RootCa);
        var pem = Check(Pem(RootCa, issuing, Leaf(issuing)), "chain.pem");
        var der = Check(RootCa.RawData, "root.cer");
        var bare = Check(Encoding.ASCII.GetBytes(Wrapped(RootCa.RawData)), "root.txt");
        var oneLine = Check(Encoding.ASCII.GetBytes(Convert.ToBase64String(RootCa.RawData)), "root.txt");

        Assert.All([pem, der, bare, oneLine], report =>
        {
            Assert.False(report.Has(FindingCodes.FilePrivateKey));
            Assert.NotEmpty(report.Storable);
        });
    }

    [Fact]
    public void A_certificate_request_is_not_a_key_in_any_encoding()
    {
        var request = new CertificateRequest("CN=api.example.com", LeafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var ecRequest = new CertificateRequest("CN=api.example.com", EcKey.Value, HashAlgorithmName.SHA256);

        var reports = new[]
        {
            Check(Encoding.ASCII.GetBytes(request.CreateSigningRequestPem()), "api.csr"),
            Check(request.CreateSigningRequest(), "api.csr"),
            Check(Encoding.ASCII.GetBytes(Wrapped(request.CreateSigningRequest())), "api.csr"),
            Check(Encoding.ASCII.GetBytes(Wrapped(ecRequest.CreateSigningRequest())), "api.csr"),
        };

        Assert.All(reports, report =>
        {
            Assert.False(report.Has(FindingCodes.FilePrivateKey));
            Assert.True(report.Has(FindingCodes.FileCertificateRequest));
        });
    }

    [Fact]
    public void Public_keys_are_not_private_keys()
    {
        var reports = new[]
        {
            Check(Encoding.ASCII.GetBytes(LeafKey.ExportSubjectPublicKeyInfoPem()), "key.pem"),
            Check(Encoding.ASCII.GetBytes(Wrapped(LeafKey.ExportSubjectPublicKeyInfo())), "key.txt"),
            Check(Encoding.ASCII.GetBytes(Wrapped(EcKey.Value.ExportSubjectPublicKeyInfo())), "key.txt"),
            Check(LeafKey.ExportRSAPublicKey(), "key.der"),
            Check(Encoding.ASCII.GetBytes(Wrapped(LeafKey.ExportRSAPublicKey())), "key.txt"),
        };

        Assert.All(reports, report =>
        {
            Assert.False(report.Has(FindingCodes.FilePrivateKey));
            Assert.True(report.Has(FindingCodes.FilePublicKey));
        });
    }

    public static TheoryData<string> PublicJwks() => new()
    {
        PublicRsaJwk(),
        PublicEcJwk(),
        $$"""{"keys":[{{PublicRsaJwk()}},{{PublicEcJwk()}}]}""",
        // "d" without "kty" is not a JSON Web Key, and an empty "d" holds no key.
        """{"d":"2025-06-01","n":"order 42","e":"done"}""",
        PublicEcJwk().Replace("}", ",\"d\":\"\"}", StringComparison.Ordinal),
    };

    [Theory]
    [MemberData(nameof(PublicJwks))]
    public void A_json_web_key_without_a_private_part_is_not_a_private_key(string json)
    {
        var alone = Check(Encoding.UTF8.GetBytes(json), "key.json");
        var afterCertificate = Check(Encoding.UTF8.GetBytes(RootCa.ExportCertificatePem() + "\n" + json), "root.pem");

        Assert.False(alone.Has(FindingCodes.FilePrivateKey));
        Assert.Equal(Verdict.Block, alone.Verdict); // no certificate in it
        Assert.False(afterCertificate.Has(FindingCodes.FilePrivateKey));
        Assert.Single(afterCertificate.Storable);
    }

    [Fact]
    public void A_private_json_web_key_inside_other_json_is_found()
    {
        var json = $$$"""{"note":"rotated { soon","server":{"name":"erp","jwk":{{{RsaJwk()}}}}}""";

        AssertExposedKey(Check(Encoding.UTF8.GetBytes(json), "config.json"));
    }

    [Fact]
    public void A_private_json_web_key_after_text_that_is_not_json_is_found()
    {
        var text = "Config {broken: yes, { \"kty\" oops }\n" + EcJwk();

        AssertExposedKey(Check(Encoding.UTF8.GetBytes(text), "notes.txt"));
    }

    [Fact]
    public void A_pkcs12_file_keeps_its_own_finding()
    {
        var report = Check(RootCa.Export(X509ContentType.Pfx, "pw"), "server.pfx");

        Assert.True(report.Has(FindingCodes.FilePkcs12));
        Assert.False(report.Has(FindingCodes.FilePrivateKey));
    }

    public static TheoryData<string> HostilePatterns() => new()
    {
        "MIIEvAIBADAN ",        // key starts that claim more than follows
        "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQ",
        "{\"kty\":\"RSA\",\"d\":\"", // unterminated JSON strings
        "{ \"",
        "{\"d\":\"kty\",\"kty\":{", // nesting deeper than the reader allows
        "-----begin private ",  // marker starts with nothing after them
        "-- begin x private k",
    };

    [Theory]
    [MemberData(nameof(HostilePatterns))]
    public void A_megabyte_of_near_misses_is_not_taken_for_a_key(string pattern)
    {
        // How long it takes is measured in the benchmarks (HostileInputBenchmarks), as a ratio, not asserted here.
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(pattern, 1_000_000 / pattern.Length)));

        var report = Check(content, "hostile.txt");

        Assert.Equal(Verdict.Block, report.Verdict);
        Assert.False(report.Has(FindingCodes.FilePrivateKey));
    }

    private static void AssertExposedKey(CertificateReport report)
    {
        Assert.Equal(Verdict.Block, report.Verdict);
        var finding = report.Single(FindingCodes.FilePrivateKey);
        Assert.Contains("exposed", finding.Message, StringComparison.Ordinal);
        Assert.Contains("rotate", finding.Advice, StringComparison.Ordinal);
        Assert.Empty(report.Storable);
    }

    /// <summary>Base64 in 64-character lines, as OpenSSL writes a PEM body, without the BEGIN and END lines.</summary>
    private static string Wrapped(byte[] der) =>
        string.Join('\n', Convert.ToBase64String(der).Chunk(64).Select(chunk => new string(chunk)));

    private static string Url(byte[]? value) => Base64Url.EncodeToString(value);

    private static string RsaJwk()
    {
        var p = LeafKey.ExportParameters(includePrivateParameters: true);
        return JsonSerializer.Serialize(new
        {
            kty = "RSA", n = Url(p.Modulus), e = Url(p.Exponent), d = Url(p.D),
            p = Url(p.P), q = Url(p.Q), dp = Url(p.DP), dq = Url(p.DQ), qi = Url(p.InverseQ),
        });
    }

    private static string EcJwk()
    {
        var p = EcKey.Value.ExportParameters(includePrivateParameters: true);
        return JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = Url(p.Q.X), y = Url(p.Q.Y), d = Url(p.D) });
    }

    private static string PublicRsaJwk()
    {
        var p = LeafKey.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new { kty = "RSA", n = Url(p.Modulus), e = Url(p.Exponent) });
    }

    private static string PublicEcJwk()
    {
        var p = EcKey.Value.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = Url(p.Q.X), y = Url(p.Q.Y) });
    }

    /// <summary>An OpenPGP armored secret key as GnuPG writes it (headers, blank line, Base64, CRC-24 line), shortened.</summary>
    private const string PgpBlock = """
        -----BEGIN PGP PRIVATE KEY BLOCK-----
        Comment: exported for the ERP server

        lFgEZk5kRxYJKwYBBAHaRw8BAQdAqZ2vR3g0h1x5pW1m0wJx3c2u6bVbH8b7p0n9
        Qm2cJb8AAQCc1m2cXq3u8iH9mV8mSg0f0e3zY2e4v3y3u8nR6yJkXQ8OtB1FUlAg
        =Xq1B
        -----END PGP PRIVATE KEY BLOCK-----
        """;
}
