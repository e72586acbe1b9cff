using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Git;
using Baton.Core.Processes;
using Baton.Core.Tests.Fakes;
using Xunit;

namespace Baton.Core.Tests.Config;

public sealed class InitServiceTests
{
    private const string Root = "/repo";
    private readonly InMemoryFiles _files = new();
    private readonly Workspace _git = new();
    private readonly Setup _setup = new();

    private InitService Service(int exitCode = 0) => new(_files, _git, new RevParse(exitCode), _setup);

    [Fact]
    public void A_first_init_writes_folders_config_built_ins_store_and_the_exclude_line_in_order()
    {
        var result = Service().Init(Root + "/src");

        Assert.Equal(Root, result.Root);
        Assert.True(result.Created);
        Assert.Equal([".baton/", ".baton/logs/", ".baton/locks/", ".baton/agents/", ".baton/config.yaml", ".baton/roles/worker.yaml", ".baton/baton.db", ".git/info/exclude (+ .baton/)"], result.Written);
        Assert.Equal("config: template\n", _files.ReadText("/repo/.baton/config.yaml"));
        Assert.Equal("role: worker\n", _files.ReadText("/repo/.baton/roles/worker.yaml"));
        Assert.Equal(["/repo/.baton/baton.db"], _setup.Stores);
        Assert.Equal([(Root, "/.baton/")], _git.Excluded);
    }

    [Fact]
    public void A_second_init_overwrites_nothing_and_checks_the_config_that_exists()
    {
        Service().Init(Root);
        _files.WriteText("/repo/.baton/roles/worker.yaml", "edited\n");
        _files.WriteText("/repo/.baton/baton.db", "");
        _git.Added = false;

        var again = Service().Init(Root);

        Assert.False(again.Created);
        Assert.Empty(again.Written);
        Assert.Equal("edited\n", _files.ReadText("/repo/.baton/roles/worker.yaml"));
        Assert.Equal(["/repo/.baton/config.yaml"], _setup.Checked);
    }

    [Fact]
    public void Init_with_a_shared_store_fills_in_store_url_without_the_password_and_makes_no_sqlite_file()
    {
        _setup.Template = "store:\n  url: \"\"\n  busy_timeout: 10s\n";

        var result = Service().Init(Root, "postgres://ann:secret@db/baton");

        Assert.True(result.Created);
        Assert.Equal("store:\n  url: \"postgres://ann@db/baton\"\n  busy_timeout: 10s\n", _files.ReadText("/repo/.baton/config.yaml"));
        Assert.Equal(["postgres://ann:secret@db/baton"], _setup.Stores);
        Assert.DoesNotContain(".baton/baton.db", result.Written);

        // A config whose store section was edited by hand is not rewritten: it says what to set.
        _files.WriteText("/repo/.baton/config.yaml", "store:\n  busy_timeout: 10s\n");
        var e = Assert.Throws<BatonException>(() => Service().Init(Root, "postgres://ann@db/other"));
        Assert.Contains("url: \"postgres://ann@db/other\"", e.Message);
    }

    [Fact]
    public void Outside_a_git_repository_init_says_so_and_writes_nothing()
    {
        var e = Assert.Throws<BatonException>(() => Service(exitCode: 128).Init("/tmp/x"));

        Assert.Contains("/tmp/x is not inside a git repository", e.Message);
        Assert.Empty(_files.AllFiles);
    }

    private sealed class RevParse(int exitCode) : IProcessRunner
    {
        public ProcessResult Run(ProcessRequest request)
        {
            Assert.Equal("git", request.File);
            Assert.Equal("rev-parse", request.Arguments[2]);
            return new ProcessResult(exitCode, exitCode == 0 ? Root + "\n" : "", "", TimeSpan.Zero);
        }

        public Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("init runs git synchronously");
    }

    private sealed class Workspace : IGitWorkspace
    {
        public List<(string Directory, string Pattern)> Unexcluded { get; } = [];

        public bool Unexclude(string directory, string pattern)
        {
            Unexcluded.Add((directory, pattern));
            return true;
        }

        public List<(string, string)> Excluded { get; } = [];

        public bool Added { get; set; } = true;

        public bool Exclude(string directory, string pattern)
        {
            Excluded.Add((directory, pattern));
            return Added;
        }

        public string? InstallGuards(string directory, IReadOnlyList<string> baton) => throw new InvalidOperationException("not init's business");

        public (string Own, string Common)? GitFolders(string directory) => throw new InvalidOperationException("not init's business");
    }

    private sealed class Setup : IProjectSetup
    {
        public List<string> Stores { get; } = [];

        public List<string> Checked { get; } = [];

        public string Template { get; set; } = "config: template\n";

        public string DefaultConfig => Template;

        public void CheckConfig(string path, string text) => Checked.Add(path);

        public IReadOnlyList<BuiltInFile> BuiltIns() => [new("roles", "worker", "role: worker\n")];

        public void CreateStore(string database) => Stores.Add(database);

        public string CreateSharedStore(string url)
        {
            Stores.Add(url);
            return url.Replace(":secret", "", StringComparison.Ordinal);
        }
    }
}
