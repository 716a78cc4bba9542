using System.Security.Cryptography;

namespace CertTrustBot.Certificates;

/// <summary>How a signature was made, decoded from the certificate's signatureAlgorithm OID.</summary>
internal enum SignatureScheme
{
    Unknown,
    RsaPkcs1,
    RsaPss,
    Ecdsa,
    Dsa,
    Ed25519,
    Ed448,
}

internal sealed record SignatureAlgorithm(string FriendlyName, string HashName, SignatureScheme Scheme, HashAlgorithmName? Hash)
{
    public bool IsBrokenHash => HashName is "MD2" or "MD4" or "MD5";
    public bool IsSha1 => HashName == "SHA-1";
}

/// <summary>Object identifiers the check knows, mapped to the names peers show (openssl, KeyStore Explorer, SSL Labs).</summary>
internal static class Algorithms
{
    public const string Rsa = "1.2.840.113549.1.1.1";
    public const string RsaPss = "1.2.840.113549.1.1.10";
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string DsaKey = "1.2.840.10040.4.1";
    public const string Ed25519 = "1.3.101.112";
    public const string Ed448 = "1.3.101.113";
    public const string Mgf1 = "1.2.840.113549.1.1.8";

    private static readonly Dictionary<string, SignatureAlgorithm> Signatures = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.2"] = new("MD2withRSA", "MD2", SignatureScheme.RsaPkcs1, null),
        ["1.2.840.113549.1.1.3"] = new("MD4withRSA", "MD4", SignatureScheme.RsaPkcs1, null),
        ["1.2.840.113549.1.1.4"] = new("MD5withRSA", "MD5", SignatureScheme.RsaPkcs1, HashAlgorithmName.MD5),
        ["1.2.840.113549.1.1.5"] = new("SHA1withRSA", "SHA-1", SignatureScheme.RsaPkcs1, HashAlgorithmName.SHA1),
        ["1.3.14.3.2.29"] = new("SHA1withRSA", "SHA-1", SignatureScheme.RsaPkcs1, HashAlgorithmName.SHA1),
        ["1.2.840.113549.1.1.14"] = new("SHA224withRSA", "SHA-224", SignatureScheme.RsaPkcs1, null),
        ["1.2.840.113549.1.1.11"] = new("SHA256withRSA", "SHA-256", SignatureScheme.RsaPkcs1, HashAlgorithmName.SHA256),
        ["1.2.840.113549.1.1.12"] = new("SHA384withRSA", "SHA-384", SignatureScheme.RsaPkcs1, HashAlgorithmName.SHA384),
        ["1.2.840.113549.1.1.13"] = new("SHA512withRSA", "SHA-512", SignatureScheme.RsaPkcs1, HashAlgorithmName.SHA512),
        ["1.2.840.10045.4.1"] = new("SHA1withECDSA", "SHA-1", SignatureScheme.Ecdsa, HashAlgorithmName.SHA1),
        ["1.2.840.10045.4.3.1"] = new("SHA224withECDSA", "SHA-224", SignatureScheme.Ecdsa, null),
        ["1.2.840.10045.4.3.2"] = new("SHA256withECDSA", "SHA-256", SignatureScheme.Ecdsa, HashAlgorithmName.SHA256),
        ["1.2.840.10045.4.3.3"] = new("SHA384withECDSA", "SHA-384", SignatureScheme.Ecdsa, HashAlgorithmName.SHA384),
        ["1.2.840.10045.4.3.4"] = new("SHA512withECDSA", "SHA-512", SignatureScheme.Ecdsa, HashAlgorithmName.SHA512),
        ["1.2.840.10040.4.3"] = new("SHA1withDSA", "SHA-1", SignatureScheme.Dsa, HashAlgorithmName.SHA1),
        ["2.16.840.1.101.3.4.3.2"] = new("SHA256withDSA", "SHA-256", SignatureScheme.Dsa, HashAlgorithmName.SHA256),
        [Ed25519] = new("Ed25519", "Ed25519", SignatureScheme.Ed25519, null),
        [Ed448] = new("Ed448", "Ed448", SignatureScheme.Ed448, null),
    };

    private static readonly Dictionary<string, HashAlgorithmName> Hashes = new(StringComparer.Ordinal)
    {
        ["1.3.14.3.2.26"] = HashAlgorithmName.SHA1,
        ["2.16.840.1.101.3.4.2.1"] = HashAlgorithmName.SHA256,
        ["2.16.840.1.101.3.4.2.2"] = HashAlgorithmName.SHA384,
        ["2.16.840.1.101.3.4.2.3"] = HashAlgorithmName.SHA512,
    };

    private static readonly Dictionary<string, (string Name, int Bits)> Curves = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.3.1.7"] = ("P-256", 256),
        ["1.3.132.0.34"] = ("P-384", 384),
        ["1.3.132.0.35"] = ("P-521", 521),
        ["1.3.132.0.10"] = ("secp256k1", 256),
        ["1.2.840.10045.3.1.1"] = ("P-192", 192),
        ["1.3.132.0.33"] = ("P-224", 224),
        ["1.3.36.3.3.2.8.1.1.7"] = ("brainpoolP256r1", 256),
        ["1.3.36.3.3.2.8.1.1.11"] = ("brainpoolP384r1", 384),
        ["1.3.36.3.3.2.8.1.1.13"] = ("brainpoolP512r1", 512),
    };

    public static SignatureAlgorithm? FindSignature(string oid) => Signatures.GetValueOrDefault(oid);

    public static HashAlgorithmName? FindHash(string oid) => Hashes.TryGetValue(oid, out var hash) ? hash : null;

    public static (string Name, int Bits)? FindCurve(string oid) => Curves.TryGetValue(oid, out var curve) ? curve : null;

    public static string HashDisplayName(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA1" => "SHA-1",
        "SHA256" => "SHA-256",
        "SHA384" => "SHA-384",
        "SHA512" => "SHA-512",
        var other => other ?? "?",
    };

    public static int HashLength(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA1" => 20,
        "SHA256" => 32,
        "SHA384" => 48,
        "SHA512" => 64,
        _ => 0,
    };
}
