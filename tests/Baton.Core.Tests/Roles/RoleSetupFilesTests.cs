using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Git;
using Baton.Core.Roles;
using Baton.Core.Tests.Fakes;
using Xunit;

namespace Baton.Core.Tests.Roles;

/// <summary>The files a role's start leaves (context, settings, guards), on the in-memory file system.</summary>
public sealed class RoleSetupFilesTests
{
    private const string Checkout = "/repo/.baton/worktrees/T-1";
    private static readonly BatonPaths Paths = BatonPaths.ForRoot("/repo");
    private readonly InMemoryFiles _files = new();
    private readonly FakeRoles _catalog = new();
    private readonly Workspace _git = new();
    private readonly RoleSetup _setup;

    public RoleSetupFilesTests()
    {
        _files.CreateDirectory(Checkout);
        var roles = new RoleService(_catalog, r => _catalog.GetDirective(r.Name), Paths, _files);
        _setup = new RoleSetup(roles, _git, Paths, ["baton"], ["baton", "hook"], _files);
        _catalog.Extra["tester"] = new Role { Name = "tester", Prompt = "Test everything." };
        _catalog.Extra["guarded"] = new Role { Name = "guarded", Prompt = "Stay in docs.", Permissions = new RolePermissions { Write = ["docs/**"] } };
    }

    private static AgentProfile Profile(string? contextFile = null, IReadOnlyList<string>? contextArgument = null) => new()
    {
        Name = "agent",
        Command = ["agent"],
        Screen = new ScreenRules(),
        ContextFile = contextFile,
        ContextArgument = contextArgument ?? [],
    };

    [Fact]
    public void A_context_file_the_checkout_lacks_is_written_there_and_excluded_from_git()
    {
        var launch = _setup.Prepare(Profile(contextFile: "AGENTS.md"), _catalog.GetRole("tester"), "w1", Checkout, "do T-1");

        Assert.Contains("Test everything.", _files.ReadText(Checkout + "/AGENTS.md"), StringComparison.Ordinal);
        Assert.Equal([(Checkout, "/AGENTS.md")], _git.Excluded);
        Assert.Equal("do T-1", launch.Prompt);
        Assert.Equal("/repo/.baton/context/w1.md", launch.Environment["BATON_CONTEXT_FILE"]);
    }

