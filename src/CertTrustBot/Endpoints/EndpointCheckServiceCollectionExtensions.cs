using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Endpoints;

public static class EndpointCheckServiceCollectionExtensions
{
    /// <summary>"check HOST" in chat: the guarded probe and its options (section <c>EndpointCheck</c>, validated at start-up).</summary>
    public static IServiceCollection AddEndpointCheck(this IServiceCollection services)
    {
        services.AddOptions<EndpointCheckOptions>().BindConfiguration(EndpointCheckOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EndpointCheckOptions>, EndpointCheckOptionsValidator>());
        services.TryAddSingleton<IEndpointProbe, GuardedEndpointProbe>();
        services.AddHostedService<PrivateNetworksWarning>();
        return services;
    }

    /// <summary>Says at start, outside Development, that the check may reach private networks.</summary>
    private sealed class PrivateNetworksWarning(IOptions<EndpointCheckOptions> options, IHostEnvironment environment, ILogger<PrivateNetworksWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.AllowPrivateNetworks && !environment.IsDevelopment())
            {
                logger.LogWarning(
                    "EndpointCheck:AllowPrivateNetworks is on outside Development: \"check HOST\" in chat can connect to loopback, private, link-local and CGNAT addresses of the bot's own network. Turn it off unless customers' systems really are on that network.");
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
