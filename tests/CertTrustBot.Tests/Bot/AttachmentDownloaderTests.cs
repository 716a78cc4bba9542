using System.Net;
using System.Text;
using CertTrustBot.Bot;
using CertTrustBot.Tests.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertTrustBot.Tests.Bot;

public sealed class AttachmentDownloaderTests(LoopbackServers loopback) : IClassFixture<LoopbackServers>
{
    private static readonly byte[] Certificate = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    private readonly LoopbackFileServer _files = loopback.Files;

    [Fact]
    public async Task A_file_on_an_allowed_loopback_host_is_downloaded_without_a_token()
    {
        var url = _files.Serve(Certificate);
        var tokenAsked = false;

        var result = await Downloader(allowLoopback: true).DownloadAsync(url, (_, _) => { tokenAsked = true; return Task.CompletedTask; }, default);

        Assert.Null(result.Failure);
        Assert.Equal(Certificate, result.Content);
        Assert.False(tokenAsked);
        Assert.Equal(url.AbsolutePath, Assert.Single(_files.Requests, r => r.StartsWith(url.AbsolutePath, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Loopback_is_refused_unless_allowed_and_nothing_is_requested()
    {
        var url = _files.Serve(Certificate);

        var result = await Downloader(allowLoopback: false).DownloadAsync(url, null, default);

        Assert.Equal(DownloadFailure.HostNotAllowed, result.Failure);
        Assert.DoesNotContain(_files.Requests, r => r.StartsWith(url.AbsolutePath, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://files.example.net/root.cer")]
    [InlineData("https://sharepoint.com.example.net/root.cer")]
    [InlineData("https://evilsharepoint.com/root.cer")]
    [InlineData("http://contoso.sharepoint.com/root.cer")]
    [InlineData("file:///etc/passwd")]
    public async Task A_url_outside_the_allow_list_is_refused_before_any_request(string url)
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));

        var result = await Downloader(handler: handler).DownloadAsync(new Uri(url), null, default);

        Assert.Equal(DownloadFailure.HostNotAllowed, result.Failure);
        Assert.Empty(handler.Requests);
    }

    // The Unicode host passes a suffix check, but the connection goes to the IDN host: full-width "／", "？", "＃",
    // "：" do not survive normalisation (or turn into URL syntax), and a host that normalisation changes is not
    // the host that was checked. Before the IDN host was compared, these reached the handler (or a
    // UriFormatException escaped the download as a generic error).
    [Theory]
    [InlineData("https://evil.example\uFF0F.sharepoint.com/root.cer")]   // ／
    [InlineData("https://evil.example\uFF1F.sharepoint.com/root.cer")]   // ？
    [InlineData("https://evil.example\uFF03.sharepoint.com/root.cer")]   // ＃
    [InlineData("https://evil.example\uFF1A.sharepoint.com/root.cer")]   // ：
    [InlineData("https://evil.example\u2474.sharepoint.com/root.cer")]   // ⑴, normalised to "(1)"
    [InlineData("https://\uFF43ontoso.sharepoint.com/root.cer")]         // ｃ, normalised to "c"
    [InlineData("https://contoso.\uFF53harepoint.com/root.cer")]         // ｓ, normalised to "s"
    [InlineData("https://b\u00FCcher.sharepoint.com/root.cer")]          // ü: connects to xn--bcher-kva, not what the URL shows
    [InlineData("https://evil.example\u00AD.sharepoint.com/root.cer")]   // a soft hyphen, dropped by normalisation
    [InlineData("https://contoso.sharepoint.com\uFF0F@evil.example/x")]  // the host is evil.example
    public async Task A_host_that_IDN_normalisation_changes_is_refused_before_any_request(string url)
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Certificate) });

        var result = await Downloader(handler: handler).DownloadAsync(new Uri(url), null, default);

        Assert.Equal(DownloadFailure.HostNotAllowed, result.Failure);
        Assert.Empty(handler.Requests);
    }

    // Over real sockets: the refusal is a result, no exception escapes to the turn.
    [Fact]
    public async Task A_full_width_slash_in_the_host_is_a_refusal_over_a_real_handler_not_an_exception()
    {
        var result = await Downloader().DownloadAsync(new Uri("https://evil.example\uFF0F.sharepoint.com/root.cer"), null, default);

        Assert.Equal(DownloadFailure.HostNotAllowed, result.Failure);
    }