    [Fact]
    public void A_context_file_the_repository_has_is_left_alone_and_the_context_goes_before_the_prompt()
    {
        _files.WriteText(Checkout + "/AGENTS.md", "the project's own");

        var launch = _setup.Prepare(Profile(contextFile: "AGENTS.md"), _catalog.GetRole("tester"), "w1", Checkout, "do T-1");

        Assert.Equal("the project's own", _files.ReadText(Checkout + "/AGENTS.md"));
        Assert.Empty(_git.Excluded);
        Assert.StartsWith("# Role: tester", launch.Prompt, StringComparison.Ordinal);
        Assert.EndsWith("\n---\n\ndo T-1", launch.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_a_previous_worker_of_the_name_left_are_removed_before_the_new_one_starts()
    {
        _setup.Prepare(Profile(contextArgument: ["--context", "{context_file}"]), _catalog.GetRole("guarded"), "w1", Checkout, "p");
        Assert.True(_files.FileExists("/repo/.baton/guards/w1.json"));
        Assert.True(_files.FileExists("/repo/.baton/context/w1.md"));

        var launch = _setup.Prepare(Profile(), role: null, "w1", Checkout, "p");

        Assert.False(_files.FileExists("/repo/.baton/guards/w1.json"));
        Assert.False(_files.FileExists("/repo/.baton/context/w1.md"));
        Assert.Empty(launch.Arguments);
    }

    [Fact]
    public void A_guarded_role_writes_its_policy_and_installs_the_hooks()
    {
        var launch = _setup.Prepare(Profile(), _catalog.GetRole("guarded"), "w1", Checkout, "p");

        Assert.Contains("docs/**", _files.ReadText("/repo/.baton/guards/w1.json"), StringComparison.Ordinal);
        Assert.Equal([Checkout], _git.Guarded);
        Assert.Contains(launch.Notes, n => n.StartsWith("git guards installed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_named_agent_without_a_role_gets_its_memory_as_context()
    {
        new RoleService(_catalog, r => _catalog.GetDirective(r.Name), Paths, _files).AddMemory("w1", "prefers small commits", DateTimeOffset.UnixEpoch);

        var launch = _setup.Prepare(Profile(contextArgument: ["--context", "{context_file}"]), role: null, "w1", Checkout, "p");

        Assert.Equal(["--context", "/repo/.baton/context/w1.md"], launch.Arguments);
        Assert.Contains("prefers small commits", _files.ReadText("/repo/.baton/context/w1.md"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_with_mcp_registers_batons_server_with_the_profiles_argument_and_allows_its_tools()
    {
        _catalog.Extra["helper"] = new Role { Name = "helper", Prompt = "Help.", Mcp = RoleMcp.Worker };
        var profile = Profile() with { McpArgument = ["--mcp-config", "{mcp_config_file}"], SettingsArgument = ["--settings", "{settings_file}"] };

        var launch = _setup.Prepare(profile, _catalog.GetRole("helper"), "w1", Checkout, "do T-1");

        Assert.Equal(["--mcp-config", "/repo/.baton/mcp/w1.mcp.json"], launch.Arguments.Skip(launch.Arguments.Count - 2));
        Assert.Contains("\"mcp\"", _files.ReadText("/repo/.baton/mcp/w1.mcp.json"), StringComparison.Ordinal);
        Assert.Contains("mcp__baton", _files.ReadText("/repo/.baton/settings/w1.json"), StringComparison.Ordinal);

        // A role without it gets neither, and the file the name had before is gone.
        var plain = _setup.Prepare(profile, _catalog.GetRole("tester"), "w1", Checkout, "do T-1");
        Assert.DoesNotContain("--mcp-config", plain.Arguments);
        Assert.False(_files.FileExists("/repo/.baton/mcp/w1.mcp.json"));
        Assert.DoesNotContain("mcp__baton", _files.ReadText("/repo/.baton/settings/w1.json"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_shared_exclude_line_stays_while_another_workers_context_file_of_that_name_is_in_place()
    {
        // Codex and OpenCode both read AGENTS.md; linked worktrees share one info/exclude.
        const string other = "/repo/.baton/worktrees/T-2";
        _files.CreateDirectory(other);
        _setup.Prepare(Profile(contextFile: "AGENTS.md"), _catalog.GetRole("tester"), "w1", Checkout, "p");
        _setup.Prepare(Profile(contextFile: "AGENTS.md"), _catalog.GetRole("tester"), "w2", other, "p");

        _setup.Release("w1");

        Assert.False(_files.FileExists(Checkout + "/AGENTS.md"));
        Assert.Empty(_git.Unexcluded);
        _setup.Release("w2");
        Assert.Equal([(other, "/AGENTS.md")], _git.Unexcluded);
    }

    [Fact]
    public void A_shared_exclude_line_another_worker_added_stays_until_the_last_worker_relying_on_it_ends()
    {
        // Seen in a mixed team: Codex added /AGENTS.md, OpenCode found it there; Codex ended first
        // and took the line, and OpenCode's AGENTS.md showed as an uncommitted change.
        const string other = "/repo/.baton/worktrees/T-2";
        _files.CreateDirectory(other);
        _setup.Prepare(Profile(contextFile: "AGENTS.md"), _catalog.GetRole("tester"), "w1", Checkout, "p");
        _setup.Prepare(Profile(contextFile: "AGENTS.md"), _catalog.GetRole("tester"), "w2", other, "p");
        Assert.Equal([(Checkout, "/AGENTS.md")], _git.Excluded);

        _setup.Release("w1");
        Assert.Contains("/AGENTS.md", _git.Lines);

        _setup.Release("w2");
        Assert.DoesNotContain("/AGENTS.md", _git.Lines);
    }

    [Fact]
    public void An_exclude_line_the_user_had_before_baton_is_never_removed()
    {
        _git.Lines.Add("/AGENTS.md");
        _setup.Prepare(Profile(contextFile: "AGENTS.md"), _catalog.GetRole("tester"), "w1", Checkout, "p");

        _setup.Release("w1");

        Assert.False(_files.FileExists(Checkout + "/AGENTS.md"));
        Assert.Contains("/AGENTS.md", _git.Lines);
        Assert.Empty(_git.Unexcluded);
    }

    [Fact]
    public void A_profile_that_names_a_settings_variable_gets_baton_hooks_in_gemini_form_through_it()
    {
        var profile = Profile() with { SettingsEnvironment = "GEMINI_CLI_SYSTEM_SETTINGS_PATH", SettingsFormat = "gemini" };

        var launch = _setup.Prepare(profile, _catalog.GetRole("tester"), "w1", Checkout, "p");

        Assert.Equal("/repo/.baton/settings/w1.json", launch.Environment["GEMINI_CLI_SYSTEM_SETTINGS_PATH"]);
        Assert.Empty(launch.Arguments);
        var settings = System.Text.Json.Nodes.JsonNode.Parse(_files.ReadText("/repo/.baton/settings/w1.json"))!;
        Assert.Equal("baton hook AfterAgent", settings["hooks"]!["AfterAgent"]![0]!["hooks"]![0]!["command"]!.GetValue<string>());
        Assert.Equal("*", settings["hooks"]!["BeforeTool"]![0]!["matcher"]!.GetValue<string>());
        Assert.Null(settings["permissions"]);
    }

    private sealed class Workspace : IGitWorkspace
    {
        public List<(string Directory, string Pattern)> Unexcluded { get; } = [];

        /// <summary>The one info/exclude every linked worktree shares.</summary>
        public HashSet<string> Lines { get; } = [];

        public bool Unexclude(string directory, string pattern)
        {
            Unexcluded.Add((directory, pattern));
            return Lines.Remove(pattern);
        }

        public List<(string Directory, string Pattern)> Excluded { get; } = [];

        public List<string> Guarded { get; } = [];

        public bool Exclude(string directory, string pattern)
        {
            if (!Lines.Add(pattern))
            {
                return false;
            }

            Excluded.Add((directory, pattern));
            return true;
        }

        public string? InstallGuards(string directory, IReadOnlyList<string> baton)
        {
            Guarded.Add(directory);
            return directory + "/.git/hooks";
        }

        public (string Own, string Common)? GitFolders(string directory) => throw new InvalidOperationException("not asked for here");
    }
}
