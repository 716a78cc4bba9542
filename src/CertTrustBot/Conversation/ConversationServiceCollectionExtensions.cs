using CertTrustBot.Cards;
using CertTrustBot.Cases.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Conversation;

public static class ConversationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the conversation (flow, runner, state store, card templates) and its options, bound from the
    /// <c>Environments</c> and <c>SupportDesk</c> sections and validated at start-up. The case desk is registered by
    /// <c>AddCaseDesk()</c>; the state store needs <c>AddBlobStorage()</c>.
    /// </summary>
    public static IServiceCollection AddConversation(this IServiceCollection services)
    {
        services.AddOptions<EnvironmentCatalog>().BindConfiguration(EnvironmentCatalog.Section).ValidateOnStart();
        services.AddOptions<SupportDeskOptions>().BindConfiguration(SupportDeskOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EnvironmentCatalog>, EnvironmentCatalogValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SupportDeskOptions>, SupportDeskOptionsValidation>());

        services.TryAddSingleton(sp => new ConversationFlow(
            sp.GetRequiredService<IOptions<EnvironmentCatalog>>().Value,
            sp.GetRequiredService<IOptions<SupportDeskOptions>>().Value,
            expiry: sp.GetService<IOptions<Expiry.ExpiryOptions>>()?.Value));
        services.TryAddSingleton<ConversationRunner>();
        services.TryAddSingleton<ConversationStateStore>();
        services.TryAddSingleton<ConversationTurnGate>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICaseEventConsumer, CustomerChatConsumer>());
        services.TryAddSingleton(_ => CardTemplates.FromDirectory(Path.Combine(AppContext.BaseDirectory, "cards")));
        return services;
    }
}
