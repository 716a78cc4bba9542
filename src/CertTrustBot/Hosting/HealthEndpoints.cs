using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CertTrustBot.Hosting;

public static class HealthEndpoints
{
    /// <summary>
    /// GET /healthz: 200 when every registered check (storage answers) is healthy, 503 otherwise, with the status only:
    /// {"status":"Unhealthy"}. The endpoints need no authentication, so what failed and why (the storage account, its
    /// address, the exception) goes to the log, never to the response; the storage probe is cached for a few seconds
    /// (Storage:HealthCheckCacheDuration), so calling these often does not load storage.
    /// GET /readyz: the checks tagged "ready" (storage), plain text, for a load balancer's readiness probe.
    /// GET /livez: 200 while the process answers, whatever storage does (a liveness probe must not restart
    /// instances because storage is down).
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        endpoints.MapGet("/livez", () => "ok");
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }));
    }
}
