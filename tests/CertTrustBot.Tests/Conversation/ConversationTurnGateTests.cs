using CertTrustBot.Conversation;

namespace CertTrustBot.Tests.Conversation;

public class ConversationTurnGateTests
{
    [Fact]
    public async Task A_second_turn_of_the_same_conversation_waits_for_the_first()
    {
        var gate = new ConversationTurnGate();
        var first = await gate.EnterAsync("msteams/conversations/a", default);

        var second = gate.EnterAsync("msteams/conversations/a", default);
        var other = await gate.EnterAsync("msteams/conversations/b", default); // another conversation does not wait

        Assert.False(second.IsCompleted);
        first.Dispose();
        using (await second.WaitAsync(TimeSpan.FromSeconds(10)))
            Assert.Equal(2, gate.Active);
        other.Dispose();
        Assert.Equal(0, gate.Active); // nothing piles up once the turns are done
    }

    [Fact]
    public async Task A_turn_given_up_while_waiting_leaves_nothing_behind()
    {
        var gate = new ConversationTurnGate();
        var first = await gate.EnterAsync("a", default);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync("a", cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        first.Dispose();
        first.Dispose(); // twice is harmless
        Assert.Equal(0, gate.Active);
        using var again = await gate.EnterAsync("a", default).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
