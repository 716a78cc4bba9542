using System.Buffers;
using System.Buffers.Text;
using System.Formats.Asn1;
using System.Text;
using System.Text.Json;

namespace CertTrustBot.Certificates;

/// <summary>
/// Finds private keys wherever they hide in a file, so a file that holds one is blocked before anything of it is kept:
/// PEM-like markers in any case and with any number of dashes, PGP and PuTTY keys, JSON Web Keys with a private part,
/// and Base64 of a key's DER without any marker. Every scan is one pass over the bytes with bounded work per position.
/// </summary>
internal static class PrivateKeyDetector
{
    /// <summary>The largest key DER looked at: a 16384-bit RSA key in PKCS#8 is about 9.5 KB.</summary>
    private const int MaxKeyDerBytes = 16 * 1024;

    /// <summary>Base64 decoding at least this long is needed to hold a key (an Ed25519 PKCS#8 key is 48 bytes).</summary>
    private const int MinKeyDerBytes = 32;

    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const string EcPublicKey = "1.2.840.10045.2.1";

    /// <summary>True when the text or binary of <paramref name="span"/> holds a private key in any form this class knows.</summary>
    public static bool ContainsPrivateKey(ReadOnlySpan<byte> span) =>
        span.IndexOf("PRIVATE KEY-----"u8) >= 0 // also a damaged marker, whatever precedes it
        || span.StartsWith("PuTTY-User-Key-File"u8)
        || HasPrivateKeyMarker(span)
        || HasPrivateJsonWebKey(span)
        || HasBase64PrivateKey(span);

    /// <summary>
    /// A private key's DER, judged by parsing its ASN.1 structure: PKCS#8 (PrivateKeyInfo / OneAsymmetricKey),
    /// PKCS#8 EncryptedPrivateKeyInfo, PKCS#1 RSAPrivateKey, SEC1 ECPrivateKey or OpenSSL's DSA private key.
    /// Certificates, CSRs, CRLs, public keys and PKCS#12 files do not have these shapes.
    /// </summary>
    public static bool IsPrivateKeyDer(ReadOnlyMemory<byte> der) => IsPrivateKeyDer(der, pkcs8: true);

