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
}
