using CertTrustBot.Conversation;
using Newtonsoft.Json;
using StjSerializer = System.Text.Json.JsonSerializer;

namespace CertTrustBot.Tests.Conversation;

public class ConversationDataTests
{
    private static readonly ConversationData Full = new()
    {
        Step = ConversationStep.AwaitingConfirmation,
        Mode = ConversationMode.Request,
        RequestId = "0f8e2d6c4b1a4e9f8d7c6b5a49382716",
        FileName = "contoso root (2026).cer",
        FileContent = [0x30, 0x82, 0x00, 0xFF, 0x10],
        Environments = ["Test", "Production", "UAT 2"],
        HostName = "erp.example.com",
        LastRequestId = "earlier",
        LastCaseNumber = "CT-000041",
    };

    private static void AssertSame(ConversationData expected, ConversationData? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Mode, actual.Mode);
        Assert.Equal(expected.RequestId, actual.RequestId);
        Assert.Equal(expected.FileName, actual.FileName);
        Assert.Equal(expected.FileContent, actual.FileContent);
        Assert.Equal(expected.Environments, actual.Environments);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.LastRequestId, actual.LastRequestId);
        Assert.Equal(expected.LastCaseNumber, actual.LastCaseNumber);
    }

    [Fact]
    public void The_state_round_trips_through_System_Text_Json()
    {
        AssertSame(Full, StjSerializer.Deserialize<ConversationData>(StjSerializer.Serialize(Full)));
    }

    [Fact]
    public void The_state_round_trips_through_Newtonsoft_as_the_bot_storage_uses_it()
    {
        var settings = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.None };
        AssertSame(Full, JsonConvert.DeserializeObject<ConversationData>(JsonConvert.SerializeObject(Full, settings), settings));
    }

    [Fact]
    public void The_state_round_trips_through_Newtonsoft_even_with_type_names()
    {
        var settings = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.All };
        var fromCollectionExpression = Full with { Environments = ["Test", "Production"] };
        AssertSame(fromCollectionExpression,
            JsonConvert.DeserializeObject<ConversationData>(JsonConvert.SerializeObject(fromCollectionExpression, settings), settings));
    }

    [Fact]
    public void State_written_by_one_serializer_is_read_by_the_other()
    {
        AssertSame(Full, JsonConvert.DeserializeObject<ConversationData>(StjSerializer.Serialize(Full)));
        AssertSame(Full, StjSerializer.Deserialize<ConversationData>(JsonConvert.SerializeObject(Full)));
    }

    [Fact]
    public void A_new_state_is_idle_and_empty_after_a_round_trip()
    {
        var json = JsonConvert.SerializeObject(new ConversationData());
        AssertSame(new ConversationData(), JsonConvert.DeserializeObject<ConversationData>(json));
        Assert.DoesNotContain("EqualityContract", json, StringComparison.Ordinal);
        Assert.Empty(StjSerializer.Deserialize<ConversationData>("{}")!.Environments);
    }
}
