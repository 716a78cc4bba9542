using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace CertTrustBot.Storage;

/// <summary>
/// Turns the many shapes of "storage did not answer" (a RequestFailedException with status 0 or 5xx, the retry
/// policy's AggregateException, a network timeout surfacing as a cancellation nobody asked for, a refused connection)
/// into one <see cref="StorageUnavailableException"/>. Answers a caller expects (404, 409, 412) pass through unchanged,
/// except that a lost container (404 ContainerNotFound, or 409 ContainerBeingDeleted) is storage not being usable:
/// given the container, it is also reported to <see cref="BlobContainers.ContainerLost"/> so that the next use
/// creates it again.
/// </summary>
internal static class StorageFailures
{
    public static Task<T> Guard<T>(Func<Task<T>> operation, string what, CancellationToken cancellationToken) =>
        Guard(null, operation, what, cancellationToken);

    public static Task Guard(Func<Task> operation, string what, CancellationToken cancellationToken) =>
        Guard(null, operation, what, cancellationToken);

    /// <param name="container">The container the operation works in (reported lost on 404 ContainerNotFound).</param>
    public static async Task<T> Guard<T>(Uri? container, Func<Task<T>> operation, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(container, what, ex);
        }
    }

    /// <param name="container">The container the operation works in (reported lost on 404 ContainerNotFound).</param>
    public static async Task Guard(Uri? container, Func<Task> operation, string what, CancellationToken cancellationToken)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(container, what, ex);
        }
    }

    /// <summary>The container a blob is in, as <see cref="Guard{T}(Uri?, Func{Task{T}}, string, CancellationToken)"/> takes it.</summary>
    public static Uri ContainerOf(BlobBaseClient blob) => blob.GetParentBlobContainerClient().Uri;

    private static StorageUnavailableException Unavailable(Uri? container, string what, Exception inner)
    {
        if (container is not null && IsContainerNotFound(inner))
            BlobContainers.ContainerLost(container);
        return Unavailable(what, inner);
    }

    private static bool IsContainerNotFound(Exception exception) => exception is RequestFailedException r && r.ErrorCode == BlobErrorCode.ContainerNotFound;

    public static StorageUnavailableException Unavailable(string what, Exception inner) =>
        new($"Storage did not answer while trying to {what}: {Describe(inner)}", inner);

    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        StorageUnavailableException => false, // already translated
        // 404/409/412 (and a 400, which is a bug) are answers the caller handles; the rest means storage is not usable.
        // A lost container is not "no such blob": nothing in it can be read or written until it is created again.
        RequestFailedException r when r.ErrorCode == BlobErrorCode.ContainerNotFound || r.ErrorCode == BlobErrorCode.ContainerBeingDeleted => true,
        RequestFailedException r => r.Status is 0 or 401 or 403 or 408 or 429 or >= 500,
        AggregateException aggregate => aggregate.InnerExceptions.All(e => IsUnavailable(e, cancellationToken)),
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // the client's network timeout
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    private static string Describe(Exception exception) => exception switch
    {
        RequestFailedException { Status: > 0 } r => $"{r.Status} {r.ErrorCode}",
        AggregateException { InnerExceptions.Count: > 0 } a => Describe(a.InnerExceptions[^1]),
        _ => exception.InnerException is { } inner && exception is RequestFailedException ? inner.Message : exception.Message,
    };
}

/// <summary>The item changed in storage since it was read (its ETag no longer matches); read it again and retry.</summary>
public sealed class StorageConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Storage did not answer (or refused); the operation had no visible effect and may be retried.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
