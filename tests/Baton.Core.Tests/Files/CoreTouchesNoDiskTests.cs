using System.Text.RegularExpressions;
using Xunit;

namespace Baton.Core.Tests.Files;

/// <summary>
/// Core reaches files and environment variables only through its ports (IFiles,
/// IEnvironmentVariables), so its services run on fakes. This reads Core's source and fails on a
/// direct call, so the rule cannot quietly regress.
/// </summary>
public sealed partial class CoreTouchesNoDiskTests
{
    // Reading an embedded resource is not the disk.
    private static readonly HashSet<string> AllowedStreamReaders = new(StringComparer.Ordinal)
    {
        "GitHub/PullRequestTemplate.cs",
        "Tickets/TicketTemplate.cs",
    };

    [GeneratedRegex(@"(?<![\w.])(System\.IO\.)?(File|Directory)\.[A-Z]|Environment\.(GetEnvironmentVariables?|SetEnvironmentVariable|CurrentDirectory)\b|new\s+(FileStream|StreamWriter|FileInfo|DirectoryInfo)\s*\(")]
    private static partial Regex DiskOrEnvironment();

    [GeneratedRegex(@"new\s+StreamReader\s*\(")]
    private static partial Regex NewStreamReader();

    [Fact]
    public void No_core_source_file_calls_the_disk_or_reads_environment_variables_itself()
    {
        var core = Path.Combine(RepositoryRoot(), "src", "Baton.Core");
        var found = new List<string>();
        var scanned = 0;
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(core, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            scanned++;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                if (DiskOrEnvironment().IsMatch(code) || NewStreamReader().IsMatch(code) && !AllowedStreamReaders.Contains(relative))
                {
                    found.Add($"{relative}:{i + 1}: {code}");
                }
            }
        }

        Assert.True(scanned > 100, $"only {scanned} files scanned under {core}");
        Assert.True(found.Count == 0, "Core must reach files through IFiles and variables through IEnvironmentVariables:\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("if (File.Exists(path))")]
    [InlineData("System.IO.Directory.CreateDirectory(dir);")]
    [InlineData("var v = System.Environment.GetEnvironmentVariable(\"PATH\");")]
    [InlineData("using var s = new FileStream(path, FileMode.Open);")]
    public void The_scan_sees_a_direct_call(string line)
    {
        Assert.Matches(DiskOrEnvironment(), line);
    }

    [Theory]
    [InlineData("File = file;")]
    [InlineData("_files.FileExists(path)")]
    [InlineData("Directory = claimed.Worktree!,")]
    [InlineData("request.File.Length")]
    [InlineData("$\"pid {Environment.ProcessId}\"")]
    public void The_scan_leaves_alone_what_only_looks_like_one(string line)
    {
        Assert.DoesNotMatch(DiskOrEnvironment(), line);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Baton.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find Baton.slnx above " + AppContext.BaseDirectory);
    }
}
