// Load test: N concurrent conversations each doing the whole request (file, environments, confirm) and, in the
// same run, N concurrent "echo" conversations (hi: state read, welcome card) through the same adapter and storage.
// Reports turn latency percentiles of both, their p99 ratio (target: full-flow p99 <= 2 x echo p99), errors, and
// whether exactly one case exists per conversation. Exit code 1 when a turn failed or a case is missing or doubled.
//
//   dotnet run -c Release --project tests/CertTrustBot.LoadTest [-- --conversations 64 --echo 64 --echo-turns 3]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CertTrustBot.Cases;
using CertTrustBot.Tests.Http;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace CertTrustBot.LoadTest;

// Not top-level statements: their generated Program class would clash with the bot's Program.
internal static class LoadRun
{
    public static async Task<int> Main(string[] args)
    {
        var conversations = Option("--conversations", 64);
        var echoConversations = Option("--echo", 64);
        var echoTurns = Option("--echo-turns", 3);
        if (Option("--min-threads", 0) is > 0 and var minThreads)
            ThreadPool.SetMinThreads(minThreads, minThreads);

        var root = Repository.Root;
        Console.WriteLine($"Starting Azurite, the loopback channel and download host, and the bot (Kestrel)...");
        using var azurite = await AzuriteProcess.StartAsync();
        await using var channel = new LoopbackChannel();
        await using var files = new LoopbackFileServer();
        await channel.StartAsync();
        await files.StartAsync();

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Storage"] = azurite.ConnectionString,
            ["Attachments:AllowLoopback"] = "true",
        };
        // WebApplicationFactory looks for the app's content root next to a test project; point it at the bot project.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CertTrustBot", Path.Combine(root, "src", "CertTrustBot"));
        await using var bot = new BotApp(settings);
        bot.UseKestrel(AzuriteProcess.FreePort());
        bot.StartServer();

        var fullFlow = new ConcurrentBag<(string Step, double Ms)>();
        var echo = new ConcurrentBag<double>();
        var errors = new ConcurrentBag<string>();
        var caseNumbers = new ConcurrentDictionary<string, string>();

        // Warm-up (not measured): JIT, containers created, connection pools filled.
        await FullFlowAsync(new TeamsChat(channel), measure: false);
        await EchoAsync(new TeamsChat(channel), measure: false);
        errors.Clear();
        caseNumbers.Clear();

