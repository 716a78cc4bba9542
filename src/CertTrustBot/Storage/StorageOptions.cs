using System.Text.RegularExpressions;

namespace CertTrustBot.Storage;

/// <summary>
/// Where everything durable lives. The connection string comes from <c>ConnectionStrings:Storage</c> (the usual place
/// for Azure connection strings, so App Service "connection strings" settings work); the rest from <c>Storage:*</c>.
/// </summary>
public sealed partial class StorageOptions
{
    public const string SectionName = "Storage";
    public const string ConnectionStringName = "Storage";
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>Azure Storage connection string; defaults to Azurite on 127.0.0.1:10000.</summary>
    public string ConnectionString { get; set; } = DevelopmentStorage;

    /// <summary>Conversation state, <c>conversations/{sha256(key)}.json</c> (see Conversation/ConversationStateStore).</summary>
    public string StateContainer { get; set; } = "state";

    /// <summary>Certificate DER blobs, <c>{caseNumber}/{index}.cer</c>.</summary>
    public string CertificatesContainer { get; set; } = "certificates";

    /// <summary>Case records, request claims, the case-number counter and the indexes.</summary>
    public string CasesContainer { get; set; } = "cases";

    /// <summary>Time one storage call may take before it counts as failed (and is retried).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Retries after the first attempt; few, so that "storage down" is known in seconds.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>How long the health check waits for storage to answer.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a health probe's result is reused: the health endpoints are public, storage is not theirs to load.</summary>
    public TimeSpan HealthCheckCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            yield return $"ConnectionStrings:{ConnectionStringName} is empty; set it to an Azure Storage connection string (or '{DevelopmentStorage}' for Azurite).";
        else if (!IsWellFormed(ConnectionString))
            yield return $"ConnectionStrings:{ConnectionStringName} is not a valid Azure Storage connection string (its value is not shown: it may hold a key).";
        foreach (var (key, value) in new[] { (nameof(StateContainer), StateContainer), (nameof(CertificatesContainer), CertificatesContainer), (nameof(CasesContainer), CasesContainer) })
        {
            if (value is null || !ContainerName().IsMatch(value) || value.Contains("--", StringComparison.Ordinal))
                yield return $"{SectionName}:{key} '{value}' is not a valid blob container name (3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit).";
        }
        if (new[] { StateContainer, CertificatesContainer, CasesContainer }.Distinct(StringComparer.Ordinal).Count() != 3)
            yield return $"{SectionName}:StateContainer, CertificatesContainer and CasesContainer must be three different containers.";
        if (NetworkTimeout <= TimeSpan.Zero)
            yield return $"{SectionName}:{nameof(NetworkTimeout)} must be positive.";
        if (MaxRetries is < 0 or > 10)
            yield return $"{SectionName}:{nameof(MaxRetries)} must be between 0 and 10.";
        if (HealthCheckTimeout <= TimeSpan.Zero)
            yield return $"{SectionName}:{nameof(HealthCheckTimeout)} must be positive.";
        if (HealthCheckCacheDuration < TimeSpan.Zero)
            yield return $"{SectionName}:{nameof(HealthCheckCacheDuration)} must not be negative (zero probes storage on every call).";
    }

    private static bool IsWellFormed(string connectionString)
    {
        try
        {
            _ = new Azure.Storage.Blobs.BlobServiceClient(connectionString); // parses only, no I/O
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}
