using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CertTrustBot.Certificates;

/// <summary>
/// Confirms the two signature kinds nearly every certificate carries (RSA PKCS#1 v1.5, and ECDSA on P-256, P-384 and
/// P-521) with OpenSSL's own key and verify functions, on Linux with OpenSSL 3.
/// <para>
/// Why: with OpenSSL 3.0 every public key .NET imports (<c>ImportSubjectPublicKeyInfo</c> and <c>ImportParameters</c>
/// alike) goes through OpenSSL's provider decoders, or for an EC key a full point-order multiplication, and costs
/// about 150 µs, twice the verification itself; for a trust store of thousands of distinct roots that was most of the
/// check. Here the key is built with <c>EC_KEY_oct2key</c> or <c>RSA_set0_key</c> and checked with <c>ECDSA_verify</c>
/// or <c>RSA_verify</c>: the same library and the same arithmetic, about 80 µs a root on one core for key, hash and
/// verification together (<c>DistinctRootsBenchmarks</c> compares the whole check both ways).
/// </para>
/// <para>
/// It only ever says "valid". Whatever it does not confirm (another platform, another scheme or curve, a key or a
/// signature it does not take, or a signature that does not verify) goes on to the platform path in
/// <see cref="SignatureVerifier"/>, which decides as it always has; so a forged or malformed signature gets the same
/// answer as before, and a missing or different libcrypto only makes the check slower.
/// </para>
/// </summary>
internal static class OpenSslDirect
{
    private const string LibCrypto = "libcrypto.so.3";

    // NIDs from OpenSSL's obj_mac.h; stable across releases.
    private const int NidSha1 = 64;
    private const int NidSha256 = 672;
    private const int NidSha384 = 673;
    private const int NidSha512 = 674;
    private const int NidP256 = 415;
    private const int NidP384 = 715;
    private const int NidP521 = 716;

    private static readonly string[] Functions =
    [
        "OpenSSL_version_num", "ERR_clear_error", "EC_GROUP_new_by_curve_name", "EC_KEY_new", "EC_KEY_set_group",
        "EC_KEY_oct2key", "EC_KEY_free", "ECDSA_verify", "RSA_new", "RSA_set0_key", "RSA_free", "RSA_verify", "BN_bin2bn",
        "BN_free",
    ];

    /// <summary>Whether this process can use it: Linux, libcrypto.so.3 with every function above, and not turned off.</summary>
    public static bool Available { get; } = Probe();

    /// <summary>
    /// On when <see cref="Available"/>. Off makes every signature take the platform path, as before; the benchmarks and
    /// the tests compare the two, and <c>CERTTRUST_OPENSSL_DIRECT=0</c> turns it off for a whole process.
    /// </summary>
    public static bool Enabled
    {
        get => enabled;
        set => enabled = value && Available;
    }

    private static volatile bool enabled = Available;

