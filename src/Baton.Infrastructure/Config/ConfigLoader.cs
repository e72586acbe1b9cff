using Baton.Core.Config;

namespace Baton.Infrastructure.Config;

/// <summary>Reads <c>.baton/config.yaml</c>; a missing file means the defaults, a bad one fails with file and line.</summary>
public static class ConfigLoader
{
    public const string DefaultFile = """
        # Baton configuration. Every value shown is the default; delete a line to keep the default.
        tmux:
          # Prefix of every tmux session Baton creates ("claude-" gives the classic claude-NAME sessions).
          prefix: baton-
          # tmux server socket (tmux -L NAME); empty means your default server. BATON_TMUX_SOCKET overrides it.
          socket: ""
          # Size of each worker's pane.
          width: 160
          height: 48
        agents:
          # Profile used by `baton spawn` without --agent: claude, codex, gemini, aider, scripted, or one in .baton/agents/.
          default: claude
        send:
          # How often Enter is retried when typed text was not submitted.
          submit_retries: 3

        """;

    public static BatonConfig Load(string path, string? socketOverride)
    {
        var config = File.Exists(path) ? Parse(path, File.ReadAllText(path)) : BatonConfig.Default;
        if (!string.IsNullOrEmpty(socketOverride))
        {
            config = config with { TmuxSocket = socketOverride };
        }

        return config;
    }

    public static BatonConfig Parse(string source, string text)
    {
        var doc = YamlDocument.Parse(source, text);
        doc.AllowOnly(doc.Root, "tmux", "agents", "send");
        var config = BatonConfig.Default;
        if (doc.Map(doc.Root, "tmux") is { } tmux)
        {
            doc.AllowOnly(tmux, "prefix", "socket", "width", "height");
            var prefix = doc.String(tmux, "prefix");
            if (prefix is not null && !System.Text.RegularExpressions.Regex.IsMatch(prefix, "^[A-Za-z0-9_-]{0,20}$"))
            {
                throw doc.Error(doc.Node(tmux, "prefix")!, "'prefix' may hold only letters, digits, '-' and '_' (at most 20)");
            }

            var socket = doc.String(tmux, "socket");
            if (!string.IsNullOrEmpty(socket) && !System.Text.RegularExpressions.Regex.IsMatch(socket, "^[A-Za-z0-9_.-]{1,64}$"))
            {
                throw doc.Error(doc.Node(tmux, "socket")!, "'socket' may hold only letters, digits, '.', '-' and '_'");
            }

            config = config with
            {
                SessionPrefix = prefix ?? config.SessionPrefix,
                TmuxSocket = string.IsNullOrEmpty(socket) ? null : socket,
                PaneWidth = doc.Int(tmux, "width", 40, 1000) ?? config.PaneWidth,
                PaneHeight = doc.Int(tmux, "height", 10, 500) ?? config.PaneHeight,
            };
        }

        if (doc.Map(doc.Root, "agents") is { } agents)
        {
            doc.AllowOnly(agents, "default");
            config = config with { DefaultAgent = doc.String(agents, "default") ?? config.DefaultAgent };
        }

        if (doc.Map(doc.Root, "send") is { } send)
        {
            doc.AllowOnly(send, "submit_retries");
            config = config with { SubmitRetries = doc.Int(send, "submit_retries", 1, 10) ?? config.SubmitRetries };
        }

        return config;
    }
}
