using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Cases;

namespace CertTrustBot.Storage;

/// <summary>Reading a JSON record blob with its ETag, the way every durable record here is read.</summary>
internal static class BlobJson
{
    /// <summary>The blob's value and ETag; (null, null) when there is no such blob.</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    /// <exception cref="InvalidDataException">The blob is not valid JSON for <typeparamref name="T"/>.</exception>
    public static async Task<(T? Value, ETag? ETag)> ReadAsync<T>(
        BlobClient blob, JsonSerializerOptions options, string what, CancellationToken cancellationToken) where T : class
    {
        BlobDownloadResult download;
        try
        {
            download = (await StorageFailures.Guard(() => blob.DownloadContentAsync(cancellationToken), what, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (null, null);
        }

        try
        {
            return (download.Content.ToObjectFromJson<T>(options), download.Details.ETag);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The blob {blob.BlobContainerName}/{blob.Name} is not valid JSON for {typeof(T).Name}.", ex);
        }
    }
}
