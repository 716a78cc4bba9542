namespace CertTrustBot.Conversation;

/// <summary>Business-day arithmetic for the support desk's SLA (Monday to Friday; public holidays are not known here).</summary>
public static class ServiceLevel
{
    /// <summary>The date <paramref name="businessDays"/> working days after <paramref name="start"/>, same time of day.</summary>
    public static DateTimeOffset AddBusinessDays(DateTimeOffset start, int businessDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(businessDays);
        var date = start;
        for (var added = 0; added < businessDays;)
        {
            date = date.AddDays(1);
            if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                added++;
        }

        return date;
    }

    /// <summary>
    /// The latest day (same time of day as <paramref name="end"/>, a weekday) from which <see cref="AddBusinessDays"/>
    /// of <paramref name="businessDays"/> still ends by <paramref name="end"/>: the last day to ask when the work takes
    /// that many business days. A weekend <paramref name="end"/> counts from the Friday before.
    /// </summary>
    public static DateTimeOffset SubtractBusinessDays(DateTimeOffset end, int businessDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(businessDays);
        var date = end;
        while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            date = date.AddDays(-1);
        for (var taken = 0; taken < businessDays;)
        {
            date = date.AddDays(-1);
            if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                taken++;
        }

        return date;
    }
}
