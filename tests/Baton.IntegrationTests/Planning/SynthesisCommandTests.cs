using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Planning;

/// <summary>`baton synthesize` and a feature's RESULT.md, with the scripted agent, real git and SQLite.</summary>
public sealed class SynthesisCommandTests
{
    private const string Report = "@say ## Summary\\nTwo halves of one feature.\\n## Conflicts\\n- both define Goal\\n## Gaps\\nNone.\\n## Follow-up tickets\\n- Merge the Goal types: they are duplicated";

    [Fact]
    public void Synthesize_gives_the_agent_the_finished_tickets_work_and_stores_its_report_as_their_artifact()
    {
        using var repo = new TestRepo();
        repo.Git("switch", "-q", "-c", "goal-model");
        File.WriteAllText(Path.Combine(repo.Dir, "goal.txt"), "class Goal {}\n");
        repo.Git("add", "goal.txt");
        repo.Git("commit", "-q", "-m", "T-1: goal model");
        repo.Git("switch", "-q", "main");
        repo.Baton("ticket", "create", "Goal model").Ok();
        repo.Baton("ticket", "create", "Goal API").Ok();
        repo.Baton("ticket", "update", "T-1", "--branch", "goal-model").Ok();
        repo.Baton("ticket", "done", "T-1", "--summary", "model added with 4 tests", "--artifact", "goal.txt").Ok();
        repo.Baton("ticket", "done", "T-2", "--summary", "API added").Ok();

        var run = repo.Baton("synthesize", "T-1", "T-2", "--agent", "scripted", "--json", "--focus", "naming\n@dump .baton/synthesis-prompt.txt\n" + Report).Ok();

        var prompt = File.ReadAllText(Path.Combine(repo.Dir, ".baton", "synthesis-prompt.txt"));
        Assert.StartsWith("Review these 2 finished tickets together: T-1, T-2.", prompt, StringComparison.Ordinal);
        Assert.Contains("Summary: model added with 4 tests", prompt, StringComparison.Ordinal);
        Assert.Contains("Artifacts: goal.txt", prompt, StringComparison.Ordinal);
        Assert.Contains("branch goal-model since it left main (not merged)", prompt, StringComparison.Ordinal);
        Assert.Contains("goal.txt +1 -0", prompt, StringComparison.Ordinal);
        Assert.Contains("+class Goal {}", prompt, StringComparison.Ordinal);
        Assert.Contains("Gate: no gate run recorded", prompt, StringComparison.Ordinal);

        var outcome = run.Json();
        Assert.Equal(["both define Goal"], outcome.GetProperty("conflicts").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Merge the Goal types: they are duplicated"], outcome.GetProperty("follow_ups").EnumerateArray().Select(e => e.GetString()));
        var report = outcome.GetProperty("report").GetString()!;
        Assert.Contains("## Conflicts", File.ReadAllText(report), StringComparison.Ordinal);
        var relative = Path.GetRelativePath(repo.Dir, report);
        Assert.Contains(relative, repo.Baton("ticket", "show", "T-2", "--json").Ok().Json().GetProperty("artifacts").EnumerateArray().Select(a => a.GetString()));
        var e = Assert.Single(repo.Baton("events", "recent", "50", "--type", "synthesis_written", "--json").Ok().Json().EnumerateArray());
        Assert.Equal("T-1,T-2", e.GetProperty("metadata").GetProperty("tickets").GetString());
    }

    [Fact]
    public void Synthesize_refuses_unfinished_tickets_with_what_to_do()
    {
        using var repo = new TestRepo();
        repo.Baton("ticket", "create", "Done").Ok();
        repo.Baton("ticket", "create", "Not yet").Ok();
        repo.Baton("ticket", "done", "T-1").Ok();

        var run = repo.Baton("synthesize", "T-1", "T-2", "--agent", "scripted");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("T-2 is open: synthesize reviews finished tickets only", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(repo.Baton("list", "--json", "--all").Ok().Json().EnumerateArray());
    }

    [Fact]
    public void A_features_RESULT_md_is_written_when_its_last_ticket_lands_under_baton_up()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "headless: true\nmax_workers: 2");
        repo.Baton("feature", "add", "goals", "Reading goals").Ok();
        var a = Ticket(repo, "Goal model", Work("T-1", "src/model.txt", "model"), "--feature", "goals");
        var b = Ticket(repo, "Goal API", Work("T-2", "src/api.txt", "api"), "--feature", "goals", "--depends-on", "T-1");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        var result = File.ReadAllText(Path.Combine(repo.Dir, ".baton", "features", "goals", "RESULT.md"));
        Assert.StartsWith($"# Result: Reading goals (goals)\n<!-- baton feature result: {a}:done,{b}:done -->", result, StringComparison.Ordinal);
        Assert.Contains("2 done, 0 failed, 0 cancelled, of 2", result, StringComparison.Ordinal);
        Assert.Contains($"### {b}: Goal API (done)", result, StringComparison.Ordinal);
        Assert.Contains("src/api.txt written", result, StringComparison.Ordinal);
        Assert.Contains("Changed: src/model.txt (+1 -0)", result, StringComparison.Ordinal);
        var written = Assert.Single(Events(repo, "feature_result_written"));
        var merged = Events(repo, "merged").Select(Time).Max();
        Assert.True(Time(written) >= merged, "written after the last ticket landed");
        Assert.Equal(JsonValueKind.String, written.GetProperty("feature").ValueKind);
    }
}
