using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using CertTrustBot.Certificates;

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

    /// <summary>
    /// Limits for files named on the command line. The bot keeps the engine's tight defaults because its input comes
    /// from strangers; a person checking a CA bundle on their own machine needs room for thousands of roots.
    /// </summary>
    public static CheckLimits FileLimits { get; } = new() { MaxBytes = 16 * 1024 * 1024, MaxCertificates = 10_000 };

    private const string Usage = "Usage: certtrust check FILE... [--host NAME] [--json]";

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
        var root = new RootCommand(
            "certtrust: check the certificate a cloud front end must trust, the way the CertTrustBot support desk does.\n" +
            "Exit codes: 0 no file blocked, 2 a file is blocked (or unreadable), 64 usage error.")
        {
            check,
        };

        // A file named "@something.pem" is a file, not a response file to expand.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

        var errors = parsed.Errors.Select(error => error.Message).Concat(UnknownOptions(parsed)).ToList();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
                stderr.WriteLine($"certtrust: {error}");
            stderr.WriteLine(Usage);
            stderr.WriteLine("Run 'certtrust check --help' for details.");
            return ExitUsage;
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
