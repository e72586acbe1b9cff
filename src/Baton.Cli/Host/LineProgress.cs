namespace Baton.Cli.Host;

/// <summary>
/// Progress as lines on a writer (stderr), written at once on the caller's thread: the
/// framework's Progress&lt;T&gt; posts to the thread pool, so lines could come out of order or
/// after the command's result.
/// </summary>
internal sealed class LineProgress : IProgress<string>
{
    private readonly TextWriter _writer;
    private readonly Lock _gate = new();

    public LineProgress(TextWriter writer)
    {
        _writer = writer;
    }

    public void Report(string value)
    {
        lock (_gate)
        {
            _writer.WriteLine("baton: " + value);
        }
    }
}
