using System.Buffers.Binary;
using System.Text.Json;
using CertTrustBot.Tests.Infrastructure;

namespace CertTrustBot.Tests.Manifest;

public sealed class TeamsManifestTests
{
    private static readonly string Folder = Repository.PathOf("manifests", "teams");
    private static readonly JsonElement Manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement;

    [Fact]
    public void The_manifest_has_every_field_Teams_requires()
    {
        foreach (var field in new[] { "$schema", "manifestVersion", "version", "id", "developer", "name", "description", "icons", "accentColor", "bots" })
            Assert.True(Manifest.TryGetProperty(field, out _), $"manifest.json has no '{field}'");
        foreach (var field in new[] { "name", "websiteUrl", "privacyUrl", "termsOfUseUrl" })
            Assert.True(Manifest.GetProperty("developer").TryGetProperty(field, out _), $"developer has no '{field}'");
        Assert.True(Manifest.GetProperty("name").GetProperty("short").GetString()!.Length <= 30);
        Assert.True(Manifest.GetProperty("description").GetProperty("short").GetString()!.Length <= 80);
        Assert.True(Manifest.GetProperty("description").GetProperty("full").GetString()!.Length <= 4000);
        Assert.Matches("^#[0-9A-Fa-f]{6}$", Manifest.GetProperty("accentColor").GetString());
    }

    [Fact]
    public void The_manifest_uses_a_current_schema_version()
    {
        var version = Version.Parse(Manifest.GetProperty("manifestVersion").GetString()!);

        Assert.True(version >= new Version(1, 19), $"manifestVersion {version} is older than 1.19");
        Assert.Contains($"/v{version}/", Manifest.GetProperty("$schema").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_bot_accepts_files_in_personal_chat_and_lists_its_commands()
    {
        var bot = Assert.Single(Manifest.GetProperty("bots").EnumerateArray());

        Assert.Equal("${{BOT_ID}}", bot.GetProperty("botId").GetString());
        Assert.True(bot.GetProperty("supportsFiles").GetBoolean());
        Assert.Equal(["personal", "team"], bot.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var personal = bot.GetProperty("commandLists").EnumerateArray()
            .Single(l => l.GetProperty("scopes").EnumerateArray().Any(s => s.GetString() == "personal"));
        Assert.Equal(
            ["help", "new request", "check", "status", "my certificates", "cancel"],
            personal.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("title").GetString()));

        // In a team the staff commands are offered too (Teams shows them after an @mention in the staff channel).
        var team = bot.GetProperty("commandLists").EnumerateArray()
            .Single(l => l.GetProperty("scopes").EnumerateArray().Any(s => s.GetString() == "team"));
        Assert.Equal(
            ["help", "status", "cases", "show", "expiring"],
            team.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("title").GetString()));
    }

    [Fact]
    public void Ids_and_developer_urls_are_placeholders_to_fill_in_when_packaging()
    {
        Assert.Matches(@"^\$\{\{[A-Z_]+\}\}$", Manifest.GetProperty("id").GetString());
        foreach (var url in new[] { "websiteUrl", "privacyUrl", "termsOfUseUrl" })
            Assert.Matches(@"^\$\{\{[A-Z_]+\}\}$", Manifest.GetProperty("developer").GetProperty(url).GetString());
    }

    [Theory]
    [InlineData("color", 192)]
    [InlineData("outline", 32)]
    public void The_icons_are_PNG_files_of_the_required_size(string icon, int size)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, Manifest.GetProperty("icons").GetProperty(icon).GetString()!));

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void The_outline_icon_is_white_on_transparent()
    {
        var pixels = ReadRgba(File.ReadAllBytes(Path.Combine(Folder, "outline.png")), out var size);

        var opaque = 0;
        for (var i = 0; i < size * size * 4; i += 4)
        {
            if (pixels[i + 3] == 0)
                continue;
            opaque++;
            Assert.True(pixels[i] == 255 && pixels[i + 1] == 255 && pixels[i + 2] == 255, $"pixel {i / 4} is visible but not white");
        }

        Assert.InRange(opaque, 1, (size * size) - 1); // something is drawn, and not everything
    }

    // Enough PNG decoding for icons drawn by make-icons.py: 8-bit RGBA, unfiltered rows.
    private static byte[] ReadRgba(byte[] png, out int size)
    {
        size = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
        Assert.Equal(8, png[24]);
        Assert.Equal(6, png[25]);
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (System.Text.Encoding.ASCII.GetString(png, at + 4, 4) == "IDAT")
                idat.Write(png, at + 8, length);
            at += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var raw = inflated.ToArray();
        var pixels = new byte[size * size * 4];
        for (var y = 0; y < size; y++)
        {
            Assert.Equal(0, raw[y * ((size * 4) + 1)]);
            Array.Copy(raw, (y * ((size * 4) + 1)) + 1, pixels, y * size * 4, size * 4);
        }

        return pixels;
    }
}