    private static bool IsPrivateKeyDer(ReadOnlyMemory<byte> der, bool pkcs8)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.BER);
            var key = outer.ReadSequence();
            if (outer.HasData || !key.HasData) return false;
            var first = key.PeekTag();
            if (first.HasSameClassAndValue(Asn1Tag.Sequence) && pkcs8)
            {
                // EncryptedPrivateKeyInfo: encryptionAlgorithm, encryptedData.
                var algorithm = key.ReadSequence();
                algorithm.ReadObjectIdentifier();
                key.ReadOctetString();
                return !key.HasData;
            }
            if (!first.HasSameClassAndValue(Asn1Tag.Integer) || !key.TryReadInt32(out var version) || !key.HasData) return false;
            var next = key.PeekTag();
            if (pkcs8 && next.HasSameClassAndValue(Asn1Tag.Sequence) && version is 0 or 1)
            {
                // PrivateKeyInfo / OneAsymmetricKey: version, privateKeyAlgorithm, privateKey, [0] attributes, [1] publicKey.
                // For RSA and EC the privateKey wraps the PKCS#1 or SEC1 structure, which must parse too.
                var algorithm = key.ReadSequence().ReadObjectIdentifier();
                var inner = key.ReadOctetString();
                if (!OnlyContextTags(key, 0, 1)) return false;
                return algorithm switch
                {
                    RsaEncryption or EcPublicKey => IsPrivateKeyDer(inner, pkcs8: false),
                    _ => true,
                };
            }
            if (next.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString) && version == 1)
            {
                // ECPrivateKey: version 1, privateKey, [0] parameters, [1] publicKey.
                key.ReadOctetString();
                return OnlyContextTags(key, 0, 1);
            }
            if (next.HasSameClassAndValue(Asn1Tag.Integer) && version is 0 or 1)
            {
                // RSAPrivateKey: version, n, e, d, p, q, dP, dQ, qInv [, otherPrimeInfos]; DSA: version, p, q, g, y, x.
                var integers = 0;
                while (key.HasData && key.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
                {
                    key.ReadIntegerBytes();
                    integers++;
                }
                if (integers == 5) return !key.HasData;
                if (integers != 8) return false;
                if (key.HasData) key.ReadSequence();
                return !key.HasData;
            }
            return false;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>True when a DER value in <paramref name="bytes"/>, one after the other (say a certificate then its key), is a private key.</summary>
    public static bool ContainsPrivateKeyDer(ReadOnlyMemory<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var rest = bytes.Span[offset..];
            var skipped = rest.Length - rest.TrimStart(" \t\r\n\0"u8).Length;
            if (skipped > 0)
            {
                offset += skipped;
                continue;
            }
            try
            {
                if (!AsnDecoder.TryReadEncodedValue(rest, AsnEncodingRules.BER, out _, out _, out _, out var length)) return false;
                if (IsPrivateKeyDer(bytes.Slice(offset, length))) return true;
                offset += length;
            }
            catch (AsnContentException)
            {
                return false;
            }
        }
        return false;
    }

    private static bool OnlyContextTags(AsnReader reader, int first, int second)
    {
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific || (tag.TagValue != first && tag.TagValue != second)) return false;
            reader.ReadEncodedValue();
        }
        return true;
    }

    /// <summary>
    /// A BEGIN or END line whose label ends in PRIVATE KEY (or PRIVATE KEY BLOCK, PGP's), in any case and with two or
    /// more dashes on each side: "----BEGIN PRIVATE KEY----", "-----begin rsa private key-----",
    /// "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----". The words "private key" in a sentence have no such frame.
    /// </summary>
    private static bool HasPrivateKeyMarker(ReadOnlySpan<byte> span)
    {
        var position = 0;
        while (position < span.Length)
        {
            var found = span[position..].IndexOfAny((byte)'p', (byte)'P');
            if (found < 0) return false;
            var at = position + found;
            position = at + 1;
            if (!Ascii.EqualsIgnoreCase(Slice(span, at, 11), "private key"u8)) continue;
            if (DashesAfter(span, at + 11) && BeginOrEndBefore(span, at)) return true;
        }
        return false;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> span, int start, int length) =>
        start + length <= span.Length ? span.Slice(start, length) : [];

    private static bool DashesAfter(ReadOnlySpan<byte> span, int index)
    {
        index = SkipBlanks(span, index);
        if (Ascii.EqualsIgnoreCase(Slice(span, index, 5), "block"u8)) index = SkipBlanks(span, index + 5);
        return Slice(span, index, 2).SequenceEqual("--"u8);
    }

    /// <summary>Up to four label words ("RSA", "PGP", "SSH2 ENCRYPTED"...), then BEGIN or END, then two or more dashes.</summary>
    private static bool BeginOrEndBefore(ReadOnlySpan<byte> span, int index)
    {
        for (var words = 0; words < 5; words++)
        {
            var end = SkipBlanksBack(span, index);
            if (end == index && words > 0) return false; // words are separated by blanks
            var start = end;
            while (start > 0 && end - start < 16 && char.IsAsciiLetterOrDigit((char)span[start - 1])) start--;
            if (start == end || (start > 0 && char.IsAsciiLetterOrDigit((char)span[start - 1]))) return false;
            var word = span[start..end];
            if (Ascii.EqualsIgnoreCase(word, "begin"u8) || Ascii.EqualsIgnoreCase(word, "end"u8))
            {
                var before = SkipBlanksBack(span, start);
                return before >= 2 && span.Slice(before - 2, 2).SequenceEqual("--"u8);
            }
            index = start;
        }
        return false;
    }

    private static int SkipBlanks(ReadOnlySpan<byte> span, int index)
    {
        var limit = Math.Min(span.Length, index + 8);
        while (index < limit && span[index] is (byte)' ' or (byte)'\t') index++;
        return index;
    }

    private static int SkipBlanksBack(ReadOnlySpan<byte> span, int index)
    {
        var limit = Math.Max(0, index - 8);
        while (index > limit && span[index - 1] is (byte)' ' or (byte)'\t') index--;
        return index;
    }

    /// <summary>
    /// A JSON Web Key with its private part: an object with "kty" and a non-empty "d" (RSA, EC and OKP keys alike),
    /// alone, in a key set or after a certificate. A public JWK has no "d". Read with Utf8JsonReader from a '{', and
    /// after a value that is not JSON from the next '{' after what was read. Comments are not allowed, so a failing
    /// read stops at the first token after the '{', or inside one string or number: the work stays linear.
    /// </summary>
    private static bool HasPrivateJsonWebKey(ReadOnlySpan<byte> span)
    {
        if (span.IndexOf("\"kty\""u8) < 0 || span.IndexOf("\"d\""u8) < 0) return false;
        var position = span.IndexOf((byte)'{');
        while (position >= 0)
        {
            var reader = new Utf8JsonReader(span[position..], new JsonReaderOptions { MaxDepth = 64 });
            var (found, consumed) = ScanJson(ref reader);
            if (found) return true;
            position += Math.Max(1, consumed);
            var next = span[position..].IndexOf((byte)'{');
            position = next < 0 ? -1 : position + next;
        }
        return false;
    }

    /// <summary>Reads one JSON value and says whether one of its objects is a private JWK, and how far it got.</summary>
    private static (bool Found, int Consumed) ScanJson(ref Utf8JsonReader reader)
    {
        // One frame per open object: whether it has a "kty" and a non-empty "d" so far.
        var frames = new Stack<(bool Kty, bool D)>();
        var property = JwkMember.None;
        try
        {
            while (reader.Read())
            {
                var member = property;
                property = JwkMember.None;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        frames.Push((false, false));
                        break;
                    case JsonTokenType.EndObject:
                        if (frames.Pop() is { Kty: true, D: true }) return (true, (int)reader.BytesConsumed);
                        break;
                    case JsonTokenType.PropertyName:
                        property = reader.ValueTextEquals("kty"u8) ? JwkMember.Kty : reader.ValueTextEquals("d"u8) ? JwkMember.D : JwkMember.None;
                        break;
                    case JsonTokenType.String when member != JwkMember.None:
                        if (member == JwkMember.D && reader.ValueSpan.IsEmpty) break;
                        var top = frames.Pop();
                        frames.Push((top.Kty || member == JwkMember.Kty, top.D || member == JwkMember.D));
                        break;
                }
                if (reader.CurrentDepth == 0 && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) break;
            }
        }
        catch (JsonException)
        {
            // Not JSON from here: the caller goes on from the next brace after what was read.
        }
        return (false, (int)reader.BytesConsumed);
    }

    private enum JwkMember
    {
        None,
        Kty,
        D,
    }

    /// <summary>
    /// Base64 of a key's DER without any marker: alone, line-wrapped, after a certificate or after a word such as
    /// "key:". Each word of Base64 characters may start one; only words whose first bytes decode to the start of a key
    /// (SEQUENCE, then version 0 or 1 and what follows it, or an encryption algorithm) are decoded further, and the
    /// scan goes on after the value's end, so each byte is decoded at most once more than it is read.
    /// </summary>
    private static bool HasBase64PrivateKey(ReadOnlySpan<byte> span)
    {
        // The Base64 characters of the current run (blanks and line ends dropped), and where its words start in it.
        var run = new ArrayBufferWriter<byte>(256);
        var starts = new List<int>();
        var wordStart = true;
        for (var i = 0; i <= span.Length; i++)
        {
            var b = i < span.Length ? span[i] : (byte)0;
            if (IsBase64(b))
            {
                if (wordStart) starts.Add(run.WrittenCount);
                run.GetSpan(1)[0] = b;
                run.Advance(1);
                wordStart = false;
            }
            else if (i < span.Length && b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                wordStart = true;
            }
            else
            {
                if (RunHoldsKey(run.WrittenSpan, starts)) return true;
                run.ResetWrittenCount();
                starts.Clear();
                wordStart = true;
            }
        }
        return false;
    }

    private static bool IsBase64(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'/' or (byte)'=';

    private static bool RunHoldsKey(ReadOnlySpan<byte> run, List<int> starts)
    {
        Span<byte> header = stackalloc byte[12];
        var next = 0;
        foreach (var start in starts)
        {
            if (start < next || run.Length - start < MinKeyDerBytes * 4 / 3 || run[start] != (byte)'M') continue;
            if (Base64.DecodeFromUtf8(run.Slice(start, 16), header, out _, out var written) != OperationStatus.Done || written != 12) continue;
            if (!LooksLikeKeyStart(header, out var total) || total > MaxKeyDerBytes) continue;
            var chars = (total + 2) / 3 * 4;
            if (chars > run.Length - start) continue; // cut off: a damaged block, not a key we can see
            var der = new byte[chars / 4 * 3];
            var status = Base64.DecodeFromUtf8(run.Slice(start, chars), der, out _, out written);
            if (status == OperationStatus.Done && written >= total && IsPrivateKeyDer(der.AsMemory(0, total))) return true;
            next = start + chars;
        }
        return false;
    }

    /// <summary>The first bytes of a key's DER: SEQUENCE with a definite length, then INTEGER 0 or 1 (PKCS#8, PKCS#1, SEC1, DSA) or a SEQUENCE holding an OID (encrypted PKCS#8).</summary>
    private static bool LooksLikeKeyStart(ReadOnlySpan<byte> header, out int total)
    {
        total = 0;
        if (header[0] != 0x30) return false;
        int length, offset;
        switch (header[1])
        {
            case < 0x80: length = header[1]; offset = 2; break;
            case 0x81: length = header[2]; offset = 3; break;
            case 0x82: length = (header[2] << 8) | header[3]; offset = 4; break;
            default: return false;
        }
        total = offset + length;
        var inner = header[offset..];
        if (inner[0] == 0x02 && inner[1] == 0x01 && inner[2] is 0 or 1) return inner[3] is 0x30 or 0x02 or 0x04;
        if (inner[0] != 0x30) return false;
        return inner[1] < 0x80 ? inner[2] == 0x06 : inner[1] == 0x81 && inner[3] == 0x06;
    }
}
