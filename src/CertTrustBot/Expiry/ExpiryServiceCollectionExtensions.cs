using CertTrustBot.Conversation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Expiry;

public static class ExpiryServiceCollectionExtensions
{
    /// <summary>
    /// The expiry watch (section <c>Expiry</c>, validated at start-up): the rules, the scanner that records due
    /// reminders on every instance, the staff's weekly digest and <c>expiring</c> command. Reminders reach people
    /// through the case-event pipeline (<c>AddCaseEvents</c>).
    /// </summary>
    public static IServiceCollection AddExpiryWatch(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ExpiryOptions>().BindConfiguration(ExpiryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExpiryOptions>, ExpiryOptionsValidation>());
        services.TryAddSingleton(sp => new ExpiryWatch(
            sp.GetRequiredService<IOptions<ExpiryOptions>>().Value,
            sp.GetRequiredService<IOptions<SupportDeskOptions>>().Value));
        services.TryAddSingleton<StaffDigest>();
        services.TryAddSingleton<StaffExpiryCommand>();
        services.TryAddSingleton<ExpiryScanner>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpiryScanner>());
        return services;
    }
}
