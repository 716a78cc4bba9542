namespace CertTrustBot.Cli;

/// <summary>SGR colour codes, or the bare text when colour is off.</summary>
internal sealed class Ansi(bool enabled)
{
    public string Bold(string text) => Wrap("1", text);
    public string Dim(string text) => Wrap("2", text);
    public string Red(string text) => Wrap("1;31", text);
    public string Yellow(string text) => Wrap("1;33", text);
    public string Green(string text) => Wrap("1;32", text);
    public string Cyan(string text) => Wrap("36", text);

    private string Wrap(string code, string text) => enabled ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
