using CertTrustBot.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Cases.Webhooks;

public static class CaseWebhookServiceCollectionExtensions
{
    /// <summary>
    /// External case desks: each new case and each status change is POSTed, signed, to <c>CaseWebhook:Url</c> through a
    /// durable outbox in blob storage (see <see cref="CaseWebhookOutbox"/>, <see cref="CaseWebhookDispatcher"/>). The
    /// options are validated at start-up; with no URL nothing is staged and the dispatcher stays idle. Adds blob storage
    /// and the case desk too (both are safe to add twice).
    /// </summary>
    public static IServiceCollection AddCaseWebhook(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddBlobStorage(configuration);
        services.AddCaseDesk();

        services.AddOptions<CaseWebhookOptions>().Bind(configuration.GetSection(CaseWebhookOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CaseWebhookOptions>, CaseWebhookOptionsValidator>());

        services.TryAddSingleton<CaseWebhookOutbox>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICaseEventOutbox, CaseWebhookOutbox>(sp => sp.GetRequiredService<CaseWebhookOutbox>()));
        services.TryAddSingleton<CaseWebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CaseWebhookDispatcher>());

        services.AddHttpClient(CaseWebhookDispatcher.HttpClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<CaseWebhookOptions>>().Value.RequestTimeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("CertTrustBot-Webhooks/1.0");
            })
            // A redirected POST would become a GET, unsigned for its new host: a redirect is a wrong URL, not a detour.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return services;
    }

    private sealed class CaseWebhookOptionsValidator : IValidateOptions<CaseWebhookOptions>
    {
        public ValidateOptionsResult Validate(string? name, CaseWebhookOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
