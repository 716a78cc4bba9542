using CertTrustBot.Cli;

namespace CertTrustBot.Certificates.Tests.Cli;

public class UsageTests
{
    private static readonly DateTimeOffset Now = CliRun.BadSslValid;

#pragma warning disable CA1861 // a table of command lines, built once per test run
    public static TheoryData<string[]> WrongCommandLines => new()
    {
        Array.Empty<string>(),                          // no command at all
        new[] { "check" },                              // no files
        new[] { "verify", "a.pem" },                    // unknown command
        new[] { "check", "a.pem", "--bogus" },          // unknown long option
        new[] { "check", "-x", "a.pem" },               // unknown short option
        new[] { "check", "a.pem", "--host" },           // --host without a value
        new[] { "check", "--host", "", "a.pem" },       // --host with an empty value
        new[] { "check", "--json" },                    // options but no files
    };
#pragma warning restore CA1861

    [Theory]
    [MemberData(nameof(WrongCommandLines))]
    public void A_wrong_command_line_exits_64_with_usage_on_stderr_and_nothing_on_stdout(string[] args)
    {
        var run = CliRun.Of(Now, args);

        Assert.Equal(64, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains("Usage: certtrust check FILE... [--host NAME] [--json]", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_option_is_named_in_the_error()
    {
        var run = CliRun.Of(Now, "check", TestFiles.SelfSigned, "--jsno");

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("--jsno", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_usage_error_does_not_check_the_files_it_names()
    {
        // The valid file comes first: had it been checked, its report would be on stdout.
        var run = CliRun.Of(Now, "check", TestFiles.SelfSigned, "--bogus");

        Assert.Equal(64, run.ExitCode);
        Assert.DoesNotContain("badssl", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_whose_name_starts_with_a_dash_is_checked_after_a_double_dash()
    {
        var run = CliRun.Of(Now, "check", "--json", "--", "-no-such-file.pem");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("-no-such-file.pem", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_name_starting_with_an_at_sign_is_a_file_not_a_response_file()
    {
        var run = CliRun.Of(Now, "check", "--json", "@no-such-list.txt");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("\"file\":\"@no-such-list.txt\"", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_for_check_lists_its_options_on_stdout_and_exits_0(string help)
    {
        var run = CliRun.Of(Now, "check", help);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--host", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("FILE", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void Help_for_the_tool_names_the_check_command_and_the_exit_codes()
    {
        var run = CliRun.Of(Now, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("check", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("64", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_may_come_before_or_after_the_files()
    {
        var before = CliRun.Of(Now, "check", "--json", "--host", "badssl.com", TestFiles.SelfSigned);
        var after = CliRun.Of(Now, "check", TestFiles.SelfSigned, "--host", "badssl.com", "--json");

        Assert.Equal(before.ExitCode, after.ExitCode);
        Assert.Equal(before.Stdout, after.Stdout);
        Assert.StartsWith("{", before.Stdout, StringComparison.Ordinal);
    }
}
