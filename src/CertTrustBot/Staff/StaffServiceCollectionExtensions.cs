using CertTrustBot.Cases.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Staff;

public static class StaffServiceCollectionExtensions
{
    /// <summary>
    /// The support staff's side: <see cref="StaffOptions"/> (section <c>SupportDesk</c>, validated at start-up), the
    /// staff desk (the staff's actions on cases), the staff store and cards, and the staff channel as a consumer of the
    /// case-event pipeline. The channel edge registers the <see cref="Messaging.IChannelMessenger"/> that sends.
    /// </summary>
    public static IServiceCollection AddStaffDesk(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<StaffOptions>, StaffOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StaffOptions>, StaffOptionsValidation>());
        services.TryAddSingleton<StaffStore>();
        services.TryAddSingleton<StaffCards>();
        services.TryAddSingleton<StaffDesk>();
        services.TryAddSingleton<StaffCommands>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICaseEventConsumer, StaffChannelConsumer>());
        return services;
    }
}
