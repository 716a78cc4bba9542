using CertTrustBot.Cases;
using CertTrustBot.Conversation;
using CertTrustBot.Staff;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Expiry;

/// <summary>
/// The staff channel's <c>expiring</c> command (the bot @mentioned in the staff channel): what expires within
/// <see cref="ExpiryOptions.StaffWindowDays"/> across all tenants, soonest first. Only staff members in the staff
/// channel get it (the same rule as acting on a case card); anyone else is told why not.
/// </summary>
public sealed class StaffExpiryCommand(CaseDesk desk, StaffDigest digest, ExpiryWatch watch, IOptions<StaffOptions> staff, TimeProvider clock)
{
    /// <summary>Whether <paramref name="text"/> (markup and the bot's mention allowed) is the <c>expiring</c> command.</summary>
    public static bool IsCommand(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 1000)
            return false;
        var plain = PastedPem.ToPlainText(ConversationFlow.Mention.Replace(text, " ")).Trim().TrimEnd('.', '!', '?').Trim();
        return plain.Equals("expiring", StringComparison.OrdinalIgnoreCase);
    }

    public async Task<Reply> RunAsync(Staffer who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (StaffRules.Authorize(who, staff.Value) is { } refused)
            return new TextReply(Cards.Markdown.Literal("I list expiring certificates for the support staff only. " + refused.Message.Replace(" Nothing was changed.", "", StringComparison.Ordinal)));
        var inventory = ExpiryWatch.Inventory(await desk.ListAllAsync(cancellationToken).ConfigureAwait(false));
        return digest.Card(inventory, clock.GetUtcNow(), $"Certificates expiring in the next {watch.Options.StaffWindowDays} days");
    }
}
