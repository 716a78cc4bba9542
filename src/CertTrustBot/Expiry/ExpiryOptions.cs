using System.Globalization;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Expiry;

/// <summary>The expiry watch (configuration section <c>Expiry</c>).</summary>
public sealed class ExpiryOptions
{
    public const string Section = "Expiry";

    public static readonly IReadOnlyList<int> DefaultReminderDays = [60, 30, 14, 7, 1];

    /// <summary>
    /// Days before the <b>last day to ask</b> (expiry minus the SLA and the margin, in business days) on which the
    /// requester is reminded. Null in configuration means <see cref="DefaultReminderDays"/>. (Nullable because the
    /// configuration binder appends to a list that has items already.)
    /// </summary>
    public List<int>? ReminderDays { get; set; }

    public IReadOnlyList<int> EffectiveReminderDays => ReminderDays is { Count: > 0 } days ? days.Distinct().OrderDescending().ToList() : DefaultReminderDays;

    /// <summary>How often every instance looks for due reminders (and the weekly digest).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Business days kept in hand on top of the SLA: the last day to ask leaves room for a question from the staff and
    /// the customer's answer (a round trip of about a day each way) before the certificate expires.
    /// </summary>
    public int MarginBusinessDays { get; set; } = 2;

    /// <summary>"Remind me later": the next reminder comes this many days later, never after the last day to ask.</summary>
    public int SnoozeDays { get; set; } = 7;

    /// <summary>The day (UTC) the staff channel gets its weekly digest of what expires soon.</summary>
    public DayOfWeek StaffDigestDay { get; set; } = DayOfWeek.Monday;

    /// <summary>What "expiring" means for the staff's views (the <c>expiring</c> command, the digest).</summary>
    public int StaffWindowDays { get; set; } = 60;
}

internal sealed class ExpiryOptionsValidation : IValidateOptions<ExpiryOptions>
{
    public ValidateOptionsResult Validate(string? name, ExpiryOptions options)
    {
        var failures = new List<string>();
        var section = ExpiryOptions.Section;
        for (var i = 0; i < (options.ReminderDays?.Count ?? 0); i++)
        {
            if (options.ReminderDays![i] is < 0 or > 10000)
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:ReminderDays:{i} must be between 0 and 10000 days (was {options.ReminderDays[i]})."));
        }
        if (options.ScanInterval <= TimeSpan.Zero || options.ScanInterval > TimeSpan.FromDays(1))
            failures.Add($"{section}:ScanInterval must be more than 0 and at most 1.00:00:00 (was {options.ScanInterval}).");
        if (options.MarginBusinessDays is < 0 or > 30)
            failures.Add($"{section}:MarginBusinessDays must be between 0 and 30 (was {options.MarginBusinessDays}).");
        if (options.SnoozeDays is < 1 or > 60)
            failures.Add($"{section}:SnoozeDays must be between 1 and 60 (was {options.SnoozeDays}).");
        if (options.StaffWindowDays is < 1 or > 3650)
            failures.Add($"{section}:StaffWindowDays must be between 1 and 3650 (was {options.StaffWindowDays}).");
        if (!Enum.IsDefined(options.StaffDigestDay))
            failures.Add($"{section}:StaffDigestDay must be a day of the week such as Monday (was {options.StaffDigestDay}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
