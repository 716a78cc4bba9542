using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CertTrustBot.Storage;

/// <summary>
/// Reading and writing a JSON record blob with its ETag, the way every durable record here is kept. A 404 or 409 here
/// is about the blob; a lost container is storage being unavailable (and makes <see cref="BlobContainers"/> create it
/// again on its next use), never "no such blob" or "someone else wrote it".
/// </summary>
internal static class BlobJson
{
    /// <summary>camelCase names, enums as strings: the options of every record blob.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static readonly BlobHttpHeaders Headers = new() { ContentType = "application/json; charset=utf-8" };

    /// <summary>The blob's value and ETag; (null, null) when there is no such blob.</summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    /// <exception cref="InvalidDataException">The blob is not valid JSON for <typeparamref name="T"/>.</exception>
    public static async Task<(T? Value, ETag? ETag)> ReadAsync<T>(
        BlobClient blob, JsonSerializerOptions options, string what, CancellationToken cancellationToken) where T : class
    {
        BlobDownloadResult download;
        try
        {
            download = (await StorageFailures.Guard(StorageFailures.ContainerOf(blob), () => blob.DownloadContentAsync(cancellationToken), what, cancellationToken).ConfigureAwait(false)).Value;
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

    /// <summary>
    /// Writes the value only if the blob still has <paramref name="ifMatch"/>, or, when it is null, only if there is no
    /// such blob yet. Its new ETag, or null when the condition failed (someone else wrote, created or deleted it).
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage did not answer.</exception>
    public static async Task<ETag?> TryWriteAsync<T>(
        BlobClient blob, T value, JsonSerializerOptions options, ETag? ifMatch, string what, CancellationToken cancellationToken,
        IDictionary<string, string>? metadata = null)
    {
        var upload = new BlobUploadOptions
        {
            Conditions = ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = Headers,
            Metadata = metadata,
        };
        try
        {
            var response = await StorageFailures.Guard(
                StorageFailures.ContainerOf(blob),
                () => blob.UploadAsync(BinaryData.FromObjectAsJson(value, options), upload, cancellationToken), what, cancellationToken).ConfigureAwait(false);
            return response.Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return null;
        }
    }

    /// <summary>Deletes the blob only if it still has <paramref name="ifMatch"/>; false when it changed or is gone.</summary>
    public static async Task<bool> TryDeleteAsync(BlobClient blob, ETag ifMatch, string what, CancellationToken cancellationToken)
    {
        try
        {
            await StorageFailures.Guard(
                StorageFailures.ContainerOf(blob),
                () => blob.DeleteAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = ifMatch }, cancellationToken), what, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false;
        }
    }
}
