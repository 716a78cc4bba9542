using CertTrustBot.Conversation;
using CertTrustBot.Storage;
using Microsoft.Bot.Builder;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.Bot;

/// <summary>
/// Loads and saves a conversation's <see cref="ConversationData"/> once per turn, through the bot's
/// <see cref="IStorage"/>, with the ETag it was read with: a turn that lost a race to another turn (a double
/// click, another instance) fails with <see cref="StorageConflictException"/> instead of overwriting it.
/// (BotState would hand the storage a plain dictionary, whose ETag the blob storage cannot see.)
/// </summary>
public sealed class ConversationStateStore(IStorage storage)
{
    private const string ETagProperty = "eTag";
    private const string DataProperty = "conversation";

    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        TypeNameHandling = TypeNameHandling.None,
        MissingMemberHandling = MissingMemberHandling.Ignore,
    });

    /// <summary>The state as read: the data, and what is needed to save it safely.</summary>
    /// <param name="Original">The data as this store serialises it, to tell whether a turn changed anything.</param>
    public sealed record Loaded(ConversationData Data, string Key, string ETag, string? Original);

    /// <summary>The same key Bot Framework's ConversationState uses: one state per channel conversation.</summary>
    public static string KeyFor(ITurnContext turnContext)
    {
        var activity = turnContext.Activity;
        var conversationId = activity.Conversation?.Id;
        if (string.IsNullOrEmpty(activity.ChannelId) || string.IsNullOrEmpty(conversationId))
            throw new InvalidOperationException("The activity has no channelId or conversation.id, so it has no conversation state.");
        return $"{activity.ChannelId}/conversations/{conversationId}";
    }

    public async Task<Loaded> LoadAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var key = KeyFor(turnContext);
        IDictionary<string, object> items;
        try
        {
            items = await storage.ReadAsync([key], cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new ConversationStateUnreadableException($"The conversation state '{key}' is not valid JSON.", e);
        }

        if (!items.TryGetValue(key, out var stored) || stored is not JObject item)
            return new Loaded(new ConversationData(), key, "*", null);

        try
        {
            var data = item[DataProperty]?.ToObject<ConversationData>(Serializer)
                ?? throw new JsonSerializationException($"no '{DataProperty}' property");
            var etag = (string?)item[ETagProperty];
            return new Loaded(data, key, string.IsNullOrEmpty(etag) ? "*" : etag, Canonical(data));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidCastException)
        {
            throw new ConversationStateUnreadableException($"The conversation state '{key}' cannot be read as ConversationData.", e);
        }
    }

    /// <summary>
    /// Writes the new state if it changed, only if nobody changed it since it was loaded. A conflict on the ETag alone
    /// is looked into: the stored state may be the one this turn wrote (a storage retry whose first attempt had
    /// landed), or the one this turn loaded, rewritten unchanged (a late duplicate of an earlier write); neither is a
    /// change by someone else.
    /// </summary>
    public async Task SaveAsync(Loaded loaded, ConversationData state, CancellationToken cancellationToken)
    {
        var data = JToken.FromObject(state, Serializer);
        var canonical = data.ToString(Formatting.None);
        if (canonical == loaded.Original)
            return;

        var etag = loaded.ETag;
        for (var attempt = 1; ; attempt++)
        {
            // The storage uses eTag as If-Match ("*": the first write, nothing to match).
            var item = new JObject { [ETagProperty] = etag, [DataProperty] = data };
            try
            {
                await storage.WriteAsync(new Dictionary<string, object> { [loaded.Key] = item }, cancellationToken);
                return;
            }
            catch (StorageConflictException) when (attempt < 3)
            {
                var (stored, storedETag) = await ReadCanonicalAsync(loaded.Key, cancellationToken);
                if (stored == canonical)
                    return;
                if (stored != loaded.Original || storedETag is null)
                    throw;
                etag = storedETag;
            }
        }
    }

    private async Task<(string? Canonical, string? ETag)> ReadCanonicalAsync(string key, CancellationToken cancellationToken)
    {
        var items = await storage.ReadAsync([key], cancellationToken);
        if (!items.TryGetValue(key, out var stored) || stored is not JObject item)
            return (null, null);
        var data = item[DataProperty]?.ToObject<ConversationData>(Serializer);
        return (data is null ? null : Canonical(data), (string?)item[ETagProperty]);
    }

    // Compared as this store writes them: JSON read back from storage has bytes and dates as strings, so comparing
    // tokens would see a change where there is none.
    private static string Canonical(ConversationData data) => JToken.FromObject(data, Serializer).ToString(Formatting.None);

    public Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        storage.DeleteAsync([KeyFor(turnContext)], cancellationToken);
}
