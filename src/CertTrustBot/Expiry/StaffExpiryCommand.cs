using CertTrustBot.Cases;
using CertTrustBot.Conversation;

namespace CertTrustBot.Expiry;

/// <summary>
/// The staff's <c>expiring</c> command (a row of <see cref="Staff.StaffCommands"/>, which checks who may use it): what
/// expires within <see cref="ExpiryOptions.StaffWindowDays"/> across all tenants, soonest first, as the weekly digest
/// shows it.
/// </summary>
public sealed class StaffExpiryCommand(CaseDesk desk, StaffDigest digest, ExpiryWatch watch, TimeProvider clock)
{
    public async Task<Reply> ListAsync(CancellationToken cancellationToken)
    {
        var inventory = ExpiryWatch.Inventory(await desk.ListAllAsync(cancellationToken).ConfigureAwait(false));
        return digest.Card(inventory, clock.GetUtcNow(), $"Certificates expiring in the next {watch.Options.StaffWindowDays} days");
    }
}
