using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using CertTrustBot.Certificates;
using CertTrustBot.Certificates.Endpoints;

namespace CertTrustBot.Cli;

/// <summary>The <c>certtrust</c> command line, runnable in-process: Main only supplies the console and the clock.</summary>
public static class CertTrustCli
{
    /// <summary>No file was blocked (accepted, or accepted with warnings).</summary>
    public const int ExitOk = 0;

    /// <summary>At least one file was blocked, including files that could not be read.</summary>
    public const int ExitBlocked = 2;

    /// <summary>The command line itself was wrong (BSD sysexits EX_USAGE).</summary>
    public const int ExitUsage = 64;

    /// <summary><c>fetch</c>: no certificate came back: the server could not be reached, did not answer in time, or does
    /// not speak TLS on that port (BSD sysexits EX_UNAVAILABLE).</summary>
    public const int ExitConnectionFailed = 69;

    /// <summary>
    /// Limits for files named on the command line. The bot keeps the engine's tight defaults because its input comes
    /// from strangers; a person checking a CA bundle on their own machine needs room for thousands of roots.
    /// </summary>
    public static CheckLimits FileLimits { get; } = new() { MaxBytes = 16 * 1024 * 1024, MaxCertificates = 10_000 };

    private const string Usage = "Usage: certtrust check FILE... [--host NAME] [--json]";
    private const string FetchUsage = "Usage: certtrust fetch HOST[:PORT] [--sni NAME] [--timeout SECONDS] [--json]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider clock) =>
        Run(args, stdout, stderr, clock, OutputStyle.Plain);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider clock, OutputStyle style)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(style);

        var files = new Argument<string[]>("FILE")
        {
            Description = "Certificate files: DER or PEM .cer/.crt/.pem, PEM bundles, PKCS#7 .p7b.",
            Arity = ArgumentArity.OneOrMore,
        };
        var host = new Option<string>("--host")
        {
            Description = "Host name of the external system, checked against each certificate's names (SANs).",
            HelpName = "NAME",
        };
        host.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && string.IsNullOrWhiteSpace(result.Tokens[0].Value))
                result.AddError("--host needs a host name, e.g. --host api.example.com.");
        });
        var json = new Option<bool>("--json") { Description = "Print one JSON document on stdout instead of the report." };

        var check = new Command("check", "Check certificates before they are added to the Windows Trusted Root store.")
        {
            files, host, json,
        };
        var endpoint = new Argument<string>("HOST[:PORT]")
        {
            Description = "The server: host, host:port, [IPv6]:port or an https:// address (port 443 by default).",
        };
        var sni = new Option<string>("--sni")
        {
            Description = "Server name to send in the TLS handshake (SNI) and to check the certificate against; the host by default.",
            HelpName = "NAME",
        };
        sni.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && Uri.CheckHostName(result.Tokens[0].Value) != UriHostNameType.Dns)
                result.AddError("--sni needs a host name, e.g. --sni api.example.com.");
        });
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the server (name lookup, connection and handshake together); 10 by default.",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 10,
        };
        timeout.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && (!int.TryParse(result.Tokens[0].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 300))
                result.AddError("--timeout takes a whole number of seconds from 1 to 300.");
        });
        var fetchJson = new Option<bool>("--json") { Description = "Print one JSON document on stdout instead of the report." };
        var fetch = new Command("fetch", "Look at the certificates a server presents (like openssl s_client -showcerts) and check them.")
        {
            endpoint, sni, timeout, fetchJson,
        };
        var root = new RootCommand(
            "certtrust: check the certificate a cloud front end must trust, the way the CertTrustBot support desk does.\n" +
            "Exit codes: 0 no file blocked, 2 a file is blocked (or unreadable), 64 usage error, 69 fetch: the server could not be reached over TLS.")
        {
            check, fetch,
        };

        // A file named "@something.pem" is a file, not a response file to expand.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

        var errors = parsed.Errors.Select(error => error.Message).Concat(UnknownOptions(parsed)).ToList();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
                stderr.WriteLine($"certtrust: {error}");
            var onFetch = parsed.CommandResult.Command == fetch;
            stderr.WriteLine(onFetch ? FetchUsage : Usage);
            stderr.WriteLine(onFetch ? "Run 'certtrust fetch --help' for details." : "Run 'certtrust check --help' for details.");
            return ExitUsage;
        }

        if (parsed.CommandResult.Command == fetch && parsed.Action is not HelpAction)
        {
            if (EndpointTarget.TryParse(parsed.GetValue(endpoint), out var problem) is not { } target)
            {
                stderr.WriteLine($"certtrust: {problem}");
                stderr.WriteLine(FetchUsage);
                return ExitUsage;
            }
            return FetchCommand.Run(new FetchOptions(target, parsed.GetValue(sni), TimeSpan.FromSeconds(parsed.GetValue(timeout)), parsed.GetValue(fetchJson)), stdout, clock, style);
        }

        // --help and --version: let the parser print them, to stdout, as users expect from every other tool.
        if (parsed.CommandResult.Command != check || parsed.Action is HelpAction)
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });

        var options = new CheckOptions(
            Files: parsed.GetValue(files) ?? [],
            HostName: parsed.GetValue(host),
            Json: parsed.GetValue(json));
        return CheckCommand.Run(options, stdout, clock, style);
    }

    /// <summary>
    /// The parser hands "--bogus" to FILE... as a file name; a mistyped option must be a usage error instead, unless it
    /// comes after "--" (the way to check a file whose name starts with a dash). A lone "-" stays a file name.
    /// </summary>
    private static IEnumerable<string> UnknownOptions(ParseResult parsed)
    {
        foreach (var token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
                yield break;
            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-')
                yield return $"Unrecognized option '{token.Value}'.";
        }
    }
}
