// Load test: two bot instances (in this process, each on its own Kestrel port) over one Azurite, with a staff team;
// N concurrent conversations each doing the whole request (file, environments, confirm), each turn answered by the
// next instance, and in the same run N concurrent "echo" conversations (hi: state read, welcome card). Reports turn
// latency percentiles of both, their p99 ratio (target: full-flow p99 <= 2 x echo p99), errors, whether exactly one
// case exists per conversation (case desk, blob storage) and exactly one staff thread per case (the loopback channel
// counts the conversations the instances create). With --soak N it then runs full-flow conversations in waves up to
// N in all and compares the process's working set after 1,000 and after N (target: within 50 MiB). --azurite-on-disk 1
// keeps Azurite's data in its temporary folder instead of in memory: for the soak, where an in-memory Azurite holds
// every blob in one Node heap and slowed down past about 7,000 conversations (the latency figures of the first part
// are then those of a disk-backed emulator, slower than the default).
// Exit code 1 when a turn failed, a case or staff thread is missing or doubled, or the memory target is missed.
//
//   dotnet run -c Release --project tests/CertTrustBot.LoadTest [-- --conversations 256 --echo 256 --echo-turns 3
//                                                                  --instances 2 --soak 10000 --wave 256
//                                                                  --azurite-on-disk 1 --warmup 16]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        var conversations = Option("--conversations", 256);
        var echoConversations = Option("--echo", 256);
        var echoTurns = Option("--echo-turns", 3);
        var instances = Option("--instances", 2);
        var soak = Option("--soak", 0);
        var wave = Option("--wave", 256);
        var azuriteOnDisk = Option("--azurite-on-disk", 0) == 1;
        var warmUp = Option("--warmup", 16);
        if (Option("--min-threads", 0) is > 0 and var minThreads)
            ThreadPool.SetMinThreads(minThreads, minThreads);

        var root = Repository.Root;
        Console.WriteLine($"Starting Azurite, the loopback channel and download host, and the bot (Kestrel)...");
        using var azurite = await AzuriteProcess.StartAsync(onDisk: azuriteOnDisk);
        await using var channel = new LoopbackChannel();
        await using var files = new LoopbackFileServer();
        await channel.StartAsync();
        await files.StartAsync();

        // One storage, one staff team: every instance posts its cases to the same staff channel.
        var staff = new StaffTeam(channel);
        var settings = staff.Settings(new Dictionary<string, string?> { ["ConnectionStrings:Storage"] = azurite.ConnectionString });
        // A deployment's delivery timings, not the tests' fast ones (the staging instance is nudged at once anyway),
        // and warnings only: thousands of "case submitted" lines on the console would measure the terminal.
        foreach (var fast in new[] { "SupportDesk:OutboxPollInterval", "CaseEvents:PollInterval", "SupportDesk:RetryBaseDelay", "SupportDesk:RetryMaxDelay" })
            settings.Remove(fast);
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Logging:LogLevel:CertTrustBot"] = "Warning";
        // WebApplicationFactory looks for the app's content root next to a test project; point it at the bot project.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CertTrustBot", Path.Combine(root, "src", "CertTrustBot"));
        var bots = new List<BotApp>();
        for (var i = 0; i < instances; i++)
        {
            var instance = new BotApp(settings);
            instance.UseKestrel(AzuriteProcess.FreePort());
            instance.StartServer();
            bots.Add(instance);
        }
        await using var stop = new Stopper(bots);
        var bot = bots[0];
        using (var installed = await bot.PostAsync(staff.BotInstalled()))
        {
            if (!installed.IsSuccessStatusCode)
                throw new InvalidOperationException($"installing the bot in the staff team: HTTP {(int)installed.StatusCode}");
        }

        var fullFlow = new ConcurrentBag<(string Step, double Ms)>();
        var echo = new ConcurrentBag<double>();
        var errors = new ConcurrentBag<string>();
        var caseNumbers = new ConcurrentDictionary<string, string>();

        // Warm-up (not measured): containers created, connection pools filled, and the code of both kinds of turn
        // compiled and re-compiled at its final tier on every instance, as on a bot that has been running (with one
        // conversation of each, the JIT was 12 % of the measured CPU and weighed on the full flow, which runs more code).
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, warmUp) * instances).Select(i => Task.Run(async () =>
        {
            await FullFlowAsync(new TeamsChat(channel), i, measure: false);
            await EchoAsync(new TeamsChat(channel), i, measure: false);
        })));
        var warmUpCases = caseNumbers.Values.ToHashSet(StringComparer.Ordinal);
        // Said, not hidden: a warm-up that fails is worth knowing before the measured run starts.
        Console.WriteLine($"Warm-up: {Math.Max(1, warmUp) * instances} conversations of each kind, {errors.Count} errors{(errors.IsEmpty ? "" : ": " + errors.First())}.");
        errors.Clear();
        caseNumbers.Clear();

        Console.WriteLine($"Running {conversations} full-flow conversations and {echoConversations} echo conversations ({echoTurns} turns each) at once on {instances} instances...");
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
            chats.Select((chat, i) => Task.Run(() => FullFlowAsync(chat, i, measure: true)))
                .Concat(Enumerable.Range(0, echoConversations).Select(i => Task.Run(() => EchoAsync(new TeamsChat(channel), i, measure: true)))));
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

        // Exactly one staff thread per case, as the channel sees it: the case-event dispatchers of both instances
        // compete for each event, and only one may post it. Wait for the last posts, then a little more for doubles.
        var expectedThreads = warmUpCases.Count + caseNumbers.Count;
        var waited = Stopwatch.StartNew();
        while (channel.CreatedCount < expectedThreads && waited.Elapsed < TimeSpan.FromMinutes(2))
            await Task.Delay(250);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var threadsPerCase = channel.Created
            .Select(created => Regex.Match(created.Parameters.ToString(), @"CT-\d{4,}").Value)
            .GroupBy(number => number, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var oneThreadEach = caseNumbers.Values.Count(number => threadsPerCase.GetValueOrDefault(number) == 1);
        var strayThreads = threadsPerCase.Where(t => !caseNumbers.Values.Contains(t.Key) && !warmUpCases.Contains(t.Key)).Sum(t => t.Value);

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
        Console.WriteLine($"Staff threads: {oneThreadEach} of {caseNumbers.Count} cases have exactly one ({channel.CreatedCount} threads created in all, {strayThreads} for no known case).");
        var ok = errors.IsEmpty && oneCaseEach == conversations && oneThreadEach == conversations && strayThreads == 0;

        if (soak > 0)
            ok &= await SoakAsync();
        return ok ? 0 : 1;

        // Full-flow conversations in waves of `wave` at once until `soak` conversations in all (this run's included),
        // forgetting each finished conversation's replies so that only the bot's memory can grow.
        async Task<bool> SoakAsync()
        {
            channel.KeepAll = false;
            foreach (var chat in chats)
                channel.Forget(chat.ConversationId);
            var done = conversations + instances;
            long? at1000 = null;
            var soakErrors = errors.Count;
            Console.WriteLine();
            Console.WriteLine($"Soak: full-flow conversations in waves of {wave} up to {soak}, on {instances} instances...");
            var soakWall = Stopwatch.StartNew();
            while (done < soak)
            {
                var size = Math.Min(wave, soak - done);
                var offset = done;
                await Task.WhenAll(Enumerable.Range(0, size).Select(i => Task.Run(async () =>
                {
                    var chat = new TeamsChat(channel);
                    await FullFlowAsync(chat, offset + i, measure: false);
                    channel.Forget(chat.ConversationId);
                })));
                caseNumbers.Clear();
                var before = done;
                done += size;
                if (done / 1000 > before / 1000 || done >= soak)
                {
                    var settled = Settled();
                    at1000 ??= settled;
                    Console.WriteLine($"  after {done,6:N0} conversations: working set {settled / 1048576.0:0.0} MiB (after a full GC), managed heap {GC.GetTotalMemory(false) / 1048576.0:0.0} MiB, {errors.Count - soakErrors} errors, {soakWall.Elapsed.TotalMinutes:0.0} min");
                }
            }
            var atEnd = Settled();
            var growth = (atEnd - (at1000 ?? atEnd)) / 1048576.0;
            Console.WriteLine($"Working set growth from 1,000 to {done:N0} conversations: {growth:+0.0;-0.0} MiB (target <= 50 MiB: {(growth <= 50 ? "met" : "MISSED")}); the process holds {instances} instances, the loopback services and this driver.");
            Console.WriteLine($"Soak errors: {errors.Count - soakErrors}");
            foreach (var error in errors.Skip(soakErrors).Take(10))
                Console.WriteLine($"  {error}");
            return growth <= 50 && errors.Count == soakErrors;
        }

        // The working set once garbage is collected and the heap compacted, so two points compare what is kept.
        static long Settled()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            using var self = Process.GetCurrentProcess();
            return self.WorkingSet64;
        }

        // Turn k of conversation i goes to instance (i + k) mod n: the state written by one instance is read by the next.
        async Task FullFlowAsync(TeamsChat chat, int index, bool measure)
        {
            try
            {
                var replies = await TurnAsync(chat, chat.File("contoso-root.cer", files.Serve(DistinctRoot(index))), "file", index, measure);
                var picker = replies.SingleOrDefault(r => HasSubmit(r, "environments")) ?? throw new InvalidOperationException($"no environment picker: {Said(replies)}");
                replies = await TurnAsync(chat, chat.Submit(picker, "environments", new Dictionary<string, string> { ["environments"] = "Production,Test" }), "environments", index + 1, measure);
                var confirmation = replies.SingleOrDefault(r => HasSubmit(r, "confirm")) ?? throw new InvalidOperationException($"no confirmation card: {Said(replies)}");
                replies = await TurnAsync(chat, chat.Submit(confirmation, "confirm"), "confirm", index + 2, measure);
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

        async Task EchoAsync(TeamsChat chat, int index, bool measure)
        {
            try
            {
                for (var i = 0; i < echoTurns; i++)
                {
                    var replies = await TurnAsync(chat, chat.Message("hi"), "echo", index + i, measure);
                    if (replies.Count == 0)
                        throw new InvalidOperationException("no reply to hi");
                }
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                errors.Add($"{chat.ConversationId}: {e.Message}");
            }
        }

        async Task<IReadOnlyList<LoopbackChannel.CapturedActivity>> TurnAsync(TeamsChat chat, JObject activity, string step, int instance, bool measure)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await bots[instance % bots.Count].PostAsync(activity);
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

        // Each customer sends their own system's root, as they do: one shared certificate would make every file turn
        // read every earlier case filed for it (the "already requested" check), which is another measurement.
        static byte[] DistinctRoot(int index)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN=Load Root {index}-{Guid.NewGuid():N}, O=Contoso", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            using var root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(3));
            return root.RawData;
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

/// <summary>Disposes every instance at the end of the run.</summary>
internal sealed class Stopper(List<BotApp> bots) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var bot in bots)
            await bot.DisposeAsync();
    }
}
