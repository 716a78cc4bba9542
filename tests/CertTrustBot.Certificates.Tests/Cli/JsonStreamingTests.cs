using System.Text.Json;
using CertTrustBot.Cli;

namespace CertTrustBot.Certificates.Tests.Cli;

/// <summary>The JSON writer hands its output on in chunks while a large report is written, findings included.</summary>
public class JsonStreamingTests
{
    /// <summary>Records the size of every block of text written to it.</summary>
    private sealed class ChunkRecorder : StringWriter
    {
        public List<int> Chunks { get; } = [];

        public override void Write(char[] buffer, int index, int count)
        {
            Chunks.Add(count);
            base.Write(buffer, index, count);
        }
    }

    [Fact]
    public void A_report_with_thousands_of_findings_is_written_in_chunks_not_held_whole()
    {
        // A trust store of 3,000 roots has a role finding for each: about 600 KiB of findings.
        var findings = Enumerable.Range(0, 3000)
            .Select(i => new Finding(FindingCodes.CertRole, Severity.Info,
                $"'CN=Distinct Root {i}, O=certtrust comparison' is a self-signed root CA: it goes into the Trusted Root Certification Authorities store.", "", i))
            .ToList();
        var report = new CertificateReport
        {
            FileName = "roots.pem",
            Format = CertificateFormat.PemBundle,
            Verdict = Verdict.Accept,
            Headline = "3,000 roots",
            Certificates = [],
            Chain = Enumerable.Range(0, 3000).ToList(),
            Findings = findings,
        };
        using var output = new ChunkRecorder();

        using (var writer = new JsonReportWriter(output))
        {
            writer.Write("roots.pem", report);
            writer.Complete();
        }

        using var json = JsonDocument.Parse(output.ToString());
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal(3000, file.GetProperty("findings").GetArrayLength());
        Assert.Equal(findings[2999].Message, file.GetProperty("findings")[2999].GetProperty("message").GetString());
        Assert.Equal(3000, file.GetProperty("chain").GetArrayLength());
        // Handed on in pieces of about 32 KiB (one finding may end a piece), never the whole section at once.
        Assert.True(output.Chunks.Count > 10, $"{output.Chunks.Count} writes");
        Assert.True(output.Chunks.Max() < 40 * 1024, $"largest write {output.Chunks.Max():N0} characters of {output.ToString().Length:N0}");
    }
}
