namespace CertTrustBot.Conversation;

/// <summary>
/// Runs the turns of one conversation one after the other within this process. A channel may deliver two activities of
/// a conversation at once (Teams and the Playground send the install events and the first message together): without
/// the gate their replies interleave (the welcome card between a report and its picker) and the slower turn's save is
/// refused by the state's ETag. Across instances the ETag still guards the state; the gate only orders what one
/// instance answers. Nothing here must survive a restart: an entry lives while a turn of its conversation runs or waits.
/// </summary>
public sealed class ConversationTurnGate
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Waits until no other turn of <paramref name="conversationKey"/> runs here; dispose the result to let the next one in.</summary>
    public async Task<IDisposable> EnterAsync(string conversationKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationKey);
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(conversationKey, out entry!))
                _entries[conversationKey] = entry = new Entry();
            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(conversationKey, entry, release: false);
            throw;
        }

        return new Turn(this, conversationKey, entry);
    }

    /// <summary>How many conversations have a turn running or waiting (for tests: entries do not pile up).</summary>
    public int Active
    {
        get
        {
            lock (_entries)
                return _entries.Count;
        }
    }

    private void Leave(string key, Entry entry, bool release)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
                _entries.Remove(key);
        }

        if (release)
            entry.Gate.Release();
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Turn(ConversationTurnGate owner, string key, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Leave(key, entry, release: true);
        }
    }
}
