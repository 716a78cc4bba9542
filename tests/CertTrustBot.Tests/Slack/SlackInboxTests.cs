using System.Collections.Concurrent;
using CertTrustBot.Slack;
using CertTrustBot.Storage;
using CertTrustBot.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CertTrustBot.Tests.Slack;

/// <summary>The Slack inbox against Azurite: each request worked on once, by one instance, retried when it failed.</summary>
[Collection("Azurite")]
public sealed class SlackInboxTests(AzuriteFixture azurite)
{
    private readonly BlobContainers _containers = AzuriteFixture.CreateContainers(azurite.NewStorageOptions());
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private SlackInbox NewInstance() => new(_containers, Options.Create(new SlackOptions { ClaimDuration = TimeSpan.FromMinutes(2) }), _clock);

    [Fact]
    public async Task A_request_received_again_on_any_instance_is_not_recorded_twice()
    {
        using var one = NewInstance();
        using var two = NewInstance();

        Assert.True(await one.ReceiveAsync(SlackRequestKind.Event, "Ev0001", "{}", CancellationToken.None));
        Assert.False(await two.ReceiveAsync(SlackRequestKind.Event, "Ev0001", "{}", CancellationToken.None));
        Assert.False(await one.ReceiveAsync(SlackRequestKind.Event, "Ev0001", "{\"changed\":true}", CancellationToken.None));
        // Another kind with the same id is another request.
        Assert.True(await one.ReceiveAsync(SlackRequestKind.Command, "Ev0001", "{}", CancellationToken.None));
    }

    [Fact]
    public async Task Two_instances_working_at_once_work_on_each_request_once()
    {
        using var one = NewInstance();
        using var two = NewInstance();
        for (var i = 0; i < 20; i++)
            await one.ReceiveAsync(SlackRequestKind.Event, $"Ev{i:D4}", $"{{\"n\":{i}}}", CancellationToken.None);
        var worked = new ConcurrentBag<string>();
        Task Work(SlackInboxItem item, CancellationToken token)
        {
            worked.Add(item.Id);
            return Task.Delay(5, token);
        }

        await Task.WhenAll(
            one.RunOnceAsync(Work, (_, e) => throw e, CancellationToken.None),
            two.RunOnceAsync(Work, (_, e) => throw e, CancellationToken.None));
        await one.RunOnceAsync(Work, (_, e) => throw e, CancellationToken.None);

        Assert.Equal(20, worked.Count);
        Assert.Equal(20, worked.Distinct().Count());
    }

    [Fact]
    public async Task A_failed_request_is_tried_again_after_its_claim_and_given_up_after_the_last_attempt()
    {
        using var inbox = NewInstance();
        await inbox.ReceiveAsync(SlackRequestKind.Event, "Ev0001", "{}", CancellationToken.None);
        var attempts = 0;
        var failures = 0;
        Task Fail(SlackInboxItem item, CancellationToken _)
        {
            attempts++;
            throw new InvalidOperationException("Slack said no");
        }

        await inbox.RunOnceAsync(Fail, (_, _) => failures++, CancellationToken.None);
        await inbox.RunOnceAsync(Fail, (_, _) => failures++, CancellationToken.None); // waiting for its retry: not again
        Assert.Equal(1, attempts);
        _clock.Advance(TimeSpan.FromSeconds(4));
        await inbox.RunOnceAsync(Fail, (_, _) => failures++, CancellationToken.None);
        Assert.Equal(1, attempts);
        _clock.Advance(TimeSpan.FromSeconds(2)); // 6 s after the first attempt: the first retry is after 5 s
        await inbox.RunOnceAsync(Fail, (_, _) => failures++, CancellationToken.None);
        Assert.Equal(2, attempts);
        for (var i = 2; i < SlackInbox.MaxAttempts + 2; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
            await inbox.RunOnceAsync(Fail, (_, _) => failures++, CancellationToken.None);
        }

        Assert.Equal(SlackInbox.MaxAttempts, attempts);
        Assert.Equal(SlackInbox.MaxAttempts, failures);
    }

    [Fact]
    public async Task A_done_request_answers_retries_for_an_hour_then_is_deleted()
    {
        using var inbox = NewInstance();
        await inbox.ReceiveAsync(SlackRequestKind.Event, "Ev0001", "{}", CancellationToken.None);
        await inbox.RunOnceAsync((_, _) => Task.CompletedTask, (_, e) => throw e, CancellationToken.None);

        Assert.False(await inbox.ReceiveAsync(SlackRequestKind.Event, "Ev0001", "{}", CancellationToken.None));
        Assert.Equal(0, await inbox.RunOnceAsync((_, _) => throw new InvalidOperationException("worked twice"), (_, e) => throw e, CancellationToken.None));

        _clock.Advance(TimeSpan.FromHours(2));
        await inbox.RunOnceAsync((_, _) => Task.CompletedTask, (_, e) => throw e, CancellationToken.None);

        var state = await _containers.StateAsync(CancellationToken.None);
        Assert.False(await state.GetBlobClient(SlackInbox.BlobNameFor(SlackRequestKind.Event, "Ev0001")).ExistsAsync());
    }
}
