using System.Globalization;
using System.Text;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Processes;

/// <summary>
/// <c>BATON_TRACE=FILE</c>: one line per process Baton ran, appended to FILE, for benchmarks that
/// set each step's wall time beside the process calls it made (bench/dispatch.sh). A line is
/// <c>start (Unix seconds)\tmilliseconds\tpid\tthread\tprogram\twhat\ttarget</c> (the pid: agents
/// started under a traced `baton up` inherit the variable and trace their own calls to the same file): for tmux the
/// subcommands of the chain and their exact <c>-t =...</c> targets, for git its subcommand and <c>-C</c>
/// folder, for anything else the program alone. Never an argument's text: what is typed into a
/// pane, environment values and commit messages stay out of the file.
/// </summary>
public sealed class ProcessTrace
{
    public const string Variable = "BATON_TRACE";

    private readonly string _file;
    private readonly Lock _lock = new();

    public ProcessTrace(string file)
    {
        _file = file;
    }

    /// <summary>The trace the variable names, or null (the normal case: nothing is written).</summary>
    public static ProcessTrace? From(string? file) => string.IsNullOrWhiteSpace(file) ? null : new ProcessTrace(file);

    public void Record(ProcessRequest request, DateTime startUtc, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (what, target) = Describe(request);
        var start = (startUtc - DateTime.UnixEpoch).TotalSeconds;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{start:F6}\t{elapsed.TotalMilliseconds:F3}\t{Environment.ProcessId}\t{Environment.CurrentManagedThreadId}\t{Path.GetFileName(request.File)}\t{what}\t{target}\n");
        lock (_lock)
        {
            try
            {
                File.AppendAllText(_file, line);
            }
            catch (IOException)
            {
                // A trace is for measuring: a full disk must not fail the command being traced.
            }
        }
    }

    /// <summary>The subcommands and targets of a tmux or git call; the program alone for others.</summary>
    public static (string What, string Target) Describe(ProcessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var args = request.Arguments;
        return Path.GetFileName(request.File) switch
        {
            "tmux" => Tmux(args),
            "git" => Git(args),
            _ => ("", ""),
        };
    }

    private static (string, string) Tmux(IReadOnlyList<string> args)
    {
        var what = new List<string>();
        var targets = new List<string>();
        var i = args.Count >= 2 && args[0] == "-L" ? 2 : 0;
        var first = true;
        var text = false; // after "--" or new-session's "env": text and a command line, never looked at
        for (; i < args.Count; i++)
        {
            if (first)
            {
                what.Add(args[i]);
                first = false;
            }
            else if (args[i] == ";")
            {
                first = true;
                text = false;
            }
            else if (text || args[i] is "--" or "env")
            {
                text = true;
            }
            else if (args[i] == "-t" && i + 1 < args.Count && args[i + 1].StartsWith('=') && !targets.Contains(args[i + 1]))
            {
                targets.Add(args[i + 1]);
            }
        }

        return (string.Join(';', what), Clean(string.Join(' ', targets)));
    }

    private static (string, string) Git(IReadOnlyList<string> args)
    {
        var dir = "";
        var i = 0;
        while (i + 1 < args.Count && (args[i] == "-C" || args[i] == "-c"))
        {
            if (args[i] == "-C")
            {
                dir = args[i + 1];
            }

            i += 2;
        }

        var what = new StringBuilder(i < args.Count ? args[i] : "");
        // A second word that is a subcommand of its own (worktree add, stash list), not an option or a value.
        if (i + 1 < args.Count && args[i] is "worktree" or "stash" or "remote" or "config" or "notes" && !args[i + 1].StartsWith('-'))
        {
            what.Append(' ').Append(args[i + 1]);
        }

        return (what.ToString(), Clean(dir));
    }

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ');
}
