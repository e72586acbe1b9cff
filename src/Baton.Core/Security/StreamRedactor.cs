namespace Baton.Core.Security;

/// <summary>
/// Masks secrets in text that arrives in pieces (a pane's output): each piece is masked together
/// with what was held back before it, and the end that could be the start of a secret cut off by
/// the piece boundary is held back until the next piece. So a secret printed across two chunks is
/// masked whole, at the cost of showing a few characters late (only when the output stops right
/// on what looks like the start of a secret). Not thread-safe: one feed, one reader.
/// </summary>
public sealed class StreamRedactor
{
    private readonly Redactor _redactor;
    private string _held = "";

    public StreamRedactor(Redactor redactor)
    {
        ArgumentNullException.ThrowIfNull(redactor);
        _redactor = redactor;
    }

    /// <summary>What is held back now: text received but not yet released.</summary>
    public string Held => _held;

    /// <summary>Takes the next piece; returns the masked text that is safe to show now (possibly empty).</summary>
    public string Push(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        var (shown, held) = _redactor.RedactPiece(_held + piece);
        _held = held;
        return shown;
    }
}
