using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CertTrustBot.Hosting;

public static class HealthEndpoints
{
    /// <summary>
    /// GET /healthz: 200 when every registered check (storage answers) is healthy, 503 otherwise, with a small JSON
    /// body: {"status":"Unhealthy","checks":{"storage":{"status":"Unhealthy","description":"..."}}}.
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
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
