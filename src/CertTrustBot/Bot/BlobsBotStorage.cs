using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Storage;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Bot;

/// <summary>
/// Bot Framework <see cref="IStorage"/> over Azure Blob Storage: one JSON blob per key in the state container.
/// </summary>
/// <remarks>
/// <para>JSON is written without type names (<see cref="TypeNameHandling.None"/>): whoever can write a blob must not be
/// able to choose which .NET type gets instantiated. Reads therefore return <see cref="JObject"/>/<see cref="JArray"/>
/// or a primitive, which <see cref="BotState"/> and its property accessors convert back to the declared type.</para>
/// <para>Concurrency: an <see cref="IStoreItem"/> (or a <see cref="JObject"/> with an <c>ETag</c>/<c>eTag</c> property)
/// whose ETag is set and not <c>*</c> is written only if the blob still has that ETag, otherwise
/// <see cref="StorageConflictException"/>. ETag <c>*</c>, empty, or a plain object: last write wins. Reads put the
/// blob's current ETag into the item's ETag property, so read-modify-write round-trips.</para>
/// <para>Keys become blob names by escaping every character but ASCII letters, digits, '-' and '_' as <c>~XX</c>
/// (UTF-8 bytes), so a key can never name a path; keys longer than 400 escaped characters are shortened and suffixed
/// with their SHA-256.</para>
/// </remarks>
public sealed class BlobsBotStorage(BlobContainers containers) : IStorage
{
    /// <summary>Longest blob name a key maps to.</summary>
    public const int MaxReadableNameLength = 400;

    private static readonly JsonSerializerSettings SerializerSettings = new()
    {
        TypeNameHandling = TypeNameHandling.None,
        NullValueHandling = NullValueHandling.Include,
        ReferenceLoopHandling = ReferenceLoopHandling.Error,
        MaxDepth = 128,
    };

    private static readonly JsonSerializer Serializer = JsonSerializer.Create(SerializerSettings);

    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        if (keys.Length == 0)
            return result;

        var container = await containers.StateAsync(cancellationToken).ConfigureAwait(false);
        var reads = keys.Distinct(StringComparer.Ordinal).Select(async key => (key, value: await ReadOneAsync(container, key, cancellationToken).ConfigureAwait(false)));
        foreach (var (key, value) in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            if (value is not null)
                result[key] = value;
        }
        return result;
    }

    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
            return;

        var container = await containers.StateAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(changes.Select(change => WriteOneAsync(container, change.Key, change.Value, cancellationToken))).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Length == 0)
            return;

        var container = await containers.StateAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(keys.Distinct(StringComparer.Ordinal).Select(key => StorageFailures.Guard(
            () => container.GetBlobClient(BlobName(key)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken),
            "delete bot state",
            cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The blob name for a state key: escaped, never a path.</summary>
    public static string BlobName(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var name = new StringBuilder(key.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                name.Append(c);
            else
                name.Append('~').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        if (name.Length <= MaxReadableNameLength)
            return name.ToString();

        // Blob names are limited to 1024 characters; long keys (Teams conversation ids can be long) stay unique by hash.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return string.Concat(name.ToString(0, MaxReadableNameLength - 65), "~~", hash[..63]);
    }

    private static async Task<object?> ReadOneAsync(BlobContainerClient container, string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var blob = container.GetBlobClient(BlobName(key));
        BlobDownloadResult download;
        try
        {
            download = await StorageFailures.Guard(
                async () => (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value,
                "read bot state",
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        var token = ParseJson(download.Content.ToString(), key);
        switch (token)
        {
            case JObject item:
                var etagProperty = ETagProperty(item);
                if (etagProperty is not null)
                    etagProperty.Value = download.Details.ETag.ToString();
                return item;
            case JArray array:
                return array;
            case JValue { Type: JTokenType.Null }:
                return null;
            default:
                return token.ToObject<object>(Serializer);
        }
    }

    private static JToken ParseJson(string json, string key)
    {
        try
        {
            using var reader = new JsonTextReader(new StringReader(json)) { MaxDepth = SerializerSettings.MaxDepth, DateParseHandling = DateParseHandling.DateTimeOffset };
            return JToken.ReadFrom(reader);
        }
        catch (JsonReaderException ex)
        {
            throw new InvalidDataException($"The stored bot state for key '{key}' is not valid JSON.", ex);
        }
    }

    private static async Task WriteOneAsync(BlobContainerClient container, string key, object? value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var (etag, storeItem) = value switch
        {
            IStoreItem item => (item.ETag, item),
            JObject jobject => (ETagProperty(jobject)?.Value?.ToString(), null),
            _ => (null, null),
        };

        var json = JsonConvert.SerializeObject(value, SerializerSettings);
        var conditions = string.IsNullOrEmpty(etag) || etag == "*" ? null : new BlobRequestConditions { IfMatch = new ETag(etag) };
        var blob = container.GetBlobClient(BlobName(key));
        try
        {
            var uploaded = await StorageFailures.Guard(
                () => blob.UploadAsync(
                    BinaryData.FromString(json),
                    new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" } },
                    cancellationToken),
                "write bot state",
                cancellationToken).ConfigureAwait(false);

            // Later writes of the same object then carry the ETag they just produced.
            if (storeItem is not null && conditions is not null)
                storeItem.ETag = uploaded.Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 || (ex.Status == 404 && conditions is not null))
        {
            throw new StorageConflictException(
                $"The bot state for key '{key}' changed since it was read (ETag {etag} no longer matches); read it again and retry.", ex);
        }
    }

    private static JProperty? ETagProperty(JObject item) =>
        item.Property("ETag", StringComparison.Ordinal) ?? item.Property("eTag", StringComparison.Ordinal);
}

public static class BotStorageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="BlobsBotStorage"/> as the bot's <see cref="IStorage"/> (needs <c>AddBlobStorage</c>).</summary>
    public static IServiceCollection AddBlobsBotStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IStorage, BlobsBotStorage>();
        return services;
    }
}
