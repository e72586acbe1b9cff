using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Planning;

/// <summary>`baton plan` with the scripted agent as the planning agent: real headless workers, git and SQLite.</summary>
public sealed class PlanCommandTests : IDisposable
{
    // A cycle (api <-> ui), an unknown dependency ("store") and an overlap (model's src/** with api's src/api/**).
    private const string Invalid = """{"tickets": [{"key": "model", "title": "Goal model", "paths": ["src/**"], "acceptance": ["model tests pass"]}, {"key": "api", "title": "Goal API", "depends_on": ["ui"], "paths": ["src/api/**"], "acceptance": ["api tests pass"]}, {"key": "ui", "title": "Goal UI", "depends_on": ["api", "store"], "paths": ["ui/**"], "acceptance": ["the page renders"]}]}""";

    private const string Valid = """{"summary": "model first, then API and UI side by side", "tickets": [{"key": "model", "title": "Goal model", "paths": ["src/model/**"], "acceptance": ["model tests pass"], "speciality": "backend"}, {"key": "api", "title": "Goal API", "depends_on": ["model"], "paths": ["src/api/**"], "acceptance": ["api tests pass"]}, {"key": "ui", "title": "Goal UI", "depends_on": ["model"], "paths": ["ui/**"], "acceptance": ["the page renders"], "role": "implementor"}]}""";

    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    /// <summary>The request as a person types it, with the scripted model's answers: invalid the first time it is asked, <paramref name="second"/> after.</summary>
    private static string Request(string second) => $"Add reading goals: data model, API, UI\n@once @say {Invalid}\n@again @say {second}";

    [Fact]
    public void An_invalid_graph_is_repaired_once_and_the_filed_tickets_and_dependencies_match()
    {
        _repo.Baton("feature", "add", "goals", "Reading goals").Ok();

        var run = _repo.Baton("plan", Request(Valid), "--agent", "scripted", "--feature", "goals").Ok();

        Assert.Contains("round 1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("$.tickets[2].depends_on[1]: unknown ticket \"store\"", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("dependency cycle: api -> ui -> api", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("$.tickets[1].paths[0]: \"src/api/**\" overlaps \"src/**\" of ticket \"model\"", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Plan filed: 3 tickets in 2 layers", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("asking the agent to repair it", run.Stderr, StringComparison.Ordinal);

        var tickets = _repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray()
            .ToDictionary(t => t.GetProperty("title").GetString()!, t => t);
        Assert.Equal(["Goal API", "Goal UI", "Goal model"], tickets.Keys.Order(StringComparer.Ordinal));
        var model = tickets["Goal model"].GetProperty("id").GetString();
        Assert.Equal([model], Strings(tickets["Goal API"], "depends_on"));
        Assert.Equal([model], Strings(tickets["Goal UI"], "depends_on"));
        Assert.Empty(Strings(tickets["Goal model"], "depends_on"));
        Assert.All(tickets.Values, t => Assert.Equal("goals", t.GetProperty("feature").GetString()));
        Assert.Equal(["src/model/**"], Strings(tickets["Goal model"], "paths"));

        var plans = _repo.Baton("events", "recent", "50", "--type", "plan_filed", "--json").Ok().Json();
        var filed = Assert.Single(plans.EnumerateArray());
        Assert.Equal("2", filed.GetProperty("metadata").GetProperty("rounds").GetString());
        Assert.True(File.Exists(Path.Combine(_repo.Dir, ".baton", "plan", "schema.json")));
        JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "plan", "schema.json"))).Dispose();
    }

    [Fact]
    public void A_dry_run_shows_the_graph_as_json_and_files_nothing()
    {
        var run = _repo.Baton("plan", $"Add reading goals\n@say {Valid}", "--agent", "scripted", "--dry-run", "--json").Ok();

        var plan = run.Json();
        Assert.True(plan.GetProperty("valid").GetBoolean());
        Assert.False(plan.GetProperty("filed").GetBoolean());
        Assert.Equal(["model", "api", "ui"], plan.GetProperty("tickets").EnumerateArray().Select(t => t.GetProperty("key").GetString()));
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("tickets")[0].GetProperty("id").ValueKind);
        Assert.Equal(2, plan.GetProperty("tickets")[1].GetProperty("layer").GetInt32());
        Assert.Equal(1, plan.GetProperty("rounds").GetArrayLength());
        Assert.Empty(_repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray());
        Assert.Single(_repo.Baton("events", "recent", "50", "--type", "plan_checked", "--json").Ok().Json().EnumerateArray());
    }

    [Fact]
    public void Still_invalid_after_the_repair_exits_1_naming_every_error_and_files_nothing()
    {
        var run = _repo.Baton("plan", Request(Invalid), "--agent", "scripted");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The plan is invalid (3 errors after the repair round)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("$.tickets[2].depends_on[1]: unknown ticket \"store\"", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("$.tickets[2].depends_on[0]: dependency cycle", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("$.tickets[1].paths[0]", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing was filed", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(_repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray());
        var rejected = Assert.Single(_repo.Baton("events", "recent", "50", "--type", "plan_rejected", "--json").Ok().Json().EnumerateArray());
        Assert.Equal("3", rejected.GetProperty("metadata").GetProperty("errors").GetString());

        // Both rounds ran as ordinary headless workers of the planner role.
        var planners = _repo.Baton("list", "--json", "--all").Ok().Json().EnumerateArray().Where(w => w.GetProperty("role").GetString() == "planner").ToList();
        Assert.Equal(2, planners.Count);
        Assert.All(planners, w => Assert.Equal("headless", w.GetProperty("mode").GetString()));
    }

    private static List<string?> Strings(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetString()).ToList();
}
