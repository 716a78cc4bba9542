using CertTrustBot.Certificates;

namespace CertTrustBot.Cli;

/// <summary>Prints reports one file at a time, so a long run shows each file as soon as it is checked.</summary>
internal interface IReportWriter : IDisposable
{
    void Write(string path, CertificateReport report);

    /// <summary>Ends the output (closes the JSON document) and flushes it.</summary>
    void Complete();
}
