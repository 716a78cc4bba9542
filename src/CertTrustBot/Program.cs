using CertTrustBot.Bot;
using CertTrustBot.Cases;
using CertTrustBot.Cases.Events;
using CertTrustBot.Cases.Webhooks;
using CertTrustBot.Conversation;
using CertTrustBot.Endpoints;
using CertTrustBot.Expiry;
using CertTrustBot.Hosting;
using CertTrustBot.Slack;
using CertTrustBot.Staff;
using CertTrustBot.Storage;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddBlobStorage(builder.Configuration);
builder.Services.AddCaseDesk();
builder.Services.AddCaseEvents();
builder.Services.AddCaseWebhook(builder.Configuration);
builder.Services.AddConversation();
builder.Services.AddEndpointCheck();
builder.Services.AddStaffDesk();
builder.Services.AddExpiryWatch();
builder.AddTeamsBot();
builder.AddSlackApp();

var app = builder.Build();

// Every setting is checked before anything starts: a wrong one stops the bot here, naming it, with nothing started that
// must be torn down (Run would dispose the host while a test host still waits on it).
app.Services.GetRequiredService<IStartupValidator>().Validate();

app.MapTeamsBot();
app.MapSlackApp();
app.MapHealthEndpoints();

app.Run();

public partial class Program;
