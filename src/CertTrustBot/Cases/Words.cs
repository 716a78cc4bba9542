namespace CertTrustBot.Cases;

/// <summary>Lists as a sentence says them, for every message about cases.</summary>
public static class Words
{
    /// <summary>"Production", "Test and Production", "Development, Test and Production".</summary>
    public static string Join(IReadOnlyList<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";
    }
}
