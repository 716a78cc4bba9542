using System.Globalization;

namespace CertTrustBot.Cases;

/// <summary>Case numbers: <c>CT-</c> and at least six digits (<c>CT-000042</c>), allocated by <see cref="CaseDesk"/>.</summary>
public static class CaseNumber
{
    public const string Prefix = "CT-";

    public static string Format(long number)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(number);
        return Prefix + number.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Reads a case number as a person types it ("CT-000042", "ct-42", " CT-42 ") into its canonical form. Anything
    /// else is refused, so that text from a chat never becomes part of a blob name unchecked.
    /// </summary>
    public static bool TryNormalize(string? text, out string caseNumber)
    {
        caseNumber = "";
        var trimmed = text?.Trim();
        if (trimmed is null || !trimmed.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            return false;

        var digits = trimmed.AsSpan(Prefix.Length);
        if (digits.Length is 0 or > 12 || !digits.ContainsOnlyAsciiDigits())
            return false;

        var number = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (number == 0)
            return false;
        caseNumber = Format(number);
        return true;
    }

    private static bool ContainsOnlyAsciiDigits(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }
}
