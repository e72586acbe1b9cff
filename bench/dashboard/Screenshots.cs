using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Playwright;

namespace Baton.DashboardBench;

/// <summary>
/// The docs' pictures: a demo repository (six tickets, a dependency chain) half-way through
/// `baton up` with scripted agents (two merged, two agents working, two waiting), photographed
/// on the board, the graph and one agent's live terminal.
/// </summary>
internal static class Screenshots
{
    public static async Task TakeAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        using var repo = new TestRepo();
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"),
            "agents:\n  default: scripted\nautopilot:\n  tick: 200ms\n  max_workers: 2\n  spawns_per_minute: 600\n  spawn_burst: 10\n");
        repo.Baton("feature", "add", "greetings", "Greetings and farewells").Ok();
        string Hold(string id, string file, string what) =>
            $"@say Reading the modules for {what}\n@run git log --oneline -3\n@say Writing {file}\n@tokens 5200 830\n@sleep 600\n@write {file} {what}\n@commit {id}: {what}\n@run baton ticket done {id}";
        string Quick(string id, string file, string what) => $"@write {file} {what}\n@commit {id}: {what}\n@run baton ticket done {id}";
        Create(repo, "Add the greeting module", Quick("T-1", "src/greeting.txt", "hello"), "--priority", "high", "--label", "backend", "--feature", "greetings");
        Create(repo, "Add the farewell module", Quick("T-2", "src/farewell.txt", "goodbye"), "--priority", "high", "--label", "backend", "--feature", "greetings");
        Create(repo, "Add the counter module", Hold("T-3", "src/counter.txt", "the counter"), "--depends-on", "T-1", "--label", "backend");
        Create(repo, "Combine greeting and farewell", Hold("T-4", "src/conversation.txt", "the conversation"), "--depends-on", "T-1,T-2", "--label", "frontend", "--feature", "greetings");
        Create(repo, "Document the modules", Quick("T-5", "MODULES.md", "modules"), "--depends-on", "T-3,T-4", "--label", "docs");

        using var up = repo.StartBaton("up", "--until-done", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Status(repo, "T-3") == "in-progress" && Status(repo, "T-4") == "in-progress", "T-3 and T-4 are worked on", 120);
            // Filed once both slots are taken: it waits in `open`.
            Create(repo, "Add a changelog", Quick("T-6", "CHANGELOG.md", "changes"), "--priority", "low", "--label", "docs");
            var worker = repo.Baton("ticket", "show", "T-3", "--json").Ok().Json().GetProperty("assignee").GetString()!;
            TestRepo.WaitUntil(() => repo.Baton("capture", worker, "--lines", "30").Stdout.Contains("Writing", StringComparison.Ordinal), "the agent wrote its first lines", 60);
            using var dashboard = DashboardProcess.Start(repo);
            await using var browser = await BrowserSession.StartAsync();

            var board = await browser.OpenAsync(dashboard, "/#board");
            await board.SetViewportSizeAsync(1640, 760); // every column in the picture
            await board.Locator("#board [data-ticket='T-6']").WaitForAsync();
            await board.WaitForTimeoutAsync(500); // fonts and the last refresh settle before the picture
            await board.ScreenshotAsync(new() { Path = Path.Combine(folder, "dashboard-board.png") });

            var graph = await browser.OpenAsync(dashboard, "/#graph");
            await graph.SetViewportSizeAsync(1100, 430); // the six nodes, not the empty page under them
            await graph.Locator("#graph svg [data-node='T-5']").WaitForAsync();
            await graph.WaitForTimeoutAsync(500);
            await graph.ScreenshotAsync(new() { Path = Path.Combine(folder, "dashboard-graph.png") });

            var terminal = await browser.OpenAsync(dashboard, "/terminal.html?worker=" + Uri.EscapeDataString(worker));
            await terminal.WaitForFunctionAsync("() => typeof window.batonTerminalText === 'function' && window.batonTerminalText().includes('Writing')");
            await terminal.WaitForTimeoutAsync(500);
            await terminal.ScreenshotAsync(new() { Path = Path.Combine(folder, "dashboard-terminal.png") });
            Console.Error.WriteLine($"screenshots: {folder}/dashboard-{{board,graph,terminal}}.png");
        }
        finally
        {
            up.Kill(entireProcessTree: true);
            up.WaitForExit(10_000);
        }
    }

    private static void Create(TestRepo repo, string title, string body, params string[] extra) =>
        repo.Baton(["ticket", "create", title, "--body", body, .. extra]).Ok();

    private static string Status(TestRepo repo, string id) =>
        repo.Baton("ticket", "show", id, "--json").Ok().Json().GetProperty("status").GetString()!;
}
