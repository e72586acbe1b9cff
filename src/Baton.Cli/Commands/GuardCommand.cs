using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Processes;
using Baton.Core.Roles;
using Baton.Core.Workers;
using Baton.Infrastructure.Processes;

namespace Baton.Cli.Commands;

/// <summary>
/// `baton guard HOOK`: the check behind the git hooks Baton installs for guarded roles
/// (pre-commit: paths outside the role's write globs; pre-push and reference-transaction:
/// protected branches). Exits 1 with the reason to make git refuse; 0 for anyone not guarded.
/// </summary>
internal static class GuardCommand
{
    public static int Run(string[] args)
    {
        var db = Environment.GetEnvironmentVariable("BATON_DB");
        var worker = Environment.GetEnvironmentVariable("BATON_WORKER");
        if (string.IsNullOrEmpty(db) || !WorkerName.IsValid(worker))
        {
            return 0;
        }

        var file = Path.Combine(BatonPaths.ForDatabase(db).BatonDir, "guards", worker + ".json");
        if (!File.Exists(file))
        {
            return 0;
        }

        var policy = GitGuard.Deserialize(File.ReadAllText(file));
        var hook = args.Length > 1 ? args[1] : "";
        var input = Console.IsInputRedirected ? Console.In.ReadToEnd() : "";
        var lines = input.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? refusal;
        try
        {
            refusal = Check(policy, hook, args, lines);
        }
        catch (BatonException e)
        {
            // git did not answer in time (or could not start): refuse rather than wave the commit through.
            refusal = "could not check the staged paths: " + e.Message;
        }

        if (refusal is null)
        {
            return 0;
        }

        Console.Error.WriteLine($"baton guard ({worker}): {refusal}");
        return 1;
    }

    private static string? Check(GuardPolicy policy, string hook, string[] args, string[] lines) =>
        hook switch
        {
            "pre-commit" => GitGuard.CheckCommit(policy, StagedPaths()),
            // stdin: <local ref> <local oid> <remote ref> <remote oid>
            "pre-push" => GitGuard.CheckRefs(policy, lines.Select(l => l.Split(' ')).Where(f => f.Length >= 3).Select(f => f[2]), "push to"),
            // stdin: <old oid> <new oid> <ref name>; only the "prepared" phase can still abort
            "reference-transaction" when args.Length > 2 && args[2] == "prepared" =>
                GitGuard.CheckRefs(policy, lines.Select(l => l.Split(' ')).Where(f => f.Length >= 3).Select(f => f[2]), "move"),
            _ => null,
        };

    private static IEnumerable<string> StagedPaths()
    {
        // git runs a hook in the top of the working tree, with GIT_INDEX_FILE set for a partial
        // commit (inherited): `-C` that directory is what git means, said explicitly.
        var result = new ProcessRunner().Run(
            new ProcessRequest("git", ["-C", Directory.GetCurrentDirectory(), "diff", "--cached", "--name-only", "-z", "--no-renames"])
            {
                Timeout = TimeSpan.FromSeconds(30),
            });
        return result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }
}
