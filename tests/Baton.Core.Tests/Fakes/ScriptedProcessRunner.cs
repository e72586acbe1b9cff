using Baton.Core.Processes;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// A process runner that starts nothing: each call must match the next expected one (file and
/// arguments, in order) and gets its canned result. A call it was not told about throws and is
/// remembered, so <see cref="VerifyAllCalled"/> fails the test even when the code under test
/// swallowed the exception.
/// </summary>
public sealed class ScriptedProcessRunner : IProcessRunner
{
    private readonly Queue<(string File, IReadOnlyList<string> Arguments, ProcessResult Result)> _expected = new();
    private readonly List<ProcessRequest> _calls = [];
    private readonly List<string> _unexpected = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<ProcessRequest> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public ScriptedProcessRunner Expect(string file, IReadOnlyList<string> arguments, int exitCode, string stdout = "", string stderr = "")
    {
        lock (_lock)
        {
            _expected.Enqueue((file, arguments, new ProcessResult(exitCode, stdout, stderr, TimeSpan.FromMilliseconds(1))));
        }

        return this;
    }

    public ProcessResult Run(ProcessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            _calls.Add(request);
            var shown = Show(request.File, request.Arguments);
            if (!_expected.TryPeek(out var next) || next.File != request.File || !next.Arguments.SequenceEqual(request.Arguments))
            {
                var why = $"unexpected process {shown}" + (_expected.Count == 0 ? " (none expected)" : $" (expected {Show(next.File, next.Arguments)})");
                _unexpected.Add(why);
                throw new InvalidOperationException(why);
            }

            _expected.Dequeue();
            return next.Result;
        }
    }

    public Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Run(request));
    }

    /// <summary>Fails when a call was not expected, or an expected one was never made.</summary>
    public void VerifyAllCalled()
    {
        lock (_lock)
        {
            if (_unexpected.Count > 0)
            {
                throw new InvalidOperationException(string.Join("; ", _unexpected));
            }

            if (_expected.Count > 0)
            {
                throw new InvalidOperationException("expected but never run: " + string.Join("; ", _expected.Select(e => Show(e.File, e.Arguments))));
            }
        }
    }

    private static string Show(string file, IReadOnlyList<string> arguments) => file + " " + string.Join(' ', arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
}