    /// <summary>
    /// One EC_GROUP per curve for the life of the process, copied into each key: making a group computes its
    /// Montgomery constants every time (a tenth of the CPU on 2,880 roots). Copying only reads it, so threads share it.
    /// </summary>
    private static readonly Lazy<nint> P256 = new(() => EC_GROUP_new_by_curve_name(NidP256));
    private static readonly Lazy<nint> P384 = new(() => EC_GROUP_new_by_curve_name(NidP384));
    private static readonly Lazy<nint> P521 = new(() => EC_GROUP_new_by_curve_name(NidP521));

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("CERTTRUST_OPENSSL_DIRECT") == "0") return false;
        if (!NativeLibrary.TryLoad(LibCrypto, out var library)) return false;
        try
        {
            foreach (var name in Functions)
            {
                if (!NativeLibrary.TryGetExport(library, name, out _)) return false; // e.g. built without the deprecated APIs
            }
            return OpenSSL_version_num() >= 0x3000_0000;
        }
        finally
        {
            NativeLibrary.Free(library); // .NET's own crypto keeps it loaded; the imports below load it by name
        }
    }

    /// <summary>True when OpenSSL verified <paramref name="subject"/>'s signature with <paramref name="issuer"/>'s key.</summary>
    public static bool Confirms(ParsedCertificate subject, ParsedCertificate issuer, SignatureScheme scheme, HashAlgorithmName hash)
    {
        if (!enabled || subject.SignatureValue.IsEmpty) return false;
        if (!(scheme == SignatureScheme.Ecdsa && issuer.KeyOid == Algorithms.EcPublicKey)
            && !(scheme == SignatureScheme.RsaPkcs1 && issuer.KeyOid == Algorithms.Rsa))
        {
            return false; // PSS, DSA, EdDSA, or a key of another kind than the signature: the platform decides
        }
        var hashNid = hash.Name switch
        {
            "SHA1" => NidSha1,
            "SHA256" => NidSha256,
            "SHA384" => NidSha384,
            "SHA512" => NidSha512,
            _ => 0,
        };
        if (hashNid == 0) return false;

        Span<byte> digest = stackalloc byte[64];
        digest = digest[..CryptographicOperations.HashData(hash, subject.Tbs.Span, digest)];
        var verified = scheme == SignatureScheme.Ecdsa
            ? VerifyEcdsa(issuer, digest, subject.SignatureValue.Span)
            : VerifyRsa(issuer, hashNid, digest, subject.SignatureValue.Span);
        if (!verified) ERR_clear_error(); // leave the thread's OpenSSL error queue as the platform expects it
        return verified;
    }

    private static bool VerifyEcdsa(ParsedCertificate issuer, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (Curve(issuer) is not { } curve || curve.Value == 0 || issuer.KeyBits.IsEmpty) return false;
        var key = EC_KEY_new();
        if (key == 0) return false;
        try
        {
            var point = issuer.KeyBits.Span;
            // oct2key checks that the point is on the curve; these three curves have cofactor 1, so that is enough.
            return EC_KEY_set_group(key, curve.Value) == 1
                && EC_KEY_oct2key(key, ref MemoryMarshal.GetReference(point), (nuint)point.Length, 0) == 1
                && ECDSA_verify(0, ref MemoryMarshal.GetReference(digest), digest.Length, ref MemoryMarshal.GetReference(signature), signature.Length, key) == 1;
        }
        finally
        {
            EC_KEY_free(key);
        }
    }

    private static Lazy<nint>? Curve(ParsedCertificate issuer)
    {
        if (issuer.KeyParameters is not { } parameters) return null;
        try
        {
            var reader = new AsnReader(parameters, AsnEncodingRules.BER);
            if (!reader.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier)) return null; // explicit parameters
            return reader.ReadObjectIdentifier() switch
            {
                "1.2.840.10045.3.1.7" => P256,
                "1.3.132.0.34" => P384,
                "1.3.132.0.35" => P521,
                _ => null,
            };
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static bool VerifyRsa(ParsedCertificate issuer, int hashNid, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        ReadOnlyMemory<byte> modulus, exponent;
        try
        {
            var key = new AsnReader(issuer.KeyBits, AsnEncodingRules.BER).ReadSequence();
            modulus = key.ReadIntegerBytes();
            exponent = key.ReadIntegerBytes();
        }
        catch (AsnContentException)
        {
            return false;
        }
        if (modulus.IsEmpty || exponent.IsEmpty) return false;

        var rsa = RSA_new();
        if (rsa == 0) return false;
        try
        {
            var n = BN_bin2bn(ref MemoryMarshal.GetReference(modulus.Span), modulus.Length, 0);
            var e = BN_bin2bn(ref MemoryMarshal.GetReference(exponent.Span), exponent.Length, 0);
            if (n == 0 || e == 0 || RSA_set0_key(rsa, n, e, 0) != 1)
            {
                BN_free(n); // not taken by the key
                BN_free(e);
                return false;
            }
            return RSA_verify(hashNid, ref MemoryMarshal.GetReference(digest), (uint)digest.Length, ref MemoryMarshal.GetReference(signature), (uint)signature.Length, rsa) == 1;
        }
        finally
        {
            RSA_free(rsa);
        }
    }

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern nuint OpenSSL_version_num();

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern void ERR_clear_error();

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern nint EC_GROUP_new_by_curve_name(int nid);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern nint EC_KEY_new();

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern int EC_KEY_set_group(nint key, nint group);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern int EC_KEY_oct2key(nint key, ref byte buffer, nuint length, nint context);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern void EC_KEY_free(nint key);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern int ECDSA_verify(int type, ref byte digest, int digestLength, ref byte signature, int signatureLength, nint key);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern nint RSA_new();

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern int RSA_set0_key(nint rsa, nint n, nint e, nint d);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern void RSA_free(nint rsa);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern int RSA_verify(int type, ref byte digest, uint digestLength, ref byte signature, uint signatureLength, nint rsa);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern nint BN_bin2bn(ref byte bytes, int length, nint result);

    [DllImport(LibCrypto, ExactSpelling = true)]
    private static extern void BN_free(nint number);
}
