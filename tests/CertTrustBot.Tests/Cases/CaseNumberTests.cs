using CertTrustBot.Cases;

namespace CertTrustBot.Tests.Cases;

public class CaseNumberTests
{
    [Theory]
    [InlineData("CT-000042", "CT-000042")]
    [InlineData(" ct-42 ", "CT-000042")]
    [InlineData("CT-1234567", "CT-1234567")]
    public void A_case_number_as_a_person_types_it_is_read_into_its_canonical_form(string text, string expected)
    {
        Assert.True(CaseNumber.TryNormalize(text, out var caseNumber));
        Assert.Equal(expected, caseNumber);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("CT-")]
    [InlineData("CT-0")]
    [InlineData("CT-42/../x")]
    [InlineData("CT-١٢")] // Arabic-Indic digits are digits to char.IsDigit, not to a blob name
    [InlineData("CT-9999999999999")]
    [InlineData("42")]
    public void Anything_else_is_not_a_case_number(string? text)
    {
        Assert.False(CaseNumber.TryNormalize(text, out _));
    }
}
