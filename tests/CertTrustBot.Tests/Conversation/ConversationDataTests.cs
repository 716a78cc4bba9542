using System.Text.Json;
using System.Text.Json.Nodes;
using CertTrustBot.Conversation;

namespace CertTrustBot.Tests.Conversation;

/// <summary>The state as <see cref="ConversationStateStore"/> writes it: System.Text.Json with the record blobs' options.</summary>
public class ConversationDataTests
{
    // The store's own options: a copy here could drift from them unnoticed.
    private static readonly JsonSerializerOptions StoreOptions = CertTrustBot.Storage.BlobJson.Options;

    private static readonly ConversationData Full = new()
    {
        Step = ConversationStep.AwaitingConfirmation,
        Mode = ConversationMode.Request,
        RequestId = "0f8e2d6c4b1a4e9f8d7c6b5a49382716",
        FileName = "contoso root (2026).cer",
        Certificates = [[0x30, 0x82, 0x00, 0xFF, 0x10], [0x30, 0x03, 0x02, 0x01, 0x01]],
        Environments = ["Test", "Production", "UAT 2"],
        HostName = "erp.example.com",
        LastRequestId = "earlier",
        LastCaseNumber = "CT-000041",
        Questions = [new PendingQuestion("CT-000041", 3, "Which host?", new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(1)))],
    };

    private static void AssertSame(ConversationData expected, ConversationData? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Mode, actual.Mode);
        Assert.Equal(expected.RequestId, actual.RequestId);
        Assert.Equal(expected.FileName, actual.FileName);
        Assert.Equal(expected.Certificates, actual.Certificates);
        Assert.Equal(expected.Environments, actual.Environments);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.LastRequestId, actual.LastRequestId);
        Assert.Equal(expected.LastCaseNumber, actual.LastCaseNumber);
        Assert.Equal(expected.Questions, actual.Questions);
    }

    [Fact]
    public void The_state_round_trips_with_the_options_of_the_state_store()
    {
        AssertSame(Full, JsonSerializer.Deserialize<ConversationData>(JsonSerializer.Serialize(Full, StoreOptions), StoreOptions));
    }

    [Fact]
    public void The_pending_certificates_are_stored_as_a_list_of_Base64_DER_and_the_file_itself_is_not()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(Full, StoreOptions))!.AsObject();

        Assert.Equal(["MIIA/xA=", "MAMCAQE="], json["certificates"]!.AsArray().Select(n => (string?)n));
        Assert.DoesNotContain(json, p => p.Key.StartsWith("file", StringComparison.Ordinal) && p.Key != "fileName");
    }

    [Fact]
    public void A_new_state_is_idle_and_empty_after_a_round_trip()
    {
        var json = JsonSerializer.Serialize(new ConversationData(), StoreOptions);
        AssertSame(new ConversationData(), JsonSerializer.Deserialize<ConversationData>(json, StoreOptions));
        Assert.DoesNotContain("EqualityContract", json, StringComparison.Ordinal);

        var empty = JsonSerializer.Deserialize<ConversationData>("{}", StoreOptions)!;
        Assert.Equal(ConversationStep.Idle, empty.Step);
        Assert.Empty(empty.Certificates);
        Assert.Empty(empty.Environments);
        Assert.Empty(empty.Questions);
    }

    [Fact]
    public void Null_lists_in_stored_JSON_are_read_as_empty()
    {
        var state = JsonSerializer.Deserialize<ConversationData>("""{"certificates":null,"environments":null,"questions":null}""", StoreOptions)!;

        Assert.Empty(state.Certificates);
        Assert.Empty(state.Environments);
        Assert.Empty(state.Questions);
    }
}
