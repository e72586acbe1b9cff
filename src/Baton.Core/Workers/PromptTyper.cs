using Baton.Core.Agents;
using Baton.Core.Tmux;

namespace Baton.Core.Workers;

/// <summary>What happened when Baton typed into a pane.</summary>
public sealed record TypingOutcome(bool Verified, int EnterAttempts, int Chunks, string Detail);

/// <summary>
/// Types text into an agent's input line and makes sure it was submitted. This is where tools of
/// this kind usually lose messages: an Enter that arrives before the agent has taken the pasted
/// text, or two senders interleaving. So: one sender per session at a time (a cross-process lock),
/// literal chunks, then Enter, then a look at the screen; Enter is retried while the text still
/// sits in the input line.
/// </summary>
public sealed class PromptTyper
{
    // tmux accepts long arguments, but agents drop characters when a huge burst arrives at once.
    public const int ChunkSize = 512;

    private const string PasteStart = "\u001b[200~";
    private const string PasteEnd = "\u001b[201~";

    // How often the screen is looked at while waiting for the echo or the submission, and how
    // long a fresh echo is left to settle before Enter follows it.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan EchoWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SubmitWait = TimeSpan.FromMilliseconds(1500);

    private readonly ISessionLock _locks;
    private readonly TimeProvider _time;
    private readonly int _maxEnterAttempts;

    public PromptTyper(ISessionLock locks, TimeProvider time, int maxEnterAttempts)
    {
        _locks = locks;
        _time = time;
        _maxEnterAttempts = Math.Max(1, maxEnterAttempts);
    }

    public async Task<TypingOutcome> SubmitAsync(ITmux tmux, string session, AgentProfile profile, string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tmux);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(text);
        using var held = _locks.Acquire(session, TimeSpan.FromSeconds(60));

        var rules = profile.Screen;
        var before = tmux.Capture(session);
        var chunks = 0;
        foreach (var chunk in Chunks(Prepare(profile, text)))
        {
            tmux.SendLiteral(session, chunk);
            chunks++;
        }

        // Wait for the agent to echo what was typed before pressing Enter: an Enter that overtakes
        // the text is the classic lost submission.
        await WaitForChangeAsync(tmux, session, before, EchoWait, ct).ConfigureAwait(false);
        var stillTyped = false;
        for (var attempt = 1; attempt <= _maxEnterAttempts; attempt++)
        {
            tmux.SendKeys(session, ["Enter"]);
            var deadline = _time.GetUtcNow() + SubmitWait;
            while (true)
            {
                await Task.Delay(Poll, _time, ct).ConfigureAwait(false);
                var now = tmux.Capture(session);

                // Submitted: the input line is empty again (or the profile names none) and the
                // screen is not what it was before we typed. Comparing with the screen before
                // typing, not after, also covers an agent that took the text as a key answer
                // and had already moved on before Enter.
                stillTyped = rules.InputLine is not null && !string.IsNullOrEmpty(ScreenClassifier.InputText(rules, now));
                if (!stillTyped && now != before)
                {
                    var how = rules.InputLine is null ? "the screen changed (the profile names no input line)" : "the input line emptied and the screen changed";
                    return new TypingOutcome(true, attempt, chunks, how);
                }

                if (_time.GetUtcNow() >= deadline)
                {
                    break;
                }
            }

            if (!stillTyped)
            {
                // Nothing waits in the input line: another Enter would only submit an empty line.
                break;
            }
        }

        return new TypingOutcome(false, _maxEnterAttempts, chunks, stillTyped
            ? "the text still sat in the input line after every Enter"
            : "the screen did not change after the text and Enter");
    }

    /// <summary>Multi-line text goes in as one bracketed paste, so its newlines do not submit early.</summary>
    public static string Prepare(AgentProfile profile, string text)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!normalized.Contains('\n', StringComparison.Ordinal))
        {
            return normalized;
        }

        return profile.Multiline == "join"
            ? normalized.Replace('\n', ' ')
            : PasteStart + normalized + PasteEnd;
    }

    /// <summary>Splits text into literal chunks without cutting a surrogate pair.</summary>
    public static IEnumerable<string> Chunks(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        while (start < text.Length)
        {
            var length = Math.Min(ChunkSize, text.Length - start);
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length--;
            }

            yield return text.Substring(start, length);
            start += length;
        }
    }

    private async Task WaitForChangeAsync(ITmux tmux, string session, string before, TimeSpan wait, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + wait;
        while (_time.GetUtcNow() < deadline)
        {
            await Task.Delay(Poll, _time, ct).ConfigureAwait(false);
            if (tmux.Capture(session) != before)
            {
                // Let a fast burst of echo settle before Enter follows it.
                await Task.Delay(Settle, _time, ct).ConfigureAwait(false);
                return;
            }
        }
    }
}
