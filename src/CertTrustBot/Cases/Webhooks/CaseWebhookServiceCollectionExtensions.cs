using CertTrustBot.Cases.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Cases.Webhooks;

public static class CaseWebhookServiceCollectionExtensions
{
    /// <summary>
    /// External case desks: each case event is POSTed, signed, to <c>CaseWebhook:Url</c> by the case-event pipeline
    /// (see <see cref="CaseWebhookConsumer"/>). The options are validated at start-up; with no URL nothing is staged.
    /// </summary>
    public static IServiceCollection AddCaseWebhook(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CaseWebhookOptions>().Bind(configuration.GetSection(CaseWebhookOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CaseWebhookOptions>, CaseWebhookOptionsValidator>());

        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICaseEventConsumer, CaseWebhookConsumer>());

        services.AddHttpClient(CaseWebhookConsumer.HttpClientName, (sp, client) =>
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
