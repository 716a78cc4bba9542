using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CertTrustBot.Certificates;

namespace CertTrustBot.Cli;

/// <summary>
/// Streams one JSON document, <c>{"files":[...]}</c>, with Utf8JsonWriter: no DOM and no reflection, and the output
/// is handed to stdout in chunks while a large bundle is still being written.
/// </summary>
internal sealed class JsonReportWriter : IReportWriter
{
    private const int FlushThreshold = 32 * 1024;

    private readonly TextWriter _output;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _json;

    // Reused for every chunk: the output is decoded into it rather than into a new 64 KiB string each time.
    private char[] _chars = new char[Encoding.UTF8.GetMaxCharCount(FlushThreshold * 2)];

    public JsonReportWriter(TextWriter output)
    {
        _output = output;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions
        {
            // Subjects in Japanese or with "&" stay readable; this output is never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        _json.WriteStartObject();
        _json.WriteStartArray("files");
    }

    public void Write(string path, CertificateReport report)
    {
        _json.WriteStartObject();
        _json.WriteString("file", path);
        _json.WriteString("format", JsonNames.Of(report.Format));
        _json.WriteString("verdict", JsonNames.Of(report.Verdict));
        _json.WriteString("headline", report.Headline);

        _json.WriteStartArray("certificates");
        foreach (var certificate in report.Certificates)
        {
            WriteCertificate(certificate);
            FlushIfFull();
        }
        _json.WriteEndArray();

        _json.WriteStartArray("chain");
        foreach (var index in report.Chain)
        {
            _json.WriteNumberValue(index);
            FlushIfFull();
        }
        _json.WriteEndArray();

        if (report.TrustedRootIndex is { } root)
            _json.WriteNumber("trustedRoot", root);
        else
            _json.WriteNull("trustedRoot");

        _json.WriteStartArray("findings");
        foreach (var finding in report.Findings)
        {
            _json.WriteStartObject();
            _json.WriteString("code", finding.Code);
            _json.WriteString("severity", JsonNames.Of(finding.Severity));
            _json.WriteString("message", finding.Message);
            _json.WriteString("advice", finding.Advice);
            if (finding.CertificateIndex is { } index)
                _json.WriteNumber("certificate", index);
            else
                _json.WriteNull("certificate");
            _json.WriteEndObject();
            FlushIfFull(); // a bundle has a finding per certificate: streamed like the certificates, not held
        }
        _json.WriteEndArray();

        _json.WriteEndObject();
        FlushIfFull();
    }

    private void WriteCertificate(CertificateDetails certificate)
    {
        _json.WriteStartObject();
        _json.WriteNumber("index", certificate.Index);
        _json.WriteString("role", JsonNames.Of(certificate.Role));
        _json.WriteString("subject", certificate.Subject);
        _json.WriteString("issuer", certificate.Issuer);
        _json.WriteString("serialNumber", certificate.SerialNumber);
        WriteDate("notBefore", certificate.NotBefore);
        WriteDate("notAfter", certificate.NotAfter);
        _json.WriteNumber("daysLeft", certificate.DaysLeft);
        _json.WriteString("sha256", certificate.Sha256);
        _json.WriteString("sha1", certificate.Sha1);
        _json.WriteString("keyAlgorithm", certificate.KeyAlgorithm);
        if (certificate.KeySize is { } size)
            _json.WriteNumber("keySize", size);
        else
            _json.WriteNull("keySize");
        if (certificate.Curve is { } curve)
            _json.WriteString("curve", curve);
        _json.WriteString("signatureAlgorithm", certificate.SignatureAlgorithm);
        _json.WriteStartArray("sans");
        foreach (var name in certificate.SubjectAlternativeNames)
            _json.WriteStringValue(name);
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    /// <summary>ISO 8601 in UTC with a Z, to the second, as certificates carry it: 2034-11-29T08:00:00Z.</summary>
    private void WriteDate(string name, DateTimeOffset value)
    {
        Span<char> text = stackalloc char[20];
        value.UtcDateTime.TryFormat(text, out var written, "yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        _json.WriteString(name, text[..written]);
    }

    private void FlushIfFull()
    {
        _json.Flush();
        if (_buffer.WrittenCount >= FlushThreshold)
            Drain();
    }

    private void Drain()
    {
        _json.Flush();
        if (_buffer.WrittenCount == 0)
            return;
        // The writer flushes whole tokens, so the buffer always ends on a complete UTF-8 sequence.
        var needed = Encoding.UTF8.GetMaxCharCount(_buffer.WrittenCount);
        if (needed > _chars.Length)
            _chars = new char[needed];
        var written = Encoding.UTF8.GetChars(_buffer.WrittenSpan, _chars);
        _output.Write(_chars, 0, written);
        _buffer.ResetWrittenCount();
    }

    public void Complete()
    {
        _json.WriteEndArray();
        _json.WriteEndObject();
        Drain();
        _output.WriteLine();
        _output.Flush();
    }

    public void Dispose() => _json.Dispose();
}
