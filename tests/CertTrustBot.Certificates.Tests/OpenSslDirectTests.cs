using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using static CertTrustBot.Certificates.Tests.TestPki;

namespace CertTrustBot.Certificates.Tests;

/// <summary>
/// The fast signature path (<see cref="OpenSslDirect"/>) against the platform path it stands in front of: it confirms
/// exactly the sound signatures of the kinds it takes, never a broken one, and leaves every other kind to the platform.
/// The only tests that switch it off and on; they restore it.
/// </summary>
public class OpenSslDirectTests
{
    private static string BadSsl(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "badssl", name);

    private static ParsedCertificate Parse(X509Certificate2 certificate) => ParsedCertificate.Parse(certificate.RawData);

    private static (bool Direct, bool? Verified, bool? Platform) Both(ParsedCertificate subject, ParsedCertificate issuer)
    {
        var (algorithm, _) = subject.DescribeSignature();
        var direct = algorithm.Hash is { } hash && OpenSslDirect.Confirms(subject, issuer, algorithm.Scheme, hash);
        var verified = SignatureVerifier.Verify(subject, issuer);
        OpenSslDirect.Enabled = false;
        try
        {
            return (direct, verified, SignatureVerifier.Verify(subject, issuer));
        }
        finally
        {
            OpenSslDirect.Enabled = true;
        }
    }

    [Fact]
    public void It_is_there_on_linux_with_openssl_3()
    {
        // CI runs on Linux with OpenSSL 3: if this fails, the fast path is silently gone and the benchmarks measure the slow one.
        Assert.Equal(OperatingSystem.IsLinux(), OpenSslDirect.Available);
        Assert.True(OpenSslDirect.Enabled || !OpenSslDirect.Available);
    }

    public static TheoryData<string> SoundKinds() =>
    [
        "RSA 2048 SHA-256", "RSA 2048 SHA-384", "RSA 2048 SHA-512", "RSA 2048 SHA-1",
        "P-256 SHA-256", "P-256 SHA-512", "P-521 SHA-512", "P-384 SHA-384",
    ];

    private static byte[] Make(string kind, string subject = "CN=Direct Root")
    {
        if (kind == "RSA 2048 SHA-1") return HandBuilt.Sha1Signed(subject, subject, RootKey, RootKey, HandBuilt.CaExtensions()); // CertificateRequest refuses SHA-1
        var parts = kind.Split(' ');
        AsymmetricAlgorithm key = parts[0] switch
        {
            "RSA" => RootKey,
            "P-256" => P256Key.Value,
            "P-521" => P521Key.Value,
            "P-384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var hash = parts[^1] switch
        {
            "SHA-1" => HashAlgorithmName.SHA1,
            "SHA-256" => HashAlgorithmName.SHA256,
            "SHA-384" => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
        return new CertBuilder(subject, key) { Hash = hash }.SelfSigned().RawData;
    }

    [Theory]
    [MemberData(nameof(SoundKinds))]
    public void A_sound_self_signature_of_a_kind_it_takes_is_confirmed_and_the_platform_agrees(string kind)
    {
        var certificate = ParsedCertificate.Parse(Make(kind));

        var (direct, verified, platform) = Both(certificate, certificate);

        Assert.True(direct);
        Assert.True(verified);
        Assert.True(platform);
    }

    [Theory]
    [MemberData(nameof(SoundKinds))]
    public void A_broken_signature_is_never_confirmed_and_is_reported_broken(string kind)
    {
        var der = Make(kind);
        var inSignature = (byte[])der.Clone();
        inSignature[^5] ^= 0x01;
        var inSignedPart = (byte[])der.Clone();
        inSignedPart[20] ^= 0x01; // inside the serial number: the signed bytes no longer match
        foreach (var broken in new[] { inSignature, inSignedPart })
        {
            var certificate = ParsedCertificate.Parse(broken);

            var (direct, verified, platform) = Both(certificate, certificate);

            Assert.False(direct);
            Assert.Equal(platform, verified);
            Assert.NotEqual(true, verified);
        }
    }

    [Fact]
    public void A_signature_checked_against_another_key_of_the_same_kind_is_not_confirmed()
    {
        var signed = Parse(new CertBuilder("CN=Same Name", RootKey).SelfSigned());
        var otherKey = Parse(new CertBuilder("CN=Same Name", IntermediateKey).SelfSigned());
        var ecSigned = Parse(new CertBuilder("CN=EC", P256Key.Value).SelfSigned());
        using var otherEc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecOther = Parse(new CertBuilder("CN=EC", otherEc).SelfSigned());

        Assert.Equal((false, false, false), Both(signed, otherKey));
        Assert.Equal((false, false, false), Both(ecSigned, ecOther));
        Assert.Equal((false, false, false), Both(signed, ecSigned)); // RSA signature, EC key
    }

    [Fact]
    public void Kinds_it_does_not_take_go_to_the_platform_which_decides()
    {
        var pss = Parse(new CertBuilder("CN=PSS Root", RootKey) { Padding = RSASignaturePadding.Pss }.SelfSigned());
        using var k256 = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
        var secp256k1 = Parse(new CertBuilder("CN=secp256k1 Root", k256).SelfSigned());

        Assert.Equal((false, true, true), Both(pss, pss));
        Assert.Equal((false, true, true), Both(secp256k1, secp256k1));
    }

    [Fact]
    public void On_real_chains_and_the_debian_bundle_both_paths_give_the_same_answer_for_every_issuer_pair()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "badssl")).ToList();
        if (File.Exists("/etc/ssl/certs/ca-certificates.crt")) files.Add("/etc/ssl/certs/ca-certificates.crt");
        var confirmed = 0;
        var pairs = 0;
        foreach (var file in files)
        {
            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPemFile(file);
            }
            catch (CryptographicException)
            {
                continue; // not a PEM file
            }
            var certificates = collection.Select(Parse).ToList();
            foreach (var subject in certificates)
            {
                foreach (var issuer in certificates.Where(c => c.SubjectName.Span.SequenceEqual(subject.IssuerName.Span)))
                {
                    var (direct, verified, platform) = Both(subject, issuer);
                    Assert.Equal(platform, verified);
                    if (direct)
                    {
                        Assert.True(platform, $"{Path.GetFileName(file)}: confirmed by OpenSSL directly, refused by the platform");
                        confirmed++;
                    }
                    pairs++;
                }
            }
        }
        // Nearly every real certificate is RSA PKCS#1 or ECDSA on a NIST curve: the fast path must carry them.
        Assert.True(pairs > 100, $"only {pairs} issuer pairs found");
        Assert.True(confirmed >= pairs * 9 / 10, $"{confirmed} of {pairs} confirmed directly");
    }

    [Fact]
    public void Switched_off_it_confirms_nothing()
    {
        var certificate = ParsedCertificate.Parse(Make("P-256 SHA-256"));
        OpenSslDirect.Enabled = false;
        try
        {
            Assert.False(OpenSslDirect.Confirms(certificate, certificate, SignatureScheme.Ecdsa, HashAlgorithmName.SHA256));
            Assert.True(SignatureVerifier.Verify(certificate, certificate));
        }
        finally
        {
            OpenSslDirect.Enabled = true;
        }
        Assert.True(OpenSslDirect.Confirms(certificate, certificate, SignatureScheme.Ecdsa, HashAlgorithmName.SHA256));
    }
}
