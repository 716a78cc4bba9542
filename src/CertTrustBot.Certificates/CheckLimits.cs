namespace CertTrustBot.Certificates;

/// <summary>
/// Caps checked before anything is parsed, so a huge or hostile upload costs almost nothing. The chat bot keeps the
/// defaults; the CLI passes larger ones to inspect whole CA bundles.
/// </summary>
public sealed record CheckLimits
{
    /// <summary>Largest accepted file in bytes; certificates are a few KiB, so 1 MiB is generous.</summary>
    public long MaxBytes { get; init; } = 1024 * 1024;

    /// <summary>Most certificates accepted in one file (counted from PEM markers or the PKCS#7 set before parsing).</summary>
    public int MaxCertificates { get; init; } = 50;

    public static CheckLimits Default { get; } = new();
}
