using CertTrustBot.Bot;
using CertTrustBot.Cases;
using CertTrustBot.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBlobStorage(builder.Configuration);
builder.Services.AddBlobsBotStorage();
builder.Services.AddCaseDesk();

var app = builder.Build();
app.MapGet("/healthz", () => "ok"); // liveness: the process answers
app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }); // readiness: storage answers
app.Run();

public partial class Program;
