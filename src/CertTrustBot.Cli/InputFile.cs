namespace CertTrustBot.Cli;

/// <summary>Reads a file named on the command line, never more than the engine would accept plus one byte.</summary>
internal static class InputFile
{
    public readonly record struct Result(ReadOnlyMemory<byte> Content, string? Error);

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> + 1 bytes: enough for the engine to see that a file is too large and
    /// say so, without loading a multi-gigabyte file (or an endless device) into memory.
    /// </summary>
    public static Result Read(string path, long maxBytes)
    {
        if (path.Length == 0)
            return new(default, "The file name is empty.");
        if (Directory.Exists(path))
            return new(default, "This is a directory, not a file.");

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            var cap = (int)Math.Min(maxBytes + 1, Array.MaxLength);
            var size = stream.CanSeek ? (int)Math.Min(stream.Length, cap) : 64 * 1024;
            var buffer = new byte[size];
            var total = 0;
            while (total < cap)
            {
                if (total == buffer.Length)
                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, cap));
                var read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                    break;
                total += read;
            }
            return new(buffer.AsMemory(0, total), null);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return new(default, "No such file.");
        }
        catch (UnauthorizedAccessException)
        {
            return new(default, "Permission denied: the file cannot be read.");
        }
        catch (Exception exception) when (exception is IOException or ArgumentException or NotSupportedException)
        {
            return new(default, exception.Message);
        }
    }
}
