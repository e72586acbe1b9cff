namespace Baton.Core.Agents;

/// <summary>How to run one kind of agent CLI. Built-in profiles ship in the binary; a project file overrides one.</summary>
public sealed record AgentProfile
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";

    /// <summary>Interactive command and arguments. <c>{baton}</c> stands for Baton's own executable.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Non-interactive command; <c>{prompt}</c> is replaced by the prompt as one argument.</summary>
    public IReadOnlyList<string> HeadlessCommand { get; init; } = [];

    /// <summary><c>text</c> or <c>stream-json</c>: how the headless output is to be read.</summary>
    public string HeadlessOutput { get; init; } = "text";

    /// <summary>How multi-line prompts are typed: <c>paste</c> (bracketed paste) or <c>join</c> (newlines become spaces).</summary>
    public string Multiline { get; init; } = "paste";

    /// <summary>What the agent understands as "leave", typed like a prompt.</summary>
    public string ExitCommand { get; init; } = "/exit";

    /// <summary>
    /// What the agent understands as "forget this conversation, start a new one", typed like a
    /// prompt (<c>reset</c>: /clear, /new); null when it has none: such an agent is never reused
    /// for another ticket (autopilot.reuse_agents), it is ended and a fresh one started.
    /// </summary>
    public string? Reset { get; init; }

    /// <summary>Options that hand the agent its role context: <c>{context}</c> (the text) or <c>{context_file}</c> (its path).</summary>
    public IReadOnlyList<string> ContextArgument { get; init; } = [];

    /// <summary>A file in the working folder the agent reads as context (AGENTS.md, GEMINI.md), when it has no option for it.</summary>
    public string? ContextFile { get; init; }

    /// <summary>Options that give the agent its settings file (<c>{settings_file}</c>): permissions and hooks.</summary>
    public IReadOnlyList<string> SettingsArgument { get; init; } = [];

    /// <summary>
    /// A variable that names the settings file, for agents without an option for it (Gemini CLI:
    /// <c>GEMINI_CLI_SYSTEM_SETTINGS_PATH</c>). Set with or instead of <see cref="SettingsArgument"/>.
    /// </summary>
    public string? SettingsEnvironment { get; init; }

    /// <summary>Which agent's settings file Baton writes: <c>claude</c> (permissions and hooks) or <c>gemini</c> (hooks).</summary>
    public string SettingsFormat { get; init; } = "claude";

    /// <summary>
    /// Arguments that make the agent call Baton's hook when a turn ends, for every worker (Codex:
    /// <c>["-c", "notify={notify}"]</c>; <c>{notify}</c> is the hook command as a TOML array). The
    /// agent appends its JSON payload as the last argument.
    /// </summary>
    public IReadOnlyList<string> NotifyArgument { get; init; } = [];

    /// <summary>
    /// Arguments that register Baton's MCP server for a role with <c>mcp:</c> (Claude Code:
    /// <c>["--mcp-config", "{mcp_config_file}"]</c>, a JSON file Baton writes; Codex:
    /// <c>["-c", "mcp_servers.baton={mcp_toml}"]</c>, the server as a TOML inline table).
    /// </summary>
    public IReadOnlyList<string> McpArgument { get; init; } = [];

    /// <summary>Keys that say "yes" to the agent's permission question (roles with <c>auto_approve</c>).</summary>
    public IReadOnlyList<string> ApproveKeys { get; init; } = ["Enter"];

    /// <summary>Most live workers of this profile under the autopilot; null for no limit of its own.</summary>
    public int? MaxInstances { get; init; }

    /// <summary>Kinds of work this profile is good at (<c>specialities</c>): a ticket labelled <c>speciality:NAME</c> may run with it.</summary>
    public IReadOnlyList<string> Specialities { get; init; } = [];

    /// <summary>Most tickets in progress at once with this profile (<c>max_tasks</c>); null for no limit. Unlike <see cref="MaxInstances"/>, agents not on a ticket do not count.</summary>
    public int? MaxTasks { get; init; }

    /// <summary>Arguments that make the agent print its version (<c>--version</c>); empty: do not ask.</summary>
    public IReadOnlyList<string> VersionArgument { get; init; } = ["--version"];

    /// <summary>Versions this profile was tested against (its screens and streams are in the fixtures); others work but are flagged by `baton doctor`.</summary>
    public IReadOnlyList<string> KnownGoodVersions { get; init; } = [];

    /// <summary>Set when the profile was never run against the real CLI: what would verify it (`baton doctor` says so).</summary>
    public string? Unverified { get; init; }

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the ready prompt must stay on screen, with no start-up dialog, before spawn
    /// trusts it: Codex draws its prompt for about a second before a dialog (trust, model
    /// migration) replaces it, and a prompt typed then goes into the dialog. Zero: at first sight.
    /// </summary>
    public TimeSpan ReadySettle { get; init; } = TimeSpan.Zero;
    public TimeSpan ExitTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public required ScreenRules Screen { get; init; }
    public IReadOnlyList<StartupRule> Startup { get; init; } = [];
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// <c>pass_env</c>: names (or prefixes ending in <c>*</c>) of Baton's own environment variables
    /// the agent gets, besides <see cref="PassEnv.Always"/>; <see cref="Environment"/> wins over them.
    /// </summary>
    public IReadOnlyList<string> PassEnvironment { get; init; } = [];

    /// <summary>What the agent keeps in HOME (settings, login), relative to it: all a sandbox's private HOME shows (<c>sandbox.home</c>).</summary>
    public IReadOnlyList<string> SandboxHome { get; init; } = [];

    /// <summary>Arguments added in a Baton sandbox, so the agent's own sandbox does not fight the outer one (<c>sandbox.arguments</c>).</summary>
    public IReadOnlyList<string> SandboxArguments { get; init; } = [];

    /// <summary>Where the profile came from (built-in or a file), for error messages.</summary>
    public string Source { get; init; } = "built-in";
}