    // The user-info trick: what looks like the host is a user name. A file link never has one, so it is refused even
    // when the real host is allowed.
    [Theory]
    [InlineData("https://contoso.sharepoint.com\uFF0F@evil.example/x")]
    [InlineData("https://contoso.sharepoint.com\uFF1F@evil.example/x")]
    [InlineData("https://contoso.sharepoint.com\uFF03@evil.example/x")]
    [InlineData("https://contoso.sharepoint.com@evil.example/x")]
    [InlineData("https://user@contoso.sharepoint.com/root.cer")]
    public async Task A_url_with_a_user_name_before_the_host_is_refused_before_any_request(string url)
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Certificate) });
        var downloader = Downloader(handler: handler, allowedHosts: ["*.sharepoint.com", "evil.example"]);

        var result = await downloader.DownloadAsync(new Uri(url), null, default);

        Assert.Equal(DownloadFailure.HostNotAllowed, result.Failure);
        Assert.Empty(handler.Requests);
    }

    // Punycode written as such is what is connected to: it is checked as it stands.
    [Theory]
    [InlineData("https://xn--bcher-kva.sharepoint.com/root.cer", true)]
    [InlineData("https://xn--sharepint-d7a.com/root.cer", false)]
    [InlineData("https://contoso.xn--sharepint-d7a.com/root.cer", false)]
    public async Task A_punycode_host_is_checked_as_the_host_connected_to(string url, bool allowed)
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Certificate) });

        var result = await Downloader(handler: handler).DownloadAsync(new Uri(url), null, default);

        Assert.Equal(allowed ? null : DownloadFailure.HostNotAllowed, result.Failure);
        Assert.Equal(allowed ? 1 : 0, handler.Requests.Count);
    }

    [Fact]
    public async Task A_redirect_to_a_host_that_IDN_normalisation_changes_is_refused()
    {
        var handler = new StubHandler(request => request.RequestUri!.AbsolutePath == "/root.cer"
            ? new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("https://evil.example\uFF0F.sharepoint.com/x") } }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Certificate) });

        var result = await Downloader(handler: handler).DownloadAsync(new Uri("https://contoso.sharepoint.com/root.cer"), null, default);

        Assert.Equal(DownloadFailure.HostNotAllowed, result.Failure);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_web_page_is_recognised_by_its_content_type()
    {
        var url = _files.Serve(Encoding.UTF8.GetBytes("<p>Sign in</p>"), "text/html; charset=utf-8");

        var result = await Downloader(allowLoopback: true).DownloadAsync(url, null, default);

        Assert.Equal(DownloadFailure.WebPage, result.Failure);
    }

    [Fact]
    public async Task A_web_page_labelled_as_a_binary_file_is_recognised_by_its_start()
    {
        var url = _files.Serve(Encoding.UTF8.GetBytes("\n  <!DOCTYPE html><html><body>OneDrive</body></html>"));

        var result = await Downloader(allowLoopback: true).DownloadAsync(url, null, default);

        Assert.Equal(DownloadFailure.WebPage, result.Failure);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_over_the_limit_is_refused_with_or_without_a_length_header(bool sendLength)
    {
        var url = _files.Serve(new byte[5000], sendLength: sendLength);

        var result = await Downloader(allowLoopback: true, maxBytes: 4096).DownloadAsync(url, null, default);

        Assert.Equal(DownloadFailure.TooLarge, result.Failure);
        Assert.Null(result.Content);
    }

    [Fact]
    public async Task A_file_exactly_at_the_limit_is_accepted()
    {
        var url = _files.Serve(new byte[4096], sendLength: false);

        var result = await Downloader(allowLoopback: true, maxBytes: 4096).DownloadAsync(url, null, default);

        Assert.Equal(4096, result.Content?.Length);
    }

    [Fact]
    public async Task The_bot_token_goes_to_Bot_Framework_hosts_only()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Certificate) });
        var downloader = Downloader(handler: handler);
        Task Authorize(HttpRequestMessage request, CancellationToken _)
        {
            request.Headers.Authorization = new("Bearer", "bot-token");
            return Task.CompletedTask;
        }

        await downloader.DownloadAsync(new Uri("https://smba.trafficmanager.net/amer/v3/attachments/1/views/original"), Authorize, default);
        await downloader.DownloadAsync(new Uri("https://contoso-my.sharepoint.com/personal/a/root.cer"), Authorize, default);

        Assert.Equal("Bearer bot-token", handler.Requests[0].Headers.Authorization?.ToString());
        Assert.Null(handler.Requests[1].Headers.Authorization);
    }

    [Fact]
    public async Task A_redirect_is_followed_only_to_an_allowed_host()
    {
        var handler = new StubHandler(request => request.RequestUri!.Host == "contoso.sharepoint.com"
            ? new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("https://attacker.example.net/x") } }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Certificate) });

        var result = await Downloader(handler: handler).DownloadAsync(new Uri("https://contoso.sharepoint.com/root.cer"), null, default);

        Assert.Equal(DownloadFailure.HostNotAllowed, result.Failure);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_host_that_does_not_answer_in_time_is_reported_as_timed_out()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK), delay: TimeSpan.FromSeconds(10));
        var downloader = Downloader(handler: handler, timeout: TimeSpan.FromMilliseconds(200));

        var result = await downloader.DownloadAsync(new Uri("https://contoso.sharepoint.com/root.cer"), null, default);

        Assert.Equal(DownloadFailure.TimedOut, result.Failure);
    }

    [Fact]
    public async Task A_missing_file_is_reported_with_its_status()
    {
        var result = await Downloader(allowLoopback: true).DownloadAsync(new Uri(_files.BaseAddress, "f/gone"), null, default);

        Assert.Equal(DownloadFailure.Failed, result.Failure);
        Assert.Equal("HTTP 404", result.Detail);
    }

    private static AttachmentDownloader Downloader(
        bool allowLoopback = false, int maxBytes = 1024 * 1024, HttpMessageHandler? handler = null, TimeSpan? timeout = null, List<string>? allowedHosts = null)
    {
        var options = new AttachmentDownloadOptions
        {
            AllowLoopback = allowLoopback, MaxBytes = maxBytes, Timeout = timeout ?? TimeSpan.FromSeconds(5), AllowedHosts = allowedHosts ?? [],
        };
        return new AttachmentDownloader(new Clients(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false }), Options.Create(options), NullLogger<AttachmentDownloader>.Instance);
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond, TimeSpan? delay = null) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (delay is { } d)
                await Task.Delay(d, cancellationToken);
            return respond(request);
        }
    }
}
