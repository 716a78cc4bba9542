namespace CertTrustBot.Cli;

/// <summary>Reads a file named on the command line, never more than the engine would accept plus one byte.</summary>
internal static class InputFile
{
    /// <param name="Content">The bytes read, when the file could be read and is within the limit.</param>
    /// <param name="Error">Why the file could not be read.</param>
    /// <param name="TooLarge">Set when the file is over the limit: its size when known, else -1 (a pipe or device).</param>
    public readonly record struct Result(ReadOnlyMemory<byte> Content, string? Error, long? TooLarge = null);

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> + 1 bytes, so that a multi-gigabyte file or an endless device is
    /// refused without being loaded; a regular file over the limit is refused from its size, without reading it.
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
            // Devices and pipes report a length of 0 (or none) and may never end: grow from a small buffer up to the cap.
            var length = stream.CanSeek ? stream.Length : 0;
            if (length > maxBytes)
                return new(default, null, length); // not read at all: the size alone decides
            // One byte more than the file's size: the read that finds the end then has room, and the buffer is not
            // doubled just to learn there is nothing more (for a 4.7 MB trust store that was a 9.4 MB copy, kept).
            var buffer = new byte[(int)Math.Clamp(length + 1, 4096, cap)];
            var total = 0;
            while (total < cap)
            {
                if (total == buffer.Length)
                    Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, cap));
                var read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                    break;
                total += read;
            }
            return total > maxBytes ? new(default, null, -1) : new(buffer.AsMemory(0, total), null);
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
