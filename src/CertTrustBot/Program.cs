using CertTrustBot.Bot;
using CertTrustBot.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddHealthChecks();
builder.AddTeamsBot();

var app = builder.Build();

app.MapTeamsBot();
app.MapHealthEndpoint();

app.Run();

public partial class Program;
