using System.Security.Cryptography;

namespace CertTrustBot.Certificates;

/// <summary>
/// Checks that a certificate's signature was made with an issuer's key, over the exact TBS bytes. Written here
/// because X509Chain on Linux does not say reliably whether a self-signature is broken.
/// </summary>
internal static class SignatureVerifier
{
    /// <summary>True when it verifies, false when it does not, null when this platform cannot tell (unknown algorithm).</summary>
    public static bool? Verify(ParsedCertificate subject, ParsedCertificate issuer)
    {
        var (algorithm, pssSalt) = subject.DescribeSignature();
        if (algorithm.Hash is not { } hash) return null;
        if (OpenSslDirect.Confirms(subject, issuer, algorithm.Scheme, hash)) return true; // the fast path; it never says "invalid"
        var tbs = subject.Tbs.Span;
        var signature = subject.SignatureValue.Span;
        try
        {
            switch (algorithm.Scheme)
            {
                case SignatureScheme.RsaPkcs1:
                case SignatureScheme.RsaPss:
                    if (issuer.KeyOid is not (Algorithms.Rsa or Algorithms.RsaPss)) return false;
                    if (algorithm.Scheme == SignatureScheme.RsaPss && pssSalt != Algorithms.HashLength(hash))
                    {
                        return null; // .NET verifies PSS only with salt length = hash length
                    }
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportSubjectPublicKeyInfo(issuer.SubjectPublicKeyInfo.Span, out _);
                        var padding = algorithm.Scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                        return rsa.VerifyData(tbs, signature, hash, padding);
                    }
                case SignatureScheme.Ecdsa:
                    if (issuer.KeyOid != Algorithms.EcPublicKey) return false;
                    using (var ecdsa = ECDsa.Create())
                    {
                        ecdsa.ImportSubjectPublicKeyInfo(issuer.SubjectPublicKeyInfo.Span, out _);
                        return ecdsa.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
                    }
                case SignatureScheme.Dsa:
                    if (issuer.KeyOid != Algorithms.DsaKey) return false;
                    using (var dsa = DSA.Create())
                    {
                        dsa.ImportSubjectPublicKeyInfo(issuer.SubjectPublicKeyInfo.Span, out _);
                        return dsa.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
                    }
                default:
                    return null;
            }
        }
        catch (CryptographicException)
        {
            return null; // a key or hash this platform cannot use: unknown, not "forged"
        }
    }
}
