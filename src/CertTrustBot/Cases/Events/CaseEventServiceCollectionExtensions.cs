using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CertTrustBot.Cases.Events;

public static class CaseEventServiceCollectionExtensions
{
    /// <summary>
    /// The case-event pipeline: the outbox the case desk stages every event in, and the dispatcher that hands each
    /// committed event to each registered <see cref="ICaseEventConsumer"/> once (section <c>CaseEvents</c>).
    /// </summary>
    public static IServiceCollection AddCaseEvents(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CaseEventOptions>().BindConfiguration(CaseEventOptions.Section)
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.PollInterval <= TimeSpan.FromHours(1), $"{CaseEventOptions.Section}:PollInterval must be more than 0 and at most 01:00:00.")
            .ValidateOnStart();
        services.TryAddSingleton<CaseEventOutbox>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICaseEventOutbox, CaseEventOutbox>(sp => sp.GetRequiredService<CaseEventOutbox>()));
        services.TryAddSingleton<CaseEventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CaseEventDispatcher>());
        return services;
    }
}
