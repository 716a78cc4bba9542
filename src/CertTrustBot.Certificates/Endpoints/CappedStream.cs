namespace CertTrustBot.Certificates.Endpoints;

/// <summary>
/// The connection to a server under a byte cap: reading past <c>maxBytes</c> fails, so a server that streams forever
/// cannot hold the check. Remembers the first bytes the server sent, which tell TLS from plain HTTP.
/// </summary>
internal sealed class CappedStream(Stream inner, int maxBytes) : Stream
{
    private readonly byte[] _start = new byte[16];
    private int _startLength;
    private long _read;

    /// <summary>The first byte the server sent, or null when it sent nothing.</summary>
    public byte? FirstByte => _startLength > 0 ? _start[0] : null;

    /// <summary>The server sent more than the cap.</summary>
    public bool OverLimit { get; private set; }

    public ReadOnlySpan<byte> Start => _start.AsSpan(0, _startLength);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    private int Count(ReadOnlySpan<byte> read)
    {
        if (_startLength < _start.Length)
        {
            var take = Math.Min(read.Length, _start.Length - _startLength);
            read[..take].CopyTo(_start.AsSpan(_startLength));
            _startLength += take;
        }
        _read += read.Length;
        if (_read > maxBytes)
        {
            OverLimit = true;
            throw new LimitException();
        }
        return read.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The server sent more than the cap.</summary>
    internal sealed class LimitException : IOException
    {
        public LimitException() : base("The server sent more than the byte limit.")
        {
        }
    }
}
