using CertTrustBot.Conversation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Staff;

public static class StaffServiceCollectionExtensions
{
    /// <summary>
    /// The support staff's side: <see cref="StaffOptions"/> (section <c>SupportDesk</c>, validated at start-up), the
    /// staff desk (told of each new case), customer answers, and the proactive outbox with its dispatcher. The channel
    /// edge registers the <see cref="IProactiveChannel"/> that sends.
    /// </summary>
    public static IServiceCollection AddStaffDesk(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(StaffDesk)))
            return services; // already added (the Teams edge adds it too: its handler needs the staff desk)
        services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<StaffOptions>, StaffOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StaffOptions>, StaffOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StaffStore>();
        services.TryAddSingleton<StaffCards>();
        services.TryAddSingleton<ProactiveOutbox>();
        services.TryAddSingleton<CustomerAnswers>();
        services.TryAddSingleton<StaffDesk>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICaseSubmissionListener, StaffDesk>(sp => sp.GetRequiredService<StaffDesk>()));
        services.TryAddSingleton<ProactiveDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ProactiveDispatcher>());
        return services;
    }
}
