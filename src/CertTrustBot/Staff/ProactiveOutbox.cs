using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs.Models;
using CertTrustBot.Conversation;
using CertTrustBot.Storage;

namespace CertTrustBot.Staff;

/// <summary>What a pending proactive message is for.</summary>
public enum DeliveryKind
{
    /// <summary>Post the case card as a new thread in the staff channel (drawn from the case as it is at sending time).</summary>
    PostCaseCard,

    /// <summary>Redraw the posted case card in place, for everyone.</summary>
    UpdateCaseCard,

    /// <summary>Tell the customer, in the chat the case was filed from.</summary>
    NotifyCustomer,

    /// <summary>Post a message in the case card's thread (the customer's answer).</summary>
    ReplyInCaseThread,
}

/// <summary>A reply kept in storage: text, or a card template with its data as JSON.</summary>
public sealed record StoredReply(string? Text, string? Template, JsonNode? Data, string? Summary)
{
    public static StoredReply From(Reply reply) => reply switch
    {
        TextReply text => new StoredReply(text.Text, null, null, null),
        CardReply card => new StoredReply(null, card.Template,
            card.Data as JsonNode ?? JsonSerializer.SerializeToNode(card.Data, card.Data.GetType(), CardJson), card.Summary),
        _ => throw new ArgumentException($"Unknown reply {reply.GetType().Name}.", nameof(reply)),
    };

    public Reply ToReply() => Template is null
        ? new TextReply(Text ?? "")
        : new CardReply(Template, Data?.DeepClone() ?? new JsonObject(), Summary ?? "");

    // The card templates read camelCase names, as CardTemplates serialises data records.
    private static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web);
}

/// <summary>One pending proactive message.</summary>
public sealed record Delivery
{
    public required string Id { get; init; }
    public required DeliveryKind Kind { get; init; }
    public required string CaseNumber { get; init; }
    public StoredReply? Message { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public string? LastError { get; init; }
}

/// <summary>
/// Proactive messages waiting to be sent, as blobs <c>staff/outbox/{created ticks}-{id}.json</c> in the cases
/// container (so a listing is in creation order), and the ones given up on under <c>staff/dead/</c>. Nothing is
/// kept in memory: a restart, or another instance, carries on from the blobs. A nudge wakes the dispatcher at once.
/// </summary>
public sealed class ProactiveOutbox(StaffStore store, BlobContainers containers, TimeProvider clock) : IDisposable
{
    public const string Prefix = "staff/outbox/";
    public const string DeadPrefix = "staff/dead/";

    private readonly SemaphoreSlim _nudge = new(0, 1);

    public void Dispose() => _nudge.Dispose();

    /// <summary>Keeps a delivery; with <paramref name="key"/>, at most one pending delivery has that key.</summary>
    public async Task<Delivery> EnqueueAsync(DeliveryKind kind, string caseNumber, Reply? message, CancellationToken cancellationToken, string? key = null)
    {
        var now = clock.GetUtcNow();
        var delivery = new Delivery
        {
            Id = key ?? Guid.NewGuid().ToString("N"),
            Kind = kind,
            CaseNumber = caseNumber,
            Message = message is null ? null : StoredReply.From(message),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        var name = key is null ? $"{Prefix}{now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}-{delivery.Id}.json" : $"{Prefix}0-{key}.json";
        await store.WriteAsync(name, delivery, null, cancellationToken).ConfigureAwait(false);
        Nudge();
        return delivery;
    }

    /// <summary>Wakes the dispatcher now rather than at its next poll.</summary>
    public void Nudge()
    {
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already nudged.
        }
    }

    public async Task WaitForNudgeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _nudge.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Case numbers of the records created since <paramref name="since"/> that have neither a posted card nor a pending
    /// post: cases whose card was never queued (the process stopped between filing the case and queueing its card).
    /// </summary>
    public async Task<IReadOnlyList<string>> CasesWithoutCardAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var known = new HashSet<string>(StringComparer.Ordinal);
        var recent = new List<string>();
        await StorageFailures.Guard(async () =>
        {
            await foreach (var item in cases.GetBlobsAsync(new GetBlobsOptions { Prefix = "staff/" }, cancellationToken).ConfigureAwait(false))
            {
                if (item.Name.StartsWith("staff/cards/", StringComparison.Ordinal))
                    known.Add(item.Name["staff/cards/".Length..].Replace(".json", "", StringComparison.Ordinal));
                else if (item.Name.StartsWith($"{Prefix}0-post-", StringComparison.Ordinal))
                    known.Add(item.Name[$"{Prefix}0-post-".Length..].Replace(".json", "", StringComparison.Ordinal));
            }

            await foreach (var item in cases.GetBlobsAsync(new GetBlobsOptions { Prefix = "records/" }, cancellationToken).ConfigureAwait(false))
            {
                if (item.Properties.CreatedOn >= since && Cases.CaseNumber.TryNormalize(item.Name["records/".Length..].Replace(".json", "", StringComparison.Ordinal), out var number))
                    recent.Add(number);
            }
        }, "look for cases without a staff card", cancellationToken).ConfigureAwait(false);
        return recent.Where(n => !known.Contains(n)).ToList();
    }

    /// <summary>The names of the pending deliveries, oldest first.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        await StorageFailures.Guard(async () =>
        {
            await foreach (var item in cases.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix }, cancellationToken).ConfigureAwait(false))
                names.Add(item.Name);
        }, "list the proactive outbox", cancellationToken).ConfigureAwait(false);
        return names;
    }

    public Task<(Delivery? Value, ETag? ETag)> ReadAsync(string name, CancellationToken cancellationToken) =>
        store.ReadAsync<Delivery>(name, cancellationToken);

    /// <summary>Replaces the delivery if it is unchanged since read; its new ETag, or null when someone else changed or took it.</summary>
    public async Task<ETag?> ReplaceAsync(string name, Delivery delivery, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            return await store.WriteAsync(name, delivery, etag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    public async Task RemoveAsync(string name, ETag etag, CancellationToken cancellationToken)
    {
        var cases = await containers.CasesAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StorageFailures.Guard(
                () => cases.GetBlobClient(name).DeleteAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = etag }, cancellationToken),
                "remove a delivered message from the outbox", cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Already removed by another instance.
        }
    }

    /// <summary>Moves a delivery given up on to <see cref="DeadPrefix"/>, where it stays for a person to look at.</summary>
    public async Task SetAsideAsync(string name, Delivery delivery, ETag etag, CancellationToken cancellationToken)
    {
        await store.WriteAsync(DeadPrefix + name[Prefix.Length..], delivery, null, cancellationToken).ConfigureAwait(false);
        await RemoveAsync(name, etag, cancellationToken).ConfigureAwait(false);
    }
}
