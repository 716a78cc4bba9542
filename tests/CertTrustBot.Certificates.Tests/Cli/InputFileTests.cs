using System.Runtime.InteropServices;
using CertTrustBot.Cli;

namespace CertTrustBot.Certificates.Tests.Cli;

/// <summary>How the CLI reads a file named on the command line: all of it, once, in a buffer of its own size.</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("certtrust-input-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(int size)
    {
        var path = Path.Combine(_folder, $"file-{size}.pem");
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(10)]
    [InlineData(4096)]
    [InlineData(100_000)]
    [InlineData(4_700_000)] // a trust store of about 5,760 roots
    public void A_file_is_read_whole_into_a_buffer_no_bigger_than_it_plus_one_byte(int size)
    {
        var path = Write(size);

        var read = InputFile.Read(path, maxBytes: 16 * 1024 * 1024);

        Assert.Null(read.Error);
        Assert.Null(read.TooLarge);
        Assert.Equal(File.ReadAllBytes(path), read.Content.ToArray());
        Assert.True(MemoryMarshal.TryGetArray(read.Content, out var segment));
        // Not doubled to find the end: for 4.7 MB that was a 9.4 MB buffer, kept for the whole check.
        Assert.True(segment.Array!.Length <= Math.Max(size + 1, 4096), $"buffer of {segment.Array.Length:N0} bytes for a file of {size:N0}");
    }

    [Fact]
    public void A_file_over_the_limit_is_refused_by_its_size_without_being_read()
    {
        var path = Write(5000);

        var read = InputFile.Read(path, maxBytes: 4999);

        Assert.Equal(5000, read.TooLarge);
        Assert.True(read.Content.IsEmpty);
    }

    [Fact]
    public void A_file_exactly_at_the_limit_is_read()
    {
        var path = Write(5000);

        var read = InputFile.Read(path, maxBytes: 5000);

        Assert.Null(read.TooLarge);
        Assert.Equal(5000, read.Content.Length);
    }
}