        Console.WriteLine($"Running {conversations} full-flow conversations and {echoConversations} echo conversations ({echoTurns} turns each) at once...");
        var chats = Enumerable.Range(0, conversations).Select(_ => new TeamsChat(channel)).ToList();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var azuriteCpuBefore = azurite.ProcessorTime;
        var wall = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var maxQueued = 0L;
        var maxThreads = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                maxQueued = Math.Max(maxQueued, ThreadPool.PendingWorkItemCount);
                maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
                await Task.Delay(50);
            }
        });
        await Task.WhenAll(
            chats.Select(chat => Task.Run(() => FullFlowAsync(chat, measure: true)))
                .Concat(Enumerable.Range(0, echoConversations).Select(_ => Task.Run(() => EchoAsync(new TeamsChat(channel), measure: true)))));
        wall.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var azuriteCpu = azurite.ProcessorTime - azuriteCpuBefore;
        await sampling.CancelAsync();
        await sampler;

        // Exactly one case per conversation, as the case desk (blob storage) sees it.
        var desk = bot.Services.GetRequiredService<CaseDesk>();
        var caseCounts = await Task.WhenAll(chats.Select(async chat =>
            (await desk.ListForRequesterAsync(new Requester(chat.UserId, "Ada Lovelace", chat.UserAadObjectId, TeamsChat.TenantId), CancellationToken.None)).Count));
        var oneCaseEach = caseCounts.Count(c => c == 1);

        var flowTurns = fullFlow.Select(t => t.Ms).ToList();
        Console.WriteLine();
        var turnsRun = flowTurns.Count + echo.Count;
        Console.WriteLine($"Wall time {wall.Elapsed.TotalSeconds:0.0} s, {turnsRun} measured turns, {Environment.ProcessorCount} CPU(s), load average {LoadAverage()}.");
        Console.WriteLine($"CPU: bot process {cpu.TotalSeconds:0.0} s ({cpu.TotalMilliseconds / turnsRun:0.0} ms a turn, loopback services included), Azurite {azuriteCpu.TotalSeconds:0.0} s; thread pool max {maxThreads} threads, max {maxQueued} queued items.");
        Console.WriteLine($"{"turns",-26}{"n",6}{"p50 ms",10}{"p95 ms",10}{"p99 ms",10}{"max ms",10}");
        Row("full flow (all turns)", flowTurns);
        foreach (var step in new[] { "file", "environments", "confirm" })
            Row($"  {step}", [.. fullFlow.Where(t => t.Step == step).Select(t => t.Ms)]);
        Row("echo (hi)", [.. echo]);
        var ratio = Percentile(flowTurns, 99) / Percentile([.. echo], 99);
        Console.WriteLine($"p99 ratio full flow / echo: {ratio:0.00} (target <= 2.00: {(ratio <= 2 ? "met" : "MISSED")})");
        Console.WriteLine($"Errors: {errors.Count}");
        foreach (var error in errors.Take(10))
            Console.WriteLine($"  {error}");
        Console.WriteLine($"Cases: {oneCaseEach} of {conversations} conversations have exactly one case ({caseCounts.Sum()} cases in all, {caseNumbers.Values.Distinct().Count()} distinct case numbers in receipts).");
        return errors.IsEmpty && oneCaseEach == conversations ? 0 : 1;

        async Task FullFlowAsync(TeamsChat chat, bool measure)
        {
            try
            {
                var replies = await TurnAsync(chat, chat.File("contoso-root.cer", files.Serve(TestCertificates.RootDer)), "file", measure);
                var picker = replies.SingleOrDefault(r => HasSubmit(r, "environments")) ?? throw new InvalidOperationException($"no environment picker: {Said(replies)}");
                replies = await TurnAsync(chat, chat.Submit(picker, "environments", new Dictionary<string, string> { ["environments"] = "Production,Test" }), "environments", measure);
                var confirmation = replies.SingleOrDefault(r => HasSubmit(r, "confirm")) ?? throw new InvalidOperationException($"no confirmation card: {Said(replies)}");
                replies = await TurnAsync(chat, chat.Submit(confirmation, "confirm"), "confirm", measure);
                var number = Regex.Match(string.Join("\n", replies.Select(r => r.Activity.ToString())), @"CT-\d{4,}");
                if (!number.Success)
                    throw new InvalidOperationException($"no case number in the receipt: {Said(replies)}");
                caseNumbers[chat.ConversationId] = number.Value;
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                errors.Add($"{chat.ConversationId}: {e.Message}");
            }
        }

        async Task EchoAsync(TeamsChat chat, bool measure)
        {
            try
            {
                for (var i = 0; i < echoTurns; i++)
                {
                    var replies = await TurnAsync(chat, chat.Message("hi"), "echo", measure);
                    if (replies.Count == 0)
                        throw new InvalidOperationException("no reply to hi");
                }
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                errors.Add($"{chat.ConversationId}: {e.Message}");
            }
        }

        async Task<IReadOnlyList<LoopbackChannel.CapturedActivity>> TurnAsync(TeamsChat chat, JObject activity, string step, bool measure)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await bot.PostAsync(activity);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{step}: HTTP {(int)response.StatusCode}");
            if (measure)
            {
                if (step == "echo")
                    echo.Add(ms);
                else
                    fullFlow.Add((step, ms));
            }

            var replies = chat.NewReplies();
            if (replies.Any(r => (r.Text ?? "").Contains("went wrong", StringComparison.Ordinal) || (r.Text ?? "").Contains("temporarily unavailable", StringComparison.Ordinal)))
                throw new InvalidOperationException($"{step}: {replies.First(r => r.Text is not null).Text}");
            return replies;
        }

        static string Said(IEnumerable<LoopbackChannel.CapturedActivity> replies) =>
            string.Join(" | ", replies.Select(r => r.Text ?? $"[card: {(r.Cards.Count > 0 ? r.Cards[0]["body"]?[0]?["text"] : null)}]"));

        static string LoadAverage() =>
            File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

        static bool HasSubmit(LoopbackChannel.CapturedActivity reply, string action) =>
            reply.Cards.Any(card => card.Descendants().OfType<JObject>().Any(o => (string?)o["type"] == "Action.Submit" && (string?)o["data"]?["action"] == action));

        static void Row(string name, IReadOnlyList<double> values) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-26}{values.Count,6}{Percentile(values, 50),10:0.0}{Percentile(values, 95),10:0.0}{Percentile(values, 99),10:0.0}{(values.Count == 0 ? 0 : values.Max()),10:0.0}"));

        // Nearest-rank percentile.
        static double Percentile(IReadOnlyList<double> values, double p)
        {
            if (values.Count == 0)
                return double.NaN;
            var sorted = values.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
        }

        int Option(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
    }
}
